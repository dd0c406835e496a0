//! Which atom version to resolve, and what the caller already knows about it.

use atom_id::{Anchor, AtomId, Label, RawVersion};

/// One version of one atom, with the identity it must have.
///
/// A lock file knows more than a label and a version: it recorded the
/// source's [`Anchor`] and the atom's [`AtomId`] when the atom was first
/// resolved. Giving them here makes [`resolve`](crate::AtomSource::resolve)
/// refuse an atom that is not the one recorded (a remote that is another
/// repository, a label claimed again by someone else) with an error that
/// says which of the two differs.
///
/// ```
/// use atom_core::{AtomId, Query};
///
/// // An id as a lock file records it.
/// # let key = atom_id::SigningKey::generate(atom_id::Alg::Ed25519);
/// # let anchor = atom_id::Anchor::from_object_id(&[7; 20])?;
/// # let written = atom_id::ClaimPayload::new(key.public(), anchor, "hello".parse()?)
/// #     .sign(&key)?.atom_id.to_string();
/// let id: AtomId = written.parse()?;
/// let query = Query::new("hello".parse()?, "1.0.0".parse()?).with_id(id.clone());
/// assert_eq!(query.id, Some(id));
/// assert_eq!(query.to_string(), "hello@1.0.0");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Query {
    /// The atom's label.
    pub label: Label,
    /// The exact version.
    pub version: RawVersion,
    /// The source repository the atom's claim must name, if known.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub anchor: Option<Anchor>,
    /// The identity the atom must have, if known.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub id: Option<AtomId>,
}

impl Query {
    /// Any atom named `label` at `version`.
    pub fn new(label: Label, version: RawVersion) -> Self {
        Self {
            label,
            version,
            anchor: None,
            id: None,
        }
    }

    /// Require the atom's claim to name `anchor`.
    #[must_use]
    pub fn with_anchor(mut self, anchor: Anchor) -> Self {
        self.anchor = Some(anchor);
        self
    }

    /// Require the atom to have the identity `id`.
    #[must_use]
    pub fn with_id(mut self, id: AtomId) -> Self {
        self.id = Some(id);
        self
    }
}

/// `label@version`, as in an atom URI.
impl std::fmt::Display for Query {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}", self.label, self.version)
    }
}
