//! What can go wrong, said so that a reader knows which check failed, for
//! which ref, at which location.

use std::path::PathBuf;

use atom_id::{Anchor, AtomId, CozError, Label};
use gix::ObjectId;

use crate::refs::RefNameError;

/// A boxed lower-level error (gix's own, I/O).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything atom-git can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An atom failed one of the checks of resolution.
    #[error(transparent)]
    Verify(#[from] Box<VerifyError>),

    /// Two mirrors of one source point a ref at different objects.
    #[error(
        "mirrors disagree on {name}: {first_url} has {first}, {second_url} has {second}; \
         one of them was tampered with or is out of date — remove it from the source's mirrors \
         or ask its operator"
    )]
    MirrorsDisagree {
        /// The ref.
        name: String,
        /// The earlier mirror in the source's list.
        first_url: String,
        /// Its target.
        first: ObjectId,
        /// The later mirror.
        second_url: String,
        /// Its target.
        second: ObjectId,
    },

    /// Listing or fetching from a remote failed.
    #[error("cannot {action} {url}")]
    Remote {
        /// `list`, `fetch from`, …
        action: &'static str,
        /// The remote.
        url: String,
        /// Why.
        #[source]
        source: BoxError,
    },

    /// No mirror of a source could be reached.
    #[error("no mirror of the source answered:{}", list_failures(.0))]
    Unreachable(Vec<(String, Error)>),

    /// A local git operation failed.
    #[error("{context}")]
    Git {
        /// What was being done.
        context: String,
        /// gix's error.
        #[source]
        source: BoxError,
    },

    /// A label or version that git cannot store as a ref.
    #[error(transparent)]
    RefName(#[from] RefNameError),

    /// A ref exists with another target; it is never overwritten.
    #[error(
        "{name} already exists at {location} and points to {existing}, not {new}; \
         published atoms are never replaced: publish a new version instead"
    )]
    RefExists {
        /// The ref.
        name: String,
        /// The repository or remote.
        location: String,
        /// What it points to.
        existing: ObjectId,
        /// What we would have written.
        new: ObjectId,
    },

    /// A version is already published with other content.
    #[error(
        "{name} already exists at {location} (atom commit {existing}, tree {}) and this content \
         has tree {tree}; published versions are never replaced: publish a new version instead",
        existing_tree.map_or_else(|| "unreadable".to_owned(), |tree| tree.to_string())
    )]
    AlreadyPublished {
        /// The atom ref.
        name: String,
        /// The repository.
        location: String,
        /// The atom commit it points to.
        existing: ObjectId,
        /// That commit's tree, if it could be read.
        existing_tree: Option<ObjectId>,
        /// The tree that was to be published.
        tree: ObjectId,
    },

    /// `publish` was given an atom id that no local claim has.
    #[error("no claim in {repo} has the atom id {id}: run `eka claim` for its label first")]
    NotClaimed {
        /// The id.
        id: AtomId,
        /// The repository.
        repo: PathBuf,
    },

    /// The label is claimed in this repository by another key.
    #[error(
        "{label} is claimed in {repo} by the key with thumbprint {claimed_by}, \
         not by this key ({ours}); only the claim's key can publish it"
    )]
    ClaimedByAnotherKey {
        /// The label.
        label: Label,
        /// The repository.
        repo: PathBuf,
        /// The claim's key.
        claimed_by: String,
        /// The registry's key.
        ours: String,
    },

    /// The content to publish comes from a history with another anchor
    /// than the claim's.
    #[error(
        "commit {commit} descends from {found}, but {label} was claimed in the history anchored \
         at {claimed}; publish from the repository the atom was claimed in"
    )]
    WrongHistory {
        /// The atom.
        label: Label,
        /// The content's commit.
        commit: ObjectId,
        /// The anchor of its history.
        found: Anchor,
        /// The claim's anchor.
        claimed: Anchor,
    },

    /// The path to publish is not a directory of the commit.
    #[error("{path} is not a directory in commit {commit}")]
    NotADirectory {
        /// The path inside the commit.
        path: String,
        /// The commit.
        commit: ObjectId,
    },

    /// A repository has no commit to take the anchor from.
    #[error(
        "{repo} has no commits yet: commit something first, its first commit anchors every claim"
    )]
    NoCommits {
        /// The repository.
        repo: PathBuf,
    },

    /// The genesis commit id does not make an anchor (unsupported hash).
    #[error("commit {commit} cannot be an anchor")]
    Anchor {
        /// The genesis commit.
        commit: ObjectId,
        /// Why.
        #[source]
        source: atom_id::AnchorError,
    },

    /// Signing failed.
    #[error("cannot sign the {what}")]
    Sign {
        /// `claim` or `publish`.
        what: &'static str,
        /// Why.
        #[source]
        source: Box<CozError>,
    },

    /// Serialising a tree as NAR failed.
    #[error("cannot compute the NAR of tree {tree}")]
    Nar {
        /// The tree.
        tree: ObjectId,
        /// Why.
        #[source]
        source: nar::git::Error,
    },

    /// `git push` failed or refused refs.
    #[error("git push to {url} failed: {message}")]
    Push {
        /// The remote.
        url: String,
        /// What git said.
        message: String,
    },
}

fn list_failures(failures: &[(String, Error)]) -> String {
    use std::fmt::Write as _;
    let mut text = String::new();
    for (url, error) in failures {
        let _ = write!(text, "\n  {url}: {}", chain(error));
    }
    text
}

/// An error and its causes on one line, `a: b: c`.
pub(crate) fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

impl Error {
    pub(crate) fn git(context: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Self::Git {
            context: context.into(),
            source: source.into(),
        }
    }

    pub(crate) fn remote(action: &'static str, url: &str, source: impl Into<BoxError>) -> Self {
        Self::Remote {
            action,
            url: url.to_owned(),
            source: source.into(),
        }
    }

    pub(crate) fn sign(what: &'static str) -> impl FnOnce(CozError) -> Self {
        move |source| Self::Sign {
            what,
            source: Box::new(source),
        }
    }

    /// This error and its causes on one line (`a: b: c`), for logs and
    /// reports.
    pub fn one_line(&self) -> String {
        chain(self)
    }

    /// The verification failure, if this is one.
    pub fn as_verify(&self) -> Option<&VerifyError> {
        match self {
            Self::Verify(err) => Some(err),
            _ => None,
        }
    }
}

/// An atom that failed a check of resolution.
#[derive(Debug, thiserror::Error)]
#[error("refusing {atom} from {location} ({name}): {check}")]
pub struct VerifyError {
    /// `label@version`, or the label for a claim.
    pub atom: String,
    /// The ref that was being checked.
    pub name: String,
    /// Where it came from (a URL, or a local repository).
    pub location: String,
    /// The check that failed.
    pub check: Check,
}

/// The checks [`resolve`](atom_core::AtomSource::resolve) makes, each as
/// the error that says it failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Check {
    /// The atom has no claim ref.
    #[error(
        "claim check failed: there is no refs/eka/claims/{label}, so nobody vouches for this atom"
    )]
    ClaimMissing {
        /// The label.
        label: Label,
    },

    /// The object a ref points to is missing or of the wrong kind.
    #[error("object check failed: {name} points to {id}, which is {problem}")]
    Object {
        /// The ref.
        name: String,
        /// The object.
        id: ObjectId,
        /// What is wrong with it.
        problem: String,
    },

    /// The claim blob is not a valid signed claim.
    #[error("claim signature check failed: {0}")]
    ClaimSignature(#[source] CozError),

    /// The claim is for another label than its ref.
    #[error("claim label check failed: the claim at refs/eka/claims/{name} is for `{claimed}`")]
    ClaimLabel {
        /// The label in the ref name.
        name: Label,
        /// The label the claim signs.
        claimed: Label,
    },

    /// The claim names another anchor than expected.
    #[error(
        "anchor check failed: the claim is anchored at {found}, but {expected} was expected \
         (the source's first commit differs from the one recorded in the lock: another repository?)"
    )]
    Anchor {
        /// What the caller (a lock) expected.
        expected: Anchor,
        /// What the claim says.
        found: Anchor,
    },

    /// The claim's digest is not the expected atom id.
    #[error(
        "atom id check failed: the claim's digest is {found}, but {expected} was expected \
         (the label was claimed again, by another key or in another repository)"
    )]
    AtomId {
        /// What the caller expected.
        expected: AtomId,
        /// The claim's czd.
        found: AtomId,
    },

    /// The atom commit is not shaped like one.
    #[error("atom commit check failed: {0}")]
    Commit(String),

    /// The commit message is not a valid signed publish.
    #[error("publish signature check failed: {0}")]
    PublishSignature(#[source] CozError),

    /// The publish was not signed by the claim's key, or is for another atom.
    #[error("publish key check failed: {0}")]
    PublishKey(#[source] CozError),

    /// The publish signs another label or version than its ref.
    #[error("publish check failed: the publish is for {signed}, but the ref is for {named}")]
    PublishRef {
        /// What the ref says.
        named: String,
        /// What the publish signs.
        signed: String,
    },

    /// The content is not what was signed.
    #[error(
        "dig check failed: the tree {tree} hashes to {found}, but the publish signed {expected} \
         (the ref was moved to other content after signing)"
    )]
    Dig {
        /// The atom's tree.
        tree: ObjectId,
        /// The signed digest (b64ut).
        expected: String,
        /// The tree's digest (b64ut).
        found: String,
    },

    /// Computing the digest failed.
    #[error("dig check failed: cannot serialise tree {tree}: {message}")]
    DigUnavailable {
        /// The tree.
        tree: ObjectId,
        /// Why.
        message: String,
    },
}

impl Check {
    /// A short, stable name of the check, for machine-readable reports
    /// (`claim-signature`, `publish-key`, `dig`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Self::ClaimMissing { .. } => "claim-missing",
            Self::Object { .. } => "object",
            Self::ClaimSignature(_) => "claim-signature",
            Self::ClaimLabel { .. } => "claim-label",
            Self::Anchor { .. } => "anchor",
            Self::AtomId { .. } => "atom-id",
            Self::Commit(_) => "commit",
            Self::PublishSignature(_) => "publish-signature",
            Self::PublishKey(_) => "publish-key",
            Self::PublishRef { .. } => "publish-ref",
            Self::Dig { .. } | Self::DigUnavailable { .. } => "dig",
        }
    }
}

impl VerifyError {
    pub(crate) fn boxed(atom: String, name: String, location: &str, check: Check) -> Error {
        Error::Verify(Box::new(Self {
            atom,
            name,
            location: location.to_owned(),
            check,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_joins_the_causes_without_repeating_them() {
        let error = Error::remote(
            "list",
            "git://example.org/atoms",
            Error::git("connection refused", std::io::Error::other("port 9418")),
        );
        assert_eq!(
            error.one_line(),
            "cannot list git://example.org/atoms: connection refused: port 9418"
        );
    }
}
