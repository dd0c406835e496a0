//! The git backend of the atom protocol.
//!
//! Atoms live in ordinary git repositories, under `refs/eka/`:
//!
//! * `refs/eka/claims/<label>` → a blob: the signed claim (a Coz message
//!   with its public key, never the private one). Its digest is the atom's
//!   [`AtomId`](atom_id::AtomId).
//! * `refs/eka/atoms/<label>/<version>` → the *atom commit*: no parents,
//!   the tree of the atom's directory (the very tree object of the source
//!   commit, not a copy), author and committer `eka <> 0 +0000`, and the
//!   signed publish as its message. Its id is what a lock records as `rev`.
//!
//! The anchor of a repository is its first commit (following first
//! parents from `HEAD`); claims name it, so that a label claimed in one
//! project cannot be passed off as another's.
//!
//! # The pieces
//!
//! | type | trait | what for |
//! |---|---|---|
//! | [`GitRegistry`] | [`AtomRegistry`](atom_core::AtomRegistry) | a project's own repository: claim, publish, [`push`](GitRegistry::push) |
//! | [`GitSource`] | [`AtomSource`](atom_core::AtomSource) | a remote with its mirrors: discover (one ls-refs per mirror), resolve (fetch + verify) |
//! | [`GitStore`] | [`AtomStore`](atom_core::AtomStore) | a local bare repository of verified atoms: [`sync`](GitStore::sync)/ingest, contains |
//!
//! Resolution checks, each failing with its own [`Check`]: the claim's
//! signature and label; the anchor and id the [`Query`](atom_core::Query)
//! expects; that the atom commit has no parents; the publish's signature;
//! that the publish is signed by the claim's key and names the claim's
//! atom, anchor, label and the ref's version; and that the publish's `dig`
//! is the hash of the NAR of the fetched tree. Mirrors of one source must
//! agree on every ref they share ([`Error::MirrorsDisagree`] names both).
//!
//! # Example
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use atom_core::{AtomRegistry, AtomSource, Query};
//! use atom_git::{GitRegistry, GitSource};
//! use atom_id::{Alg, SigningKey};
//!
//! # let dir = tempfile::tempdir()?;
//! # let git = |args: &[&str]| {
//! #     let status = std::process::Command::new("git").args(args).current_dir(dir.path())
//! #         .env("GIT_CONFIG_GLOBAL", "/dev/null").env("GIT_CONFIG_NOSYSTEM", "1")
//! #         .env("GIT_AUTHOR_NAME", "a").env("GIT_AUTHOR_EMAIL", "a@example.org")
//! #         .env("GIT_COMMITTER_NAME", "a").env("GIT_COMMITTER_EMAIL", "a@example.org")
//! #         .status().unwrap();
//! #     assert!(status.success());
//! # };
//! # git(&["init", "-q", "project"]);
//! # std::fs::create_dir(dir.path().join("project/hello"))?;
//! # std::fs::write(dir.path().join("project/hello/atom.toml"), "[atom]\ntag = \"hello\"\nversion = \"1.0.0\"\n")?;
//! # git(&["-C", "project", "add", "."]);
//! # git(&["-C", "project", "commit", "-q", "-m", "hello"]);
//! # git(&["init", "-q", "--bare", "remote.git"]);
//! # let project = dir.path().join("project");
//! # let remote = dir.path().join("remote.git").display().to_string();
//! // A project repository with a directory `hello`, committed.
//! let registry = GitRegistry::open(&project, SigningKey::generate(Alg::Ed25519))?;
//! let id = registry.claim(&"hello".parse()?)?;
//! let content = registry.content_at_head(&project.join("hello"))?;
//! let published = registry.publish(&id, &"1.0.0".parse()?, &content)?;
//!
//! // Claim and atom go to the remote in one push.
//! let names = [
//!     atom_git::refs::claim_ref(&published.label)?,
//!     atom_git::refs::atom_ref(&published.label, &published.version)?,
//! ];
//! registry.push(&remote, &names)?;
//!
//! // Anyone can now list and resolve it, every check done.
//! # let cache = dir.path().join("cache.git");
//! let source = GitSource::new(vec![remote], &cache)?;
//! assert_eq!(source.discover()?.len(), 1);
//! let atom = source
//!     .resolve(&Query::new("hello".parse()?, "1.0.0".parse()?).with_id(id.clone()))?
//!     .expect("published");
//! assert_eq!(atom.id, id);
//! assert_eq!(atom.rev, published.commit);
//! # Ok(())
//! # }
//! ```

mod anchor;
mod digest;
mod error;
mod listing;
mod local;
mod push;
pub mod refs;
mod registry;
mod source;
mod store;
#[cfg(feature = "testing")]
pub mod testing;
mod tls;
mod transport;
mod verify;

pub use anchor::{anchor_of, genesis};
pub use digest::{dig, fetch_git_nar_sha256};
pub use error::{BoxError, Check, Error, VerifyError};
pub use listing::{AtomRef, Listing, SourceListing};
pub use push::Pushed;
pub use registry::{AtomContent, Claimed, GitRegistry, Published};
pub use source::GitSource;
pub use store::{GitStore, SyncReport};
pub use verify::VerifiedAtom;

/// The git object id type used throughout (gix's).
pub use gix::ObjectId;
