//! The SHA-256 hashes a lock records, written in SRI form.

use std::fmt;

/// A SHA-256 hash in SRI form (`sha256-` and 44 characters of base64).
///
/// ```
/// use atom_manifest::Hash;
///
/// let hash: Hash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=".parse()?;
/// assert_eq!(hash.to_string(), "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
/// assert!("md5-1B2M2Y8AsgTpgAmY7PhCfg==".parse::<Hash>().is_err());
/// # Ok::<(), atom_manifest::HashError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash(String);

impl Hash {
    /// The SRI text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for Hash {
    type Err = HashError;

    fn from_str(text: &str) -> Result<Self, HashError> {
        let base64 = text
            .strip_prefix("sha256-")
            .ok_or_else(|| HashError(text.to_owned()))?;
        let well_formed = base64.len() == 44
            && base64.ends_with('=')
            && base64[..43]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
            // 32 bytes leave 4 unused bits in the last character: they are zero.
            && b"AEIMQUYcgkosw048".contains(&base64.as_bytes()[42]);
        if well_formed {
            Ok(Self(text.to_owned()))
        } else {
            Err(HashError(text.to_owned()))
        }
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A text that is not a SHA-256 hash in a form the lock accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a SHA-256 hash in SRI form (`sha256-` and 44 characters of base64)")]
pub struct HashError(String);
