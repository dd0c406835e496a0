//! Semantic versions with Cargo's requirement language.
//!
//! Versions are semantic versioning 2.0 (`1.2.3-rc.1+build`). Requirements are what a
//! `Cargo.toml` accepts, with Cargo's meaning:
//!
//! | requirement | matches |
//! |---|---|
//! | `1.2.3`, `^1.2.3` | `>=1.2.3, <2.0.0` (`^0.2.3`: `<0.3.0`; `^0.0.3`: `=0.0.3`) |
//! | `~1.2.3` | `>=1.2.3, <1.3.0` |
//! | `=1.2.3` | exactly `1.2.3` |
//! | `>1.2`, `>=1.2`, `<1.2`, `<=1.2` | comparisons; a missing part is a wildcard |
//! | `1.*`, `1.2.x`, `*` | any version with that prefix |
//! | `>=1.2, <1.5` | both (comparators are joined by commas) |
//!
//! A pre-release version (`1.3.0-beta`) matches only if some comparator
//! names the same `major.minor.patch` with a pre-release of its own, so
//! `^1.2` never picks a pre-release but `>=1.3.0-alpha` accepts `1.3.0-beta`.

use std::cmp::Ordering;
use std::fmt;

/// The semantic versioning scheme, the default for atoms.
///
/// ```
/// use atom_id::{Semver, VersionScheme};
///
/// let req = Semver::parse_requirement("^1.2")?;
/// let pick = |v: &str| Semver::matches(&Semver::parse_version(&v.parse().unwrap()).unwrap(), &req);
/// assert!(pick("1.9.0"));
/// assert!(!pick("2.0.0"));
/// assert!(!pick("1.3.0-beta")); // no pre-releases unless asked for
/// # Ok::<(), atom_id::SemverError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Semver;

super::scheme_from_parts!(
    Semver,
    "semver",
    SemverVersion,
    SemverRequirement,
    SemverError
);

/// A semantic versioning 2.0 version. Ordered by precedence; build metadata, which has
/// no precedence, only breaks ties so that the order is total.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SemverVersion {
    /// Incompatible changes.
    pub major: u64,
    /// Compatible additions.
    pub minor: u64,
    /// Compatible fixes.
    pub patch: u64,
    pre: String,
    build: String,
}

impl SemverVersion {
    /// `major.minor.patch`, without pre-release or build metadata.
    pub fn new(major: u64, minor: u64, patch: u64) -> Self {
        Self {
            major,
            minor,
            patch,
            pre: String::new(),
            build: String::new(),
        }
    }

    /// The pre-release (`rc.1` in `1.0.0-rc.1`), empty for a release.
    pub fn pre(&self) -> &str {
        &self.pre
    }

    /// The build metadata (`build.5` in `1.0.0+build.5`), often empty.
    pub fn build(&self) -> &str {
        &self.build
    }

    /// Whether this is a pre-release.
    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }
}

impl Ord for SemverVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| compare_pre(&self.pre, &other.pre))
            .then_with(|| compare_build(&self.build, &other.build))
    }
}

impl PartialOrd for SemverVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for SemverVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.build.is_empty() {
            write!(f, "+{}", self.build)?;
        }
        Ok(())
    }
}

impl std::str::FromStr for SemverVersion {
    type Err = SemverError;

    fn from_str(input: &str) -> Result<Self, SemverError> {
        let mut cursor = Cursor::new(input);
        if input.is_empty() {
            return Err(cursor.error(SemverErrorKind::Empty));
        }
        let major = cursor.number(Part::Major)?;
        cursor.dot(Part::Major)?;
        let minor = cursor.number(Part::Minor)?;
        cursor.dot(Part::Minor)?;
        let patch = cursor.number(Part::Patch)?;
        let (pre, build) = cursor.pre_and_build(Part::Patch)?;
        if let Some(ch) = cursor.peek_char() {
            return Err(cursor.error(SemverErrorKind::Unexpected {
                ch,
                after: cursor.last_part,
            }));
        }
        Ok(Self {
            major,
            minor,
            patch,
            pre,
            build,
        })
    }
}

/// Pre-release precedence: a release is above all of its pre-releases;
/// numeric identifiers compare as numbers and sort below alphanumeric ones,
/// which compare as ASCII; a longer list wins a tie on the common prefix.
fn compare_pre(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => compare_identifiers(a, b, |x, y| {
            // Numeric pre-release identifiers have no leading zeros, so the
            // longer is the larger.
            x.len().cmp(&y.len()).then_with(|| x.cmp(y))
        }),
    }
}

/// Build metadata has no precedence; this order only makes the version
/// order total. Numeric identifiers may have leading zeros here: they
/// compare by value, then the shorter spelling first.
fn compare_build(a: &str, b: &str) -> Ordering {
    if a.is_empty() || b.is_empty() {
        // No metadata sorts first.
        return (!a.is_empty()).cmp(&!b.is_empty());
    }
    compare_identifiers(a, b, |x, y| {
        let (vx, vy) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
        vx.len()
            .cmp(&vy.len())
            .then_with(|| vx.cmp(vy))
            .then_with(|| x.len().cmp(&y.len()))
    })
}

fn compare_identifiers(a: &str, b: &str, numeric: impl Fn(&str, &str) -> Ordering) -> Ordering {
    let is_numeric = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mut right = b.split('.');
    for x in a.split('.') {
        let Some(y) = right.next() else {
            return Ordering::Greater;
        };
        let order = match (is_numeric(x), is_numeric(y)) {
            (true, true) => numeric(x, y),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => x.cmp(y),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    if right.next().is_some() {
        Ordering::Less
    } else {
        Ordering::Equal
    }
}

/// A requirement: comparators that must all match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SemverRequirement {
    comparators: Vec<Comparator>,
}

/// How a comparator compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `=`, and a bare version with a wildcard (`1.*`).
    Exact,
    /// `>`.
    Greater,
    /// `>=`.
    GreaterEq,
    /// `<`.
    Less,
    /// `<=`.
    LessEq,
    /// `~`: patch updates.
    Tilde,
    /// `^`, and a bare version: compatible updates.
    Caret,
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Self::Exact => "=",
            Self::Greater => ">",
            Self::GreaterEq => ">=",
            Self::Less => "<",
            Self::LessEq => "<=",
            Self::Tilde => "~",
            Self::Caret => "^",
        }
    }
}

/// One comparator: an operator and a version that may lack its minor and
/// patch parts.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Comparator {
    op: Op,
    major: u64,
    minor: Option<u64>,
    patch: Option<u64>,
    pre: String,
}

impl Comparator {
    /// Compare `version` with the parts this comparator has, most
    /// significant first; parts it lacks compare equal.
    fn compare_prefix(&self, version: &SemverVersion) -> Ordering {
        let given = [Some(self.major), self.minor, self.patch];
        let actual = [version.major, version.minor, version.patch];
        given
            .iter()
            .zip(actual)
            .map_while(|(given, actual)| given.map(|given| actual.cmp(&given)))
            .find(|order| order.is_ne())
            .unwrap_or(Ordering::Equal)
    }

    fn pre_order(&self, version: &SemverVersion) -> Ordering {
        compare_pre(&version.pre, &self.pre)
    }

    fn is_exact(&self, version: &SemverVersion) -> bool {
        self.compare_prefix(version).is_eq() && version.pre == self.pre
    }

    /// Strictly above: decided by the given parts, or — when all three are
    /// given and equal — by the pre-release.
    fn is_above(&self, version: &SemverVersion) -> bool {
        match self.compare_prefix(version) {
            Ordering::Greater => true,
            Ordering::Less => false,
            Ordering::Equal => self.patch.is_some() && self.pre_order(version).is_gt(),
        }
    }

    fn is_below(&self, version: &SemverVersion) -> bool {
        match self.compare_prefix(version) {
            Ordering::Less => true,
            Ordering::Greater => false,
            Ordering::Equal => self.patch.is_some() && self.pre_order(version).is_lt(),
        }
    }

    fn matches(&self, version: &SemverVersion) -> bool {
        match self.op {
            Op::Exact => self.is_exact(version),
            Op::Greater => self.is_above(version),
            Op::GreaterEq => self.is_exact(version) || self.is_above(version),
            Op::Less => self.is_below(version),
            Op::LessEq => self.is_exact(version) || self.is_below(version),
            Op::Tilde => self.matches_tilde(version),
            Op::Caret => self.matches_caret(version),
        }
    }

    /// Major (and minor, if given) fixed; at or above the given patch.
    fn matches_tilde(&self, version: &SemverVersion) -> bool {
        let series = version.major == self.major && self.minor.is_none_or(|m| version.minor == m);
        series
            && match self.patch {
                Some(patch) if version.patch != patch => version.patch > patch,
                _ => self.pre_order(version).is_ge(),
            }
    }

    /// The leftmost non-zero part given is fixed; the rest may grow.
    fn matches_caret(&self, version: &SemverVersion) -> bool {
        if version.major != self.major {
            return false;
        }
        let Some(minor) = self.minor else {
            return true;
        };
        let Some(patch) = self.patch else {
            return if self.major > 0 {
                version.minor >= minor
            } else {
                version.minor == minor
            };
        };
        let rest = if self.major > 0 {
            (version.minor, version.patch).cmp(&(minor, patch))
        } else if minor > 0 {
            if version.minor != minor {
                return false;
            }
            version.patch.cmp(&patch)
        } else {
            if (version.minor, version.patch) != (minor, patch) {
                return false;
            }
            Ordering::Equal
        };
        match rest {
            Ordering::Greater => true,
            Ordering::Less => false,
            Ordering::Equal => self.pre_order(version).is_ge(),
        }
    }

    /// Whether this comparator opts in to pre-releases of `version`'s
    /// `major.minor.patch`.
    fn admits_prerelease_of(&self, version: &SemverVersion) -> bool {
        !self.pre.is_empty()
            && self.major == version.major
            && self.minor == Some(version.minor)
            && self.patch == Some(version.patch)
    }
}

impl SemverRequirement {
    /// Whether `version` satisfies every comparator (and, for a
    /// pre-release, whether some comparator admits its pre-releases).
    pub fn matches(&self, version: &SemverVersion) -> bool {
        self.comparators.iter().all(|c| c.matches(version))
            && (!version.is_prerelease()
                || self
                    .comparators
                    .iter()
                    .any(|c| c.admits_prerelease_of(version)))
    }
}

impl fmt::Display for SemverRequirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::write_comparators(f, &self.comparators, |f, c| {
            let wildcard = c.minor.is_none() || c.patch.is_none();
            if !(c.op == Op::Exact && wildcard) {
                f.write_str(c.op.symbol())?;
            }
            write!(f, "{}", c.major)?;
            match c.minor {
                Some(minor) => write!(f, ".{minor}")?,
                None if c.op == Op::Exact => f.write_str(".*")?,
                None => {}
            }
            match c.patch {
                Some(patch) => write!(f, ".{patch}")?,
                None if c.op == Op::Exact && c.minor.is_some() => f.write_str(".*")?,
                None => {}
            }
            if !c.pre.is_empty() {
                write!(f, "-{}", c.pre)?;
            }
            Ok(())
        })
    }
}

/// Cargo accepts at most this many comparators in one requirement.
const MAX_COMPARATORS: usize = 32;

impl std::str::FromStr for SemverRequirement {
    type Err = SemverError;

    fn from_str(input: &str) -> Result<Self, SemverError> {
        let mut cursor = Cursor::new(input);
        cursor.skip_spaces();
        if cursor.rest().is_empty() {
            return Err(cursor.error(SemverErrorKind::Empty));
        }
        if cursor.wildcard() {
            cursor.skip_spaces();
            return match cursor.peek_char() {
                None => Ok(Self {
                    comparators: Vec::new(),
                }),
                Some(',') => Err(cursor.error(SemverErrorKind::StarNotAlone)),
                Some(ch) => Err(cursor.error(SemverErrorKind::Unexpected {
                    ch,
                    after: Part::Wildcard,
                })),
            };
        }
        let mut comparators = Vec::new();
        loop {
            comparators.push(cursor.comparator()?);
            match cursor.peek_char() {
                None => return Ok(Self { comparators }),
                Some(',') => {
                    cursor.bump(1);
                    cursor.skip_spaces();
                    if comparators.len() == MAX_COMPARATORS {
                        return Err(cursor.error(SemverErrorKind::TooManyComparators));
                    }
                }
                Some(ch) => {
                    return Err(cursor.error(SemverErrorKind::ExpectedComma {
                        ch,
                        after: cursor.last_part,
                    }));
                }
            }
        }
    }
}

/// Which part of a version the parser was reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The major number.
    Major,
    /// The minor number.
    Minor,
    /// The patch number.
    Patch,
    /// The pre-release.
    Pre,
    /// The build metadata.
    Build,
    /// A `*`, `x` or `X`.
    Wildcard,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Major => "major version number",
            Self::Minor => "minor version number",
            Self::Patch => "patch version number",
            Self::Pre => "pre-release",
            Self::Build => "build metadata",
            Self::Wildcard => "wildcard",
        })
    }
}

/// A version or requirement that is not valid semantic versioning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SemverError {
    input: String,
    offset: usize,
    kind: SemverErrorKind,
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SemverErrorKind {
    /// Nothing to parse.
    Empty,
    /// A character where a part was expected or could not continue.
    Unexpected {
        /// The character.
        ch: char,
        /// The part read last.
        after: Part,
    },
    /// The text ends inside a version.
    UnexpectedEnd {
        /// The part expected.
        expecting: Part,
    },
    /// A number with a leading zero.
    LeadingZero {
        /// Where.
        part: Part,
    },
    /// A number above 2^64 − 1.
    Overflow {
        /// Where.
        part: Part,
    },
    /// An empty pre-release or build identifier.
    EmptyIdentifier {
        /// Where.
        part: Part,
    },
    /// A wildcard followed by a number (`1.*.3`).
    NumberAfterWildcard,
    /// `*` with other comparators.
    StarNotAlone,
    /// Comparators not separated by `,`.
    ExpectedComma {
        /// The character found.
        ch: char,
        /// The part read last.
        after: Part,
    },
    /// More than 32 comparators.
    TooManyComparators,
}

impl SemverError {
    /// The rejected text.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// The byte offset of the problem.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// What is wrong.
    pub fn kind(&self) -> &SemverErrorKind {
        &self.kind
    }
}

impl fmt::Display for SemverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid semver {:?} at byte {}: ",
            self.input, self.offset
        )?;
        match &self.kind {
            SemverErrorKind::Empty => f.write_str("it is empty; write a version such as 1.2.3"),
            SemverErrorKind::Unexpected { ch, after } => {
                write!(f, "unexpected {ch:?} after the {after}")
            }
            SemverErrorKind::UnexpectedEnd { expecting } => {
                write!(f, "it ends where the {expecting} should be")
            }
            SemverErrorKind::LeadingZero { part } => {
                write!(f, "the {part} has a leading zero")
            }
            SemverErrorKind::Overflow { part } => {
                write!(f, "the {part} is larger than 18446744073709551615")
            }
            SemverErrorKind::EmptyIdentifier { part } => {
                write!(f, "the {part} has an empty identifier")
            }
            SemverErrorKind::NumberAfterWildcard => {
                f.write_str("a wildcard can only be followed by wildcards (write 1.* or 1.*.*)")
            }
            SemverErrorKind::StarNotAlone => f.write_str(
                "`*` matches everything, so it cannot be combined with other comparators",
            ),
            SemverErrorKind::ExpectedComma { ch, after } => write!(
                f,
                "unexpected {ch:?} after the {after}; separate comparators with `,`"
            ),
            SemverErrorKind::TooManyComparators => {
                write!(f, "more than {MAX_COMPARATORS} comparators")
            }
        }
    }
}

impl std::error::Error for SemverError {}

/// A position in the text being parsed.
struct Cursor<'a> {
    input: &'a str,
    offset: usize,
    last_part: Part,
}

impl<'a> Cursor<'a> {
    fn new(input: &'a str) -> Self {
        Self {
            input,
            offset: 0,
            last_part: Part::Major,
        }
    }

    fn rest(&self) -> &'a str {
        &self.input[self.offset..]
    }

    fn peek(&self) -> Option<u8> {
        self.input.as_bytes().get(self.offset).copied()
    }

    fn peek_char(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self, bytes: usize) {
        self.offset += bytes;
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.bump(1);
        }
        found
    }

    /// Cargo allows spaces (only spaces) around operators and commas.
    fn skip_spaces(&mut self) {
        while self.eat(b' ') {}
    }

    fn error(&self, kind: SemverErrorKind) -> SemverError {
        SemverError {
            input: self.input.to_owned(),
            offset: self.offset,
            kind,
        }
    }

    fn unexpected(&self, part: Part) -> SemverError {
        match self.peek_char() {
            Some(ch) => self.error(SemverErrorKind::Unexpected {
                ch,
                after: self.last_part,
            }),
            None => self.error(SemverErrorKind::UnexpectedEnd { expecting: part }),
        }
    }

    fn number(&mut self, part: Part) -> Result<u64, SemverError> {
        let start = self.offset;
        let digits = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(match self.peek_char() {
                Some(ch) => self.error(SemverErrorKind::Unexpected {
                    ch,
                    after: if part == Part::Major {
                        Part::Major
                    } else {
                        self.last_part
                    },
                }),
                None => self.error(SemverErrorKind::UnexpectedEnd { expecting: part }),
            });
        }
        let text = &self.input[start..start + digits];
        if digits > 1 && text.starts_with('0') {
            return Err(self.error(SemverErrorKind::LeadingZero { part }));
        }
        let value = text
            .parse()
            .map_err(|_| self.error(SemverErrorKind::Overflow { part }))?;
        self.bump(digits);
        self.last_part = part;
        Ok(value)
    }

    fn dot(&mut self, after: Part) -> Result<(), SemverError> {
        if self.eat(b'.') {
            Ok(())
        } else {
            self.last_part = after;
            Err(self.unexpected(match after {
                Part::Major => Part::Minor,
                _ => Part::Patch,
            }))
        }
    }

    fn wildcard(&mut self) -> bool {
        matches!(self.peek(), Some(b'*' | b'x' | b'X')) && {
            self.bump(1);
            self.last_part = Part::Wildcard;
            true
        }
    }

    /// Dot-separated identifiers of `[0-9A-Za-z-]`; in a pre-release, a
    /// numeric identifier has no leading zero.
    fn identifiers(&mut self, part: Part) -> Result<String, SemverError> {
        let start = self.offset;
        loop {
            let ident_start = self.offset;
            let len = self
                .rest()
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
                .count();
            if len == 0 {
                return Err(self.error(SemverErrorKind::EmptyIdentifier { part }));
            }
            let ident = &self.input[ident_start..ident_start + len];
            if part == Part::Pre
                && len > 1
                && ident.starts_with('0')
                && ident.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(self.error(SemverErrorKind::LeadingZero { part }));
            }
            self.bump(len);
            if !self.eat(b'.') {
                break;
            }
        }
        self.last_part = part;
        Ok(self.input[start..self.offset].to_owned())
    }

    fn pre_and_build(&mut self, last: Part) -> Result<(String, String), SemverError> {
        self.last_part = last;
        let pre = if self.eat(b'-') {
            self.identifiers(Part::Pre)?
        } else {
            String::new()
        };
        let build = if self.eat(b'+') {
            self.identifiers(Part::Build)?
        } else {
            String::new()
        };
        Ok((pre, build))
    }

    fn comparator(&mut self) -> Result<Comparator, SemverError> {
        let op = if self.eat(b'=') {
            Some(Op::Exact)
        } else if self.eat(b'>') {
            Some(if self.eat(b'=') {
                Op::GreaterEq
            } else {
                Op::Greater
            })
        } else if self.eat(b'<') {
            Some(if self.eat(b'=') { Op::LessEq } else { Op::Less })
        } else if self.eat(b'~') {
            Some(Op::Tilde)
        } else if self.eat(b'^') {
            Some(Op::Caret)
        } else {
            None
        };
        self.skip_spaces();
        if op.is_none() && matches!(self.peek(), Some(b'*' | b'x' | b'X')) {
            // A wildcard major is only allowed as the whole requirement.
            let at_wildcard = self.offset;
            self.bump(1);
            self.skip_spaces();
            if matches!(self.peek(), None | Some(b',')) {
                self.offset = at_wildcard;
                return Err(self.error(SemverErrorKind::StarNotAlone));
            }
            self.offset = at_wildcard;
        }
        self.last_part = Part::Major;
        let major = self.number(Part::Major)?;
        let mut wildcard = false;
        let minor = if self.eat(b'.') {
            if self.wildcard() {
                wildcard = true;
                None
            } else {
                Some(self.number(Part::Minor)?)
            }
        } else {
            None
        };
        let patch = if self.eat(b'.') {
            if self.wildcard() {
                wildcard = true;
                None
            } else if wildcard {
                return Err(self.error(SemverErrorKind::NumberAfterWildcard));
            } else {
                Some(self.number(Part::Patch)?)
            }
        } else {
            None
        };
        let pre = if patch.is_some() {
            // Build metadata is allowed and, having no precedence, dropped.
            self.pre_and_build(Part::Patch)?.0
        } else {
            String::new()
        };
        self.skip_spaces();
        let op = match op {
            Some(op) => op,
            None if wildcard => Op::Exact,
            None => Op::Caret,
        };
        Ok(Comparator {
            op,
            major,
            minor,
            patch,
            pre,
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn v(text: &str) -> SemverVersion {
        text.parse().unwrap()
    }

    fn req(text: &str) -> SemverRequirement {
        text.parse().unwrap()
    }

    #[test]
    fn prerelease_ordering_follows_the_spec_example() {
        // The SemVer 2.0.0 specification, item 11.
        let ordered = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1-0",
            "1.0.1",
            "2.0.0",
        ];
        for pair in ordered.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
    }

    #[test]
    fn build_metadata_only_breaks_ties() {
        assert!(v("1.0.0+zzz") < v("1.0.1+aaa"));
        assert!(v("1.0.0") < v("1.0.0+1"));
        assert_ne!(v("1.0.0+a"), v("1.0.0+b"));
        assert!(req("=1.0.0").matches(&v("1.0.0+anything")));
    }

    #[test]
    fn cargo_requirement_examples() {
        let cases = [
            ("^1.2.3", "1.2.3", true),
            ("^1.2.3", "1.9.9", true),
            ("^1.2.3", "2.0.0", false),
            ("1.2.3", "1.2.2", false),
            ("^0.2.3", "0.2.9", true),
            ("^0.2.3", "0.3.0", false),
            ("^0.0.3", "0.0.3", true),
            ("^0.0.3", "0.0.4", false),
            ("^0.0", "0.0.7", true),
            ("^0", "0.9.0", true),
            ("~1.2.3", "1.2.9", true),
            ("~1.2.3", "1.3.0", false),
            ("~1.2", "1.2.0", true),
            ("~1", "1.9.0", true),
            ("=1.2.3", "1.2.4", false),
            (">1.2", "1.2.9", false),
            (">1.2", "1.3.0", true),
            (">=1.2", "1.2.0", true),
            ("<1.2", "1.1.9", true),
            ("<=1.2", "1.2.9", true),
            ("<=1.2", "1.3.0", false),
            ("1.*", "1.5.0", true),
            ("1.2.x", "1.3.0", false),
            ("*", "99.0.0", true),
            (">= 1.2, < 1.5", "1.4.9", true),
            (">= 1.2, < 1.5", "1.5.0", false),
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
    fn prereleases_match_only_when_asked_for() {
        assert!(!req("^1.2").matches(&v("1.3.0-beta")));
        assert!(!req("*").matches(&v("1.0.0-rc.1")));
        assert!(req(">=1.3.0-alpha").matches(&v("1.3.0-beta")));
        assert!(!req(">=1.3.0-alpha").matches(&v("1.4.0-beta")));
        // Only pre-releases of the very same major.minor.patch are admitted.
        assert!(!req(">=1.0.0-alpha").matches(&v("1.1.0-alpha")));
        assert!(!req(">=1.0.0-alpha").matches(&v("2.0.0-alpha")));
        assert!(!req(">=1.0.0-alpha").matches(&v("1.0.1-alpha")));
        assert!(req(">=1.3.0-alpha").matches(&v("1.4.0")));
        assert!(req("~1.2.3-beta.2").matches(&v("1.2.3-beta.11")));
        assert!(!req("~1.2.3-beta.2").matches(&v("1.2.3-beta.1")));
    }

    #[test]
    fn errors_say_where_and_what() {
        let cases = [
            ("", SemverErrorKind::Empty),
            (
                "1.2",
                SemverErrorKind::UnexpectedEnd {
                    expecting: Part::Patch,
                },
            ),
            ("01.2.3", SemverErrorKind::LeadingZero { part: Part::Major }),
            ("1.2.3-01", SemverErrorKind::LeadingZero { part: Part::Pre }),
            (
                "1.2.3-",
                SemverErrorKind::EmptyIdentifier { part: Part::Pre },
            ),
            (
                "1.2.3-a..b",
                SemverErrorKind::EmptyIdentifier { part: Part::Pre },
            ),
            (
                "1.2.3+",
                SemverErrorKind::EmptyIdentifier { part: Part::Build },
            ),
            (
                "18446744073709551616.0.0",
                SemverErrorKind::Overflow { part: Part::Major },
            ),
            (
                "v1.2.3",
                SemverErrorKind::Unexpected {
                    ch: 'v',
                    after: Part::Major,
                },
            ),
            (
                "1.2.3 ",
                SemverErrorKind::Unexpected {
                    ch: ' ',
                    after: Part::Patch,
                },
            ),
        ];
        for (input, kind) in cases {
            let err = input.parse::<SemverVersion>().unwrap_err();
            assert_eq!(err.kind, kind, "{input}: {err}");
        }
        let err = "1.2.3 ".parse::<SemverVersion>().unwrap_err();
        assert_eq!(err.offset(), 5);
        assert!(err.to_string().contains("at byte 5"), "{err}");

        let req_cases = [
            ("1.*.3", SemverErrorKind::NumberAfterWildcard),
            ("*, >1", SemverErrorKind::StarNotAlone),
            (">1, *", SemverErrorKind::StarNotAlone),
            (
                ">1 <2",
                SemverErrorKind::ExpectedComma {
                    ch: '<',
                    after: Part::Major,
                },
            ),
            ("  ", SemverErrorKind::Empty),
        ];
        for (input, kind) in req_cases {
            let err = input.parse::<SemverRequirement>().unwrap_err();
            assert_eq!(err.kind, kind, "{input}: {err}");
        }
        let many = vec![">=1"; 33].join(", ");
        assert_eq!(
            many.parse::<SemverRequirement>().unwrap_err().kind,
            SemverErrorKind::TooManyComparators
        );
    }

    #[test]
    fn requirements_display_in_cargo_syntax() {
        for (input, shown) in [
            ("1.2", "^1.2"),
            (">= 1.2 ,<1.5", ">=1.2, <1.5"),
            ("1.*", "1.*"),
            ("1.2.X", "1.2.*"),
            ("*", "*"),
            ("=1.2.3-rc.1+build", "=1.2.3-rc.1"),
        ] {
            assert_eq!(req(input).to_string(), shown);
            assert_eq!(req(shown).to_string(), shown);
        }
    }

    // The `semver` crate (Cargo's own) is the oracle.

    /// Mostly releases, so that requirements often match.
    fn arb_pre() -> impl Strategy<Value = &'static str> {
        prop_oneof![
            3 => Just(""),
            1 => prop::sample::select(vec![
                "alpha", "alpha.1", "alpha.beta", "beta", "0", "1", "11", "rc.1", "a-b",
            ]),
        ]
    }

    fn arb_version() -> impl Strategy<Value = String> {
        (
            0u64..3,
            0u64..3,
            0u64..3,
            arb_pre(),
            prop::sample::select(vec!["", "b.1", "007"]),
        )
            .prop_map(|(major, minor, patch, pre, build)| {
                let mut text = format!("{major}.{minor}.{patch}");
                if !pre.is_empty() {
                    text.push('-');
                    text.push_str(pre);
                }
                if !build.is_empty() {
                    text.push('+');
                    text.push_str(build);
                }
                text
            })
    }

    fn arb_comparator() -> impl Strategy<Value = String> {
        (
            prop::sample::select(vec!["", "=", ">", ">=", "<", "<=", "~", "^", "= ", "> "]),
            0u64..3,
            prop::sample::select(vec!["", ".0", ".1", ".2", ".*", ".x"]),
            prop::sample::select(vec!["", ".0", ".1", ".2", ".*"]),
            arb_pre(),
        )
            .prop_map(|(op, major, minor, patch, pre)| {
                let mut text = format!("{op}{major}{minor}");
                if !minor.is_empty() {
                    text.push_str(patch);
                }
                if !pre.is_empty() {
                    text.push('-');
                    text.push_str(pre);
                }
                text
            })
    }

    fn arb_requirement() -> impl Strategy<Value = String> {
        prop_oneof![
            2 => arb_comparator(),
            1 => prop::collection::vec(arb_comparator(), 2..4).prop_map(|parts| parts.join(", ")),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        #[test]
        fn matching_agrees_with_the_semver_crate(requirement in arb_requirement(), version in arb_version()) {
            let ours = requirement.parse::<SemverRequirement>();
            let theirs = semver::VersionReq::parse(&requirement);
            prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{}: {:?} vs {:?}", requirement, ours, theirs);
            if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
                let expected = theirs.matches(&semver::Version::parse(&version).unwrap());
                prop_assert_eq!(ours.matches(&v(&version)), expected, "{} on {}", requirement, version);
            }
        }

        #[test]
        fn ordering_agrees_with_the_semver_crate(a in arb_version(), b in arb_version()) {
            let theirs = semver::Version::parse(&a).unwrap().cmp(&semver::Version::parse(&b).unwrap());
            prop_assert_eq!(v(&a).cmp(&v(&b)), theirs, "{} vs {}", a, b);
        }

        #[test]
        fn version_parsing_agrees_with_the_semver_crate(text in "[0-9a-zA-Z.+ -]{0,14}") {
            let ours = text.parse::<SemverVersion>();
            let theirs = semver::Version::parse(&text);
            prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}: {:?} vs {:?}", text, ours, theirs);
            if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
                prop_assert_eq!(ours.to_string(), theirs.to_string());
            }
        }

        #[test]
        fn requirement_parsing_agrees_with_the_semver_crate(text in "[0-9xX*.,=<>~^ a-]{0,14}") {
            let ours = text.parse::<SemverRequirement>();
            let theirs = semver::VersionReq::parse(&text);
            prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}: {:?} vs {:?}", text, ours, theirs);
        }

        #[test]
        fn displayed_requirements_mean_the_same(requirement in arb_requirement(), version in arb_version()) {
            if let Ok(parsed) = requirement.parse::<SemverRequirement>() {
                let again = req(&parsed.to_string());
                prop_assert_eq!(again.matches(&v(&version)), parsed.matches(&v(&version)));
            }
        }
    }
}
