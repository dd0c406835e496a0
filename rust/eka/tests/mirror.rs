//! `eka mirror sync` against origins behind `git daemon` on loopback: what
//! it copies, what it refuses (a moved ref, a forged claim, a publish signed
//! by another key, mirrors or sources that disagree), the status file, and
//! a second `git daemon` serving the store.

#![allow(clippy::unwrap_used, reason = "test helpers: a panic is a failed test")]

mod world;

use std::path::{Path, PathBuf};

use atom_core::{AtomSource as _, Query};
use atom_git::GitSource;
use atom_id::{Alg, PublishPayload, SigningKey};
use serde_json::Value;
use world::{GitDaemon, eka_command, git, publish_atoms, stderr, stdout, succeeded};

/// An origin publishing `hello` 1.0.0 and 1.1.0 and `world` 0.1.0 at
/// `served/company.git`, behind `git daemon`, and a mirror configuration
/// (`mirror.toml`) whose store is `mirror/store.git`.
struct Mirror {
    dir: tempfile::TempDir,
    daemon: GitDaemon,
    anchor: atom_id::Anchor,
}

impl Mirror {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let served = dir.path().join("served");
        std::fs::create_dir_all(&served).unwrap();
        let anchor = publish_atoms(
            &dir.path().join("company"),
            &[&served.join("company.git")],
            &[
                ("hello", "1.0.0", "hello 1.0.0\n"),
                ("hello", "1.1.0", "hello 1.1.0\n"),
                ("world", "0.1.0", "world 0.1.0\n"),
            ],
        );
        let daemon = GitDaemon::start(&served);
        let mirror = Self {
            dir,
            daemon,
            anchor,
        };
        std::fs::create_dir_all(mirror.path("mirror")).unwrap();
        mirror.configure(&[("company", &[&mirror.daemon.url("company.git")])]);
        mirror
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    fn origin(&self) -> PathBuf {
        self.path("served/company.git")
    }

    fn store(&self) -> PathBuf {
        self.path("mirror/store.git")
    }

    /// Write `mirror/mirror.toml` with these sources.
    fn configure(&self, sources: &[(&str, &[&str])]) {
        let mut text = String::from("store = \"store.git\"\n");
        for (name, urls) in sources {
            let urls: Vec<String> = urls.iter().map(|url| format!("\"{url}\"")).collect();
            text.push_str(&format!(
                "\n[sources.{name}]\nurls = [{}]\n",
                urls.join(", ")
            ));
        }
        std::fs::write(self.path("mirror/mirror.toml"), text).unwrap();
    }

    /// `eka mirror sync --config mirror/mirror.toml [args]`.
    fn sync(&self, args: &[&str]) -> std::process::Output {
        let config = self.path("mirror/mirror.toml");
        let mut all = vec!["mirror", "sync", "--config", config.to_str().unwrap()];
        all.extend_from_slice(args);
        eka_command(&self.path("home"), self.dir.path(), &all)
            .output()
            .expect("eka runs")
    }

    fn status(&self) -> Value {
        let text = std::fs::read(self.path("mirror/status.json")).expect("a status file");
        serde_json::from_slice(&text).unwrap()
    }

    /// The store's `refs/eka/*`, `name target` per line.
    fn store_refs(&self) -> String {
        git(
            &self.store(),
            &[
                "for-each-ref",
                "--format=%(refname) %(objectname)",
                "refs/eka/",
            ],
        )
    }

    fn origin_rev(&self, name: &str) -> String {
        git(&self.origin(), &["rev-parse", name])
    }
}

fn failed(output: &std::process::Output) {
    assert_eq!(
        output.status.code(),
        Some(1),
        "expected exit status 1:\nstdout: {}\nstderr: {}",
        stdout(output),
        stderr(output)
    );
}

fn refusals(status: &Value) -> Vec<&Value> {
    status["refusals"].as_array().unwrap().iter().collect()
}

/// The refusal of `name`, which must be the only one for that ref.
fn refusal<'a>(status: &'a Value, name: &str) -> &'a Value {
    let found: Vec<_> = refusals(status)
        .into_iter()
        .filter(|refusal| refusal["ref"] == name)
        .collect();
    assert_eq!(found.len(), 1, "{name}: {status:#}");
    found[0]
}

#[test]
fn sync_copies_verified_atoms_and_a_second_daemon_serves_them() {
    let mirror = Mirror::new();
    let output = mirror.sync(&["--json"]);
    succeeded(&output);

    // --json prints the status document, the same one the file holds.
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    let status = mirror.status();
    assert_eq!(printed, status);
    assert_eq!(status["version"], 1);
    assert_eq!(status["ok"], true);
    assert_eq!(status["atoms"], 3);
    assert_eq!(status["last_success"], status["finished"]);
    let company = &status["sources"]["company"];
    assert_eq!(company["ok"], true);
    assert_eq!(company["atoms"], 3);
    assert_eq!(company["claims"], 2);
    assert_eq!(
        company["added"],
        serde_json::json!(["hello@1.0.0", "hello@1.1.0", "world@0.1.0"])
    );
    assert!(refusals(&status).is_empty());

    // Exactly the origin's atom refs, at the origin's targets.
    let origin = git(
        &mirror.origin(),
        &[
            "for-each-ref",
            "--format=%(refname) %(objectname)",
            "refs/eka/",
        ],
    );
    assert_eq!(mirror.store_refs(), origin);
    assert_eq!(mirror.store_refs().lines().count(), 5);

    // A second daemon serves the store; resolving through it passes every check.
    let served = GitDaemon::start(&mirror.path("mirror"));
    let source = GitSource::new(vec![served.url("store.git")], mirror.path("cache.git")).unwrap();
    let atom = source
        .resolve(
            &Query::new("hello".parse().unwrap(), "1.1.0".parse().unwrap())
                .with_anchor(mirror.anchor.clone()),
        )
        .unwrap()
        .expect("served");
    assert_eq!(
        atom.rev.to_string(),
        mirror.origin_rev("refs/eka/atoms/hello/1.1.0")
    );
    assert_eq!(atom.location, served.url("store.git"));

    // Nothing new: nothing added, the status rewritten.
    let again = mirror.sync(&[]);
    succeeded(&again);
    assert!(
        stdout(&again).contains("company: 3 atom(s), 2 claim(s), nothing new"),
        "{}",
        stdout(&again)
    );
    let status = mirror.status();
    assert_eq!(status["ok"], true);
    assert_eq!(status["sources"]["company"]["added"], serde_json::json!([]));
    assert_eq!(status["sources"]["company"]["atoms"], 3);
}

/// Connections (one upload-pack session each) a `git daemon --verbose`
/// logged so far.
fn sessions(log: &Path) -> usize {
    std::fs::read_to_string(log)
        .unwrap()
        .matches("Request upload-pack for '/company.git'")
        .count()
}

/// A `git daemon --verbose` serving `served/`, logging to `daemon.log`,
/// stopped when dropped.
struct LoggedDaemon {
    child: std::process::Child,
    port: u16,
}

impl LoggedDaemon {
    fn start(mirror: &Mirror, log: &Path) -> Self {
        let port = world::free_port();
        let child = std::process::Command::new("git")
            .args([
                "daemon",
                "--reuseaddr",
                "--export-all",
                "--verbose",
                "--listen=127.0.0.1",
            ])
            .arg(format!("--port={port}"))
            .arg(format!("--base-path={}", mirror.path("served").display()))
            .arg(mirror.path("served"))
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(log).unwrap())
            .spawn()
            .expect("git daemon runs");
        let daemon = Self { child, port };
        let started = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed().as_secs() < 10, "git daemon did not start");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        daemon
    }
}

impl Drop for LoggedDaemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn one_listing_per_mirror_and_one_fetch_of_everything_new() {
    let mirror = Mirror::new();
    let log = mirror.path("daemon.log");
    let daemon = LoggedDaemon::start(&mirror, &log);
    let url = format!("git://127.0.0.1:{}/company.git", daemon.port);
    mirror.configure(&[("company", &[&url])]);

    succeeded(&mirror.sync(&[]));
    assert_eq!(mirror.status()["sources"]["company"]["atoms"], 3);
    // The daemon logs a session before it answers it: counting now is exact.
    assert_eq!(sessions(&log), 2, "one listing, one fetch");

    succeeded(&mirror.sync(&[]));
    assert_eq!(sessions(&log), 3, "nothing new: one listing, no fetch");
}

#[test]
fn a_moved_ref_is_refused_and_the_store_keeps_and_serves_the_verified_atom() {
    let mirror = Mirror::new();
    succeeded(&mirror.sync(&[]));
    let first_success = mirror.status()["last_success"].clone();
    let verified = mirror.origin_rev("refs/eka/atoms/hello/1.0.0");
    let other = mirror.origin_rev("refs/eka/atoms/hello/1.1.0");

    // The origin points hello 1.0.0 at 1.1.0's commit (validly signed, for
    // another version).
    git(
        &mirror.origin(),
        &["update-ref", "refs/eka/atoms/hello/1.0.0", &other],
    );

    let output = mirror.sync(&[]);
    failed(&output);
    let text = stderr(&output);
    assert!(text.contains("1 ref(s) refused"), "{text}");
    assert!(
        stdout(&output).contains("refused refs/eka/atoms/hello/1.0.0"),
        "{}",
        stdout(&output)
    );

    let status = mirror.status();
    assert_eq!(status["ok"], false);
    assert_eq!(status["last_success"], first_success);
    assert_eq!(status["sources"]["company"]["ok"], false);
    assert_eq!(status["sources"]["company"]["refused"], 1);
    assert_eq!(status["sources"]["company"]["last_success"], first_success);
    let moved = refusal(&status, "refs/eka/atoms/hello/1.0.0");
    assert_eq!(moved["kind"], "moved");
    assert_eq!(moved["source"], "company");
    assert_eq!(moved["held"], verified.as_str());
    assert_eq!(moved["offered"], other.as_str());
    let reason = moved["reason"].as_str().unwrap();
    assert!(reason.contains("never replaced"), "{reason}");
    assert!(
        reason.contains(&mirror.daemon.url("company.git")),
        "{reason}"
    );

    // The store still holds, and a daemon still serves, what it verified.
    assert!(
        mirror
            .store_refs()
            .contains(&format!("refs/eka/atoms/hello/1.0.0 {verified}"))
    );
    let served = GitDaemon::start(&mirror.path("mirror"));
    let listed = git(
        mirror.dir.path(),
        &[
            "ls-remote",
            &served.url("store.git"),
            "refs/eka/atoms/hello/1.0.0",
        ],
    );
    assert!(listed.starts_with(&verified), "{listed}");
}

/// Replace the origin's claim of `label` with an edited copy: still JSON,
/// still a claim, no longer what the key signed.
fn forge_claim(origin: &Path, label: &str) {
    let claim = git(
        origin,
        &["cat-file", "blob", &format!("refs/eka/claims/{label}")],
    );
    let edited = claim.replacen(
        &format!(r#""label":"{label}""#),
        &format!(r#""label":"{label}x""#),
        1,
    );
    assert_ne!(edited, claim);
    let path = origin.join("forged-claim");
    std::fs::write(&path, edited).unwrap();
    let blob = git(origin, &["hash-object", "-w", path.to_str().unwrap()]);
    git(
        origin,
        &["update-ref", &format!("refs/eka/claims/{label}"), &blob],
    );
}

#[test]
fn a_tampered_claim_is_refused_with_every_atom_it_would_vouch_for() {
    let mirror = Mirror::new();
    forge_claim(&mirror.origin(), "hello");

    let output = mirror.sync(&["--json"]);
    failed(&output);
    let status = mirror.status();
    assert_eq!(
        status["sources"]["company"]["added"],
        serde_json::json!(["world@0.1.0"])
    );
    assert_eq!(refusals(&status).len(), 3, "{status:#}");
    for name in [
        "refs/eka/claims/hello",
        "refs/eka/atoms/hello/1.0.0",
        "refs/eka/atoms/hello/1.1.0",
    ] {
        let refused = refusal(&status, name);
        assert_eq!(refused["kind"], "check", "{name}");
        assert_eq!(refused["check"], "claim-signature", "{name}");
        assert!(
            refused["reason"]
                .as_str()
                .unwrap()
                .contains("claim signature check failed"),
            "{refused}"
        );
    }
    assert!(
        !mirror.store_refs().contains("hello"),
        "{}",
        mirror.store_refs()
    );
}

#[test]
fn a_publish_signed_by_another_key_is_refused() {
    let mirror = Mirror::new();
    let origin = mirror.origin();
    let claim = git(&origin, &["cat-file", "blob", "refs/eka/claims/hello"]);
    let id = atom_id::verify_claim(claim.as_bytes()).unwrap().atom_id;
    let tree = git(&origin, &["rev-parse", "refs/eka/atoms/hello/1.1.0^{tree}"]);
    let repo = atom_git::GitStore::open(&origin).unwrap().repo();
    let dig = atom_git::dig(&repo, tree.parse().unwrap(), Alg::Ed25519).unwrap();
    let intruder = SigningKey::generate(Alg::Ed25519);
    let forged = PublishPayload::new(
        intruder.public(),
        id,
        mirror.anchor.clone(),
        "hello".parse().unwrap(),
        "2.0.0".parse().unwrap(),
        dig,
        1_750_000_000,
    )
    .unwrap()
    .sign(&intruder)
    .unwrap();
    let message = origin.join("forged-publish");
    std::fs::write(&message, forged.json()).unwrap();
    let commit = git(
        &origin,
        &["commit-tree", &tree, "-F", message.to_str().unwrap()],
    );
    git(
        &origin,
        &["update-ref", "refs/eka/atoms/hello/2.0.0", &commit],
    );

    let output = mirror.sync(&[]);
    failed(&output);
    let status = mirror.status();
    assert_eq!(status["sources"]["company"]["atoms"], 3);
    let refused = refusal(&status, "refs/eka/atoms/hello/2.0.0");
    assert_eq!(refused["kind"], "check");
    assert_eq!(refused["check"], "publish-key");
    assert_eq!(refused["offered"], commit.as_str());
    assert!(!mirror.store_refs().contains("hello/2.0.0"));
    assert!(mirror.store_refs().contains("hello/1.1.0"));
}

#[test]
fn mirrors_of_a_source_that_disagree_are_both_named_and_nothing_is_taken() {
    let mirror = Mirror::new();
    let copy = mirror.path("served/company-copy.git");
    git(
        mirror.dir.path(),
        &[
            "clone",
            "-q",
            "--mirror",
            mirror.origin().to_str().unwrap(),
            copy.to_str().unwrap(),
        ],
    );
    git(
        &copy,
        &[
            "update-ref",
            "refs/eka/atoms/world/0.1.0",
            "refs/eka/atoms/hello/1.0.0",
        ],
    );
    let first = mirror.daemon.url("company.git");
    let second = mirror.daemon.url("company-copy.git");
    mirror.configure(&[("company", &[&first, &second])]);

    let output = mirror.sync(&[]);
    failed(&output);
    assert!(
        stderr(&output).contains("1 source(s) not synced"),
        "{}",
        stderr(&output)
    );
    let status = mirror.status();
    let company = &status["sources"]["company"];
    let error = company["error"].as_str().unwrap();
    assert!(
        error.contains("mirrors disagree on refs/eka/atoms/world/0.1.0"),
        "{error}"
    );
    assert!(error.contains(&format!("{first} has")), "{error}");
    assert!(error.contains(&format!("{second} has")), "{error}");
    let refused = refusal(&status, "refs/eka/atoms/world/0.1.0");
    assert_eq!(refused["kind"], "mirrors-disagree");
    assert_eq!(status["atoms"], 0);
    assert_eq!(mirror.store_refs(), "");
}

#[test]
fn two_sources_that_publish_the_same_ref_conflict_and_the_first_is_kept() {
    let mirror = Mirror::new();
    // Another repository, another key, the same label and version.
    publish_atoms(
        &mirror.path("impostor"),
        &[&mirror.path("served/impostor.git")],
        &[
            ("hello", "1.0.0", "not hello\n"),
            ("other", "1.0.0", "other\n"),
        ],
    );
    let company = mirror.daemon.url("company.git");
    let impostor = mirror.daemon.url("impostor.git");
    // Sources are synced in name order: company first.
    mirror.configure(&[("impostor", &[&impostor]), ("company", &[&company])]);

    let output = mirror.sync(&[]);
    failed(&output);
    let status = mirror.status();
    assert_eq!(status["sources"]["company"]["ok"], true);
    assert_eq!(status["sources"]["impostor"]["ok"], false);
    assert_eq!(
        status["sources"]["impostor"]["added"],
        serde_json::json!(["other@1.0.0"])
    );
    for name in ["refs/eka/claims/hello", "refs/eka/atoms/hello/1.0.0"] {
        let refused = refusal(&status, name);
        assert_eq!(refused["kind"], "conflict", "{refused}");
        assert_eq!(refused["source"], "impostor");
        let reason = refused["reason"].as_str().unwrap();
        assert!(reason.contains("from source `company`"), "{reason}");
    }
    assert_eq!(
        git(
            &mirror.store(),
            &["rev-parse", "refs/eka/atoms/hello/1.0.0"]
        ),
        mirror.origin_rev("refs/eka/atoms/hello/1.0.0")
    );
}

#[test]
fn an_unreachable_mirror_is_reported_and_a_source_nobody_answers_for_fails() {
    let mirror = Mirror::new();
    let dead = mirror.daemon.url("missing.git");
    let good = mirror.daemon.url("company.git");
    mirror.configure(&[("company", &[&dead, &good])]);
    succeeded(&mirror.sync(&[]));
    let status = mirror.status();
    assert_eq!(status["sources"]["company"]["ok"], true);
    assert_eq!(status["sources"]["company"]["atoms"], 3);
    assert_eq!(
        status["sources"]["company"]["unreachable"][0]["url"],
        dead.as_str()
    );

    mirror.configure(&[("company", &[&dead])]);
    let output = mirror.sync(&[]);
    failed(&output);
    let status = mirror.status();
    assert!(
        status["sources"]["company"]["error"]
            .as_str()
            .unwrap()
            .contains(&dead)
    );
    assert!(refusals(&status).is_empty());
    assert!(
        status["last_success"].is_string(),
        "carried over: {status:#}"
    );
    assert_eq!(status["atoms"], 3, "the store keeps what it has");
}

#[test]
fn a_bad_configuration_names_file_line_and_column_and_writes_nothing() {
    let mirror = Mirror::new();
    std::fs::write(
        mirror.path("mirror/mirror.toml"),
        "store = \"store.git\"\n[sources.company]\nurls = [\"/a\"]\nmirrors = [\"/b\"]\n",
    )
    .unwrap();
    let output = mirror.sync(&[]);
    failed(&output);
    let text = stderr(&output);
    assert!(text.contains("mirror/mirror.toml"), "{text}");
    assert!(text.contains("line 4, column 1"), "{text}");
    assert!(text.contains("unknown field `mirrors`"), "{text}");
    assert!(!mirror.store().exists());
    assert!(!mirror.path("mirror/status.json").exists());
}

#[test]
fn offline_is_a_usage_error_and_help_has_examples() {
    let mirror = Mirror::new();
    let output = mirror.sync(&["--offline"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("cannot run --offline"));
    assert!(!mirror.store().exists());

    let help = eka_command(
        &mirror.path("home"),
        mirror.dir.path(),
        &["mirror", "sync", "--help"],
    )
    .output()
    .unwrap();
    succeeded(&help);
    let text = stdout(&help);
    assert!(text.contains("Examples:"), "{text}");
    assert!(text.contains("eka mirror sync --config"), "{text}");
    assert!(text.contains("[sources.company]"), "{text}");
}
