//! The command line contract: version, help, exit codes.

use std::process::{Command, Output};

fn eka(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eka"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("eka runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8 stdout")
}

#[test]
fn version_prints_the_crate_version() {
    let output = eka(&["--version"]);
    assert!(output.status.success());
    assert_eq!(
        stdout(&output).trim(),
        format!("eka {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_teaches_exit_codes_and_the_config_file() {
    let output = eka(&["--help"]);
    assert!(output.status.success());
    let help = stdout(&output);
    assert!(help.contains("EKA_CONFIG"), "{help}");
    assert!(help.contains("Exit status"), "{help}");
    assert!(help.contains("completions"), "{help}");
}

#[test]
fn a_usage_error_exits_with_two() {
    let output = eka(&["no-such-command"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
}

#[test]
fn no_arguments_prints_help_and_fails() {
    let output = eka(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Usage:"));
}

#[test]
fn completions_name_the_subcommands() {
    let output = eka(&["completions", "bash"]);
    assert!(output.status.success());
    let script = stdout(&output);
    assert!(script.contains("_eka"), "{script}");
    assert!(script.contains("completions"), "{script}");
}

#[test]
fn a_missing_directory_is_a_failure_naming_it() {
    let output = eka(&["-C", "/nonexistent/eka-test-dir", "completions", "bash"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/nonexistent/eka-test-dir"), "{stderr}");
}
