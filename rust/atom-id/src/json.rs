//! A strict JSON reader for signed documents.
//!
//! General-purpose parsers keep the last of two equal keys and forget where
//! each value was written. A verifier can afford neither: a duplicate key
//! lets two readers see two different payloads under one signature, and the
//! signature covers the payload's bytes as written, not a re-serialisation.
//! So this reader rejects duplicate keys at any depth, keeps every value's
//! byte span, and reports errors by line and column.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

/// How deeply arrays and objects may nest. Coz documents are shallow; the
/// limit keeps hostile input from exhausting the stack.
pub(crate) const MAX_DEPTH: usize = 64;

/// A parsed value and where its text is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Value<'a> {
    pub span: Range<usize>,
    pub kind: Kind<'a>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind<'a> {
    Null,
    Bool(bool),
    /// The number's text, validated against the JSON grammar.
    Number(&'a str),
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    /// Members in document order; keys are unique.
    Object(Vec<Member<'a>>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member<'a> {
    pub key: Cow<'a, str>,
    pub key_span: Range<usize>,
    pub value: Value<'a>,
}

impl<'a> Value<'a> {
    /// The members of an object, or `None`.
    pub fn as_object(&self) -> Option<&[Member<'a>]> {
        match &self.kind {
            Kind::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(text) => Some(text),
            _ => None,
        }
    }

    /// A word for the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Number(_) => "a number",
            Kind::String(_) => "a string",
            Kind::Array(_) => "an array",
            Kind::Object(_) => "an object",
        }
    }
}

/// Where in a document something went wrong: line and column count from 1,
/// the column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
    /// Byte offset, from 0.
    pub offset: usize,
}

impl Location {
    pub(crate) fn of(text: &[u8], offset: usize) -> Self {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        // Count characters, not bytes: UTF-8 continuation bytes start 0b10.
        let column = 1 + before[line_start..]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count();
        Self {
            line,
            column,
            offset,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Why a document is not acceptable JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonError {
    /// The text is not JSON (or not UTF-8).
    Syntax {
        /// What was expected or found.
        message: String,
        /// Where.
        at: Location,
    },
    /// An object has the same key twice.
    DuplicateKey {
        /// The key, decoded.
        key: String,
        /// Where the second occurrence is.
        at: Location,
        /// Where the first one is.
        first: Location,
    },
    /// Arrays and objects nest deeper than the limit.
    TooDeep {
        /// Where the limit was crossed.
        at: Location,
    },
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Syntax { message, at } => write!(f, "invalid JSON at {at}: {message}"),
            Self::DuplicateKey { key, at, first } => write!(
                f,
                "duplicate key {key:?} at {at} (first at {first}); a signed document must have \
                 each key once"
            ),
            Self::TooDeep { at } => write!(f, "JSON nests deeper than {MAX_DEPTH} levels at {at}"),
        }
    }
}

impl std::error::Error for JsonError {}

/// Parse a whole document: one value, surrounded by optional whitespace.
pub(crate) fn parse(text: &[u8]) -> Result<Value<'_>, JsonError> {
    let text = std::str::from_utf8(text).map_err(|err| JsonError::Syntax {
        message: "not UTF-8".into(),
        at: Location::of(text, err.valid_up_to()),
    })?;
    let mut parser = Parser { text, pos: 0 };
    parser.skip_whitespace();
    let value = parser.value(0)?;
    parser.skip_whitespace();
    if parser.pos != text.len() {
        return Err(parser.syntax("unexpected text after the document"));
    }
    Ok(value)
}

/// `text` without whitespace outside strings. `text` must be valid JSON; the
/// result spells every token exactly as `text` does.
pub(crate) fn compact(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for &byte in text {
        if in_string {
            out.push(byte);
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
            in_string = byte == b'"';
            out.push(byte);
        }
    }
    out
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn syntax(&self, message: impl Into<String>) -> JsonError {
        JsonError::Syntax {
            message: message.into(),
            at: Location::of(self.text.as_bytes(), self.pos),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<(), JsonError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected(what))
        }
    }

    fn unexpected(&self, expected: &str) -> JsonError {
        match self.text[self.pos..].chars().next() {
            Some(ch) => self.syntax(format!("expected {expected}, found {ch:?}")),
            None => self.syntax(format!("expected {expected}, found the end of the text")),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value<'a>, JsonError> {
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Kind::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => Kind::Number(self.number()?),
            Some(b't') => self.literal("true", Kind::Bool(true))?,
            Some(b'f') => self.literal("false", Kind::Bool(false))?,
            Some(b'n') => self.literal("null", Kind::Null)?,
            _ => return Err(self.unexpected("a JSON value")),
        };
        Ok(Value {
            span: start..self.pos,
            kind,
        })
    }

    fn literal(&mut self, word: &str, kind: Kind<'a>) -> Result<Kind<'a>, JsonError> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(kind)
        } else {
            Err(self.unexpected(&format!("`{word}`")))
        }
    }

    fn enter(&self, depth: usize) -> Result<usize, JsonError> {
        if depth >= MAX_DEPTH {
            Err(JsonError::TooDeep {
                at: Location::of(self.text.as_bytes(), self.pos),
            })
        } else {
            Ok(depth + 1)
        }
    }

    fn array(&mut self, depth: usize) -> Result<Kind<'a>, JsonError> {
        let depth = self.enter(depth)?;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Kind::Array(items));
        }
        loop {
            self.skip_whitespace();
            items.push(self.value(depth)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Kind::Array(items));
                }
                _ => return Err(self.unexpected("`,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Kind<'a>, JsonError> {
        let depth = self.enter(depth)?;
        self.pos += 1;
        let mut members: Vec<Member<'a>> = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Kind::Object(members));
        }
        loop {
            self.skip_whitespace();
            let key_start = self.pos;
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("a string key"));
            }
            let key = self.string()?;
            let key_span = key_start..self.pos;
            // Objects in signed documents are small; a linear scan is cheaper
            // than hashing, and quadratic cost is bounded by the input size
            // callers accept.
            if let Some(first) = members.iter().find(|member| member.key == key) {
                let bytes = self.text.as_bytes();
                return Err(JsonError::DuplicateKey {
                    key: key.into_owned(),
                    at: Location::of(bytes, key_start),
                    first: Location::of(bytes, first.key_span.start),
                });
            }
            self.skip_whitespace();
            self.expect(b':', "`:`")?;
            self.skip_whitespace();
            let value = self.value(depth)?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Kind::Object(members));
                }
                _ => return Err(self.unexpected("`,` or `}`")),
            }
        }
    }

    fn number(&mut self) -> Result<&'a str, JsonError> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let digits = |pos: &mut usize| {
            let from = *pos;
            while bytes.get(*pos).is_some_and(u8::is_ascii_digit) {
                *pos += 1;
            }
            *pos - from
        };
        let mut pos = self.pos;
        if bytes.get(pos) == Some(&b'-') {
            pos += 1;
        }
        match bytes.get(pos) {
            Some(b'0') => pos += 1,
            Some(b'1'..=b'9') => {
                digits(&mut pos);
            }
            _ => {
                self.pos = pos;
                return Err(self.unexpected("a digit"));
            }
        }
        if bytes.get(pos) == Some(&b'.') {
            pos += 1;
            if digits(&mut pos) == 0 {
                self.pos = pos;
                return Err(self.unexpected("a digit after `.`"));
            }
        }
        if let Some(b'e' | b'E') = bytes.get(pos) {
            pos += 1;
            if let Some(b'+' | b'-') = bytes.get(pos) {
                pos += 1;
            }
            if digits(&mut pos) == 0 {
                self.pos = pos;
                return Err(self.unexpected("a digit in the exponent"));
            }
        }
        self.pos = pos;
        Ok(&self.text[start..pos])
    }

    /// A string starting at `"`; borrowed when it has no escapes.
    fn string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        self.pos += 1;
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let mut decoded: Option<String> = None;
        loop {
            let Some(&byte) = bytes.get(self.pos) else {
                return Err(self.syntax("unterminated string"));
            };
            match byte {
                b'"' => {
                    let raw = &self.text[start..self.pos];
                    self.pos += 1;
                    return Ok(decoded.map_or(Cow::Borrowed(raw), Cow::Owned));
                }
                b'\\' => {
                    let owned =
                        decoded.get_or_insert_with(|| self.text[start..self.pos].to_owned());
                    self.pos += 1;
                    let escaped = match bytes.get(self.pos) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let ch = self.unicode_escape()?;
                            owned.push(ch);
                            continue;
                        }
                        _ => return Err(self.unexpected("an escape (one of \"\\/bfnrtu)")),
                    };
                    owned.push(escaped);
                    self.pos += 1;
                }
                0x00..=0x1F => {
                    return Err(self.syntax(format!(
                        "control character U+{byte:04X} in a string must be escaped"
                    )));
                }
                _ => {
                    let ch_len = self.text[self.pos..]
                        .chars()
                        .next()
                        .map_or(1, char::len_utf8);
                    if let Some(owned) = decoded.as_mut() {
                        owned.push_str(&self.text[self.pos..self.pos + ch_len]);
                    }
                    self.pos += ch_len;
                }
            }
        }
    }

    /// After `\u`: four hex digits, and a second escape for a surrogate pair.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let high = self.hex4()?;
        let code = match high {
            0xD800..=0xDBFF => {
                if !self.text[self.pos..].starts_with("\\u") {
                    return Err(self
                        .syntax("a high surrogate must be followed by `\\u` and a low surrogate"));
                }
                self.pos += 2;
                let low = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(self.syntax("a high surrogate must be followed by a low surrogate"));
                }
                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.syntax("lone low surrogate")),
            _ => high,
        };
        char::from_u32(code).ok_or_else(|| self.syntax("invalid code point"))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self.text.get(self.pos..self.pos + 4).unwrap_or_default();
        if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.unexpected("four hex digits"));
        }
        self.pos += 4;
        u32::from_str_radix(digits, 16).map_err(|_| self.syntax("invalid hex digits"))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn spans_cover_the_text_as_written() {
        let text = br#" { "a" : [1, 2.5e3, "x\u0041"] , "b":null } "#;
        let value = parse(text).unwrap();
        let members = value.as_object().unwrap();
        assert_eq!(&text[value.span.clone()], &text[1..text.len() - 1]);
        assert_eq!(
            &text[members[0].value.span.clone()],
            br#"[1, 2.5e3, "x\u0041"]"#
        );
        let Kind::Array(items) = &members[0].value.kind else {
            panic!("not an array")
        };
        assert_eq!(items[1].kind, Kind::Number("2.5e3"));
        assert_eq!(items[2].as_str(), Some("xA"));
    }

    #[test]
    fn compact_removes_only_whitespace_outside_strings() {
        let text = b"{ \"a b\" :\n [ 1 , \"c\\\" d\" ] }";
        assert_eq!(compact(text), b"{\"a b\":[1,\"c\\\" d\"]}");
    }

    #[test]
    fn duplicate_keys_are_rejected_at_the_top() {
        let err = parse(br#"{"alg":"ES256","alg":"ES256"}"#).unwrap_err();
        let JsonError::DuplicateKey { key, at, first } = err else {
            panic!("{err}")
        };
        assert_eq!(key, "alg");
        assert_eq!((at.line, at.column, first.column), (1, 16, 2));
    }

    #[test]
    fn duplicate_keys_are_rejected_at_any_depth() {
        let err = parse(b"{\"a\":[{\"b\":{\"c\":1,\n\"c\":2}}]}").unwrap_err();
        assert!(
            matches!(&err, JsonError::DuplicateKey { key, at, .. } if key == "c" && at.line == 2 && at.column == 1),
            "{err}"
        );
    }

    #[test]
    fn keys_that_differ_only_in_escaping_are_duplicates() {
        let err = parse(br#"{"a":1,"\u0061":2}"#).unwrap_err();
        assert!(matches!(err, JsonError::DuplicateKey { .. }), "{err}");
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(matches!(
            parse(deep.as_bytes()),
            Err(JsonError::TooDeep { .. })
        ));
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(ok.as_bytes()).is_ok());
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let cases: &[(&[u8], &str)] = &[
            (b"{\"a\":01}", "line 1, column 7"),
            (b"{\"a\":1,}", "line 1, column 8"),
            (b"{\n  \"a\": tru }", "line 2, column 8"),
            (b"\"a\tb\"", "control character"),
            (b"\"\\ud800\"", "low surrogate"),
            (b"\"\\udc00\"", "lone low surrogate"),
            (b"{} x", "after the document"),
            (b"[1.]", "digit after `.`"),
            (b"\xff", "not UTF-8"),
            (b"", "the end of the text"),
        ];
        for (text, expected) in cases {
            let err = parse(text).unwrap_err().to_string();
            assert!(
                err.contains(expected),
                "{:?}: {err}",
                String::from_utf8_lossy(text)
            );
        }
    }

    #[test]
    fn columns_count_characters() {
        let err = parse("{\"ひ\":x}".as_bytes()).unwrap_err();
        assert!(err.to_string().contains("line 1, column 6"), "{err}");
    }

    proptest! {
        #[test]
        fn agrees_with_serde_json_on_what_is_json(text in r#"[\[\]{}":,0-9a-z.eE+\- \\]{0,24}"#) {
            let ours = parse(text.as_bytes());
            let theirs = serde_json::from_str::<serde_json::Value>(&text);
            match (&ours, &theirs) {
                // serde_json keeps the last duplicate; we refuse.
                (Err(JsonError::DuplicateKey { .. }), Ok(_)) => {}
                (Ok(_), Ok(_)) | (Err(_), Err(_)) => {}
                _ => prop_assert!(false, "{text:?}: ours {ours:?}, serde_json {theirs:?}"),
            }
        }

        #[test]
        fn compact_agrees_with_serde_json(value in arb_json()) {
            let pretty = serde_json::to_vec_pretty(&value).unwrap();
            let compact_ours = compact(&pretty);
            prop_assert_eq!(compact_ours, serde_json::to_vec(&value).unwrap());
        }
    }

    fn arb_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            "\\PC{0,8}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
                proptest::collection::btree_map("[a-z \"]{0,4}", inner, 0..6)
                    .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
            ]
        })
    }
}
