//! Temporary repositories, keys and a `git daemon` for the integration
//! tests. Every test needs `git`; without it they fail, they do not skip.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    dead_code,
    reason = "test helpers: a panic is a failed test; not every test uses every helper"
)]

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use atom_core::{AtomRegistry, AtomSource};
use atom_git::{GitRegistry, GitSource, Published, refs};
use atom_id::{Alg, AtomId, Label, SigningKey};

/// `git` with no user or system configuration, a fixed identity and dates.
pub fn git_command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.org")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.org")
        .env("GIT_AUTHOR_DATE", "2025-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2025-01-01T00:00:00Z");
    command
}

/// Run git in `dir` and return its trimmed stdout; panic with its stderr on
/// failure.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = git_command(dir)
        .args(args)
        .output()
        .expect("git must be installed for these tests");
    assert!(
        output.status.success(),
        "git {args:?} in {} failed: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// Run git in `dir` with `input` on stdin.
pub fn git_stdin(dir: &Path, args: &[&str], input: &[u8]) -> String {
    use std::io::Write as _;
    let mut child = git_command(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("git must be installed for these tests");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// A project repository at `dir` with one directory per `(path, files)`
/// and a first commit; returns `dir`.
pub fn project(dir: &Path, atoms: &[(&str, &[(&str, &str)])]) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    git(dir, &["init", "-q", "-b", "main"]);
    std::fs::write(dir.join("README"), "a project\n").unwrap();
    for (path, files) in atoms {
        for (name, contents) in *files {
            let file = dir.join(path).join(name);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, contents).unwrap();
        }
    }
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "first"]);
    dir.to_owned()
}

/// Commit every change in `dir`.
pub fn commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", message]);
}

/// An empty bare repository at `dir`.
pub fn bare(dir: &Path) -> PathBuf {
    git(
        dir.parent().unwrap(),
        &["init", "-q", "--bare", dir.to_str().unwrap()],
    );
    dir.to_owned()
}

pub fn label(text: &str) -> Label {
    text.parse().unwrap()
}

pub fn key() -> SigningKey {
    SigningKey::generate(Alg::Ed25519)
}

/// Claim and publish `label@version` from directory `path` of the
/// registry's `HEAD`, at a fixed time.
pub fn publish(
    registry: &GitRegistry,
    path: &str,
    name: &str,
    version: &str,
) -> (AtomId, Published) {
    let id = registry.claim(&label(name)).unwrap();
    let content = registry
        .content_at_head(&registry.path().join(path))
        .unwrap();
    let published = registry
        .publish_at(&id, &version.parse().unwrap(), &content, 1_750_000_000)
        .unwrap();
    (id, published)
}

/// Push the claim and atom refs of every published atom to `url`.
pub fn push_all(registry: &GitRegistry, url: &str) {
    let mut names = Vec::new();
    for atom in registry.discover().unwrap() {
        names.push(refs::claim_ref(&atom.label).unwrap());
        names.push(refs::atom_ref(&atom.label, &atom.version).unwrap());
    }
    names.sort();
    names.dedup();
    registry.push(url, &names).unwrap();
}

/// A source at `mirrors`, fetching into a fresh cache under `dir`.
pub fn source(dir: &Path, mirrors: &[&str]) -> GitSource {
    let cache = dir.join(format!("cache-{}", unique()));
    GitSource::new(mirrors.iter().map(ToString::to_string).collect(), cache).unwrap()
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// How many objects a repository holds (loose and packed).
pub fn object_count(repo: &Path) -> u64 {
    let text = git(repo, &["count-objects", "-v"]);
    text.lines()
        .filter_map(|line| {
            let (key, value) = line.split_once(": ")?;
            (key == "count" || key == "in-pack").then(|| value.parse::<u64>().unwrap())
        })
        .sum()
}

/// A `git daemon` serving every repository under a directory on
/// 127.0.0.1, stopped when dropped.
pub struct Daemon {
    child: Child,
    pub port: u16,
}

impl Daemon {
    pub fn serve(base: &Path) -> Self {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = git_command(base)
            .arg("daemon")
            .arg(format!("--base-path={}", base.display()))
            .args([
                "--export-all",
                "--reuseaddr",
                "--informative-errors",
                "--enable=receive-pack",
                "--listen=127.0.0.1",
            ])
            .arg(format!("--port={port}"))
            .arg(base)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("git daemon must be available for these tests");
        let daemon = Self { child, port };
        let started = Instant::now();
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "git daemon did not start listening on port {port}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        daemon
    }

    /// The `git://` URL of the repository `name` under the base path.
    pub fn url(&self, name: &str) -> String {
        format!("git://127.0.0.1:{}/{name}", self.port)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A second handle on `key` (keys are deliberately not `Clone`).
pub fn same_key(key: &SigningKey) -> SigningKey {
    SigningKey::from_json(key.to_json().as_bytes()).unwrap()
}
