//! Keys, labels and published atoms for the integration tests, on top of
//! the repository helpers of `atom_git::testing`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    dead_code,
    reason = "test helpers: a panic is a failed test; not every test uses every helper"
)]

use std::path::Path;

use atom_core::{AtomRegistry, AtomSource};
pub use atom_git::testing::*;
use atom_git::{GitRegistry, GitSource, Published, refs};
use atom_id::{Alg, AtomId, Label, SigningKey};

pub fn label(text: &str) -> Label {
    text.parse().unwrap()
}

pub fn key() -> SigningKey {
    SigningKey::generate(Alg::Ed25519)
}

/// Claim and publish `label@version` from directory `path` of the
/// registry's `HEAD`, at a fixed time.
pub fn publish(
    registry: &GitRegistry,
    path: &str,
    name: &str,
    version: &str,
) -> (AtomId, Published) {
    let id = registry.claim(&label(name)).unwrap();
    let content = registry
        .content_at_head(&registry.path().join(path))
        .unwrap();
    let published = registry
        .publish_at(&id, &version.parse().unwrap(), &content, 1_750_000_000)
        .unwrap();
    (id, published)
}

/// Push the claim and atom refs of every published atom to `url`.
pub fn push_all(registry: &GitRegistry, url: &str) {
    let mut names = Vec::new();
    for atom in registry.discover().unwrap() {
        names.push(refs::claim_ref(&atom.label).unwrap());
        names.push(refs::atom_ref(&atom.label, &atom.version).unwrap());
    }
    names.sort();
    names.dedup();
    registry.push(url, &names).unwrap();
}

/// A source at `mirrors`, fetching into a fresh cache under `dir`.
pub fn source(dir: &Path, mirrors: &[&str]) -> GitSource {
    let cache = dir.join(format!("cache-{}", unique()));
    GitSource::new(mirrors.iter().map(ToString::to_string).collect(), cache).unwrap()
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A second handle on `key` (keys are deliberately not `Clone`).
pub fn same_key(key: &SigningKey) -> SigningKey {
    SigningKey::from_json(key.to_json().as_bytes()).unwrap()
}
