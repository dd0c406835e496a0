//! Coz verification on arbitrary bytes: it must never panic, and what it
//! accepts must be stable under the only change Coz allows (whitespace
//! outside strings).
#![no_main]

use atom_id::{verify_claim, verify_coz, verify_publish};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let generic = verify_coz(data);
    let claim = verify_claim(data);
    let publish = verify_publish(data);

    // A typed verification accepts only what the generic one accepts, and
    // agrees with it on the digest.
    if let Ok(claim) = &claim {
        let generic = generic.as_ref().expect("a valid claim is a valid coz");
        assert_eq!(generic.czd(), claim.atom_id.czd());
        assert_eq!(generic, &claim.coz);
    }
    if let Ok(publish) = &publish {
        let generic = generic.as_ref().expect("a valid publish is a valid coz");
        assert_eq!(generic, &publish.coz);
    }
    assert!(
        claim.is_err() || publish.is_err(),
        "a message cannot be both"
    );

    // Every error renders as one line.
    for err in [
        generic.as_ref().err(),
        claim.as_ref().err(),
        publish.as_ref().err(),
    ]
    .into_iter()
    .flatten()
    {
        let text = err.to_string();
        assert!(!text.is_empty() && !text.contains(['\n', '\r']), "{text:?}");
    }

    if let Ok(verified) = generic {
        // The payload as verified re-verifies through the low-level entry
        // point for claims.
        if let Ok(claim) = &claim {
            let id = atom_id::verify(
                verified.pay(),
                verified.sig(),
                verified.key().as_bytes(),
                verified.alg(),
            )
            .expect("the parts of a valid claim verify");
            assert_eq!(id, claim.atom_id);
        }
        // Whitespace added where JSON allows it (around the document, and
        // after its opening brace): still valid, same digest.
        let start = data
            .iter()
            .position(|&b| b == b'{')
            .expect("a message is an object");
        let mut spaced = b" \n".to_vec();
        spaced.extend_from_slice(&data[..=start]);
        spaced.extend_from_slice(b"\r\n\t ");
        spaced.extend_from_slice(&data[start + 1..]);
        spaced.push(b'\t');
        let again = verify_coz(&spaced).expect("the spaced form verifies");
        assert_eq!(again.czd(), verified.czd());
    }
});
