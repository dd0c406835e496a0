//! `eka key generate|show` and `eka coz sign|verify` through the command
//! line: where keys go, what is refused, and what is printed.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a panic is a failed test"
)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use atom_id::{Alg, Anchor, ClaimPayload, PublishPayload, SigningKey, verify_coz};
use serde_json::Value;

/// A scratch home: `XDG_CONFIG_HOME` points into it and `EKA_KEY` is unset,
/// so the default key location is inside the temporary directory.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn default_key(&self) -> PathBuf {
        self.path("config/eka/key.json")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_eka"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("HOME", self.dir.path())
            .env_remove("EKA_KEY")
            .env("NO_COLOR", "1");
        command
    }

    fn eka(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("eka runs")
    }

    fn eka_with_stdin(&self, args: &[&str], stdin: &[u8]) -> Output {
        use std::io::Write as _;
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("eka runs");
        child.stdin.take().unwrap().write_all(stdin).unwrap();
        child.wait_with_output().unwrap()
    }

    fn write(&self, name: &str, contents: &[u8]) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn json(output: &Output) -> Value {
    assert!(output.status.success(), "{}", stderr(output));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn generate_writes_an_ed25519_key_to_the_config_directory_with_mode_0600() {
    let home = Home::new();
    let output = home.eka(&["key", "generate", "--json"]);
    let printed = json(&output);
    let path = home.default_key();
    assert_eq!(printed["path"], path.display().to_string());
    assert_eq!(printed["alg"], "Ed25519");
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    let key = SigningKey::from_json(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(key.alg(), Alg::Ed25519);
    assert_eq!(printed["tmb"], key.tmb().to_b64());
    assert_eq!(printed["pub"], key.public().to_b64());
    // Nothing but the key is left in the directory.
    let entries: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
    assert_eq!(entries.len(), 1);
}

#[test]
fn generate_refuses_to_overwrite_and_leaves_the_key_alone() {
    let home = Home::new();
    assert!(home.eka(&["key", "generate"]).status.success());
    let before = std::fs::read(home.default_key()).unwrap();
    let output = home.eka(&["key", "generate", "--alg", "ES256"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("already exists"), "{message}");
    assert!(
        message.contains(&home.default_key().display().to_string()),
        "{message}"
    );
    assert!(output.stdout.is_empty());
    assert_eq!(std::fs::read(home.default_key()).unwrap(), before);
}

#[test]
fn out_and_eka_key_choose_the_file_and_alg_chooses_the_algorithm() {
    let home = Home::new();
    let from_env = home.path("env-key.json");
    let output = home
        .command(&["key", "generate", "--alg", "ES256"])
        .env("EKA_KEY", &from_env)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let key = SigningKey::from_json(&std::fs::read(&from_env).unwrap()).unwrap();
    assert_eq!(key.alg(), Alg::ES256);
    assert_eq!(mode(&from_env), 0o600);

    // --out wins over EKA_KEY, and the algorithm name is case-insensitive.
    let output = home
        .command(&[
            "key",
            "generate",
            "--alg",
            "ed25519",
            "--out",
            "flag-key.json",
        ])
        .env("EKA_KEY", &from_env)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(home.path("flag-key.json").is_file());
    assert!(!home.default_key().exists());
}

#[test]
fn an_unknown_algorithm_is_a_usage_error() {
    let home = Home::new();
    let output = home.eka(&["key", "generate", "--alg", "ES384"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("Ed25519, ES256"),
        "{}",
        stderr(&output)
    );
    assert!(!home.default_key().exists());
}

#[test]
fn show_prints_the_public_part_only() {
    let home = Home::new();
    assert!(home.eka(&["key", "generate"]).status.success());
    let key = SigningKey::from_json(&std::fs::read(home.default_key()).unwrap()).unwrap();
    let output = home.eka(&["key", "show"]);
    let text = stdout(&output);
    assert!(
        text.contains(&format!(
            "alg:  Ed25519\npub:  {}\ntmb:  {}\n",
            key.public().to_b64(),
            key.tmb()
        )),
        "{text}"
    );
    let private: Value = serde_json::from_str(&key.to_json()).unwrap();
    assert!(!text.contains(private["prv"].as_str().unwrap()));
    let printed = json(&home.eka(&["key", "show", "--json"]));
    assert_eq!(printed["tmb"], key.tmb().to_b64());
    assert!(printed.get("prv").is_none());
}

#[test]
fn show_without_a_key_says_how_to_make_one() {
    let home = Home::new();
    let output = home.eka(&["key", "show"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("eka key generate"), "{message}");
    assert!(
        message.contains(&home.default_key().display().to_string()),
        "{message}"
    );
}

#[test]
fn a_corrupt_key_file_is_named_with_the_reason() {
    let home = Home::new();
    let path = home.write("key.json", b"{\"alg\":\"Ed25519\",\n\"alg\":\"Ed25519\"}");
    let output = home.eka(&["key", "show", "--key", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("invalid key file"), "{message}");
    assert!(
        message.contains("duplicate key \"alg\" at line 2, column 1"),
        "{message}"
    );
}

#[test]
fn a_key_readable_by_others_is_used_with_a_warning() {
    let home = Home::new();
    let key = SigningKey::generate(Alg::Ed25519);
    let path = home.write("open.json", key.to_json().as_bytes());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let output = home.eka(&["key", "show", "--key", "open.json"]);
    assert!(output.status.success());
    assert!(stderr(&output).contains("chmod 600"), "{}", stderr(&output));
}

#[test]
fn sign_then_verify_round_trips_for_both_algorithms() {
    for alg in ["Ed25519", "ES256"] {
        let home = Home::new();
        assert!(
            home.eka(&["key", "generate", "--alg", alg])
                .status
                .success()
        );
        home.write(
            "pay.json",
            b"{\n  \"msg\": \"caf\\u00e9\",\n  \"typ\": \"example/hello\"\n}\n",
        );
        let signed = home.eka(&["coz", "sign", "pay.json"]);
        assert!(signed.status.success(), "{}", stderr(&signed));
        let message = signed.stdout.strip_suffix(b"\n").unwrap().to_vec();
        // The library accepts it, and the pay kept its escape.
        let verified = verify_coz(&message).unwrap();
        assert!(
            verified
                .pay()
                .ends_with(br#""msg":"caf\u00e9","typ":"example/hello"}"#)
        );
        assert!(!String::from_utf8_lossy(&message).contains("prv"));

        home.write("message.json", &message);
        let report = json(&home.eka(&["coz", "verify", "--json", "message.json"]));
        assert_eq!(report["czd"], verified.czd().to_b64());
        assert_eq!(report["tmb"], verified.tmb().to_b64());
        assert_eq!(report["alg"], alg);
        assert_eq!(report["typ"], "example/hello");

        let text = stdout(&home.eka(&["coz", "verify", "message.json"]));
        assert!(
            text.starts_with(&format!(
                "czd:     {}\ntmb:     {}\n",
                verified.czd(),
                verified.tmb()
            )),
            "{text}"
        );
    }
}

#[test]
fn sign_json_embeds_the_message_byte_for_byte() {
    let home = Home::new();
    assert!(home.eka(&["key", "generate"]).status.success());
    let output = home.eka_with_stdin(
        &["coz", "sign", "--json", "-"],
        br#"{"n":1.0,"s":"\u0041"}"#,
    );
    let text = stdout(&output);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(text.contains(r#""n":1.0,"s":"\u0041"}"#), "{text}");
    let printed: Value = serde_json::from_str(&text).unwrap();
    assert!(printed["czd"].is_string() && printed["cad"].is_string());
}

#[test]
fn sign_refuses_bad_payloads_with_their_position() {
    let home = Home::new();
    assert!(home.eka(&["key", "generate"]).status.success());
    home.write("broken.json", b"{\"msg\": \"hi\",\n  \"now\": 1.5}");
    let output = home.eka(&["coz", "sign", "broken.json"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("broken.json"), "{message}");
    assert!(message.contains("`pay.now` is 1.5"), "{message}");
    assert!(output.stdout.is_empty());

    home.write("syntax.json", b"{\"msg\": \"hi\",\n  oops}");
    let message = stderr(&home.eka(&["coz", "sign", "syntax.json"]));
    assert!(message.contains("line 2, column 3"), "{message}");
}

#[test]
fn verify_reports_claims_and_publishes() {
    let home = Home::new();
    let key = SigningKey::generate(Alg::Ed25519);
    let anchor = Anchor::from_object_id(&[3; 20]).unwrap();
    let claim = ClaimPayload::new(key.public(), anchor.clone(), "tool".parse().unwrap())
        .sign(&key)
        .unwrap();
    home.write("claim.json", claim.coz.json());
    let report = json(&home.eka(&["coz", "verify", "--json", "claim.json"]));
    assert_eq!(report["typ"], "atom/claim");
    assert_eq!(report["atom_id"], claim.atom_id.to_string());
    assert_eq!(report["label"], "tool");
    let text = stdout(&home.eka(&["coz", "verify", "claim.json"]));
    assert!(
        text.contains(&format!("atom id: {}", claim.atom_id)),
        "{text}"
    );

    let publish = PublishPayload::new(
        key.public(),
        claim.atom_id.clone(),
        anchor,
        "tool".parse().unwrap(),
        "0.3.1".parse().unwrap(),
        key.alg().hash(b"nar"),
        1_750_000_000,
    )
    .unwrap()
    .sign(&key)
    .unwrap();
    home.write("publish.json", publish.json());
    let report = json(&home.eka(&["coz", "verify", "--json", "publish.json"]));
    assert_eq!(report["typ"], "atom/publish");
    assert_eq!(report["version"], "0.3.1");
    assert_eq!(report["atom_id"], claim.atom_id.to_string());
}

/// Each rejection: exit status 1, one line on stderr with the reason,
/// nothing on stdout.
#[test]
fn verify_rejects_with_a_one_line_reason() {
    let home = Home::new();
    let key = SigningKey::generate(Alg::ES256);
    let claim = ClaimPayload::new(
        key.public(),
        Anchor::from_object_id(&[3; 20]).unwrap(),
        "tool".parse().unwrap(),
    )
    .sign(&key)
    .unwrap();
    let good = String::from_utf8(claim.coz.json().to_vec()).unwrap();
    let private: Value = serde_json::from_str(&key.to_json()).unwrap();
    let cases = [
        (
            "tampered",
            good.replace("\"tool\"", "\"tooo\""),
            "does not verify",
        ),
        (
            "duplicate",
            good.replacen("{\"pay\":", "{\"sig\":\"AA\",\"pay\":", 1),
            "duplicate key \"sig\"",
        ),
        (
            "private",
            good.replacen(
                "\"key\":{",
                &format!(
                    "\"key\":{{\"prv\":\"{}\",",
                    private["prv"].as_str().unwrap()
                ),
                1,
            ),
            "private key",
        ),
        (
            "reordered",
            good.replacen("\"alg\":\"ES256\",\"anchor\"", "\"anchor\"", 1)
                .replacen("\"label\"", "\"alg\":\"ES256\",\"label\"", 1),
            "not in canonical form",
        ),
        (
            "not json",
            "{\"pay\":".to_owned(),
            "invalid JSON at line 1, column 8",
        ),
    ];
    for (name, text, reason) in cases {
        assert_ne!(text, good, "{name}");
        let file = format!("{}.json", name.replace(' ', "-"));
        home.write(&file, text.as_bytes());
        let output = home.eka(&["coz", "verify", &file]);
        assert_eq!(output.status.code(), Some(1), "{name}");
        assert!(output.stdout.is_empty(), "{name}");
        let message = stderr(&output);
        assert_eq!(message.lines().count(), 1, "{name}: {message}");
        assert!(
            message.contains(&file) && message.contains(reason),
            "{name}: {message}"
        );
    }
    let output = home.eka(&["coz", "verify", "absent.json"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("cannot read absent.json"), "{message}");
}

#[test]
fn help_shows_examples() {
    let home = Home::new();
    for args in [
        &["key", "--help"][..],
        &["key", "generate", "--help"],
        &["key", "show", "--help"],
        &["coz", "--help"],
        &["coz", "sign", "--help"],
        &["coz", "verify", "--help"],
    ] {
        let output = home.eka(args);
        assert!(output.status.success());
        let help = stdout(&output);
        assert!(help.contains("Examples:"), "{args:?}: {help}");
    }
    let help = stdout(&home.eka(&["key", "generate", "--help"]));
    assert!(help.contains("EKA_KEY"), "{help}");
}
