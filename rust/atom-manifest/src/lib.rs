//! `atom.toml` and `atom.lock`: the manifest a project writes and the lock
//! eka resolves it into.
//!
//! * [`Manifest`] — `atom.toml` parsed and validated; every problem is a
//!   [`Diagnostic`] naming the file, line and column.
//! * [`unpacks_by_default`] — the one rule for whether a build-time file is
//!   unpacked, shared with the Nix library.

mod archive;
mod diagnostic;
mod edit;
mod lock;
mod manifest;
mod requirement;
mod resolve;
mod template;
mod toml;

pub use archive::unpacks_by_default;
pub use diagnostic::{Diagnostic, Diagnostics, Location, SourceFile, Span, Spanned};
pub use edit::{Added, EditError, LegacyEntry, ManifestEditor, Removed};
pub use lock::{
    AtomBond, Bond, BondType, BuildBond, GitBond, Hash, HashError, LOCK_FILE, LOCK_HEADER,
    LOCK_VERSION, Lockfile, Rev, TarBond, UrlBond,
};
pub use manifest::{
    Atom, AtomDependency, Binding, BindingTarget, BuildFetch, Fetch, FileFetch, GitFetch, GitPin,
    LegacyDependency, MANIFEST_FILE, Manifest, Mirror, Source, THIS_REPOSITORY,
};
pub use requirement::Requirement;
pub use resolve::{
    AtomSources, BackendError, Change, ChangeKind, FileHashing, GitRefs, LegacyFetcher, Listing,
    LockRequest, Locked, NoProgress, Progress, ResolveError, ResolvedAtom, Stale, Update,
    VerifyFailure, canonical_url, lock, verify,
};
pub use template::{UrlTemplate, VERSION_PLACEHOLDER};
