//! `eka prefetch` prints what `nix-prefetch-url` and `builtins.fetchGit`
//! report, honours mirrors from its config and git's `insteadOf`, and fails
//! with the URL and the HTTP status.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a panic is a failed test"
)]

use std::path::Path;
use std::process::{Command, Output};

use nix_oracle::Nix;
use nix_oracle::archive::{self, Compression, Order};
use nix_oracle::git::{commit_all, init};
use nix_oracle::http::{Reply, Server};
use nix_oracle::tree::{Shape, random_tree};

/// eka with its own cache and config, the oracle's store and no user git
/// configuration.
fn eka(nix: &Nix, home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eka"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("EKA_CONFIG", home.join("config.toml"))
        .env("NIX_STORE_DIR", nix.store_dir())
        .envs(nix_oracle::git::ISOLATION)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "eka failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .trim()
        .to_owned()
}

#[test]
fn url_executable_and_tar_print_what_nix_prefetch_url_prints() {
    let nix = Nix::new();
    let home = tempfile::tempdir().unwrap();
    let server = Server::start();
    server.route("/tool.sh", Reply::Bytes(b"#!/bin/sh\necho hi\n".to_vec()));
    let trees = tempfile::tempdir().unwrap();
    random_tree(&trees.path().join("t"), 11, &Shape::default());
    let tarball = archive::compress(
        &archive::tar(&trees.path().join("t"), "p-1", Order::Git),
        Compression::Xz,
    );
    server.route("/p-1.tar.xz", Reply::Bytes(tarball));

    let url = server.url("/tool.sh");
    assert_eq!(
        stdout(&eka(
            &nix,
            home.path(),
            &["prefetch", "url", "--base32", "--print-path", &url]
        )),
        nix.run("nix-prefetch-url", &["--print-path", &url])
    );
    assert_eq!(
        stdout(&eka(
            &nix,
            home.path(),
            &[
                "prefetch",
                "url",
                "--executable",
                "--base32",
                "--print-path",
                &url
            ]
        )),
        nix.run("nix-prefetch-url", &["--executable", "--print-path", &url])
    );
    let url = server.url("/p-1.tar.xz");
    assert_eq!(
        stdout(&eka(
            &nix,
            home.path(),
            &[
                "prefetch",
                "tar",
                "--base32",
                "--print-path",
                "--name",
                "p-1.tar.xz",
                &url
            ]
        )),
        nix.run("nix-prefetch-url", &["--unpack", "--print-path", &url])
    );
    // The default name is fetchTarball's.
    let json = stdout(&eka(
        &nix,
        home.path(),
        &["--json", "prefetch", "tar", &url],
    ));
    let nix_path = nix.eval_string(&format!("builtins.fetchTarball \"{url}\""));
    assert!(
        json.contains(&format!("\"storePath\":\"{nix_path}\"")),
        "{json}"
    );
}

#[test]
fn git_prints_the_rev_and_the_nar_hash_of_builtins_fetch_git() {
    let nix = Nix::new();
    let home = tempfile::tempdir().unwrap();
    let repo = home.path().join("repo");
    init(&repo);
    random_tree(&repo.join("src"), 12, &Shape::default());
    std::fs::write(repo.join(".gitattributes"), "*.b export-ignore\n").unwrap();
    let rev = commit_all(&repo, "one");
    let url = format!("file://{}", repo.display());

    let text = stdout(&eka(
        &nix,
        home.path(),
        &["prefetch", "git", "--ref", "main", "--print-path", &url],
    ));
    let expr = format!(
        "let s = builtins.fetchGit {{ url = \"{url}\"; ref = \"main\"; }}; in \"${{s.narHash}}\\n${{s.rev}}\\n${{s.outPath}}\""
    );
    assert_eq!(text, nix.eval_string(&expr).replace("\\n", "\n"));
    assert!(text.contains(&rev));

    let json = stdout(&eka(
        &nix,
        home.path(),
        &["--json", "prefetch", "git", "--rev", &rev, &url],
    ));
    assert!(json.contains(&format!("\"rev\":\"{rev}\"")), "{json}");
    // A local repository is read in place; no ref was asked for.
    assert!(json.contains("\"fromCache\":false"), "{json}");
    assert!(json.contains("\"ref\":null"), "{json}");
}

#[test]
fn config_mirrors_and_git_instead_of_rewrite_where_bytes_come_from() {
    let nix = Nix::new();
    let home = tempfile::tempdir().unwrap();
    let server = Server::start();
    server.route("/mirror/f.txt", Reply::Bytes(b"mirrored\n".to_vec()));
    std::fs::write(
        home.path().join("config.toml"),
        format!(
            "[mirrors]\n\"https://upstream.invalid/\" = \"{}\"\n",
            server.url("/mirror/")
        ),
    )
    .unwrap();
    let json = stdout(&eka(
        &nix,
        home.path(),
        &[
            "--json",
            "prefetch",
            "url",
            "https://upstream.invalid/f.txt",
        ],
    ));
    assert!(
        json.contains("\"url\":\"https://upstream.invalid/f.txt\""),
        "{json}"
    );
    assert!(
        json.contains(&format!(
            "\"fetchedFrom\":\"{}\"",
            server.url("/mirror/f.txt")
        )),
        "{json}"
    );

    // git's url.<base>.insteadOf, from the global git configuration.
    let repo = home.path().join("repo");
    init(&repo);
    std::fs::write(repo.join("x"), "x\n").unwrap();
    commit_all(&repo, "x");
    let gitconfig = home.path().join("gitconfig");
    std::fs::write(
        &gitconfig,
        format!(
            "[url \"file://{}\"]\n\tinsteadOf = https://git.invalid/repo\n",
            repo.display()
        ),
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_eka"))
        .args([
            "--json",
            "prefetch",
            "git",
            "--ref",
            "main",
            "https://git.invalid/repo",
        ])
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("EKA_CONFIG", home.path().join("config.toml"))
        .envs(nix_oracle::git::ISOLATION)
        .env("GIT_CONFIG_GLOBAL", &gitconfig)
        .output()
        .unwrap();
    let json = stdout(&output);
    assert!(
        json.contains("\"url\":\"https://git.invalid/repo\""),
        "{json}"
    );
    assert!(
        json.contains(&format!("\"fetchedFrom\":\"file://{}\"", repo.display())),
        "{json}"
    );
}

#[test]
fn failures_name_the_url_and_status_and_exit_with_one() {
    let nix = Nix::new();
    let home = tempfile::tempdir().unwrap();
    let server = Server::start();
    let url = server.url("/gone.tar.gz");
    let output = eka(&nix, home.path(), &["prefetch", "tar", &url]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("GET {url}: HTTP 404 Not Found")),
        "{stderr}"
    );

    server.route("/f", Reply::Bytes(b"f\n".to_vec()));
    let wanted = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    let output = eka(
        &nix,
        home.path(),
        &["prefetch", "url", "--hash", wanted, &server.url("/f")],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("wanted: {wanted}")) && stderr.contains("got:    sha256-"),
        "{stderr}"
    );

    let output = eka(
        &nix,
        home.path(),
        &["prefetch", "git", "--rev", "xyz", "file:///nowhere"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a full 40-digit commit id"));
}
