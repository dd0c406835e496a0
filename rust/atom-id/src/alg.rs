//! The signing algorithms atoms use, and the hash each one implies.

use std::fmt;
use std::io;
use std::str::FromStr;

use coz_rs::digest::Digest as _;
use coz_rs::sha2::{Sha256, Sha512};

/// A Coz signing algorithm. Each fixes its hash: Coz hashes the payload, the
/// key thumbprint, the coz digest and `dig` with the same function.
///
/// ```
/// use atom_id::Alg;
///
/// assert_eq!(Alg::default(), Alg::Ed25519);
/// assert_eq!("ES256".parse::<Alg>()?, Alg::ES256);
/// assert_eq!(Alg::ES256.hash(b"").len(), 32);
/// # Ok::<(), atom_id::UnsupportedAlg>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Alg {
    /// `EdDSA` over Curve25519, hashing with SHA-512. The default.
    #[default]
    Ed25519,
    /// ECDSA over P-256 with SHA-256, low-S signatures only.
    ES256,
}

impl Alg {
    /// Every supported algorithm.
    pub const ALL: [Self; 2] = [Self::Ed25519, Self::ES256];

    /// The name Coz uses in `alg` fields.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Ed25519 => "Ed25519",
            Self::ES256 => "ES256",
        }
    }

    /// The length of this algorithm's digests (`cad`, `czd`, `tmb`, `dig`).
    pub const fn digest_len(self) -> usize {
        match self {
            Self::Ed25519 => 64,
            Self::ES256 => 32,
        }
    }

    /// The length of a public key (`pub`).
    pub const fn pub_len(self) -> usize {
        match self {
            Self::Ed25519 => 32,
            Self::ES256 => 64,
        }
    }

    /// The length of a private key (`prv`).
    pub const fn prv_len(self) -> usize {
        32
    }

    /// The length of a signature (`sig`).
    pub const fn sig_len(self) -> usize {
        64
    }

    /// The name of the hash function.
    pub const fn hash_name(self) -> &'static str {
        match self {
            Self::Ed25519 => "SHA-512",
            Self::ES256 => "SHA-256",
        }
    }

    /// Hash `bytes` with this algorithm's hash.
    pub fn hash(self, bytes: &[u8]) -> Vec<u8> {
        let mut hasher = self.hasher();
        hasher.update(bytes);
        hasher.finish()
    }

    /// A streaming hasher for this algorithm's hash, for `dig` over data too
    /// large to hold (a NAR, for instance): write into it, then
    /// [`DigestWriter::finish`].
    ///
    /// ```
    /// use std::io::Write as _;
    /// use atom_id::Alg;
    ///
    /// let mut hasher = Alg::Ed25519.hasher();
    /// hasher.write_all(b"nix-archive-1")?;
    /// assert_eq!(hasher.finish(), Alg::Ed25519.hash(b"nix-archive-1"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn hasher(self) -> DigestWriter {
        DigestWriter(match self {
            Self::Ed25519 => Hasher::Sha512(Sha512::new()),
            Self::ES256 => Hasher::Sha256(Sha256::new()),
        })
    }

    pub(crate) fn to_coz(self) -> coz_rs::Alg {
        match self {
            Self::Ed25519 => coz_rs::Alg::Ed25519,
            Self::ES256 => coz_rs::Alg::ES256,
        }
    }
}

impl fmt::Display for Alg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Alg {
    type Err = UnsupportedAlg;

    fn from_str(name: &str) -> Result<Self, UnsupportedAlg> {
        Self::ALL
            .into_iter()
            .find(|alg| alg.name() == name)
            .ok_or_else(|| UnsupportedAlg(name.to_owned()))
    }
}

crate::serde_str::serde_via_str!(Alg);

/// An `alg` that atoms do not use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsupportedAlg(pub String);

impl fmt::Display for UnsupportedAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unsupported algorithm {:?}; atoms are signed with Ed25519 or ES256",
            self.0
        )
    }
}

impl std::error::Error for UnsupportedAlg {}

/// Hashes what is written into it with one algorithm's hash; see
/// [`Alg::hasher`].
#[derive(Clone)]
pub struct DigestWriter(Hasher);

#[derive(Clone)]
enum Hasher {
    Sha256(Sha256),
    Sha512(Sha512),
}

impl DigestWriter {
    /// Feed `bytes` to the hash.
    pub fn update(&mut self, bytes: &[u8]) {
        match &mut self.0 {
            Hasher::Sha256(hasher) => hasher.update(bytes),
            Hasher::Sha512(hasher) => hasher.update(bytes),
        }
    }

    /// The digest of everything written.
    pub fn finish(self) -> Vec<u8> {
        match self.0 {
            Hasher::Sha256(hasher) => hasher.finalize().to_vec(),
            Hasher::Sha512(hasher) => hasher.finalize().to_vec(),
        }
    }
}

impl io::Write for DigestWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.update(bytes);
        Ok(bytes.len())
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.update(bytes);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl fmt::Debug for DigestWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.0 {
            Hasher::Sha256(_) => "SHA-256",
            Hasher::Sha512(_) => "SHA-512",
        };
        f.debug_tuple("DigestWriter").field(&name).finish()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;
    use crate::b64;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for alg in Alg::ALL {
            assert_eq!(alg.name().parse::<Alg>().unwrap(), alg);
        }
        let err = "ES384".parse::<Alg>().unwrap_err();
        assert!(err.to_string().contains("\"ES384\""), "{err}");
        assert!("ed25519".parse::<Alg>().is_err());
    }

    #[test]
    fn hashes_are_sha512_and_sha256() {
        // The SHA-256 and SHA-512 of "abc" (FIPS 180-2, appendix B/C).
        assert_eq!(
            b64::encode(&Alg::ES256.hash(b"abc")),
            "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"
        );
        assert_eq!(
            b64::encode(&Alg::Ed25519.hash(b"abc")),
            "3a81oZNherrMQXNJriBBMRLm-k6JqX6iCp7u5ktV05ohkpkqJ0_BqDa6PCOj_uu9RU1EI2Q86A4qmslPpUyknw"
        );
    }

    #[test]
    fn streaming_equals_one_shot_hashing() {
        for alg in Alg::ALL {
            let mut hasher = alg.hasher();
            for chunk in b"a streamed NAR, in pieces".chunks(3) {
                hasher.write_all(chunk).unwrap();
            }
            let streamed = hasher.finish();
            assert_eq!(streamed, alg.hash(b"a streamed NAR, in pieces"));
            assert_eq!(streamed.len(), alg.digest_len());
        }
    }
}
