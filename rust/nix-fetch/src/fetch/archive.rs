//! The NAR hash of an unpacked archive (tar, optionally gzip, xz, bzip2 or
//! zstd compressed, or zip), computed without unpacking to disk: what
//! `builtins.fetchTarball` and `nix-prefetch-url --unpack` hash.
//!
//! Nix unpacks with libarchive into an empty directory, expects exactly one
//! top-level entry and hashes it. Here the archive's entries become an
//! in-memory tree of metadata (with libarchive's rules: later entries replace
//! earlier ones, parents are implied, `..` is refused, hard links share
//! contents), and the NAR is written in sorted order:
//!
//! * while streaming, optimistically: as long as the entries arrive in an
//!   order the NAR can follow (archives made with `tar --sort=name`, and many
//!   others), the hash is done when the download is;
//! * otherwise from the contents kept during that same pass (in memory up
//!   to a budget, beyond it in one anonymous temporary file): the archive is
//!   decompressed once either way.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use nar::Writer;

use crate::hash::{Algorithm, Hash, Hasher};

/// Contents kept in memory, at most; the rest goes to a temporary file.
const MEMORY_BUDGET: usize = 32 * 1024 * 1024;
/// Buffer size for reading compressed input.
const READ_BUFFER: usize = 256 * 1024;

/// Why an archive cannot be hashed the way Nix would.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    #[error("not a tar or zip archive (gzip, xz, bzip2 and zstd compression are understood)")]
    UnknownFormat,
    #[error("the archive is empty; Nix expects exactly one top-level directory")]
    Empty,
    #[error(
        "the archive has more than one top-level entry ({first:?} and {second:?}); \
         Nix expects exactly one top-level directory"
    )]
    TopLevel { first: String, second: String },
    #[error("the archive's single top-level entry {name:?} is not a directory")]
    TopLevelNotDirectory { name: String },
    #[error("archive entry {path:?} refers to a parent directory (`..`)")]
    DotDot { path: String },
    #[error("archive entry {path:?} is a {kind}, which Nix cannot unpack into a store path")]
    UnsupportedEntry { path: String, kind: String },
    #[error("archive entry {path:?} lies below {parent:?}, which is not a directory")]
    NotADirectory { path: String, parent: String },
    #[error("archive entry {path:?} is a hard link to {target:?}, which is not a file before it")]
    HardLink { path: String, target: String },
    #[error("cannot read the archive")]
    Read(#[source] io::Error),
    #[error("cannot read the zip archive")]
    Zip(#[source] zip::result::ZipError),
    #[error("cannot write the NAR")]
    Nar(#[source] nar::Error),
}

impl From<nar::Error> for ArchiveError {
    fn from(err: nar::Error) -> Self {
        ArchiveError::Nar(err)
    }
}

/// How the archive is packed, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Tar(Compression),
    Zip,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compression {
    None,
    Gzip,
    Xz,
    Bzip2,
    Zstd,
}

/// Recognise an archive from (at least the first 512 bytes of) its start.
pub(crate) fn detect(start: &[u8]) -> Option<Format> {
    let format = if start.starts_with(&[0x1f, 0x8b]) {
        Format::Tar(Compression::Gzip)
    } else if start.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        Format::Tar(Compression::Xz)
    } else if start.starts_with(b"BZh") {
        Format::Tar(Compression::Bzip2)
    } else if start.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Format::Tar(Compression::Zstd)
    } else if start.starts_with(b"PK\x03\x04") || start.starts_with(b"PK\x05\x06") {
        Format::Zip
    } else if start.get(257..262) == Some(b"ustar") {
        Format::Tar(Compression::None)
    } else {
        return None;
    };
    Some(format)
}

/// Recognise the format of `reader` from its first bytes, and give back a
/// reader that still yields them.
pub(crate) fn sniff<R: Read>(mut reader: R) -> Result<(Format, Sniffed<R>), ArchiveError> {
    // A tar header is 512 bytes; every magic is within it.
    let mut start = Vec::with_capacity(512);
    (&mut reader)
        .take(512)
        .read_to_end(&mut start)
        .map_err(ArchiveError::Read)?;
    let format = detect(&start).ok_or(ArchiveError::UnknownFormat)?;
    Ok((format, io::Cursor::new(start).chain(reader)))
}

/// A reader after [`sniff`]: the bytes it looked at, then the rest.
pub(crate) type Sniffed<R> = io::Chain<io::Cursor<Vec<u8>>, R>;

/// The entries below the top-level directory, by name.
type Children = BTreeMap<Vec<u8>, Node>;

/// A decompressing reader for a tar stream.
fn decompress<'r>(
    compression: Compression,
    reader: impl BufRead + 'r,
) -> Result<Box<dyn Read + 'r>, ArchiveError> {
    Ok(match compression {
        Compression::None => Box::new(reader),
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(reader)),
        Compression::Xz => Box::new(liblzma::bufread::XzDecoder::new_multi_decoder(reader)),
        Compression::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(reader)),
        Compression::Zstd => {
            Box::new(zstd::stream::read::Decoder::with_buffer(reader).map_err(ArchiveError::Read)?)
        }
    })
}

/// Hash a tar stream (compressed or not), reading it once.
pub(crate) fn hash_tar_stream(
    reader: impl Read,
    compression: Compression,
    algorithm: Algorithm,
) -> Result<Hash, ArchiveError> {
    hash_tar_with(reader, compression, algorithm, Held::default()).map(|(hash, _)| hash)
}

/// The hash, and whether it was written while streaming.
fn hash_tar_with(
    reader: impl Read,
    compression: Compression,
    algorithm: Algorithm,
    held: Held,
) -> Result<(Hash, bool), ArchiveError> {
    let decoder = decompress(compression, BufReader::with_capacity(READ_BUFFER, reader))?;
    let mut builder = Builder::new(Some(Optimist::new(algorithm)?), Some(held));
    for_each_tar_entry(decoder, |index, entry| builder.add_tar_entry(index, entry))?;
    let (tree, optimist, held) = builder.finish()?;
    match optimist {
        Some(optimist) => Ok((optimist.finish()?, true)),
        // Out of order: everything is held, write it in NAR order now.
        None => Ok((
            Emitter::new(&tree, algorithm, held.unwrap_or_default())?.finish()?,
            false,
        )),
    }
}

/// Hash an archive file of any supported format.
pub(crate) fn hash_file(path: &Path, algorithm: Algorithm) -> Result<Hash, ArchiveError> {
    let open = || File::open(path).map_err(ArchiveError::Read);
    let (format, reader) = sniff(open()?)?;
    match format {
        Format::Zip => hash_zip(open()?, algorithm),
        Format::Tar(compression) => hash_tar_stream(reader, compression, algorithm),
    }
}

fn for_each_tar_entry(
    reader: impl Read,
    mut each: impl FnMut(usize, &mut tar::Entry<'_, &mut dyn Read>) -> Result<(), ArchiveError>,
) -> Result<(), ArchiveError> {
    let mut reader = reader;
    let reader: &mut dyn Read = &mut reader;
    let mut archive = tar::Archive::new(reader);
    let entries = archive.entries().map_err(ArchiveError::Read)?;
    for (index, entry) in entries.enumerate() {
        let mut entry = entry.map_err(ArchiveError::Read)?;
        each(index, &mut entry)?;
    }
    Ok(())
}

/// A file system object from the archive; a file's contents stay in the
/// archive (the index of the entry that holds them).
#[derive(Debug)]
enum Node {
    Directory(Children),
    File {
        executable: bool,
        size: u64,
        source: usize,
    },
    Symlink(Vec<u8>),
}

/// What an entry becomes.
enum Kind {
    Directory,
    File { executable: bool, size: u64 },
    Symlink(Vec<u8>),
    HardLink(Vec<Vec<u8>>),
}

/// The tree below the single top-level directory, built entry by entry.
struct Builder {
    top: Option<Vec<u8>>,
    root: Children,
    optimist: Option<Optimist>,
    /// Every file's contents, for when the optimist gives up (`None` when
    /// the archive can be read again at random, as a zip can).
    held: Option<Held>,
}

/// What the optimist needs to know about a node just added.
enum View {
    Directory,
    File { executable: bool, size: u64 },
    Symlink(Vec<u8>),
}

impl Builder {
    fn new(optimist: Option<Optimist>, held: Option<Held>) -> Self {
        Self {
            top: None,
            root: BTreeMap::new(),
            optimist,
            held,
        }
    }

    fn add_tar_entry(
        &mut self,
        index: usize,
        entry: &mut tar::Entry<'_, &mut dyn Read>,
    ) -> Result<(), ArchiveError> {
        let path = entry.path_bytes().into_owned();
        let header = entry.header();
        let entry_type = header.entry_type();
        let kind = match entry_type {
            tar::EntryType::Regular | tar::EntryType::Continuous => Kind::File {
                executable: header.mode().map_err(ArchiveError::Read)? & 0o100 != 0,
                size: entry.size(),
            },
            tar::EntryType::Directory => Kind::Directory,
            tar::EntryType::Symlink => Kind::Symlink(
                entry
                    .link_name_bytes()
                    .map(std::borrow::Cow::into_owned)
                    .unwrap_or_default(),
            ),
            tar::EntryType::Link => {
                let target = entry
                    .link_name_bytes()
                    .map(std::borrow::Cow::into_owned)
                    .unwrap_or_default();
                let components = components(&target)?;
                Kind::HardLink(components)
            }
            // A pax global header (git archive writes one) describes the
            // archive, not a file.
            tar::EntryType::XGlobalHeader => return Ok(()),
            other => {
                return Err(ArchiveError::UnsupportedEntry {
                    path: lossy(&path),
                    kind: format!("{other:?}").to_lowercase(),
                });
            }
        };
        // Only a regular file's entry holds its contents.
        let contents = matches!(kind, Kind::File { .. }).then_some(entry as &mut dyn Read);
        self.add(index, &path, kind, contents)
    }

    /// Add the entry at `path`; `contents` reads a regular file's bytes.
    fn add(
        &mut self,
        index: usize,
        path: &[u8],
        kind: Kind,
        contents: Option<&mut dyn Read>,
    ) -> Result<(), ArchiveError> {
        let mut parts = components(path)?;
        if parts.is_empty() {
            // `./` itself: the directory Nix unpacks into.
            return Ok(());
        }
        let top = parts.remove(0);
        match &self.top {
            None => self.top = Some(top.clone()),
            Some(existing) if *existing != top => {
                return Err(ArchiveError::TopLevel {
                    first: lossy(existing),
                    second: lossy(&top),
                });
            }
            Some(_) => {}
        }
        let Some(name) = parts.pop() else {
            return match kind {
                Kind::Directory => Ok(()),
                _ => Err(ArchiveError::TopLevelNotDirectory { name: lossy(&top) }),
            };
        };

        let node = match kind {
            Kind::Directory => None,
            Kind::File { executable, size } => Some(Node::File {
                executable,
                size,
                source: index,
            }),
            Kind::Symlink(target) => Some(Node::Symlink(target)),
            Kind::HardLink(target) => {
                // The target must be a file already in the tree.
                let found = match target.split_first() {
                    Some((first, rest)) if *first == top => lookup(&self.root, rest),
                    _ => None,
                };
                match found {
                    Some(Node::File {
                        executable,
                        size,
                        source,
                        ..
                    }) => Some(Node::File {
                        executable: *executable,
                        size: *size,
                        source: *source,
                    }),
                    _ => {
                        return Err(ArchiveError::HardLink {
                            path: lossy(path),
                            target: lossy(&target.join(&b'/')),
                        });
                    }
                }
            }
        };

        // Walk to the parent, creating implied directories.
        let mut directory = &mut self.root;
        for (depth, part) in parts.iter().enumerate() {
            let child = directory
                .entry(part.clone())
                .or_insert_with(|| Node::Directory(BTreeMap::new()));
            directory = match child {
                Node::Directory(children) => children,
                _ => {
                    return Err(ArchiveError::NotADirectory {
                        path: lossy(path),
                        parent: lossy(&parts[..=depth].join(&b'/')),
                    });
                }
            };
        }

        let replaced = match node {
            None => match directory.get(&name) {
                Some(Node::Directory(_)) => true,
                _ => directory
                    .insert(name.clone(), Node::Directory(BTreeMap::new()))
                    .is_some(),
            },
            Some(node) => directory.insert(name.clone(), node).is_some(),
        };

        let view = match directory.get(&name) {
            Some(Node::Directory(_)) => View::Directory,
            Some(Node::File {
                executable, size, ..
            }) => View::File {
                executable: *executable,
                size: *size,
            },
            Some(Node::Symlink(target)) => View::Symlink(target.clone()),
            None => unreachable!("just inserted"),
        };
        // A later entry that changes an earlier one, or a hard link (whose
        // contents went by already), ends the optimist's run.
        let written = match &mut self.optimist {
            Some(optimist)
                if !replaced && (contents.is_some() || !matches!(view, View::File { .. })) =>
            {
                optimist.position(&parts, &name, &view)?
            }
            _ => false,
        };
        if !written {
            self.optimist = None;
        }
        if let (View::File { executable, size }, Some(contents)) = (&view, contents) {
            let mut streamed = match &mut self.optimist {
                Some(optimist) => Some(optimist.nar.file_contents(*executable, *size)?),
                None => None,
            };
            match &mut self.held {
                Some(held) => held
                    .keep(index, contents, *size, streamed.as_mut())
                    .map_err(ArchiveError::Read)?,
                None => {
                    if let Some(streamed) = streamed.as_mut() {
                        copy_exactly(contents, streamed, *size).map_err(ArchiveError::Read)?;
                    }
                }
            }
            if let Some(streamed) = streamed {
                streamed.finish()?;
            }
        }
        Ok(())
    }

    /// The tree, the optimistic hasher if it kept up, and the contents.
    fn finish(self) -> Result<(Children, Option<Optimist>, Option<Held>), ArchiveError> {
        if self.top.is_none() {
            return Err(ArchiveError::Empty);
        }
        Ok((self.root, self.optimist, self.held))
    }
}

fn lookup<'t>(root: &'t Children, path: &[Vec<u8>]) -> Option<&'t Node> {
    let (last, parents) = path.split_last()?;
    let mut directory = root;
    for part in parents {
        match directory.get(part)? {
            Node::Directory(children) => directory = children,
            _ => return None,
        }
    }
    directory.get(last)
}

/// The components of an archive path as libarchive resolves it inside the
/// target directory: leading `/` and `.` components dropped, `..` refused.
fn components(path: &[u8]) -> Result<Vec<Vec<u8>>, ArchiveError> {
    let mut parts = Vec::new();
    for part in path.split(|&b| b == b'/') {
        match part {
            b"" | b"." => {}
            b".." => return Err(ArchiveError::DotDot { path: lossy(path) }),
            part => parts.push(part.to_vec()),
        }
    }
    Ok(parts)
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Writes the NAR while the archive streams, as long as entries arrive in an
/// order the NAR can follow.
struct Optimist {
    nar: Writer<Hasher>,
    /// The directories open below the root, outermost first.
    open: Vec<Vec<u8>>,
}

impl Optimist {
    fn new(algorithm: Algorithm) -> Result<Self, ArchiveError> {
        let mut nar = Writer::new(Hasher::new(algorithm));
        nar.directory()?;
        Ok(Self {
            nar,
            open: Vec::new(),
        })
    }

    /// Write the entry `name` in directory `parents`, up to a file's
    /// contents (which the caller streams). `Ok(false)` when the order does
    /// not allow it.
    fn position(
        &mut self,
        parents: &[Vec<u8>],
        name: &[u8],
        node: &View,
    ) -> Result<bool, ArchiveError> {
        // Close directories that are not on the way, open those that are.
        let common = self
            .open
            .iter()
            .zip(parents)
            .take_while(|(open, wanted)| open == wanted)
            .count();
        while self.open.len() > common {
            self.nar.end_directory()?;
            self.open.pop();
        }
        for part in &parents[common..] {
            if !self.enter(part)? {
                return Ok(false);
            }
            self.nar.directory()?;
            self.open.push(part.clone());
        }
        if !self.enter(name)? {
            return Ok(false);
        }
        match node {
            View::Directory => {
                self.nar.directory()?;
                self.open.push(name.to_vec());
            }
            View::Symlink(target) => self.nar.symlink(target)?,
            View::File { .. } => {}
        }
        Ok(true)
    }

    /// Name the next entry; `Ok(false)` if it is out of order.
    fn enter(&mut self, name: &[u8]) -> Result<bool, ArchiveError> {
        match self.nar.entry(name) {
            Ok(()) => Ok(true),
            Err(nar::Error::Order { .. }) => Ok(false),
            Err(err) => Err(err.into()),
        }
    }

    fn finish(mut self) -> Result<Hash, ArchiveError> {
        for _ in 0..self.open.len() {
            self.nar.end_directory()?;
        }
        self.nar.end_directory()?;
        Ok(self.nar.finish()?.finish())
    }
}

/// An entry that ended before its announced size is an error.
fn check_size(actual: u64, size: u64) -> io::Result<()> {
    if actual == size {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!("archive entry ended after {actual} of {size} bytes"),
        ))
    }
}

/// Copy exactly `size` bytes; an early end is an error.
fn copy_exactly(from: &mut dyn Read, to: &mut impl Write, size: u64) -> io::Result<()> {
    let copied = io::copy(&mut from.take(size), to)?;
    check_size(copied, size)
}

/// One step of the NAR of a finished tree.
enum Step<'t> {
    Directory(Option<&'t [u8]>),
    End,
    Symlink(&'t [u8], &'t [u8]),
    File {
        name: &'t [u8],
        executable: bool,
        size: u64,
        source: usize,
    },
}

fn steps<'t>(root: &'t Children, out: &mut Vec<Step<'t>>) {
    // BTreeMap<Vec<u8>, _> iterates in byte order: the NAR's order.
    for (name, node) in root {
        match node {
            Node::Directory(children) => {
                out.push(Step::Directory(Some(name)));
                steps(children, out);
                out.push(Step::End);
            }
            Node::Symlink(target) => out.push(Step::Symlink(name, target)),
            Node::File {
                executable,
                size,
                source,
            } => out.push(Step::File {
                name,
                executable: *executable,
                size: *size,
                source: *source,
            }),
        }
    }
}

/// Writes the NAR of a known tree while the archive's entries are offered
/// in archive order, holding back those that come early.
struct Emitter<'t> {
    steps: Vec<Step<'t>>,
    next: usize,
    nar: Writer<Hasher>,
    /// How many files still need each entry's contents.
    uses: HashMap<usize, usize>,
    held: Held,
}

impl<'t> Emitter<'t> {
    fn new(root: &'t Children, algorithm: Algorithm, held: Held) -> Result<Self, ArchiveError> {
        let mut list = vec![Step::Directory(None)];
        steps(root, &mut list);
        list.push(Step::End);
        let mut uses = HashMap::new();
        for step in &list {
            if let Step::File { source, .. } = step {
                *uses.entry(*source).or_insert(0) += 1;
            }
        }
        let mut emitter = Self {
            steps: list,
            next: 0,
            nar: Writer::new(Hasher::new(algorithm)),
            uses,
            held,
        };
        emitter.advance()?;
        Ok(emitter)
    }

    /// Entry `index` of the archive is here: write it if it is next, keep it
    /// if it is needed later.
    fn offer(&mut self, index: usize, contents: &mut dyn Read) -> Result<(), ArchiveError> {
        let Some(&uses) = self.uses.get(&index) else {
            return Ok(());
        };
        let wanted_now = matches!(self.steps.get(self.next), Some(Step::File { source, .. }) if *source == index);
        if wanted_now && uses == 1 {
            let Some(Step::File {
                name,
                executable,
                size,
                ..
            }) = self.steps.get(self.next)
            else {
                unreachable!("checked above")
            };
            self.nar.entry(name)?;
            let mut file = self.nar.file_contents(*executable, *size)?;
            copy_exactly(contents, &mut file, *size).map_err(ArchiveError::Read)?;
            file.finish()?;
            self.uses.remove(&index);
            self.next += 1;
        } else {
            let size = self.size_of(index);
            self.held
                .keep(index, contents, size, None::<&mut io::Sink>)
                .map_err(ArchiveError::Read)?;
        }
        self.advance()
    }

    /// The size of the file entry `index` holds.
    fn size_of(&self, index: usize) -> u64 {
        self.steps
            .iter()
            .find_map(|step| match step {
                Step::File { source, size, .. } if *source == index => Some(*size),
                _ => None,
            })
            .unwrap_or(0)
    }

    /// The archive entry whose contents the NAR needs next, if any.
    fn wanted(&self) -> Option<usize> {
        match self.steps.get(self.next) {
            Some(Step::File { source, .. }) => Some(*source),
            _ => None,
        }
    }

    /// Write every step whose contents are available.
    fn advance(&mut self) -> Result<(), ArchiveError> {
        while let Some(step) = self.steps.get(self.next) {
            match step {
                Step::Directory(name) => {
                    if let Some(name) = name {
                        self.nar.entry(name)?;
                    }
                    self.nar.directory()?;
                }
                Step::End => self.nar.end_directory()?,
                Step::Symlink(name, target) => {
                    self.nar.entry(name)?;
                    self.nar.symlink(target)?;
                }
                Step::File {
                    name,
                    executable,
                    size,
                    source,
                } => {
                    if !self.held.has(*source) {
                        return Ok(());
                    }
                    self.nar.entry(name)?;
                    let mut file = self.nar.file_contents(*executable, *size)?;
                    self.held
                        .write(*source, &mut file)
                        .map_err(ArchiveError::Read)?;
                    file.finish()?;
                    let left = self.uses.get_mut(source).map_or(0, |uses| {
                        *uses -= 1;
                        *uses
                    });
                    if left == 0 {
                        self.uses.remove(source);
                        self.held.forget(*source);
                    }
                }
            }
            self.next += 1;
        }
        Ok(())
    }

    fn finish(self) -> Result<Hash, ArchiveError> {
        if self.next != self.steps.len() {
            return Err(ArchiveError::Read(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the archive changed between two reads",
            )));
        }
        Ok(self.nar.finish()?.finish())
    }
}

/// Contents that arrived before their turn: in memory up to a budget
/// ([`MEMORY_BUDGET`]), in an anonymous temporary file beyond.
struct Held {
    budget: usize,
    memory: HashMap<usize, Vec<u8>>,
    in_memory: usize,
    spill: Option<io::BufWriter<File>>,
    spilled: HashMap<usize, (u64, u64)>,
    spill_end: u64,
}

impl Default for Held {
    fn default() -> Self {
        Self::with_budget(MEMORY_BUDGET)
    }
}

impl Held {
    fn with_budget(budget: usize) -> Self {
        Self {
            budget,
            memory: HashMap::new(),
            in_memory: 0,
            spill: None,
            spilled: HashMap::new(),
            spill_end: 0,
        }
    }

    fn has(&self, index: usize) -> bool {
        self.memory.contains_key(&index) || self.spilled.contains_key(&index)
    }

    /// Keep `size` bytes of `contents` for entry `index`, also writing them
    /// to `also` as they pass.
    fn keep(
        &mut self,
        index: usize,
        contents: &mut dyn Read,
        size: u64,
        mut also: Option<&mut impl Write>,
    ) -> io::Result<()> {
        let fits = usize::try_from(size)
            .ok()
            .filter(|&size| self.in_memory + size <= self.budget);
        if let Some(len) = fits {
            let mut bytes = Vec::with_capacity(len);
            contents.take(size).read_to_end(&mut bytes)?;
            check_size(bytes.len() as u64, size)?;
            if let Some(also) = also.as_mut() {
                also.write_all(&bytes)?;
            }
            self.in_memory += bytes.len();
            self.memory.insert(index, bytes);
            return Ok(());
        }
        let spill = match &mut self.spill {
            Some(file) => file,
            empty => empty.insert(io::BufWriter::with_capacity(
                READ_BUFFER,
                tempfile::tempfile()?,
            )),
        };
        let mut remaining = size;
        let mut chunk = vec![0; READ_BUFFER];
        while remaining > 0 {
            let want = usize::try_from(remaining).map_or(chunk.len(), |r| r.min(chunk.len()));
            let read = contents.read(&mut chunk[..want])?;
            if read == 0 {
                check_size(size - remaining, size)?;
            }
            spill.write_all(&chunk[..read])?;
            if let Some(also) = also.as_mut() {
                also.write_all(&chunk[..read])?;
            }
            remaining -= read as u64;
        }
        self.spilled.insert(index, (self.spill_end, size));
        self.spill_end += size;
        Ok(())
    }

    fn write(&mut self, index: usize, to: &mut impl Write) -> io::Result<()> {
        if let Some(bytes) = self.memory.get(&index) {
            return to.write_all(bytes);
        }
        let (Some(&(offset, len)), Some(spill)) = (self.spilled.get(&index), self.spill.as_mut())
        else {
            return Err(io::Error::other("held contents went missing"));
        };
        spill.flush()?;
        let file = spill.get_mut();
        file.seek(SeekFrom::Start(offset))?;
        copy_exactly(file, to, len)?;
        // Further contents are appended at the end.
        file.seek(SeekFrom::End(0))?;
        Ok(())
    }

    fn forget(&mut self, index: usize) {
        if let Some(bytes) = self.memory.remove(&index) {
            self.in_memory -= bytes.len();
        }
        self.spilled.remove(&index);
    }
}

/// Hash a zip archive: its central directory gives the whole tree at once.
fn hash_zip(file: File, algorithm: Algorithm) -> Result<Hash, ArchiveError> {
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(ArchiveError::Zip)?;
    let mut builder = Builder::new(None, None);
    for index in 0..zip.len() {
        let (path, kind) = {
            let entry = zip.by_index_raw(index).map_err(ArchiveError::Zip)?;
            let path = entry.name_raw().to_vec();
            let mode = entry.unix_mode();
            let kind = if entry.is_dir() {
                Kind::Directory
            } else if entry.is_symlink() {
                Kind::Symlink(Vec::new())
            } else {
                Kind::File {
                    executable: mode.is_some_and(|mode| mode & 0o100 != 0),
                    size: entry.size(),
                }
            };
            (path, kind)
        };
        let kind = match kind {
            Kind::Symlink(_) => {
                let mut target = Vec::new();
                zip.by_index(index)
                    .map_err(ArchiveError::Zip)?
                    .read_to_end(&mut target)
                    .map_err(ArchiveError::Read)?;
                Kind::Symlink(target)
            }
            kind => kind,
        };
        builder.add(index, &path, kind, None)?;
    }
    let (tree, ..) = builder.finish()?;
    // Random access: hand each file's contents over when its turn comes.
    let mut emitter = Emitter::new(&tree, algorithm, Held::default())?;
    while let Some(source) = emitter.wanted() {
        let mut contents = zip.by_index(source).map_err(ArchiveError::Zip)?;
        emitter.offer(source, &mut contents)?;
    }
    emitter.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tar archive of `entries` (path, kind, contents or link target, mode).
    fn tar(entries: &[(&str, tar::EntryType, &[u8], u32)]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (path, kind, data, mode) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_entry_type(*kind);
            header.set_mode(*mode);
            if matches!(kind, tar::EntryType::Symlink | tar::EntryType::Link) {
                header.set_size(0);
                let target = std::str::from_utf8(data).unwrap();
                builder.append_link(&mut header, path, target).unwrap();
            } else {
                header.set_size(data.len() as u64);
                builder.append_data(&mut header, path, *data).unwrap();
            }
        }
        builder.into_inner().unwrap()
    }

    fn hash(archive: &[u8], budget: usize) -> (Hash, bool) {
        hash_tar_with(
            archive,
            Compression::None,
            Algorithm::Sha256,
            Held::with_budget(budget),
        )
        .unwrap()
    }

    #[test]
    fn every_order_and_budget_gives_the_same_hash() {
        use tar::EntryType::{Directory, Link, Regular, Symlink};
        let big = vec![7u8; 3 * READ_BUFFER + 11];
        let entries: Vec<(&str, tar::EntryType, &[u8], u32)> = vec![
            ("top/", Directory, b"", 0o755),
            ("top/lib/", Directory, b"", 0o755),
            ("top/lib/mod.rs", Regular, b"mod", 0o644),
            ("top/lib.rs", Regular, b"lib", 0o644),
            ("top/lib-extra", Regular, &big, 0o755),
            ("top/link", Symlink, b"lib.rs", 0o777),
            ("top/z", Regular, b"shared", 0o644),
            ("top/a-hard", Link, b"top/z", 0o644),
        ];
        // In NAR order (path components compared one by one) the optimist
        // keeps up, as long as there is no hard link: the reference.
        let listed: Vec<_> = entries.iter().filter(|e| e.1 != Link).copied().collect();
        let mut nar = listed.clone();
        nar.sort_by(|a, b| {
            let parts = |p: &'static str| p.trim_end_matches('/').split('/').collect::<Vec<_>>();
            parts(a.0).cmp(&parts(b.0))
        });
        let (reference, streamed) = hash(&tar(&nar), MEMORY_BUDGET);
        assert!(streamed, "NAR order is hashed while streaming");
        let mut reversed = listed.clone();
        reversed.reverse();
        for budget in [0, 5, MEMORY_BUDGET] {
            assert_eq!(
                hash(&tar(&reversed), budget),
                (reference, false),
                "budget {budget}"
            );
            // `lib.rs` before `lib/`: git's order, out of NAR order.
            assert_eq!(
                hash(&tar(&listed), budget),
                (reference, false),
                "budget {budget}"
            );
        }
        // The hard link holds the contents of its target, in any budget.
        let (with_link, _) = hash(&tar(&entries), 0);
        assert_eq!(with_link, hash(&tar(&entries), MEMORY_BUDGET).0);
        assert_ne!(with_link, reference);
    }

    #[test]
    fn a_truncated_entry_is_an_error() {
        let archive = tar(&[("top/f", tar::EntryType::Regular, &[1u8; 5000], 0o644)]);
        let cut = &archive[..1024 + 2000];
        for budget in [0, MEMORY_BUDGET] {
            let err = hash_tar_with(
                cut,
                Compression::None,
                Algorithm::Sha256,
                Held::with_budget(budget),
            )
            .unwrap_err();
            assert!(matches!(err, ArchiveError::Read(_)), "{err:?}");
        }
    }
}
