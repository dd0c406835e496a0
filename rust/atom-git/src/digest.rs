//! The two hashes of an atom's content, both over NAR serialisations
//! written by the `nar` crate straight from the object database.

use atom_id::Alg;
use gix::ObjectId;
use nar::git::Export;
use sha2::{Digest, Sha256};

use crate::Error;

/// The publish's `dig`: the pay's hash (SHA-512 for Ed25519, SHA-256 for
/// ES256) of the NAR of `tree` exactly as stored — every entry, no
/// attribute processing — so that any backend holding the same files
/// computes the same digest.
pub fn dig(repo: &gix::Repository, tree: ObjectId, alg: Alg) -> Result<Vec<u8>, Error> {
    nar::git::write_tree(repo, tree, Export::Tree, alg.hasher())
        .map(atom_id::DigestWriter::finish)
        .map_err(|source| Error::Nar { tree, source })
}

/// The SHA-256 of the NAR that Nix's `builtins.fetchGit` produces for the
/// atom commit `commit` (what `git archive` exports): the `hash` an atom
/// bond of `atom.lock` records.
pub fn fetch_git_nar_sha256(repo: &gix::Repository, commit: ObjectId) -> Result<[u8; 32], Error> {
    nar::git::write_tree(repo, commit, Export::Archive, Sha256::new())
        .map(|hasher| hasher.finalize().into())
        .map_err(|source| Error::Nar {
            tree: commit,
            source,
        })
}
