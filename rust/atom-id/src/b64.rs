//! Strict b64ut: base64url without padding, in its one canonical spelling.
//!
//! Base64 leaves the low bits of the last character unused; a lenient
//! decoder accepts any value there, so `hOk` and `hOl` decode to the same
//! bytes. Coz requires the canonical spelling (unused bits zero), otherwise
//! one signature or digest would have several encodings.

use std::fmt;

use coz_rs::base64ct::{Base64UrlUnpadded, Encoding as _};

/// Encode `bytes` as b64ut.
pub(crate) fn encode(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// Why a string is not strict b64ut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum B64Error {
    /// A character outside `A-Z a-z 0-9 - _` (this includes `=` padding and
    /// the `+` `/` of standard base64).
    InvalidChar {
        /// The character.
        ch: char,
        /// Its byte offset.
        byte: usize,
    },
    /// A length no encoding has (one character past a multiple of four).
    InvalidLength {
        /// The length in characters.
        len: usize,
    },
    /// The unused low bits of the last character are not zero.
    NonCanonical {
        /// The canonical spelling of the same bytes.
        canonical: String,
    },
}

impl fmt::Display for B64Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidChar { ch, byte } => write!(
                f,
                "{ch:?} at byte {byte} is not a base64url character (A-Z a-z 0-9 - _, no padding)"
            ),
            Self::InvalidLength { len } => {
                write!(f, "{len} characters is not a possible base64url length")
            }
            Self::NonCanonical { canonical } => write!(
                f,
                "non-canonical base64url: the last character has non-zero unused bits \
                 (the canonical form is {canonical:?})"
            ),
        }
    }
}

impl std::error::Error for B64Error {}

fn sextet(ch: u8) -> Option<u8> {
    match ch {
        b'A'..=b'Z' => Some(ch - b'A'),
        b'a'..=b'z' => Some(ch - b'a' + 26),
        b'0'..=b'9' => Some(ch - b'0' + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Decode strict b64ut.
pub(crate) fn decode(text: &str) -> Result<Vec<u8>, B64Error> {
    if let Some((byte, ch)) = text
        .char_indices()
        .find(|&(_, ch)| !ch.is_ascii() || sextet(ch as u8).is_none())
    {
        return Err(B64Error::InvalidChar { ch, byte });
    }
    let len = text.len();
    // Bits of the last character that carry no data: 4 when two characters
    // end the text (one byte), 2 when three do (two bytes).
    let unused_bits = match len % 4 {
        0 => 0,
        2 => 4,
        3 => 2,
        _ => return Err(B64Error::InvalidLength { len }),
    };
    if let Some(&last) = text.as_bytes().last() {
        let value = sextet(last).unwrap_or_default();
        let mask = (1u8 << unused_bits) - 1;
        if value & mask != 0 {
            let mut canonical = text[..len - 1].to_owned();
            canonical.push(char::from(ALPHABET[usize::from(value & !mask)]));
            return Err(B64Error::NonCanonical { canonical });
        }
    }
    // The checks above are exactly what base64ct's strict decoder enforces;
    // an error here would be a bug in one of the two.
    Base64UrlUnpadded::decode_vec(text).map_err(|_| B64Error::InvalidLength { len })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn canonical_text_decodes() {
        assert_eq!(decode("hOk").unwrap(), [0x84, 0xE9]);
        assert_eq!(decode("").unwrap(), b"");
        assert_eq!(decode("AP8").unwrap(), [0, 255]);
    }

    #[test]
    fn non_canonical_text_names_the_canonical_form() {
        assert_eq!(
            decode("hOl").unwrap_err(),
            B64Error::NonCanonical {
                canonical: "hOk".into()
            }
        );
        assert_eq!(
            decode("AB").unwrap_err(),
            B64Error::NonCanonical {
                canonical: "AA".into()
            }
        );
    }

    #[test]
    fn padding_and_standard_alphabet_are_rejected() {
        assert_eq!(
            decode("AP8=").unwrap_err(),
            B64Error::InvalidChar { ch: '=', byte: 3 }
        );
        assert_eq!(
            decode("+/+/").unwrap_err(),
            B64Error::InvalidChar { ch: '+', byte: 0 }
        );
        assert_eq!(
            decode("AAAAé").unwrap_err(),
            B64Error::InvalidChar { ch: 'é', byte: 4 }
        );
    }

    #[test]
    fn impossible_lengths_are_rejected() {
        assert_eq!(
            decode("AAAAA").unwrap_err(),
            B64Error::InvalidLength { len: 5 }
        );
    }

    proptest! {
        #[test]
        fn encode_then_decode_is_the_identity(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            prop_assert_eq!(decode(&encode(&bytes)).unwrap(), bytes);
        }

        #[test]
        fn whatever_decodes_is_canonical(text in "[A-Za-z0-9_-]{0,12}") {
            if let Ok(bytes) = decode(&text) {
                prop_assert_eq!(encode(&bytes), text);
            }
        }
    }
}
