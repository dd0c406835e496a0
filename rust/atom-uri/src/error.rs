//! Why a string is not an atom URI.

use atom_id::{NameError, RawVersionError};

/// Why a string is not an atom URI, or its source cannot be resolved.
///
/// Every variant names the URI (with any password redacted); the reason, where
/// another crate gives it, is the [`source`](std::error::Error::source).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Nothing names an atom: the URI is empty, ends with `::`, or starts
    /// with `@`.
    #[error("atom URI `{uri}` names no atom: write `[source::]label[@version]`")]
    MissingLabel {
        /// The URI.
        uri: String,
    },

    /// The label is not a valid [`Label`](crate::Label).
    #[error("invalid label in atom URI `{uri}`")]
    InvalidLabel {
        /// The URI.
        uri: String,
        /// The column where the label starts in the URI, counting characters
        /// from 1.
        start: usize,
        /// What is wrong with it, and where in the label.
        source: NameError,
    },

    /// An `@` with nothing after it.
    #[error(
        "atom URI `{uri}` ends with `@` but gives no version: write `{label}@<version>`, or leave out the `@`"
    )]
    EmptyVersion {
        /// The URI.
        uri: String,
        /// The label before the `@`.
        label: String,
    },

    /// The version is not a valid [`RawVersion`](crate::RawVersion).
    #[error("invalid version in atom URI `{uri}`")]
    InvalidVersion {
        /// The URI.
        uri: String,
        /// The column where the version starts in the URI, counting
        /// characters from 1.
        start: usize,
        /// What is wrong with it.
        source: RawVersionError,
    },

    /// The source has an invalid or unknown alias, or is not a URL git
    /// understands.
    #[error("invalid source in atom URI `{uri}`")]
    Source {
        /// The URI.
        uri: String,
        /// What alurl said about the source.
        source: alurl::Error,
    },
}

impl Error {
    /// The column of the offending character in the URI, counting characters
    /// from 1, when one character is to blame.
    ///
    /// ```
    /// let err = atom_uri::RawAtomUri::parse("+gh/o/r::9bad").unwrap_err();
    /// assert_eq!(err.column(), Some(10));
    /// ```
    ///
    /// A label's column is known only when normalisation left the offending
    /// character where it was written: atom-id reports positions in the
    /// NFKC-normalised label, which can be longer than the input (`צּ`
    /// becomes two characters).
    pub fn column(&self) -> Option<usize> {
        match self {
            Self::InvalidLabel { start, source, .. } => {
                let column = source.position()?.column;
                let written = source.input().chars().nth(column - 1);
                (written == source.offending_char()).then(|| start + column - 1)
            }
            Self::InvalidVersion { start, source, .. } => {
                let (byte, _) = source.offending()?;
                Some(start + source.input().get(..byte)?.chars().count())
            }
            _ => None,
        }
    }
}
