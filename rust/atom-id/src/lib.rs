//! The identity layer of the atom protocol: names, versions, and the
//! Coz-signed claims and publishes that give an atom its identity.
//!
//! # Names and versions
//!
//! * [`Label`] names an atom: NFKC-normalised, 1–128 bytes, a letter or `_`
//!   first, then letters, digits, marks, `_` or `-`. [`Identifier`] is the
//!   stricter, hyphen-free form.
//! * [`RawVersion`] is a version as written; a [`VersionScheme`] parses,
//!   orders and matches it: [`Semver`] (the default, with Cargo's
//!   requirement language) or [`NixosCalendar`] (`YY.MM[.N]`).
//!
//! # Identity
//!
//! An atom lives in a source repository, identified by its [`Anchor`] (the
//! b64ut id of the repository's first commit). Its owner *claims* a label in
//! that repository by signing a [`ClaimPayload`] — `alg, anchor, label, tmb,
//! typ` — as a [Coz](https://github.com/Cyphrme/Coz) message. The claim has
//! no timestamp, so the same (anchor, label, key) always gives the same
//! bytes, signature and digest (`czd`); that digest is the atom's
//! [`AtomId`], written `<alg>.<b64ut>`.
//!
//! Each version is then *published* by the same key: a [`PublishPayload`]
//! names the atom id, the version, and `dig`, the hash of the NAR of the
//! atom's files (computed with [`Alg::hasher`]).
//!
//! ```
//! use atom_id::{Alg, Anchor, ClaimPayload, SigningKey, verify_claim};
//!
//! let key = SigningKey::generate(Alg::Ed25519);
//! let anchor = Anchor::from_object_id(&[0x5a; 20])?;
//! let claim = ClaimPayload::new(key.public(), anchor, "hello".parse()?);
//!
//! // Deterministic: signing twice gives the same message and id.
//! let first = claim.sign(&key)?;
//! let second = claim.sign(&key)?;
//! assert_eq!(first.coz.json(), second.coz.json());
//!
//! let verified = verify_claim(first.coz.json())?;
//! assert_eq!(verified.atom_id, first.atom_id);
//! assert!(verified.atom_id.to_string().starts_with("Ed25519."));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What verification refuses
//!
//! coz-rs supplies the cryptography; this crate adds the rules it leaves to
//! its callers, each with its own [`CozError`]: duplicate JSON keys at any
//! depth, non-canonical base64url, high-S ES256 and unreduced Ed25519
//! signatures, small-order Ed25519 keys, a `pay.alg` or `pay.tmb` that is
//! not the key's, `now` outside `[0, 2^53 − 1]`, the wrong `typ`, an
//! embedded private key, and a payload that is not byte-for-byte what was
//! signed (payloads are hashed as written, never re-serialised).

mod alg;
mod anchor;
mod b64;
mod coz;
mod digest;
mod error;
mod json;
mod key;
mod name;
mod payload;
mod serde_str;
mod version;

pub use alg::{Alg, DigestWriter, UnsupportedAlg};
pub use anchor::{Anchor, AnchorError};
pub use b64::B64Error;
pub use coz::{
    CozMessage, SignedCoz, VerifiedClaim, VerifiedPublish, sign_pay, verify, verify_claim,
    verify_coz, verify_publish,
};
pub use digest::{AtomId, AtomIdError, AtomIdErrorReason, Cad, Czd, Thumbprint};
pub use error::CozError;
pub use json::{JsonError, Location};
pub use key::{PublicKey, SigningKey};
pub use name::{Identifier, Label, MAX_NAME_BYTES, NameError, NameErrorReason, NameKind, Position};
pub use payload::{ClaimPayload, MAX_NOW, PublishPayload, SignedClaim, TYP_CLAIM, TYP_PUBLISH};
pub use version::{
    CalendarError, CalendarErrorKind, CalendarRequirement, CalendarVersion, NixosCalendar,
    RawVersion, RawVersionError, Semver, SemverError, SemverErrorKind, SemverOp, SemverPart,
    SemverRequirement, SemverVersion, VersionScheme,
};
