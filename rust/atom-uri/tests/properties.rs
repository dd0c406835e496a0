//! Properties of the grammar that hold for every input.

use atom_uri::RawAtomUri;
use proptest::prelude::*;

/// A label: a letter or `_`, then letters, digits, `_` and `-`.
fn label() -> impl Strategy<Value = String> {
    "[a-zA-Z_][a-zA-Z0-9_-]{0,20}|[α-ω][α-ω0-9-]{0,6}"
}

/// A version or requirement: no whitespace, `@` or `::`.
fn version() -> impl Strategy<Value = String> {
    "[0-9^~<>=.,*a-z-]{1,12}"
}

proptest! {
    /// Whatever the source holds (`::`, `@`, `:`), the rightmost `::` and
    /// `@` split it off exactly.
    #[test]
    fn source_label_and_version_come_back_apart(
        source in "\\PC{1,40}",
        label in label(),
        version in proptest::option::of(version()),
    ) {
        prop_assume!(alurl::find(&source).is_ok());
        let text = match &version {
            Some(version) => format!("{source}::{label}@{version}"),
            None => format!("{source}::{label}"),
        };
        let uri = RawAtomUri::parse(&text).map_err(|err| TestCaseError::fail(format!("{text:?}: {err}")))?;
        prop_assert_eq!(uri.source(), Some(source.as_str()));
        prop_assert_eq!(uri.label().as_str(), label.as_str());
        prop_assert_eq!(uri.version().map(atom_id::RawVersion::as_str), version.as_deref());
    }

    /// Parsing never panics, and what parses prints back to text that parses
    /// to the same value.
    #[test]
    fn what_parses_round_trips(text in "\\PC{0,60}") {
        if let Ok(uri) = RawAtomUri::parse(&text) {
            let again = RawAtomUri::parse(&uri.to_text());
            prop_assert_eq!(again.as_ref(), Ok(&uri), "{:?} -> {:?}", text, uri.to_text());
        }
    }
}
