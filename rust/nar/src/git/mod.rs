//! Serialising git trees straight from the object database, without a
//! checkout (feature `gix`).
//!
//! Two views of a tree are offered, because Nix itself has two:
//!
//! * [`Export::Tree`] — the tree as git stores it: every entry, blob contents
//!   untouched, empty trees kept, a submodule (gitlink) as an empty
//!   directory. This is what `builtins.fetchGit` of Nix ≥ 2.20 gives with
//!   `exportIgnore = false`, and a backend-independent digest of a tree.
//! * [`Export::Archive`] — what `git archive` writes and Nix 2.8's
//!   `builtins.fetchGit` (which unpacks `git archive REV`) hashes:
//!   - paths with the `export-ignore` attribute are left out, a directory
//!     with everything in it left out (or an empty tree) is left out too;
//!   - a submodule is an empty directory;
//!   - `ident` expands `$Id$`, and `eol=crlf` (alone or with `text`,
//!     `text=auto` or the legacy `crlf`) converts line endings, exactly as
//!     git's checkout does under its default configuration;
//!   - `export-subst` on a file that holds a `$Format:…$` placeholder and a
//!     `working-tree-encoding` other than UTF-8 are refused
//!     ([`Error::ExportSubst`], [`Error::WorkingTreeEncoding`]) rather than
//!     approximated.
//!
//! Attributes come from the `.gitattributes` files inside the tree only; see
//! the crate README for how Nix ≥ 2.20 differs.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = tempfile::tempdir()?;
//! # let git = |args: &[&str]| {
//! #     let status = std::process::Command::new("git").args(args).current_dir(dir.path())
//! #         .env("GIT_CONFIG_GLOBAL", "/dev/null").env("GIT_CONFIG_NOSYSTEM", "1")
//! #         .env("GIT_AUTHOR_NAME", "a").env("GIT_AUTHOR_EMAIL", "a@example.org")
//! #         .env("GIT_COMMITTER_NAME", "a").env("GIT_COMMITTER_EMAIL", "a@example.org")
//! #         .status().unwrap();
//! #     assert!(status.success());
//! # };
//! # git(&["init", "-q"]);
//! # std::fs::write(dir.path().join("hello"), "hello\n")?;
//! # std::fs::write(dir.path().join(".gitattributes"), "notes export-ignore\n")?;
//! # std::fs::write(dir.path().join("notes"), "private\n")?;
//! # git(&["add", "."]);
//! # git(&["commit", "-q", "-m", "init"]);
//! use sha2::{Digest, Sha256};
//!
//! let repo = gix::open(dir.path())?;
//! let head = repo.head_id()?.detach();
//!
//! // What Nix 2.8's `builtins.fetchGit` reports as `narHash`: `notes` is
//! // export-ignored.
//! let archive = nar::git::write_tree(&repo, head, nar::git::Export::Archive, Sha256::new())?;
//! // The tree as stored, `notes` included.
//! let tree = nar::git::write_tree(&repo, head, nar::git::Export::Tree, Sha256::new())?;
//! assert_ne!(archive.finalize(), tree.finalize());
//! # Ok(())
//! # }
//! ```

mod attributes;
mod blobs;
mod convert;
mod plan;

use std::io::Write;

use gix::ObjectId;
use gix::bstr::BString;

use crate::Writer;
use plan::{BlobKind, Item};

/// Which view of a git tree to serialise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    /// The tree exactly as stored.
    Tree,
    /// The tree as `git archive` (and Nix 2.8's `builtins.fetchGit`) writes it.
    Archive,
}

/// Why a git tree could not be serialised.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An object is missing or unreadable.
    #[error("cannot read git object {id}")]
    Find {
        id: ObjectId,
        #[source]
        source: gix::Error,
    },

    /// An object is not of the kind its place requires.
    #[error("git object {id} is a {actual}, expected a {expected}")]
    Kind {
        id: ObjectId,
        expected: gix::object::Kind,
        actual: gix::object::Kind,
    },

    /// A file with `export-subst` holds a `$Format:…$` placeholder.
    #[error(
        "{} has the export-subst attribute and a $Format:…$ placeholder: git archive would \
         substitute commit metadata in ways that depend on the local git, so its hash cannot be \
         reproduced; remove the attribute or the placeholder",
        plan::display(path.as_ref())
    )]
    ExportSubst { path: BString },

    /// A file's `working-tree-encoding` asks for re-encoding.
    #[error(
        "{} has working-tree-encoding={}: re-encoding on export is not supported",
        plan::display(path.as_ref()),
        plan::display(encoding.as_ref())
    )]
    WorkingTreeEncoding { path: BString, encoding: BString },

    /// Writing the NAR failed.
    #[error("cannot write the NAR of {}", plan::display(path.as_ref()))]
    Nar {
        path: BString,
        #[source]
        source: crate::Error,
    },

    /// A blob-loading thread stopped unexpectedly.
    #[error("reading git objects was interrupted")]
    Interrupted,
}

/// Serialise the tree of commit, tag or tree `id` as a new NAR written to
/// `out`, and return `out`.
pub fn write_tree<W: Write>(
    repo: &gix::Repository,
    id: impl Into<ObjectId>,
    export: Export,
    out: W,
) -> Result<W, Error> {
    let mut nar = Writer::new(out);
    dump_tree(repo, id, export, &mut nar)?;
    nar.finish().map_err(|source| Error::Nar {
        path: BString::default(),
        source,
    })
}

/// Serialise the tree of commit, tag or tree `id` as the next node of
/// `nar`. Tags are peeled; `export-subst` is considered only when `id` leads
/// to a commit (as `git archive` does).
pub fn dump_tree<W: Write>(
    repo: &gix::Repository,
    id: impl Into<ObjectId>,
    export: Export,
    nar: &mut Writer<W>,
) -> Result<(), Error> {
    let (tree, commit) = peel_to_tree(repo, id.into())?;
    let items = plan::plan(repo, tree, export, commit)?;
    let blobs: Vec<ObjectId> = items
        .iter()
        .filter_map(|item| match item {
            Item::Blob { id, .. } => Some(*id),
            _ => None,
        })
        .collect();

    let mut items = items.into_iter();
    let mut write_up_to_next_blob = |nar: &mut Writer<W>| -> Result<Option<_>, Error> {
        for item in items.by_ref() {
            let written = match item {
                Item::Directory { name } => name
                    .as_ref()
                    .map_or(Ok(()), |name| nar.entry(name))
                    .and_then(|()| nar.directory()),
                Item::EndDirectory => nar.end_directory(),
                Item::Blob {
                    name,
                    path,
                    id,
                    kind,
                } => {
                    if let Some(name) = &name {
                        nar.entry(name).map_err(|source| Error::Nar {
                            path: path.clone(),
                            source,
                        })?;
                    }
                    return Ok(Some((path, id, kind)));
                }
            };
            written.map_err(|source| Error::Nar {
                path: BString::default(),
                source,
            })?;
        }
        Ok(None)
    };

    blobs::for_each_in_order(repo, &blobs, |_, data| {
        let Some((path, id, kind)) = write_up_to_next_blob(nar)? else {
            return Err(Error::Interrupted);
        };
        let written = match kind {
            BlobKind::Symlink => nar.symlink(&data),
            BlobKind::File {
                executable,
                conversion,
            } => {
                let data = if conversion.is_identity() {
                    data
                } else {
                    conversion
                        .apply(&id, data)
                        .map_err(|convert::ExportSubst| Error::ExportSubst { path: path.clone() })?
                };
                nar.file(executable, &data)
            }
        };
        written.map_err(|source| Error::Nar { path, source })
    })?;
    // The directories closed after the last blob.
    match write_up_to_next_blob(nar)? {
        None => Ok(()),
        Some(_) => Err(Error::Interrupted),
    }
}

/// Object `id`, which must be of kind `expected`.
fn find(
    repo: &gix::Repository,
    id: ObjectId,
    expected: gix::object::Kind,
) -> Result<gix::Object<'_>, Error> {
    let object = repo
        .find_object(id)
        .map_err(|source| Error::Find { id, source })?;
    if object.kind != expected {
        return Err(Error::Kind {
            id,
            expected,
            actual: object.kind,
        });
    }
    Ok(object)
}

/// The tree `id` leads to, and whether it was reached through a commit.
fn peel_to_tree(repo: &gix::Repository, mut id: ObjectId) -> Result<(ObjectId, bool), Error> {
    let mut commit = false;
    loop {
        let object = repo
            .find_object(id)
            .map_err(|source| Error::Find { id, source })?;
        match object.kind {
            gix::object::Kind::Tree => return Ok((id, commit)),
            gix::object::Kind::Commit => {
                let commit_object = object.into_commit();
                id = commit_object
                    .tree_id()
                    .map_err(|source| Error::Find { id, source })?
                    .detach();
                commit = true;
            }
            gix::object::Kind::Tag => {
                id = object
                    .into_tag()
                    .target_id()
                    .map_err(|source| Error::Find { id, source })?
                    .detach();
            }
            gix::object::Kind::Blob => {
                return Err(Error::Kind {
                    id,
                    expected: gix::object::Kind::Tree,
                    actual: gix::object::Kind::Blob,
                });
            }
        }
    }
}
