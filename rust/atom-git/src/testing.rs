//! Temporary git repositories and a `git daemon` on loopback, for tests
//! of this crate and of its users (feature `testing`). Everything here
//! panics on failure: a failure is a failed test. Needs `git`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::missing_panics_doc,
    reason = "test support: a panic is a failed test"
)]

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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

/// A server on 127.0.0.1 for every repository under a directory — `git
/// daemon`, or `git http-backend` behind Python's CGI server — stopped
/// when dropped.
#[derive(Debug)]
pub struct Daemon {
    child: Child,
    /// The port it listens on.
    pub port: u16,
    prefix: String,
}

impl Daemon {
    /// `git daemon` (pushes enabled) serving `base`.
    pub fn serve(base: &Path) -> Self {
        let port = free_port();
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
        Self::started(child, port, format!("git://127.0.0.1:{port}/"))
    }

    /// git's smart HTTP (`git http-backend`, read-only) serving `base`,
    /// behind the CGI server of Python's `http.server`.
    pub fn serve_http(base: &Path) -> Self {
        let site = base.join(".http");
        let script = site.join("cgi-bin/git");
        std::fs::create_dir_all(script.parent().unwrap()).unwrap();
        std::fs::write(&script, "#!/bin/sh\nexec git http-backend\n").unwrap();
        std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let port = free_port();
        // Without fork, Python runs the CGI script as this user (with fork
        // and as root it would switch to `nobody`).
        let server = "import http.server, sys\n\
            class Handler(http.server.CGIHTTPRequestHandler):\n    have_fork = False\n\
            http.server.test(HandlerClass=Handler, port=int(sys.argv[1]), bind='127.0.0.1')\n";
        let child = Command::new("python3")
            .args(["-c", server])
            .arg(port.to_string())
            .current_dir(&site)
            .env("GIT_PROJECT_ROOT", base)
            .env("GIT_HTTP_EXPORT_ALL", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 must be available for the HTTP tests");
        Self::started(child, port, format!("http://127.0.0.1:{port}/cgi-bin/git/"))
    }

    fn started(child: Child, port: u16, prefix: String) -> Self {
        let daemon = Self {
            child,
            port,
            prefix,
        };
        let started = Instant::now();
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the server did not start listening on port {port}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        daemon
    }

    /// The URL of the repository `name` under the base path.
    pub fn url(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
