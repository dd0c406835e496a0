//! Every vector of `tests/vectors/coz.json` (the Coz specification's
//! golden values and its must-reject cases) is checked here.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a panic is a failed test"
)]

mod common;

use std::path::{Path, PathBuf};

use atom_id::{
    Alg, Anchor, AnchorError, B64Error, CozError, Czd, JsonError, SigningKey, sign_pay, verify_coz,
};
use common::{b64, message, unb64};
use serde_json::Value;

const VECTORS: &str = include_str!("vectors/coz.json");

fn vectors() -> Value {
    serde_json::from_str(VECTORS).unwrap()
}

fn text<'v>(value: &'v Value, path: &str) -> &'v str {
    path.split('.')
        .fold(value, |value, key| &value[key])
        .as_str()
        .unwrap_or_else(|| panic!("no string at {path}"))
}

/// The canonical copy of the vectors lives outside the repository, beside
/// the checkout; when it is there, this copy must not have drifted.
#[test]
fn the_copy_matches_the_shared_vectors_when_present() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.ancestors().nth(2).unwrap();
    let shared: Option<PathBuf> = root
        .ancestors()
        .skip(1)
        .map(|dir| dir.join("shared/vectors/coz.json"))
        .find(|path| path.is_file());
    match shared {
        Some(path) => assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            VECTORS,
            "tests/vectors/coz.json differs from {}",
            path.display()
        ),
        None => eprintln!(
            "no shared/vectors/coz.json above {}; nothing to compare",
            root.display()
        ),
    }
}

fn golden_key() -> SigningKey {
    let v = vectors();
    let key = &v["es256_golden"]["key"];
    SigningKey::from_json(serde_json::to_string(key).unwrap().as_bytes()).unwrap()
}

fn golden_message(sig: &str) -> String {
    let v = vectors();
    message(
        text(&v, "es256_golden.pay"),
        sig,
        &golden_key().public().to_json(),
    )
}

#[test]
fn the_golden_key_has_the_golden_thumbprint() {
    let v = vectors();
    let key = golden_key();
    assert_eq!(key.alg(), Alg::ES256);
    assert_eq!(key.tmb().to_string(), text(&v, "es256_golden.key.tmb"));
    assert_eq!(
        b64(key.public().as_bytes()),
        text(&v, "es256_golden.key.pub")
    );
}

#[test]
fn the_golden_message_verifies_with_the_golden_digests() {
    let v = vectors();
    let verified = verify_coz(golden_message(text(&v, "es256_golden.sig")).as_bytes()).unwrap();
    assert_eq!(verified.pay(), text(&v, "es256_golden.pay").as_bytes());
    assert_eq!(verified.cad().to_b64(), text(&v, "es256_golden.cad"));
    assert_eq!(verified.czd().to_string(), text(&v, "es256_golden.czd"));
    assert_eq!(verified.tmb().to_string(), text(&v, "es256_golden.key.tmb"));
}

#[test]
fn signing_the_golden_pay_keeps_its_bytes_and_cad() {
    let v = vectors();
    let pay = text(&v, "es256_golden.pay");
    let signed = sign_pay(&golden_key(), pay.as_bytes()).unwrap();
    assert_eq!(signed.pay(), pay.as_bytes());
    assert_eq!(signed.cad().to_b64(), text(&v, "es256_golden.cad"));
    assert_eq!(verify_coz(signed.json()).unwrap().czd(), signed.czd());
}

#[test]
fn the_empty_pay_vector() {
    let v = vectors();
    let cad = Alg::ES256.hash(b"{}");
    assert_eq!(b64(&cad), text(&v, "es256_empty_pay.cad"));
    let sig = unb64(text(&v, "es256_empty_pay.sig"));
    golden_key().public().verify_message(&cad, &sig).unwrap();
    assert_eq!(
        Czd::compute(&atom_id::Cad::of_pay(Alg::ES256, b"{}"), &sig).to_string(),
        text(&v, "es256_empty_pay.czd")
    );
}

#[test]
fn the_high_s_signature_is_refused_and_its_low_s_twin_verifies() {
    let v = vectors();
    let high = text(&v, "must_reject.es256_high_s_sig_over_golden_pay_cad");
    let low = text(&v, "must_reject.es256_low_s_form_of_the_same");
    assert_eq!(
        verify_coz(golden_message(high).as_bytes()).unwrap_err(),
        CozError::HighS
    );
    // The pair shares r, and s_high = n − s_low.
    let (high_bytes, low_bytes) = (unb64(high), unb64(low));
    assert_eq!(high_bytes[..32], low_bytes[..32]);
    assert_eq!(common::p256_negate(&high_bytes[32..]), low_bytes[32..]);
    // Despite the vector's name, the digest both sign is the cad of the
    // empty pay `{}` (under the golden key), not the golden pay's cad; only
    // the low-S one may verify.
    let cad = Alg::ES256.hash(b"{}");
    assert_eq!(b64(&cad), text(&v, "es256_empty_pay.cad"));
    golden_key()
        .public()
        .verify_message(&cad, &low_bytes)
        .unwrap();
    let golden_cad = unb64(text(&v, "es256_golden.cad"));
    assert_eq!(
        golden_key()
            .public()
            .verify_message(&golden_cad, &low_bytes)
            .unwrap_err(),
        CozError::BadSignature { alg: Alg::ES256 }
    );
    assert_eq!(
        golden_key()
            .public()
            .verify_message(&cad, &high_bytes)
            .unwrap_err(),
        CozError::HighS
    );
}

#[test]
fn non_canonical_b64ut_is_refused_everywhere() {
    let v = vectors();
    for bad in v["must_reject"]["non_canonical_b64ut"].as_array().unwrap() {
        let bad = bad.as_str().unwrap();
        // As a stated cad in an otherwise golden message…
        let golden = golden_message(text(&v, "es256_golden.sig"));
        let with_cad = golden.replacen("{\"pay\"", &format!("{{\"cad\":\"{bad}\",\"pay\""), 1);
        let err = verify_coz(with_cad.as_bytes()).unwrap_err();
        assert!(
            matches!(&err, CozError::NonCanonicalBase64 { field, value, canonical }
                if field == "cad" && value == bad && canonical == "hOk"),
            "{err}"
        );
        // …and as an anchor.
        assert!(matches!(
            Anchor::new(bad),
            Err(AnchorError::Base64(B64Error::NonCanonical { .. }))
        ));
    }
}

#[test]
fn the_duplicate_key_pay_is_refused() {
    let v = vectors();
    let pay = text(&v, "must_reject.duplicate_key_pay");
    let doc = message(
        pay,
        text(&v, "es256_golden.sig"),
        &golden_key().public().to_json(),
    );
    let err = verify_coz(doc.as_bytes()).unwrap_err();
    assert!(
        matches!(&err, CozError::Json(JsonError::DuplicateKey { key, .. }) if key == "alg"),
        "{err}"
    );
    assert!(matches!(
        sign_pay(&golden_key(), pay.as_bytes()),
        Err(CozError::Json(JsonError::DuplicateKey { .. }))
    ));
}

#[test]
fn the_malleated_ed25519_signature_is_refused() {
    let v = vectors();
    let seed = unb64(text(&v, "must_reject.ed25519_malleability.seed"));
    let key = SigningKey::from_private_bytes(Alg::Ed25519, &seed).unwrap();
    let msg = text(&v, "must_reject.ed25519_malleability.message_utf8").as_bytes();
    let valid = unb64(text(&v, "must_reject.ed25519_malleability.valid_sig"));
    let malleated = unb64(text(&v, "must_reject.ed25519_malleability.malleated_sig"));
    assert_eq!(key.sign_message(msg), valid);
    key.public().verify_message(msg, &valid).unwrap();
    assert_eq!(
        key.public().verify_message(msg, &malleated).unwrap_err(),
        CozError::MalleatedEd25519
    );
}

#[test]
fn the_notes_hold() {
    // "Ed25519 uses SHA-512 for tmb, cad and czd (86 characters)".
    let key = common::fixed_key(Alg::Ed25519, 1);
    let signed = sign_pay(&key, b"{}").unwrap();
    assert_eq!(key.tmb().to_string().len(), 86);
    assert_eq!(signed.cad().to_b64().len(), 86);
    assert_eq!(signed.czd().to_string().len(), 86);
    // "czd = H_alg('{"cad":"<cad>","sig":"<sig>"}')".
    let canonical = format!(
        r#"{{"cad":"{}","sig":"{}"}}"#,
        signed.cad().to_b64(),
        b64(signed.sig())
    );
    assert_eq!(
        signed.czd().as_bytes(),
        Alg::Ed25519.hash(canonical.as_bytes())
    );
}
