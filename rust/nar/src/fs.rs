//! Serialising a path on the file system, the way `nix-store --dump` does.
//!
//! The walk runs on a second thread that opens and reads files ahead of the
//! caller's thread, which only encodes and hashes: reading and hashing overlap,
//! so a large tree costs little more than hashing its bytes.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::os::unix::ffi::{OsStrExt as _, OsStringExt as _};
use std::os::unix::fs::{FileTypeExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use crate::{Error, Writer};

/// Bytes per read of a file.
const CHUNK: usize = 256 * 1024;
/// Events travel in batches of about this many bytes (or [`BATCH_EVENTS`]
/// events), so that the threads meet once per batch, not once per file.
const BATCH_BYTES: usize = 4 * 1024 * 1024;
const BATCH_EVENTS: usize = 2048;
/// Batches in flight between the two threads (memory stays around
/// `QUEUE * BATCH_BYTES`).
const QUEUE: usize = 3;

/// Serialise the file, symlink or directory at `path` into a new NAR written
/// to `out`, and return `out`. This is `nix-store --dump PATH`; hashing the
/// bytes with SHA-256 gives `nix hash path PATH`.
///
/// ```
/// use sha2::{Digest, Sha256};
///
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("hello"), "hello\n")?;
/// let digest = nar::write_path(&dir.path().join("hello"), Sha256::new())?.finalize();
/// // The same as `nix hash path --base16 hello`.
/// assert_eq!(
///     format!("{digest:x}"),
///     "1c37d01af40be2e80691de3cc3df44377a699afbb17c68f080964b2fd071fc13",
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_path<W: Write>(path: &Path, out: W) -> Result<W, Error> {
    let mut nar = Writer::new(out);
    dump_path(path, &mut nar)?;
    nar.finish()
}

/// Serialise `path` as the next node of `nar` (the root, or the node of the
/// entry just named), so that a file system tree can be one part of a larger
/// archive.
///
/// Directory entries are sorted by the raw bytes of their names (which need
/// not be UTF-8), a regular file is executable when its owner may execute it,
/// symbolic links are not followed and their targets are kept verbatim, and
/// empty directories are kept. Sockets, FIFOs and devices are an error.
pub fn dump_path<W: Write>(path: &Path, nar: &mut Writer<W>) -> Result<(), Error> {
    let (batches, receive) = sync_channel(QUEUE);
    let (recycle, spare) = sync_channel((QUEUE + 2) * BATCH_BYTES / CHUNK);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut reader = Reader {
                batches,
                batch: Vec::new(),
                batch_bytes: 0,
                spare,
            };
            // An error is sent as the last event; a closed channel means the
            // encoding side stopped, so there is nobody left to tell.
            let ended = match reader.root(path.to_path_buf()) {
                Err(Stop::Failed(err)) => reader.send(Event::Failed(err)),
                Err(Stop::Hangup) => return,
                Ok(()) => Ok(()),
            };
            if ended.is_ok() {
                let _ = reader.flush();
            }
        });
        let mut events = Events {
            batches: &receive,
            current: Vec::new().into_iter(),
        };
        let result = encode(&mut events, &recycle, nar);
        // Unblock the reading thread if it is still sending, so that the
        // scope can join it.
        drop(receive);
        result
    })
}

/// What the reading thread tells the encoding thread. A node carries the
/// name of the entry that holds it (`None` for the root), so that one event
/// describes one entry.
enum Event {
    /// A regular file and its first chunk; more [`Event::Chunk`]s follow
    /// until `size` bytes were sent.
    File {
        name: Option<Vec<u8>>,
        executable: bool,
        size: u64,
        first: Vec<u8>,
    },
    Chunk(Vec<u8>),
    Symlink {
        name: Option<Vec<u8>>,
        target: Vec<u8>,
    },
    Directory {
        name: Option<Vec<u8>>,
    },
    EndDirectory,
    Failed(Error),
}

/// The events of the batches the reading thread sends, one by one.
struct Events<'a> {
    batches: &'a Receiver<Vec<Event>>,
    current: std::vec::IntoIter<Event>,
}

impl Events<'_> {
    fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(event) = self.current.next() {
                return Some(event);
            }
            self.current = self.batches.recv().ok()?.into_iter();
        }
    }
}

/// Apply the events to the writer until the root node is complete.
fn encode<W: Write>(
    events: &mut Events<'_>,
    recycle: &SyncSender<Vec<u8>>,
    nar: &mut Writer<W>,
) -> Result<(), Error> {
    let mut depth = 0usize;
    loop {
        let Some(event) = events.next() else {
            return Err(Error::Misuse {
                what: "the file system walk stopped before the tree was complete",
            });
        };
        match event {
            Event::File {
                name,
                executable,
                size,
                first,
            } => {
                if let Some(name) = name {
                    nar.entry(&name)?;
                }
                let mut file = nar.file_contents(executable, size)?;
                let mut chunk = first;
                loop {
                    file.write_all(&chunk)?;
                    let written = chunk.len() as u64;
                    let _ = recycle.try_send(chunk);
                    if written == 0 || file.remaining() == 0 {
                        break;
                    }
                    chunk = match events.next() {
                        Some(Event::Chunk(chunk)) => chunk,
                        Some(Event::Failed(err)) => return Err(err),
                        Some(_) | None => break,
                    };
                }
                file.finish()?;
            }
            Event::Chunk(_) => {
                return Err(Error::Misuse {
                    what: "file contents outside a file",
                });
            }
            Event::Symlink { name, target } => {
                if let Some(name) = name {
                    nar.entry(&name)?;
                }
                nar.symlink(&target)?;
            }
            Event::Directory { name } => {
                if let Some(name) = name {
                    nar.entry(&name)?;
                }
                nar.directory()?;
                depth += 1;
                continue;
            }
            Event::EndDirectory => {
                nar.end_directory()?;
                depth -= 1;
            }
            Event::Failed(err) => return Err(err),
        }
        if depth == 0 {
            return Ok(());
        }
    }
}

/// Why the reading thread stopped early.
enum Stop {
    /// The encoding side hung up (it failed or finished).
    Hangup,
    Failed(Error),
}

impl From<Error> for Stop {
    fn from(err: Error) -> Self {
        Stop::Failed(err)
    }
}

struct Reader {
    batches: SyncSender<Vec<Event>>,
    /// The batch being filled, and the bytes of file contents in it.
    batch: Vec<Event>,
    batch_bytes: usize,
    /// Buffers the encoding side is done with, to be filled again.
    spare: Receiver<Vec<u8>>,
}

impl Reader {
    fn send(&mut self, event: Event) -> Result<(), Stop> {
        self.batch_bytes += match &event {
            Event::File { first, .. } => first.len(),
            Event::Chunk(chunk) => chunk.len(),
            _ => 0,
        };
        self.batch.push(event);
        if self.batch_bytes >= BATCH_BYTES || self.batch.len() >= BATCH_EVENTS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), Stop> {
        self.batch_bytes = 0;
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH_EVENTS));
        self.batches.send(batch).map_err(|_| Stop::Hangup)
    }

    fn root(&mut self, path: PathBuf) -> Result<(), Stop> {
        let meta = fs::symlink_metadata(&path).map_err(|source| read_error(&path, source))?;
        self.node(None, path, meta.file_type())
    }

    fn node(
        &mut self,
        name: Option<Vec<u8>>,
        path: PathBuf,
        kind: fs::FileType,
    ) -> Result<(), Stop> {
        if kind.is_dir() {
            self.directory(name, &path)
        } else if kind.is_symlink() {
            let target = fs::read_link(&path).map_err(|source| read_error(&path, source))?;
            self.send(Event::Symlink {
                name,
                target: target.into_os_string().into_vec(),
            })
        } else if kind.is_file() {
            self.file(name, &path)
        } else {
            Err(unsupported(path, kind).into())
        }
    }

    fn directory(&mut self, name: Option<Vec<u8>>, path: &Path) -> Result<(), Stop> {
        let mut entries = Vec::new();
        for entry in fs::read_dir(path).map_err(|source| read_error(path, source))? {
            let entry = entry.map_err(|source| read_error(path, source))?;
            let kind = entry
                .file_type()
                .map_err(|source| read_error(&entry.path(), source))?;
            entries.push((entry.file_name().into_vec(), kind));
        }
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        self.send(Event::Directory { name })?;
        for (name, kind) in entries {
            let child = path.join(std::ffi::OsStr::from_bytes(&name));
            self.node(Some(name), child, kind)?;
        }
        self.send(Event::EndDirectory)
    }

    fn file(&mut self, name: Option<Vec<u8>>, path: &Path) -> Result<(), Stop> {
        let mut file = File::open(path).map_err(|source| read_error(path, source))?;
        let meta = file.metadata().map_err(|source| read_error(path, source))?;
        let size = meta.len();
        let executable = meta.permissions().mode() & 0o100 != 0;
        let mut remaining = size;
        let mut header = Some((name, executable));
        loop {
            let chunk = self.read_chunk(&mut file, remaining, size, path)?;
            remaining -= chunk.len() as u64;
            match header.take() {
                Some((name, executable)) => self.send(Event::File {
                    name,
                    executable,
                    size,
                    first: chunk,
                })?,
                None => self.send(Event::Chunk(chunk))?,
            }
            if remaining == 0 {
                return Ok(());
            }
        }
    }

    /// The next up to [`CHUNK`] bytes of a file with `remaining` bytes left
    /// to read, in a buffer the encoding side is done with when there is one.
    fn read_chunk(
        &mut self,
        file: &mut File,
        remaining: u64,
        size: u64,
        path: &Path,
    ) -> Result<Vec<u8>, Stop> {
        let want = usize::try_from(remaining).map_or(CHUNK, |r| r.min(CHUNK));
        let mut chunk = self.spare.try_recv().unwrap_or_default();
        chunk.clear();
        chunk.reserve(want);
        // Reading into the spare capacity: no zeroing, and no read past
        // `want` (the limit ends the loop without a system call).
        let read = Read::by_ref(file)
            .take(want as u64)
            .read_to_end(&mut chunk)
            .map_err(|source| read_error(path, source))?;
        if read < want {
            return Err(Error::Read {
                path: path.to_path_buf(),
                source: std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    format!(
                        "file shrank while it was read ({} of {size} bytes missing)",
                        remaining - read as u64
                    ),
                ),
            }
            .into());
        }
        Ok(chunk)
    }
}

fn read_error(path: &Path, source: std::io::Error) -> Error {
    Error::Read {
        path: path.to_path_buf(),
        source,
    }
}

fn unsupported(path: PathBuf, kind: fs::FileType) -> Error {
    let kind = if kind.is_fifo() {
        "FIFO"
    } else if kind.is_socket() {
        "socket"
    } else if kind.is_block_device() {
        "block device"
    } else if kind.is_char_device() {
        "character device"
    } else {
        "special file"
    };
    Error::UnsupportedFileType { path, kind }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;

    use sha2::{Digest, Sha256};

    use super::*;

    fn nar_sha256(path: &Path) -> String {
        format!("{:x}", write_path(path, Sha256::new()).unwrap().finalize())
    }

    fn set_mode(path: &Path, mode: u32) {
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }

    /// `nix hash path --base16` of a directory with an executable file in a
    /// subdirectory and a relative symlink to it, from Nix 2.8.
    #[test]
    fn a_small_tree_hashes_as_nix_does() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("d");
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::write(root.join("sub/h"), "hello\n").unwrap();
        set_mode(&root.join("sub/h"), 0o755);
        symlink("sub/h", root.join("link")).unwrap();
        // sha256-5vq1b57/+WQr11lhv0vgjL9r3UAzmjm5vdyy4S8UYkI=
        assert_eq!(
            nar_sha256(&root),
            "e6fab56f9efff9642bd75961bf4be08cbf6bdd40339a39b9bddcb2e12f146242"
        );
    }

    #[test]
    fn the_owner_execute_bit_alone_decides() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        fs::write(&file, "x").unwrap();
        set_mode(&file, 0o644);
        let plain = nar_sha256(&file);
        set_mode(&file, 0o655); // group and others may execute: still plain
        assert_eq!(nar_sha256(&file), plain);
        set_mode(&file, 0o744);
        assert_ne!(nar_sha256(&file), plain);
    }

    #[test]
    fn the_result_equals_a_hand_written_archive() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("empty")).unwrap();
        fs::write(root.join("b"), vec![7u8; 3 * CHUNK + 5]).unwrap();
        fs::write(root.join("a"), "").unwrap();
        symlink("/nowhere/\u{e9}", root.join("c")).unwrap();

        let mut expected = Writer::new(Vec::new());
        expected.directory().unwrap();
        expected.entry(b"a").unwrap();
        expected.file(false, b"").unwrap();
        expected.entry(b"b").unwrap();
        expected.file(false, &vec![7u8; 3 * CHUNK + 5]).unwrap();
        expected.entry(b"c").unwrap();
        expected.symlink("/nowhere/\u{e9}".as_bytes()).unwrap();
        expected.entry(b"empty").unwrap();
        expected.directory().unwrap();
        expected.end_directory().unwrap();
        expected.end_directory().unwrap();

        assert_eq!(
            write_path(root, Vec::new()).unwrap(),
            expected.finish().unwrap()
        );
    }

    #[test]
    fn non_utf8_names_sort_by_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for name in [&b"\xff"[..], b"a", b"\xc3\xa9", b"B"] {
            fs::write(root.join(std::ffi::OsStr::from_bytes(name)), name).unwrap();
        }
        let mut expected = Writer::new(Vec::new());
        expected.directory().unwrap();
        for name in [&b"B"[..], b"a", b"\xc3\xa9", b"\xff"] {
            expected.entry(name).unwrap();
            expected.file(false, name).unwrap();
        }
        expected.end_directory().unwrap();
        assert_eq!(
            write_path(root, Vec::new()).unwrap(),
            expected.finish().unwrap()
        );
    }

    #[test]
    fn a_fifo_deep_in_the_tree_is_refused_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("a/b")).unwrap();
        fs::write(dir.path().join("a/b/big"), vec![1u8; 4 * CHUNK]).unwrap();
        let fifo = dir.path().join("a/b/pipe");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
        let err = write_path(dir.path(), Vec::new()).unwrap_err();
        assert!(
            matches!(&err, Error::UnsupportedFileType { path, kind: "FIFO" } if *path == fifo),
            "{err}"
        );
    }

    #[test]
    fn a_missing_path_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        let err = write_path(&missing, Vec::new()).unwrap_err();
        assert!(err.to_string().contains("missing"), "{err}");
    }
}
