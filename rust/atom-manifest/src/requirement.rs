//! Version requirements of atom and git dependencies (semver, Cargo's syntax).

use std::fmt;

use atom_id::{RawVersion, Semver, SemverError, SemverRequirement, SemverVersion, VersionScheme};

/// A requirement such as `^1.5` or `>=1.2, <1.5`, kept as written.
///
/// ```
/// use atom_manifest::Requirement;
///
/// let req: Requirement = "^1.5".parse()?;
/// assert!(req.matches_str("1.9.2"));
/// assert!(!req.matches_str("2.0.0"));
/// assert!(!req.matches_str("not-a-version"));
/// assert_eq!(req.to_string(), "^1.5");
/// # Ok::<(), atom_id::SemverError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Requirement {
    raw: String,
    parsed: SemverRequirement,
}

impl Requirement {
    /// Parse `input` with the semver scheme.
    pub fn new(input: &str) -> Result<Self, SemverError> {
        Ok(Self {
            raw: input.to_owned(),
            parsed: Semver::parse_requirement(input)?,
        })
    }

    /// The requirement as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Whether a parsed version satisfies the requirement.
    pub fn matches(&self, version: &SemverVersion) -> bool {
        Semver::matches(version, &self.parsed)
    }

    /// Whether `version` is a semantic version that satisfies the
    /// requirement (a version that is not semver never does).
    pub fn matches_str(&self, version: &str) -> bool {
        parse_version(version).is_some_and(|v| self.matches(&v))
    }
}

/// `version` as a semantic version, if it is one.
pub(crate) fn parse_version(version: &str) -> Option<SemverVersion> {
    RawVersion::new(version)
        .ok()
        .and_then(|raw| Semver::parse_version(&raw).ok())
}

impl std::str::FromStr for Requirement {
    type Err = SemverError;

    fn from_str(input: &str) -> Result<Self, SemverError> {
        Self::new(input)
    }
}

/// Requirements are equal when written the same way: the manifest changed
/// when the text did.
impl PartialEq for Requirement {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl Eq for Requirement {}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}
