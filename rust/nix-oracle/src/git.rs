//! git without the user's or the system's configuration, with fixed
//! identities and dates so that the same steps give the same commits.

use std::path::Path;
use std::process::Command;

/// The environment that shuts out every git configuration but the
/// repository's own (also given to Nix, which runs git itself).
pub const ISOLATION: [(&str, &str); 8] = [
    ("GIT_CONFIG_GLOBAL", "/dev/null"),
    ("GIT_CONFIG_NOSYSTEM", "1"),
    ("GIT_AUTHOR_NAME", "Oracle"),
    ("GIT_AUTHOR_EMAIL", "oracle@example.org"),
    ("GIT_AUTHOR_DATE", "2020-01-01T00:00:00Z"),
    ("GIT_COMMITTER_NAME", "Oracle"),
    ("GIT_COMMITTER_EMAIL", "oracle@example.org"),
    ("GIT_COMMITTER_DATE", "2020-01-01T00:00:00Z"),
];

/// Run `git args…` in `dir`; its trimmed stdout, or a panic with its stderr.
pub fn git(dir: &Path, args: &[&str]) -> String {
    crate::require_tool("git", "git tests drive real repositories");
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .envs(ISOLATION)
        .output()
        .unwrap_or_else(|err| panic!("cannot run git: {err}"));
    assert!(
        output.status.success(),
        "git {args:?} in {} failed:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// `git init` a new repository at `dir` with `main` as its branch.
pub fn init(dir: &Path) {
    std::fs::create_dir_all(dir).expect("repository directory");
    git(dir, &["init", "--quiet", "--initial-branch=main"]);
}

/// Stage everything and commit; the new commit's id.
pub fn commit_all(dir: &Path, message: &str) -> String {
    git(dir, &["add", "--all"]);
    git(
        dir,
        &["commit", "--quiet", "--allow-empty", "--message", message],
    );
    git(dir, &["rev-parse", "HEAD"])
}

/// `git daemon` serving the repositories below a directory over `git://`
/// on loopback, for fetches that go through a real transport. It stops when
/// dropped.
#[derive(Debug)]
pub struct Daemon {
    child: std::process::Child,
    port: u16,
}

impl Daemon {
    /// Serve every repository below `base`.
    pub fn serve(base: &Path) -> Self {
        crate::require_tool("git", "git tests serve repositories with `git daemon`");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free loopback port")
            .port();
        let child = Command::new("git")
            .arg("daemon")
            .arg("--reuseaddr")
            .arg("--export-all")
            .arg("--listen=127.0.0.1")
            .arg(format!("--port={port}"))
            .arg(format!("--base-path={}", base.display()))
            .arg(base)
            .envs(ISOLATION)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("git daemon starts");
        let started = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(20),
                "git daemon did not start listening on port {port}"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        Self { child, port }
    }

    /// `git://127.0.0.1:PORT/<path>` for a repository at `base/<path>`.
    pub fn url(&self, path: &str) -> String {
        format!("git://127.0.0.1:{}/{path}", self.port)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
