//! Everything that can go wrong while expanding and classifying a URL.

use std::fmt;

use crate::name::{AliasName, NameError};

/// Why a URL could not be expanded or classified.
///
/// Texts in errors have any password replaced by `<redacted>`; columns count
/// characters from 1 in the text the error names (the caller's input, or an
/// intermediate expansion for nested aliases).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A `+` at the host position is not followed by an alias name.
    #[error("invalid alias name `{name}` in `{text}` (column {column}): {reason}")]
    InvalidName {
        /// The text being expanded.
        text: String,
        /// What follows the `+`, up to the next `/`, `:`, `?`, `#` or the end.
        name: String,
        /// The column of the offending character in `text`.
        column: usize,
        /// What is wrong with the name.
        reason: NameError,
    },

    /// The resolver does not know the alias.
    #[error("unknown alias `+{name}` in `{text}`")]
    Unknown {
        /// The alias.
        name: AliasName,
        /// The text being expanded.
        text: String,
        /// The column of the `+` in `text`.
        column: usize,
    },

    /// An alias expands, directly or through others, to itself.
    #[error("alias cycle: {}", Chain(chain))]
    Cycle {
        /// The aliases in the order they were expanded, ending with the first
        /// one to repeat (`a → b → a`).
        chain: Vec<AliasName>,
    },

    /// Aliases nest deeper than [`MAX_DEPTH`](crate::MAX_DEPTH).
    #[error(
        "aliases nest deeper than {} levels: {}",
        crate::MAX_DEPTH,
        Chain(chain)
    )]
    TooDeep {
        /// The aliases in the order they were expanded.
        chain: Vec<AliasName>,
    },

    /// An alias is defined as the empty string.
    #[error("alias `+{name}` is defined as an empty string")]
    Empty {
        /// The alias.
        name: AliasName,
    },

    /// The alias's value gives a part of the URL (a scheme, or a user) that
    /// the text before the `+` already gives.
    #[error(
        "alias `+{name}` expands to `{value}`, which gives its own {part}, but `{text}` already gives one before `+{name}`"
    )]
    Conflict {
        /// The alias.
        name: AliasName,
        /// Its value.
        value: String,
        /// The text being expanded.
        text: String,
        /// The part given twice.
        part: Part,
    },

    /// The alias's value has a path, but `:` follows it (an SCP path or a
    /// port), which would land in the middle of that path.
    #[error(
        "alias `+{name}` expands to `{value}`, which has a path, so in `{text}` it must be followed by `/` or nothing, not `:`"
    )]
    PathBeforeColon {
        /// The alias.
        name: AliasName,
        /// Its value.
        value: String,
        /// The text being expanded.
        text: String,
    },

    /// The expanded text is not a URL, SCP-like location or path that git
    /// understands.
    #[error("`{text}` is not a git URL: {message}")]
    Classify {
        /// The expanded text.
        text: String,
        /// What `gix-url` said about it.
        message: String,
    },
}

/// A part of a URL that an alias value and the text around it both give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// `scheme://`.
    Scheme,
    /// `user@`.
    User,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Scheme => "scheme",
            Self::User => "user",
        })
    }
}

/// Shows a chain of aliases as `a → b → a`.
struct Chain<'a>(&'a [AliasName]);

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" → ")?;
            }
            f.write_str(name.as_str())?;
        }
        Ok(())
    }
}
