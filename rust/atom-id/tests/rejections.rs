//! Every rule verification enforces, each refused with its own error.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a panic is a failed test"
)]

mod common;

use atom_id::{
    Alg, AtomId, CozError, JsonError, NameErrorReason, PublishPayload, SigningKey, sign_pay,
    verify, verify_claim, verify_coz, verify_publish,
};
use common::{b64, claim, fixed_key, message, parts, signed_raw, unb64};

fn ed() -> SigningKey {
    fixed_key(Alg::Ed25519, 1)
}

fn es() -> SigningKey {
    fixed_key(Alg::ES256, 1)
}

fn refused(json: &str) -> CozError {
    verify_coz(json.as_bytes()).unwrap_err()
}

fn generic_pay(key: &SigningKey, extra: &str) -> String {
    format!(
        r#"{{"alg":"{}","tmb":"{}","typ":"example/test"{extra}}}"#,
        key.alg(),
        key.tmb()
    )
}

#[test]
fn a_well_formed_message_verifies() {
    for key in [ed(), es()] {
        let json = signed_raw(&key, &generic_pay(&key, r#","now":1623132000"#));
        let verified = verify_coz(json.as_bytes()).unwrap();
        assert_eq!(verified.alg(), key.alg());
        assert_eq!(verified.tmb(), key.tmb());
    }
}

#[test]
fn duplicate_keys_at_the_top_are_refused() {
    let key = ed();
    let json = signed_raw(&key, &generic_pay(&key, ""));
    let doubled = json.replacen("{\"pay\"", "{\"sig\":\"AA\",\"pay\"", 1);
    assert!(matches!(
        refused(&doubled),
        CozError::Json(JsonError::DuplicateKey { key, .. }) if key == "sig"
    ));
}

#[test]
fn duplicate_keys_deep_in_the_pay_are_refused() {
    let key = ed();
    let pay = generic_pay(&key, r#","msg":{"a":[{"b":1,"b":2}]}"#);
    assert!(matches!(
        refused(&signed_raw(&key, &pay)),
        CozError::Json(JsonError::DuplicateKey { key, .. }) if key == "b"
    ));
}

#[test]
fn duplicate_keys_in_the_embedded_key_are_refused() {
    let key = ed();
    let pay = generic_pay(&key, "");
    let json = signed_raw(&key, &pay);
    let doubled = json.replacen(
        "\"key\":{\"alg\":\"Ed25519\"",
        "\"key\":{\"alg\":\"Ed25519\",\"alg\":\"Ed25519\"",
        1,
    );
    assert!(matches!(
        refused(&doubled),
        CozError::Json(JsonError::DuplicateKey { key, .. }) if key == "alg"
    ));
}

#[test]
fn a_non_canonical_signature_encoding_is_refused() {
    let key = ed();
    let json = signed_raw(&key, &generic_pay(&key, ""));
    let sig = parts(json.as_bytes()).sig;
    // 64 bytes take 86 characters; the last carries 4 unused bits.
    let last = sig.chars().last().unwrap();
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let index = alphabet.find(last).unwrap();
    let twin = alphabet.chars().nth(index | 1).unwrap();
    let bad_sig = format!("{}{twin}", &sig[..sig.len() - 1]);
    let err = refused(&json.replace(&sig, &bad_sig));
    assert!(
        matches!(&err, CozError::NonCanonicalBase64 { field, canonical, .. } if field == "sig" && *canonical == sig),
        "{err}"
    );
}

#[test]
fn a_high_s_ecdsa_signature_is_refused() {
    let key = es();
    let json = signed_raw(&key, &generic_pay(&key, ""));
    let sig = unb64(&parts(json.as_bytes()).sig);
    let mut high = sig.clone();
    high[32..].copy_from_slice(&common::p256_negate(&sig[32..]));
    let err = refused(&json.replace(&b64(&sig), &b64(&high)));
    assert_eq!(err, CozError::HighS, "{err}");
}

#[test]
fn a_malleated_ed25519_signature_is_refused() {
    let key = ed();
    let signed = claim(&key).sign(&key).unwrap();
    let json = String::from_utf8(signed.coz.json().to_vec()).unwrap();
    let sig = signed.coz.sig().to_vec();
    let mut malleated = sig.clone();
    malleated[32..].copy_from_slice(&common::ed25519_add_order(&sig[32..]));
    let bad = json.replace(&b64(&sig), &b64(&malleated));
    assert_eq!(
        verify_claim(bad.as_bytes()).unwrap_err(),
        CozError::MalleatedEd25519
    );
}

#[test]
fn now_outside_the_safe_integers_is_refused() {
    let key = ed();
    for now in [
        "-1",
        "9007199254740992",
        "18446744073709551616",
        "1.5",
        "1e3",
        "-0",
    ] {
        let json = signed_raw(&key, &generic_pay(&key, &format!(r#","now":{now}"#)));
        let err = refused(&json);
        assert!(
            matches!(&err, CozError::NowOutOfRange { field, value } if field == "pay.now" && value == now),
            "{now}: {err}"
        );
    }
    let json = signed_raw(&key, &generic_pay(&key, r#","now":"1""#));
    assert!(matches!(refused(&json), CozError::WrongType { .. }));
    for now in ["0", "9007199254740991"] {
        let json = signed_raw(&key, &generic_pay(&key, &format!(r#","now":{now}"#)));
        verify_coz(json.as_bytes()).unwrap();
    }
}

#[test]
fn a_publish_is_not_a_claim_and_a_claim_is_not_a_publish() {
    let key = ed();
    let claim = claim(&key).sign(&key).unwrap();
    let publish = PublishPayload::new(
        key.public(),
        claim.atom_id.clone(),
        common::anchor(1),
        common::label("hello"),
        "1.0.0".parse().unwrap(),
        key.alg().hash(b"nar"),
        1,
    )
    .unwrap()
    .sign(&key)
    .unwrap();
    assert_eq!(
        verify_claim(publish.json()).unwrap_err(),
        CozError::WrongTyp {
            expected: "atom/claim",
            found: Some("atom/publish".into())
        }
    );
    assert_eq!(
        verify_publish(claim.coz.json()).unwrap_err(),
        CozError::WrongTyp {
            expected: "atom/publish",
            found: Some("atom/claim".into())
        }
    );
    let untyped = signed_raw(
        &key,
        &format!(r#"{{"alg":"Ed25519","tmb":"{}"}}"#, key.tmb()),
    );
    assert_eq!(
        verify_claim(untyped.as_bytes()).unwrap_err(),
        CozError::WrongTyp {
            expected: "atom/claim",
            found: None
        }
    );
}

#[test]
fn a_re_serialised_claim_is_refused_before_its_signature_is_checked() {
    let key = ed();
    let signed = claim(&key).sign(&key).unwrap();
    let p = parts(signed.coz.json());
    // The same fields in another order, as a re-serialiser might write them.
    let value: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&p.pay).unwrap();
    let mut reordered: Vec<_> = value.into_iter().collect();
    reordered.reverse();
    let reordered = serde_json::to_string(&serde_json::Map::from_iter(reordered)).unwrap();
    assert_ne!(reordered, p.pay);
    let json = message(&reordered, &p.sig, &p.key);
    let err = verify_claim(json.as_bytes()).unwrap_err();
    assert!(
        matches!(
            err,
            CozError::PayNotCanonical {
                typ: "atom/claim",
                ..
            }
        ),
        "{err}"
    );
    // Generic verification hashes the bytes as they are: the signature fails.
    assert_eq!(
        verify_coz(json.as_bytes()).unwrap_err(),
        CozError::BadSignature { alg: Alg::Ed25519 }
    );
    // Another escaping of the same label is refused the same way.
    let escaped = p.pay.replace("\"hello\"", "\"\\u0068ello\"");
    let err = verify_claim(message(&escaped, &p.sig, &p.key).as_bytes()).unwrap_err();
    assert!(matches!(err, CozError::PayNotCanonical { .. }), "{err}");
}

#[test]
fn payloads_are_hashed_as_written_not_re_serialised() {
    // Escapes and number spellings a re-serialiser would change.
    let key = es();
    let pay = generic_pay(&key, r#","msg":"caf\u00e9 \/","n":1.0,"m":1E2"#);
    let json = signed_raw(&key, &pay);
    let verified = verify_coz(json.as_bytes()).unwrap();
    assert_eq!(verified.pay(), pay.as_bytes());
    // Pretty-printing the message (whitespace only) keeps it valid.
    let pretty = json.replace(",\"", ",\n  \"").replace(":{", ": {");
    assert_eq!(verify_coz(pretty.as_bytes()).unwrap().czd(), verified.czd());
}

#[test]
fn a_pay_alg_other_than_the_keys_is_refused() {
    let key = ed();
    let pay = format!(r#"{{"alg":"ES256","tmb":"{}"}}"#, key.tmb());
    assert_eq!(
        refused(&signed_raw(&key, &pay)),
        CozError::AlgMismatch {
            pay: Alg::ES256,
            key: Alg::Ed25519
        }
    );
    let pay = format!(r#"{{"alg":"ES384","tmb":"{}"}}"#, key.tmb());
    assert!(matches!(
        refused(&signed_raw(&key, &pay)),
        CozError::UnsupportedAlg { .. }
    ));
}

#[test]
fn a_pay_tmb_other_than_the_keys_is_refused() {
    let key = ed();
    let other = fixed_key(Alg::Ed25519, 2);
    let pay = format!(r#"{{"alg":"Ed25519","tmb":"{}"}}"#, other.tmb());
    assert!(matches!(
        refused(&signed_raw(&key, &pay)),
        CozError::PayThumbprintMismatch { .. }
    ));
}

#[test]
fn a_key_tmb_other_than_its_pubs_is_refused() {
    let key = ed();
    let other = fixed_key(Alg::Ed25519, 2);
    let json = signed_raw(&key, &generic_pay(&key, ""));
    let bad = json.replacen(
        &format!("\"tmb\":\"{}\"}}}}", key.tmb()),
        &format!("\"tmb\":\"{}\"}}}}", other.tmb()),
        1,
    );
    assert_ne!(bad, json);
    assert!(matches!(
        refused(&bad),
        CozError::KeyThumbprintMismatch { .. }
    ));
}

#[test]
fn an_embedded_private_key_is_refused() {
    let key = ed();
    let p = parts(signed_raw(&key, &generic_pay(&key, "")).as_bytes());
    let key_file: serde_json::Value = serde_json::from_str(&key.to_json()).unwrap();
    let json = message(&p.pay, &p.sig, &key_file.to_string());
    assert_eq!(refused(&json), CozError::PrivateKeyEmbedded);
}

#[test]
fn a_tampered_pay_is_refused() {
    let key = es();
    let json = signed_raw(&key, &generic_pay(&key, r#","msg":"yes""#));
    assert_eq!(
        refused(&json.replace("\"yes\"", "\"no\"")),
        CozError::BadSignature { alg: Alg::ES256 }
    );
}

#[test]
fn a_stated_digest_that_is_wrong_is_refused() {
    let key = ed();
    let signed = sign_pay(&key, generic_pay(&key, "").as_bytes()).unwrap();
    let json = String::from_utf8(signed.json().to_vec()).unwrap();
    let right = json.replacen('{', &format!("{{\"czd\":\"{}\",", signed.czd()), 1);
    verify_coz(right.as_bytes()).unwrap();
    let wrong_czd = b64(&key.alg().hash(b"another"));
    let wrong = json.replacen('{', &format!("{{\"czd\":\"{wrong_czd}\","), 1);
    assert!(matches!(
        refused(&wrong),
        CozError::DigestMismatch { field: "czd", .. }
    ));
}

#[test]
fn unknown_and_missing_fields_are_refused() {
    let key = ed();
    let json = signed_raw(&key, &generic_pay(&key, ""));
    let extra = json.replacen('{', "{\"note\":1,", 1);
    assert_eq!(
        refused(&extra),
        CozError::UnknownField {
            field: "note".into()
        }
    );
    let p = parts(json.as_bytes());
    let no_key = format!(r#"{{"pay":{},"sig":"{}"}}"#, p.pay, p.sig);
    assert_eq!(
        refused(&no_key),
        CozError::MissingField {
            field: "key".into()
        }
    );
    let no_tmb = signed_raw(&key, r#"{"alg":"Ed25519"}"#);
    assert_eq!(
        refused(&no_tmb),
        CozError::MissingField {
            field: "pay.tmb".into()
        }
    );
}

#[test]
fn a_claim_label_must_be_normalised() {
    let key = ed();
    let signed = claim(&key).sign(&key).unwrap();
    let p = parts(signed.coz.json());
    let pay = p.pay.replace("\"hello\"", "\"ｈello\"");
    let json = signed_raw(&key, &pay);
    let err = verify_claim(json.as_bytes()).unwrap_err();
    assert!(
        matches!(&err, CozError::Label { error, .. } if matches!(error.reason(), NameErrorReason::NotNormalized { .. })),
        "{err}"
    );
}

#[test]
fn a_publish_must_belong_to_its_claim() {
    let key = ed();
    let claim_a = claim(&key).sign(&key).unwrap();
    let other = atom_id::ClaimPayload::new(key.public(), common::anchor(1), common::label("other"))
        .sign(&key)
        .unwrap();
    let publish = |atom_id: AtomId, label: &str| {
        let signed = PublishPayload::new(
            key.public(),
            atom_id,
            common::anchor(1),
            common::label(label),
            "1.0.0".parse().unwrap(),
            key.alg().hash(b"nar"),
            1,
        )
        .unwrap()
        .sign(&key)
        .unwrap();
        verify_publish(signed.json()).unwrap()
    };
    let claim_a = verify_claim(claim_a.coz.json()).unwrap();
    publish(claim_a.atom_id.clone(), "hello")
        .check_claim(&claim_a)
        .unwrap();
    let err = publish(other.atom_id, "hello")
        .check_claim(&claim_a)
        .unwrap_err();
    assert!(
        matches!(
            err,
            CozError::PublishNotForClaim {
                field: "atom_id",
                ..
            }
        ),
        "{err}"
    );
    let err = publish(claim_a.atom_id.clone(), "other")
        .check_claim(&claim_a)
        .unwrap_err();
    assert!(
        matches!(err, CozError::PublishNotForClaim { field: "label", .. }),
        "{err}"
    );
}

#[test]
fn a_publish_refuses_a_dig_of_the_wrong_hash_and_an_atom_id_of_another_alg() {
    let key = ed();
    let es_claim = claim(&es()).sign(&es()).unwrap();
    let new = |atom_id: AtomId, dig: Vec<u8>| {
        PublishPayload::new(
            key.public(),
            atom_id,
            common::anchor(1),
            common::label("hello"),
            "1".parse().unwrap(),
            dig,
            1,
        )
    };
    let ed_claim = claim(&key).sign(&key).unwrap();
    assert!(matches!(
        new(ed_claim.atom_id.clone(), Alg::ES256.hash(b"nar")),
        Err(CozError::WrongLength {
            expected: 64,
            found: 32,
            ..
        })
    ));
    assert_eq!(
        new(es_claim.atom_id, key.alg().hash(b"nar")).unwrap_err(),
        CozError::AtomIdAlgMismatch {
            atom_id: Alg::ES256,
            key: Alg::Ed25519
        }
    );
}

#[test]
fn the_low_level_verify_takes_parts_and_applies_every_rule() {
    for key in [ed(), es()] {
        let signed = claim(&key).sign(&key).unwrap();
        let public = key.public().as_bytes();
        let id = verify(signed.coz.pay(), signed.coz.sig(), public, key.alg()).unwrap();
        assert_eq!(id, signed.atom_id);
        let mut tampered = signed.coz.sig().to_vec();
        tampered[0] ^= 1;
        assert_eq!(
            verify(signed.coz.pay(), &tampered, public, key.alg()).unwrap_err(),
            CozError::BadSignature { alg: key.alg() }
        );
        let other = if key.alg() == Alg::Ed25519 {
            Alg::ES256
        } else {
            Alg::Ed25519
        };
        assert!(matches!(
            verify(signed.coz.pay(), signed.coz.sig(), public, other),
            Err(CozError::WrongLength { .. })
        ));
    }
}

#[test]
fn every_rejection_is_one_line() {
    let key = ed();
    let errors = [
        refused("{"),
        refused(&signed_raw(&key, &generic_pay(&key, r#","now":-1"#))),
        CozError::PrivateKeyEmbedded,
    ];
    for err in errors {
        assert!(!err.to_string().contains('\n'), "{err}");
    }
}

/// Found by fuzzing (`coz_verify`): a key name holding a newline made the
/// rejection two lines long.
#[test]
fn names_from_the_input_cannot_break_a_message_over_lines() {
    let found = br#"{"pay":{"ap":"aclaim"},"sig":"e_LXBaSZ3e6t2TSlNatEhQQIT17su51A","key":{"alg":"ES256","\nb":"fXtr92aJCLthcEatCiyPxgS9l_toSRPxm0I9TCecuksHbJfbgnig7AsF8KVmF-hA1gS5Wm-ycGDzfEYyhwmJeQ","tmb":"h_1isbtrue9CcKXeSX9N9E42ysMj15ejDcH6BuMnbvyfoKg"}}"#;
    let err = verify_coz(found).unwrap_err();
    assert_eq!(
        err,
        CozError::UnknownField {
            field: "key.\nb".into()
        }
    );
    assert_eq!(err.to_string(), r"unknown field `key.\nb`");
    for name in [r"\u2028", r"\u0085", r"\t"] {
        let pay = format!(
            r#"{{"alg":"Ed25519","tmb":"{}","typ":"atom/claim","x{name}":1}}"#,
            ed().tmb()
        );
        let err = verify_claim(signed_raw(&ed(), &pay).as_bytes()).unwrap_err();
        assert!(matches!(err, CozError::UnknownField { .. }), "{err}");
        let text = err.to_string();
        assert!(
            !text.contains(['\n', '\u{2028}', '\u{85}', '\t']),
            "{text:?}"
        );
    }
}
