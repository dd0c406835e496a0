//! Content hashes as Nix writes and reads them: SRI (`sha256-…`), prefixed
//! (`sha256:` followed by Nix base-32, base-16 or base-64) and bare digests
//! whose algorithm is known from context.

use std::fmt;
use std::io;
use std::str::FromStr;

use base64ct::{Base64, Encoding as _};
use sha2::Digest as _;

use crate::nix32;

/// A hash algorithm Nix's fixed-output paths and eka's locks use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    Sha256,
    Sha512,
}

impl Algorithm {
    /// The name Nix gives it (`sha256`).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    /// Digest size in bytes.
    pub fn size(self) -> usize {
        match self {
            Algorithm::Sha256 => 32,
            Algorithm::Sha512 => 64,
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        match name {
            "sha256" => Some(Algorithm::Sha256),
            "sha512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Algorithm {
    type Err = ParseError;

    fn from_str(name: &str) -> Result<Self, ParseError> {
        Algorithm::from_name(name).ok_or_else(|| ParseError::Algorithm {
            hash: name.to_owned(),
            algorithm: name.to_owned(),
        })
    }
}

/// A digest and the algorithm that produced it.
///
/// `Display` writes SRI, the form eka's locks use; the other forms Nix prints
/// have their own methods.
///
/// ```
/// use nix_fetch::{Algorithm, Hash};
///
/// let hash: Hash = "sha256:0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73".parse()?;
/// assert_eq!(hash.algorithm(), Algorithm::Sha256);
/// assert_eq!(hash.to_string(), "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
/// assert_eq!(
///     hash.to_base16(),
///     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
/// );
/// assert_eq!(Hash::parse_as(Algorithm::Sha256, &hash.to_base16())?, hash);
/// # Ok::<(), nix_fetch::hash::ParseError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hash {
    algorithm: Algorithm,
    digest: [u8; 64],
}

impl Hash {
    /// A hash from its raw digest, which must have the algorithm's size.
    pub fn from_digest(algorithm: Algorithm, digest: &[u8]) -> Result<Self, ParseError> {
        if digest.len() != algorithm.size() {
            return Err(ParseError::Length {
                hash: Base64::encode_string(digest),
                algorithm,
            });
        }
        let mut bytes = [0; 64];
        bytes[..digest.len()].copy_from_slice(digest);
        Ok(Self {
            algorithm,
            digest: bytes,
        })
    }

    /// Hash `bytes` in one go.
    pub fn of(algorithm: Algorithm, bytes: &[u8]) -> Self {
        let mut hasher = Hasher::new(algorithm);
        hasher.update(bytes);
        hasher.finish()
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The raw digest.
    pub fn digest(&self) -> &[u8] {
        &self.digest[..self.algorithm.size()]
    }

    /// `sha256-<base64>`, as in Nix's `hash` attributes and `nix hash --sri`.
    pub fn to_sri(&self) -> String {
        format!("{}-{}", self.algorithm, self.to_base64())
    }

    /// Nix base-32, as `nix-prefetch-url` and `nix hash --base32` print.
    pub fn to_nix32(&self) -> String {
        nix32::encode(self.digest())
    }

    /// Lower-case hexadecimal, as `nix-hash` prints by default.
    pub fn to_base16(&self) -> String {
        self.digest().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Standard padded base-64.
    pub fn to_base64(&self) -> String {
        Base64::encode_string(self.digest())
    }

    /// Parse a hash that names its algorithm: SRI (`sha256-<base64>`) or
    /// `sha256:` followed by base-32, base-16 or base-64 (told apart by
    /// length, as Nix does).
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        Self::parse_prefixed(text)?.ok_or_else(|| ParseError::NoAlgorithm {
            hash: text.to_owned(),
        })
    }

    /// Parse a hash of a known algorithm: any form [`Hash::parse`] accepts
    /// (whose algorithm must then be `algorithm`), or a bare base-32,
    /// base-16 or base-64 digest.
    pub fn parse_as(algorithm: Algorithm, text: &str) -> Result<Self, ParseError> {
        match Self::parse_prefixed(text)? {
            Some(hash) if hash.algorithm == algorithm => Ok(hash),
            Some(hash) => Err(ParseError::WrongAlgorithm {
                hash: text.to_owned(),
                expected: algorithm,
                actual: hash.algorithm,
            }),
            None => Self::parse_digest(algorithm, text, text, false),
        }
    }

    /// `Ok(None)` when `text` carries no algorithm prefix.
    fn parse_prefixed(text: &str) -> Result<Option<Self>, ParseError> {
        let (name, rest, sri) = if let Some((name, rest)) = text.split_once(':') {
            (name, rest, false)
        } else if let Some((name, rest)) = text.split_once('-') {
            (name, rest, true)
        } else {
            return Ok(None);
        };
        let algorithm = Algorithm::from_name(name).ok_or_else(|| ParseError::Algorithm {
            hash: text.to_owned(),
            algorithm: name.to_owned(),
        })?;
        Self::parse_digest(algorithm, rest, text, sri).map(Some)
    }

    fn parse_digest(
        algorithm: Algorithm,
        digits: &str,
        original: &str,
        sri: bool,
    ) -> Result<Self, ParseError> {
        let size = algorithm.size();
        let invalid = |encoding: &'static str| ParseError::Digits {
            hash: original.to_owned(),
            encoding,
        };
        let mut digest = [0u8; 64];
        let out = &mut digest[..size];
        if !sri && digits.len() == size * 2 {
            for (byte, pair) in out.iter_mut().zip(digits.as_bytes().chunks(2)) {
                let pair = std::str::from_utf8(pair).map_err(|_| invalid("base-16"))?;
                *byte = u8::from_str_radix(pair, 16).map_err(|_| invalid("base-16"))?;
            }
        } else if !sri && digits.len() == nix32::encoded_len(size) {
            nix32::decode(digits, out).map_err(|_| invalid("Nix base-32"))?;
        } else if sri || digits.len() == size.div_ceil(3) * 4 {
            let decoded = Base64::decode_vec(digits).map_err(|_| invalid("base-64"))?;
            if decoded.len() != size {
                return Err(ParseError::Length {
                    hash: original.to_owned(),
                    algorithm,
                });
            }
            out.copy_from_slice(&decoded);
        } else {
            return Err(ParseError::Length {
                hash: original.to_owned(),
                algorithm,
            });
        }
        Ok(Self { algorithm, digest })
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_sri())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_sri())
    }
}

impl FromStr for Hash {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, ParseError> {
        Hash::parse(text)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Hash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_sri())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Hash {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Hash::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Why text is not a hash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    #[error("hash {hash:?} names no algorithm; write it as SRI (sha256-…) or sha256:…")]
    NoAlgorithm { hash: String },
    #[error("hash {hash:?} uses algorithm {algorithm:?}; supported: sha256, sha512")]
    Algorithm { hash: String, algorithm: String },
    #[error("hash {hash:?} is {actual}, expected {expected}")]
    WrongAlgorithm {
        hash: String,
        expected: Algorithm,
        actual: Algorithm,
    },
    #[error("hash {hash:?} has the wrong length for {algorithm}")]
    Length { hash: String, algorithm: Algorithm },
    #[error("hash {hash:?} is not valid {encoding}")]
    Digits {
        hash: String,
        encoding: &'static str,
    },
}

/// An incremental hasher that is also an [`io::Write`], so that a
/// [`nar::Writer`] or [`std::io::copy`] can feed it.
///
/// ```
/// use nix_fetch::{Algorithm, Hasher};
///
/// let mut nar = nar::Writer::new(Hasher::new(Algorithm::Sha256));
/// nar.file(false, b"hello\n")?;
/// // `nix hash path` of a file holding "hello\n".
/// assert_eq!(
///     nar.finish()?.finish().to_string(),
///     "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM=",
/// );
/// # Ok::<(), nar::Error>(())
/// ```
#[derive(Clone)]
pub struct Hasher {
    inner: Inner,
    /// Bytes hashed so far.
    len: u64,
}

#[derive(Clone)]
enum Inner {
    Sha256(sha2::Sha256),
    Sha512(sha2::Sha512),
}

impl Hasher {
    pub fn new(algorithm: Algorithm) -> Self {
        let inner = match algorithm {
            Algorithm::Sha256 => Inner::Sha256(sha2::Sha256::new()),
            Algorithm::Sha512 => Inner::Sha512(sha2::Sha512::new()),
        };
        Self { inner, len: 0 }
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.len += bytes.len() as u64;
        match &mut self.inner {
            Inner::Sha256(h) => h.update(bytes),
            Inner::Sha512(h) => h.update(bytes),
        }
    }

    /// How many bytes were hashed.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether nothing was hashed yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn finish(self) -> Hash {
        let (algorithm, digest) = match self.inner {
            Inner::Sha256(h) => (Algorithm::Sha256, h.finalize().to_vec()),
            Inner::Sha512(h) => (Algorithm::Sha512, h.finalize().to_vec()),
        };
        let mut bytes = [0; 64];
        bytes[..digest.len()].copy_from_slice(&digest);
        Hash {
            algorithm,
            digest: bytes,
        }
    }
}

impl fmt::Debug for Hasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let algorithm = match self.inner {
            Inner::Sha256(_) => Algorithm::Sha256,
            Inner::Sha512(_) => Algorithm::Sha512,
        };
        f.debug_struct("Hasher")
            .field("algorithm", &algorithm)
            .field("len", &self.len)
            .finish()
    }
}

impl io::Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY_SRI: &str = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    const EMPTY_NIX32: &str = "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73";
    const EMPTY_HEX: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn every_form_of_the_same_hash_parses_to_it() {
        let expected = Hash::of(Algorithm::Sha256, b"");
        for text in [
            EMPTY_SRI.to_owned(),
            format!("sha256:{EMPTY_NIX32}"),
            format!("sha256:{EMPTY_HEX}"),
            format!("sha256:{}", EMPTY_HEX.to_uppercase()),
            format!("sha256:{}", &EMPTY_SRI[7..]),
        ] {
            assert_eq!(Hash::parse(&text).unwrap(), expected, "{text}");
        }
        for bare in [EMPTY_NIX32, EMPTY_HEX, &EMPTY_SRI[7..]] {
            assert_eq!(Hash::parse_as(Algorithm::Sha256, bare).unwrap(), expected);
        }
        assert_eq!(expected.to_nix32(), EMPTY_NIX32);
        assert_eq!(expected.to_base16(), EMPTY_HEX);
        assert_eq!(expected.to_sri(), EMPTY_SRI);
    }

    #[test]
    fn sha512_matches_nix() {
        // `nix hash file --type sha512 --sri|--base32 /dev/null` (Nix 2.8).
        let hash = Hash::of(Algorithm::Sha512, b"");
        assert_eq!(
            hash.to_sri(),
            "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
        );
        assert_eq!(
            hash.to_nix32(),
            "0zdl9zrg8r3i9c1g90lgg9ip5ijzv3yhz91i0zzn3r8ap9ws784gkp9dk9j3aglhgf1amqb0pj21mh7h1nxcl18akqvvf7ggqsy30yg"
        );
        assert_eq!(Hash::parse(&hash.to_sri()).unwrap(), hash);
    }

    #[test]
    fn bad_hashes_say_what_is_wrong() {
        let cases = [
            (EMPTY_NIX32, "names no algorithm"),
            ("md5-1B2M2Y8AsgTpgAmY7PhCfg==", "supported: sha256, sha512"),
            ("sha256-AAAA", "wrong length"),
            ("sha256:0123", "wrong length"),
            (
                "sha256:0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c7e",
                "not valid Nix base-32",
            ),
            (
                "sha256:g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "not valid base-16",
            ),
            (
                "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF!=",
                "not valid base-64",
            ),
        ];
        for (text, message) in cases {
            let err = Hash::parse(text).unwrap_err().to_string();
            assert!(err.contains(message), "{text}: {err}");
            assert!(err.contains(text) || err.contains(&text[7..]), "{err}");
        }
        let err = Hash::parse_as(Algorithm::Sha512, EMPTY_SRI).unwrap_err();
        assert!(matches!(err, ParseError::WrongAlgorithm { .. }), "{err}");
    }

    #[test]
    fn the_hasher_counts_bytes() {
        let mut hasher = Hasher::new(Algorithm::Sha256);
        assert!(hasher.is_empty());
        io::Write::write_all(&mut hasher, b"abc").unwrap();
        assert_eq!(hasher.len(), 3);
        assert_eq!(hasher.finish(), Hash::of(Algorithm::Sha256, b"abc"));
    }
}
