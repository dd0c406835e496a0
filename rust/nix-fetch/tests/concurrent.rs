//! Several fetches of one URL into one cache at the same time, from threads
//! and from processes: every one succeeds with the same answer, and the
//! cache is left whole (no half-made repository, no stray temporary files).
//!
//! The processes are this test binary run again on the same test, told by
//! [`CHILD`] to fetch once and write what it got to a file.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a panic is a failed test"
)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use nix_fetch::{Fetcher, Options, Request};
use nix_oracle::archive::{self, Compression, Order};
use nix_oracle::git::{Daemon, commit_all, git, init};
use nix_oracle::http::{Reply, Server};
use nix_oracle::tree::Rng;

/// Set in a child process: `<kind>\n<cache>\n<url>\n<go file>\n<out file>`.
const CHILD: &str = "NIX_FETCH_TEST_CONCURRENT_CHILD";

const THREADS: usize = 6;
const PROCESSES: usize = 3;
const ROUNDS: usize = 3;

fn request(kind: &str, url: &str) -> Request {
    match kind {
        "git" => Request::git(url, Some("main".into()), None),
        "tarball" => Request::tarball(url),
        _ => panic!("unknown kind {kind}"),
    }
}

/// One fetch, as text that must be the same for every fetcher.
fn fetch_once(kind: &str, cache: &Path, url: &str) -> String {
    let fetched = Fetcher::new(Options::new(cache))
        .fetch(&request(kind, url))
        .unwrap_or_else(|err| panic!("{}", nix_oracle::error_chain(&err)));
    format!("{} {}", fetched.rev.unwrap_or_default(), fetched.hash)
}

/// In a child: wait for the go file, fetch, write the answer. `true` when
/// this process is a child.
fn run_as_child(test: &str) -> bool {
    let Ok(spec) = std::env::var(CHILD) else {
        return false;
    };
    let fields: Vec<&str> = spec.lines().collect();
    let [kind, cache, url, go, out] = fields[..] else {
        panic!("bad {CHILD}: {spec:?}");
    };
    assert_eq!(kind, test, "a child runs only the test that spawned it");
    let started = Instant::now();
    while !Path::new(go).exists() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "never told to go"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    let answer = fetch_once(kind, Path::new(cache), url);
    std::fs::write(out, answer).unwrap();
    true
}

/// Fetch `url` from `THREADS` threads and `PROCESSES` processes at once into
/// a fresh cache, `ROUNDS` times; every answer must equal `expected`.
fn fetch_concurrently(test_name: &str, kind: &str, url: &str, expected: &str) {
    let exe = std::env::current_exe().unwrap();
    for round in 0..ROUNDS {
        let cache = tempfile::tempdir().unwrap();
        let scratch = tempfile::tempdir().unwrap();
        let go = scratch.path().join("go");
        let children: Vec<(std::process::Child, PathBuf)> = (0..PROCESSES)
            .map(|i| {
                let out = scratch.path().join(format!("out{i}"));
                let spec = [
                    kind,
                    cache.path().to_str().unwrap(),
                    url,
                    go.to_str().unwrap(),
                    out.to_str().unwrap(),
                ]
                .join("\n");
                let child = Command::new(&exe)
                    .args(["--exact", test_name, "--nocapture", "--test-threads=1"])
                    .env(CHILD, spec)
                    .spawn()
                    .unwrap();
                (child, out)
            })
            .collect();

        let barrier = Arc::new(Barrier::new(THREADS + 1));
        let threads: Vec<_> = (0..THREADS)
            .map(|_| {
                let barrier = Arc::clone(&barrier);
                let cache = cache.path().to_path_buf();
                let (kind, url) = (kind.to_owned(), url.to_owned());
                std::thread::spawn(move || {
                    barrier.wait();
                    fetch_once(&kind, &cache, &url)
                })
            })
            .collect();
        // Let the children reach their polling loop before everyone starts.
        std::thread::sleep(Duration::from_millis(200));
        std::fs::write(&go, "").unwrap();
        barrier.wait();

        let mut answers = Vec::new();
        for thread in threads {
            answers.push(thread.join().expect("a fetching thread panicked"));
        }
        for (mut child, out) in children {
            let status = child.wait().unwrap();
            assert!(status.success(), "round {round}: a fetching process failed");
            answers.push(std::fs::read_to_string(out).unwrap());
        }
        for answer in &answers {
            assert_eq!(answer, expected, "round {round}");
        }
        assert_eq!(answers.len(), THREADS + PROCESSES);
        if let Ok(entries) = std::fs::read_dir(cache.path().join("tmp")) {
            assert_eq!(entries.count(), 0, "round {round}: leftovers in tmp/");
        }
        // What is left behind serves the next fetch.
        assert_eq!(fetch_once(kind, cache.path(), url), expected);
    }
}

/// A repository directory left half made (no `HEAD`) in the cache, as
/// fetches racing without a lock used to leave one, is made again.
#[test]
fn a_half_made_cached_repository_is_made_again() {
    let dir = tempfile::tempdir().unwrap();
    let bare = repository(dir.path());
    let expected = fetch_once("git", dir.path().join("unused-cache").as_path(), &{
        format!("file://{}", bare.display())
    });
    let daemon = Daemon::serve(dir.path());
    let url = daemon.url("repo.git");
    let cache = tempfile::tempdir().unwrap();
    assert_eq!(fetch_once("git", cache.path(), &url), expected);
    let repos: Vec<PathBuf> = std::fs::read_dir(cache.path().join("git"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "git"))
        .collect();
    let [repo] = &repos[..] else {
        panic!("one repository expected in the cache: {repos:?}");
    };
    std::fs::remove_dir_all(repo).unwrap();
    std::fs::create_dir_all(repo.join("objects")).unwrap();
    assert_eq!(fetch_once("git", cache.path(), &url), expected);
    assert!(repo.join("HEAD").is_file());
}

/// A repository with a few hundred files, so that a fetch takes a while.
fn repository(dir: &Path) -> PathBuf {
    let work = dir.join("work");
    init(&work);
    let mut rng = Rng::new(7);
    for i in 0..400 {
        let path = work.join(format!("d{}/f{i}", i % 17));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let len = 1 + rng.below(16 * 1024);
        std::fs::write(path, rng.bytes(len)).unwrap();
    }
    commit_all(&work, "files");
    let bare = dir.join("repo.git");
    git(
        dir,
        &[
            "clone",
            "--quiet",
            "--bare",
            work.to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
    );
    bare
}

#[test]
fn concurrent_git_fetches_of_one_url_share_the_cache_safely() {
    if run_as_child("git") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let bare = repository(dir.path());
    // The repository read in place gives the answer to expect.
    let expected = fetch_once("git", dir.path().join("unused-cache").as_path(), &{
        format!("file://{}", bare.display())
    });
    let daemon = Daemon::serve(dir.path());
    fetch_concurrently(
        "concurrent_git_fetches_of_one_url_share_the_cache_safely",
        "git",
        &daemon.url("repo.git"),
        &expected,
    );
}

#[test]
fn concurrent_downloads_of_one_url_share_the_cache_safely() {
    if run_as_child("tarball") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    nix_oracle::tree::random_tree(&dir.path().join("t"), 11, &Default::default());
    let tarball = archive::compress(
        &archive::tar(&dir.path().join("t"), "top", Order::Sorted),
        Compression::Gzip,
    );
    let server = Server::start();
    server.route("/t.tar.gz", Reply::Bytes(tarball));
    let url = server.url("/t.tar.gz");
    let expected = fetch_once("tarball", tempfile::tempdir().unwrap().path(), &url);
    fetch_concurrently(
        "concurrent_downloads_of_one_url_share_the_cache_safely",
        "tarball",
        &url,
        &expected,
    );
}
