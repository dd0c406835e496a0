//! The git fetcher (and `nar::git`) against Nix 2.8's `builtins.fetchGit`:
//! rev and `narHash` of repositories with branches, tags, submodule
//! entries, symlinks, executables, empty trees and `.gitattributes` at
//! several depths, fetched from a work tree and from a bare repository.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a panic is a failed test"
)]

use std::os::unix::fs::{PermissionsExt as _, symlink};
use std::path::Path;

use nix_fetch::{Fetcher, Options, Request, StoreDir};
use nix_oracle::Nix;
use nix_oracle::git::{Daemon, commit_all, git, init};
use nix_oracle::tree::{Shape, random_tree};

fn fetcher(nix: &Nix, cache: &Path) -> Fetcher {
    let mut options = Options::new(cache);
    options.store_dir = StoreDir::new(nix.store_dir()).unwrap();
    Fetcher::new(options)
}

fn write(path: &Path, contents: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

fn executable(path: &Path, contents: &str) {
    write(path, contents);
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Nix's `{ narHash; outPath; rev; }` of `builtins.fetchGit { ARGS }`.
fn nix_fetch_git(nix: &Nix, args: &str) -> (String, String, String) {
    let expr = format!("let s = builtins.fetchGit {{ {args} }}; in [ s.narHash s.outPath s.rev ]");
    let json = nix.eval(&expr);
    let fields: Vec<String> = json
        .trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .map(|field| field.trim().trim_matches('"').to_owned())
        .collect();
    assert_eq!(fields.len(), 3, "{json}");
    (fields[0].clone(), fields[1].clone(), fields[2].clone())
}

/// eka's fetch and Nix's agree on rev, narHash and store path.
fn assert_agrees(
    nix: &Nix,
    eka: &Fetcher,
    url: &str,
    reference: Option<&str>,
    rev: Option<&str>,
    nix_ref: Option<&str>,
) -> String {
    let mut args = format!("url = \"{url}\";");
    if let Some(reference) = nix_ref.or(reference) {
        args.push_str(&format!(" ref = \"{reference}\";"));
    }
    if let Some(rev) = rev {
        args.push_str(&format!(" rev = \"{rev}\";"));
    }
    let (nar_hash, out_path, nix_rev) = nix_fetch_git(nix, &args);
    let fetched = eka
        .fetch(&Request::git(
            url,
            reference.map(str::to_owned),
            rev.map(str::to_owned),
        ))
        .unwrap_or_else(|err| panic!("eka cannot fetch {args}: {err:?}"));
    assert_eq!(fetched.hash.to_string(), nar_hash, "narHash of {args}");
    assert_eq!(
        fetched.rev.as_deref(),
        Some(nix_rev.as_str()),
        "rev of {args}"
    );
    assert_eq!(
        fetched
            .store_path
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some(out_path.as_str()),
        "outPath of {args}"
    );
    nix_rev
}

/// A repository that uses everything `git archive` treats specially.
fn build_repository(repo: &Path) -> Vec<String> {
    init(repo);
    write(
        &repo.join(".gitattributes"),
        "*.log export-ignore\n\
         /secret export-ignore\n\
         docs/internal/ export-ignore\n\
         only-ignored/** export-ignore\n\
         *.bat eol=crlf\n\
         *.txt text=auto eol=crlf\n\
         id.c ident\n\
         [attr]private export-ignore\n\
         *.private private\n\
         keep.txt -export-ignore\n",
    );
    // Path and contents; the contents say what git archive does with the file.
    let files: &[(&str, &str)] = &[
        ("README.md", "# project\n"),
        ("build.log", "ignored\n"),
        ("secret", "ignored at the top only\n"),
        ("sub/secret", "kept: the pattern is anchored\n"),
        ("docs/guide.md", "guide\n"),
        ("docs/internal/notes.md", "ignored directory\n"),
        (
            "only-ignored/a",
            "every file ignored, directory kept empty\n",
        ),
        (
            "only-ignored-dirs/x/y.log",
            "only an ignored file below a subdirectory\n",
        ),
        ("win.bat", "@echo off\nrem crlf\n"),
        ("mixed.txt", "already\r\nmixed\n"),
        ("plain.txt", "lf\nonly\n"),
        ("id.c", "/* $Id$ */\nint x;\n"),
        ("a.private", "macro from the root\n"),
        ("keep.txt", "kept\n"),
        (
            "lib.rs",
            "// lib.rs sorts after lib/ in git, before it in a NAR\n",
        ),
        ("lib/mod.rs", "// lib/mod.rs\n"),
        ("lib-extra", "\n"),
        (
            "sub/.gitattributes",
            "*.tmp export-ignore\n/local export-ignore\n",
        ),
        ("sub/a.tmp", "ignored below sub\n"),
        ("sub/local", "ignored below sub\n"),
        ("sub/deep/local", "kept: /local is anchored to sub\n"),
        (
            "sub/deep/.gitattributes",
            "*.tmp -export-ignore\n*.log -export-ignore\n",
        ),
        ("sub/deep/b.tmp", "kept again\n"),
        ("sub/deep/c.log", "kept again\n"),
        ("a.tmp", "kept: sub's pattern does not apply here\n"),
    ];
    for (path, contents) in files {
        write(&repo.join(path), contents);
    }
    executable(&repo.join("bin/run"), "#!/bin/sh\necho run\n");
    symlink("bin/run", repo.join("run")).unwrap();
    symlink("../README.md", repo.join("docs/readme-link")).unwrap();
    symlink("nowhere/at/all", repo.join("dangling")).unwrap();
    let first = commit_all(repo, "first");

    // A submodule entry (gitlink) and an ignored one.
    for entry in [
        "160000,1111111111111111111111111111111111111111,vendor/lib",
        "160000,2222222222222222222222222222222222222222,ignored-module.log",
    ] {
        git(repo, &["update-index", "--add", "--cacheinfo", entry]);
    }
    let second = commit_all(repo, "submodules");
    git(repo, &["tag", "v1.0", &first]);
    git(repo, &["tag", "-a", "-m", "annotated", "v2.0", &second]);

    git(repo, &["checkout", "--quiet", "-b", "feature"]);
    write(&repo.join("feature.txt"), "on a branch\n");
    let third = commit_all(repo, "feature");
    git(repo, &["checkout", "--quiet", "main"]);

    // A commit whose tree holds an empty tree (git itself never makes one).
    let empty_tree = git(repo, &["hash-object", "-t", "tree", "-w", "/dev/null"]);
    let base_tree = git(repo, &["rev-parse", "HEAD^{tree}"]);
    let listing = git(repo, &["ls-tree", &base_tree]);
    let listing = format!("{listing}\n040000 tree {empty_tree}\tempty-dir\n");
    let tree = std::process::Command::new("git")
        .args(["mktree"])
        .current_dir(repo)
        .envs(nix_oracle::git::ISOLATION)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write as _;
            child.stdin.take().unwrap().write_all(listing.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    let tree = String::from_utf8(tree.stdout).unwrap().trim().to_owned();
    let fourth = git(
        repo,
        &["commit-tree", &tree, "-p", "HEAD", "-m", "empty tree"],
    );
    git(repo, &["update-ref", "refs/heads/with-empty-tree", &fourth]);
    vec![first, second, third, fourth]
}

#[test]
fn work_tree_repositories_match_builtins_fetch_git() {
    let nix = Nix::new();
    let cache = tempfile::tempdir().unwrap();
    let eka = fetcher(&nix, cache.path());
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let revs = build_repository(&repo);
    let url = format!("file://{}", repo.display());

    // Every revision, named directly.
    for rev in &revs {
        assert_agrees(&nix, &eka, &url, None, Some(rev), None);
    }
    // Refs without a rev: branches resolve to their tips.
    assert_eq!(
        assert_agrees(&nix, &eka, &url, Some("feature"), None, None),
        revs[2]
    );
    assert_eq!(
        assert_agrees(&nix, &eka, &url, Some("main"), None, None),
        revs[1]
    );
}

/// Fetched over `git://` (git daemon on loopback): eka's cache and gix's
/// transport, Nix's `git fetch`.
#[test]
fn served_repositories_match_builtins_fetch_git_with_tags() {
    let nix = Nix::new();
    let cache = tempfile::tempdir().unwrap();
    let eka = fetcher(&nix, cache.path());
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let revs = build_repository(&repo);
    let bare = dir.path().join("bare.git");
    git(
        dir.path(),
        &[
            "clone",
            "--quiet",
            "--bare",
            repo.to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
    );
    let daemon = Daemon::serve(dir.path());
    let url = daemon.url("bare.git");

    // Nix 2.8 fetches `refs/heads/<ref>` unless told the full name: eka
    // resolves a tag's short name and reports the full one.
    assert_eq!(
        assert_agrees(&nix, &eka, &url, Some("v1.0"), None, Some("refs/tags/v1.0")),
        revs[0]
    );
    // An annotated tag leads to its commit. (Nix 2.8 reports the tag
    // object's id as `rev` when only the ref is given; eka reports the
    // commit, which is what a lock must pin and what Nix accepts as `rev`.)
    assert_agrees(
        &nix,
        &eka,
        &url,
        Some("refs/tags/v2.0"),
        Some(&revs[1]),
        None,
    );
    let fetched = eka
        .fetch(&Request::git(&url, Some("v2.0".into()), None))
        .unwrap();
    assert_eq!(fetched.rev.as_deref(), Some(revs[1].as_str()));
    assert_eq!(fetched.reference.as_deref(), Some("refs/tags/v2.0"));
    assert_agrees(&nix, &eka, &url, Some("feature"), Some(&revs[2]), None);
    let fetched = eka
        .fetch(&Request::git(&url, Some("v1.0".into()), None))
        .unwrap();
    assert_eq!(fetched.reference.as_deref(), Some("refs/tags/v1.0"));
    let fetched = eka.fetch(&Request::git(&url, None, None)).unwrap();
    assert_eq!(fetched.rev.as_deref(), Some(revs[1].as_str()));
    assert!(!fetched.from_cache);
    // A rev the cache holds needs no network: not even the daemon.
    drop(daemon);
    let again = eka
        .fetch(&Request::git(
            &url,
            Some("feature".into()),
            Some(revs[2].clone()),
        ))
        .unwrap();
    assert!(again.from_cache);
    assert_eq!(again.reference.as_deref(), Some("refs/heads/feature"));
    // A rev on no fetched ref is looked for on every branch and tag.
    let daemon = Daemon::serve(dir.path());
    let fresh = tempfile::tempdir().unwrap();
    let fetched = fetcher(&nix, fresh.path())
        .fetch(&Request::git(
            daemon.url("bare.git"),
            None,
            Some(revs[3].clone()),
        ))
        .unwrap();
    assert_eq!(fetched.rev.as_deref(), Some(revs[3].as_str()));
}

#[test]
fn local_repositories_are_read_in_place() {
    let nix = Nix::new();
    let cache = tempfile::tempdir().unwrap();
    let eka = fetcher(&nix, cache.path());
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let revs = build_repository(&repo);
    let fetched = eka
        .fetch(&Request::git(
            format!("file://{}", repo.display()),
            None,
            None,
        ))
        .unwrap();
    assert_eq!(fetched.reference.as_deref(), Some("refs/heads/main"));
    assert_eq!(fetched.rev.as_deref(), Some(revs[1].as_str()));
    assert!(
        !cache.path().join("git").exists(),
        "nothing copied into the cache"
    );
    let err = eka
        .fetch(&Request::git(
            format!("file://{}", repo.display()),
            Some("no-such".into()),
            None,
        ))
        .unwrap_err();
    assert!(nix_oracle::error_chain(&err).contains("refs/heads/no-such, refs/tags/no-such"));
}

#[test]
fn random_trees_committed_to_git_match_builtins_fetch_git() {
    let nix = Nix::new();
    let cache = tempfile::tempdir().unwrap();
    let eka = fetcher(&nix, cache.path());
    let dir = tempfile::tempdir().unwrap();
    for seed in 0..12u64 {
        let repo = dir.path().join(format!("r{seed}"));
        init(&repo);
        random_tree(&repo.join("tree"), 3000 + seed, &Shape::default());
        if seed % 3 == 0 {
            write(
                &repo.join(".gitattributes"),
                "a export-ignore\n*.b export-ignore\nn1* export-ignore\n",
            );
        }
        let rev = commit_all(&repo, "random");
        let url = format!("file://{}", repo.display());
        assert_agrees(&nix, &eka, &url, Some("main"), Some(&rev), None);
    }
}

#[test]
fn export_subst_placeholders_are_refused_and_harmless_ones_match() {
    let nix = Nix::new();
    let cache = tempfile::tempdir().unwrap();
    let eka = fetcher(&nix, cache.path());
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    init(&repo);
    write(
        &repo.join(".gitattributes"),
        "version.txt export-subst\nplain.txt export-subst\n",
    );
    write(
        &repo.join("plain.txt"),
        "no placeholder, $Id$ or $Format: without end\n",
    );
    let harmless = commit_all(&repo, "harmless");
    let url = format!("file://{}", repo.display());
    assert_agrees(&nix, &eka, &url, None, Some(&harmless), Some("main"));

    write(&repo.join("version.txt"), "commit $Format:%H$\n");
    let substituted = commit_all(&repo, "placeholder");
    let err = eka
        .fetch(&Request::git(&url, None, Some(substituted.clone())))
        .unwrap_err();
    let text = nix_oracle::error_chain(&err);
    assert!(
        text.contains("version.txt") && text.contains("export-subst"),
        "{text}"
    );
    // Nix substitutes; eka would have to guess how.
    let (nix_hash, ..) = nix_fetch_git(&nix, &format!("url = \"{url}\"; rev = \"{substituted}\";"));
    assert!(nix_hash.starts_with("sha256-"));
}
