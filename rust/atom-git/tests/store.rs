//! A store of verified atoms: ingest, refusals, import, contains.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests: a panic is a failed test"
)]

mod common;

use atom_core::{AtomSource, AtomStore, Query};
use atom_git::{Check, Error, GitRegistry, GitStore};
use common::{bare, git, git_stdin, key, label, project, publish, push_all};

fn origin(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf, GitRegistry) {
    let repo = project(
        &dir.join("project"),
        &[
            ("a", &[("atom.toml", "[atom]\ntag = \"a\"\n")]),
            ("b", &[("atom.toml", "[atom]\ntag = \"b\"\n")]),
        ],
    );
    let registry = GitRegistry::open(&repo, key()).unwrap();
    publish(&registry, "a", "a", "1.0.0");
    publish(&registry, "b", "b", "1.0.0");
    let remote = bare(&dir.join("origin.git"));
    push_all(&registry, remote.to_str().unwrap());
    (repo, remote, registry)
}

fn names(entries: &[atom_git::AtomRef]) -> Vec<String> {
    entries.iter().map(ToString::to_string).collect()
}

#[test]
fn ingest_copies_verified_atoms_and_a_second_ingest_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_, remote, registry) = origin(dir.path());
    let store = GitStore::open(dir.path().join("store.git")).unwrap();
    let origin = store.source(vec![remote.display().to_string()]);
    // Resolving through a store's source fetches objects but writes no ref.
    assert!(
        origin
            .resolve(&Query::new(label("a"), "1.0.0".parse().unwrap()))
            .unwrap()
            .is_some()
    );
    assert!(store.discover().unwrap().is_empty());

    let report = store.sync(&origin).unwrap();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(names(&report.atoms.added), ["a@1.0.0", "b@1.0.0"]);
    assert_eq!(report.claims.added.len(), 2);
    assert_eq!(
        git(store.path(), &["for-each-ref", "refs/eka/"])
            .lines()
            .count(),
        4
    );

    let query =
        Query::new(label("a"), "1.0.0".parse().unwrap()).with_anchor(registry.anchor().clone());
    assert!(store.contains(&query).unwrap());
    assert!(
        !store
            .contains(&Query::new(label("a"), "2.0.0".parse().unwrap()))
            .unwrap()
    );
    let atom = store.resolve(&query).unwrap().unwrap();
    assert_eq!(atom.location, store.path().display().to_string());

    let fresh = store.source(vec![remote.display().to_string()]);
    let again = store.ingest(&fresh).unwrap();
    assert!(again.added.is_empty());
    assert_eq!(names(&again.unchanged), ["a@1.0.0", "b@1.0.0"]);
}

#[test]
fn a_tampered_origin_is_refused_and_the_store_keeps_what_it_verified() {
    let dir = tempfile::tempdir().unwrap();
    let (_, remote, _) = origin(dir.path());
    let store = GitStore::open(dir.path().join("store.git")).unwrap();
    store
        .sync(&store.source(vec![remote.display().to_string()]))
        .unwrap();
    let kept = git(store.path(), &["rev-parse", "refs/eka/atoms/a/1.0.0"]);

    // The origin moves a's ref to b's atom, and adds a version whose tree
    // is not the signed one.
    git(
        &remote,
        &[
            "update-ref",
            "refs/eka/atoms/a/1.0.0",
            "refs/eka/atoms/b/1.0.0",
        ],
    );
    let message = git(
        &remote,
        &["log", "-1", "--format=%B", "refs/eka/atoms/b/1.0.0"],
    );
    let empty_tree = git_stdin(&remote, &["mktree"], b"");
    let forged = git_stdin(&remote, &["commit-tree", &empty_tree], message.as_bytes());
    git(&remote, &["update-ref", "refs/eka/atoms/b/2.0.0", &forged]);

    let report = store
        .sync(&store.source(vec![remote.display().to_string()]))
        .unwrap();
    assert!(!report.is_clean());
    let refused: Vec<String> = report
        .atoms
        .refused
        .iter()
        .map(|refused| format!("{}: {}", refused.entry, refused.error))
        .collect();
    assert_eq!(refused.len(), 2, "{refused:#?}");
    assert!(
        refused[0].starts_with("a@1.0.0: refs/eka/atoms/a/1.0.0 already exists"),
        "{refused:#?}"
    );
    assert!(refused[0].contains("moved it to"), "{refused:#?}");
    assert!(
        refused[1].starts_with("b@2.0.0: refusing b@2.0.0"),
        "{refused:#?}"
    );
    assert!(refused[1].contains("check failed"), "{refused:#?}");
    assert!(matches!(
        report.atoms.refused[0].error,
        Error::RefExists { .. }
    ));

    assert_eq!(
        git(store.path(), &["rev-parse", "refs/eka/atoms/a/1.0.0"]),
        kept
    );
    assert!(
        git_status(
            store.path(),
            &["rev-parse", "--verify", "-q", "refs/eka/atoms/b/2.0.0"]
        )
        .is_err()
    );
}

#[test]
fn atoms_under_a_refused_claim_fail_with_the_claims_own_check() {
    let dir = tempfile::tempdir().unwrap();
    let (_, remote, _) = origin(dir.path());
    // a's claim edited after signing: still JSON, still a claim, but no
    // longer what the key signed.
    let claim = git(&remote, &["cat-file", "blob", "refs/eka/claims/a"]);
    let edited = claim.replacen(r#""label":"a""#, r#""label":"c""#, 1);
    assert_ne!(edited, claim);
    let blob = git_stdin(
        &remote,
        &["hash-object", "-w", "--stdin"],
        edited.as_bytes(),
    );
    git(&remote, &["update-ref", "refs/eka/claims/a", &blob]);

    let store = GitStore::open(dir.path().join("store.git")).unwrap();
    let report = store
        .sync(&store.source(vec![remote.display().to_string()]))
        .unwrap();
    assert_eq!(names(&report.atoms.added), ["b@1.0.0"]);
    assert_eq!(report.claims.refused.len(), 1);
    assert_eq!(report.atoms.refused.len(), 1);
    for error in [
        &report.claims.refused[0].error,
        &report.atoms.refused[0].error,
    ] {
        let check = &error.as_verify().expect("a failed check").check;
        assert!(matches!(check, Check::ClaimSignature(_)), "{error}");
        assert!(error.to_string().contains("refs/eka/claims/a"), "{error}");
    }
    assert_eq!(
        git(
            store.path(),
            &["for-each-ref", "--format=%(refname)", "refs/eka/"]
        ),
        "refs/eka/atoms/b/1.0.0\nrefs/eka/claims/b"
    );
}

#[test]
fn import_path_ingests_a_local_repository() {
    let dir = tempfile::tempdir().unwrap();
    let (repo, _, _) = origin(dir.path());
    let store = GitStore::open(dir.path().join("store.git")).unwrap();
    let ingested = store.import_path(&repo.join("a")).unwrap();
    assert_eq!(names(&ingested.added), ["a@1.0.0", "b@1.0.0"]);
    assert!(ingested.is_clean());
}

fn git_status(dir: &std::path::Path, args: &[&str]) -> Result<(), ()> {
    let status = common::git_command(dir).args(args).status().unwrap();
    if status.success() { Ok(()) } else { Err(()) }
}
