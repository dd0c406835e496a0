//! The identity layer of the atom protocol: names, versions, and (soon) the
//! Coz-signed claims and publishes that make an atom's identity.
//!
//! * [`Label`] names an atom; [`Identifier`] is its stricter, hyphen-free form.
//! * [`RawVersion`] is a version as written; a [`VersionScheme`] parses,
//!   orders and matches it.

mod name;
mod serde_str;
mod version;

pub use name::{Identifier, Label, MAX_NAME_BYTES, NameError, NameErrorReason, NameKind, Position};
pub use version::{RawVersion, RawVersionError, VersionScheme};
