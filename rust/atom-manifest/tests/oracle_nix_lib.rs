//! The Nix library (`nix/lock.nix`, evaluated by Nix itself) reads what the
//! writer writes, and decides unpacking exactly as
//! [`atom_manifest::unpacks_by_default`] does.

use std::path::{Path, PathBuf};
use std::process::Command;

use atom_manifest::{Bond, BuildBond, Lockfile, unpacks_by_default};

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `lib.lock.fetchers` of the lock at `path`, as JSON, through
/// `nix-instantiate --eval --strict --json`.
fn fetchers(path: &Path) -> serde_json::Value {
    let expr = format!(
        "(import {}/nix).lock.fetchers {{ lock = {}; root = /srv/this-repository; }}",
        repository_root().display(),
        path.display()
    );
    let output = Command::new("nix-instantiate")
        .args([
            "--eval",
            "--strict",
            "--json",
            "--read-write-mode",
            "-E",
            &expr,
        ])
        .output()
        .expect("nix-instantiate (Nix 2.8 or later) must be installed to run this test");
    assert!(
        output.status.success(),
        "nix-instantiate failed on {}:\n{}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON from nix-instantiate")
}

#[test]
fn the_nix_library_accepts_every_bond_type_as_written() {
    let text = include_str!("fixtures/every-bond-type.atom.lock");
    let lock = Lockfile::parse(Path::new("atom.lock"), text).unwrap();
    assert_eq!(lock.to_toml(), text);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("atom.lock");
    std::fs::write(&path, text).unwrap();
    let fetchers = fetchers(&path);

    let call = |name: &str| {
        let f = &fetchers[name];
        (
            f["type"].as_str().unwrap().to_owned(),
            f["fetcher"].as_str().unwrap().to_owned(),
        )
    };
    let expected = [
        ("auth-service", "atom", "builtins.fetchGit"),
        ("auth-service-docs", "nix+tar", "builtins.fetchTarball"),
        ("data-archive", "nix+build", "<nix/fetchurl.nix>"),
        ("nix-installer", "nix+url", "builtins.fetchurl"),
        ("nixpkgs", "nix+git", "builtins.fetchGit"),
        ("online-builder", "nix+build", "<nix/fetchurl.nix>"),
        ("other-repo", "nix+git", "builtins.fetchGit"),
        ("source-archive", "nix+build", "builtins.fetchTarball"),
    ];
    assert_eq!(fetchers.as_object().unwrap().len(), expected.len());
    for (name, bond_type, fetcher) in expected {
        assert_eq!(
            call(name),
            (bond_type.to_owned(), fetcher.to_owned()),
            "{name}"
        );
        let bond = lock.bond(name).unwrap();
        let args = &fetchers[name]["args"];
        if let Some(url) = bond.url() {
            assert_eq!(args["url"], url, "{name}");
        }
    }
    let atom = &fetchers["auth-service"]["args"];
    assert_eq!(atom["url"], "/srv/this-repository");
    assert_eq!(atom["ref"], "refs/eka/atoms/auth-service/1.5.2");
    assert_eq!(fetchers["other-repo"]["args"]["ref"], "refs/tags/v1.2.3");
    // Without `ref`, the library fetches the remote's HEAD.
    assert_eq!(fetchers["nixpkgs"]["args"]["ref"], "HEAD");
    assert_eq!(fetchers["online-builder"]["args"]["executable"], true);
}

#[test]
fn rust_and_nix_agree_on_what_is_unpacked() {
    let cases: Vec<(bool, &str)> = include_str!("fixtures/unpack-cases.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let (expected, url) = l.split_once(' ').unwrap();
            (expected == "true", url)
        })
        .collect();
    let lock = Lockfile {
        sources: Default::default(),
        bonds: cases
            .iter()
            .enumerate()
            .map(|(i, (_, url))| {
                Bond::Build(BuildBond {
                    name: format!("case{i}").parse().unwrap(),
                    url: (*url).to_owned(),
                    version: None,
                    hash: "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
                        .parse()
                        .unwrap(),
                    exec: false,
                    unpack: unpacks_by_default(url),
                })
            })
            .collect(),
    };
    let text = lock.to_toml();
    // The default is never written: Nix decides from the URL alone.
    assert!(!text.contains("unpack ="), "{text}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("atom.lock");
    std::fs::write(&path, &text).unwrap();
    let fetchers = fetchers(&path);
    let mut unpacked = 0;
    for (i, (expected, url)) in cases.iter().enumerate() {
        let fetcher = fetchers[format!("case{i}")]["fetcher"]
            .as_str()
            .unwrap()
            .to_owned();
        let nix_unpacks = fetcher == "builtins.fetchTarball";
        assert_eq!(
            nix_unpacks,
            unpacks_by_default(url),
            "{url}: Nix calls {fetcher}"
        );
        assert_eq!(nix_unpacks, *expected, "{url}");
        unpacked += usize::from(nix_unpacks);
    }
    assert!(
        unpacked > 5 && unpacked < cases.len(),
        "both outcomes are tested"
    );
}
