//! The atom protocol as traits: what any backend — git today, something else
//! tomorrow — must offer, and nothing about how.
//!
//! An *atom* is a named, versioned, signed package that lives in a source
//! repository. Its identity is an [`AtomId`] (the digest of a signed claim
//! on a [`Label`] in the repository whose first commit is its [`Anchor`]);
//! each version is a signed publish of a [`RawVersion`] whose `dig` is the
//! hash of the atom's files. The types and the cryptography live in
//! [`atom_id`]; this crate says what can be *done* with atoms, in three
//! traits that build on each other:
//!
//! | trait | role | operations |
//! |---|---|---|
//! | [`AtomSource`] | a place atoms are read from (a remote, a mirror) | [`discover`](AtomSource::discover) what is there, [`resolve`](AtomSource::resolve) one version with every check done |
//! | [`AtomRegistry`] | a source its owner writes to | [`claim`](AtomRegistry::claim) a label, [`publish`](AtomRegistry::publish) a version |
//! | [`AtomStore`] | a local source that keeps verified copies | [`ingest`](AtomStore::ingest) from another source, [`import_path`](AtomStore::import_path), [`contains`](AtomStore::contains) |
//!
//! The order of operations is carried by the data: [`claim`](AtomRegistry::claim)
//! returns the [`AtomId`] that [`publish`](AtomRegistry::publish) needs, so
//! nothing can be published under a label that was not claimed.
//!
//! Backends choose their own vocabulary through associated types: an
//! `Entry` is one version as a source lists it (cheap, not yet verified), an
//! `Atom` is a version [`resolve`](AtomSource::resolve) has verified, a
//! `Content` is what a registry publishes (for git, a directory in a
//! commit), and `Error` says what went wrong where. The only concrete types
//! here are the ones every backend shares: [`Query`] (which version to
//! resolve, and what it must be), [`Dependency`] and [`Manifest`] (what an
//! atom declares about itself), and [`Ingested`] (what an ingest did).
//!
//! All traits are synchronous; a backend that needs concurrency keeps it
//! inside.
//!
//! # Example
//!
//! A source that holds its atoms in memory, and a function that works with
//! any source:
//!
//! ```
//! use std::convert::Infallible;
//!
//! use atom_core::{AtomSource, Label, Query, RawVersion};
//!
//! /// Versions as (label, version) pairs; every one of them is valid.
//! struct Shelf(Vec<(Label, RawVersion)>);
//!
//! impl AtomSource for Shelf {
//!     type Entry = (Label, RawVersion);
//!     type Atom = (Label, RawVersion);
//!     type Error = Infallible;
//!
//!     fn discover(&self) -> Result<Vec<Self::Entry>, Self::Error> {
//!         Ok(self.0.clone())
//!     }
//!
//!     fn resolve(&self, query: &Query) -> Result<Option<Self::Atom>, Self::Error> {
//!         Ok(self
//!             .0
//!             .iter()
//!             .find(|(label, version)| *label == query.label && *version == query.version)
//!             .cloned())
//!     }
//! }
//!
//! /// How many versions of `label` a source offers.
//! fn count<S: AtomSource<Entry = (Label, RawVersion)>>(
//!     source: &S,
//!     label: &Label,
//! ) -> Result<usize, S::Error> {
//!     Ok(source.discover()?.iter().filter(|(l, _)| l == label).count())
//! }
//!
//! let hello: Label = "hello".parse()?;
//! let shelf = Shelf(vec![
//!     (hello.clone(), "1.0.0".parse()?),
//!     (hello.clone(), "1.1.0".parse()?),
//!     ("other".parse()?, "0.1.0".parse()?),
//! ]);
//! assert_eq!(count(&shelf, &hello)?, 2);
//! assert!(shelf.resolve(&Query::new(hello, "1.1.0".parse()?))?.is_some());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod dependency;
mod manifest;
mod query;
mod registry;
mod source;
mod store;

pub use dependency::Dependency;
pub use manifest::Manifest;
pub use query::Query;
pub use registry::AtomRegistry;
pub use source::AtomSource;
pub use store::{AtomStore, Ingested, Refused};

/// The identity types every trait here speaks in, re-exported so that a
/// backend needs only this crate in its signatures.
pub use atom_id::{Anchor, AtomId, Label, RawVersion, VersionScheme};
