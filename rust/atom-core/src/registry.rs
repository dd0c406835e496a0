//! Writing atoms: claiming a label, publishing versions under it.

use atom_id::{AtomId, Label, RawVersion};

use crate::AtomSource;

/// A source its owner writes to, holding a signing key.
///
/// Publishing is a two-step protocol whose order the types enforce:
///
/// 1. [`claim`](Self::claim) a label. The claim is a signed statement
///    "this key owns this label in this repository"; its digest is the
///    atom's [`AtomId`], and the same key, label and repository always give
///    the same claim and id, so claiming twice is harmless.
/// 2. [`publish`](Self::publish) versions of the claimed atom. Each publish
///    is signed by the claim's key and binds the version to a digest of the
///    content, so that every reader can check what it fetched.
///
/// A registry never rewrites history: publishing a version that already
/// exists with other content is an error, not an update.
pub trait AtomRegistry: AtomSource {
    /// What a version is made of, in the backend's terms (for git: a
    /// directory of a commit).
    type Content;

    /// Claim `label` with the registry's key and return the atom's id.
    fn claim(&self, label: &Label) -> Result<AtomId, Self::Error>;

    /// Publish `content` as `version` of the atom `id`, which must have been
    /// claimed here with the registry's key.
    fn publish(
        &self,
        id: &AtomId,
        version: &RawVersion,
        content: &Self::Content,
    ) -> Result<Self::Entry, Self::Error>;
}
