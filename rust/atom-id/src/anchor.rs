//! [`Anchor`]: the identity of a source repository.

use std::fmt;
use std::str::FromStr;

use crate::b64::{self, B64Error};

/// The identity of a source repository: the b64ut of the raw object id of
/// its genesis commit (20 bytes for SHA-1 repositories, 32 for SHA-256).
/// Claims bind a label to an anchor, so the same label in two unrelated
/// repositories names two different atoms.
///
/// ```
/// use atom_id::Anchor;
///
/// let anchor = Anchor::from_object_id(&[0xab; 20])?;
/// assert_eq!(anchor.as_str(), "q6urq6urq6urq6urq6urq6urq6s");
/// assert_eq!(anchor.as_str().parse::<Anchor>()?, anchor);
/// assert!("q6urq6urq6urq6urq6urq6urq6t".parse::<Anchor>().is_err()); // non-canonical
/// # Ok::<(), atom_id::AnchorError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Anchor(String);

impl Anchor {
    /// The anchor of the commit whose raw object id is `id`.
    pub fn from_object_id(id: &[u8]) -> Result<Self, AnchorError> {
        check_len(id.len())?;
        Ok(Self(b64::encode(id)))
    }

    /// Parse a strict b64ut anchor.
    pub fn new(text: &str) -> Result<Self, AnchorError> {
        let bytes = b64::decode(text).map_err(AnchorError::Base64)?;
        check_len(bytes.len())?;
        Ok(Self(text.to_owned()))
    }

    /// The b64ut text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The raw object id.
    pub fn object_id(&self) -> Vec<u8> {
        // Validated at construction; decoding cannot fail.
        b64::decode(&self.0).unwrap_or_default()
    }
}

fn check_len(bytes: usize) -> Result<(), AnchorError> {
    if matches!(bytes, 20 | 32) {
        Ok(())
    } else {
        Err(AnchorError::Length { bytes })
    }
}

impl FromStr for Anchor {
    type Err = AnchorError;

    fn from_str(text: &str) -> Result<Self, AnchorError> {
        Self::new(text)
    }
}

impl fmt::Display for Anchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

crate::serde_str::serde_via_str!(Anchor);

/// Why a string is not an [`Anchor`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnchorError {
    /// It is not strict b64ut.
    Base64(B64Error),
    /// It does not decode to a git object id (20 or 32 bytes).
    Length {
        /// The decoded length.
        bytes: usize,
    },
}

impl fmt::Display for AnchorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Base64(err) => write!(f, "invalid anchor: {err}"),
            Self::Length { bytes } => write!(
                f,
                "invalid anchor: it decodes to {bytes} bytes, but a git object id has 20 (SHA-1) \
                 or 32 (SHA-256)"
            ),
        }
    }
}

impl std::error::Error for AnchorError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Base64(err) => Some(err),
            Self::Length { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_and_sha256_ids_are_anchors() {
        for len in [20, 32] {
            let anchor = Anchor::from_object_id(&vec![7; len]).unwrap();
            assert_eq!(anchor.object_id(), vec![7; len]);
            assert_eq!(Anchor::new(anchor.as_str()).unwrap(), anchor);
        }
    }

    #[test]
    fn other_lengths_are_not() {
        assert_eq!(
            Anchor::from_object_id(&[1; 19]).unwrap_err(),
            AnchorError::Length { bytes: 19 }
        );
        assert_eq!(
            Anchor::new("AAAA").unwrap_err(),
            AnchorError::Length { bytes: 3 }
        );
        assert_eq!(
            Anchor::new("").unwrap_err(),
            AnchorError::Length { bytes: 0 }
        );
    }

    #[test]
    fn non_canonical_and_padded_text_is_refused() {
        let err = Anchor::new("q6urq6urq6urq6urq6urq6urq6t").unwrap_err();
        assert!(
            matches!(err, AnchorError::Base64(B64Error::NonCanonical { .. })),
            "{err}"
        );
        let err = Anchor::new("q6urq6urq6urq6urq6urq6urq6s=").unwrap_err();
        assert!(
            matches!(
                err,
                AnchorError::Base64(B64Error::InvalidChar { ch: '=', .. })
            ),
            "{err}"
        );
    }
}
