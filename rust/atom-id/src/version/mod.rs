//! Versions: the unparsed [`RawVersion`] that names and URIs carry, and the
//! [`VersionScheme`]s that give it meaning.
//!
//! A version is kept raw until something needs to compare it, because the
//! scheme is a property of the atom (or legacy source), not of the string.
//! Two schemes ship here: [`Semver`] (the default, with Cargo's requirement
//! syntax and semantics) and [`NixosCalendar`] (`YY.MM[.N]`, as NixOS
//! releases are named).

mod nixos;
mod semver;

use std::fmt;
use std::str::FromStr;

pub use self::nixos::{
    CalendarError, CalendarErrorKind, CalendarRequirement, CalendarVersion, NixosCalendar,
};
pub use self::semver::{
    Op as SemverOp, Part as SemverPart, Semver, SemverError, SemverErrorKind, SemverRequirement,
    SemverVersion,
};

/// A version exactly as written, not yet interpreted by any scheme: non-empty,
/// with no whitespace or control characters.
///
/// ```
/// use atom_id::RawVersion;
///
/// let raw: RawVersion = "1.2.0-rc.1".parse()?;
/// assert_eq!(raw.as_str(), "1.2.0-rc.1");
/// assert!("1.2 beta".parse::<RawVersion>().is_err());
/// # Ok::<(), atom_id::RawVersionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RawVersion(String);

impl RawVersion {
    /// Accept `input` as a raw version.
    pub fn new(input: &str) -> Result<Self, RawVersionError> {
        if input.is_empty() {
            return Err(RawVersionError {
                input: input.to_owned(),
                offending: None,
            });
        }
        if let Some((byte, ch)) = input
            .char_indices()
            .find(|(_, ch)| ch.is_whitespace() || ch.is_control())
        {
            return Err(RawVersionError {
                input: input.to_owned(),
                offending: Some((byte, ch)),
            });
        }
        Ok(Self(input.to_owned()))
    }

    /// The version as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for RawVersion {
    type Err = RawVersionError;

    fn from_str(input: &str) -> Result<Self, RawVersionError> {
        Self::new(input)
    }
}

impl fmt::Display for RawVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for RawVersion {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

crate::serde_str::serde_via_str!(RawVersion);

/// A string that cannot be a [`RawVersion`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawVersionError {
    input: String,
    /// The first whitespace or control character and its byte offset.
    offending: Option<(usize, char)>,
}

impl RawVersionError {
    /// The rejected input.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// The first character that is not allowed and its byte offset, or
    /// `None` when the input was empty.
    pub fn offending(&self) -> Option<(usize, char)> {
        self.offending
    }
}

impl fmt::Display for RawVersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offending {
            None => f.write_str("a version cannot be empty"),
            Some((byte, ch)) => write!(
                f,
                "invalid version {:?}: {ch:?} (U+{:04X}) at byte {byte}; a version contains no \
                 whitespace or control characters",
                self.input,
                u32::from(ch)
            ),
        }
    }
}

impl std::error::Error for RawVersionError {}

/// How the versions of one family are parsed, ordered and matched against
/// requirements.
///
/// ```
/// use atom_id::{RawVersion, Semver, VersionScheme};
///
/// /// The highest of `available` that satisfies `requirement`, in any scheme.
/// fn highest<S: VersionScheme>(available: &[&str], requirement: &str) -> Option<S::Version> {
///     let requirement = S::parse_requirement(requirement).ok()?;
///     available
///         .iter()
///         .filter_map(|raw| S::parse_version(&raw.parse::<RawVersion>().ok()?).ok())
///         .filter(|version| S::matches(version, &requirement))
///         .max()
/// }
///
/// let tags = ["1.2.0", "1.4.2", "1.5.0-rc.1", "2.0.0"];
/// assert_eq!(highest::<Semver>(&tags, "^1.2").unwrap().to_string(), "1.4.2");
/// ```
pub trait VersionScheme {
    /// A parsed version; the order is the scheme's precedence.
    type Version: Ord + fmt::Display + fmt::Debug + Clone;
    /// A parsed requirement (a set of versions).
    type Requirement: fmt::Display + fmt::Debug + Clone;
    /// Why a version or requirement did not parse.
    type Error: std::error::Error + Send + Sync + 'static;

    /// The scheme's name as written in manifests (`semver`, `nixos`).
    const NAME: &'static str;

    /// Interpret a raw version.
    fn parse_version(raw: &RawVersion) -> Result<Self::Version, Self::Error>;

    /// Parse a requirement such as `^1.2` or `>=25.05`.
    fn parse_requirement(input: &str) -> Result<Self::Requirement, Self::Error>;

    /// Whether `version` satisfies `requirement`.
    fn matches(version: &Self::Version, requirement: &Self::Requirement) -> bool;
}

/// Implement [`VersionScheme`] for `$scheme` from the `FromStr` of its
/// version and requirement types and the requirement's `matches`.
macro_rules! scheme_from_parts {
    ($scheme:ty, $name:literal, $version:ty, $requirement:ty, $error:ty) => {
        impl $crate::version::VersionScheme for $scheme {
            type Version = $version;
            type Requirement = $requirement;
            type Error = $error;

            const NAME: &'static str = $name;

            fn parse_version(raw: &$crate::version::RawVersion) -> Result<$version, $error> {
                raw.as_str().parse()
            }

            fn parse_requirement(input: &str) -> Result<$requirement, $error> {
                input.parse()
            }

            fn matches(version: &$version, requirement: &$requirement) -> bool {
                requirement.matches(version)
            }
        }
    };
}

use scheme_from_parts;

/// Write comparators as a requirement: `*` when there are none, otherwise
/// each one (through `each`) separated by `, `.
fn write_comparators<C>(
    f: &mut fmt::Formatter<'_>,
    comparators: &[C],
    mut each: impl FnMut(&mut fmt::Formatter<'_>, &C) -> fmt::Result,
) -> fmt::Result {
    if comparators.is_empty() {
        return f.write_str("*");
    }
    for (i, comparator) in comparators.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        each(f, comparator)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_versions_keep_their_text() {
        for input in ["1.2.3", "v1", "25.11", "1.0.0-rc.1+build.5", "latest"] {
            assert_eq!(RawVersion::new(input).unwrap().to_string(), input);
        }
    }

    #[test]
    fn an_empty_raw_version_is_rejected() {
        let err = RawVersion::new("").unwrap_err();
        assert_eq!(err.offending(), None);
        assert_eq!(err.to_string(), "a version cannot be empty");
    }

    #[test]
    fn whitespace_and_control_characters_are_rejected_with_their_offset() {
        assert_eq!(
            RawVersion::new("1.2 ").unwrap_err().offending(),
            Some((3, ' '))
        );
        assert_eq!(
            RawVersion::new("1\n").unwrap_err().offending(),
            Some((1, '\n'))
        );
        let err = RawVersion::new("1.\u{0}").unwrap_err();
        assert!(
            err.to_string().contains(r"'\0' (U+0000) at byte 2"),
            "{err}"
        );
    }
}
