//! What one atom needs from another.

use atom_id::Label;

/// A dependency of an atom on another atom: which source it comes from,
/// its label, and the versions that satisfy it.
///
/// The requirement is kept as written; a
/// [`VersionScheme`](atom_id::VersionScheme) decides what it means, so that
/// this type does not tie the protocol to one versioning scheme.
///
/// ```
/// use atom_core::Dependency;
///
/// let dependency = Dependency::new("company-atoms", "auth-service".parse()?, "^1.5");
/// assert_eq!(dependency.to_string(), "company-atoms::auth-service ^1.5");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Dependency {
    /// The name the manifest gives the source (`[atoms.<source>]` in
    /// `atom.toml`).
    pub source: String,
    /// The atom's label.
    pub label: Label,
    /// The version requirement, unparsed.
    pub requirement: String,
}

impl Dependency {
    /// A dependency on `label` from `source`, satisfied by `requirement`.
    pub fn new(source: impl Into<String>, label: Label, requirement: impl Into<String>) -> Self {
        Self {
            source: source.into(),
            label,
            requirement: requirement.into(),
        }
    }
}

/// `source::label requirement`.
impl std::fmt::Display for Dependency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}::{} {}", self.source, self.label, self.requirement)
    }
}
