//! The lock commands' contract where no fetch is needed: help with
//! examples, completions, usage errors, and bad input refused at its place
//! with nothing written.

mod world;

use std::path::Path;

use world::{eka, stderr, stdout};

const COMMANDS: [&[&str]; 6] = [
    &["lock"],
    &["update"],
    &["verify"],
    &["add"],
    &["add", "nix"],
    &["remove"],
];

fn in_dir(dir: &Path, args: &[&str]) -> std::process::Output {
    eka(&dir.join("home"), dir, args)
}

#[test]
fn every_command_s_help_ends_with_examples() {
    let dir = tempfile::tempdir().unwrap();
    for command in COMMANDS {
        let mut args = command.to_vec();
        args.push("--help");
        let output = in_dir(dir.path(), &args);
        assert!(output.status.success(), "{args:?}");
        let help = stdout(&output);
        let examples = help
            .find("Examples:")
            .unwrap_or_else(|| panic!("{args:?}: no examples:\n{help}"));
        assert!(
            help[examples..].contains(&format!("eka {}", command[0])),
            "{args:?}:\n{help}"
        );
    }
}

#[test]
fn completions_offer_the_lock_commands() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout(&in_dir(dir.path(), &["completions", shell]));
        for command in [
            "lock",
            "update",
            "verify",
            "add",
            "remove",
            "locked",
            "no-unpack",
        ] {
            assert!(
                script.contains(command),
                "{shell} completions lack {command}"
            );
        }
    }
}

#[test]
fn flags_that_need_another_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["add", "nix", "x", "--url", "https://x", "--exec"][..],
        &["add", "nix", "x", "--git", "https://x", "--no-unpack"],
        &["add", "nix", "x", "--tar", "https://x", "--ref", "v1"],
        &["add", "nix", "x", "--url", "https://x", "--ref", "main"],
        &[
            "add",
            "nix",
            "x",
            "--git",
            "https://x",
            "--ref",
            "main",
            "--version",
            "^1",
        ],
        &[
            "add",
            "nix",
            "x",
            "--build",
            "https://x",
            "--exec",
            "--no-unpack",
        ],
        &["add", "nix", "x"],
        &[
            "add",
            "nix",
            "x",
            "--url",
            "https://x",
            "--tar",
            "https://y",
        ],
        &["remove"],
        &["lock", "-j", "0"],
    ] {
        let output = in_dir(dir.path(), args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn without_a_manifest_eka_says_where_it_looked() {
    let dir = tempfile::tempdir().unwrap();
    let output = in_dir(dir.path(), &["lock"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("no atom.toml in"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_bad_manifest_is_reported_at_its_place_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("atom.toml"),
        "[atom]\ntag = \"app\"\nversion = \"0.1.0\"\n\n[atoms.company-atoms]\nauth = \"^1\"\n",
    )
    .unwrap();
    for args in [
        &["lock"][..],
        &["add", "nix", "x", "--url", "https://x"],
        &["remove", "auth"],
    ] {
        let output = in_dir(dir.path(), args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let err = stderr(&output);
        assert!(
            err.contains("atom.toml:5:8: undeclared source `company-atoms`"),
            "{args:?}: {err}"
        );
        assert!(!dir.path().join("atom.lock").exists());
    }
}

#[test]
fn a_bad_lock_is_reported_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("atom.toml"),
        "[atom]\ntag = \"app\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    let lock = "version = 1\n\n[[bonds]]\ntype = \"nix+svn\"\nname = \"x\"\n";
    std::fs::write(dir.path().join("atom.lock"), lock).unwrap();
    let output = in_dir(dir.path(), &["lock"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("atom.lock:4:8: bond `x` has unknown type `nix+svn`"),
        "{err}"
    );
    assert!(err.contains("delete it and run `eka lock`"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("atom.lock")).unwrap(),
        lock
    );
}

#[test]
fn locked_without_a_lock_fails_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("atom.toml"),
        "[atom]\ntag = \"app\"\nversion = \"0.1.0\"\n\n[legacy.nix.fetch]\nx.url = \"https://example.invalid/x\"\n",
    )
    .unwrap();
    let output = in_dir(dir.path(), &["lock", "--locked"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("`x`: not in the lock"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("atom.lock").exists());
}

#[test]
fn an_empty_manifest_locks_to_an_empty_lock_from_a_subdirectory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("atom.toml"),
        "[atom]\ntag = \"app\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    let sub = dir.path().join("src/deep");
    std::fs::create_dir_all(&sub).unwrap();
    let output = eka(&dir.path().join("home"), &sub, &["lock", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        report["lock"],
        dir.path()
            .canonicalize()
            .unwrap()
            .join("atom.lock")
            .display()
            .to_string()
    );
    assert_eq!(report["written"], true);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("atom.lock")).unwrap(),
        "# This file is @generated by eka. Do not edit.\nversion = 1\n\n[sources]\n"
    );
}

#[test]
fn no_lock_edits_the_manifest_only_and_reports_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("atom.toml"),
        "[atom]\ntag = \"app\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    let output = in_dir(
        dir.path(),
        &[
            "add",
            "nix",
            "x",
            "--url",
            "https://example.invalid/x",
            "--no-lock",
            "--json",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["manifest"], "atom.toml");
    assert_eq!(report["written"], true);
    assert!(!dir.path().join("atom.lock").exists());
    let manifest = std::fs::read_to_string(dir.path().join("atom.toml")).unwrap();
    assert!(
        manifest.ends_with("[legacy.nix.fetch]\nx = { url = \"https://example.invalid/x\" }\n"),
        "{manifest}"
    );

    let output = in_dir(dir.path(), &["remove", "x", "--no-lock"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("wrote atom.toml"),
        "{}",
        stdout(&output)
    );
    assert!(
        !std::fs::read_to_string(dir.path().join("atom.toml"))
            .unwrap()
            .contains("x = ")
    );
}

#[test]
fn the_repository_s_own_lock_is_up_to_date() {
    let home = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let output = eka(home.path(), &root, &["lock", "--locked", "--offline"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("atom.lock is up to date"),
        "{}",
        stdout(&output)
    );
}
