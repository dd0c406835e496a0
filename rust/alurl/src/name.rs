//! Alias names: Unicode identifiers (UAX #31).

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

/// The name of an alias, the `gh` in `+gh/owner/repo`.
///
/// A name is a Unicode identifier as defined by
/// [UAX #31](https://www.unicode.org/reports/tr31/): a first character with the
/// `XID_Start` property (or `_`), then characters with `XID_Continue`. So
/// `gh`, `work_2` and `ひらがな` are names; `2fa`, `my-forge` and `a.b` are not.
/// Names are case-sensitive and compared as written (no normalisation).
///
/// ```
/// use alurl::AliasName;
///
/// let name: AliasName = "gh".parse()?;
/// assert_eq!(name.as_str(), "gh");
///
/// let err = AliasName::new("my-forge").unwrap_err();
/// assert_eq!(err.column(), 3);
/// assert_eq!(err.to_string(), "`-` cannot appear in an alias name: names are identifiers (letters, digits and `_`, not starting with a digit)");
/// # Ok::<(), alurl::NameError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AliasName(String);

impl AliasName {
    /// Check that `name` is an identifier and wrap it.
    pub fn new(name: impl Into<String>) -> Result<Self, NameError> {
        let name = name.into();
        match identifier_len(&name) {
            len if len == name.len() && len > 0 => Ok(Self(name)),
            len => Err(NameError::at(&name, len)),
        }
    }

    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The length in bytes of the identifier that starts `text` (0 if none does).
pub(crate) fn identifier_len(text: &str) -> usize {
    let mut chars = text.char_indices();
    match chars.next() {
        Some((_, first)) if first == '_' || unicode_ident::is_xid_start(first) => {}
        _ => return 0,
    }
    chars
        .find(|&(_, c)| !unicode_ident::is_xid_continue(c))
        .map_or(text.len(), |(at, _)| at)
}

impl FromStr for AliasName {
    type Err = NameError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::new(name)
    }
}

impl TryFrom<&str> for AliasName {
    type Error = NameError;

    fn try_from(name: &str) -> Result<Self, Self::Error> {
        Self::new(name)
    }
}

impl TryFrom<String> for AliasName {
    type Error = NameError;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        Self::new(name)
    }
}

impl fmt::Display for AliasName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for AliasName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for AliasName {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<AliasName> for String {
    fn from(name: AliasName) -> Self {
        name.0
    }
}

/// Why a string is not an [`AliasName`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// The name is empty.
    #[error("an alias name cannot be empty")]
    Empty,
    /// The first character cannot start an identifier (a digit, `-`, …).
    #[error(
        "`{found}` cannot start an alias name: names are identifiers and begin with a letter or `_`"
    )]
    BadStart {
        /// The offending character.
        found: char,
    },
    /// A later character cannot continue an identifier.
    #[error(
        "`{found}` cannot appear in an alias name: names are identifiers (letters, digits and `_`, not starting with a digit)"
    )]
    BadChar {
        /// The offending character.
        found: char,
        /// Its column in the name, counting characters from 1.
        column: usize,
    },
}

impl NameError {
    /// The error for `text`, whose identifier prefix is `valid_len` bytes long.
    fn at(text: &str, valid_len: usize) -> Self {
        match text[valid_len..].chars().next() {
            None => Self::Empty,
            Some(found) if valid_len == 0 => Self::BadStart { found },
            Some(found) => Self::BadChar {
                found,
                column: text[..valid_len].chars().count() + 1,
            },
        }
    }

    /// The column of the offending character in the name, counting
    /// characters from 1.
    pub fn column(&self) -> usize {
        match self {
            Self::Empty | Self::BadStart { .. } => 1,
            Self::BadChar { column, .. } => *column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{AliasName, NameError};

    #[test]
    fn identifiers_are_names() {
        for name in ["gh", "_private", "work2", "ひらがな", "Straße", "x"] {
            assert_eq!(AliasName::new(name).unwrap().as_str(), name);
        }
    }

    #[test]
    fn non_identifiers_are_rejected_with_their_column() {
        assert_eq!(AliasName::new(""), Err(NameError::Empty));
        assert_eq!(
            AliasName::new("2fa"),
            Err(NameError::BadStart { found: '2' })
        );
        assert_eq!(
            AliasName::new("-x"),
            Err(NameError::BadStart { found: '-' })
        );
        assert_eq!(
            AliasName::new("my-forge"),
            Err(NameError::BadChar {
                found: '-',
                column: 3
            })
        );
        // Positions count characters, not bytes.
        assert_eq!(
            AliasName::new("ひら.x").unwrap_err().column(),
            3,
            "the dot is the third character"
        );
        assert_eq!(
            AliasName::new("a\u{200b}").unwrap_err(),
            NameError::BadChar {
                found: '\u{200b}',
                column: 2
            },
            "a zero-width space is not an identifier character"
        );
    }
}
