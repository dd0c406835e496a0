//! Atom names: [`Label`] and the stricter [`Identifier`].
//!
//! Both follow Unicode's identifier rules (UAX #31) after NFKC normalisation,
//! so that two spellings a human cannot tell apart name the same atom:
//!
//! * 1 to 128 bytes of UTF-8 (measured after normalisation);
//! * the first character is `XID_Start` or `_`;
//! * every other character is `XID_Continue`, and for a [`Label`] also `-`.
//!
//! Parsing with [`str::parse`] normalises (`"ｆｏｏ"` becomes `"foo"`);
//! [`Label::parse_normalized`] instead rejects input that is not already in
//! NFKC, which is what a verifier wants for names read from signed data.

use std::fmt;
use std::str::FromStr;

use unicode_normalization::UnicodeNormalization as _;

/// The longest name, in bytes of UTF-8.
pub const MAX_NAME_BYTES: usize = 128;

/// The name of an atom: NFKC-normalised, 1–128 bytes, a letter or `_` first,
/// then letters, digits, combining marks, `_` or `-`.
///
/// ```
/// use atom_id::Label;
///
/// let label: Label = "Café_au_lait-123".parse()?;
/// assert_eq!(label.as_str(), "Café_au_lait-123");
///
/// let err = "a b".parse::<Label>().unwrap_err();
/// assert_eq!(err.position().map(|at| at.byte), Some(1));
/// assert_eq!(err.offending_char(), Some(' '));
/// # Ok::<(), atom_id::NameError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Label(String);

/// A stricter name for places where `-` cannot appear (for example a Nix
/// attribute or a Rust identifier built from it): the rules of [`Label`]
/// without `-`.
///
/// ```
/// use atom_id::Identifier;
///
/// assert!("_atom".parse::<Identifier>().is_ok());
/// assert!("my-atom".parse::<Identifier>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Identifier(String);

/// Which kind of name failed to parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// A [`Label`].
    Label,
    /// An [`Identifier`].
    Identifier,
}

impl NameKind {
    fn allows_hyphen(self) -> bool {
        matches!(self, Self::Label)
    }
}

impl fmt::Display for NameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Label => "label",
            Self::Identifier => "identifier",
        })
    }
}

/// Where a character sits in a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Offset in bytes from the start (0-based).
    pub byte: usize,
    /// The character's column, counting characters from 1.
    pub column: usize,
}

/// Why a name was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameErrorReason {
    /// The name is empty.
    Empty,
    /// The name is longer than [`MAX_NAME_BYTES`] (after normalisation).
    TooLong {
        /// Its length in bytes.
        bytes: usize,
    },
    /// The first character is neither `XID_Start` nor `_`.
    InvalidStart {
        /// The offending character.
        ch: char,
    },
    /// A later character is not allowed.
    InvalidChar {
        /// The offending character.
        ch: char,
        /// Where it is (in the normalised name).
        at: Position,
    },
    /// The name is valid only after NFKC normalisation, and the caller asked
    /// for the normalised form exactly.
    NotNormalized {
        /// The NFKC form of the input.
        normalized: String,
    },
}

/// A name that is not a valid [`Label`] or [`Identifier`]: which input, what
/// is wrong with it, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameError {
    kind: NameKind,
    input: String,
    normalized: Option<String>,
    reason: NameErrorReason,
}

impl NameError {
    /// The kind of name that was being parsed.
    pub fn kind(&self) -> NameKind {
        self.kind
    }

    /// The rejected input, as given.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// Why it was rejected.
    pub fn reason(&self) -> &NameErrorReason {
        &self.reason
    }

    /// The offending character, if one character is to blame.
    pub fn offending_char(&self) -> Option<char> {
        match self.reason {
            NameErrorReason::InvalidStart { ch } | NameErrorReason::InvalidChar { ch, .. } => {
                Some(ch)
            }
            _ => None,
        }
    }

    /// Where the offending character is, in the normalised name (which is the
    /// input itself unless normalisation changed it).
    pub fn position(&self) -> Option<Position> {
        match self.reason {
            NameErrorReason::InvalidStart { .. } => Some(Position { byte: 0, column: 1 }),
            NameErrorReason::InvalidChar { at, .. } => Some(at),
            _ => None,
        }
    }
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.kind;
        write!(f, "invalid {kind} {:?}: ", self.input)?;
        match &self.reason {
            NameErrorReason::Empty => write!(f, "a {kind} cannot be empty"),
            NameErrorReason::TooLong { bytes } => write!(
                f,
                "it is {bytes} bytes long; a {kind} has at most {MAX_NAME_BYTES} bytes of UTF-8"
            ),
            NameErrorReason::InvalidStart { ch } => write!(
                f,
                "{} at column 1 cannot start a {kind}; the first character must be a letter \
                 (Unicode XID_Start) or '_'",
                describe(*ch)
            ),
            NameErrorReason::InvalidChar { ch, at } => {
                let allowed = if kind.allows_hyphen() {
                    "letters, digits, combining marks (Unicode XID_Continue), '_' and '-'"
                } else {
                    "letters, digits, combining marks and '_' (Unicode XID_Continue)"
                };
                write!(
                    f,
                    "{} at column {} (byte {}) is not allowed; a {kind} may contain only {allowed}",
                    describe(*ch),
                    at.column,
                    at.byte
                )
            }
            NameErrorReason::NotNormalized { normalized } => write!(
                f,
                "it is not in Unicode NFKC form; write it as {normalized:?}"
            ),
        }?;
        match &self.normalized {
            Some(normalized) if !matches!(self.reason, NameErrorReason::NotNormalized { .. }) => {
                write!(f, " (after NFKC normalisation to {normalized:?})")
            }
            _ => Ok(()),
        }
    }
}

impl std::error::Error for NameError {}

/// `'x' (U+0078)`, with invisible characters escaped.
fn describe(ch: char) -> String {
    format!("{ch:?} (U+{:04X})", u32::from(ch))
}

/// Normalise `input` and check it against the rules for `kind`; the `Ok`
/// value is the normalised name.
fn validate(input: &str, kind: NameKind, require_normalized: bool) -> Result<String, NameError> {
    let error = |normalized: Option<String>, reason| NameError {
        kind,
        input: input.to_owned(),
        normalized,
        reason,
    };
    if input.is_empty() {
        return Err(error(None, NameErrorReason::Empty));
    }
    // The length limit applies to the normalised form (NFKC can both grow
    // and shrink a string), so it is checked last.
    let normalized: String = input.nfkc().collect();
    let changed = normalized != input;
    if changed && require_normalized {
        return Err(error(None, NameErrorReason::NotNormalized { normalized }));
    }
    let shown = changed.then(|| normalized.clone());
    let mut chars = normalized.char_indices();
    if let Some((_, first)) = chars.next()
        && !(first == '_' || unicode_ident::is_xid_start(first))
    {
        return Err(error(shown, NameErrorReason::InvalidStart { ch: first }));
    }
    for (column, (byte, ch)) in (2..).zip(chars) {
        let allowed = unicode_ident::is_xid_continue(ch) || (ch == '-' && kind.allows_hyphen());
        if !allowed {
            let at = Position { byte, column };
            return Err(error(shown, NameErrorReason::InvalidChar { ch, at }));
        }
    }
    if normalized.len() > MAX_NAME_BYTES {
        let bytes = normalized.len();
        return Err(error(shown, NameErrorReason::TooLong { bytes }));
    }
    Ok(normalized)
}

macro_rules! name_type {
    ($ty:ident, $kind:expr) => {
        impl $ty {
            /// Parse `input`, normalising it to NFKC first.
            pub fn new(input: &str) -> Result<Self, NameError> {
                validate(input, $kind, false).map(Self)
            }

            /// Parse `input`, which must already be in NFKC form: for names
            /// read from signed or stored data, where two spellings of one
            /// name must not both be accepted.
            pub fn parse_normalized(input: &str) -> Result<Self, NameError> {
                validate(input, $kind, true).map(Self)
            }

            /// The normalised name.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The normalised name, owned.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl FromStr for $ty {
            type Err = NameError;

            fn from_str(input: &str) -> Result<Self, NameError> {
                Self::new(input)
            }
        }

        impl TryFrom<&str> for $ty {
            type Error = NameError;

            fn try_from(input: &str) -> Result<Self, NameError> {
                Self::new(input)
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $ty {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        crate::serde_str::serde_via_str!($ty);
    };
}

name_type!(Label, NameKind::Label);
name_type!(Identifier, NameKind::Identifier);

impl From<Identifier> for Label {
    /// Every identifier is a label.
    fn from(identifier: Identifier) -> Self {
        Self(identifier.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn valid_labels() {
        for input in [
            "ひらがな",
            "Café_au_lait-123",
            "_atom",
            "a",
            "_",
            "x-",
            "Ωmega",
        ] {
            let label = Label::new(input).unwrap();
            assert_eq!(label.as_str(), input);
        }
    }

    fn reason(input: &str) -> NameErrorReason {
        Label::new(input).unwrap_err().reason
    }

    #[test]
    fn a_digit_cannot_start_a_label() {
        assert_eq!(reason("9atom"), NameErrorReason::InvalidStart { ch: '9' });
    }

    #[test]
    fn a_hyphen_cannot_start_a_label() {
        assert_eq!(reason("-atom"), NameErrorReason::InvalidStart { ch: '-' });
    }

    #[test]
    fn a_space_is_named_with_its_position() {
        let err = Label::new("a b").unwrap_err();
        let at = Position { byte: 1, column: 2 };
        assert_eq!(err.reason, NameErrorReason::InvalidChar { ch: ' ', at });
        assert_eq!(err.position(), Some(at));
        assert_eq!(err.offending_char(), Some(' '));
        let message = err.to_string();
        assert!(
            message.contains("' ' (U+0020) at column 2 (byte 1)"),
            "{message}"
        );
    }

    #[test]
    fn a_symbol_is_rejected() {
        assert_eq!(reason("♥"), NameErrorReason::InvalidStart { ch: '♥' });
    }

    #[test]
    fn a_zero_width_space_is_rejected_and_shown_escaped() {
        let err = Label::new("a\u{200B}b").unwrap_err();
        let at = Position { byte: 1, column: 2 };
        assert_eq!(
            err.reason,
            NameErrorReason::InvalidChar { ch: '\u{200B}', at }
        );
        assert!(err.to_string().contains(r"'\u{200b}' (U+200B)"), "{err}");
    }

    #[test]
    fn positions_count_bytes_and_characters_separately() {
        let err = Label::new("ひら が").unwrap_err();
        let at = Position { byte: 6, column: 3 };
        assert_eq!(err.reason, NameErrorReason::InvalidChar { ch: ' ', at });
    }

    #[test]
    fn empty_is_rejected() {
        assert_eq!(reason(""), NameErrorReason::Empty);
    }

    #[test]
    fn the_length_limit_is_128_bytes() {
        assert!(Label::new(&"a".repeat(128)).is_ok());
        assert_eq!(
            reason(&"a".repeat(129)),
            NameErrorReason::TooLong { bytes: 129 }
        );
        // 43 three-byte characters = 129 bytes, although only 43 characters.
        assert_eq!(
            reason(&"ひ".repeat(43)),
            NameErrorReason::TooLong { bytes: 129 }
        );
    }

    #[test]
    fn parsing_normalises_to_nfkc() {
        // Fullwidth letters and the "fi" ligature are compatibility forms.
        assert_eq!(Label::new("ｆｏｏ").unwrap().as_str(), "foo");
        assert_eq!(Label::new("ﬁle").unwrap().as_str(), "file");
        // A decomposed é (e + U+0301) composes.
        assert_eq!(Label::new("cafe\u{301}").unwrap().as_str(), "café");
    }

    #[test]
    fn strict_parsing_rejects_input_that_normalisation_would_change() {
        let err = Label::parse_normalized("ｆｏｏ").unwrap_err();
        assert_eq!(
            err.reason,
            NameErrorReason::NotNormalized {
                normalized: "foo".into()
            }
        );
        assert!(err.to_string().contains("write it as \"foo\""), "{err}");
        assert!(Label::parse_normalized("foo").is_ok());
    }

    #[test]
    fn an_error_after_normalisation_shows_the_normalised_form() {
        // U+2460 CIRCLED DIGIT ONE normalises to "1", which cannot start a label.
        let err = Label::new("\u{2460}x").unwrap_err();
        assert_eq!(err.reason, NameErrorReason::InvalidStart { ch: '1' });
        assert!(err.to_string().contains("normalisation to \"1x\""), "{err}");
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_validates_what_it_reads() {
        let label: Label = serde_json::from_str("\"ｆｏｏ\"").unwrap();
        assert_eq!(serde_json::to_string(&label).unwrap(), "\"foo\"");
        let err = serde_json::from_str::<Label>("\"9atom\"").unwrap_err();
        assert!(err.to_string().contains("cannot start a label"), "{err}");
    }

    #[test]
    fn identifiers_reject_hyphens() {
        let err = Identifier::new("my-atom").unwrap_err();
        assert_eq!(err.kind(), NameKind::Identifier);
        let at = Position { byte: 2, column: 3 };
        assert_eq!(err.reason, NameErrorReason::InvalidChar { ch: '-', at });
        assert!(err.to_string().starts_with("invalid identifier"), "{err}");
        assert_eq!(
            Label::from(Identifier::new("my_atom").unwrap()).as_str(),
            "my_atom"
        );
    }

    proptest! {
        #[test]
        fn display_and_from_str_round_trip(
            input in "[_\\p{XID_Start}][\\p{XID_Continue}-]{0,30}|\\PC{1,40}"
        ) {
            let label = Label::new(&input);
            prop_assume!(label.is_ok());
            let label = label.unwrap();
            let again: Label = label.to_string().parse().unwrap();
            prop_assert_eq!(again, label);
        }

        #[test]
        fn every_accepted_label_is_nfkc_stable(
            input in "[_\\p{XID_Start}][\\p{XID_Continue}-]{0,30}|\\PC{1,40}"
        ) {
            if let Ok(label) = Label::new(&input) {
                let renormalized: String = label.as_str().nfkc().collect();
                prop_assert_eq!(renormalized.as_str(), label.as_str());
                prop_assert!(Label::parse_normalized(label.as_str()).is_ok());
            }
        }

        #[test]
        fn generated_valid_labels_are_accepted(
            input in "[_\\p{XID_Start}][\\p{XID_Continue}-]{0,20}"
        ) {
            let normalized: String = input.nfkc().collect();
            // NFKC may map a character outside the identifier set (a handful
            // of compatibility characters); judge only by the normalised form.
            let valid_after = normalized.len() <= MAX_NAME_BYTES
                && normalized.chars().next().is_some_and(|c| c == '_' || unicode_ident::is_xid_start(c))
                && normalized.chars().skip(1).all(|c| c == '-' || unicode_ident::is_xid_continue(c));
            prop_assert_eq!(Label::new(&input).is_ok(), valid_after);
        }

        #[test]
        fn any_rejection_points_at_a_real_character(input in "\\PC{0,40}") {
            if let Err(err) = Label::new(&input)
                && let (Some(at), Some(ch)) = (err.position(), err.offending_char())
            {
                let normalized: String = input.nfkc().collect();
                prop_assert_eq!(normalized[at.byte..].chars().next(), Some(ch));
                let byte_of_column = normalized.char_indices().nth(at.column - 1).map(|(b, _)| b);
                prop_assert_eq!(byte_of_column, Some(at.byte));
            }
        }
    }
}
