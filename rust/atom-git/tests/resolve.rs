//! Listing and resolving over every local transport, and the hostile
//! repositories resolution must refuse — each with the check that failed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests: a panic is a failed test"
)]

mod common;

use std::path::PathBuf;

use atom_core::{AtomSource, Query};
use atom_git::{Check, Error, GitRegistry};
use atom_id::{AtomId, PublishPayload, SigningKey};
use common::{
    Daemon, bare, git, git_stdin, key, label, object_count, project, publish, push_all, source,
};

struct World {
    dir: tempfile::TempDir,
    repo: PathBuf,
    remote: PathBuf,
    registry: GitRegistry,
    id: AtomId,
}

impl World {
    /// A project with atoms `hello` (1.0.0, 1.1.0) and `world` (0.1.0),
    /// pushed to the bare repository `served/remote.git`.
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let repo = project(
            &dir.path().join("project"),
            &[
                (
                    "hello",
                    &[
                        ("atom.toml", "[atom]\ntag = \"hello\"\n"),
                        ("lib.nix", "1\n"),
                    ],
                ),
                ("world", &[("atom.toml", "[atom]\ntag = \"world\"\n")]),
            ],
        );
        std::fs::create_dir(dir.path().join("served")).unwrap();
        let remote = bare(&dir.path().join("served/remote.git"));
        let registry = GitRegistry::open(&repo, key()).unwrap();
        let (id, _) = publish(&registry, "hello", "hello", "1.0.0");
        publish(&registry, "world", "world", "0.1.0");
        std::fs::write(repo.join("hello/lib.nix"), "2\n").unwrap();
        common::commit_all(&repo, "hello 1.1.0");
        let registry = GitRegistry::open(&repo, common::same_key(registry.key())).unwrap();
        publish(&registry, "hello", "hello", "1.1.0");
        push_all(&registry, remote.to_str().unwrap());
        Self {
            dir,
            repo,
            remote,
            registry,
            id,
        }
    }

    fn url(&self) -> String {
        self.remote.display().to_string()
    }

    /// Resolve `hello@version` from a fresh cache and return the error.
    fn refusal(&self, query: &Query) -> Error {
        source(self.dir.path(), &[&self.url()])
            .resolve(query)
            .expect_err("must be refused")
    }
}

/// `hello@version`.
fn query(version: &str) -> Query {
    Query::new(label("hello"), version.parse().unwrap())
}

fn check_of(err: &Error) -> &Check {
    &err.as_verify()
        .unwrap_or_else(|| panic!("not a verification failure: {err}"))
        .check
}

fn listed(source: &atom_git::GitSource) -> Vec<String> {
    source
        .discover()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn discover_lists_over_a_path_file_url_and_git_daemon_without_fetching_objects() {
    let world = World::new();
    let daemon = Daemon::serve(&world.dir.path().join("served"));
    let urls = [
        world.url(),
        format!("file://{}", world.url()),
        daemon.url("remote.git"),
    ];
    for url in urls {
        let cache = world.dir.path().join(format!("cache-{}", url.len()));
        let source = atom_git::GitSource::new(vec![url.clone()], &cache).unwrap();
        assert_eq!(
            listed(&source),
            ["hello@1.0.0", "hello@1.1.0", "world@0.1.0"],
            "{url}"
        );
        let listing = source.listing().unwrap();
        assert_eq!(listing.merged.claims.len(), 2, "{url}");
        assert_eq!(object_count(&cache), 0, "listing {url} fetched objects");
    }
}

#[test]
fn resolve_verifies_over_every_transport_and_reuses_what_is_cached() {
    let world = World::new();
    let daemon = Daemon::serve(&world.dir.path().join("served"));
    let expected_rev = git(&world.repo, &["rev-parse", "refs/eka/atoms/hello/1.1.0"]);
    for url in [
        world.url(),
        format!("file://{}", world.url()),
        daemon.url("remote.git"),
    ] {
        let cache = world.dir.path().join(format!("resolve-{}", url.len()));
        let locked = query("1.1.0")
            .with_id(world.id.clone())
            .with_anchor(world.registry.anchor().clone());
        let source = atom_git::GitSource::new(vec![url.clone()], &cache).unwrap();
        let atom = source.resolve(&locked).unwrap().expect("published");
        assert_eq!(atom.rev.to_string(), expected_rev, "{url}");
        assert_eq!(atom.id, world.id);
        assert_eq!(&atom.anchor, world.registry.anchor());
        assert_eq!(atom.location, url);
        assert_eq!(atom.publish.payload.version().as_str(), "1.1.0");
        let objects = object_count(&cache);
        assert!(objects > 0, "{url}: nothing fetched");

        // A second source on the same cache resolves without fetching.
        let again = atom_git::GitSource::new(vec![url.clone()], &cache).unwrap();
        assert_eq!(again.resolve(&locked).unwrap(), Some(atom));
        assert_eq!(object_count(&cache), objects, "{url}: fetched again");
    }
}

#[test]
fn discover_and_resolve_over_smart_http() {
    let world = World::new();
    let server = Daemon::serve_http(&world.dir.path().join("served"));
    let url = server.url("remote.git");
    let source = source(world.dir.path(), &[&url]);
    assert_eq!(
        listed(&source),
        ["hello@1.0.0", "hello@1.1.0", "world@0.1.0"]
    );
    let atom = source
        .resolve(&query("1.1.0").with_id(world.id.clone()))
        .unwrap()
        .expect("published");
    assert_eq!(atom.location, url);
    assert_eq!(
        atom.rev.to_string(),
        git(&world.repo, &["rev-parse", "refs/eka/atoms/hello/1.1.0"])
    );
}

#[test]
fn an_unpublished_version_is_none() {
    let world = World::new();
    let source = source(world.dir.path(), &[&world.url()]);
    assert_eq!(source.resolve(&query("9.9.9")).unwrap(), None);
}

#[test]
fn hostile_a_ref_moved_to_a_commit_whose_tree_differs_from_its_dig() {
    let world = World::new();
    // The 1.1.0 tree under the 1.0.0 publish message: same signature, other content.
    let message = git(
        &world.remote,
        &["log", "-1", "--format=%B", "refs/eka/atoms/hello/1.0.0"],
    );
    let other_tree = git(
        &world.remote,
        &["rev-parse", "refs/eka/atoms/hello/1.1.0^{tree}"],
    );
    let forged = git_stdin(
        &world.remote,
        &["commit-tree", &other_tree],
        message.as_bytes(),
    );
    git(
        &world.remote,
        &["update-ref", "refs/eka/atoms/hello/1.0.0", &forged],
    );

    let err = world.refusal(&query("1.0.0"));
    assert!(matches!(check_of(&err), Check::Dig { .. }), "{err}");
    assert_eq!(check_of(&err).name(), "dig");
    let text = err.to_string();
    assert!(text.contains("dig check failed"), "{text}");
    assert!(text.contains("hello@1.0.0"), "{text}");
    assert!(text.contains("refs/eka/atoms/hello/1.0.0"), "{text}");
    assert!(text.contains(&world.url()), "{text}");
}

#[test]
fn hostile_a_publish_signed_by_another_key() {
    let world = World::new();
    let intruder = SigningKey::generate(atom_id::Alg::Ed25519);
    let repo = gix::open(&world.remote).unwrap();
    let tree: gix::ObjectId = git(
        &world.remote,
        &["rev-parse", "refs/eka/atoms/hello/1.1.0^{tree}"],
    )
    .parse()
    .unwrap();
    let dig = atom_git::dig(&repo, tree, atom_id::Alg::Ed25519).unwrap();
    let forged = PublishPayload::new(
        intruder.public(),
        world.id.clone(),
        world.registry.anchor().clone(),
        label("hello"),
        "1.1.0".parse().unwrap(),
        dig,
        1_750_000_000,
    )
    .unwrap()
    .sign(&intruder)
    .unwrap();
    let commit = git_stdin(
        &world.remote,
        &["commit-tree", &tree.to_string()],
        forged.json(),
    );
    git(
        &world.remote,
        &["update-ref", "refs/eka/atoms/hello/1.1.0", &commit],
    );

    let err = world.refusal(&query("1.1.0"));
    assert!(matches!(check_of(&err), Check::PublishKey(_)), "{err}");
    assert_eq!(check_of(&err).name(), "publish-key");
    assert!(
        err.to_string().contains("publish key check failed"),
        "{err}"
    );
}

#[test]
fn hostile_a_claim_blob_edited_after_signing() {
    let world = World::new();
    let claim = git(
        &world.remote,
        &["cat-file", "blob", "refs/eka/claims/hello"],
    );
    // Same length, still valid JSON, still a label: only the signature can tell.
    let edited = claim.replacen(r#""label":"hello""#, r#""label":"hellp""#, 1);
    assert_ne!(edited, claim);
    let blob = git_stdin(
        &world.remote,
        &["hash-object", "-w", "--stdin"],
        edited.as_bytes(),
    );
    git(
        &world.remote,
        &["update-ref", "refs/eka/claims/hello", &blob],
    );

    let err = world.refusal(&query("1.0.0"));
    assert!(matches!(check_of(&err), Check::ClaimSignature(_)), "{err}");
    assert_eq!(check_of(&err).name(), "claim-signature");
    assert!(
        err.to_string().contains("claim signature check failed"),
        "{err}"
    );
    assert!(err.to_string().contains("refs/eka/claims/hello"), "{err}");
}

#[test]
fn hostile_two_mirrors_that_disagree_are_both_named() {
    let world = World::new();
    let mirror = world.dir.path().join("mirror.git");
    git(
        world.dir.path(),
        &[
            "clone",
            "-q",
            "--mirror",
            &world.url(),
            mirror.to_str().unwrap(),
        ],
    );
    git(
        &mirror,
        &[
            "update-ref",
            "refs/eka/atoms/hello/1.0.0",
            "refs/eka/atoms/hello/1.1.0",
        ],
    );
    let mirror_url = format!("file://{}", mirror.display());

    let source = source(world.dir.path(), &[&world.url(), &mirror_url]);
    let err = source.resolve(&query("1.1.0")).unwrap_err();
    assert!(matches!(err, Error::MirrorsDisagree { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("mirrors disagree on refs/eka/atoms/hello/1.0.0"),
        "{text}"
    );
    assert!(text.contains(&format!("{} has", world.url())), "{text}");
    assert!(text.contains(&format!("{mirror_url} has")), "{text}");
    assert!(source.discover().is_err(), "listing must not pass either");
}

#[test]
fn hostile_a_remote_whose_genesis_differs_from_the_lock_anchor() {
    let world = World::new();
    // Another repository (another first commit), the same key, the same label.
    let elsewhere = project(
        &world.dir.path().join("elsewhere"),
        &[("hello", &[("atom.toml", "[atom]\ntag = \"hello\"\n")])],
    );
    let impostor = GitRegistry::open(&elsewhere, common::same_key(world.registry.key())).unwrap();
    publish(&impostor, "hello", "hello", "1.0.0");
    let remote = bare(&world.dir.path().join("impostor.git"));
    push_all(&impostor, remote.to_str().unwrap());
    assert_ne!(impostor.anchor(), world.registry.anchor());

    // The lock recorded the original anchor and id.
    let locked = query("1.0.0")
        .with_anchor(world.registry.anchor().clone())
        .with_id(world.id.clone());
    let err = source(world.dir.path(), &[remote.to_str().unwrap()])
        .resolve(&locked)
        .unwrap_err();
    match check_of(&err) {
        Check::Anchor { expected, found } => {
            assert_eq!(expected, world.registry.anchor());
            assert_eq!(found, impostor.anchor());
        }
        other => panic!("expected the anchor check, got {other}"),
    }
    assert!(err.to_string().contains("anchor check failed"), "{err}");

    // Without an anchor in the query the id alone still catches it.
    let err = source(world.dir.path(), &[remote.to_str().unwrap()])
        .resolve(&query("1.0.0").with_id(world.id.clone()))
        .unwrap_err();
    assert!(matches!(check_of(&err), Check::AtomId { .. }), "{err}");
    assert_eq!(check_of(&err).name(), "atom-id");
}

#[test]
fn hostile_an_atom_without_a_claim_or_with_parents() {
    let world = World::new();
    git(
        &world.remote,
        &["update-ref", "-d", "refs/eka/claims/world"],
    );
    let err = world.refusal(&Query::new(label("world"), "0.1.0".parse().unwrap()));
    assert!(
        matches!(check_of(&err), Check::ClaimMissing { .. }),
        "{err}"
    );
    assert_eq!(check_of(&err).name(), "claim-missing");

    let commit = "refs/eka/atoms/hello/1.1.0";
    let message = git(&world.remote, &["log", "-1", "--format=%B", commit]);
    let tree = git(&world.remote, &["rev-parse", &format!("{commit}^{{tree}}")]);
    let parent = git(&world.remote, &["rev-parse", "refs/eka/atoms/hello/1.0.0"]);
    let forged = git_stdin(
        &world.remote,
        &["commit-tree", &tree, "-p", &parent],
        message.as_bytes(),
    );
    git(&world.remote, &["update-ref", commit, &forged]);
    let err = world.refusal(&query("1.1.0"));
    assert!(matches!(check_of(&err), Check::Commit(_)), "{err}");
    assert_eq!(check_of(&err).name(), "commit");
    assert!(err.to_string().contains("has parents"), "{err}");
}

#[test]
fn an_unreachable_mirror_is_skipped_when_another_answers() {
    let world = World::new();
    let missing = world.dir.path().join("nowhere.git").display().to_string();
    let source = source(world.dir.path(), &[&missing, &world.url()]);
    let atom = source.resolve(&query("1.0.0")).unwrap().unwrap();
    assert_eq!(atom.location, world.url());
    let listing = source.listing().unwrap();
    let failures: Vec<_> = listing.failures().map(|(url, _)| url).collect();
    assert_eq!(failures, [missing.as_str()]);

    let other_missing = world.dir.path().join("gone.git").display().to_string();
    let none_answer = common::source(world.dir.path(), &[&missing, &other_missing]);
    let err = none_answer.discover().unwrap_err().to_string();
    assert!(err.contains("no mirror of the source answered"), "{err}");
    assert!(
        err.contains(&format!("\n  {missing}: cannot list {missing}")),
        "{err}"
    );
    assert!(
        err.contains(&format!("\n  {other_missing}: cannot list")),
        "{err}"
    );

    // With a single mirror, its own error is the error.
    let err = common::source(world.dir.path(), &[&missing])
        .discover()
        .unwrap_err();
    assert!(matches!(err, Error::Remote { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with(&format!("cannot list {missing}")),
        "{err}"
    );
}
