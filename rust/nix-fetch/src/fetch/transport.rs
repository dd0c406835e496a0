//! Opening a URL for reading: `file://` from disk, `http(s)://` through
//! reqwest (rustls, redirects, timeouts).

use std::cell::Cell;
use std::fs::File;
use std::io::{self, Read};
use std::sync::OnceLock;
use std::time::Duration;

use super::Error;

/// A response body or a local file.
pub(crate) enum Body {
    Http(Box<reqwest::blocking::Response>),
    File(File),
}

impl Read for Body {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Body::Http(response) => response.read(buf),
            Body::File(file) => file.read(buf),
        }
    }
}

/// The HTTP client, built on first use (a `file://`-only run never starts
/// one).
#[derive(Debug)]
pub(crate) struct Transport {
    client: OnceLock<Result<reqwest::blocking::Client, String>>,
    connect_timeout: Duration,
    read_timeout: Duration,
}

impl Transport {
    pub(crate) fn new(connect_timeout: Duration, read_timeout: Duration) -> Self {
        Self {
            client: OnceLock::new(),
            connect_timeout,
            read_timeout,
        }
    }

    fn client(&self, url: &str) -> Result<&reqwest::blocking::Client, Error> {
        self.client
            .get_or_init(|| {
                install_tls_provider();
                reqwest::blocking::Client::builder()
                    .user_agent(concat!("eka/", env!("CARGO_PKG_VERSION")))
                    .connect_timeout(self.connect_timeout)
                    // In the blocking client this bounds each read, not the
                    // whole transfer.
                    .timeout(self.read_timeout)
                    .redirect(reqwest::redirect::Policy::limited(10))
                    .build()
                    .map_err(|err| format!("{err:#}"))
            })
            .as_ref()
            .map_err(|reason| Error::Transfer {
                url: url.to_owned(),
                reason: format!("cannot start the HTTP client: {reason}"),
                transient: false,
            })
    }

    /// Open `url`. `shown` is how errors name it (the URL and, when a mirror
    /// rewrote it, the original).
    pub(crate) fn open(&self, url: &str, shown: &str, offline: bool) -> Result<Body, Error> {
        let parsed = reqwest::Url::parse(url).map_err(|err| Error::Url {
            url: shown.to_owned(),
            reason: err.to_string(),
        })?;
        match parsed.scheme() {
            "file" => {
                let path = parsed.to_file_path().map_err(|()| Error::Url {
                    url: shown.to_owned(),
                    reason: "a file:// URL must name an absolute local path".to_owned(),
                })?;
                File::open(&path)
                    .map(Body::File)
                    .map_err(|source| Error::Io { path, source })
            }
            "http" | "https" => {
                if offline {
                    return Err(Error::Offline {
                        url: shown.to_owned(),
                    });
                }
                let response = self
                    .client(shown)?
                    .get(parsed)
                    .send()
                    .map_err(|err| transfer_error(shown, &err))?;
                let status = response.status();
                if !status.is_success() {
                    return Err(Error::Status {
                        url: shown.to_owned(),
                        status: status.as_u16(),
                        reason: status.canonical_reason().unwrap_or("").to_owned(),
                    });
                }
                Ok(Body::Http(Box::new(response)))
            }
            scheme => Err(Error::Url {
                url: shown.to_owned(),
                reason: format!(
                    "the {scheme}:// scheme is not supported (use https, http or file)"
                ),
            }),
        }
    }
}

/// Make *ring* the process's rustls provider unless one is installed: no
/// OpenSSL and no other C crypto library is needed.
pub(crate) fn install_tls_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race to another thread installing one is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

fn transfer_error(url: &str, err: &reqwest::Error) -> Error {
    // The chain of causes says what went wrong (DNS, refused, TLS, …).
    let mut reason = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        reason.push_str(": ");
        reason.push_str(&cause.to_string());
        source = cause.source();
    }
    Error::Transfer {
        url: url.to_owned(),
        reason,
        transient: err.is_connect() || err.is_timeout() || err.is_request() || err.is_body(),
    }
}

/// A reader that copies everything it reads into `copy`, and remembers
/// whether the underlying transfer (not the consumer) failed.
pub(crate) struct Tee<'a, R, W> {
    pub inner: R,
    pub copy: &'a mut W,
    pub transfer_failed: &'a Cell<bool>,
}

impl<R: Read, W: io::Write> Read for Tee<'_, R, W> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = match self.inner.read(buf) {
            Ok(read) => read,
            Err(err) => {
                if err.kind() != io::ErrorKind::Interrupted {
                    self.transfer_failed.set(true);
                }
                return Err(err);
            }
        };
        self.copy.write_all(&buf[..read])?;
        Ok(read)
    }
}
