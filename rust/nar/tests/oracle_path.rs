//! `nar::write_path` against Nix 2.8 (`nix hash path`, `nix-store --dump`)
//! on hundreds of random trees.

use std::os::unix::ffi::OsStrExt as _;
use std::path::{Path, PathBuf};

use nix_oracle::Nix;
use nix_oracle::tree::{Shape, random_tree};
use sha2::{Digest, Sha256};

const TREES: u64 = 220;

fn eka_hex(path: &Path) -> String {
    format!(
        "{:x}",
        nar::write_path(path, Sha256::new())
            .expect("eka serialises the tree")
            .finalize()
    )
}

#[test]
fn random_trees_hash_as_nix_hash_path() {
    let nix = Nix::new();
    let dir = tempfile::tempdir().unwrap();
    let mut roots: Vec<PathBuf> = Vec::new();
    let mut totals = (0, 0, 0, 0, 0u64);
    for seed in 0..TREES {
        let shape = Shape {
            large_percent: if seed % 20 == 0 { 20 } else { 1 },
            ..Shape::default()
        };
        let root = dir.path().join(format!("tree-{seed}"));
        let stats = random_tree(&root, seed, &shape);
        totals.0 += stats.files;
        totals.1 += stats.executables;
        totals.2 += stats.symlinks;
        totals.3 += stats.empty_directories;
        totals.4 += stats.bytes;
        roots.push(root);
    }
    // The trees must exercise what they claim to.
    assert!(
        totals.0 > 1000 && totals.1 > 100 && totals.2 > 100 && totals.3 > 50,
        "{totals:?}"
    );
    assert!(totals.4 > 10 << 20, "{totals:?}");

    let mut args = vec!["hash", "path", "--base16"];
    let texts: Vec<String> = roots
        .iter()
        .map(|r| r.to_str().unwrap().to_owned())
        .collect();
    args.extend(texts.iter().map(String::as_str));
    let nix_hashes = nix.run("nix", &args);
    let nix_hashes: Vec<&str> = nix_hashes.lines().collect();
    assert_eq!(nix_hashes.len(), roots.len());
    for (root, expected) in roots.iter().zip(nix_hashes) {
        assert_eq!(eka_hex(root), expected, "tree {}", root.display());
    }
}

#[test]
fn archives_are_byte_for_byte_what_nix_store_dump_writes() {
    let nix = Nix::new();
    let dir = tempfile::tempdir().unwrap();
    for seed in [1000, 1001, 1002] {
        let root = dir.path().join(format!("t{seed}"));
        random_tree(&root, seed, &Shape::default());
        let expected = nix
            .command("nix-store")
            .arg("--dump")
            .arg(&root)
            .output()
            .unwrap();
        assert!(
            expected.status.success(),
            "{}",
            String::from_utf8_lossy(&expected.stderr)
        );
        assert_eq!(
            nar::write_path(&root, Vec::new()).unwrap(),
            expected.stdout,
            "seed {seed}"
        );
    }
}

#[test]
fn a_root_that_is_a_file_or_a_symlink_hashes_as_nix_does() {
    let nix = Nix::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, b"contents\n").unwrap();
    let exec = dir.path().join("exec");
    std::fs::write(&exec, b"#!/bin/sh\n").unwrap();
    std::fs::set_permissions(&exec, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(std::ffi::OsStr::from_bytes(b"\xff/target"), &link).unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for path in [&file, &exec, &link, &empty] {
        let expected = nix.run("nix", &["hash", "path", "--base16", path.to_str().unwrap()]);
        assert_eq!(eka_hex(path), expected, "{}", path.display());
    }
}
