//! Nix-exact hashing and fetching.
//!
//! * [`Hash`](struct@Hash) — SRI, `sha256:<nix32|hex|base64>` and bare digests, printed in
//!   every form Nix prints; [`nix32`] is Nix's base-32.
//! * [`StoreDir::fixed_output_path`] — the store path Nix gives a
//!   content-addressed object (flat or recursive), for any store directory.
//! * [`Fetcher`] — fetch a [`Request`] (a URL, an executable, a tarball or
//!   a git revision) into the download cache and report the hash Nix's own
//!   fetcher would compute, the git revision, and the store path
//!   ([`Fetched`]). URLs are rewritten by [`Mirrors`] but always reported
//!   as requested.
//! * NAR serialisation lives in the [`nar`] crate; [`Hasher`] is the
//!   `io::Write` to hash it with.

mod fetch;
pub mod hash;
pub mod nix32;
mod store;

pub use fetch::{
    ArchiveError, Error, Fetched, Fetcher, GitError, Kind, Mirrors, Mismatch, Options, Request,
};
pub use hash::{Algorithm, Hash, Hasher};
pub use store::{Method, StoreDir, StorePath, StorePathError};
