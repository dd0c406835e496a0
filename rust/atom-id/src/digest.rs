//! Coz digests: key thumbprints (`tmb`) and message digests (`czd`), and the
//! [`AtomId`] that is a claim's `czd`.

use std::fmt;
use std::str::FromStr;

use crate::alg::{Alg, UnsupportedAlg};
use crate::b64::{self, B64Error};

macro_rules! digest_type {
    ($(#[$doc:meta])* $ty:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $ty {
            alg: Alg,
            bytes: Vec<u8>,
        }

        impl $ty {
            /// `bytes` as a digest of `alg`'s hash. `None` when the length
            /// is not that hash's.
            pub fn from_bytes(alg: Alg, bytes: Vec<u8>) -> Option<Self> {
                (bytes.len() == alg.digest_len()).then_some(Self { alg, bytes })
            }

            /// The algorithm whose hash made it.
            pub fn alg(&self) -> Alg {
                self.alg
            }

            /// The raw digest.
            pub fn as_bytes(&self) -> &[u8] {
                &self.bytes
            }

            /// The digest as b64ut (what [`Display`](fmt::Display) prints).
            pub fn to_b64(&self) -> String {
                b64::encode(&self.bytes)
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_b64())
            }
        }
    };
}

digest_type!(
    /// A key thumbprint: the hash of `{"alg":"…","pub":"…"}`.
    Thumbprint
);

digest_type!(
    /// A payload digest: the hash of the payload's bytes as signed.
    Cad
);

digest_type!(
    /// A coz digest: the hash of `{"cad":"…","sig":"…"}`, which identifies
    /// one signed message.
    Czd
);

impl Thumbprint {
    /// Decode the strict b64ut `text` of `field` as an `alg` thumbprint.
    pub(crate) fn from_b64(
        field: &str,
        text: &str,
        alg: Alg,
    ) -> Result<Self, crate::error::CozError> {
        let bytes = crate::error::decode_b64_len(field, text, alg, alg.digest_len())?;
        Ok(Self { alg, bytes })
    }

    /// The thumbprint of the `alg` public key `public`.
    pub fn of_public_key(alg: Alg, public: &[u8]) -> Self {
        let canonical = format!(r#"{{"alg":"{alg}","pub":"{}"}}"#, b64::encode(public));
        Self {
            alg,
            bytes: alg.hash(canonical.as_bytes()),
        }
    }
}

impl Cad {
    /// The cad of the payload bytes `pay`.
    pub fn of_pay(alg: Alg, pay: &[u8]) -> Self {
        Self {
            alg,
            bytes: alg.hash(pay),
        }
    }
}

impl Czd {
    /// The czd of a message whose payload digest is `cad` and signature `sig`.
    pub fn compute(cad: &Cad, sig: &[u8]) -> Self {
        let alg = cad.alg;
        let canonical = format!(
            r#"{{"cad":"{}","sig":"{}"}}"#,
            cad.to_b64(),
            b64::encode(sig)
        );
        Self {
            alg,
            bytes: alg.hash(canonical.as_bytes()),
        }
    }
}

/// An atom's identity: the czd of its signed claim, written
/// `<alg>.<b64ut czd>`.
///
/// ```
/// use atom_id::{Alg, AtomId};
///
/// let text = "ES256.xrYMu87EXes58PnEACcDW1t0jF2ez4FCN-njTF0MHNo";
/// let id: AtomId = text.parse()?;
/// assert_eq!(id.alg(), Alg::ES256);
/// assert_eq!(id.to_string(), text);
/// # Ok::<(), atom_id::AtomIdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AtomId(Czd);

impl AtomId {
    /// The id of the atom whose claim has this czd.
    pub fn from_claim_czd(czd: Czd) -> Self {
        Self(czd)
    }

    /// The claim's algorithm.
    pub fn alg(&self) -> Alg {
        self.0.alg
    }

    /// The claim's czd.
    pub fn czd(&self) -> &Czd {
        &self.0
    }
}

impl fmt::Display for AtomId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0.alg, self.0)
    }
}

impl FromStr for AtomId {
    type Err = AtomIdError;

    fn from_str(text: &str) -> Result<Self, AtomIdError> {
        let error = |reason| AtomIdError {
            input: text.to_owned(),
            reason,
        };
        let (alg, czd) = text
            .split_once('.')
            .ok_or_else(|| error(AtomIdErrorReason::MissingDot))?;
        let alg: Alg = alg
            .parse()
            .map_err(|err| error(AtomIdErrorReason::Alg(err)))?;
        let bytes = b64::decode(czd).map_err(|err| error(AtomIdErrorReason::Base64(err)))?;
        let found = bytes.len();
        Czd::from_bytes(alg, bytes).map(Self).ok_or_else(|| {
            error(AtomIdErrorReason::Length {
                alg,
                expected: alg.digest_len(),
                found,
            })
        })
    }
}

crate::serde_str::serde_via_str!(AtomId);

/// A string that is not an [`AtomId`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtomIdError {
    input: String,
    reason: AtomIdErrorReason,
}

/// Why a string is not an [`AtomId`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AtomIdErrorReason {
    /// No `.` between algorithm and digest.
    MissingDot,
    /// The algorithm is not supported.
    Alg(UnsupportedAlg),
    /// The digest is not strict b64ut.
    Base64(B64Error),
    /// The digest has the wrong length for the algorithm.
    Length {
        /// The algorithm.
        alg: Alg,
        /// The length its hash has.
        expected: usize,
        /// The decoded length.
        found: usize,
    },
}

impl AtomIdError {
    /// The rejected text.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// Why it was rejected.
    pub fn reason(&self) -> &AtomIdErrorReason {
        &self.reason
    }
}

impl fmt::Display for AtomIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid atom id {:?}: ", self.input)?;
        match &self.reason {
            AtomIdErrorReason::MissingDot => {
                f.write_str("expected <alg>.<b64ut digest>, as in Ed25519.<86 characters>")
            }
            AtomIdErrorReason::Alg(err) => err.fmt(f),
            AtomIdErrorReason::Base64(err) => err.fmt(f),
            AtomIdErrorReason::Length {
                alg,
                expected,
                found,
            } => write!(
                f,
                "the digest has {found} bytes; {alg} digests have {expected}"
            ),
        }
    }
}

impl std::error::Error for AtomIdError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(text: &str) -> AtomIdErrorReason {
        text.parse::<AtomId>().unwrap_err().reason
    }

    #[test]
    fn ids_round_trip_for_both_algorithms() {
        for alg in Alg::ALL {
            let czd = Czd::compute(&Cad::of_pay(alg, b"pay"), b"sig");
            let id = AtomId::from_claim_czd(czd);
            let text = id.to_string();
            assert!(text.starts_with(&format!("{alg}.")), "{text}");
            assert_eq!(text.parse::<AtomId>().unwrap(), id);
        }
    }

    #[test]
    fn malformed_ids_say_why() {
        assert_eq!(reason("Ed25519"), AtomIdErrorReason::MissingDot);
        assert!(matches!(reason("RS256.AAAA"), AtomIdErrorReason::Alg(_)));
        assert!(matches!(
            reason("ES256.xrYMu87EXes58PnEACcDW1t0jF2ez4FCN-njTF0MHNp"),
            AtomIdErrorReason::Base64(B64Error::NonCanonical { .. })
        ));
        // A SHA-256 digest under the Ed25519 name.
        assert_eq!(
            reason("Ed25519.xrYMu87EXes58PnEACcDW1t0jF2ez4FCN-njTF0MHNo"),
            AtomIdErrorReason::Length {
                alg: Alg::Ed25519,
                expected: 64,
                found: 32
            }
        );
    }

    #[test]
    fn the_golden_thumbprint() {
        // From the Coz specification (vectors/coz.json, es256_golden).
        let public = b64::decode(
            "2nTOaFVm2QLxmUO_SjgyscVHBtvHEfo2rq65MvgNRjORojq39Haq9rXNxvXxwba_Xj0F5vZibJR3isBdOWbo5g",
        )
        .unwrap();
        assert_eq!(
            Thumbprint::of_public_key(Alg::ES256, &public).to_string(),
            "U5XUZots-WmQYcQWmsO751Xk0yeVi9XUKWQ2mGz6Aqg"
        );
    }
}
