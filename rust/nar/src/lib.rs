//! Nix archives (NAR): the serialisation whose hash Nix calls a path's
//! `narHash`, streamed into any [`std::io::Write`].
//!
//! A NAR is a canonical, deterministic encoding of a file system object: a
//! regular file (its bytes and whether it is executable), a symbolic link (its
//! target, verbatim) or a directory (its entries, sorted by the raw bytes of
//! their names). Timestamps, owners and any permission other than the owner's
//! execute bit are not part of it; empty directories are.
//!
//! This crate only encodes. It does not hash: give the [`Writer`] a hasher
//! (any `Write`, such as `sha2::Sha256`) and it produces exactly the bytes
//! `nix-store --dump` would, so that the digest is Nix's.
//!
//! * [`Writer`] — the encoder, for callers that walk a tree of their own
//!   (archives, object stores).
//! * [`dump_path`] / [`write_path`] — serialise a path on the file system, like
//!   `nix-store --dump` and `nix hash path`.
//! * `git` (feature `gix`) — serialise a git tree read from the object
//!   database, either verbatim or as `builtins.fetchGit` of Nix 2.8 sees it.
//!
//! ```
//! use sha2::{Digest, Sha256};
//!
//! // `nix hash path` of a regular file holding "hello\n".
//! let mut nar = nar::Writer::new(Sha256::new());
//! nar.file(false, b"hello\n")?;
//! let digest = nar.finish()?.finalize();
//! assert_eq!(
//!     format!("{digest:x}"),
//!     "1c37d01af40be2e80691de3cc3df44377a699afbb17c68f080964b2fd071fc13",
//! );
//! # Ok::<(), nar::Error>(())
//! ```

#[cfg(unix)]
mod fs;
#[cfg(feature = "gix")]
pub mod git;
mod writer;

use std::path::PathBuf;

#[cfg(unix)]
pub use fs::{dump_path, write_path};
pub use writer::{FileContents, Writer};

/// Why a NAR could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Writing to the sink failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),

    /// Reading a path to serialise failed.
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A path is neither a regular file, a symbolic link nor a directory.
    #[error("{} is a {kind}, which a NAR cannot hold (only files, symlinks and directories)", path.display())]
    UnsupportedFileType { path: PathBuf, kind: &'static str },

    /// A file's contents ended before the size announced for it, for example
    /// because the file shrank while it was read.
    #[error("file contents ended after {actual} of {expected} bytes")]
    FileSize { expected: u64, actual: u64 },

    /// A directory entry name that no file system object can have.
    #[error("invalid NAR entry name {:?}", String::from_utf8_lossy(name))]
    InvalidName { name: Vec<u8> },

    /// Directory entries were given out of order (or twice).
    #[error(
        "NAR entry {:?} must sort after {:?}",
        String::from_utf8_lossy(name),
        String::from_utf8_lossy(previous)
    )]
    Order { previous: Vec<u8>, name: Vec<u8> },

    /// The [`Writer`]'s methods were called in an order that does not
    /// describe a tree: a bug in the caller.
    #[error("NAR writer misused: {what}")]
    Misuse { what: &'static str },
}
