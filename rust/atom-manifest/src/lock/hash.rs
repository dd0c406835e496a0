//! The SHA-256 hashes a lock records: SRI when written; SRI, `sha256:` +
//! Nix base-32 or bare Nix base-32 when read (what the Nix library reads).

use std::fmt;

use nix_fetch::hash::Algorithm;

/// A SHA-256 hash, written in SRI form (`sha256-<base64>`).
///
/// ```
/// use atom_manifest::Hash;
///
/// let sri: Hash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=".parse()?;
/// let nix32: Hash = "sha256:0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73".parse()?;
/// assert_eq!(sri, nix32);
/// assert_eq!(nix32.to_string(), "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
/// assert!("md5-1B2M2Y8AsgTpgAmY7PhCfg==".parse::<Hash>().is_err());
/// # Ok::<(), atom_manifest::HashError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hash(nix_fetch::Hash);

impl Hash {
    /// The hash whose digest is `digest`.
    pub fn sha256(digest: [u8; 32]) -> Self {
        Self(nix_fetch::Hash::from_digest(Algorithm::Sha256, &digest).expect("32 bytes"))
    }

    /// A hash nix-fetch computed; it must be SHA-256.
    pub fn from_nix(hash: nix_fetch::Hash) -> Result<Self, HashError> {
        if hash.algorithm() == Algorithm::Sha256 {
            Ok(Self(hash))
        } else {
            Err(HashError(hash.to_sri()))
        }
    }

    /// The hash as nix-fetch has it.
    pub fn as_nix(&self) -> &nix_fetch::Hash {
        &self.0
    }

    /// The SRI text.
    pub fn to_sri(&self) -> String {
        self.0.to_sri()
    }
}

impl std::str::FromStr for Hash {
    type Err = HashError;

    fn from_str(text: &str) -> Result<Self, HashError> {
        let nix32 = |digits: &str| digits.len() == 52;
        let accepted = match text.strip_prefix("sha256:") {
            Some(digits) => nix32(digits),
            None => text.starts_with("sha256-") || nix32(text),
        };
        if !accepted {
            return Err(HashError(text.to_owned()));
        }
        let hash = nix_fetch::Hash::parse_as(Algorithm::Sha256, text)
            .map_err(|_| HashError(text.to_owned()))?;
        // Only the canonical encoding: what is read is what is written back.
        let canonical = if text.starts_with("sha256-") {
            hash.to_sri() == text
        } else {
            hash.to_nix32() == text.trim_start_matches("sha256:")
        };
        if canonical {
            Ok(Self(hash))
        } else {
            Err(HashError(text.to_owned()))
        }
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_sri())
    }
}

impl PartialOrd for Hash {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Hash {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.digest().cmp(other.0.digest())
    }
}

/// A text that is not a SHA-256 hash in a form the lock accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a SHA-256 hash the lock accepts: SRI (`sha256-` and 44 characters of base64), `sha256:` and 52 characters of Nix base-32, or those 52 characters alone"
)]
pub struct HashError(String);

#[cfg(test)]
mod tests {
    use super::Hash;

    #[test]
    fn every_form_the_nix_library_reads_is_read_and_nothing_else() {
        let sri = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
        let nix32 = "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73";
        let hash: Hash = sri.parse().unwrap();
        assert_eq!(nix32.parse::<Hash>().unwrap(), hash);
        assert_eq!(format!("sha256:{nix32}").parse::<Hash>().unwrap(), hash);
        for bad in [
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=",
            "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
            "sha512-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
            "",
        ] {
            assert!(bad.parse::<Hash>().is_err(), "{bad}");
        }
    }
}
