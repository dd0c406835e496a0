//! NixOS-style calendar versions: `YY.MM` with an optional `.N` patch.
//!
//! A release is named by two-digit year and month (`25.05`, `25.11`); fixes
//! to a release add a patch number (`25.11.3`). Requirements:
//!
//! | requirement | matches |
//! |---|---|
//! | `25.11`, `~25.11` | the 25.11 release and its patches |
//! | `~25.11.2` | 25.11 patches from 2 on |
//! | `=25.11`, `=25.11.2` | exactly that release (any patch) or that patch |
//! | `>=25.05`, `>25.05`, `<25.11`, `<=25.11` | releases compared by `YY.MM` (with a patch, by `YY.MM.N`) |
//! | `*` | everything |
//! | `>=24.11, <25.11` | both (comparators are joined by commas) |
//!
//! `25.11` sorts before `25.11.0`, which sorts before `25.11.1`: a missing
//! patch counts as zero, and ties go to the shorter spelling.

use std::cmp::Ordering;
use std::fmt;

/// The `nixos` calendar scheme.
///
/// ```
/// use atom_id::{NixosCalendar, VersionScheme};
///
/// let at_least = NixosCalendar::parse_requirement(">=25.05")?;
/// let release = NixosCalendar::parse_version(&"25.11.3".parse().unwrap())?;
/// assert!(NixosCalendar::matches(&release, &at_least));
/// assert!(!NixosCalendar::matches(&release, &NixosCalendar::parse_requirement("~25.05")?));
/// # Ok::<(), atom_id::CalendarError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NixosCalendar;

super::scheme_from_parts!(
    NixosCalendar,
    "nixos",
    CalendarVersion,
    CalendarRequirement,
    CalendarError
);

/// A calendar version `YY.MM[.N]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CalendarVersion {
    year: u8,
    month: u8,
    patch: Option<u64>,
}

impl CalendarVersion {
    /// `YY.MM[.N]`; `None` when the year is above 99 or the month is not 1–12.
    pub fn new(year: u8, month: u8, patch: Option<u64>) -> Option<Self> {
        (year <= 99 && (1..=12).contains(&month)).then_some(Self { year, month, patch })
    }

    /// The two-digit year.
    pub fn year(&self) -> u8 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The patch number, if written.
    pub fn patch(&self) -> Option<u64> {
        self.patch
    }

    fn release(&self) -> (u8, u8) {
        (self.year, self.month)
    }

    fn full(&self) -> (u8, u8, u64) {
        (self.year, self.month, self.patch.unwrap_or(0))
    }
}

impl Ord for CalendarVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.full()
            .cmp(&other.full())
            .then_with(|| self.patch.is_some().cmp(&other.patch.is_some()))
    }
}

impl PartialOrd for CalendarVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for CalendarVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}.{:02}", self.year, self.month)?;
        if let Some(patch) = self.patch {
            write!(f, ".{patch}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for CalendarVersion {
    type Err = CalendarError;

    fn from_str(input: &str) -> Result<Self, CalendarError> {
        let mut cursor = Cursor { input, offset: 0 };
        let version = cursor.version()?;
        match cursor.peek_char() {
            None => Ok(version),
            Some(ch) => Err(cursor.error(CalendarErrorKind::Unexpected { ch })),
        }
    }
}

/// How a comparator compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Exact,
    Greater,
    GreaterEq,
    Less,
    LessEq,
    Series,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Comparator {
    op: Op,
    version: CalendarVersion,
}

impl Comparator {
    fn matches(&self, version: &CalendarVersion) -> bool {
        // With a patch, compare whole versions; without, only releases.
        let order = match self.version.patch {
            Some(_) => version.full().cmp(&self.version.full()),
            None => version.release().cmp(&self.version.release()),
        };
        match self.op {
            Op::Exact => order.is_eq(),
            Op::Greater => order.is_gt(),
            Op::GreaterEq => order.is_ge(),
            Op::Less => order.is_lt(),
            Op::LessEq => order.is_le(),
            Op::Series => version.release() == self.version.release() && order.is_ge(),
        }
    }
}

/// A calendar requirement: comparators that must all match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarRequirement {
    comparators: Vec<Comparator>,
}

impl CalendarRequirement {
    /// Whether `version` satisfies every comparator.
    pub fn matches(&self, version: &CalendarVersion) -> bool {
        self.comparators.iter().all(|c| c.matches(version))
    }
}

impl fmt::Display for CalendarRequirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::write_comparators(f, &self.comparators, |f, c| {
            let op = match c.op {
                Op::Exact => "=",
                Op::Greater => ">",
                Op::GreaterEq => ">=",
                Op::Less => "<",
                Op::LessEq => "<=",
                Op::Series => "~",
            };
            write!(f, "{op}{}", c.version)
        })
    }
}

impl std::str::FromStr for CalendarRequirement {
    type Err = CalendarError;

    fn from_str(input: &str) -> Result<Self, CalendarError> {
        let mut cursor = Cursor { input, offset: 0 };
        cursor.skip_spaces();
        if cursor.peek_char().is_none() {
            return Err(cursor.error(CalendarErrorKind::Empty));
        }
        if cursor.eat("*") {
            cursor.skip_spaces();
            return match cursor.peek_char() {
                None => Ok(Self {
                    comparators: Vec::new(),
                }),
                Some(_) => Err(cursor.error(CalendarErrorKind::StarNotAlone)),
            };
        }
        let mut comparators = Vec::new();
        loop {
            let op = [
                (">=", Op::GreaterEq),
                ("<=", Op::LessEq),
                (">", Op::Greater),
                ("<", Op::Less),
                ("=", Op::Exact),
                ("~", Op::Series),
            ]
            .into_iter()
            .find(|(symbol, _)| cursor.eat(symbol))
            .map_or(Op::Series, |(_, op)| op);
            cursor.skip_spaces();
            let version = cursor.version()?;
            comparators.push(Comparator { op, version });
            cursor.skip_spaces();
            match cursor.peek_char() {
                None => return Ok(Self { comparators }),
                Some(',') => {
                    cursor.offset += 1;
                    cursor.skip_spaces();
                }
                Some(ch) => {
                    return Err(cursor.error(CalendarErrorKind::ExpectedComma { ch }));
                }
            }
        }
    }
}

/// A calendar version or requirement that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarError {
    input: String,
    offset: usize,
    kind: CalendarErrorKind,
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarErrorKind {
    /// Nothing to parse.
    Empty,
    /// The year is not two digits.
    Year,
    /// The month is not two digits from 01 to 12.
    Month,
    /// The patch is not a number without leading zeros.
    Patch,
    /// A character that cannot follow.
    Unexpected {
        /// The character.
        ch: char,
    },
    /// `*` with other comparators.
    StarNotAlone,
    /// Comparators not separated by `,`.
    ExpectedComma {
        /// The character found.
        ch: char,
    },
}

impl CalendarError {
    /// The byte offset of the problem.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// What is wrong.
    pub fn kind(&self) -> &CalendarErrorKind {
        &self.kind
    }
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid nixos version {:?} at byte {}: ",
            self.input, self.offset
        )?;
        match &self.kind {
            CalendarErrorKind::Empty => f.write_str("it is empty; write a release such as 25.11"),
            CalendarErrorKind::Year => f.write_str("expected a two-digit year, as in 25.11"),
            CalendarErrorKind::Month => {
                f.write_str("expected a two-digit month from 01 to 12, as in 25.05")
            }
            CalendarErrorKind::Patch => {
                f.write_str("expected a patch number without leading zeros, as in 25.11.3")
            }
            CalendarErrorKind::Unexpected { ch } => write!(f, "unexpected {ch:?}"),
            CalendarErrorKind::StarNotAlone => f.write_str(
                "`*` matches everything, so it cannot be combined with other comparators",
            ),
            CalendarErrorKind::ExpectedComma { ch } => {
                write!(f, "unexpected {ch:?}; separate comparators with `,`")
            }
        }
    }
}

impl std::error::Error for CalendarError {}

struct Cursor<'a> {
    input: &'a str,
    offset: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.input[self.offset..]
    }

    fn peek_char(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn eat(&mut self, token: &str) -> bool {
        let found = self.rest().starts_with(token);
        if found {
            self.offset += token.len();
        }
        found
    }

    fn skip_spaces(&mut self) {
        while self.eat(" ") {}
    }

    fn error(&self, kind: CalendarErrorKind) -> CalendarError {
        CalendarError {
            input: self.input.to_owned(),
            offset: self.offset,
            kind,
        }
    }

    /// Exactly two ASCII digits.
    fn two_digits(&mut self, kind: CalendarErrorKind) -> Result<u8, CalendarError> {
        let digits = self.rest().as_bytes();
        match digits {
            [a @ b'0'..=b'9', b @ b'0'..=b'9', rest @ ..]
                if !rest.first().is_some_and(u8::is_ascii_digit) =>
            {
                self.offset += 2;
                Ok((a - b'0') * 10 + (b - b'0'))
            }
            _ => Err(self.error(kind)),
        }
    }

    fn version(&mut self) -> Result<CalendarVersion, CalendarError> {
        if self.peek_char().is_none() {
            return Err(self.error(CalendarErrorKind::Empty));
        }
        let year = self.two_digits(CalendarErrorKind::Year)?;
        if !self.eat(".") {
            return Err(self.error(CalendarErrorKind::Month));
        }
        let month_at = self.offset;
        let month = self.two_digits(CalendarErrorKind::Month)?;
        if !(1..=12).contains(&month) {
            self.offset = month_at;
            return Err(self.error(CalendarErrorKind::Month));
        }
        let patch = if self.eat(".") {
            let digits = self.rest().bytes().take_while(u8::is_ascii_digit).count();
            let text = &self.rest()[..digits];
            if digits == 0 || (digits > 1 && text.starts_with('0')) {
                return Err(self.error(CalendarErrorKind::Patch));
            }
            let patch = text
                .parse()
                .map_err(|_| self.error(CalendarErrorKind::Patch))?;
            self.offset += digits;
            Some(patch)
        } else {
            None
        };
        Ok(CalendarVersion { year, month, patch })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn v(text: &str) -> CalendarVersion {
        text.parse().unwrap()
    }

    fn req(text: &str) -> CalendarRequirement {
        text.parse().unwrap()
    }

    #[test]
    fn versions_order_by_release_then_patch() {
        let ordered = [
            "24.05", "24.11", "24.11.1", "25.05", "25.11", "25.11.0", "25.11.2", "25.11.10",
            "26.05",
        ];
        for pair in ordered.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        assert_eq!(v("25.11.10").to_string(), "25.11.10");
        assert_eq!(v("05.05").to_string(), "05.05");
    }

    #[test]
    fn requirements_select_releases() {
        let cases = [
            (">=25.05", "25.05", true),
            (">=25.05", "25.05.3", true),
            (">=25.05", "24.11.9", false),
            (">=25.05", "25.11", true),
            (">25.05", "25.05.9", false),
            (">25.05", "25.11", true),
            ("<25.11", "25.05.9", true),
            ("<25.11", "25.11", false),
            ("<=25.11", "25.11.4", true),
            ("~25.11", "25.11", true),
            ("~25.11", "25.11.7", true),
            ("~25.11", "26.05", false),
            ("~25.11", "25.05", false),
            ("25.11", "25.11.1", true),
            ("~25.11.2", "25.11.1", false),
            ("~25.11.2", "25.11.3", true),
            ("~25.11.2", "26.05", false),
            ("=25.11", "25.11.5", true),
            ("=25.11.2", "25.11.2", true),
            ("=25.11.2", "25.11.3", false),
            ("=25.11.0", "25.11", true),
            (">=24.11, <25.11", "25.05.1", true),
            (">=24.11, <25.11", "25.11", false),
            ("*", "99.12", true),
        ];
        for (requirement, version, expected) in cases {
            assert_eq!(
                req(requirement).matches(&v(version)),
                expected,
                "{requirement} {version}"
            );
        }
    }

    #[test]
    fn malformed_versions_say_what_is_wrong() {
        let cases = [
            ("", CalendarErrorKind::Empty, 0),
            ("2025.11", CalendarErrorKind::Year, 0),
            ("5.11", CalendarErrorKind::Year, 0),
            ("25", CalendarErrorKind::Month, 2),
            ("25.13", CalendarErrorKind::Month, 3),
            ("25.00", CalendarErrorKind::Month, 3),
            ("25.5", CalendarErrorKind::Month, 3),
            ("25.11.", CalendarErrorKind::Patch, 6),
            ("25.11.01", CalendarErrorKind::Patch, 6),
            ("25.11.1-beta", CalendarErrorKind::Unexpected { ch: '-' }, 7),
            ("25.11pre", CalendarErrorKind::Unexpected { ch: 'p' }, 5),
        ];
        for (input, kind, offset) in cases {
            let err = input.parse::<CalendarVersion>().unwrap_err();
            assert_eq!(
                (err.kind(), err.offset()),
                (&kind, offset),
                "{input}: {err}"
            );
        }
        let cases = [
            ("", CalendarErrorKind::Empty),
            ("*, >=25.05", CalendarErrorKind::StarNotAlone),
            (
                ">=25.05 <25.11",
                CalendarErrorKind::ExpectedComma { ch: '<' },
            ),
            (">=", CalendarErrorKind::Empty),
            ("^25.05", CalendarErrorKind::Year),
        ];
        for (input, kind) in cases {
            let err = input.parse::<CalendarRequirement>().unwrap_err();
            assert_eq!(err.kind(), &kind, "{input}: {err}");
        }
    }

    #[test]
    fn requirements_display_and_reparse() {
        for (input, shown) in [
            ("25.11", "~25.11"),
            (">= 25.05 ,<26.05", ">=25.05, <26.05"),
            ("*", "*"),
        ] {
            assert_eq!(req(input).to_string(), shown);
            assert_eq!(req(shown), req(input));
        }
    }

    fn arb_version() -> impl Strategy<Value = CalendarVersion> {
        (
            20u8..28,
            prop::sample::select(vec![5u8, 11]),
            prop::option::of(0u64..4),
        )
            .prop_map(|(year, month, patch)| CalendarVersion { year, month, patch })
    }

    proptest! {
        #[test]
        fn display_round_trips(version in arb_version()) {
            prop_assert_eq!(v(&version.to_string()), version);
        }

        #[test]
        fn order_is_consistent_with_equality(a in arb_version(), b in arb_version()) {
            prop_assert_eq!(a.cmp(&b).is_eq(), a == b);
        }

        #[test]
        fn comparators_agree_with_the_order(a in arb_version(), b in arb_version()) {
            // For full versions, comparators are plain order comparisons.
            let a = CalendarVersion { patch: Some(a.patch.unwrap_or(0)), ..a };
            let b = CalendarVersion { patch: Some(b.patch.unwrap_or(0)), ..b };
            prop_assert_eq!(req(&format!(">={b}")).matches(&a), a >= b);
            prop_assert_eq!(req(&format!("<{b}")).matches(&a), a < b);
            prop_assert_eq!(req(&format!("={b}")).matches(&a), a == b);
        }
    }
}
