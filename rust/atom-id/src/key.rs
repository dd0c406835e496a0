//! Keys: [`SigningKey`] (a Coz private key file) and [`PublicKey`] (what a
//! signed message embeds), with the checks coz-rs leaves to its callers.

use std::fmt;

use coz_rs::key::ops::KeyOps;

use crate::alg::Alg;
use crate::b64;
use crate::digest::Thumbprint;
use crate::error::{CozError, decode_b64, decode_b64_len};
use crate::json::{self, Value};

/// A public key and its thumbprint.
///
/// ```
/// use atom_id::{Alg, SigningKey};
///
/// let key = SigningKey::generate(Alg::Ed25519);
/// let public = key.public();
/// assert_eq!(public.alg(), Alg::Ed25519);
/// assert_eq!(public.tmb().to_string().len(), 86); // SHA-512, b64ut
/// assert!(!public.to_json().contains("prv"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    alg: Alg,
    bytes: Vec<u8>,
    tmb: Thumbprint,
}

impl PublicKey {
    /// A public key from its raw bytes (for ES256 the uncompressed point
    /// without its `0x04` prefix, for Ed25519 the 32-byte encoding). Refuses
    /// bytes that are not a point of the curve, and Ed25519 points of small
    /// order.
    pub fn from_bytes(alg: Alg, bytes: &[u8]) -> Result<Self, CozError> {
        if bytes.len() != alg.pub_len() {
            return Err(CozError::WrongLength {
                field: "pub".into(),
                alg,
                expected: alg.pub_len(),
                found: bytes.len(),
            });
        }
        let valid = match alg {
            Alg::Ed25519 => {
                if is_small_order_ed25519(bytes) {
                    return Err(CozError::WeakPublicKey);
                }
                <coz_rs::Ed25519 as KeyOps>::verifying_key_from_bytes(bytes).is_some()
            }
            Alg::ES256 => <coz_rs::ES256 as KeyOps>::verifying_key_from_bytes(bytes).is_some(),
        };
        if !valid {
            return Err(CozError::InvalidPublicKey { alg });
        }
        Ok(Self {
            alg,
            bytes: bytes.to_vec(),
            tmb: Thumbprint::of_public_key(alg, bytes),
        })
    }

    /// The algorithm.
    pub fn alg(&self) -> Alg {
        self.alg
    }

    /// The raw public key (`pub`).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The raw public key as b64ut, as `pub` fields write it.
    pub fn to_b64(&self) -> String {
        b64::encode(&self.bytes)
    }

    /// The thumbprint (`tmb`).
    pub fn tmb(&self) -> &Thumbprint {
        &self.tmb
    }

    /// `{"alg":…,"pub":…,"tmb":…}`, compact: the form messages embed.
    pub fn to_json(&self) -> String {
        format!(
            r#"{{"alg":"{}","pub":"{}","tmb":"{}"}}"#,
            self.alg,
            self.to_b64(),
            self.tmb
        )
    }

    /// Read an embedded `key` object. A `prv` in it is an error.
    pub(crate) fn from_json_value(value: &Value<'_>) -> Result<Self, CozError> {
        let fields = KeyFields::read(value, "key")?;
        if fields.prv.is_some() {
            return Err(CozError::PrivateKeyEmbedded);
        }
        let Some(tmb) = fields.tmb else {
            return Err(CozError::MissingField {
                field: "key.tmb".into(),
            });
        };
        let public = Self::from_bytes(fields.alg, &fields.public)?;
        public.check_stated_tmb("key.tmb", tmb)?;
        Ok(public)
    }

    /// Check that a `tmb` written beside this key is its thumbprint.
    fn check_stated_tmb(&self, field: &str, stated: &str) -> Result<(), CozError> {
        decode_b64_len(field, stated, self.alg, self.alg.digest_len())?;
        if stated == self.tmb.to_b64() {
            Ok(())
        } else {
            Err(CozError::KeyThumbprintMismatch {
                stated: stated.to_owned(),
                computed: self.tmb.to_b64(),
            })
        }
    }

    /// Check `sig` over `message` (for Coz, the `cad`), refusing malleated
    /// signatures (high-S ES256, unreduced Ed25519) with their own errors
    /// before the curve arithmetic.
    pub fn verify_message(&self, message: &[u8], sig: &[u8]) -> Result<(), CozError> {
        let alg = self.alg;
        if sig.len() != alg.sig_len() {
            return Err(CozError::WrongLength {
                field: "sig".into(),
                alg,
                expected: alg.sig_len(),
                found: sig.len(),
            });
        }
        let valid = match alg {
            Alg::Ed25519 => {
                if !is_reduced_ed25519_scalar(&sig[32..]) {
                    return Err(CozError::MalleatedEd25519);
                }
                <coz_rs::Ed25519 as KeyOps>::verifying_key_from_bytes(&self.bytes)
                    .is_some_and(|key| <coz_rs::Ed25519 as KeyOps>::verify(&key, message, sig))
            }
            Alg::ES256 => {
                if is_high_s_p256(&sig[32..]) {
                    return Err(CozError::HighS);
                }
                <coz_rs::ES256 as KeyOps>::verifying_key_from_bytes(&self.bytes)
                    .is_some_and(|key| <coz_rs::ES256 as KeyOps>::verify(&key, message, sig))
            }
        };
        if valid {
            Ok(())
        } else {
            Err(CozError::BadSignature { alg })
        }
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("alg", &self.alg)
            .field("pub", &b64::encode(&self.bytes))
            .field("tmb", &self.tmb.to_b64())
            .finish()
    }
}

/// A private key: the Coz key JSON `{"alg","pub","prv","tmb"}`.
///
/// Its `Debug` output never shows the private part.
///
/// ```
/// use atom_id::{Alg, SigningKey};
///
/// let key = SigningKey::generate(Alg::ES256);
/// let json = key.to_json();
/// let again = SigningKey::from_json(json.as_bytes())?;
/// assert_eq!(again.public(), key.public());
/// assert!(!format!("{key:?}").contains("prv"));
/// # Ok::<(), atom_id::CozError>(())
/// ```
pub struct SigningKey {
    public: PublicKey,
    prv: Vec<u8>,
}

impl SigningKey {
    /// A new random key from the operating system's generator.
    pub fn generate(alg: Alg) -> Self {
        let pair = alg.to_coz().generate_keypair();
        Self {
            public: PublicKey {
                alg,
                tmb: Thumbprint::of_public_key(alg, &pair.pub_bytes),
                bytes: pair.pub_bytes,
            },
            prv: pair.prv_bytes,
        }
    }

    /// The key whose private part is `prv` (the ES256 scalar, or the
    /// Ed25519 seed).
    pub fn from_private_bytes(alg: Alg, prv: &[u8]) -> Result<Self, CozError> {
        if prv.len() != alg.prv_len() {
            return Err(CozError::WrongLength {
                field: "prv".into(),
                alg,
                expected: alg.prv_len(),
                found: prv.len(),
            });
        }
        let public = alg
            .to_coz()
            .derive_public_key(prv)
            .ok_or(CozError::InvalidPrivateKey { alg })?;
        Ok(Self {
            public: PublicKey::from_bytes(alg, &public)?,
            prv: prv.to_vec(),
        })
    }

    /// Read a Coz private key JSON. `pub` must be the public key of `prv`,
    /// and `tmb`, when present, its thumbprint. Besides those, only the Coz
    /// key fields `tag` and `iat` are allowed.
    pub fn from_json(text: &[u8]) -> Result<Self, CozError> {
        let document = json::parse(text)?;
        let fields = KeyFields::read(&document, "the key")?;
        let Some(prv) = fields.prv else {
            return Err(CozError::MissingField {
                field: "prv".into(),
            });
        };
        let prv = decode_b64_len("prv", prv, fields.alg, fields.alg.prv_len())?;
        let key = Self::from_private_bytes(fields.alg, &prv)?;
        if fields.public != key.public.bytes {
            return Err(CozError::PublicKeyMismatch);
        }
        if let Some(tmb) = fields.tmb {
            key.public.check_stated_tmb("tmb", tmb)?;
        }
        Ok(key)
    }

    /// `{"alg":…,"pub":…,"prv":…,"tmb":…}` and a newline: the key file.
    pub fn to_json(&self) -> String {
        format!(
            "{{\"alg\":\"{}\",\"pub\":\"{}\",\"prv\":\"{}\",\"tmb\":\"{}\"}}\n",
            self.public.alg,
            b64::encode(&self.public.bytes),
            b64::encode(&self.prv),
            self.public.tmb
        )
    }

    /// The public part.
    pub fn public(&self) -> &PublicKey {
        &self.public
    }

    /// The algorithm.
    pub fn alg(&self) -> Alg {
        self.public.alg
    }

    /// The thumbprint.
    pub fn tmb(&self) -> &Thumbprint {
        &self.public.tmb
    }

    /// Sign `message` (for Coz, the `cad`). Ed25519 and ES256 (RFC 6979
    /// nonces) are both deterministic; ES256 signatures are low-S.
    pub fn sign_message(&self, message: &[u8]) -> Vec<u8> {
        // The private bytes were validated when the key was made, so the
        // inner keys always exist.
        match self.public.alg {
            Alg::Ed25519 => <coz_rs::Ed25519 as KeyOps>::signing_key_from_bytes(&self.prv)
                .map(|key| <coz_rs::Ed25519 as KeyOps>::sign(&key, message)),
            Alg::ES256 => <coz_rs::ES256 as KeyOps>::signing_key_from_bytes(&self.prv)
                .map(|key| <coz_rs::ES256 as KeyOps>::sign(&key, message)),
        }
        .unwrap_or_default()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

/// The fields of a key object, read and type-checked but not yet validated
/// as a key.
struct KeyFields<'v> {
    alg: Alg,
    public: Vec<u8>,
    prv: Option<&'v str>,
    tmb: Option<&'v str>,
}

impl<'v> KeyFields<'v> {
    /// `object` names the object in errors (`key` gives `key.pub`).
    fn read(value: &'v Value<'_>, object: &'static str) -> Result<Self, CozError> {
        let members = value.as_object().ok_or(CozError::NotAnObject {
            what: object,
            found: value.type_name(),
        })?;
        let field = |name: &str| match object {
            "key" => format!("key.{name}"),
            _ => name.to_owned(),
        };
        let mut alg = None;
        let mut public = None;
        let mut prv = None;
        let mut tmb = None;
        for member in members {
            let name = field(&member.key);
            match &*member.key {
                "alg" => alg = Some(string(&member.value, &name)?),
                "pub" => public = Some(string(&member.value, &name)?),
                "prv" => prv = Some(string(&member.value, &name)?),
                "tmb" => tmb = Some(string(&member.value, &name)?),
                "tag" => {
                    string(&member.value, &name)?;
                }
                "iat" => {
                    crate::payload::check_timestamp(&member.value, &name)?;
                }
                _ => return Err(CozError::UnknownField { field: name }),
            }
        }
        let missing = |name: &str| CozError::MissingField { field: field(name) };
        let alg_text = alg.ok_or_else(|| missing("alg"))?;
        let alg: Alg = alg_text.parse().map_err(|_| CozError::UnsupportedAlg {
            field: field("alg"),
            value: alg_text.to_owned(),
        })?;
        let public = public.ok_or_else(|| missing("pub"))?;
        let public = decode_b64(&field("pub"), public)?;
        Ok(Self {
            alg,
            public,
            prv,
            tmb,
        })
    }
}

/// The string value of `field`, or a type error.
pub(crate) fn string<'v>(value: &'v Value<'_>, field: &str) -> Result<&'v str, CozError> {
    value.as_str().ok_or_else(|| CozError::WrongType {
        field: field.to_owned(),
        expected: "a string",
        found: value.type_name(),
    })
}

/// Whether big-endian `s` exceeds ⌊n/2⌋ for the P-256 group order n.
fn is_high_s_p256(s: &[u8]) -> bool {
    const HALF_ORDER: [u8; 32] = [
        0x7f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xde, 0x73, 0x7d, 0x56, 0xd3, 0x8b, 0xcf, 0x42, 0x79, 0xdc, 0xe5, 0x61, 0x7e, 0x31,
        0x92, 0xa8,
    ];
    s > HALF_ORDER.as_slice()
}

/// Whether little-endian `s` is below the Ed25519 group order
/// ℓ = 2^252 + 27742317777372353535851937790883648493.
fn is_reduced_ed25519_scalar(s: &[u8]) -> bool {
    const ORDER_LE: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x10,
    ];
    // Compare as numbers: from the most significant (last) byte down.
    s.iter().rev().lt(ORDER_LE.iter().rev())
}

/// The y coordinates of the eight Ed25519 points of small order (1, 2, 4
/// or 8), plus the non-canonical spellings y + p of y = 0 and y = 1.
const SMALL_ORDER_Y: [[u8; 32]; 7] = [
    // y = 0 (order 4)
    [0; 32],
    // y = 1 (the identity)
    [
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0,
    ],
    // order 8
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ],
    // order 8
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ],
    // y = p − 1 (order 2)
    [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    // y = p, non-canonical 0
    [
        0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    // y = p + 1, non-canonical 1
    [
        0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
];

/// Whether an Ed25519 point encoding is one of the points of small order,
/// spelled canonically or not; the sign bit (bit 255) is ignored.
fn is_small_order_ed25519(encoded: &[u8]) -> bool {
    let Ok(mut y) = <[u8; 32]>::try_from(encoded) else {
        return false;
    };
    y[31] &= 0x7f;
    SMALL_ORDER_Y.contains(&y)
}

#[cfg(test)]
mod tests {
    use curve25519_dalek::constants::EIGHT_TORSION;
    use curve25519_dalek::edwards::CompressedEdwardsY;

    use super::*;

    #[test]
    fn the_small_order_table_is_exactly_the_torsion_points() {
        // Rebuild the table from curve arithmetic, so that the test does not
        // merely repeat it: the y of each torsion point, and y + p for the
        // two y (0 and 1) small enough to have a second spelling below 2^255.
        let mut expected: Vec<[u8; 32]> = EIGHT_TORSION
            .iter()
            .map(|point| {
                let mut y = point.compress().to_bytes();
                y[31] &= 0x7f;
                y
            })
            .collect();
        expected.sort_unstable();
        expected.dedup();
        let p_minus_1 = expected.iter().copied().find(|y| y[0] == 0xec).unwrap();
        for low_byte in [0xed, 0xee] {
            let mut y = p_minus_1;
            y[0] = low_byte;
            expected.push(y);
        }
        let mut table = SMALL_ORDER_Y.to_vec();
        table.sort_unstable();
        expected.sort_unstable();
        assert_eq!(table, expected);

        // Every spelling that decodes at all decodes to a small-order point.
        for y in SMALL_ORDER_Y {
            for sign in [0, 0x80] {
                let mut encoded = y;
                encoded[31] |= sign;
                assert!(is_small_order_ed25519(&encoded));
                if let Some(point) = CompressedEdwardsY(encoded).decompress() {
                    assert!(point.is_small_order(), "{encoded:02x?}");
                }
            }
        }
        for _ in 0..32 {
            let key = SigningKey::generate(Alg::Ed25519);
            assert!(!is_small_order_ed25519(key.public().as_bytes()));
        }
    }

    #[test]
    fn the_ed25519_order_bound() {
        let mut order = [0u8; 32];
        order[..16].copy_from_slice(&[
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14,
        ]);
        order[31] = 0x10;
        assert!(!is_reduced_ed25519_scalar(&order));
        let mut below = order;
        below[0] -= 1;
        assert!(is_reduced_ed25519_scalar(&below));
        // Agree with curve25519-dalek on the boundary and on random values.
        let reduced = |bytes: [u8; 32]| {
            bool::from(curve25519_dalek::Scalar::from_canonical_bytes(bytes).is_some())
        };
        assert!(!reduced(order));
        assert!(reduced(below));
        for seed in 0u8..=255 {
            let bytes: [u8; 32] = Alg::ES256.hash(&[seed]).try_into().unwrap();
            assert_eq!(
                is_reduced_ed25519_scalar(&bytes),
                reduced(bytes),
                "{bytes:02x?}"
            );
        }
    }

    #[test]
    fn the_p256_half_order() {
        // n = FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
        let half = [
            0x7f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xde, 0x73, 0x7d, 0x56, 0xd3, 0x8b, 0xcf, 0x42, 0x79, 0xdc, 0xe5, 0x61,
            0x7e, 0x31, 0x92, 0xa8,
        ];
        assert!(!is_high_s_p256(&half));
        let mut above = half;
        above[31] += 1;
        assert!(is_high_s_p256(&above));
    }

    #[test]
    fn key_files_round_trip_for_both_algorithms() {
        for alg in Alg::ALL {
            let key = SigningKey::generate(alg);
            let json = key.to_json();
            let again = SigningKey::from_json(json.as_bytes()).unwrap();
            assert_eq!(again.public(), key.public());
            assert_eq!(again.to_json(), json);
        }
    }

    #[test]
    fn the_golden_es256_key_loads() {
        let json = br#"{"alg":"ES256","prv":"bNstg4_H3m3SlROufwRSEgibLrBuRq9114OvdapcpVA","pub":"2nTOaFVm2QLxmUO_SjgyscVHBtvHEfo2rq65MvgNRjORojq39Haq9rXNxvXxwba_Xj0F5vZibJR3isBdOWbo5g","tmb":"U5XUZots-WmQYcQWmsO751Xk0yeVi9XUKWQ2mGz6Aqg"}"#;
        let key = SigningKey::from_json(json).unwrap();
        assert_eq!(
            key.tmb().to_b64(),
            "U5XUZots-WmQYcQWmsO751Xk0yeVi9XUKWQ2mGz6Aqg"
        );
    }

    fn load(json: &str) -> CozError {
        SigningKey::from_json(json.as_bytes()).unwrap_err()
    }

    #[test]
    fn corrupt_key_files_are_refused_with_reasons() {
        let key = SigningKey::generate(Alg::Ed25519);
        let other = SigningKey::generate(Alg::Ed25519);
        let public = b64::encode(key.public().as_bytes());
        let prv = b64::encode(&key.prv);
        let tmb = key.tmb().to_b64();

        let mismatched = format!(
            r#"{{"alg":"Ed25519","pub":"{}","prv":"{prv}"}}"#,
            b64::encode(other.public().as_bytes())
        );
        assert_eq!(load(&mismatched), CozError::PublicKeyMismatch);

        let wrong_tmb = format!(
            r#"{{"alg":"Ed25519","pub":"{public}","prv":"{prv}","tmb":"{}"}}"#,
            other.tmb()
        );
        assert!(matches!(
            load(&wrong_tmb),
            CozError::KeyThumbprintMismatch { .. }
        ));

        let no_prv = format!(r#"{{"alg":"Ed25519","pub":"{public}","tmb":"{tmb}"}}"#);
        assert_eq!(
            load(&no_prv),
            CozError::MissingField {
                field: "prv".into()
            }
        );

        let es384 = format!(r#"{{"alg":"ES384","pub":"{public}","prv":"{prv}"}}"#);
        assert!(matches!(load(&es384), CozError::UnsupportedAlg { .. }));

        let extra = format!(r#"{{"alg":"Ed25519","pub":"{public}","prv":"{prv}","x":1}}"#);
        assert_eq!(load(&extra), CozError::UnknownField { field: "x".into() });

        let tagged = format!(
            r#"{{"alg":"Ed25519","iat":1623132000,"pub":"{public}","prv":"{prv}","tag":"mine"}}"#
        );
        assert_eq!(
            SigningKey::from_json(tagged.as_bytes()).unwrap().public(),
            key.public()
        );

        let short = format!(r#"{{"alg":"Ed25519","pub":"{public}","prv":"AAAA"}}"#);
        assert!(matches!(
            load(&short),
            CozError::WrongLength { found: 3, .. }
        ));

        // The zero scalar is not an ES256 private key.
        let zero = format!(
            r#"{{"alg":"ES256","pub":"{}","prv":"{}"}}"#,
            b64::encode(&[1; 64]),
            b64::encode(&[0; 32])
        );
        assert_eq!(load(&zero), CozError::InvalidPrivateKey { alg: Alg::ES256 });

        assert!(matches!(load("[]"), CozError::NotAnObject { .. }));
    }

    #[test]
    fn invalid_and_weak_public_keys_are_refused() {
        assert_eq!(
            PublicKey::from_bytes(Alg::ES256, &[1; 64]).unwrap_err(),
            CozError::InvalidPublicKey { alg: Alg::ES256 }
        );
        let identity = EIGHT_TORSION[0].compress().to_bytes();
        assert_eq!(
            PublicKey::from_bytes(Alg::Ed25519, &identity).unwrap_err(),
            CozError::WeakPublicKey
        );
    }
}
