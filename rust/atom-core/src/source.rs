//! Reading atoms: listing what a source has, and resolving one version.

use crate::Query;

/// A place atoms are read from: a remote repository, a mirror, a local
/// store.
///
/// Reading has two speeds. [`discover`](Self::discover) is the cheap
/// question — *what is there?* — answered from the source's index alone
/// (for git, one ref listing), and its entries are claims the source
/// makes, not yet checked. [`resolve`](Self::resolve) is the expensive
/// one — *give me this version, and prove it* — which fetches the atom and
/// checks everything the protocol lets a reader check: the claim's
/// signature, that the publish is signed by the claim's key, that the
/// content is the content that was signed, and that the atom is the one
/// the [`Query`] expects. A backend must never return an `Atom` it has not
/// verified.
///
/// See the [crate documentation](crate) for an implementation.
pub trait AtomSource {
    /// One published version as the source lists it: at least its label
    /// and version, plus whatever the backend needs to find it again.
    type Entry;

    /// One version that [`resolve`](Self::resolve) fetched and verified.
    type Atom;

    /// Why reading failed. Errors should say which check failed, for which
    /// atom, at which location.
    type Error: std::error::Error + Send + Sync + 'static;

    /// Every version the source offers, without fetching any content.
    fn discover(&self) -> Result<Vec<Self::Entry>, Self::Error>;

    /// Fetch and verify `query.version` of `query.label`.
    ///
    /// `Ok(None)` means the source does not have that version. An atom
    /// that is there but fails a check is an error, never `None`: a
    /// tampered atom must not look like a missing one.
    fn resolve(&self, query: &Query) -> Result<Option<Self::Atom>, Self::Error>;
}
