//! `eka uri`: the atom URI vectors through the command line, with aliases
//! from the config file on top of the built-in defaults.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// The vectors atom-uri's own tests run, shared so that both layers agree.
const VECTORS: &str = include_str!("../../atom-uri/tests/vectors.json");

/// Run eka with `config` as its configuration file (which may not exist).
fn eka(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eka"))
        .args(args)
        .env("EKA_CONFIG", config)
        .env("NO_COLOR", "1")
        .output()
        .expect("eka runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("utf-8 output")
}

/// A config file whose `[aliases]` are `entries`.
fn config_with(dir: &Path, entries: &[(&str, &str)]) -> std::path::PathBuf {
    let mut toml = String::from("[aliases]\n");
    for (name, value) in entries {
        toml.push_str(&format!("{name} = {value:?}\n"));
    }
    let path = dir.join("config.toml");
    std::fs::write(&path, toml).expect("the config file is written");
    path
}

#[test]
fn every_vector_gives_the_recorded_parts_or_error() {
    let vectors: Value = serde_json::from_str(VECTORS).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let extra: Vec<(&str, &str)> = vectors["aliases"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str().unwrap()))
        .collect();
    let config = config_with(dir.path(), &extra);
    for vector in vectors["vectors"].as_array().unwrap() {
        let uri = vector["uri"].as_str().unwrap();
        let output = eka(&config, &["uri", "--json", uri]);
        if let Some(phrase) = vector.get("error") {
            assert_eq!(output.status.code(), Some(1), "{uri}");
            assert!(output.stdout.is_empty(), "{uri}: nothing on stdout");
            let stderr = text(&output.stderr);
            assert!(stderr.contains(phrase.as_str().unwrap()), "{uri}: {stderr}");
            continue;
        }
        assert!(output.status.success(), "{uri}: {}", text(&output.stderr));
        let parsed: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(parsed["uri"], uri);
        assert_eq!(parsed["label"], vector["label"], "{uri}");
        assert_eq!(parsed["version"], vector["version"], "{uri}");
        let source = &parsed["source"];
        assert_eq!(source["written"], vector["source"], "{uri}");
        assert_eq!(source["expanded"], vector["expanded"], "{uri}");
        assert_eq!(source["aliases"][0], vector["alias"], "{uri}");
        if let Some(port) = vector.get("port") {
            assert_eq!(&source["port"], port, "{uri}");
        }
    }
}

#[test]
fn the_human_view_shows_source_written_and_expanded() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_with(dir.path(), &[("work", "+gh/org")]);
    let output = eka(&config, &["uri", "+work/proj::tool@^2"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "source:   +work/proj\n\
         expanded: github.com/org/proj (via +work → +gh)\n\
         git url:  https://github.com/org/proj (host-path)\n\
         label:    tool\n\
         version:  ^2\n"
    );
}

#[test]
fn scp_sources_stay_scp_and_ports_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("absent.toml");
    let output = eka(&config, &["uri", "--json", "git@+gh:owner/repo::x"]);
    let parsed: Value = serde_json::from_slice(&output.stdout).unwrap();
    let source = &parsed["source"];
    assert_eq!(source["form"], "scp");
    assert_eq!(source["url"], "git@github.com:owner/repo");
    assert_eq!(source["scheme"], "ssh");
    assert_eq!(source["user"], "git");
    assert_eq!(source["host"], "github.com");
    assert_eq!(source["path"], "owner/repo");

    let output = eka(&config, &["uri", "--json", "ssh://git@+gh:22/o/r::x"]);
    let parsed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(parsed["source"]["url"], "ssh://git@github.com:22/o/r");
    assert_eq!(parsed["source"]["port"], 22);
}

#[test]
fn the_defaults_work_without_a_config_file_and_users_override_them() {
    let dir = tempfile::tempdir().unwrap();
    let absent = dir.path().join("absent.toml");
    for (alias, host) in [
        ("gh", "github.com"),
        ("gl", "gitlab.com"),
        ("cb", "codeberg.org"),
        ("sh", "git.sr.ht"),
        ("bb", "bitbucket.org"),
    ] {
        let output = eka(&absent, &["uri", "--json", &format!("+{alias}/o/r::x")]);
        let parsed: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(parsed["source"]["host"], host, "{alias}");
    }

    let config = config_with(dir.path(), &[("gh", "ghe.example.com")]);
    let output = eka(&config, &["uri", "--json", "+gh/o/r::x"]);
    let parsed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(parsed["source"]["expanded"], "ghe.example.com/o/r");
}

#[test]
fn a_bad_config_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_with(dir.path(), &[("gh", "github.com"), ("my-forge", "x")]);
    let output = eka(&config, &["uri", "foo"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains(&config.display().to_string()), "{stderr}");
    assert!(stderr.contains("line 3, column 1"), "{stderr}");
    assert!(stderr.contains("invalid alias name `my-forge`"), "{stderr}");
}

#[test]
fn an_invalid_label_names_the_reason_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let output = eka(&dir.path().join("absent.toml"), &["uri", "+gh/o/r::9bad"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("invalid label in atom URI `+gh/o/r::9bad`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("at column 1 cannot start a label"),
        "{stderr}"
    );
}

#[test]
fn help_explains_the_grammar_with_examples() {
    let dir = tempfile::tempdir().unwrap();
    let output = eka(&dir.path().join("absent.toml"), &["uri", "--help"]);
    assert!(output.status.success());
    let help = text(&output.stdout);
    assert!(help.contains("[source::]label[@version]"), "{help}");
    assert!(help.contains("Examples:"), "{help}");
    assert!(
        help.contains("eka uri +gh/owner/repo::my-atom@1.0"),
        "{help}"
    );
}

#[test]
fn a_missing_uri_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = eka(&dir.path().join("absent.toml"), &["uri"]);
    assert_eq!(output.status.code(), Some(2));
}
