//! The two atom transactions: [`ClaimPayload`] (`atom/claim`) and
//! [`PublishPayload`] (`atom/publish`), with their one canonical encoding.
//!
//! Each payload has exactly one byte encoding: its fields in a fixed order,
//! compact, strings escaped the one way this module escapes them. Signing
//! emits it; verification re-emits the parsed fields and requires the signed
//! bytes to be identical, so a payload re-serialised after signing (another
//! order, other escapes, another number spelling) is refused even before its
//! signature is checked.

use crate::alg::Alg;
use crate::anchor::Anchor;
use crate::b64;
use crate::coz::{SignedCoz, sign_pay};
use crate::digest::{AtomId, Thumbprint};
use crate::error::{CozError, decode_b64_len};
use crate::json::{self, Kind, Member, Value};
use crate::key::{PublicKey, SigningKey, string};
use crate::name::Label;
use crate::version::RawVersion;

/// `typ` of a claim.
pub const TYP_CLAIM: &str = "atom/claim";

/// `typ` of a publish.
pub const TYP_PUBLISH: &str = "atom/publish";

/// The largest `now` (2^53 − 1, the largest integer every JSON reader
/// represents exactly).
pub const MAX_NOW: u64 = (1 << 53) - 1;

/// The payload of an atom claim: it binds a label in one source repository
/// (the anchor) to a key. It has no timestamp, so the same (anchor, label,
/// key) always gives the same bytes, signature and [`AtomId`].
///
/// ```
/// use atom_id::{Alg, Anchor, ClaimPayload, Label, SigningKey, verify_claim};
///
/// let key = SigningKey::generate(Alg::Ed25519);
/// let anchor = Anchor::from_object_id(&[7; 20])?;
/// let claim = ClaimPayload::new(key.public(), anchor, "hello".parse::<Label>()?);
/// let signed = claim.sign(&key)?;
///
/// let verified = verify_claim(signed.coz.json())?;
/// assert_eq!(verified.atom_id, signed.atom_id);
/// assert_eq!(verified.payload, claim);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimPayload {
    alg: Alg,
    anchor: Anchor,
    label: Label,
    tmb: Thumbprint,
}

/// A claim and the [`AtomId`] it establishes.
#[derive(Debug, Clone)]
pub struct SignedClaim {
    /// The signed message.
    pub coz: SignedCoz,
    /// The claim's czd, which is the atom's id.
    pub atom_id: AtomId,
}

impl ClaimPayload {
    /// The claim of `label` in the repository `anchor`, by `key`.
    pub fn new(key: &PublicKey, anchor: Anchor, label: Label) -> Self {
        Self {
            alg: key.alg(),
            anchor,
            label,
            tmb: key.tmb().clone(),
        }
    }

    /// The signing algorithm.
    pub fn alg(&self) -> Alg {
        self.alg
    }

    /// The source repository.
    pub fn anchor(&self) -> &Anchor {
        &self.anchor
    }

    /// The claimed name.
    pub fn label(&self) -> &Label {
        &self.label
    }

    /// The claiming key's thumbprint.
    pub fn tmb(&self) -> &Thumbprint {
        &self.tmb
    }

    /// The canonical bytes:
    /// `{"alg":…,"anchor":…,"label":…,"tmb":…,"typ":"atom/claim"}`.
    pub fn to_pay(&self) -> Vec<u8> {
        encode(&[
            ("alg", Field::Str(self.alg.name())),
            ("anchor", Field::Str(self.anchor.as_str())),
            ("label", Field::Str(self.label.as_str())),
            ("tmb", Field::Str(&self.tmb.to_b64())),
            ("typ", Field::Str(TYP_CLAIM)),
        ])
    }

    /// Sign the claim. `key` must be the key the payload names.
    pub fn sign(&self, key: &SigningKey) -> Result<SignedClaim, CozError> {
        let coz = sign_pay(key, &self.to_pay())?;
        let atom_id = AtomId::from_claim_czd(coz.czd().clone());
        Ok(SignedClaim { coz, atom_id })
    }

    /// Read a claim from signed payload bytes, which must be its canonical
    /// encoding.
    pub(crate) fn from_pay(pay: &[u8]) -> Result<Self, CozError> {
        let document = json::parse(pay)?;
        let fields = Fields::read(&document, TYP_CLAIM, &["alg", "anchor", "label", "tmb"])?;
        let alg = fields.alg()?;
        let claim = Self {
            alg,
            anchor: fields.anchor()?,
            label: fields.label()?,
            tmb: fields.tmb(alg)?,
        };
        require_canonical(TYP_CLAIM, pay, &claim.to_pay())?;
        Ok(claim)
    }
}

/// The payload of an atom publish: version `version` of the atom `atom_id`
/// has content digest `dig` — the algorithm's hash (SHA-512 for Ed25519,
/// SHA-256 for ES256) of the NAR of the atom's directory tree — and was
/// published at `now` (seconds since the Unix epoch).
///
/// ```
/// use std::io::Write as _;
/// use atom_id::{Alg, Anchor, ClaimPayload, PublishPayload, SigningKey, verify_publish};
///
/// let key = SigningKey::generate(Alg::Ed25519);
/// let anchor = Anchor::from_object_id(&[7; 20])?;
/// let claim = ClaimPayload::new(key.public(), anchor.clone(), "hello".parse()?).sign(&key)?;
///
/// let mut dig = key.alg().hasher();
/// dig.write_all(b"nix-archive-1 ...")?;
/// let publish = PublishPayload::new(
///     key.public(), claim.atom_id.clone(), anchor, "hello".parse()?, "1.0.0".parse()?,
///     dig.finish(), 1_750_000_000,
/// )?;
/// let signed = publish.sign(&key)?;
/// let verified = verify_publish(signed.json())?;
/// assert_eq!(verified.payload.version().as_str(), "1.0.0");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishPayload {
    alg: Alg,
    anchor: Anchor,
    atom_id: AtomId,
    dig: Vec<u8>,
    label: Label,
    now: u64,
    tmb: Thumbprint,
    version: RawVersion,
}

impl PublishPayload {
    /// A publish by `key` of `version` of the atom `atom_id` (claimed as
    /// `label` in `anchor`), whose content digest is `dig`, at time `now`.
    ///
    /// Refuses a `dig` of the wrong length for the key's hash, a `now`
    /// above [`MAX_NOW`], and an `atom_id` of another algorithm (a publish is
    /// signed by the claim's key, so both share the algorithm).
    pub fn new(
        key: &PublicKey,
        atom_id: AtomId,
        anchor: Anchor,
        label: Label,
        version: RawVersion,
        dig: Vec<u8>,
        now: u64,
    ) -> Result<Self, CozError> {
        let alg = key.alg();
        if dig.len() != alg.digest_len() {
            return Err(CozError::WrongLength {
                field: "dig".into(),
                alg,
                expected: alg.digest_len(),
                found: dig.len(),
            });
        }
        if now > MAX_NOW {
            return Err(CozError::NowOutOfRange {
                field: "now".into(),
                value: now.to_string(),
            });
        }
        check_atom_id_alg(&atom_id, alg)?;
        Ok(Self {
            alg,
            anchor,
            atom_id,
            dig,
            label,
            now,
            tmb: key.tmb().clone(),
            version,
        })
    }

    /// The signing algorithm.
    pub fn alg(&self) -> Alg {
        self.alg
    }

    /// The source repository.
    pub fn anchor(&self) -> &Anchor {
        &self.anchor
    }

    /// The atom published.
    pub fn atom_id(&self) -> &AtomId {
        &self.atom_id
    }

    /// The content digest.
    pub fn dig(&self) -> &[u8] {
        &self.dig
    }

    /// The atom's label.
    pub fn label(&self) -> &Label {
        &self.label
    }

    /// The publication time, in seconds since the Unix epoch.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// The signing key's thumbprint.
    pub fn tmb(&self) -> &Thumbprint {
        &self.tmb
    }

    /// The version published.
    pub fn version(&self) -> &RawVersion {
        &self.version
    }

    /// The canonical bytes: fields in the order
    /// `alg, anchor, atom_id, dig, label, now, tmb, typ, version`.
    pub fn to_pay(&self) -> Vec<u8> {
        encode(&[
            ("alg", Field::Str(self.alg.name())),
            ("anchor", Field::Str(self.anchor.as_str())),
            ("atom_id", Field::Str(&self.atom_id.to_string())),
            ("dig", Field::Str(&b64::encode(&self.dig))),
            ("label", Field::Str(self.label.as_str())),
            ("now", Field::Int(self.now)),
            ("tmb", Field::Str(&self.tmb.to_b64())),
            ("typ", Field::Str(TYP_PUBLISH)),
            ("version", Field::Str(self.version.as_str())),
        ])
    }

    /// Sign the publish. `key` must be the key the payload names.
    pub fn sign(&self, key: &SigningKey) -> Result<SignedCoz, CozError> {
        sign_pay(key, &self.to_pay())
    }

    /// Read a publish from signed payload bytes, which must be its canonical
    /// encoding.
    pub(crate) fn from_pay(pay: &[u8]) -> Result<Self, CozError> {
        let document = json::parse(pay)?;
        let fields = Fields::read(
            &document,
            TYP_PUBLISH,
            &[
                "alg", "anchor", "atom_id", "dig", "label", "now", "tmb", "version",
            ],
        )?;
        let alg = fields.alg()?;
        let atom_id_text = string(fields.take("atom_id")?, "pay.atom_id")?;
        let atom_id: AtomId = atom_id_text.parse().map_err(|error| CozError::AtomId {
            field: "pay.atom_id".into(),
            error,
        })?;
        check_atom_id_alg(&atom_id, alg)?;
        let dig = string(fields.take("dig")?, "pay.dig")?;
        let version = string(fields.take("version")?, "pay.version")?;
        let publish = Self {
            alg,
            anchor: fields.anchor()?,
            atom_id,
            dig: decode_b64_len("pay.dig", dig, alg, alg.digest_len())?,
            label: fields.label()?,
            now: check_timestamp(fields.take("now")?, "pay.now")?,
            tmb: fields.tmb(alg)?,
            version: RawVersion::new(version).map_err(|error| CozError::Version {
                field: "pay.version".into(),
                error,
            })?,
        };
        require_canonical(TYP_PUBLISH, pay, &publish.to_pay())?;
        Ok(publish)
    }
}

fn check_atom_id_alg(atom_id: &AtomId, alg: Alg) -> Result<(), CozError> {
    if atom_id.alg() == alg {
        Ok(())
    } else {
        Err(CozError::AtomIdAlgMismatch {
            atom_id: atom_id.alg(),
            key: alg,
        })
    }
}

/// An integer timestamp in `[0, MAX_NOW]`, as `now` and `iat` must be.
pub(crate) fn check_timestamp(value: &Value<'_>, field: &str) -> Result<u64, CozError> {
    let Kind::Number(text) = value.kind else {
        return Err(CozError::WrongType {
            field: field.to_owned(),
            expected: "an integer",
            found: value.type_name(),
        });
    };
    // The JSON grammar already excludes leading zeros; what remains to
    // exclude is a sign, a fraction, an exponent, and size.
    text.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| text.parse::<u64>().ok())
        .flatten()
        .filter(|&now| now <= MAX_NOW)
        .ok_or_else(|| CozError::NowOutOfRange {
            field: field.to_owned(),
            value: text.to_owned(),
        })
}

fn require_canonical(typ: &'static str, found: &[u8], expected: &[u8]) -> Result<(), CozError> {
    if found == expected {
        Ok(())
    } else {
        Err(CozError::PayNotCanonical {
            typ,
            expected: String::from_utf8_lossy(expected).into_owned(),
            found: String::from_utf8_lossy(found).into_owned(),
        })
    }
}

enum Field<'a> {
    Str(&'a str),
    Int(u64),
}

/// Compact JSON of `fields`, in the order given.
fn encode(fields: &[(&str, Field<'_>)]) -> Vec<u8> {
    let mut out = String::from("{");
    for (i, (name, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&quote(name));
        out.push(':');
        match value {
            Field::Str(text) => out.push_str(&quote(text)),
            Field::Int(number) => out.push_str(&number.to_string()),
        }
    }
    out.push('}');
    out.into_bytes()
}

/// A JSON string literal, escaped as `serde_json` escapes (`"`, `\` and
/// control characters only).
fn quote(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

/// The members of a typed payload, checked against its field list.
struct Fields<'d, 'a> {
    members: Vec<&'d Member<'a>>,
}

impl<'d, 'a> Fields<'d, 'a> {
    /// Check `typ` first (a payload of another type is reported as such, not
    /// as a list of odd fields), then that only `typ` and `names` occur.
    fn read(document: &'d Value<'a>, typ: &'static str, names: &[&str]) -> Result<Self, CozError> {
        let members = document.as_object().ok_or(CozError::NotAnObject {
            what: "pay",
            found: document.type_name(),
        })?;
        let found_typ = members
            .iter()
            .find(|member| member.key == "typ")
            .map(|member| string(&member.value, "pay.typ"))
            .transpose()?;
        if found_typ != Some(typ) {
            return Err(CozError::WrongTyp {
                expected: typ,
                found: found_typ.map(str::to_owned),
            });
        }
        if let Some(unknown) = members
            .iter()
            .find(|member| member.key != "typ" && !names.contains(&&*member.key))
        {
            return Err(CozError::UnknownField {
                field: format!("pay.{}", unknown.key),
            });
        }
        Ok(Self {
            members: members.iter().collect(),
        })
    }

    fn take(&self, name: &str) -> Result<&'d Value<'a>, CozError> {
        self.members
            .iter()
            .find(|member| member.key == name)
            .map(|member| &member.value)
            .ok_or_else(|| CozError::MissingField {
                field: format!("pay.{name}"),
            })
    }

    fn alg(&self) -> Result<Alg, CozError> {
        let text = string(self.take("alg")?, "pay.alg")?;
        text.parse().map_err(|_| CozError::UnsupportedAlg {
            field: "pay.alg".into(),
            value: text.to_owned(),
        })
    }

    fn anchor(&self) -> Result<Anchor, CozError> {
        let text = string(self.take("anchor")?, "pay.anchor")?;
        Anchor::new(text).map_err(|error| CozError::Anchor {
            field: "pay.anchor".into(),
            error,
        })
    }

    fn label(&self) -> Result<Label, CozError> {
        let text = string(self.take("label")?, "pay.label")?;
        Label::parse_normalized(text).map_err(|error| CozError::Label {
            field: "pay.label".into(),
            error,
        })
    }

    fn tmb(&self, alg: Alg) -> Result<Thumbprint, CozError> {
        let text = string(self.take("tmb")?, "pay.tmb")?;
        Thumbprint::from_b64("pay.tmb", text, alg)
    }
}
