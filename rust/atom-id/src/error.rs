//! Why a key, payload or signed message was refused.

use std::fmt;

use crate::alg::Alg;
use crate::anchor::AnchorError;
use crate::b64::B64Error;
use crate::digest::AtomIdError;
use crate::json::JsonError;
use crate::name::NameError;
use crate::version::RawVersionError;

/// Everything that can be wrong with a key file, a payload or a signed Coz
/// message. Each rejection has its own variant, and its message (one line)
/// names the field and the offending value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CozError {
    /// The text is not strict JSON (syntax, duplicate key at any depth,
    /// nesting too deep).
    Json(JsonError),
    /// A value that must be an object is not.
    NotAnObject {
        /// Which value (`the document`, `pay`, `key`).
        what: &'static str,
        /// What it is instead.
        found: &'static str,
    },
    /// A required field is absent.
    MissingField {
        /// The field, with its object (`pay.alg`).
        field: String,
    },
    /// A field has the wrong JSON type.
    WrongType {
        /// The field.
        field: String,
        /// The type it must have.
        expected: &'static str,
        /// The type it has.
        found: &'static str,
    },
    /// A field that this kind of object does not have.
    UnknownField {
        /// The field, with its object.
        field: String,
    },
    /// An `alg` other than Ed25519 and ES256.
    UnsupportedAlg {
        /// The field.
        field: String,
        /// Its value.
        value: String,
    },
    /// A base64url field whose unused low bits are not zero.
    NonCanonicalBase64 {
        /// The field.
        field: String,
        /// Its value.
        value: String,
        /// The canonical spelling of the same bytes.
        canonical: String,
    },
    /// A base64url field that does not decode at all.
    InvalidBase64 {
        /// The field.
        field: String,
        /// What is wrong.
        error: B64Error,
    },
    /// A decoded field has the wrong length for the algorithm.
    WrongLength {
        /// The field.
        field: String,
        /// The algorithm.
        alg: Alg,
        /// The length it must have, in bytes.
        expected: usize,
        /// The length it has.
        found: usize,
    },
    /// A message embeds a private key.
    PrivateKeyEmbedded,
    /// The public key is not a valid point.
    InvalidPublicKey {
        /// The algorithm.
        alg: Alg,
    },
    /// An Ed25519 public key of small order: it would accept forged
    /// signatures.
    WeakPublicKey,
    /// The private key is not a valid scalar.
    InvalidPrivateKey {
        /// The algorithm.
        alg: Alg,
    },
    /// A key file's `pub` is not the public key of its `prv`.
    PublicKeyMismatch,
    /// The `tmb` written in a key is not the thumbprint of its `pub`.
    KeyThumbprintMismatch {
        /// The `tmb` in the key.
        stated: String,
        /// The thumbprint of `pub`.
        computed: String,
    },
    /// `pay.alg` is not the key's algorithm.
    AlgMismatch {
        /// `pay.alg`.
        pay: Alg,
        /// The key's `alg`.
        key: Alg,
    },
    /// A publish names an atom id of another algorithm than its own (a
    /// publish is signed by the claim's key, so they share the algorithm).
    AtomIdAlgMismatch {
        /// The atom id's algorithm.
        atom_id: Alg,
        /// The publish's algorithm.
        key: Alg,
    },
    /// `pay.tmb` is not the key's thumbprint.
    PayThumbprintMismatch {
        /// `pay.tmb`.
        pay: String,
        /// The key's thumbprint.
        key: String,
    },
    /// `now` is not an integer in `[0, 2^53 − 1]`.
    NowOutOfRange {
        /// The field.
        field: String,
        /// Its text.
        value: String,
    },
    /// An ES256 signature whose S is in the upper half of the group order:
    /// the malleated twin of a valid signature.
    HighS,
    /// An Ed25519 signature whose S is not reduced modulo the group order.
    MalleatedEd25519,
    /// The signature does not verify.
    BadSignature {
        /// The algorithm.
        alg: Alg,
    },
    /// A `cad` or `czd` written in the message differs from the computed one.
    DigestMismatch {
        /// `cad` or `czd`.
        field: &'static str,
        /// The value in the message.
        stated: String,
        /// The computed value.
        computed: String,
    },
    /// `pay.typ` is not the one expected.
    WrongTyp {
        /// The `typ` required.
        expected: &'static str,
        /// The `typ` found (`None` when absent).
        found: Option<String>,
    },
    /// The payload's bytes are not the canonical encoding of its fields (a
    /// different field order, escaping or number spelling): it was
    /// re-serialised after signing, or signed by a different encoder.
    PayNotCanonical {
        /// The payload type (`atom/claim`).
        typ: &'static str,
        /// The canonical bytes.
        expected: String,
        /// The bytes found.
        found: String,
    },
    /// A label field is not a valid, normalised label.
    Label {
        /// The field.
        field: String,
        /// Why.
        error: NameError,
    },
    /// A version field is not a valid raw version.
    Version {
        /// The field.
        field: String,
        /// Why.
        error: RawVersionError,
    },
    /// An anchor field is invalid.
    Anchor {
        /// The field.
        field: String,
        /// Why.
        error: AnchorError,
    },
    /// An atom id field is invalid.
    AtomId {
        /// The field.
        field: String,
        /// Why.
        error: AtomIdError,
    },
    /// A publish does not belong to the claim it was checked against.
    PublishNotForClaim {
        /// The field that differs (`atom_id`, `tmb`, `anchor`, `label`).
        field: &'static str,
        /// The publish's value.
        publish: String,
        /// The claim's value.
        claim: String,
    },
}

impl fmt::Display for CozError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Json(err) => err.fmt(f),
            Self::NotAnObject { what, found } => {
                write!(f, "{what} must be a JSON object, found {found}")
            }
            Self::MissingField { field } => write!(f, "`{field}` is missing"),
            Self::WrongType {
                field,
                expected,
                found,
            } => write!(f, "`{field}` must be {expected}, found {found}"),
            Self::UnknownField { field } => write!(f, "unknown field `{}`", one_line(field)),
            Self::UnsupportedAlg { field, value } => write!(
                f,
                "`{field}` is {value:?}; atoms are signed with Ed25519 or ES256"
            ),
            Self::NonCanonicalBase64 {
                field,
                value,
                canonical,
            } => write!(
                f,
                "`{field}` is non-canonical base64url {value:?}: the last character has non-zero \
                 unused bits (canonical: {canonical:?})"
            ),
            Self::InvalidBase64 { field, error } => {
                write!(f, "`{field}` is not base64url: {error}")
            }
            Self::WrongLength {
                field,
                alg,
                expected,
                found,
            } => write!(f, "`{field}` has {found} bytes; {alg} needs {expected}"),
            Self::PrivateKeyEmbedded => f.write_str(
                "the embedded `key` contains `prv`, a private key; a signed message carries only \
                 the public key (alg, pub, tmb) — treat that private key as leaked",
            ),
            Self::InvalidPublicKey { alg } => write!(f, "`pub` is not a valid {alg} public key"),
            Self::WeakPublicKey => f.write_str(
                "`pub` is an Ed25519 point of small order, which would accept forged signatures",
            ),
            Self::InvalidPrivateKey { alg } => {
                write!(f, "`prv` is not a valid {alg} private key")
            }
            Self::PublicKeyMismatch => {
                f.write_str("`pub` is not the public key of `prv`; the key file is corrupt")
            }
            Self::KeyThumbprintMismatch { stated, computed } => write!(
                f,
                "the key's `tmb` {stated:?} is not the thumbprint of its `pub` ({computed:?})"
            ),
            Self::AlgMismatch { pay, key } => write!(f, "`pay.alg` is {pay} but the key is {key}"),
            Self::AtomIdAlgMismatch { atom_id, key } => write!(
                f,
                "`pay.atom_id` is an {atom_id} id but the publish is signed with {key}; a publish \
                 is signed by the claim's key"
            ),
            Self::PayThumbprintMismatch { pay, key } => write!(
                f,
                "`pay.tmb` {pay:?} is not the signing key's thumbprint {key:?}"
            ),
            Self::NowOutOfRange { field, value } => write!(
                f,
                "`{field}` is {value}; it must be an integer from 0 to 2^53 - 1 (9007199254740991)"
            ),
            Self::HighS => f.write_str(
                "ES256 signature has a high S value (the malleated form of a signature); only \
                 low-S signatures are accepted",
            ),
            Self::MalleatedEd25519 => f.write_str(
                "Ed25519 signature is malleated: its S is not reduced modulo the group order",
            ),
            Self::BadSignature { alg } => {
                write!(
                    f,
                    "the {alg} signature does not verify against `pay` and `key`"
                )
            }
            Self::DigestMismatch {
                field,
                stated,
                computed,
            } => write!(
                f,
                "`{field}` in the message is {stated:?}, but the computed {field} is {computed:?}"
            ),
            Self::WrongTyp { expected, found } => match found {
                Some(found) => write!(f, "`pay.typ` is {found:?}, expected {expected:?}"),
                None => write!(f, "`pay.typ` is missing, expected {expected:?}"),
            },
            Self::PayNotCanonical {
                typ,
                expected,
                found,
            } => write!(
                f,
                "the {typ} payload is not in canonical form (re-serialised?): found {}, \
                 expected {}",
                one_line(found),
                one_line(expected)
            ),
            Self::Label { field, error } => write!(f, "`{field}`: {error}"),
            Self::Version { field, error } => write!(f, "`{field}`: {error}"),
            Self::Anchor { field, error } => write!(f, "`{field}`: {error}"),
            Self::AtomId { field, error } => write!(f, "`{field}`: {error}"),
            Self::PublishNotForClaim {
                field,
                publish,
                claim,
            } => write!(
                f,
                "the publish's `{field}` is {publish:?} but the claim's is {claim:?}"
            ),
        }
    }
}

/// `text` with control characters and line separators escaped, so that a
/// name or payload taken from the input cannot break a message over lines.
fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    let breaks = |ch: char| ch.is_control() || matches!(ch, '\u{2028}' | '\u{2029}');
    if !text.contains(breaks) {
        return text.into();
    }
    text.chars()
        .map(|ch| {
            if breaks(ch) {
                ch.escape_debug().to_string()
            } else {
                ch.to_string()
            }
        })
        .collect::<String>()
        .into()
}

impl std::error::Error for CozError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Json(err) => Some(err),
            Self::InvalidBase64 { error, .. } => Some(error),
            Self::Label { error, .. } => Some(error),
            Self::Version { error, .. } => Some(error),
            Self::Anchor { error, .. } => Some(error),
            Self::AtomId { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl From<JsonError> for CozError {
    fn from(err: JsonError) -> Self {
        Self::Json(err)
    }
}

/// Decode the strict b64ut `value` of `field`.
pub(crate) fn decode_b64(field: &str, value: &str) -> Result<Vec<u8>, CozError> {
    crate::b64::decode(value).map_err(|error| match error {
        B64Error::NonCanonical { canonical } => CozError::NonCanonicalBase64 {
            field: field.to_owned(),
            value: value.to_owned(),
            canonical,
        },
        error => CozError::InvalidBase64 {
            field: field.to_owned(),
            error,
        },
    })
}

/// Decode the strict b64ut `value` of `field`, which must be `expected` bytes
/// long for `alg`.
pub(crate) fn decode_b64_len(
    field: &str,
    value: &str,
    alg: Alg,
    expected: usize,
) -> Result<Vec<u8>, CozError> {
    let bytes = decode_b64(field, value)?;
    if bytes.len() == expected {
        Ok(bytes)
    } else {
        Err(CozError::WrongLength {
            field: field.to_owned(),
            alg,
            expected,
            found: bytes.len(),
        })
    }
}
