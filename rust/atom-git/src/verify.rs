//! The checks of resolution, on objects already in a local repository.

use atom_id::{Anchor, AtomId, Label, RawVersion, VerifiedClaim, VerifiedPublish};
use gix::ObjectId;

use crate::digest;
use crate::error::{Check, Error, VerifyError};
use crate::refs::{atom_ref, claim_ref};

/// An atom version that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedAtom {
    /// The atom's label.
    pub label: Label,
    /// The version.
    pub version: RawVersion,
    /// The atom's identity: the claim's czd.
    pub id: AtomId,
    /// The source repository the claim names.
    pub anchor: Anchor,
    /// The atom commit (an atom bond's `rev`).
    pub rev: ObjectId,
    /// The atom's tree.
    pub tree: ObjectId,
    /// The claim blob.
    pub claim_blob: ObjectId,
    /// SHA-256 of the NAR `builtins.fetchGit` gives for [`rev`](Self::rev)
    /// (an atom bond's `hash`).
    pub nar_sha256: [u8; 32],
    /// Where it was verified from: the mirror URL, or the local repository.
    pub location: String,
    /// The verified claim.
    pub claim: VerifiedClaim,
    /// The verified publish.
    pub publish: VerifiedPublish,
}

/// What the caller already knows about the atom (from a lock).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Expect<'a> {
    pub anchor: Option<&'a Anchor>,
    pub id: Option<&'a AtomId>,
}

impl<'a> From<&'a atom_core::Query> for Expect<'a> {
    fn from(query: &'a atom_core::Query) -> Self {
        Self {
            anchor: query.anchor.as_ref(),
            id: query.id.as_ref(),
        }
    }
}

/// Check the claim blob `blob` of `label`: a valid signed claim, for this
/// label, with the expected anchor and id.
pub(crate) fn claim(
    repo: &gix::Repository,
    location: &str,
    label: &Label,
    blob: ObjectId,
    expect: Expect<'_>,
) -> Result<VerifiedClaim, Error> {
    let name = claim_ref(label)?.as_bstr().to_string();
    let refuse = |check| VerifyError::boxed(label.to_string(), name.clone(), location, check);
    let data = read(repo, &name, blob, gix::object::Kind::Blob).map_err(&refuse)?;
    let claim = atom_id::verify_claim(&data).map_err(|err| refuse(Check::ClaimSignature(err)))?;
    if claim.payload.label() != label {
        return Err(refuse(Check::ClaimLabel {
            name: label.clone(),
            claimed: claim.payload.label().clone(),
        }));
    }
    if let Some(expected) = expect.anchor
        && claim.payload.anchor() != expected
    {
        return Err(refuse(Check::Anchor {
            expected: expected.clone(),
            found: claim.payload.anchor().clone(),
        }));
    }
    if let Some(expected) = expect.id
        && claim.atom_id != *expected
    {
        return Err(refuse(Check::AtomId {
            expected: expected.clone(),
            found: claim.atom_id.clone(),
        }));
    }
    Ok(claim)
}

/// Check `query.version` of `query.label`: its claim (see [`claim`]), then the atom
/// commit `commit` — parentless, its message a publish signed by the
/// claim's key for this label and version, and its tree hashing to the
/// signed `dig`.
pub(crate) fn atom(
    repo: &gix::Repository,
    location: &str,
    query: &atom_core::Query,
    claim_blob: Option<ObjectId>,
    commit: ObjectId,
) -> Result<VerifiedAtom, Error> {
    let (label, version) = (&query.label, &query.version);
    let name = atom_ref(label, version)?.as_bstr().to_string();
    let refuse =
        |check| VerifyError::boxed(format!("{label}@{version}"), name.clone(), location, check);
    let Some(claim_blob) = claim_blob else {
        return Err(refuse(Check::ClaimMissing {
            label: label.clone(),
        }));
    };
    let claim = claim(repo, location, label, claim_blob, query.into())?;

    let data = read(repo, &name, commit, gix::object::Kind::Commit).map_err(&refuse)?;
    let decoded = gix::objs::CommitRef::from_bytes(&data, repo.object_hash()).map_err(|err| {
        refuse(object_problem(
            &name,
            commit,
            &format!("not a valid commit: {err}"),
        ))
    })?;
    if decoded.parents().next().is_some() {
        return Err(refuse(Check::Commit(format!(
            "{commit} has parents; an atom commit has none"
        ))));
    }
    let tree = decoded.tree();
    let publish = atom_id::verify_publish(decoded.message)
        .map_err(|err| refuse(Check::PublishSignature(err)))?;
    publish
        .check_claim(&claim)
        .map_err(|err| refuse(Check::PublishKey(err)))?;
    if publish.payload.label() != label || publish.payload.version() != version {
        return Err(refuse(Check::PublishRef {
            named: format!("{label}@{version}"),
            signed: format!("{}@{}", publish.payload.label(), publish.payload.version()),
        }));
    }

    let found = digest::dig(repo, tree, publish.payload.alg()).map_err(|err| {
        refuse(Check::DigUnavailable {
            tree,
            message: crate::error::chain(&err),
        })
    })?;
    if found != publish.payload.dig() {
        return Err(refuse(Check::Dig {
            tree,
            expected: hex(publish.payload.dig()),
            found: hex(&found),
        }));
    }
    let nar_sha256 = digest::fetch_git_nar_sha256(repo, commit)?;

    Ok(VerifiedAtom {
        label: label.clone(),
        version: version.clone(),
        id: claim.atom_id.clone(),
        anchor: claim.payload.anchor().clone(),
        rev: commit,
        tree,
        claim_blob,
        nar_sha256,
        location: location.to_owned(),
        claim,
        publish,
    })
}

/// The bytes of object `id`, which `name` points to and which must be a
/// `kind`.
fn read(
    repo: &gix::Repository,
    name: &str,
    id: ObjectId,
    kind: gix::object::Kind,
) -> Result<Vec<u8>, Check> {
    let object = repo
        .try_find_object(id)
        .map_err(|err| object_problem(name, id, &format!("unreadable: {err}")))?
        .ok_or_else(|| object_problem(name, id, "missing from the repository"))?;
    if object.kind != kind {
        return Err(object_problem(
            name,
            id,
            &format!("a {}, not a {kind}", object.kind),
        ));
    }
    Ok(object.detach().data)
}

fn object_problem(name: &str, id: ObjectId, problem: &str) -> Check {
    Check::Object {
        name: name.to_owned(),
        id,
        problem: problem.to_owned(),
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut text, byte| {
        let _ = write!(text, "{byte:02x}");
        text
    })
}
