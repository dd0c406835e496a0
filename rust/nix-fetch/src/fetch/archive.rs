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
//!   order the NAR can follow (archives made with `tar --sort=name`, and most
//!   others), the hash is done when the download is;
//! * otherwise from the downloaded file in a second pass, holding back (in
//!   memory, or in a temporary file beyond a budget) only the contents that
//!   arrive before their turn.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use nar::Writer;

use crate::hash::{Algorithm, Hash, Hasher};

/// Contents held in memory while they wait for their turn, at most.
const MEMORY_BUDGET: usize = 64 * 1024 * 1024;
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

/// Hash a tar stream (compressed or not) in one pass if its order allows.
/// `Ok(None)` means the contents came out of order: hash the same archive
/// again with [`hash_file`].
pub(crate) fn hash_tar_stream(
    reader: impl Read,
    compression: Compression,
    algorithm: Algorithm,
) -> Result<Option<Hash>, ArchiveError> {
    let decoder = decompress(compression, BufReader::with_capacity(READ_BUFFER, reader))?;
    let mut builder = Builder::new(Some(Optimist::new(algorithm)?));
    for_each_tar_entry(decoder, |index, entry| builder.add_tar_entry(index, entry))?;
    let (_, optimist) = builder.finish()?;
    optimist.map(Optimist::finish).transpose()
}

/// Hash an archive file of any supported format.
pub(crate) fn hash_file(path: &Path, algorithm: Algorithm) -> Result<Hash, ArchiveError> {
    let open = || File::open(path).map_err(ArchiveError::Read);
    let (format, reader) = sniff(open()?)?;
    match format {
        Format::Zip => hash_zip(open()?, algorithm),
        Format::Tar(compression) => {
            // First pass: the shape of the tree.
            let mut builder = Builder::new(None);
            let reader = BufReader::with_capacity(READ_BUFFER, reader);
            for_each_tar_entry(decompress(compression, reader)?, |index, entry| {
                builder.add_tar_entry(index, entry)
            })?;
            let (tree, _) = builder.finish()?;
            // Second pass: the contents, in NAR order.
            let reader = BufReader::with_capacity(READ_BUFFER, open()?);
            let mut emitter = Emitter::new(&tree, algorithm)?;
            for_each_tar_entry(decompress(compression, reader)?, |index, mut entry| {
                emitter.offer(index, &mut entry)
            })?;
            emitter.finish()
        }
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
}

impl Builder {
    fn new(optimist: Option<Optimist>) -> Self {
        Self {
            top: None,
            root: BTreeMap::new(),
            optimist,
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
        self.add(index, &path, kind, Some(entry as &mut dyn Read))
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

        if let Some(optimist) = &mut self.optimist {
            let streamed = if replaced {
                // A later entry changes an earlier one: the NAR written so
                // far may be wrong.
                Ok(false)
            } else {
                let file = lookup_in(directory, &name);
                optimist.add(&parts, &name, file, contents)
            };
            match streamed {
                Ok(true) => {}
                Ok(false) => self.optimist = None,
                Err(err) => return Err(err),
            }
        }
        Ok(())
    }

    /// The tree, and the optimistic hasher if it kept up.
    fn finish(self) -> Result<(Children, Option<Optimist>), ArchiveError> {
        if self.top.is_none() {
            return Err(ArchiveError::Empty);
        }
        Ok((self.root, self.optimist))
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

fn lookup_in<'t>(directory: &'t Children, name: &[u8]) -> Option<&'t Node> {
    directory.get(name)
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

    /// Write the entry `name` in directory `parents`. `Ok(false)` when the
    /// order does not allow it.
    fn add(
        &mut self,
        parents: &[Vec<u8>],
        name: &[u8],
        node: Option<&Node>,
        contents: Option<&mut dyn Read>,
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
            Some(Node::Directory(_)) => {
                self.nar.directory()?;
                self.open.push(name.to_vec());
            }
            Some(Node::Symlink(target)) => self.nar.symlink(target)?,
            Some(Node::File {
                executable, size, ..
            }) => match contents {
                Some(contents) => {
                    let mut file = self.nar.file_contents(*executable, *size)?;
                    copy_exactly(contents, &mut file, *size).map_err(ArchiveError::Read)?;
                    file.finish()?;
                }
                // A hard link: its contents were streamed already.
                None => return Ok(false),
            },
            None => return Ok(false),
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

/// Copy exactly `size` bytes; an early end is an error.
fn copy_exactly(from: &mut dyn Read, to: &mut impl Write, size: u64) -> io::Result<()> {
    let copied = io::copy(&mut from.take(size), to)?;
    if copied == size {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!("archive entry ended after {copied} of {size} bytes"),
        ))
    }
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
    fn new(root: &'t Children, algorithm: Algorithm) -> Result<Self, ArchiveError> {
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
            held: Held::default(),
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
            self.held
                .keep(index, contents)
                .map_err(ArchiveError::Read)?;
        }
        self.advance()
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

/// Contents that arrived before their turn: in memory up to
/// [`MEMORY_BUDGET`], in an anonymous temporary file beyond.
#[derive(Default)]
struct Held {
    memory: HashMap<usize, Vec<u8>>,
    in_memory: usize,
    spill: Option<File>,
    spilled: HashMap<usize, (u64, u64)>,
    spill_end: u64,
}

impl Held {
    fn has(&self, index: usize) -> bool {
        self.memory.contains_key(&index) || self.spilled.contains_key(&index)
    }

    fn keep(&mut self, index: usize, contents: &mut dyn Read) -> io::Result<()> {
        let mut bytes = Vec::new();
        let limit = (MEMORY_BUDGET - self.in_memory.min(MEMORY_BUDGET)) as u64;
        contents.take(limit + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 <= limit {
            self.in_memory += bytes.len();
            self.memory.insert(index, bytes);
            return Ok(());
        }
        let spill = match &mut self.spill {
            Some(file) => file,
            empty => empty.insert(tempfile::tempfile()?),
        };
        spill.seek(SeekFrom::Start(self.spill_end))?;
        spill.write_all(&bytes)?;
        let rest = io::copy(contents, spill)?;
        let len = bytes.len() as u64 + rest;
        self.spilled.insert(index, (self.spill_end, len));
        self.spill_end += len;
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
        spill.seek(SeekFrom::Start(offset))?;
        copy_exactly(spill, to, len)
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
    let mut builder = Builder::new(None);
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
    let (tree, _) = builder.finish()?;
    // Random access: hand each file's contents over when its turn comes.
    let mut emitter = Emitter::new(&tree, algorithm)?;
    while let Some(source) = emitter.wanted() {
        let mut contents = zip.by_index(source).map_err(ArchiveError::Zip)?;
        emitter.offer(source, &mut contents)?;
    }
    emitter.finish()
}
