//! eka's download cache: content-addressed files plus small indexes.
//!
//! ```text
//! <root>/files/sha256/<nix32>         downloaded bytes, named by their SHA-256
//! <root>/urls/<nix32 of the URL>      the SRI of the bytes a URL gave last
//! <root>/nar/<kind>/<nix32 of hash>   the SRI of the download whose NAR (of
//!                                     kind tarball or executable) has this hash
//! <root>/git/<nix32 of the URL>.git   bare repositories
//! <root>/git/<nix32 of the URL>.git.lock  held by whoever uses one
//! <root>/tmp/                         downloads in progress
//! ```
//!
//! Every file is written to `tmp/` and renamed into place, so concurrent
//! fetches (threads or processes) never see half a file. A repository is
//! more than one file and changes in place, so it is used by one fetch at a
//! time: see [`Cache::lock_git`].

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::hash::{Algorithm, Hash, Hasher};

/// The kinds of NAR hashes indexed by the download they came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NarKind {
    Tarball,
    Executable,
}

impl NarKind {
    fn dir(self) -> &'static str {
        match self {
            NarKind::Tarball => "tarball",
            NarKind::Executable => "executable",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Cache {
    root: PathBuf,
}

impl Cache {
    pub(crate) fn new(root: PathBuf) -> Self {
        Self { root }
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Where the bytes with this SHA-256 live (whether or not they do).
    pub(crate) fn file(&self, sha256: &Hash) -> PathBuf {
        self.root
            .join("files")
            .join(sha256.algorithm().name())
            .join(sha256.to_nix32())
    }

    /// The cached bytes with this SHA-256, if present.
    pub(crate) fn existing_file(&self, sha256: &Hash) -> Option<PathBuf> {
        (sha256.algorithm() == Algorithm::Sha256)
            .then(|| self.file(sha256))
            .filter(|path| path.is_file())
    }

    /// The bare repository that mirrors `url`.
    pub(crate) fn git_dir(&self, url: &str) -> PathBuf {
        self.root.join("git").join(format!("{}.git", key(url)))
    }

    /// Wait for, then hold, exclusive use of the repository that mirrors
    /// `url` (threads and processes alike) until the guard is dropped.
    ///
    /// An advisory lock on a file beside the repository: it goes away with
    /// the process that held it, so a crash leaves nothing to clean up.
    pub(crate) fn lock_git(&self, url: &str) -> io::Result<EntryLock> {
        let dir = self.root.join("git");
        fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{}.git.lock", key(url)));
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        file.lock()?;
        Ok(EntryLock { _file: file })
    }

    /// A new download, hashed while it is written.
    pub(crate) fn incoming(&self, also: Option<Algorithm>) -> io::Result<Incoming> {
        let tmp = self.root.join("tmp");
        fs::create_dir_all(&tmp)?;
        Ok(Incoming {
            file: tempfile::NamedTempFile::new_in(tmp)?,
            sha256: Hasher::new(Algorithm::Sha256),
            also: also.map(Hasher::new),
        })
    }

    /// Remember that `url` gave the bytes `sha256`.
    pub(crate) fn record_url(&self, url: &str, sha256: &Hash) -> io::Result<()> {
        self.write_index(&self.root.join("urls").join(key(url)), sha256)
    }

    /// The bytes `url` gave last time, if still cached.
    pub(crate) fn url_file(&self, url: &str) -> Option<(Hash, PathBuf)> {
        let sha256 = read_index(&self.root.join("urls").join(key(url)))?;
        let path = self.existing_file(&sha256)?;
        Some((sha256, path))
    }

    /// Remember that the download `sha256` has the NAR hash `nar`.
    pub(crate) fn record_nar(&self, kind: NarKind, nar: &Hash, sha256: &Hash) -> io::Result<()> {
        self.write_index(&self.nar_index(kind, nar), sha256)
    }

    /// The cached download whose NAR has hash `nar`.
    pub(crate) fn nar_file(&self, kind: NarKind, nar: &Hash) -> Option<PathBuf> {
        let sha256 = read_index(&self.nar_index(kind, nar))?;
        self.existing_file(&sha256)
    }

    fn nar_index(&self, kind: NarKind, nar: &Hash) -> PathBuf {
        self.root.join("nar").join(kind.dir()).join(format!(
            "{}-{}",
            nar.algorithm(),
            nar.to_nix32()
        ))
    }

    fn write_index(&self, path: &Path, hash: &Hash) -> io::Result<()> {
        let tmp = self.root.join("tmp");
        fs::create_dir_all(&tmp)?;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut file = tempfile::NamedTempFile::new_in(tmp)?;
        writeln!(file, "{}", hash.to_sri())?;
        file.persist(path).map_err(|err| err.error)?;
        Ok(())
    }
}

/// Exclusive use of a cache entry; see [`Cache::lock_git`].
#[derive(Debug)]
pub(crate) struct EntryLock {
    // Closing the file releases the lock.
    _file: File,
}

/// The name under which a URL's entries are kept.
fn key(url: &str) -> String {
    Hash::of(Algorithm::Sha256, url.as_bytes()).to_nix32()
}

fn read_index(path: &Path) -> Option<Hash> {
    let text = fs::read_to_string(path).ok()?;
    Hash::parse(text.trim()).ok()
}

/// A download being written into the cache.
#[derive(Debug)]
pub(crate) struct Incoming {
    file: tempfile::NamedTempFile,
    sha256: Hasher,
    also: Option<Hasher>,
}

/// A download that made it into the cache.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub sha256: Hash,
    /// The hash in the algorithm asked for in [`Cache::incoming`].
    pub also: Option<Hash>,
    pub path: PathBuf,
}

impl Incoming {
    /// Move the file to its place in `cache`.
    pub(crate) fn finish(mut self, cache: &Cache) -> io::Result<Stored> {
        self.file.flush()?;
        let sha256 = self.sha256.finish();
        let path = cache.file(&sha256);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        if path.is_file() {
            // Same name, same bytes: someone else stored it already.
            drop(self.file);
        } else {
            self.file.persist(&path).map_err(|err| err.error)?;
        }
        Ok(Stored {
            sha256,
            also: self.also.map(Hasher::finish),
            path,
        })
    }
}

impl Write for Incoming {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.file.write(buf)?;
        self.sha256.update(&buf[..written]);
        if let Some(also) = &mut self.also {
            also.update(&buf[..written]);
        }
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_are_stored_by_content_and_indexed() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().to_path_buf());
        let mut incoming = cache.incoming(Some(Algorithm::Sha512)).unwrap();
        incoming.write_all(b"bytes").unwrap();
        let stored = incoming.finish(&cache).unwrap();
        assert_eq!(stored.sha256, Hash::of(Algorithm::Sha256, b"bytes"));
        assert_eq!(stored.also, Some(Hash::of(Algorithm::Sha512, b"bytes")));
        assert_eq!(fs::read(&stored.path).unwrap(), b"bytes");
        assert_eq!(
            cache.existing_file(&stored.sha256),
            Some(stored.path.clone())
        );

        cache
            .record_url("https://example.org/x", &stored.sha256)
            .unwrap();
        assert_eq!(
            cache.url_file("https://example.org/x"),
            Some((stored.sha256, stored.path.clone()))
        );
        assert_eq!(cache.url_file("https://example.org/y"), None);

        let nar = Hash::of(Algorithm::Sha256, b"nar");
        cache
            .record_nar(NarKind::Tarball, &nar, &stored.sha256)
            .unwrap();
        assert_eq!(cache.nar_file(NarKind::Tarball, &nar), Some(stored.path));
        assert_eq!(cache.nar_file(NarKind::Executable, &nar), None);
    }

    #[test]
    fn an_entry_is_used_by_one_holder_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().to_path_buf());
        let url = "https://example.org/repo";
        let held = cache.lock_git(url).unwrap();
        let lock_file = format!("{}.lock", cache.git_dir(url).display());
        // A second open file (another thread's or process's) cannot take it…
        let other = File::open(&lock_file).unwrap();
        assert!(matches!(
            other.try_lock(),
            Err(fs::TryLockError::WouldBlock)
        ));
        // …until the holder lets go.
        drop(held);
        other.try_lock().unwrap();
        other.unlock().unwrap();
        drop(cache.lock_git(url).unwrap());
    }

    #[test]
    fn storing_the_same_bytes_twice_is_fine() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().to_path_buf());
        for _ in 0..2 {
            let mut incoming = cache.incoming(None).unwrap();
            incoming.write_all(b"same").unwrap();
            incoming.finish(&cache).unwrap();
        }
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
    }
}
