//! Walking git trees into the flat, NAR-ordered list of what to write.
//!
//! Only tree objects are read here; blobs are read afterwards, in parallel,
//! by [`super::blobs`]. Git orders tree entries as if directory names ended
//! in `/`, a NAR by plain bytes, so each tree's entries are re-sorted.

use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice as _};
use gix::objs::tree::EntryKind;

use super::attributes::Attributes;
use super::convert::{Conversion, Unsupported};
use super::{Error, Export};

/// One step of the NAR, in order. A node named `None` is the root.
#[derive(Debug)]
pub(crate) enum Item {
    Directory {
        name: Option<BString>,
    },
    EndDirectory,
    /// A regular file or a symlink, whose bytes are blob `id`.
    Blob {
        name: Option<BString>,
        /// The path from the root, for messages.
        path: BString,
        id: ObjectId,
        kind: BlobKind,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlobKind {
    File {
        executable: bool,
        conversion: Conversion,
    },
    Symlink,
}

/// One tree entry, owned so that the tree's buffer can be reused.
struct Entry {
    name: BString,
    kind: EntryKind,
    id: ObjectId,
}

/// A tree being walked.
struct Frame {
    /// Its entries, in NAR order, and the next one to visit.
    entries: Vec<Entry>,
    next: usize,
    /// Its path from the root with a trailing `/`, or empty for the root.
    prefix: BString,
    /// Where its [`Item::Directory`] is in the plan.
    opened_at: usize,
    /// Whether it pushed a `.gitattributes`.
    has_attributes: bool,
    /// Whether `git archive` writes it: it does once it meets a file,
    /// symlink or submodule below it (even an export-ignored one).
    written: bool,
}

/// Walk the tree `root` and list what its NAR holds. `commit` says whether a
/// commit (rather than a bare tree) is being exported, which is when git
/// applies `export-subst`.
pub(crate) fn plan(
    repo: &gix::Repository,
    root: ObjectId,
    export: Export,
    commit: bool,
) -> Result<Vec<Item>, Error> {
    let mut attributes = (export == Export::Archive).then(Attributes::new);
    let mut items = vec![Item::Directory { name: None }];
    let mut stack = vec![open(
        repo,
        root,
        BString::default(),
        0,
        attributes.as_mut(),
    )?];

    while let Some(frame) = stack.last_mut() {
        let Some(entry) = frame.entries.get(frame.next) else {
            let frame = stack.pop().expect("the loop holds a frame");
            if frame.has_attributes
                && let Some(attributes) = attributes.as_mut()
            {
                attributes.pop();
            }
            // `git archive` queues a directory and writes it only when it
            // meets a non-directory entry below it, before looking at that
            // entry's attributes: empty trees, and trees holding nothing but
            // such trees or export-ignored trees, vanish; a tree whose files
            // are all export-ignored stays, empty. The root is the directory
            // Nix unpacks into, so it always exists.
            if export == Export::Archive && !frame.written && !stack.is_empty() {
                items.truncate(frame.opened_at);
            } else {
                items.push(Item::EndDirectory);
                if let Some(parent) = stack.last_mut() {
                    parent.written = true;
                }
            }
            continue;
        };
        frame.next += 1;
        let name = entry.name.clone();
        let kind = entry.kind;
        let id = entry.id;
        let mut path = frame.prefix.clone();
        path.extend_from_slice(&name);

        if kind != EntryKind::Tree {
            frame.written = true;
        }
        let is_dir = matches!(kind, EntryKind::Tree | EntryKind::Commit);
        let attrs = attributes.as_mut().map(|a| a.of(path.as_bstr(), is_dir));
        if attrs.as_ref().is_some_and(|a| a.export_ignore.is_set()) {
            continue;
        }
        match kind {
            EntryKind::Tree => {
                let opened_at = items.len();
                items.push(Item::Directory { name: Some(name) });
                let mut prefix = path;
                prefix.push(b'/');
                stack.push(open(repo, id, prefix, opened_at, attributes.as_mut())?);
            }
            // A submodule: `git archive` and Nix (without `submodules = true`)
            // leave an empty directory where it would be checked out.
            EntryKind::Commit => {
                items.push(Item::Directory { name: Some(name) });
                items.push(Item::EndDirectory);
            }
            EntryKind::Link => items.push(Item::Blob {
                name: Some(name),
                path,
                id,
                kind: BlobKind::Symlink,
            }),
            EntryKind::Blob | EntryKind::BlobExecutable => {
                let conversion = match &attrs {
                    Some(attrs) => Conversion::from_attributes(attrs, commit).map_err(
                        |Unsupported::Encoding(encoding)| Error::WorkingTreeEncoding {
                            path: path.clone(),
                            encoding,
                        },
                    )?,
                    None => Conversion::default(),
                };
                items.push(Item::Blob {
                    name: Some(name),
                    path,
                    id,
                    kind: BlobKind::File {
                        executable: kind == EntryKind::BlobExecutable,
                        conversion,
                    },
                });
            }
        }
    }
    Ok(items)
}

/// Read tree `id` at `prefix` and, when exporting as `git archive` does, its
/// `.gitattributes`.
fn open(
    repo: &gix::Repository,
    id: ObjectId,
    prefix: BString,
    opened_at: usize,
    attributes: Option<&mut Attributes>,
) -> Result<Frame, Error> {
    let tree = super::find(repo, id, gix::object::Kind::Tree)?.into_tree();
    let decoded = tree.decode().map_err(|source| Error::Find { id, source })?;
    let mut entries: Vec<Entry> = decoded
        .entries
        .iter()
        .map(|entry| Entry {
            name: entry.filename.to_owned(),
            kind: entry.mode.kind(),
            id: entry.oid.to_owned(),
        })
        .collect();
    entries.sort_by(|a, b| a.name.cmp(&b.name));

    let mut has_attributes = false;
    if let Some(attributes) = attributes
        && let Some(file) = entries.iter().find(|e| {
            e.name == ".gitattributes"
                && matches!(
                    e.kind,
                    EntryKind::Blob | EntryKind::BlobExecutable | EntryKind::Link
                )
        })
    {
        // git reads `.gitattributes` from the index of the archived tree,
        // whatever its mode (a symlink's "contents" are its target).
        let blob = repo.find_object(file.id).map_err(|source| Error::Find {
            id: file.id,
            source,
        })?;
        attributes.push(prefix.as_bstr(), &blob.data);
        has_attributes = true;
    }
    Ok(Frame {
        entries,
        next: 0,
        prefix,
        opened_at,
        has_attributes,
        written: false,
    })
}

/// `path` for messages.
pub(crate) fn display(path: &BStr) -> String {
    path.to_str_lossy().into_owned()
}
