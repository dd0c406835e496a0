//! The NAR encoder: a state machine that turns a depth-first walk into the
//! exact bytes Nix hashes.

use std::io::{self, Read, Write};

use crate::Error;

/// The first string of every NAR.
const MAGIC: &[u8] = b"nix-archive-1";

/// Bytes copied per read when a file's contents come from a reader.
const COPY_CHUNK: usize = 256 * 1024;

/// Streams one NAR into `W`: the nodes of a tree in depth-first order, with
/// the entries of every directory in strictly increasing byte order.
///
/// The writer checks the structure as it goes (entry names valid and sorted,
/// every directory closed, file sizes honoured) so that a mistake in a caller
/// is an [`Error`], never a NAR that Nix would reject or hash differently.
/// It writes through to `W` without buffering of its own: wrap a file or a
/// socket in a [`std::io::BufWriter`]; a hasher needs nothing.
///
/// ```
/// use sha2::{Digest, Sha256};
///
/// // A directory holding an executable script and a symlink to it.
/// let mut nar = nar::Writer::new(Sha256::new());
/// nar.directory()?;
/// nar.entry(b"run")?;
/// nar.symlink(b"script.sh")?;
/// nar.entry(b"script.sh")?;
/// nar.file(true, b"#!/bin/sh\necho hello\n")?;
/// nar.end_directory()?;
/// let digest = nar.finish()?.finalize();
/// assert_eq!(digest.len(), 32);
/// # Ok::<(), nar::Error>(())
/// ```
#[derive(Debug)]
pub struct Writer<W> {
    out: W,
    /// The directories that are open, innermost last.
    open: Vec<Directory>,
    state: State,
    /// Reused by [`Writer::file_from_reader`].
    chunk: Vec<u8>,
}

#[derive(Debug, Default)]
struct Directory {
    /// The name of the previous entry, to check the order.
    previous: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Nothing written yet: the root node comes next.
    Start,
    /// An entry name was written: its node comes next.
    Node,
    /// Inside a directory, between entries.
    Entries,
    /// A file's contents are being written through [`FileContents`].
    File,
    /// The root node is complete.
    Done,
}

impl<W: Write> Writer<W> {
    /// A writer whose first node will be the root of the archive.
    pub fn new(out: W) -> Self {
        Self {
            out,
            open: Vec::new(),
            state: State::Start,
            chunk: Vec::new(),
        }
    }

    /// The sink, for example to look at what has been hashed so far.
    pub fn get_ref(&self) -> &W {
        &self.out
    }

    /// Write a regular file with `contents` as the next node.
    pub fn file(&mut self, executable: bool, contents: &[u8]) -> Result<(), Error> {
        let mut file = self.file_contents(executable, contents.len() as u64)?;
        file.write_all(contents)?;
        file.finish()
    }

    /// Write a regular file of exactly `size` bytes read from `contents` as
    /// the next node. A reader that ends early is an error
    /// ([`Error::FileSize`]); bytes after the first `size` are not read.
    pub fn file_from_reader(
        &mut self,
        executable: bool,
        size: u64,
        contents: &mut dyn Read,
    ) -> Result<(), Error> {
        let mut chunk = std::mem::take(&mut self.chunk);
        if chunk.is_empty() {
            chunk = vec![0; COPY_CHUNK];
        }
        let mut file = self.file_contents(executable, size)?;
        let copied = copy_exactly(contents, &mut file, size, &mut chunk);
        let finished = copied.and_then(|()| file.finish());
        self.chunk = chunk;
        finished
    }

    /// Start a regular file of exactly `size` bytes as the next node and
    /// return a sink for its contents, for callers that produce them in
    /// pieces. [`FileContents::finish`] completes the node; until then the
    /// writer accepts nothing else.
    ///
    /// ```
    /// use std::io::Write as _;
    ///
    /// let mut nar = nar::Writer::new(Vec::new());
    /// let mut file = nar.file_contents(false, 6)?;
    /// file.write_all(b"hel")?;
    /// file.write_all(b"lo\n")?;
    /// file.finish()?;
    /// let bytes = nar.finish()?;
    ///
    /// let mut whole = nar::Writer::new(Vec::new());
    /// whole.file(false, b"hello\n")?;
    /// assert_eq!(bytes, whole.finish()?);
    /// # Ok::<(), nar::Error>(())
    /// ```
    pub fn file_contents(
        &mut self,
        executable: bool,
        size: u64,
    ) -> Result<FileContents<'_, W>, Error> {
        self.begin_node()?;
        self.file_header(executable, size)?;
        self.state = State::File;
        Ok(FileContents {
            nar: self,
            size,
            written: 0,
        })
    }

    /// Write a symbolic link pointing at `target` (kept verbatim) as the next node.
    pub fn symlink(&mut self, target: &[u8]) -> Result<(), Error> {
        self.begin_node()?;
        self.tokens(&[b"(", b"type", b"symlink", b"target"])?;
        self.string(target)?;
        self.token(b")")?;
        self.end_node()
    }

    /// Open a directory as the next node. Its entries follow, each an
    /// [`entry`](Self::entry) name and a node, until
    /// [`end_directory`](Self::end_directory).
    pub fn directory(&mut self) -> Result<(), Error> {
        self.begin_node()?;
        self.tokens(&[b"(", b"type", b"directory"])?;
        self.open.push(Directory::default());
        self.state = State::Entries;
        Ok(())
    }

    /// Name the next entry of the open directory; its node comes next.
    ///
    /// Names must be valid file names (not empty, `.` or `..`, no `/` and no
    /// NUL byte) and strictly greater, byte by byte, than the previous entry's.
    pub fn entry(&mut self, name: &[u8]) -> Result<(), Error> {
        if self.state != State::Entries {
            return Err(Self::misuse("an entry name outside an open directory"));
        }
        check_name(name)?;
        let directory = self.open.last_mut().ok_or(Error::Misuse {
            what: "an entry name outside an open directory",
        })?;
        if let Some(previous) = &directory.previous
            && previous.as_slice() >= name
        {
            return Err(Error::Order {
                previous: previous.clone(),
                name: name.to_vec(),
            });
        }
        directory.previous = Some(name.to_vec());
        self.tokens(&[b"entry", b"(", b"name"])?;
        self.string(name)?;
        self.token(b"node")?;
        self.state = State::Node;
        Ok(())
    }

    /// Close the innermost open directory.
    pub fn end_directory(&mut self) -> Result<(), Error> {
        if self.state != State::Entries {
            return Err(Self::misuse("end_directory without an open directory"));
        }
        self.open.pop();
        self.token(b")")?;
        self.end_node()
    }

    /// Check that the archive is complete, flush and return the sink.
    pub fn finish(mut self) -> Result<W, Error> {
        if self.state != State::Done {
            return Err(Self::misuse("finish before the root node is complete"));
        }
        self.out.flush()?;
        Ok(self.out)
    }

    fn begin_node(&mut self) -> Result<(), Error> {
        match self.state {
            State::Start => self.token(MAGIC),
            State::Node => Ok(()),
            State::Entries => Err(Self::misuse("a node without an entry name")),
            State::File => Err(Self::misuse(
                "a node before the previous file's contents were finished",
            )),
            State::Done => Err(Self::misuse("a node after the root node")),
        }
    }

    /// After a node: close the entry that holds it, or finish the archive.
    fn end_node(&mut self) -> Result<(), Error> {
        if self.open.is_empty() {
            self.state = State::Done;
        } else {
            self.token(b")")?;
            self.state = State::Entries;
        }
        Ok(())
    }

    fn file_header(&mut self, executable: bool, size: u64) -> Result<(), Error> {
        self.tokens(&[b"(", b"type", b"regular"])?;
        if executable {
            self.tokens(&[b"executable", b""])?;
        }
        self.token(b"contents")?;
        self.out.write_all(&size.to_le_bytes())?;
        Ok(())
    }

    fn misuse(what: &'static str) -> Error {
        Error::Misuse { what }
    }

    fn tokens(&mut self, tokens: &[&[u8]]) -> Result<(), Error> {
        tokens.iter().try_for_each(|token| self.token(token))
    }

    /// A string known to need no more than one write of padding.
    fn token(&mut self, token: &[u8]) -> Result<(), Error> {
        self.string(token)
    }

    fn string(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.out.write_all(&(bytes.len() as u64).to_le_bytes())?;
        self.out.write_all(bytes)?;
        self.pad(bytes.len() as u64)
    }

    fn pad(&mut self, len: u64) -> Result<(), Error> {
        const ZEROS: [u8; 8] = [0; 8];
        let rest = (len % 8) as usize;
        if rest != 0 {
            self.out.write_all(&ZEROS[rest..])?;
        }
        Ok(())
    }
}

/// The contents of a regular file being written, from
/// [`Writer::file_contents`]. Exactly the announced number of bytes must be
/// written before [`finish`](Self::finish).
#[derive(Debug)]
pub struct FileContents<'a, W: Write> {
    nar: &'a mut Writer<W>,
    size: u64,
    written: u64,
}

impl<W: Write> FileContents<'_, W> {
    /// How many bytes are still to be written.
    pub fn remaining(&self) -> u64 {
        self.size - self.written
    }

    /// Check the size, then complete the file node.
    pub fn finish(self) -> Result<(), Error> {
        if self.written != self.size {
            return Err(Error::FileSize {
                expected: self.size,
                actual: self.written,
            });
        }
        self.nar.pad(self.size)?;
        self.nar.token(b")")?;
        self.nar.end_node()
    }
}

impl<W: Write> Write for FileContents<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.len() as u64 > self.size - self.written {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                Error::FileSize {
                    expected: self.size,
                    actual: self.written + buf.len() as u64,
                },
            ));
        }
        self.nar.out.write_all(buf)?;
        self.written += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.nar.out.flush()
    }
}

/// Copy exactly `size` bytes from `from` to `to` through `chunk`.
fn copy_exactly(
    from: &mut dyn Read,
    to: &mut impl Write,
    size: u64,
    chunk: &mut [u8],
) -> Result<(), Error> {
    let mut remaining = size;
    while remaining > 0 {
        let want = usize::try_from(remaining).map_or(chunk.len(), |r| r.min(chunk.len()));
        let read = match from.read(&mut chunk[..want]) {
            Ok(0) => {
                return Err(Error::FileSize {
                    expected: size,
                    actual: size - remaining,
                });
            }
            Ok(read) => read,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err.into()),
        };
        to.write_all(&chunk[..read])?;
        remaining -= read as u64;
    }
    Ok(())
}

/// Whether `name` may name a directory entry in a NAR.
fn check_name(name: &[u8]) -> Result<(), Error> {
    if name.is_empty() || name == b"." || name == b".." || name.contains(&b'/') || name.contains(&0)
    {
        return Err(Error::InvalidName {
            name: name.to_vec(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The NAR Nix 2.8 writes for a file holding "hello\n"
    /// (`nix-store --dump`), assembled by hand from the format.
    fn expected_hello_file() -> Vec<u8> {
        let mut out = Vec::new();
        for token in [
            &b"nix-archive-1"[..],
            b"(",
            b"type",
            b"regular",
            b"contents",
        ] {
            out.extend((token.len() as u64).to_le_bytes());
            out.extend(token);
            out.resize(out.len().next_multiple_of(8), 0);
        }
        out.extend(6u64.to_le_bytes());
        out.extend(b"hello\n\0\0");
        out.extend(1u64.to_le_bytes());
        out.extend(b")\0\0\0\0\0\0\0");
        out
    }

    #[test]
    fn a_single_file_is_encoded_exactly() {
        let mut nar = Writer::new(Vec::new());
        nar.file(false, b"hello\n").unwrap();
        assert_eq!(nar.finish().unwrap(), expected_hello_file());
    }

    #[test]
    fn a_reader_gives_the_same_bytes_as_a_slice() {
        let mut nar = Writer::new(Vec::new());
        nar.file_from_reader(false, 6, &mut &b"hello\n"[..])
            .unwrap();
        assert_eq!(nar.finish().unwrap(), expected_hello_file());
    }

    #[test]
    fn a_short_reader_is_an_error() {
        let mut nar = Writer::new(Vec::new());
        let err = nar
            .file_from_reader(false, 10, &mut &b"hello\n"[..])
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::FileSize {
                    expected: 10,
                    actual: 6
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn contents_must_match_the_announced_size() {
        let mut nar = Writer::new(Vec::new());
        let mut file = nar.file_contents(false, 3).unwrap();
        assert!(file.write_all(b"four").is_err());
        file.write_all(b"ab").unwrap();
        assert!(matches!(
            file.finish(),
            Err(Error::FileSize {
                expected: 3,
                actual: 2
            })
        ));
        // The unfinished file blocks everything else.
        assert!(matches!(nar.symlink(b"x"), Err(Error::Misuse { .. })));
    }

    #[test]
    fn entries_out_of_order_are_refused() {
        let mut nar = Writer::new(Vec::new());
        nar.directory().unwrap();
        nar.entry(b"b").unwrap();
        nar.file(false, b"").unwrap();
        let err = nar.entry(b"a").unwrap_err();
        assert!(matches!(err, Error::Order { .. }), "{err}");
        assert_eq!(err.to_string(), "NAR entry \"a\" must sort after \"b\"");
    }

    #[test]
    fn duplicate_entries_are_refused() {
        let mut nar = Writer::new(Vec::new());
        nar.directory().unwrap();
        nar.entry(b"a").unwrap();
        nar.file(false, b"").unwrap();
        assert!(matches!(nar.entry(b"a"), Err(Error::Order { .. })));
    }

    #[test]
    fn invalid_names_are_refused() {
        for name in [&b""[..], b".", b"..", b"a/b", b"a\0b"] {
            let mut nar = Writer::new(Vec::new());
            nar.directory().unwrap();
            assert!(
                matches!(nar.entry(name), Err(Error::InvalidName { .. })),
                "{name:?}"
            );
        }
    }

    #[test]
    fn names_sort_by_bytes_not_by_characters() {
        // "Z" < "a" < "é" (0xc3 0xa9) < 0xff: bytes, not locale or UTF-8 order.
        let mut nar = Writer::new(Vec::new());
        nar.directory().unwrap();
        for name in [&b"Z"[..], b"a", "é".as_bytes(), b"\xff"] {
            nar.entry(name).unwrap();
            nar.file(false, b"").unwrap();
        }
        nar.end_directory().unwrap();
        nar.finish().unwrap();
    }

    #[test]
    fn misuse_is_an_error_not_a_bad_archive() {
        let mut nar = Writer::new(Vec::new());
        assert!(matches!(nar.entry(b"a"), Err(Error::Misuse { .. })));
        assert!(matches!(nar.end_directory(), Err(Error::Misuse { .. })));
        nar.directory().unwrap();
        assert!(matches!(nar.file(false, b""), Err(Error::Misuse { .. })));
        assert!(matches!(
            Writer::new(Vec::new()).finish(),
            Err(Error::Misuse { .. })
        ));
        let mut done = Writer::new(Vec::new());
        done.symlink(b"x").unwrap();
        assert!(matches!(done.symlink(b"y"), Err(Error::Misuse { .. })));
    }

    #[test]
    fn an_open_directory_cannot_be_finished() {
        let mut nar = Writer::new(Vec::new());
        nar.directory().unwrap();
        assert!(matches!(nar.finish(), Err(Error::Misuse { .. })));
    }
}
