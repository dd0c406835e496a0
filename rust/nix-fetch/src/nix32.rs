//! Nix's own base-32: the alphabet without `e`, `o`, `u` and `t`, with the
//! least significant bits of the digest first. Store path hashes and the
//! hashes `nix-prefetch-url` prints use it.

/// The 32 digits, in order of value.
const ALPHABET: &[u8; 32] = b"0123456789abcdfghijklmnpqrsvwxyz";

/// The value of each byte as a digit, or [`INVALID`].
const VALUES: [u8; 256] = {
    let mut values = [INVALID; 256];
    let mut digit: u8 = 0;
    while digit < 32 {
        values[ALPHABET[digit as usize] as usize] = digit;
        digit += 1;
    }
    values
};
const INVALID: u8 = 0xff;

/// How many digits encode `bytes` bytes.
pub const fn encoded_len(bytes: usize) -> usize {
    (bytes * 8).div_ceil(5)
}

/// Encode `bytes` as Nix does (`printHash32`).
///
/// ```
/// assert_eq!(nix_fetch::nix32::encode(&[0xff; 4]), "3zzzzzz");
/// ```
pub fn encode(bytes: &[u8]) -> String {
    let len = encoded_len(bytes.len());
    let mut out = String::with_capacity(len);
    for n in (0..len).rev() {
        let bit = n * 5;
        let (i, j) = (bit / 8, bit % 8);
        let low = bytes[i] >> j;
        let high = match bytes.get(i + 1) {
            // The shift may be 8: widen, then keep the low byte.
            Some(&next) => (u16::from(next) << (8 - j)).to_le_bytes()[0],
            None => 0,
        };
        out.push(char::from(ALPHABET[usize::from((low | high) & 0x1f)]));
    }
    out
}

/// Decode Nix base-32 into `out`, which must be as long as the digest.
/// Fails on a wrong length, a character outside the alphabet, or bits set
/// beyond the digest (Nix rejects those too).
///
/// ```
/// let mut digest = [0u8; 4];
/// nix_fetch::nix32::decode("3zzzzzz", &mut digest).unwrap();
/// assert_eq!(digest, [0xff; 4]);
/// assert!(nix_fetch::nix32::decode("7zzzzzz", &mut digest).is_err());
/// ```
pub fn decode(text: &str, out: &mut [u8]) -> Result<(), DecodeError> {
    let digits = text.as_bytes();
    if digits.len() != encoded_len(out.len()) {
        return Err(DecodeError::Length {
            expected: encoded_len(out.len()),
            actual: digits.len(),
        });
    }
    out.fill(0);
    for (n, &c) in digits.iter().rev().enumerate() {
        let digit = VALUES[usize::from(c)];
        if digit == INVALID {
            return Err(DecodeError::Character(char::from(c)));
        }
        let bit = n * 5;
        let (i, j) = (bit / 8, bit % 8);
        out[i] |= digit << j;
        let carry = (u16::from(digit) >> (8 - j)).to_le_bytes()[0];
        if i + 1 < out.len() {
            out[i + 1] |= carry;
        } else if carry != 0 {
            return Err(DecodeError::Overflow);
        }
    }
    Ok(())
}

/// Why text is not Nix base-32 of the expected size.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("has {actual} base-32 digits, expected {expected}")]
    Length { expected: usize, actual: usize },
    #[error("contains {0:?}, which is not a Nix base-32 digit (0-9 and a-z without e, o, u, t)")]
    Character(char),
    #[error("has bits set beyond the end of the digest")]
    Overflow,
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn sha256_of_nothing_matches_nix() {
        // `nix hash file --base32 /dev/null` (Nix 2.8).
        let digest: [u8; 32] = [
            0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f,
            0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b,
            0x78, 0x52, 0xb8, 0x55,
        ];
        assert_eq!(
            encode(&digest),
            "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73"
        );
    }

    #[test]
    fn characters_outside_the_alphabet_are_refused() {
        let mut out = [0u8; 32];
        let text = "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c7e";
        assert_eq!(decode(text, &mut out), Err(DecodeError::Character('e')));
    }

    proptest! {
        #[test]
        fn decoding_inverts_encoding(bytes in proptest::collection::vec(any::<u8>(), 1..70)) {
            let text = encode(&bytes);
            prop_assert_eq!(text.len(), encoded_len(bytes.len()));
            let mut back = vec![0u8; bytes.len()];
            decode(&text, &mut back).unwrap();
            prop_assert_eq!(back, bytes);
        }
    }
}
