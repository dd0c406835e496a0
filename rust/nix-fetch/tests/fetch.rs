//! Fetcher behaviour that needs no Nix: HTTP errors and retries, redirects,
//! mirrors, hash mismatches, the cache and offline mode.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a panic is a failed test"
)]

use std::path::Path;
use std::time::Duration;

use nix_fetch::{Algorithm, Error, Fetcher, Hash, Mirrors, Options, Request};
use nix_oracle::archive::{self, Compression, Order};
use nix_oracle::http::{Reply, Server};

fn options(cache: &Path) -> Options {
    let mut options = Options::new(cache);
    options.backoff = Duration::from_millis(5);
    options
}

#[test]
fn http_errors_name_the_url_and_the_status_and_are_not_retried() {
    let cache = tempfile::tempdir().unwrap();
    let eka = Fetcher::new(options(cache.path()));
    let server = Server::start();
    let url = server.url("/missing.tar.gz");
    let err = eka.fetch(&Request::file(&url)).unwrap_err();
    assert!(matches!(err, Error::Status { status: 404, .. }), "{err:?}");
    assert_eq!(err.to_string(), format!("GET {url}: HTTP 404 Not Found"));
    assert_eq!(server.hits("/missing.tar.gz"), 1);
}

#[test]
fn transient_failures_are_retried_with_backoff() {
    let cache = tempfile::tempdir().unwrap();
    let eka = Fetcher::new(options(cache.path()));
    let server = Server::start();
    server.route(
        "/flaky",
        Reply::FailFirst {
            times: 2,
            status: 503,
            then: Box::new(Reply::Bytes(b"finally\n".to_vec())),
        },
    );
    let fetched = eka.fetch(&Request::file(server.url("/flaky"))).unwrap();
    assert_eq!(fetched.hash, Hash::of(Algorithm::Sha256, b"finally\n"));
    assert_eq!(server.hits("/flaky"), 3);

    server.route("/down", Reply::Status(503));
    let err = eka.fetch(&Request::file(server.url("/down"))).unwrap_err();
    assert!(err.to_string().contains("HTTP 503"), "{err}");
    assert_eq!(server.hits("/down"), 3, "three attempts by default");

    server.route("/cut", Reply::Truncated(vec![1; 100_000]));
    let err = eka.fetch(&Request::file(server.url("/cut"))).unwrap_err();
    assert!(
        nix_oracle::error_chain(&err).contains(&server.url("/cut")),
        "{}",
        nix_oracle::error_chain(&err)
    );
    assert_eq!(server.hits("/cut"), 3);
}

#[test]
fn redirects_are_followed() {
    let cache = tempfile::tempdir().unwrap();
    let eka = Fetcher::new(options(cache.path()));
    let server = Server::start();
    server.route("/old", Reply::Redirect("/new".to_owned()));
    server.route("/new", Reply::Bytes(b"moved\n".to_vec()));
    let fetched = eka.fetch(&Request::file(server.url("/old"))).unwrap();
    assert_eq!(fetched.hash, Hash::of(Algorithm::Sha256, b"moved\n"));
    assert_eq!(fetched.url, server.url("/old"));
}

#[test]
fn a_hash_mismatch_says_what_was_wanted_and_what_came() {
    let cache = tempfile::tempdir().unwrap();
    let eka = Fetcher::new(options(cache.path()));
    let server = Server::start();
    server.route("/f", Reply::Bytes(b"actual\n".to_vec()));
    let wanted = Hash::of(Algorithm::Sha256, b"expected\n");
    let got = Hash::of(Algorithm::Sha256, b"actual\n");
    let url = server.url("/f");
    let err = eka
        .fetch(&Request::file(&url).with_expected(wanted))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("hash mismatch for {url}:\n  wanted: {wanted}\n  got:    {got}")
    );
}

#[test]
fn mirrors_serve_the_bytes_and_the_canonical_url_is_reported() {
    let cache = tempfile::tempdir().unwrap();
    let server = Server::start();
    server.route("/pkg/a.txt", Reply::Bytes(b"mirrored\n".to_vec()));
    let mut options = options(cache.path());
    let mut mirrors = Mirrors::default();
    mirrors.add("https://downloads.example.invalid/", server.url("/pkg/"));
    options.mirrors = mirrors;
    let eka = Fetcher::new(options);
    let fetched = eka
        .fetch(&Request::file("https://downloads.example.invalid/a.txt"))
        .unwrap();
    assert_eq!(fetched.url, "https://downloads.example.invalid/a.txt");
    assert_eq!(fetched.fetched_from, server.url("/pkg/a.txt"));
    assert_eq!(fetched.name, "a.txt");
    assert_eq!(fetched.hash, Hash::of(Algorithm::Sha256, b"mirrored\n"));

    // Errors name the mirror and what it stands for.
    let err = eka
        .fetch(&Request::file("https://downloads.example.invalid/gone"))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("(mirror of https://downloads.example.invalid/gone)"),
        "{err}"
    );
}

#[test]
fn the_cache_answers_known_hashes_without_the_network() {
    let cache = tempfile::tempdir().unwrap();
    let server = Server::start();
    let trees = tempfile::tempdir().unwrap();
    nix_oracle::tree::random_tree(&trees.path().join("t"), 5, &Default::default());
    let tarball = archive::compress(
        &archive::tar(&trees.path().join("t"), "top", Order::Reversed),
        Compression::Zstd,
    );
    server.route("/t.tar.zst", Reply::Bytes(tarball));
    server.route("/f", Reply::Bytes(b"file\n".to_vec()));
    server.route("/x", Reply::Bytes(b"#!/bin/sh\n".to_vec()));

    let online = Fetcher::new(options(cache.path()));
    let requests = [
        Request::tarball(server.url("/t.tar.zst")),
        Request::file(server.url("/f")),
        Request::executable(server.url("/x")),
    ];
    let mut offline_options = options(cache.path());
    offline_options.offline = true;
    let offline = Fetcher::new(offline_options);
    for request in requests {
        let first = online.fetch(&request).unwrap();
        assert!(!first.from_cache);
        let path = request.url.trim_start_matches(&server.url(""));
        let hits = server.hits(&format!("/{path}"));

        let again = online
            .fetch(&request.clone().with_expected(first.hash))
            .unwrap();
        assert!(again.from_cache, "{}", request.url);
        assert_eq!(again.hash, first.hash);

        // Offline, the cache serves both the pinned and the unpinned request.
        assert_eq!(offline.fetch(&request).unwrap().hash, first.hash);
        assert_eq!(
            offline
                .fetch(&request.clone().with_expected(first.hash))
                .unwrap()
                .hash,
            first.hash
        );
        assert_eq!(server.hits(&format!("/{path}")), hits, "{}", request.url);

        // Refreshing downloads again.
        let refreshed = online
            .fetch(&request.clone().with_expected(first.hash).with_refresh(true))
            .unwrap();
        assert!(!refreshed.from_cache);
    }

    let err = offline
        .fetch(&Request::file(server.url("/never-fetched")))
        .unwrap_err();
    assert!(matches!(err, Error::Offline { .. }), "{err:?}");
    assert!(err.to_string().contains("--offline"), "{err}");
}

#[test]
fn sha512_is_honoured_when_expected() {
    let cache = tempfile::tempdir().unwrap();
    let eka = Fetcher::new(options(cache.path()));
    let server = Server::start();
    server.route("/f", Reply::Bytes(b"512\n".to_vec()));
    let wanted = Hash::of(Algorithm::Sha512, b"512\n");
    let fetched = eka
        .fetch(&Request::file(server.url("/f")).with_expected(wanted))
        .unwrap();
    assert_eq!(fetched.hash, wanted);
}

#[test]
fn file_urls_and_bad_urls() {
    let cache = tempfile::tempdir().unwrap();
    let eka = Fetcher::new(options(cache.path()));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("local.txt");
    std::fs::write(&file, "local\n").unwrap();
    let fetched = eka
        .fetch(&Request::file(format!("file://{}", file.display())))
        .unwrap();
    assert_eq!(fetched.hash, Hash::of(Algorithm::Sha256, b"local\n"));

    let err = eka
        .fetch(&Request::file("ftp://example.org/x"))
        .unwrap_err();
    assert!(
        err.to_string().contains("ftp:// scheme is not supported"),
        "{err}"
    );
    let err = eka.fetch(&Request::file("not a url")).unwrap_err();
    assert!(err.to_string().contains("invalid URL"), "{err}");
    let err = eka
        .fetch(&Request::file(format!(
            "file://{}/missing",
            dir.path().display()
        )))
        .unwrap_err();
    assert!(
        nix_oracle::error_chain(&err).contains("missing"),
        "{}",
        nix_oracle::error_chain(&err)
    );
    let err = eka
        .fetch(&Request::file("https://x.invalid/a").with_name("bad name"))
        .unwrap_err();
    assert!(err.to_string().contains("bad name"), "{err}");
}
