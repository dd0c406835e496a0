//! `eka hash` prints exactly what `nix hash path|file` and `nix-hash` print.

use std::path::Path;
use std::process::Command;

use nix_oracle::Nix;
use nix_oracle::tree::{Shape, random_tree};

fn eka(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_eka"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("eka runs");
    assert!(
        output.status.success(),
        "eka {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("UTF-8 output")
        .trim()
        .to_owned()
}

fn text(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temporary path")
}

#[test]
fn every_format_and_algorithm_matches_nix_hash() {
    let nix = Nix::new();
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    random_tree(&tree, 42, &Shape::default());
    let file = dir.path().join("file");
    std::fs::write(&file, b"some bytes\n").unwrap();

    for algorithm in ["sha256", "sha512"] {
        for format in ["--sri", "--base32", "--base16", "--base64"] {
            for (kind, path) in [("path", &tree), ("path", &file), ("file", &file)] {
                let args = ["hash", kind, "--type", algorithm, format, text(path)];
                assert_eq!(eka(&args), nix.run("nix", &args), "{args:?}");
            }
        }
        // The defaults: SRI for `nix hash`.
        for (kind, path) in [("path", &tree), ("file", &file)] {
            let args = ["hash", kind, "--type", algorithm, text(path)];
            assert_eq!(eka(&args), nix.run("nix", &args), "{args:?}");
        }
    }
    // Several paths: one line each, in order.
    let args = ["hash", "path", text(&tree), text(&file)];
    assert_eq!(eka(&args), nix.run("nix", &args));
}

#[test]
fn flat_and_base32_match_nix_hash_legacy_flags() {
    let nix = Nix::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, vec![9u8; 100_000]).unwrap();
    assert_eq!(
        eka(&["hash", "path", "--flat", "--base32", text(&file)]),
        nix.run(
            "nix-hash",
            &["--flat", "--type", "sha256", "--base32", text(&file)]
        )
    );
    assert_eq!(
        eka(&["hash", "path", "--base16", text(&file)]),
        nix.run("nix-hash", &["--type", "sha256", text(&file)])
    );
}
