//! Label and Identifier parsing on arbitrary strings: never a panic, every
//! accepted name satisfies the rules, every rejection points at a real
//! character of the normalised input.
#![no_main]

use atom_id::{Identifier, Label, MAX_NAME_BYTES, NameErrorReason};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    match Label::new(input) {
        Ok(label) => {
            let text = label.as_str();
            assert!(!text.is_empty() && text.len() <= MAX_NAME_BYTES);
            // Normalised and stable: strict parsing accepts it unchanged,
            // and Display/FromStr round-trip.
            assert_eq!(Label::parse_normalized(text).as_ref(), Ok(&label));
            assert_eq!(label.to_string().parse::<Label>().as_ref(), Ok(&label));
            // Every identifier is a label; a label without '-' is an identifier.
            assert_eq!(Identifier::new(input).is_ok(), !text.contains('-'));
        }
        Err(err) => {
            assert_eq!(err.input(), input);
            assert!(!err.to_string().contains('\n'));
            if let (Some(at), Some(ch)) = (err.position(), err.offending_char()) {
                // The position is in the normalised text, which the input
                // is unless normalisation changed it.
                if Label::parse_normalized(input).err().is_none_or(|strict| {
                    !matches!(strict.reason(), NameErrorReason::NotNormalized { .. })
                }) {
                    assert_eq!(input[at.byte..].chars().next(), Some(ch));
                    assert_eq!(input[..at.byte].chars().count() + 1, at.column);
                }
            }
            // Anything that is not a label is not an identifier either.
            assert!(Identifier::new(input).is_err());
        }
    }
});
