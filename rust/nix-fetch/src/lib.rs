//! Nix-exact hashing and fetching.
//!
//! * [`Hash`](struct@Hash) — SRI, `sha256:<nix32|hex|base64>` and bare digests, printed in
//!   every form Nix prints; [`nix32`] is Nix's base-32.
//! * [`StoreDir::fixed_output_path`] — the store path Nix gives a
//!   content-addressed object (flat or recursive), for any store directory.
//! * NAR serialisation lives in the [`nar`] crate; [`Hasher`] is the
//!   `io::Write` to hash it with.

pub mod hash;
pub mod nix32;
mod store;

pub use hash::{Algorithm, Hash, Hasher};
pub use store::{Method, StoreDir, StorePath, StorePathError};
