//! A local store of verified atoms: a (bare) repository whose atom refs
//! were all checked before they were written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use atom_core::{AtomStore, Ingested, Query, Refused};
use atom_id::Label;
use gix::ObjectId;
use gix::refs::FullName;

use crate::error::Check;
use crate::listing::{AtomRef, Listing};
use crate::refs::{EkaRef, Unrecognised, atom_ref, claim_ref};
use crate::source::GitSource;
use crate::verify::{self, Expect, VerifiedAtom};
use crate::{Error, local};

/// A repository of verified atoms: a cache, or what a mirror serves.
#[derive(Debug)]
pub struct GitStore {
    repo: gix::ThreadSafeRepository,
    path: PathBuf,
}

/// What [`GitStore::sync`] did, for atoms and for claims.
#[derive(Debug, Default)]
pub struct SyncReport {
    /// Atom versions added, already held, or refused.
    pub atoms: Ingested<AtomRef, Error>,
    /// Claims added, already held, or refused.
    pub claims: Ingested<Label, Error>,
    /// Refs under `refs/eka/` at the origin that are not of the atom
    /// layout; they are not copied.
    pub unrecognised: Vec<Unrecognised>,
}

impl SyncReport {
    /// Whether nothing was refused.
    pub fn is_clean(&self) -> bool {
        self.atoms.is_clean() && self.claims.is_clean()
    }
}

/// A claim at the origin, compared with the store.
enum ClaimState {
    /// The store has it, with the same target.
    Held(ObjectId),
    /// The store does not have it.
    New(ObjectId),
    /// The store has another claim under this label; it keeps its own.
    Moved { ours: ObjectId, theirs: ObjectId },
}

impl GitStore {
    /// Open the store at `path`, creating a bare repository there if there
    /// is nothing yet.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref().to_owned();
        let repo = local::open_or_init_bare(&path)?.into_sync();
        Ok(Self { repo, path })
    }

    /// The store's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The store's repository.
    pub fn repo(&self) -> gix::Repository {
        self.repo.to_thread_local()
    }

    /// The atom refs the store holds.
    pub fn listing(&self) -> Result<Listing, Error> {
        local::listing(&self.repo())
    }

    /// A source at `mirrors` that fetches into this store's objects, so that
    /// what it resolves is ready to be ingested without a second fetch.
    pub fn source(&self, mirrors: Vec<String>) -> GitSource {
        GitSource::with_repo(mirrors, self.repo.clone())
    }

    fn location(&self) -> String {
        self.path.display().to_string()
    }

    /// Copy what `origin` has and the store does not, verifying every
    /// claim and atom exactly as [`AtomSource::resolve`](atom_core::AtomSource::resolve) does, then create
    /// all verified refs in one transaction.
    ///
    /// A ref the store holds with another target than the origin's is
    /// refused ([`Error::RefExists`]) and the store keeps its own; so is
    /// any claim or atom that fails a check, and any atom whose objects no
    /// mirror delivered.
    pub fn sync(&self, origin: &GitSource) -> Result<SyncReport, Error> {
        let repo = self.repo();
        let theirs = origin.listing()?;
        let ours = local::listing(&repo)?;
        let mut report = SyncReport {
            unrecognised: theirs.merged.unrecognised.clone(),
            ..SyncReport::default()
        };
        let origin_url = |name: &EkaRef, target: ObjectId| {
            theirs
                .mirrors_with(name, target)
                .first()
                .map_or_else(|| origin.mirrors().join(", "), |url| (*url).to_owned())
        };

        let mut claims = BTreeMap::new();
        for (label, &target) in &theirs.merged.claims {
            let state = match ours.claim(label) {
                Some(held) if held == target => ClaimState::Held(held),
                Some(held) => ClaimState::Moved {
                    ours: held,
                    theirs: target,
                },
                None => ClaimState::New(target),
            };
            claims.insert(label.clone(), state);
        }
        let mut candidates = Vec::new();
        for atom in theirs.merged.entries() {
            match ours.atom(&atom.label, &atom.version) {
                Some(held) if held == atom.commit => report.atoms.unchanged.push(atom),
                Some(held) => {
                    let name = atom_ref(&atom.label, &atom.version)?;
                    let error = moved(
                        &name,
                        &origin_url(
                            &EkaRef::Atom(atom.label.clone(), atom.version.clone()),
                            atom.commit,
                        ),
                        held,
                        atom.commit,
                    );
                    report.atoms.refused.push(Refused { entry: atom, error });
                }
                None => candidates.push(atom),
            }
        }

        let mut wanted: Vec<(EkaRef, ObjectId)> = claims
            .iter()
            .filter_map(|(label, state)| match state {
                ClaimState::New(target) => Some((EkaRef::Claim(label.clone()), *target)),
                _ => None,
            })
            .collect();
        let claim_count = wanted.len();
        wanted.extend(candidates.iter().map(|atom| {
            (
                EkaRef::Atom(atom.label.clone(), atom.version.clone()),
                atom.commit,
            )
        }));
        let mut fetched = origin.fetch_into(&repo, &wanted)?;
        let atom_fetches = fetched.split_off(claim_count);

        let mut edits: Vec<(FullName, ObjectId)> = Vec::new();
        // The claim each label's new atoms are checked against: the store's
        // own if it has one, the origin's once verified.
        let mut accepted: BTreeMap<Label, ObjectId> = BTreeMap::new();
        let mut claim_fetches = fetched.into_iter();
        for (label, state) in claims {
            match state {
                ClaimState::Held(target) => {
                    accepted.insert(label.clone(), target);
                    report.claims.unchanged.push(label);
                }
                ClaimState::Moved {
                    ours,
                    theirs: target,
                } => {
                    accepted.insert(label.clone(), ours);
                    let name = claim_ref(&label)?;
                    let error = moved(
                        &name,
                        &origin_url(&EkaRef::Claim(label.clone()), target),
                        ours,
                        target,
                    );
                    report.claims.refused.push(Refused {
                        entry: label,
                        error,
                    });
                }
                ClaimState::New(target) => {
                    let checked = claim_fetches
                        .next()
                        .unwrap_or_else(|| Err(Error::git("no fetch outcome", "internal")))
                        .and_then(|url| {
                            verify::claim(&repo, &url, &label, target, Expect::default())
                        });
                    match checked {
                        Ok(_) => {
                            edits.push((claim_ref(&label)?, target));
                            accepted.insert(label.clone(), target);
                            report.claims.added.push(label);
                        }
                        Err(error) => report.claims.refused.push(Refused {
                            entry: label,
                            error,
                        }),
                    }
                }
            }
        }

        for (atom, fetch) in candidates.into_iter().zip(atom_fetches) {
            let checked = fetch.and_then(|url| {
                let query = Query::new(atom.label.clone(), atom.version.clone());
                // A label whose new claim was refused has no accepted claim:
                // its atoms are checked against the origin's claim, so that
                // they fail as `resolve` would, with the claim's own error.
                let claim = accepted
                    .get(&atom.label)
                    .copied()
                    .or_else(|| theirs.merged.claim(&atom.label));
                verify::atom(&repo, &url, &query, claim, atom.commit)
            });
            match checked {
                Ok(_) => {
                    edits.push((atom_ref(&atom.label, &atom.version)?, atom.commit));
                    report.atoms.added.push(atom);
                }
                Err(error) => report.atoms.refused.push(Refused { entry: atom, error }),
            }
        }
        local::create_all(&repo, edits, "eka: ingest")?;
        Ok(report)
    }
}

/// A ref the store holds at `ours` that the origin moved to `theirs`.
fn moved(name: &FullName, url: &str, ours: ObjectId, theirs: ObjectId) -> Error {
    Error::RefExists {
        name: name.as_bstr().to_string(),
        location: format!("the store (the origin {url} moved it to {theirs})"),
        existing: ours,
        new: theirs,
    }
}

/// Resolve `query` from the refs and objects of a local repository.
pub(crate) fn resolve_local(
    repo: &gix::Repository,
    location: &str,
    query: &Query,
) -> Result<Option<VerifiedAtom>, Error> {
    let Some(commit) = local::target(repo, &atom_ref(&query.label, &query.version)?)? else {
        return Ok(None);
    };
    let claim = local::target(repo, &claim_ref(&query.label)?)?;
    verify::atom(repo, location, query, claim, commit).map(Some)
}

/// `AtomSource` for a type whose atoms are the refs of its own repository
/// (`self.repo()`, described in errors as `self.location()`).
macro_rules! local_source {
    ($type:ty) => {
        impl atom_core::AtomSource for $type {
            type Entry = $crate::AtomRef;
            type Atom = $crate::VerifiedAtom;
            type Error = $crate::Error;

            fn discover(&self) -> Result<Vec<$crate::AtomRef>, $crate::Error> {
                Ok($crate::local::listing(&self.repo())?.entries())
            }

            fn resolve(
                &self,
                query: &atom_core::Query,
            ) -> Result<Option<$crate::VerifiedAtom>, $crate::Error> {
                $crate::store::resolve_local(&self.repo(), &self.location(), query)
            }
        }
    };
}
pub(crate) use local_source;

local_source!(GitStore);

impl AtomStore for GitStore {
    type Origin = GitSource;

    fn ingest(&self, origin: &GitSource) -> Result<Ingested<AtomRef, Error>, Error> {
        self.sync(origin).map(|report| report.atoms)
    }

    fn import_path(&self, path: &Path) -> Result<Ingested<AtomRef, Error>, Error> {
        let repo = local::discover(path)?;
        let origin = self.source(vec![repo.git_dir().display().to_string()]);
        self.ingest(&origin)
    }

    fn contains(&self, query: &Query) -> Result<bool, Error> {
        let repo = self.repo();
        if local::target(&repo, &atom_ref(&query.label, &query.version)?)?.is_none() {
            return Ok(false);
        }
        if query.anchor.is_none() && query.id.is_none() {
            return Ok(true);
        }
        let Some(claim) = local::target(&repo, &claim_ref(&query.label)?)? else {
            return Ok(false);
        };
        match verify::claim(&repo, &self.location(), &query.label, claim, query.into()) {
            Ok(_) => Ok(true),
            Err(Error::Verify(err))
                if matches!(err.check, Check::Anchor { .. } | Check::AtomId { .. }) =>
            {
                Ok(false)
            }
            Err(err) => Err(err),
        }
    }
}
