//! Nix is the oracle: the `nar_sha256` resolution reports for an atom is
//! the `narHash` Nix 2.8's `builtins.fetchGit` computes for the atom ref,
//! so a lock can hand it to Nix unchanged. Needs `nix-instantiate`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests: a panic is a failed test"
)]

mod common;

use std::process::Command;

use atom_core::{AtomSource, Query};
use atom_git::GitRegistry;
use common::{bare, key, label, project, publish, push_all, source};

fn sha256_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[test]
fn nar_sha256_is_what_builtins_fetch_git_gives_for_the_atom_ref() {
    let dir = tempfile::tempdir().unwrap();
    let repo = project(
        &dir.path().join("project"),
        &[(
            "hello",
            &[
                ("atom.toml", "[atom]\ntag = \"hello\"\n"),
                ("bin/run", "#!/bin/sh\necho hi\n"),
                // `git archive`, and so fetchGit, leave this file out.
                (".gitattributes", "secret export-ignore\n"),
                ("secret", "not exported\n"),
            ],
        )],
    );
    std::fs::set_permissions(
        repo.join("hello/bin/run"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    common::commit_all(&repo, "executable");
    let registry = GitRegistry::open(&repo, key()).unwrap();
    publish(&registry, "hello", "hello", "1.0.0");
    let remote = bare(&dir.path().join("remote.git"));
    push_all(&registry, remote.to_str().unwrap());

    let atom = source(dir.path(), &[remote.to_str().unwrap()])
        .resolve(&Query::new(label("hello"), "1.0.0".parse().unwrap()))
        .unwrap()
        .unwrap();

    let expression = format!(
        r#"(builtins.fetchGit {{ url = "file://{}"; ref = "refs/eka/atoms/hello/1.0.0"; rev = "{}"; }}).outPath"#,
        remote.display(),
        atom.rev
    );
    let output = Command::new("nix-instantiate")
        .args(["--eval", "--json", "--expr", &expression])
        .env("HOME", dir.path())
        .output()
        .expect("nix-instantiate (Nix 2.8) must be installed for the oracle tests");
    assert!(
        output.status.success(),
        "nix-instantiate failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let path: String = String::from_utf8(output.stdout)
        .unwrap()
        .trim()
        .trim_matches('"')
        .to_owned();
    assert!(!std::path::Path::new(&path).join("secret").exists());
    assert!(std::path::Path::new(&path).join("bin/run").exists());
    let output = Command::new("nix-hash")
        .args(["--type", "sha256", &path])
        .output()
        .expect("nix-hash must be installed for the oracle tests");
    assert!(output.status.success());
    let nix = String::from_utf8(output.stdout).unwrap();
    assert_eq!(sha256_hex(&atom.nar_sha256), nix.trim());
}
