//! A remote source of atoms: one or more mirror URLs, listed with one
//! ls-refs each and fetched from in order.

use std::path::Path;
use std::sync::{Arc, Mutex};

use atom_core::{AtomSource, Query};
use gix::ObjectId;

use crate::listing::{AtomRef, SourceListing};
use crate::refs::EkaRef;
use crate::verify::{self, VerifiedAtom};
use crate::{Error, local, transport};

/// A source of atoms at one or more mirror URLs, fetching into a local
/// repository (a cache, or a store).
///
/// The first use lists every mirror (one ls-refs each, no objects); the
/// mirrors must agree on every ref they share, or nothing is resolved.
/// Mirrors that cannot be reached are skipped as long as one answers
/// ([`SourceListing::failures`] has them). Objects are fetched from the
/// first mirror that has the wanted refs, then from the next if that
/// fails, and not at all if the local repository has them already.
#[derive(Debug)]
pub struct GitSource {
    mirrors: Vec<String>,
    repo: gix::ThreadSafeRepository,
    listing: Mutex<Option<Arc<SourceListing>>>,
}

impl GitSource {
    /// A source at `mirrors` (in order of preference) fetching into the
    /// repository at `repo`, which is created (bare) if missing.
    ///
    /// A mirror is anything git can fetch from: a path, `file://`,
    /// `git://`, `ssh://`, `user@host:path`, `http(s)://`. The repository's
    /// `url.<base>.insteadOf` settings rewrite them.
    pub fn new(mirrors: Vec<String>, repo: impl AsRef<Path>) -> Result<Self, Error> {
        Ok(Self::with_repo(
            mirrors,
            local::open_or_init_bare(repo.as_ref())?.into_sync(),
        ))
    }

    /// A source at `mirrors` fetching into `repo`.
    pub fn with_repo(mirrors: Vec<String>, repo: gix::ThreadSafeRepository) -> Self {
        Self {
            mirrors,
            repo,
            listing: Mutex::new(None),
        }
    }

    /// The mirror URLs, in order.
    pub fn mirrors(&self) -> &[String] {
        &self.mirrors
    }

    /// The listing of every mirror and their merge, listed on first use and
    /// kept.
    pub fn listing(&self) -> Result<Arc<SourceListing>, Error> {
        let mut cached = self
            .listing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(listing) = cached.as_ref() {
            return Ok(Arc::clone(listing));
        }
        let repo = self.repo.to_thread_local();
        let listings = self
            .mirrors
            .iter()
            .map(|url| (url.clone(), transport::list(&repo, url)))
            .collect();
        let listing = Arc::new(SourceListing::merge(listings)?);
        *cached = Some(Arc::clone(&listing));
        Ok(listing)
    }

    /// Bring the objects of `wanted` (ref, target) into `repo`, from the
    /// first mirror that lists each ref at that target; refs whose objects
    /// are present already cost nothing. Returns, per ref, the mirror it
    /// came from, or the last error for a ref no mirror could deliver.
    pub(crate) fn fetch_into(
        &self,
        repo: &gix::Repository,
        wanted: &[(EkaRef, ObjectId)],
    ) -> Result<Vec<Result<String, Error>>, Error> {
        let listing = self.listing()?;
        let mut outcome: Vec<Option<Result<String, Error>>> = wanted
            .iter()
            .map(|(name, target)| {
                repo.has_object(target).then(|| {
                    Ok(listing.mirrors_with(name, *target).first().map_or_else(
                        || repo.git_dir().display().to_string(),
                        |url| (*url).to_owned(),
                    ))
                })
            })
            .collect();
        for (url, mirror) in &listing.mirrors {
            let Ok(mirror) = mirror else { continue };
            let mut names = Vec::new();
            let mut indices = Vec::new();
            for (index, (name, target)) in wanted.iter().enumerate() {
                let pending = !matches!(outcome[index], Some(Ok(_)));
                if pending && mirror.get(name) == Some(*target) {
                    names.push(name.full_name()?.as_bstr().to_string());
                    indices.push(index);
                }
            }
            if names.is_empty() {
                continue;
            }
            let result = transport::fetch(repo, url, &names);
            for index in indices {
                outcome[index] = Some(match &result {
                    Ok(()) => Ok(url.clone()),
                    Err(err) => Err(Error::remote("fetch from", url, crate::error::chain(err))),
                });
            }
        }
        Ok(wanted
            .iter()
            .zip(outcome)
            .map(|((name, _), outcome)| {
                outcome.unwrap_or_else(|| {
                    Err(Error::git(
                        format!("no mirror lists {name:?} at the agreed target"),
                        "not listed",
                    ))
                })
            })
            .collect())
    }
}

impl AtomSource for GitSource {
    type Entry = AtomRef;
    type Atom = VerifiedAtom;
    type Error = Error;

    /// Every atom version the mirrors list (their union; they agree).
    fn discover(&self) -> Result<Vec<AtomRef>, Error> {
        Ok(self.listing()?.merged.entries())
    }

    /// Fetch `query`'s atom commit and claim (unless already present) and
    /// verify them: claim signature, claim label, the query's anchor and
    /// id, atom commit shape, publish signature, publish key == claim key,
    /// publish label and version, and `dig` against the fetched tree.
    fn resolve(&self, query: &Query) -> Result<Option<VerifiedAtom>, Error> {
        let listing = self.listing()?;
        let Some(commit) = listing.merged.atom(&query.label, &query.version) else {
            return Ok(None);
        };
        let atom_name = EkaRef::Atom(query.label.clone(), query.version.clone());
        let claim = listing.merged.claim(&query.label);
        let mut wanted = vec![(atom_name, commit)];
        if let Some(blob) = claim {
            wanted.push((EkaRef::Claim(query.label.clone()), blob));
        }
        let repo = self.repo.to_thread_local();
        let mut fetched = self.fetch_into(&repo, &wanted)?.into_iter();
        // One outcome per wanted ref: the atom's first, then the claim's.
        let location = fetched
            .next()
            .unwrap_or_else(|| Err(Error::git("nothing was fetched", "no outcome")))?;
        if let Some(Err(err)) = fetched.next() {
            return Err(err);
        }
        verify::atom(&repo, &location, query, claim, commit).map(Some)
    }
}
