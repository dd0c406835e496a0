//! Claiming, publishing and pushing from a project repository.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests: a panic is a failed test"
)]

mod common;

use atom_core::AtomRegistry;
use atom_git::{Error, GitRegistry, refs};
use common::{bare, commit_all, git, key, label, project, publish, push_all};

const ATOM_TOML: &str = "[atom]\ntag = \"hello\"\nversion = \"1.0.0\"\n";

fn hello_project(dir: &std::path::Path) -> std::path::PathBuf {
    project(
        &dir.join("project"),
        &[(
            "hello",
            &[("atom.toml", ATOM_TOML), ("src/main.sh", "echo hello\n")],
        )],
    )
}

#[test]
fn the_anchor_is_the_first_commit_of_head() {
    let dir = tempfile::tempdir().unwrap();
    let repo = hello_project(dir.path());
    let first = git(&repo, &["rev-parse", "HEAD"]);
    commit_all(&repo, "second");
    commit_all(&repo, "third");
    let registry = GitRegistry::open(&repo, key()).unwrap();
    let expected = atom_id::Anchor::from_object_id(
        &(0..first.len() / 2)
            .map(|i| u8::from_str_radix(&first[2 * i..2 * i + 2], 16).unwrap())
            .collect::<Vec<_>>(),
    )
    .unwrap();
    assert_eq!(registry.anchor(), &expected);
}

#[test]
fn a_repository_without_commits_has_no_anchor() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    let err = GitRegistry::open(dir.path(), key()).unwrap_err();
    assert!(matches!(err, Error::NoCommits { .. }), "{err}");
    assert!(err.to_string().contains("no commits yet"), "{err}");
}

#[test]
fn a_claim_is_a_blob_with_the_signed_claim_and_public_key() {
    let dir = tempfile::tempdir().unwrap();
    let repo = hello_project(dir.path());
    let key = key();
    let public_key = key.public().to_json();
    let registry = GitRegistry::open(&repo, key).unwrap();
    let claimed = registry.claim_label(&label("hello")).unwrap();
    assert!(claimed.created);

    assert_eq!(
        git(&repo, &["cat-file", "-t", "refs/eka/claims/hello"]),
        "blob"
    );
    let blob = git(&repo, &["cat-file", "blob", "refs/eka/claims/hello"]);
    assert!(
        blob.starts_with(r#"{"pay":{"alg":"Ed25519","anchor":""#),
        "{blob}"
    );
    assert!(blob.contains(r#""typ":"atom/claim""#), "{blob}");
    assert!(!blob.contains("prv"), "{blob}");
    let verified = atom_id::verify_claim(blob.as_bytes()).unwrap();
    assert_eq!(verified.atom_id, claimed.id);
    assert!(public_key.contains(&verified.coz.key().tmb().to_b64()));

    // Claiming again changes nothing and gives the same id.
    let again = registry.claim_label(&label("hello")).unwrap();
    assert_eq!(again.id, claimed.id);
    assert!(!again.created);
}

#[test]
fn a_label_claimed_by_another_key_cannot_be_claimed_or_published() {
    let dir = tempfile::tempdir().unwrap();
    let repo = hello_project(dir.path());
    let owner = GitRegistry::open(&repo, key()).unwrap();
    let (id, _) = publish(&owner, "hello", "hello", "1.0.0");

    let intruder = GitRegistry::open(&repo, key()).unwrap();
    let err = intruder.claim(&label("hello")).unwrap_err();
    assert!(matches!(err, Error::ClaimedByAnotherKey { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("only the claim's key can publish it"),
        "{err}"
    );

    let content = intruder.content_at_head(&repo.join("hello")).unwrap();
    let err = intruder
        .publish(&id, &"2.0.0".parse().unwrap(), &content)
        .unwrap_err();
    assert!(matches!(err, Error::ClaimedByAnotherKey { .. }), "{err}");
    assert_eq!(
        git(&repo, &["for-each-ref", "refs/eka/atoms/"])
            .lines()
            .count(),
        1
    );
}

#[test]
fn the_atom_commit_reuses_the_tree_and_carries_the_signed_publish() {
    let dir = tempfile::tempdir().unwrap();
    let repo = hello_project(dir.path());
    let registry = GitRegistry::open(&repo, key()).unwrap();
    let (id, published) = publish(&registry, "hello", "hello", "1.0.0");
    assert!(published.created);

    let name = "refs/eka/atoms/hello/1.0.0";
    assert_eq!(
        git(&repo, &["rev-parse", name]),
        published.atom.commit.to_string()
    );
    // The very tree object of the source directory.
    assert_eq!(
        git(&repo, &["rev-parse", &format!("{name}^{{tree}}")]),
        git(&repo, &["rev-parse", "HEAD:hello"])
    );
    let raw = git(&repo, &["cat-file", "commit", name]);
    let (headers, message) = raw.split_once("\n\n").unwrap();
    assert!(!headers.contains("parent "), "{headers}");
    assert!(headers.contains("author eka <> 0 +0000"), "{headers}");
    assert!(headers.contains("committer eka <> 0 +0000"), "{headers}");
    let publish = atom_id::verify_publish(message.as_bytes()).unwrap();
    assert_eq!(publish.payload.atom_id(), &id);
    assert_eq!(publish.payload.version().as_str(), "1.0.0");
    assert_eq!(publish.payload.now(), 1_750_000_000);
    assert!(message.contains(r#""key":{"alg":"Ed25519""#), "{message}");
    // `dig` is the SHA-512 of the NAR of the tree.
    let tree = published.tree;
    let dig = atom_git::dig(&gix::open(&repo).unwrap(), tree, atom_id::Alg::Ed25519).unwrap();
    assert_eq!(publish.payload.dig(), dig.as_slice());
}

#[test]
fn a_published_version_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let repo = hello_project(dir.path());
    let registry = GitRegistry::open(&repo, key()).unwrap();
    let (id, first) = publish(&registry, "hello", "hello", "1.0.0");

    // The same tree again: nothing to do.
    let again = publish(&registry, "hello", "hello", "1.0.0").1;
    assert!(!again.created);
    assert_eq!(again.atom.commit, first.atom.commit);

    // Other content under the same version: refused, ref untouched.
    std::fs::write(repo.join("hello/src/main.sh"), "echo changed\n").unwrap();
    commit_all(&repo, "change");
    let registry = GitRegistry::open(&repo, common::same_key(registry.key())).unwrap();
    let content = registry.content_at_head(&repo.join("hello")).unwrap();
    let err = registry
        .publish_at(&id, &"1.0.0".parse().unwrap(), &content, 1)
        .unwrap_err();
    assert!(matches!(err, Error::AlreadyPublished { .. }), "{err}");
    assert!(err.to_string().contains("never replaced"), "{err}");
    assert_eq!(
        git(&repo, &["rev-parse", "refs/eka/atoms/hello/1.0.0"]),
        first.atom.commit.to_string()
    );
}

#[test]
fn publishing_needs_a_claim_and_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let repo = hello_project(dir.path());
    let registry = GitRegistry::open(&repo, key()).unwrap();
    let other = GitRegistry::open(hello_project(&dir.path().join("other")), key()).unwrap();
    let foreign_id = other.claim(&label("hello")).unwrap();
    let content = registry.content_at_head(&repo.join("hello")).unwrap();
    let err = registry
        .publish(&foreign_id, &"1.0.0".parse().unwrap(), &content)
        .unwrap_err();
    assert!(matches!(err, Error::NotClaimed { .. }), "{err}");
    assert!(err.to_string().contains("run `eka claim`"), "{err}");

    let err = registry
        .content_at_head(&repo.join("hello/atom.toml"))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("hello/atom.toml is not a directory"),
        "{err}"
    );
}

#[test]
fn versions_git_cannot_store_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let repo = hello_project(dir.path());
    let registry = GitRegistry::open(&repo, key()).unwrap();
    let id = registry.claim(&label("hello")).unwrap();
    let content = registry.content_at_head(&repo.join("hello")).unwrap();
    let err = registry
        .publish(&id, &"1..0".parse().unwrap(), &content)
        .unwrap_err();
    assert!(matches!(err, Error::RefName(_)), "{err}");
    assert!(
        err.to_string().contains("refs/eka/atoms/hello/1..0"),
        "{err}"
    );
}

#[test]
fn many_atoms_go_out_in_one_push_and_a_conflicting_remote_ref_stops_it() {
    let dir = tempfile::tempdir().unwrap();
    let atoms: Vec<(String, Vec<(&str, String)>)> = (0..20)
        .map(|i| {
            (
                format!("a{i}"),
                vec![("atom.toml", format!("[atom]\ntag = \"a{i}\"\n"))],
            )
        })
        .collect();
    let layout: Vec<(&str, Vec<(&str, &str)>)> = atoms
        .iter()
        .map(|(path, files)| {
            (
                path.as_str(),
                files.iter().map(|(n, c)| (*n, c.as_str())).collect(),
            )
        })
        .collect();
    let layout: Vec<(&str, &[(&str, &str)])> =
        layout.iter().map(|(p, f)| (*p, f.as_slice())).collect();
    let repo = project(&dir.path().join("project"), &layout);
    let remote = bare(&dir.path().join("remote.git"));
    let registry = GitRegistry::open(&repo, key()).unwrap();
    for (path, _) in &atoms {
        publish(&registry, path, path, "0.1.0");
    }
    // A hook counts pushes: one push, forty refs.
    let hook = remote.join("hooks/post-receive");
    std::fs::write(&hook, "#!/bin/sh\nwc -l >> \"$GIT_DIR/pushes\"\n").unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    push_all(&registry, remote.to_str().unwrap());
    let pushes = std::fs::read_to_string(remote.join("pushes")).unwrap();
    assert_eq!(pushes.trim(), "40", "one push of 20 claims and 20 atoms");
    assert_eq!(
        git(&remote, &["for-each-ref", "refs/eka/"]).lines().count(),
        40
    );

    // Pushing again sends nothing.
    let names = [refs::claim_ref(&label("a0")).unwrap()];
    let again = registry.push(remote.to_str().unwrap(), &names).unwrap();
    assert!(again.pushed.is_empty());
    assert_eq!(again.up_to_date, ["refs/eka/claims/a0"]);

    // The remote's ref moved elsewhere: refused before anything is sent.
    git(
        &remote,
        &[
            "update-ref",
            "refs/eka/atoms/a0/0.1.0",
            "refs/eka/atoms/a1/0.1.0",
        ],
    );
    let names = [refs::atom_ref(&label("a0"), &"0.1.0".parse().unwrap()).unwrap()];
    let err = registry.push(remote.to_str().unwrap(), &names).unwrap_err();
    assert!(matches!(err, Error::RefExists { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("refs/eka/atoms/a0/0.1.0 already exists"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(remote.join("pushes"))
            .unwrap()
            .lines()
            .count(),
        1
    );
}
