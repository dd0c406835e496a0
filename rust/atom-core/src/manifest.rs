//! What every package format must say about an atom.

use atom_id::{Label, RawVersion};

use crate::Dependency;

/// The metadata every atom's manifest exposes, whatever its format.
///
/// `atom.toml` is one format (implemented where it is parsed); others can
/// be added without touching the protocol. A manifest names the atom and
/// its version, and lists what it depends on.
///
/// ```
/// use atom_core::{Dependency, Label, Manifest, RawVersion};
///
/// struct Minimal {
///     label: Label,
///     version: RawVersion,
///     dependencies: Vec<Dependency>,
/// }
///
/// impl Manifest for Minimal {
///     fn label(&self) -> &Label {
///         &self.label
///     }
///     fn version(&self) -> &RawVersion {
///         &self.version
///     }
///     fn dependencies(&self) -> &[Dependency] {
///         &self.dependencies
///     }
/// }
///
/// let manifest = Minimal {
///     label: "hello".parse()?,
///     version: "0.1.0".parse()?,
///     dependencies: vec![Dependency::new("company", "auth".parse()?, "^1")],
/// };
/// assert_eq!(manifest.description(), None);
/// assert_eq!(manifest.dependencies().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Manifest {
    /// The atom's label (`tag` in `atom.toml`).
    fn label(&self) -> &Label;

    /// The atom's version, as written.
    fn version(&self) -> &RawVersion;

    /// A one-line description, if the manifest has one.
    fn description(&self) -> Option<&str> {
        None
    }

    /// The atoms this one depends on.
    fn dependencies(&self) -> &[Dependency];
}
