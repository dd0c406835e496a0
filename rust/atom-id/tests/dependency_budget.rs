//! atom-id sits under every other crate, so its dependency list is a budget:
//! at most five non-std crates. This test fails when the list grows; raising
//! it is a design decision, not a drive-by edit.

use std::process::Command;

/// The normal (non-dev, non-build) dependencies atom-id is allowed.
const ALLOWED: [&str; 5] = [
    "coz-rs",
    "serde",
    "serde_json",
    "unicode-ident",
    "unicode-normalization",
];

#[test]
fn atom_id_has_at_most_five_dependencies() {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .arg("--manifest-path")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let package = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|package| package["name"] == "atom-id")
        .expect("atom-id is in the workspace");
    let mut normal: Vec<&str> = package["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|dep| dep["kind"].is_null())
        .map(|dep| dep["name"].as_str().unwrap())
        .collect();
    normal.sort_unstable();
    normal.dedup();
    assert!(
        normal.len() <= 5,
        "atom-id has {} dependencies, the budget is 5: {normal:?}",
        normal.len()
    );
    assert_eq!(normal, ALLOWED, "atom-id's dependencies changed");
}
