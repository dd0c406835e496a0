//! TLS for `https://` remotes: rustls with the *ring* provider, so that no
//! system OpenSSL (and no C toolchain for another crypto library) is
//! needed.

/// Make *ring* the process's rustls provider, unless one is installed
/// already (by us earlier, or by the application).
pub(crate) fn install_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race to another thread installing one is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
