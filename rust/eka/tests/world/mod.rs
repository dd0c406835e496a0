//! A world on loopback for the lock tests: an HTTP server for files and
//! tarballs, `git daemon` for git repositories and atom sources, and
//! helpers to build both. Nothing leaves 127.0.0.1.

#![allow(dead_code, reason = "each test binary uses part of the world")]
#![allow(clippy::unwrap_used, reason = "test helpers: a panic is a failed test")]

pub mod project;

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A static file server on 127.0.0.1 that can be told to stall on a path
/// and records every request.
pub struct HttpServer {
    pub port: u16,
    pub root: PathBuf,
    stalls: Arc<Mutex<BTreeMap<String, Duration>>>,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl HttpServer {
    /// Serve the files under `root`.
    pub fn start(root: &Path) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local address").port();
        let server = Self {
            port,
            root: root.to_path_buf(),
            stalls: Arc::default(),
            requests: Arc::default(),
            stop: Arc::default(),
        };
        let (root, stalls, requests, stop) = (
            server.root.clone(),
            Arc::clone(&server.stalls),
            Arc::clone(&server.requests),
            Arc::clone(&server.stop),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (root, stalls, requests) =
                    (root.clone(), Arc::clone(&stalls), Arc::clone(&requests));
                std::thread::spawn(move || {
                    let _ = serve(stream, &root, &stalls, &requests);
                });
            }
        });
        server
    }

    /// `http://127.0.0.1:PORT/<path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }

    /// Wait `delay` before answering requests for `/<path>`.
    pub fn stall(&self, path: &str, delay: Duration) {
        self.stalls
            .lock()
            .unwrap()
            .insert(format!("/{path}"), delay);
    }

    /// The paths requested so far, in order.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    /// Forget the requests recorded so far.
    pub fn clear_requests(&self) {
        self.requests.lock().unwrap().clear();
    }

    /// Wait (up to 30 s) until `/<path>` has been requested.
    pub fn wait_for_request(&self, path: &str) {
        let wanted = format!("/{path}");
        let started = Instant::now();
        while !self.requests().contains(&wanted) {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "nobody requested {wanted}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees `stop`.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(
    stream: TcpStream,
    root: &Path,
    stalls: &Mutex<BTreeMap<String, Duration>>,
    requests: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/").to_owned();
    requests.lock().unwrap().push(path.clone());
    let stall = stalls.lock().unwrap().get(&path).copied();
    if let Some(delay) = stall {
        std::thread::sleep(delay);
    }
    let file = root.join(path.trim_start_matches('/'));
    let mut stream = stream;
    match std::fs::read(&file) {
        Ok(body) if file.is_file() => {
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            if method != "HEAD" {
                stream.write_all(&body)?;
            }
        }
        _ => {
            let body = b"not found\n";
            write!(
                stream,
                "HTTP/1.1 404 Not Found\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            stream.write_all(body)?;
        }
    }
    stream.flush()
}

/// `git daemon` serving every repository under a directory, read-only.
pub struct GitDaemon {
    pub port: u16,
    pub base: PathBuf,
    child: Child,
}

impl GitDaemon {
    pub fn start(base: &Path) -> Self {
        let port = free_port();
        let child = Command::new("git")
            .args([
                "daemon",
                "--reuseaddr",
                "--export-all",
                "--informative-errors",
                "--listen=127.0.0.1",
            ])
            .arg(format!("--port={port}"))
            .arg(format!("--base-path={}", base.display()))
            .arg(base)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("`git daemon` must be installed (git's daemon) to run this test");
        let daemon = Self {
            port,
            base: base.to_path_buf(),
            child,
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "git daemon did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        daemon
    }

    /// `git://127.0.0.1:PORT/<name>`.
    pub fn url(&self, name: &str) -> String {
        format!("git://127.0.0.1:{}/{name}", self.port)
    }
}

impl Drop for GitDaemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port on 127.0.0.1 that nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Run `git` with a fixed identity and no user or system configuration.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "fixture")
        .env("GIT_AUTHOR_EMAIL", "fixture@example.org")
        .env("GIT_COMMITTER_NAME", "fixture")
        .env("GIT_COMMITTER_EMAIL", "fixture@example.org")
        .env("GIT_AUTHOR_DATE", "2025-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2025-01-01T00:00:00Z")
        .output()
        .expect("git must be installed to run this test");
    assert!(
        output.status.success(),
        "git {args:?} in {} failed: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

/// A git repository at `dir` (created) whose `main` has one commit per
/// `(file contents, tag)` entry, each tagged when a tag is given.
pub fn tagged_repository(dir: &Path, commits: &[(&str, Option<&str>)]) -> BTreeMap<String, String> {
    std::fs::create_dir_all(dir).unwrap();
    git(dir, &["init", "-q", "-b", "main"]);
    let mut revs = BTreeMap::new();
    for (i, (contents, tag)) in commits.iter().enumerate() {
        std::fs::write(dir.join("VERSION"), contents).unwrap();
        git(dir, &["add", "VERSION"]);
        git(dir, &["commit", "-q", "-m", &format!("commit {i}")]);
        let rev = git(dir, &["rev-parse", "HEAD"]);
        if let Some(tag) = tag {
            git(dir, &["tag", "-a", "-m", tag, tag]);
            revs.insert((*tag).to_owned(), rev.clone());
        }
        revs.insert("HEAD".to_owned(), rev);
    }
    revs
}

/// A `.tar.gz` of `files` (path → contents) under one top-level directory.
pub fn tarball(out: &Path, top: &str, files: &[(&str, &str)]) {
    let staging = out.with_extension("staging");
    for (path, contents) in files {
        let file = staging.join(top).join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, contents).unwrap();
    }
    let status = Command::new("tar")
        .arg("-C")
        .arg(&staging)
        .args([
            "--sort=name",
            "--mtime=@0",
            "--owner=0",
            "--group=0",
            "-czf",
        ])
        .arg(out)
        .arg(top)
        .status()
        .expect("tar must be installed to run this test");
    assert!(status.success());
    std::fs::remove_dir_all(&staging).unwrap();
}

/// The eka binary with an isolated configuration and cache under `home`.
pub fn eka(home: &Path, dir: &Path, args: &[&str]) -> Output {
    eka_command(home, dir, args).output().expect("eka runs")
}

pub fn eka_command(home: &Path, dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_eka"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("EKA_CONFIG", home.join("config/eka/config.toml"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1");
    command
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Assert that eka succeeded, showing its output otherwise.
pub fn succeeded(output: &Output) {
    assert!(
        output.status.success(),
        "eka failed ({:?}):\nstdout: {}\nstderr: {}",
        output.status.code(),
        stdout(output),
        stderr(output)
    );
}

/// Publish atoms into a new repository at `dir` and push them to each of
/// `remotes` (bare repositories, created): for each `(label, version,
/// contents)`, in order, `label/` is given `contents`, committed, and
/// published from that commit. Returns the repository's anchor.
pub fn publish_atoms(
    dir: &Path,
    remotes: &[&Path],
    atoms: &[(&str, &str, &str)],
) -> atom_id::Anchor {
    use atom_core::AtomRegistry as _;

    std::fs::create_dir_all(dir).unwrap();
    git(dir, &["init", "-q", "-b", "main"]);
    // A genesis of its own: the anchor identifies the repository.
    std::fs::write(dir.join("README"), format!("atoms of {}\n", dir.display())).unwrap();
    git(dir, &["add", "README"]);
    git(dir, &["commit", "-q", "-m", "genesis"]);
    let key_json = atom_id::SigningKey::generate(atom_id::Alg::Ed25519).to_json();
    let key = || atom_id::SigningKey::from_json(key_json.as_bytes()).expect("a key");
    let mut names = Vec::new();
    let mut anchor = None;
    for (label, version, contents) in atoms {
        let atom_dir = dir.join(label);
        std::fs::create_dir_all(&atom_dir).unwrap();
        std::fs::write(
            atom_dir.join("atom.toml"),
            format!("[atom]\ntag = \"{label}\"\nversion = \"{version}\"\n"),
        )
        .unwrap();
        std::fs::write(atom_dir.join("contents"), contents).unwrap();
        git(dir, &["add", "."]);
        git(dir, &["commit", "-q", "-m", &format!("{label} {version}")]);
        let registry = atom_git::GitRegistry::open(dir, key()).expect("open the registry");
        let label: atom_id::Label = label.parse().unwrap();
        let version: atom_id::RawVersion = version.parse().unwrap();
        let id = registry.claim(&label).expect("claim");
        let content = registry.content_at_head(&atom_dir).expect("content");
        registry.publish(&id, &version, &content).expect("publish");
        names.push(atom_git::refs::claim_ref(&label).unwrap());
        names.push(atom_git::refs::atom_ref(&label, &version).unwrap());
        anchor = Some(registry.anchor().clone());
    }
    names.sort_by_key(|n| n.as_bstr().to_string());
    names.dedup();
    let registry = atom_git::GitRegistry::open(dir, key()).expect("open the registry");
    for remote in remotes {
        git(
            dir,
            &["init", "-q", "--bare", &remote.display().to_string()],
        );
        registry
            .push(&remote.display().to_string(), &names)
            .expect("push the atoms");
    }
    anchor.expect("at least one atom")
}
