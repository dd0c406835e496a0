//! A claim depends on (anchor, label, key) and nothing else: the same three
//! give byte-identical messages and the same `AtomId`, for both algorithms,
//! and changing any one of them changes the id.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a panic is a failed test"
)]

mod common;

use atom_id::{Alg, ClaimPayload, SigningKey, verify_claim};
use common::{anchor, fixed_key, label};
use proptest::prelude::*;

#[test]
fn the_same_inputs_give_the_same_claim_bytes_and_id() {
    for alg in Alg::ALL {
        // Two independently loaded copies of one key.
        let key = fixed_key(alg, 7);
        let again = SigningKey::from_json(key.to_json().as_bytes()).unwrap();
        let first = ClaimPayload::new(key.public(), anchor(3), label("hello"))
            .sign(&key)
            .unwrap();
        let second = ClaimPayload::new(again.public(), anchor(3), label("hello"))
            .sign(&again)
            .unwrap();
        assert_eq!(first.coz.json(), second.coz.json(), "{alg}");
        assert_eq!(first.atom_id, second.atom_id);
        assert_eq!(
            verify_claim(first.coz.json()).unwrap().atom_id,
            first.atom_id
        );
    }
}

#[test]
fn changing_anchor_label_or_key_changes_the_id() {
    for alg in Alg::ALL {
        let key = fixed_key(alg, 7);
        let other_key = fixed_key(alg, 8);
        let id = |key: &SigningKey, anchor_byte: u8, name: &str| {
            ClaimPayload::new(key.public(), anchor(anchor_byte), label(name))
                .sign(key)
                .unwrap()
                .atom_id
        };
        let base = id(&key, 3, "hello");
        assert_ne!(id(&key, 4, "hello"), base, "anchor");
        assert_ne!(id(&key, 3, "hellp"), base, "label");
        assert_ne!(id(&other_key, 3, "hello"), base, "key");
    }
}

#[test]
fn a_claim_has_the_documented_shape() {
    let key = fixed_key(Alg::Ed25519, 7);
    let signed = ClaimPayload::new(key.public(), anchor(3), label("hello"))
        .sign(&key)
        .unwrap();
    let expected_pay = format!(
        r#"{{"alg":"Ed25519","anchor":"{}","label":"hello","tmb":"{}","typ":"atom/claim"}}"#,
        anchor(3),
        key.tmb()
    );
    assert_eq!(signed.coz.pay(), expected_pay.as_bytes());
    let json = String::from_utf8(signed.coz.json().to_vec()).unwrap();
    assert!(
        json.starts_with(&format!("{{\"pay\":{expected_pay},\"sig\":\"")),
        "{json}"
    );
    assert!(
        json.ends_with(&format!(",\"key\":{}}}", key.public().to_json())),
        "{json}"
    );
    assert!(!json.contains("prv"));
    assert!(signed.atom_id.to_string().starts_with("Ed25519."));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn distinct_claims_have_distinct_ids(
        a in "[a-z][a-z0-9-]{0,12}",
        b in "[a-z][a-z0-9-]{0,12}",
        es256 in any::<bool>(),
    ) {
        let alg = if es256 { Alg::ES256 } else { Alg::Ed25519 };
        let key = fixed_key(alg, 9);
        let id = |name: &str| ClaimPayload::new(key.public(), anchor(1), label(name)).sign(&key).unwrap().atom_id;
        prop_assert_eq!(a == b, id(&a) == id(&b));
    }
}
