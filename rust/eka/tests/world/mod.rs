//! A world on loopback for the lock tests: an HTTP server for files and
//! tarballs, `git daemon` for git repositories and atom sources, and
//! helpers to build both. Nothing leaves 127.0.0.1.

#![allow(dead_code, reason = "each test binary uses part of the world")]
#![allow(clippy::unwrap_used, reason = "test helpers: a panic is a failed test")]

pub mod project;

use std::collections::BTreeMap;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The files under a directory, served on 127.0.0.1 by nix-oracle's
/// server: each read when it is requested (so that a test can change one
/// under the server), each countable, and any of them can be made to stall.
pub struct HttpServer {
    server: nix_oracle::http::Server,
    root: PathBuf,
}

impl HttpServer {
    /// Serve every file under `root` (as it is now) at its relative path.
    pub fn start(root: &Path) -> Self {
        let http = Self {
            server: nix_oracle::http::Server::start(),
            root: root.to_path_buf(),
        };
        for path in http.paths() {
            http.server
                .route(&path, nix_oracle::http::Reply::File(root.join(&path[1..])));
        }
        http
    }

    /// `http://127.0.0.1:PORT/<path>`.
    pub fn url(&self, path: &str) -> String {
        self.server.url(&format!("/{path}"))
    }

    /// Wait `delay` before answering requests for `/<path>`.
    pub fn stall(&self, path: &str, delay: Duration) {
        let file = nix_oracle::http::Reply::File(self.root.join(path));
        self.server.route(
            &format!("/{path}"),
            nix_oracle::http::Reply::Stall {
                delay,
                then: Box::new(file),
            },
        );
    }

    /// Requests so far, over all files.
    pub fn requests(&self) -> usize {
        self.paths().iter().map(|p| self.server.hits(p)).sum()
    }

    /// Requests so far for `/<path>`.
    pub fn hits(&self, path: &str) -> usize {
        self.server.hits(&format!("/{path}"))
    }

    /// Wait (up to 30 s) until `/<path>` has had `count` requests.
    pub fn wait_for_hits(&self, path: &str, count: usize) {
        let started = Instant::now();
        while self.hits(path) < count {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "nobody requested /{path}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `/`-prefixed paths of the files under the root.
    fn paths(&self) -> Vec<String> {
        fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let entry = entry.unwrap();
                let name = format!("{prefix}/{}", entry.file_name().to_string_lossy());
                if entry.file_type().unwrap().is_dir() {
                    walk(&entry.path(), &name, out);
                } else {
                    out.push(name);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.root, "", &mut out);
        out
    }
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

pub use nix_oracle::git::git;

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
    let staging = tempfile::tempdir().unwrap();
    for (path, contents) in files {
        let file = staging.path().join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, contents).unwrap();
    }
    let tar = nix_oracle::archive::tar(staging.path(), top, nix_oracle::archive::Order::Sorted);
    let gz = nix_oracle::archive::compress(&tar, nix_oracle::archive::Compression::Gzip);
    std::fs::write(out, gz).unwrap();
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
        .envs(nix_oracle::git::ISOLATION);
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
