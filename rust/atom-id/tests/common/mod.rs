//! Helpers shared by the integration tests: fixed keys and hand-built
//! messages, so that a test can sign exactly the bytes it wants to refuse.

#![allow(dead_code, reason = "each test binary uses a different subset")]
#![allow(clippy::unwrap_used, reason = "test helpers: a panic is a failed test")]

use atom_id::{Alg, Anchor, ClaimPayload, Label, SigningKey};
use coz_rs::base64ct::{Base64UrlUnpadded, Encoding as _};

pub fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

pub fn unb64(text: &str) -> Vec<u8> {
    Base64UrlUnpadded::decode_vec(text).unwrap()
}

/// A key that is the same in every run.
pub fn fixed_key(alg: Alg, seed: u8) -> SigningKey {
    let prv = alg.hash(&[seed])[..32].to_vec();
    SigningKey::from_private_bytes(alg, &prv).unwrap()
}

pub fn anchor(byte: u8) -> Anchor {
    Anchor::from_object_id(&[byte; 20]).unwrap()
}

pub fn label(text: &str) -> Label {
    text.parse().unwrap()
}

pub fn claim(key: &SigningKey) -> ClaimPayload {
    ClaimPayload::new(key.public(), anchor(1), label("hello"))
}

/// `{"pay":PAY,"sig":SIG,"key":KEY}` with `pay` signed as given, bypassing
/// every check signing does.
pub fn signed_raw(key: &SigningKey, pay: &str) -> String {
    let sig = key.sign_message(&key.alg().hash(pay.as_bytes()));
    message(pay, &b64(&sig), &key.public().to_json())
}

pub fn message(pay: &str, sig: &str, key: &str) -> String {
    format!(r#"{{"pay":{pay},"sig":"{sig}","key":{key}}}"#)
}

/// The parts of a message this crate produced.
pub struct Parts {
    pub pay: String,
    pub sig: String,
    pub key: String,
}

pub fn parts(json: &[u8]) -> Parts {
    let value: serde_json::Value = serde_json::from_slice(json).unwrap();
    Parts {
        pay: serde_json::to_string(&value["pay"]).unwrap(),
        sig: value["sig"].as_str().unwrap().to_owned(),
        key: serde_json::to_string(&value["key"]).unwrap(),
    }
}

/// n − s for the P-256 group order n (big-endian): the high-S twin of a
/// low-S signature's s.
pub fn p256_negate(s: &[u8]) -> Vec<u8> {
    const N: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63,
        0x25, 0x51,
    ];
    let mut out = vec![0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut digit = i16::from(N[i]) - i16::from(s[i]) - borrow;
        borrow = i16::from(digit < 0);
        if digit < 0 {
            digit += 256;
        }
        out[i] = u8::try_from(digit).unwrap();
    }
    out
}

/// s + ℓ for the Ed25519 group order ℓ (little-endian): the same signature
/// to a lenient verifier.
pub fn ed25519_add_order(s: &[u8]) -> Vec<u8> {
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut out = vec![0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(s[i]) + u16::from(L[i]) + carry;
        out[i] = u8::try_from(sum & 0xff).unwrap();
        carry = sum >> 8;
    }
    assert_eq!(carry, 0);
    out
}
