//! Fetchers for legacy Nix sources, each giving the hash Nix's own fetcher
//! would compute: `builtins.fetchurl` (flat), `<nix/fetchurl.nix>` with
//! `executable = true` (NAR of one executable file), `builtins.fetchTarball`
//! (NAR of the unpacked tree) and `builtins.fetchGit` (rev and `narHash`).
//!
//! A [`Fetcher`] is `Send + Sync`: one instance serves parallel fetches
//! from many threads. Downloads land in a content-addressed cache, so a
//! request that names its expected hash is answered from the cache without
//! the network when it can be.

mod archive;
mod cache;
mod git;
mod mirrors;
mod transport;

use std::cell::Cell;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use archive::ArchiveError;
pub use git::GitError;
pub use mirrors::Mirrors;

use crate::hash::{Algorithm, Hash, Hasher};
use crate::store::{Method, StoreDir, StorePath, StorePathError};
use cache::{Cache, NarKind};
use transport::{Tee, Transport};

/// What to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The canonical URL, as written in `atom.toml` or on the command line.
    pub url: String,
    pub kind: Kind,
    /// The store path name; by default what Nix's fetcher would use (the
    /// URL's last component for files, `source` for trees).
    pub name: Option<String>,
    /// The hash the result must have. It also selects the algorithm, and
    /// lets a cached download answer without the network.
    pub expected: Option<Hash>,
    /// Download again even if the cache could answer.
    pub refresh: bool,
}

/// The fetcher a request stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// The file's bytes, hashed flat (`builtins.fetchurl`).
    File,
    /// One executable file, hashed as its NAR (`<nix/fetchurl.nix>` with
    /// `executable = true`).
    Executable,
    /// An archive with a single top-level directory, hashed as the NAR of
    /// that directory (`builtins.fetchTarball`).
    Tarball,
    /// A git revision, hashed as `builtins.fetchGit` (Nix 2.8) does.
    Git {
        /// A branch or tag name, or a full ref (`refs/…`); the remote's
        /// `HEAD` when absent.
        reference: Option<String>,
        /// The commit to fetch; the tip of `reference` when absent.
        rev: Option<String>,
    },
}

impl Request {
    fn new(url: impl Into<String>, kind: Kind) -> Self {
        Self {
            url: url.into(),
            kind,
            name: None,
            expected: None,
            refresh: false,
        }
    }

    pub fn file(url: impl Into<String>) -> Self {
        Self::new(url, Kind::File)
    }

    pub fn executable(url: impl Into<String>) -> Self {
        Self::new(url, Kind::Executable)
    }

    pub fn tarball(url: impl Into<String>) -> Self {
        Self::new(url, Kind::Tarball)
    }

    pub fn git(url: impl Into<String>, reference: Option<String>, rev: Option<String>) -> Self {
        Self::new(url, Kind::Git { reference, rev })
    }

    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    #[must_use]
    pub fn with_expected(mut self, hash: Hash) -> Self {
        self.expected = Some(hash);
        self
    }

    #[must_use]
    pub fn with_refresh(mut self, refresh: bool) -> Self {
        self.refresh = refresh;
        self
    }

    /// How the result's hash covers it.
    pub fn method(&self) -> Method {
        match self.kind {
            Kind::File => Method::Flat,
            Kind::Executable | Kind::Tarball | Kind::Git { .. } => Method::Recursive,
        }
    }

    fn algorithm(&self) -> Algorithm {
        self.expected
            .map_or(Algorithm::Sha256, |hash| hash.algorithm())
    }

    /// The store path name Nix's fetcher would choose.
    fn default_name(&self) -> String {
        match self.kind {
            Kind::File | Kind::Executable => base_name(&self.url).to_owned(),
            Kind::Tarball | Kind::Git { .. } => "source".to_owned(),
        }
    }
}

/// Nix's `baseNameOf` applied to a URL: its last non-empty component,
/// query string included.
fn base_name(url: &str) -> &str {
    let trimmed = url
        .strip_suffix('/')
        .filter(|s| !s.is_empty())
        .unwrap_or(url);
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// What a fetch found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The canonical URL (the request's, never a mirror's).
    pub url: String,
    /// Where the bytes came from: the URL after mirror rewriting.
    pub fetched_from: String,
    pub method: Method,
    /// The flat or NAR hash, in the algorithm of the expected hash (SHA-256
    /// by default).
    pub hash: Hash,
    /// For git: the commit id.
    pub rev: Option<String>,
    /// For git: the full name of the ref that was followed
    /// (`refs/heads/main`, `refs/tags/v1.0`), if any.
    pub reference: Option<String>,
    pub name: String,
    /// The store path Nix would give the result, when `name` is a valid
    /// store path name.
    pub store_path: Option<StorePath>,
    /// Whether eka's cache answered without a download.
    pub from_cache: bool,
}

/// How a [`Fetcher`] behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// The download cache (`$XDG_CACHE_HOME/eka` for the CLI).
    pub cache_dir: PathBuf,
    pub store_dir: StoreDir,
    pub mirrors: Mirrors,
    /// Never use the network; only the cache and `file://` URLs.
    pub offline: bool,
    /// Tries per download, for failures that may pass (connection errors,
    /// timeouts, HTTP 5xx, 408 and 429).
    pub attempts: u32,
    /// Wait before the second try; each further wait is four times longer.
    pub backoff: Duration,
    pub connect_timeout: Duration,
    /// How long a read may wait for data.
    pub read_timeout: Duration,
}

impl Options {
    /// Defaults around the cache directory `cache_dir`.
    pub fn new(cache_dir: impl Into<PathBuf>) -> Self {
        Self {
            cache_dir: cache_dir.into(),
            store_dir: StoreDir::default(),
            mirrors: Mirrors::default(),
            offline: false,
            attempts: 3,
            backoff: Duration::from_millis(500),
            connect_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(60),
        }
    }
}

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("GET {url}: HTTP {status} {reason}")]
    Status {
        url: String,
        status: u16,
        reason: String,
    },
    #[error("cannot download {url}: {reason}")]
    Transfer {
        url: String,
        reason: String,
        transient: bool,
    },
    #[error("hash mismatch for {}:\n  wanted: {}\n  got:    {}", .0.url, .0.wanted, .0.got)]
    HashMismatch(Box<Mismatch>),
    #[error("cannot unpack {url}")]
    Archive {
        url: String,
        #[source]
        source: ArchiveError,
        /// The transfer broke off (the archive may be fine).
        transient: bool,
    },
    #[error("cannot fetch git repository {url}")]
    Git {
        url: String,
        #[source]
        source: GitError,
    },
    #[error("{url} is not in the download cache and the network is off (--offline)")]
    Offline { url: String },
    #[error("invalid URL {url:?}: {reason}")]
    Url { url: String, reason: String },
    #[error("cannot read {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot use the download cache in {}", path.display())]
    Cache {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(transparent)]
    StorePath(#[from] StorePathError),
    #[error("cannot hash {url}")]
    Nar {
        url: String,
        #[source]
        source: nar::Error,
    },
}

/// A result whose hash is not the one expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub url: String,
    pub wanted: Hash,
    pub got: Hash,
}

impl Error {
    /// Whether trying again may help.
    fn is_transient(&self) -> bool {
        match self {
            Error::Status { status, .. } => *status >= 500 || *status == 408 || *status == 429,
            Error::Transfer { transient, .. } | Error::Archive { transient, .. } => *transient,
            _ => false,
        }
    }
}

/// Fetches requests; see the module documentation.
///
/// ```
/// use nix_fetch::{Fetcher, Options, Request};
///
/// let dir = tempfile::tempdir()?;
/// let file = dir.path().join("hello.txt");
/// std::fs::write(&file, "hello\n")?;
/// let fetcher = Fetcher::new(Options::new(dir.path().join("cache")));
/// let url = format!("file://{}", file.display());
/// let fetched = fetcher.fetch(&Request::file(url))?;
/// // `nix-prefetch-url file://…/hello.txt` prints this hash in base-32.
/// assert_eq!(fetched.hash.to_string(), "sha256-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM=");
/// assert_eq!(fetched.name, "hello.txt");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Fetcher {
    options: Options,
    cache: Cache,
    transport: Transport,
}

impl Fetcher {
    pub fn new(options: Options) -> Self {
        Self {
            cache: Cache::new(options.cache_dir.clone()),
            transport: Transport::new(options.connect_timeout, options.read_timeout),
            options,
        }
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Fetch one request.
    pub fn fetch(&self, request: &Request) -> Result<Fetched, Error> {
        let name = match &request.name {
            Some(name) => {
                // A name given explicitly must be usable.
                self.options.store_dir.fixed_output_path(
                    request.method(),
                    &Hash::of(Algorithm::Sha256, b""),
                    name,
                )?;
                name.clone()
            }
            None => request.default_name(),
        };
        let fetched_from = self.options.mirrors.rewrite(&request.url).into_owned();
        let found = match &request.kind {
            Kind::File => self.fetch_file(request, &fetched_from, false)?,
            Kind::Executable => self.fetch_file(request, &fetched_from, true)?,
            Kind::Tarball => self.fetch_tarball(request, &fetched_from)?,
            Kind::Git { reference, rev } => git::fetch(
                self,
                request,
                &fetched_from,
                reference.as_deref(),
                rev.as_deref(),
            )?,
        };
        if let Some(wanted) = request.expected
            && wanted != found.hash
        {
            return Err(Error::HashMismatch(Box::new(Mismatch {
                url: request.url.clone(),
                wanted,
                got: found.hash,
            })));
        }
        let store_path = self
            .options
            .store_dir
            .fixed_output_path(request.method(), &found.hash, &name)
            .ok();
        Ok(Fetched {
            url: request.url.clone(),
            fetched_from,
            method: request.method(),
            hash: found.hash,
            rev: found.rev,
            reference: found.reference,
            name,
            store_path,
            from_cache: found.from_cache,
        })
    }

    /// List the refs of a git repository (`git ls-remote`): full ref names
    /// and the commits (tags peeled) they point at, sorted by name.
    pub fn list_git_refs(&self, url: &str) -> Result<Vec<(String, String)>, Error> {
        let fetched_from = self.options.mirrors.rewrite(url).into_owned();
        git::list_refs(self, url, &fetched_from)
    }

    /// `file://` and flat downloads, hashed flat or as one executable file.
    fn fetch_file(&self, request: &Request, from: &str, executable: bool) -> Result<Found, Error> {
        let algorithm = request.algorithm();
        let hash_of = |path: &Path| -> Result<Hash, Error> {
            if executable {
                executable_nar_hash(path, algorithm, &request.url)
            } else {
                flat_hash(path, algorithm)
            }
        };
        if !request.refresh
            && let Some(path) = self.cached(request, executable)
        {
            let hash = hash_of(&path)?;
            if request.expected.is_none_or(|wanted| wanted == hash) {
                return Ok(Found::cached(hash));
            }
        }
        let stored = self.download(request, from, Some(algorithm))?;
        let hash = if executable {
            let hash = hash_of(&stored.path)?;
            self.remember_nar(NarKind::Executable, &hash, &stored.sha256)?;
            hash
        } else {
            stored.also.unwrap_or(stored.sha256)
        };
        Ok(Found::downloaded(hash))
    }

    fn fetch_tarball(&self, request: &Request, from: &str) -> Result<Found, Error> {
        let algorithm = request.algorithm();
        let archive_error = |source, transient| Error::Archive {
            url: shown(&request.url, from),
            source,
            transient,
        };
        if !request.refresh
            && let Some(path) = self.cached(request, false)
        {
            let hash =
                archive::hash_file(&path, algorithm).map_err(|err| archive_error(err, false))?;
            if request.expected.is_none_or(|wanted| wanted == hash) {
                return Ok(Found::cached(hash));
            }
        }
        if self.options.offline && !from.starts_with("file:") {
            return Err(Error::Offline {
                url: shown(&request.url, from),
            });
        }
        // Hash tar archives while downloading; zip archives need the whole
        // file (their directory is at the end).
        let (stored, streamed) = self.with_retries(|| {
            let mut incoming = self.incoming(None)?;
            let failed = Cell::new(false);
            let body =
                self.transport
                    .open(from, &shown(&request.url, from), self.options.offline)?;
            let mut tee = Tee {
                inner: body,
                copy: &mut incoming,
                transfer_failed: &failed,
            };
            let streamed = (|| {
                let (format, mut reader) = archive::sniff(&mut tee)?;
                let hash = match format {
                    archive::Format::Tar(compression) => Some(archive::hash_tar_stream(
                        &mut reader,
                        compression,
                        algorithm,
                    )?),
                    archive::Format::Zip => None,
                };
                // The rest of the download (padding, trailers) for the cache.
                io::copy(&mut reader, &mut io::sink()).map_err(ArchiveError::Read)?;
                Ok(hash)
            })()
            .map_err(|err| archive_error(err, failed.get()))?;
            let stored = incoming
                .finish(&self.cache)
                .map_err(|source| Error::Cache {
                    path: self.cache.root().to_path_buf(),
                    source,
                })?;
            Ok((stored, streamed))
        })?;
        self.remember_url(&request.url, &stored.sha256)?;
        let hash = match streamed {
            Some(hash) => hash,
            None => archive::hash_file(&stored.path, algorithm)
                .map_err(|err| archive_error(err, false))?,
        };
        self.remember_nar(NarKind::Tarball, &hash, &stored.sha256)?;
        Ok(Found::downloaded(hash))
    }

    /// A cached download that may answer `request`: the one whose hash is
    /// expected, or (offline, with nothing expected) the URL's last one.
    fn cached(&self, request: &Request, executable: bool) -> Option<PathBuf> {
        let by_hash = request.expected.and_then(|wanted| match request.kind {
            Kind::File => self.cache.existing_file(&wanted),
            Kind::Executable => self.cache.nar_file(NarKind::Executable, &wanted),
            Kind::Tarball => self.cache.nar_file(NarKind::Tarball, &wanted),
            Kind::Git { .. } => None,
        });
        let _ = executable;
        by_hash.or_else(|| {
            (self.options.offline || request.expected.is_some())
                .then(|| self.cache.url_file(&request.url).map(|(_, path)| path))
                .flatten()
        })
    }

    /// Download `from` into the cache, with retries.
    fn download(
        &self,
        request: &Request,
        from: &str,
        also: Option<Algorithm>,
    ) -> Result<cache::Stored, Error> {
        let shown = shown(&request.url, from);
        let stored = self.with_retries(|| {
            let mut incoming = self.incoming(also)?;
            let mut body = self.transport.open(from, &shown, self.options.offline)?;
            io::copy(&mut body, &mut incoming).map_err(|err| Error::Transfer {
                url: shown.clone(),
                reason: err.to_string(),
                transient: true,
            })?;
            incoming.finish(&self.cache).map_err(|source| Error::Cache {
                path: self.cache.root().to_path_buf(),
                source,
            })
        })?;
        self.remember_url(&request.url, &stored.sha256)?;
        Ok(stored)
    }

    fn incoming(&self, also: Option<Algorithm>) -> Result<cache::Incoming, Error> {
        self.cache.incoming(also).map_err(|source| Error::Cache {
            path: self.cache.root().to_path_buf(),
            source,
        })
    }

    fn remember_url(&self, url: &str, sha256: &Hash) -> Result<(), Error> {
        self.cache
            .record_url(url, sha256)
            .map_err(|source| Error::Cache {
                path: self.cache.root().to_path_buf(),
                source,
            })
    }

    fn remember_nar(&self, kind: NarKind, nar: &Hash, sha256: &Hash) -> Result<(), Error> {
        self.cache
            .record_nar(kind, nar, sha256)
            .map_err(|source| Error::Cache {
                path: self.cache.root().to_path_buf(),
                source,
            })
    }

    /// Run `attempt` until it succeeds, fails for good, or runs out of tries.
    fn with_retries<T>(&self, mut attempt: impl FnMut() -> Result<T, Error>) -> Result<T, Error> {
        let mut delay = self.options.backoff;
        let mut tries = 1;
        loop {
            match attempt() {
                Err(err) if err.is_transient() && tries < self.options.attempts.max(1) => {
                    std::thread::sleep(delay);
                    delay *= 4;
                    tries += 1;
                }
                result => return result,
            }
        }
    }
}

/// The result of one kind of fetch, before the common parts are added.
struct Found {
    hash: Hash,
    rev: Option<String>,
    reference: Option<String>,
    from_cache: bool,
}

impl Found {
    fn cached(hash: Hash) -> Self {
        Self {
            hash,
            rev: None,
            reference: None,
            from_cache: true,
        }
    }

    fn downloaded(hash: Hash) -> Self {
        Self {
            hash,
            rev: None,
            reference: None,
            from_cache: false,
        }
    }
}

/// How messages name a URL fetched through a mirror.
fn shown(url: &str, from: &str) -> String {
    if url == from {
        url.to_owned()
    } else {
        format!("{from} (mirror of {url})")
    }
}

fn flat_hash(path: &Path, algorithm: Algorithm) -> Result<Hash, Error> {
    let io_error = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io_error)?;
    let mut hasher = Hasher::new(algorithm);
    io::copy(&mut file, &mut hasher).map_err(io_error)?;
    Ok(hasher.finish())
}

/// The NAR hash of the file at `path` as a single executable file.
fn executable_nar_hash(path: &Path, algorithm: Algorithm, url: &str) -> Result<Hash, Error> {
    let io_error = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io_error)?;
    let size = file.metadata().map_err(io_error)?.len();
    let mut nar = nar::Writer::new(Hasher::new(algorithm));
    let nar_error = |source| Error::Nar {
        url: url.to_owned(),
        source,
    };
    nar.file_from_reader(true, size, &mut file)
        .map_err(nar_error)?;
    Ok(nar.finish().map_err(nar_error)?.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_nix_base_name_of() {
        assert_eq!(base_name("https://h/a/b.tar.gz"), "b.tar.gz");
        assert_eq!(base_name("https://h/a/b.tar.gz?raw=1"), "b.tar.gz?raw=1");
        assert_eq!(base_name("https://h/a/dir/"), "dir");
        assert_eq!(base_name("file:///x"), "x");
        assert_eq!(Request::tarball("https://h/a.tgz").default_name(), "source");
    }

    #[test]
    fn fetchers_are_shareable_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Fetcher>();
        assert_send_sync::<Request>();
        assert_send_sync::<Fetched>();
        assert_send_sync::<Error>();
    }
}
