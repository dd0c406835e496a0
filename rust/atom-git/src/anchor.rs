//! A repository's anchor: the id of its first commit.

use atom_id::Anchor;
use gix::ObjectId;

use crate::Error;

/// The genesis of `commit`: follow first parents until a commit has none.
///
/// Every clone and fork of a repository shares its genesis, so the anchor
/// identifies the project's history, not one copy of it. Only first
/// parents are followed: a merge of an unrelated history does not change
/// where the history began.
pub fn genesis(repo: &gix::Repository, commit: ObjectId) -> Result<ObjectId, Error> {
    let mut current = commit;
    loop {
        let object = repo.find_commit(current).map_err(|err| {
            Error::git(format!("cannot read commit {current} (from {commit})"), err)
        })?;
        match object.parent_ids().next() {
            Some(parent) => current = parent.detach(),
            None => return Ok(current),
        }
    }
}

/// The anchor of the history that leads to `commit`.
pub fn anchor_of(repo: &gix::Repository, commit: ObjectId) -> Result<Anchor, Error> {
    let root = genesis(repo, commit)?;
    Anchor::from_object_id(root.as_bytes()).map_err(|err| Error::Anchor {
        commit: root,
        source: err,
    })
}
