//! Signing and verifying Coz messages `{"pay":…,"sig":…,"key":…}`.
//!
//! coz-rs supplies the curve arithmetic. What it leaves to callers, this
//! module does: it hashes the payload's bytes exactly as written (coz-rs
//! re-serialises them), refuses duplicate keys at any depth, non-canonical
//! base64url, high-S ECDSA and unreduced Ed25519 signatures (coz-rs reports
//! those only as "does not verify"), checks `pay.alg` and `pay.tmb` against
//! the key and `now` against `[0, 2^53 − 1]`, and refuses an embedded `prv`.
//!
//! The checks run in a fixed order — document, key, payload fields, the
//! typed payload (for claims and publishes), signature encoding — so that a
//! message with one defect always gets the error for that defect; the
//! signature itself is checked last.

use crate::alg::Alg;
use crate::b64;
use crate::digest::{AtomId, Cad, Czd, Thumbprint};
use crate::error::{CozError, decode_b64, decode_b64_len};
use crate::json::{self, Member};
use crate::key::{PublicKey, SigningKey, string};
use crate::payload::{ClaimPayload, PublishPayload, check_timestamp};

/// A message this crate signed: its JSON, and (through `Deref`) its parts
/// and digests.
#[derive(Debug, Clone)]
pub struct SignedCoz {
    json: Vec<u8>,
    message: CozMessage,
}

impl SignedCoz {
    /// The message, `{"pay":…,"sig":…,"key":{"alg":…,"pub":…,"tmb":…}}`,
    /// compact, without a trailing newline. The key is the public key only.
    pub fn json(&self) -> &[u8] {
        &self.json
    }

    /// The message, owned.
    pub fn into_json(self) -> Vec<u8> {
        self.json
    }
}

impl std::ops::Deref for SignedCoz {
    type Target = CozMessage;

    fn deref(&self) -> &CozMessage {
        &self.message
    }
}

/// Sign the JSON object `pay` with `key`.
///
/// `pay` is compacted (whitespace outside strings removed) and otherwise
/// signed exactly as written. If it has no `alg` or `tmb`, the key's are
/// added at the front (`alg` first); if it has them, they must be the key's.
/// A `now` must be an integer in `[0, 2^53 − 1]`.
///
/// ```
/// use atom_id::{Alg, SigningKey, sign_pay, verify_coz};
///
/// let key = SigningKey::generate(Alg::Ed25519);
/// let signed = sign_pay(&key, br#"{"msg":"hello","typ":"example/hello"}"#)?;
/// assert!(signed.pay().starts_with(br#"{"alg":"Ed25519","tmb":""#));
/// let verified = verify_coz(signed.json())?;
/// assert_eq!(verified.czd(), signed.czd());
/// # Ok::<(), atom_id::CozError>(())
/// ```
pub fn sign_pay(key: &SigningKey, pay: &[u8]) -> Result<SignedCoz, CozError> {
    let document = json::parse(pay)?;
    let members = pay_members(&document)?;
    let header = check_pay(members, key.public())?;
    let compact = json::compact(&pay[document.span.clone()]);
    let mut prefix = String::new();
    if !header.has_alg {
        prefix.push_str(&format!(r#""alg":"{}","#, key.alg()));
    }
    if !header.has_tmb {
        prefix.push_str(&format!(r#""tmb":"{}","#, key.tmb()));
    }
    let pay = if prefix.is_empty() {
        compact
    } else if members.is_empty() {
        prefix.pop(); // the trailing comma
        format!("{{{prefix}}}").into_bytes()
    } else {
        let mut out = Vec::with_capacity(prefix.len() + compact.len());
        out.push(b'{');
        out.extend_from_slice(prefix.as_bytes());
        out.extend_from_slice(&compact[1..]);
        out
    };
    let alg = key.alg();
    let cad = Cad::of_pay(alg, &pay);
    let sig = key.sign_message(cad.as_bytes());
    let czd = Czd::compute(&cad, &sig);
    let mut json = Vec::with_capacity(pay.len() + 512);
    json.extend_from_slice(b"{\"pay\":");
    json.extend_from_slice(&pay);
    json.extend_from_slice(format!(r#","sig":"{}","key":"#, b64::encode(&sig)).as_bytes());
    json.extend_from_slice(key.public().to_json().as_bytes());
    json.push(b'}');
    Ok(SignedCoz {
        json,
        message: CozMessage {
            pay,
            sig,
            cad,
            czd,
            key: key.public().clone(),
        },
    })
}

/// A signed message's parts and digests, as signed or as verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CozMessage {
    pay: Vec<u8>,
    sig: Vec<u8>,
    cad: Cad,
    czd: Czd,
    key: PublicKey,
}

impl CozMessage {
    /// The payload bytes that were signed (compact).
    pub fn pay(&self) -> &[u8] {
        &self.pay
    }

    /// The algorithm.
    pub fn alg(&self) -> Alg {
        self.key.alg()
    }

    /// The signing key's thumbprint (which `pay.tmb` equals).
    pub fn tmb(&self) -> &Thumbprint {
        self.key.tmb()
    }

    /// The signing key.
    pub fn key(&self) -> &PublicKey {
        &self.key
    }

    /// The signature.
    pub fn sig(&self) -> &[u8] {
        &self.sig
    }

    /// The payload digest `cad`.
    pub fn cad(&self) -> &Cad {
        &self.cad
    }

    /// The message digest `czd`.
    pub fn czd(&self) -> &Czd {
        &self.czd
    }
}

/// Verify a Coz message with an embedded public `key`: every rule in the
/// module documentation, then the signature. `pay` must have `alg` and
/// `tmb`, equal to the key's; a `cad` or `czd` in the message must equal the
/// computed one.
pub fn verify_coz(json: &[u8]) -> Result<CozMessage, CozError> {
    Message::read(json)?.verify()
}

/// A verified claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedClaim {
    /// The claim.
    pub payload: ClaimPayload,
    /// The atom's id: the claim's czd.
    pub atom_id: AtomId,
    /// The message.
    pub coz: CozMessage,
}

/// Verify a signed claim: [`verify_coz`], plus `typ` must be
/// [`TYP_CLAIM`](crate::TYP_CLAIM) and the payload the canonical encoding of
/// a [`ClaimPayload`].
pub fn verify_claim(json: &[u8]) -> Result<VerifiedClaim, CozError> {
    let message = Message::read(json)?;
    let payload = ClaimPayload::from_pay(&message.pay)?;
    let coz = message.verify()?;
    Ok(VerifiedClaim {
        payload,
        atom_id: AtomId::from_claim_czd(coz.czd.clone()),
        coz,
    })
}

/// A verified publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedPublish {
    /// The publish.
    pub payload: PublishPayload,
    /// The message.
    pub coz: CozMessage,
}

impl VerifiedPublish {
    /// Check that this publish belongs to `claim`: the same atom id, the
    /// same key, anchor and label.
    pub fn check_claim(&self, claim: &VerifiedClaim) -> Result<(), CozError> {
        let pairs = [
            (
                "atom_id",
                self.payload.atom_id().to_string(),
                claim.atom_id.to_string(),
            ),
            (
                "tmb",
                self.payload.tmb().to_b64(),
                claim.payload.tmb().to_b64(),
            ),
            (
                "anchor",
                self.payload.anchor().to_string(),
                claim.payload.anchor().to_string(),
            ),
            (
                "label",
                self.payload.label().to_string(),
                claim.payload.label().to_string(),
            ),
        ];
        match pairs
            .into_iter()
            .find(|(_, publish, claim)| publish != claim)
        {
            None => Ok(()),
            Some((field, publish, claim)) => Err(CozError::PublishNotForClaim {
                field,
                publish,
                claim,
            }),
        }
    }
}

/// Verify a signed publish: [`verify_coz`], plus `typ` must be
/// [`TYP_PUBLISH`](crate::TYP_PUBLISH) and the payload the canonical encoding
/// of a [`PublishPayload`]. Whether it belongs to a claim is
/// [`VerifiedPublish::check_claim`].
pub fn verify_publish(json: &[u8]) -> Result<VerifiedPublish, CozError> {
    let message = Message::read(json)?;
    let payload = PublishPayload::from_pay(&message.pay)?;
    let coz = message.verify()?;
    Ok(VerifiedPublish { payload, coz })
}

/// Verify a claim given as its parts: the payload bytes exactly as signed,
/// the raw signature, and the raw public key. Returns the [`AtomId`] the
/// claim establishes.
///
/// ```
/// use atom_id::{Alg, Anchor, ClaimPayload, SigningKey, verify};
///
/// let key = SigningKey::generate(Alg::ES256);
/// let claim = ClaimPayload::new(key.public(), Anchor::from_object_id(&[1; 32])?, "x".parse()?);
/// let signed = claim.sign(&key)?;
/// let id = verify(signed.coz.pay(), signed.coz.sig(), key.public().as_bytes(), Alg::ES256)?;
/// assert_eq!(id, signed.atom_id);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify(pay: &[u8], sig: &[u8], public_key: &[u8], alg: Alg) -> Result<AtomId, CozError> {
    let key = PublicKey::from_bytes(alg, public_key)?;
    let document = json::parse(pay)?;
    check_pay(pay_members(&document)?, &key)?.require_alg_and_tmb()?;
    ClaimPayload::from_pay(pay)?;
    let message = Message {
        pay: pay.to_vec(),
        sig: sig.to_vec(),
        key,
        stated_cad: None,
        stated_czd: None,
    };
    Ok(AtomId::from_claim_czd(message.verify()?.czd))
}

/// A message read and checked in every way but its signature.
struct Message {
    pay: Vec<u8>,
    sig: Vec<u8>,
    key: PublicKey,
    stated_cad: Option<String>,
    stated_czd: Option<String>,
}

impl Message {
    fn read(json: &[u8]) -> Result<Self, CozError> {
        let document = json::parse(json)?;
        let members = document.as_object().ok_or(CozError::NotAnObject {
            what: "the document",
            found: document.type_name(),
        })?;
        let mut pay = None;
        let mut sig = None;
        let mut key = None;
        let mut cad = None;
        let mut czd = None;
        for member in members {
            let slot = match &*member.key {
                "pay" => &mut pay,
                "sig" => &mut sig,
                "key" => &mut key,
                "cad" => &mut cad,
                "czd" => &mut czd,
                other => {
                    return Err(CozError::UnknownField {
                        field: other.to_owned(),
                    });
                }
            };
            *slot = Some(&member.value);
        }
        let missing = |field: &str| CozError::MissingField {
            field: field.to_owned(),
        };
        let key = PublicKey::from_json_value(key.ok_or_else(|| missing("key"))?)?;
        let alg = key.alg();
        let pay = pay.ok_or_else(|| missing("pay"))?;
        check_pay(pay_members(pay)?, &key)?.require_alg_and_tmb()?;
        let sig = string(sig.ok_or_else(|| missing("sig"))?, "sig")?;
        let sig = decode_b64_len("sig", sig, alg, alg.sig_len())?;
        let stated = |field: &str, value: Option<&json::Value<'_>>| {
            value
                .map(|value| -> Result<String, CozError> {
                    let text = string(value, field)?;
                    decode_b64_len(field, text, alg, alg.digest_len())?;
                    Ok(text.to_owned())
                })
                .transpose()
        };
        let stated_cad = stated("cad", cad)?;
        let stated_czd = stated("czd", czd)?;
        Ok(Self {
            pay: json::compact(&json[pay.span.clone()]),
            sig,
            key,
            stated_cad,
            stated_czd,
        })
    }

    fn verify(self) -> Result<CozMessage, CozError> {
        let alg = self.key.alg();
        let cad = Cad::of_pay(alg, &self.pay);
        check_stated("cad", self.stated_cad.as_deref(), &cad.to_b64())?;
        self.key.verify_message(cad.as_bytes(), &self.sig)?;
        let czd = Czd::compute(&cad, &self.sig);
        check_stated("czd", self.stated_czd.as_deref(), &czd.to_b64())?;
        Ok(CozMessage {
            pay: self.pay,
            sig: self.sig,
            cad,
            czd,
            key: self.key,
        })
    }
}

fn check_stated(field: &'static str, stated: Option<&str>, computed: &str) -> Result<(), CozError> {
    match stated {
        Some(stated) if stated != computed => Err(CozError::DigestMismatch {
            field,
            stated: stated.to_owned(),
            computed: computed.to_owned(),
        }),
        _ => Ok(()),
    }
}

fn pay_members<'d, 'a>(pay: &'d json::Value<'a>) -> Result<&'d [Member<'a>], CozError> {
    pay.as_object().ok_or(CozError::NotAnObject {
        what: "pay",
        found: pay.type_name(),
    })
}

/// Which of the fields that tie a payload to its key it has.
struct PayHeader {
    has_alg: bool,
    has_tmb: bool,
}

impl PayHeader {
    fn require_alg_and_tmb(&self) -> Result<(), CozError> {
        let missing = |field: &str| {
            Err(CozError::MissingField {
                field: field.to_owned(),
            })
        };
        match (self.has_alg, self.has_tmb) {
            (false, _) => missing("pay.alg"),
            (_, false) => missing("pay.tmb"),
            _ => Ok(()),
        }
    }
}

/// The payload rules shared by signing and verifying: `alg` and `tmb`, when
/// present, are the key's; `now` is a timestamp; `typ` is a string.
fn check_pay(members: &[Member<'_>], key: &PublicKey) -> Result<PayHeader, CozError> {
    let mut header = PayHeader {
        has_alg: false,
        has_tmb: false,
    };
    for member in members {
        match &*member.key {
            "alg" => {
                let text = string(&member.value, "pay.alg")?;
                let pay: Alg = text.parse().map_err(|_| CozError::UnsupportedAlg {
                    field: "pay.alg".into(),
                    value: text.to_owned(),
                })?;
                if pay != key.alg() {
                    return Err(CozError::AlgMismatch {
                        pay,
                        key: key.alg(),
                    });
                }
                header.has_alg = true;
            }
            "tmb" => {
                let text = string(&member.value, "pay.tmb")?;
                decode_b64("pay.tmb", text)?;
                if text != key.tmb().to_b64() {
                    return Err(CozError::PayThumbprintMismatch {
                        pay: text.to_owned(),
                        key: key.tmb().to_b64(),
                    });
                }
                header.has_tmb = true;
            }
            "now" => {
                check_timestamp(&member.value, "pay.now")?;
            }
            "typ" => {
                string(&member.value, "pay.typ")?;
            }
            _ => {}
        }
    }
    Ok(header)
}
