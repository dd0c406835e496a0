//! The URL and tarball fetchers against Nix 2.8's own: `builtins.fetchurl`,
//! `<nix/fetchurl.nix>` with `executable = true`, `builtins.fetchTarball`
//! and `nix-prefetch-url --print-path`, all over loopback HTTP into a
//! throwaway store.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a panic is a failed test"
)]

use std::path::Path;
use std::time::Duration;

use nix_fetch::{Fetched, Fetcher, Options, Request, StoreDir};
use nix_oracle::Nix;
use nix_oracle::archive::{self, Compression, Order};
use nix_oracle::http::{Reply, Server};
use nix_oracle::tree::{Rng, Shape, random_tree};

fn fetcher(nix: &Nix, cache: &Path) -> Fetcher {
    let mut options = Options::new(cache);
    options.store_dir = StoreDir::new(nix.store_dir()).expect("an absolute store directory");
    options.backoff = Duration::from_millis(10);
    Fetcher::new(options)
}

fn store_path(fetched: &Fetched) -> String {
    fetched
        .store_path
        .as_ref()
        .expect("a valid store path name")
        .to_string()
}

#[test]
fn flat_files_match_builtins_fetchurl_and_nix_prefetch_url() {
    let nix = Nix::new();
    let cache = tempfile::tempdir().unwrap();
    let eka = fetcher(&nix, cache.path());
    let server = Server::start();
    let mut rng = Rng::new(7);
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("/hello.txt", b"hello\n".to_vec()),
        ("/empty", Vec::new()),
        ("/big.bin", rng.bytes(3 * 1024 * 1024 + 17)),
        ("/dir/name-with=equals.tar.gz", rng.bytes(1000)),
    ];
    for (path, bytes) in &files {
        server.route(path, Reply::Bytes(bytes.clone()));
        let url = server.url(path);
        let fetched = eka.fetch(&Request::file(&url)).unwrap();

        let nix_path = nix.eval_string(&format!("builtins.fetchurl \"{url}\""));
        assert_eq!(store_path(&fetched), nix_path, "{url}");

        let prefetch = nix.run("nix-prefetch-url", &["--print-path", &url]);
        let mut lines = prefetch.lines();
        assert_eq!(
            lines.next(),
            Some(fetched.hash.to_nix32().as_str()),
            "{url}"
        );
        assert_eq!(lines.next(), Some(store_path(&fetched).as_str()), "{url}");
    }
}

#[test]
fn executables_match_nix_fetchurl_with_executable_true() {
    let nix = Nix::new();
    let cache = tempfile::tempdir().unwrap();
    let eka = fetcher(&nix, cache.path());
    let server = Server::start();
    for (path, bytes) in [
        ("/tool", b"#!/bin/sh\necho tool\n".to_vec()),
        ("/blob.bin", Rng::new(3).bytes(300_000)),
    ] {
        server.route(path, Reply::Bytes(bytes));
        let url = server.url(path);
        let fetched = eka.fetch(&Request::executable(&url)).unwrap();

        // Nix builds the fixed-output derivation only if the hash is right.
        let built = nix.run(
            "nix-build",
            &[
                "--no-out-link",
                "--expr",
                &format!(
                    "import <nix/fetchurl.nix> {{ url = \"{url}\"; hash = \"{}\"; executable = true; }}",
                    fetched.hash
                ),
            ],
        );
        assert_eq!(built, store_path(&fetched), "{url}");

        let prefetch = nix.run("nix-prefetch-url", &["--executable", "--print-path", &url]);
        let mut lines = prefetch.lines();
        assert_eq!(lines.next(), Some(fetched.hash.to_nix32().as_str()));
        assert_eq!(lines.next(), Some(store_path(&fetched).as_str()));
    }
    // And a wrong hash is refused by Nix: the comparison above can fail.
    let url = server.url("/tool");
    let wrong = nix.try_run(
        "nix-build",
        &[
            "--no-out-link",
            "--expr",
            &format!(
                "import <nix/fetchurl.nix> {{ url = \"{url}\"; hash = \"sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"; executable = true; }}"
            ),
        ],
    );
    assert!(wrong.is_err());
}

/// Serve `bytes` at `path` and compare eka's tarball fetch with
/// `builtins.fetchTarball`.
fn assert_tarball_matches(nix: &Nix, eka: &Fetcher, server: &Server, path: &str, bytes: Vec<u8>) {
    server.route(path, Reply::Bytes(bytes));
    let url = server.url(path);
    let fetched = eka
        .fetch(&Request::tarball(&url))
        .unwrap_or_else(|err| panic!("eka cannot fetch {url}: {err:?}"));
    let nix_path = nix.eval_string(&format!("builtins.fetchTarball \"{url}\""));
    assert_eq!(store_path(&fetched), nix_path, "{url}");
}

#[test]
fn tarballs_in_every_compression_and_order_match_builtins_fetch_tarball() {
    let nix = Nix::new();
    let cache = tempfile::tempdir().unwrap();
    let eka = fetcher(&nix, cache.path());
    let server = Server::start();
    let trees = tempfile::tempdir().unwrap();
    let orders = [Order::Sorted, Order::Git, Order::Reversed];
    for seed in 0..15usize {
        let root = trees.path().join(format!("t{seed}"));
        random_tree(&root, 500 + seed as u64, &Shape::default());
        let compression = Compression::ALL[seed % Compression::ALL.len()];
        let order = orders[seed % orders.len()];
        let tar = archive::tar(&root, &format!("project-{seed}"), order);
        let path = format!("/t{seed}-{order:?}.{}", compression.extension());
        assert_tarball_matches(
            &nix,
            &eka,
            &server,
            &path,
            archive::compress(&tar, compression),
        );
    }
}

/// Zip members are ASCII here: Nix 2.8's libarchive runs in the C locale and
/// refuses other names in zip archives ("Pathname cannot be converted from
/// UTF-8 to current locale"); tar archives carry raw bytes and are tested
/// with every kind of name above.
#[test]
fn zip_archives_match_builtins_fetch_tarball() {
    let nix = Nix::new();
    let cache = tempfile::tempdir().unwrap();
    let eka = fetcher(&nix, cache.path());
    let server = Server::start();
    let trees = tempfile::tempdir().unwrap();
    for seed in 0..4u64 {
        let root = trees.path().join(format!("z{seed}"));
        let shape = Shape {
            ascii_only: true,
            ..Shape::default()
        };
        random_tree(&root, 900 + seed, &shape);
        let zip = archive::zip(&root, "top");
        assert_tarball_matches(&nix, &eka, &server, &format!("/z{seed}.zip"), zip);
    }
}

/// A tar archive written entry by entry.
fn handmade(entries: &[(&str, tar::EntryType, &[u8], u32)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, kind, data, mode) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(*kind);
        header.set_mode(*mode);
        match kind {
            tar::EntryType::Symlink | tar::EntryType::Link => {
                header.set_size(0);
                builder
                    .append_link(&mut header, path, std::str::from_utf8(data).unwrap())
                    .unwrap();
            }
            _ => {
                header.set_size(data.len() as u64);
                builder.append_data(&mut header, path, *data).unwrap();
            }
        }
    }
    builder.into_inner().unwrap()
}

#[test]
fn libarchive_rules_for_odd_archives_match_nix() {
    use tar::EntryType::{Directory, Link, Regular, Symlink};
    let nix = Nix::new();
    let cache = tempfile::tempdir().unwrap();
    let eka = fetcher(&nix, cache.path());
    let server = Server::start();
    let long = format!("top/{}/{}", "d".repeat(120), "f".repeat(150));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        // No directory entries at all: parents are implied.
        (
            "/implied.tar",
            handmade(&[
                ("top/a/b/c", Regular, b"c", 0o644),
                ("top/x", Regular, b"x", 0o755),
            ]),
        ),
        // A later entry replaces an earlier one with the same path.
        (
            "/duplicate.tar",
            handmade(&[
                ("top/", Directory, b"", 0o755),
                ("top/f", Regular, b"first", 0o755),
                ("top/g", Regular, b"g", 0o644),
                ("top/f", Regular, b"second", 0o644),
            ]),
        ),
        // Hard links share the contents of their target.
        (
            "/hardlink.tar",
            handmade(&[
                ("top/", Directory, b"", 0o755),
                ("top/z-original", Regular, b"shared contents", 0o755),
                ("top/a-link", Link, b"top/z-original", 0o755),
            ]),
        ),
        // `./` prefixes, symlinks and long names.
        (
            "/dotted.tar",
            handmade(&[
                ("./top/", Directory, b"", 0o755),
                ("./top/link", Symlink, b"../elsewhere", 0o777),
                (long.as_str(), Regular, b"long", 0o644),
                ("./top/empty/", Directory, b"", 0o700),
            ]),
        ),
    ];
    for (path, bytes) in cases {
        assert_tarball_matches(&nix, &eka, &server, path, bytes.clone());
        assert_tarball_matches(
            &nix,
            &eka,
            &server,
            &format!("{path}.gz"),
            archive::compress(&bytes, Compression::Gzip),
        );
    }
}

#[test]
fn archives_nix_refuses_are_refused_with_a_reason() {
    use tar::EntryType::Regular;
    let nix = Nix::new();
    let cache = tempfile::tempdir().unwrap();
    let eka = fetcher(&nix, cache.path());
    let server = Server::start();
    server.route(
        "/two.tar",
        Reply::Bytes(handmade(&[
            ("a/x", Regular, b"x", 0o644),
            ("b/y", Regular, b"y", 0o644),
        ])),
    );
    let url = server.url("/two.tar");
    let err = format!(
        "{:#}",
        nix_oracle::error_chain(&eka.fetch(&Request::tarball(&url)).unwrap_err())
    );
    assert!(err.contains("more than one top-level entry"), "{err}");
    let nix_err = nix
        .try_run(
            "nix-instantiate",
            &[
                "--eval",
                "--expr",
                &format!("builtins.fetchTarball \"{url}\""),
            ],
        )
        .unwrap_err();
    assert!(
        nix_err.contains("unexpected number of top-level files"),
        "{nix_err}"
    );

    server.route(
        "/dotdot.tar",
        Reply::Bytes(with_raw_name(b"top/../x", b"x")),
    );
    let err = nix_oracle::error_chain(
        &eka.fetch(&Request::tarball(server.url("/dotdot.tar")))
            .unwrap_err(),
    );
    assert!(err.contains("`..`"), "{err}");

    server.route("/text", Reply::Bytes(b"not an archive".to_vec()));
    let err = nix_oracle::error_chain(
        &eka.fetch(&Request::tarball(server.url("/text")))
            .unwrap_err(),
    );
    assert!(err.contains("not a tar or zip archive"), "{err}");
}

/// A tar archive of one file whose name the tar crate would refuse to write.
fn with_raw_name(name: &[u8], data: &[u8]) -> Vec<u8> {
    let mut header = tar::Header::new_gnu();
    header.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_mode(0o644);
    header.set_size(data.len() as u64);
    header.set_cksum();
    let mut builder = tar::Builder::new(Vec::new());
    builder.append(&header, data).unwrap();
    builder.into_inner().unwrap()
}

#[test]
fn store_paths_match_nix_prefetch_url_unpack_with_a_name() {
    let nix = Nix::new();
    let cache = tempfile::tempdir().unwrap();
    let eka = fetcher(&nix, cache.path());
    let server = Server::start();
    let trees = tempfile::tempdir().unwrap();
    let root = trees.path().join("t");
    random_tree(&root, 77, &Shape::default());
    let bytes = archive::compress(
        &archive::tar(&root, "pkg-1.0", Order::Git),
        Compression::Gzip,
    );
    server.route("/pkg-1.0.tar.gz", Reply::Bytes(bytes));
    let url = server.url("/pkg-1.0.tar.gz");
    let fetched = eka
        .fetch(&Request::tarball(&url).with_name("pkg-1.0.tar.gz"))
        .unwrap();
    let prefetch = nix.run("nix-prefetch-url", &["--unpack", "--print-path", &url]);
    let mut lines = prefetch.lines();
    assert_eq!(lines.next(), Some(fetched.hash.to_nix32().as_str()));
    assert_eq!(lines.next(), Some(store_path(&fetched).as_str()));
}
