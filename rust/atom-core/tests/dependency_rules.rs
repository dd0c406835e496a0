//! atom-core is the protocol's trait surface and must stay that way: no
//! cryptography of its own (that is atom-id's), and nothing of git, semver
//! or an async runtime anywhere beneath it. These tests read the real
//! dependency graph from `cargo metadata` and fail when a rule is broken.

#![allow(
    clippy::unwrap_used,
    reason = "a malformed cargo metadata is a failed test"
)]

use std::collections::{BTreeSet, HashMap};
use std::process::Command;

use serde_json::{Value, json};

/// The crates atom-core may depend on directly (normal dependencies).
const ALLOWED_DIRECT: [&str; 3] = ["atom-id", "atom-uri", "serde"];

/// Crates that must not appear anywhere in atom-core's dependency graph.
fn is_banned_anywhere(name: &str) -> bool {
    name == "gix"
        || name.starts_with("gix-")
        || name == "git2"
        || name == "semver"
        || name == "tokio"
        || name.starts_with("tokio-")
        || name == "async-std"
}

/// Cryptography crates: allowed only beneath atom-id, which owns signing.
fn is_crypto(name: &str) -> bool {
    [
        "coz-rs",
        "sha1",
        "sha2",
        "sha3",
        "blake3",
        "digest",
        "ed25519",
        "ed25519-dalek",
        "curve25519-dalek",
        "p256",
        "ecdsa",
        "ring",
        "rustls",
        "aws-lc-rs",
        "openssl",
    ]
    .contains(&name)
}

/// The rules, applied to `cargo metadata` output; returns every breach.
fn breaches<'a>(metadata: &'a Value) -> Vec<String> {
    let names: HashMap<&str, &str> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    let normal_deps: HashMap<&str, Vec<&str>> = metadata["resolve"]["nodes"]
        .as_array()
        .expect("resolve.nodes")
        .iter()
        .map(|node| {
            let deps = node["deps"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|dep| {
                    dep["dep_kinds"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|kind| kind["kind"].is_null())
                })
                .map(|dep| dep["pkg"].as_str().unwrap())
                .collect();
            (node["id"].as_str().unwrap(), deps)
        })
        .collect();
    let id_of = |name: &str| {
        names
            .iter()
            .find_map(|(id, n)| (*n == name).then_some(*id))
            .unwrap_or_else(|| panic!("{name} is not in the metadata"))
    };
    // Everything reachable from `start`, not walking into `stop`.
    let closure = |start: &'a str, stop: Option<&'a str>| -> BTreeSet<&'a str> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![start];
        while let Some(id) = todo.pop() {
            if Some(id) == stop || !seen.insert(id) {
                continue;
            }
            todo.extend(normal_deps.get(id).into_iter().flatten());
        }
        seen
    };

    let core = id_of("atom-core");
    let mut found = Vec::new();
    for dep in &normal_deps[core] {
        let name = names[dep];
        if !ALLOWED_DIRECT.contains(&name) {
            found.push(format!("atom-core depends directly on {name}"));
        }
    }
    for id in closure(core, None) {
        if is_banned_anywhere(names[id]) {
            found.push(format!("{} is in atom-core's dependency graph", names[id]));
        }
    }
    let atom_id = names
        .iter()
        .find(|(_, n)| **n == "atom-id")
        .map(|(id, _)| *id);
    for id in closure(core, atom_id) {
        if is_crypto(names[id]) {
            found.push(format!(
                "{} reaches atom-core other than through atom-id",
                names[id]
            ));
        }
    }
    found
}

/// The host's target triple, as rustc reports it.
fn host() -> String {
    let output = Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc runs");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .find_map(|line| line.strip_prefix("host: ").map(str::to_owned))
        .expect("rustc -vV names the host")
}

fn metadata() -> Value {
    // The host's graph only: other platforms' crates (wasm) need not be
    // downloaded, and are not what this machine links.
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--all-features",
        ])
        .args(["--filter-platform", &host()])
        .arg("--manifest-path")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON")
}

#[test]
fn atom_core_has_no_crypto_git_semver_or_async_runtime() {
    assert_eq!(breaches(&metadata()), Vec::<String>::new());
}

/// The rules themselves catch each kind of breach, on a made-up graph.
#[test]
fn each_kind_of_breach_is_reported() {
    let package = |name: &str| json!({ "id": name, "name": name });
    let node = |id: &str, deps: &[&str]| {
        json!({
            "id": id,
            "deps": deps.iter().map(|d| json!({ "pkg": d, "dep_kinds": [{ "kind": null }] }))
                .collect::<Vec<_>>(),
        })
    };
    let packages = [
        "atom-core",
        "atom-id",
        "coz-rs",
        "sha2",
        "gix-hash",
        "semver",
        "tokio",
    ]
    .map(package);
    let graph = json!({
        "packages": packages,
        "resolve": { "nodes": [
            node("atom-core", &["atom-id", "sha2", "semver"]),
            node("atom-id", &["coz-rs"]),
            node("coz-rs", &["sha2"]),
            node("sha2", &["gix-hash"]),
            node("gix-hash", &[]),
            node("semver", &["tokio"]),
            node("tokio", &[]),
        ]},
    });
    let found = breaches(&graph);
    for expected in [
        "atom-core depends directly on sha2",
        "atom-core depends directly on semver",
        "gix-hash is in atom-core's dependency graph",
        "semver is in atom-core's dependency graph",
        "tokio is in atom-core's dependency graph",
        "sha2 reaches atom-core other than through atom-id",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected:?} not in {found:#?}"
        );
    }
    // coz-rs under atom-id alone is fine.
    assert!(!found.iter().any(|f| f.starts_with("coz-rs")), "{found:#?}");
}
