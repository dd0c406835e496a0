//! Keeping atoms: a local source filled with verified copies.

use std::path::Path;

use crate::{AtomSource, Query};

/// A local source that holds verified copies of atoms from elsewhere: a
/// cache, or the repository a mirror serves.
///
/// Everything a store holds came through the checks of
/// [`AtomSource::resolve`]; an atom that fails them is refused and the
/// store keeps what it had. A store never replaces a version it holds with
/// different content.
pub trait AtomStore: AtomSource {
    /// The kind of source this store copies from.
    type Origin: AtomSource + ?Sized;

    /// Copy every version `origin` offers that the store does not have yet,
    /// verifying each. One bad atom does not stop the others: it is
    /// reported in [`Ingested::refused`]. `Err` is for failures that stop
    /// the whole ingest (the origin cannot be reached, the store cannot be
    /// written).
    fn ingest(
        &self,
        origin: &Self::Origin,
    ) -> Result<Ingested<Self::Entry, Self::Error>, Self::Error>;

    /// Ingest the atoms published in the repository at `path` on this
    /// machine, as [`ingest`](Self::ingest) does from a remote origin.
    fn import_path(&self, path: &Path) -> Result<Ingested<Self::Entry, Self::Error>, Self::Error>;

    /// Whether the store holds the version `query` names, with the anchor
    /// and id it asks for (if it asks).
    fn contains(&self, query: &Query) -> Result<bool, Self::Error>;
}

/// What an [`AtomStore::ingest`] did, version by version.
#[derive(Debug)]
pub struct Ingested<E, X> {
    /// Versions the store did not have and now holds.
    pub added: Vec<E>,
    /// Versions the store already held, unchanged.
    pub unchanged: Vec<E>,
    /// Versions that failed a check, and why; the store did not take them.
    pub refused: Vec<Refused<E, X>>,
}

impl<E, X> Ingested<E, X> {
    /// Whether every version offered was taken or already held.
    pub fn is_clean(&self) -> bool {
        self.refused.is_empty()
    }
}

impl<E, X> Default for Ingested<E, X> {
    fn default() -> Self {
        Self {
            added: Vec::new(),
            unchanged: Vec::new(),
            refused: Vec::new(),
        }
    }
}

/// One version an ingest refused.
#[derive(Debug)]
pub struct Refused<E, X> {
    /// The version, as the origin listed it.
    pub entry: E,
    /// The check it failed.
    pub error: X,
}
