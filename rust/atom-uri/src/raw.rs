//! The grammar: `[source::]label[@version]`, split but not resolved.

use std::fmt;
use std::str::FromStr;

use alurl::AliasResolver;
use atom_id::{Label, RawVersion};

use crate::error::Error;
use crate::resolved::AtomUri;

/// An atom URI as written: `[source::]label[@version]`, checked but with its
/// source not yet resolved.
///
/// The text is split on its rightmost `::` (source before, atom after) and
/// the atom on its rightmost `@` (label before, version after), so a source
/// may itself contain `::` or `@` (`git@host:repo`, `helper::address`). The
/// label must be a valid [`Label`] (it is NFKC-normalised); the version is
/// kept raw for a [`VersionScheme`](atom_id::VersionScheme) to interpret.
/// The source's alias syntax is checked (`+my-forge` is rejected here), but
/// no alias is looked up until [`resolve`](Self::resolve).
///
/// An empty source (`::label`) and no source (`label`) both mean the
/// repository the URI is used in: [`source`](Self::source) is `None`.
///
/// ```
/// use atom_uri::RawAtomUri;
///
/// let uri: RawAtomUri = "+gh/owner/repo::my-atom@^1.0".parse()?;
/// assert_eq!(uri.source(), Some("+gh/owner/repo"));
/// assert_eq!(uri.label().as_str(), "my-atom");
/// assert_eq!(uri.version().map(|v| v.as_str()), Some("^1.0"));
///
/// let nested: RawAtomUri = "a::b::c".parse()?;
/// assert_eq!((nested.source(), nested.label().as_str()), (Some("a::b"), "c"));
///
/// let local: RawAtomUri = "::foo".parse()?;
/// assert_eq!((local.source(), local.version()), (None, None));
/// # Ok::<(), atom_uri::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RawAtomUri {
    source: Option<String>,
    label: Label,
    version: Option<RawVersion>,
}

impl RawAtomUri {
    /// Split and check `text`.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let (source, atom) = match text.rsplit_once("::") {
            Some((source, atom)) => (Some(source), atom),
            None => (None, text),
        };
        let atom_start = text.len() - atom.len();
        let (label, version) = match atom.rsplit_once('@') {
            Some((label, version)) => (label, Some(version)),
            None => (atom, None),
        };
        let uri = || alurl::redact(text);
        let column_of = |byte: usize| text[..byte].chars().count() + 1;
        if label.is_empty() {
            return Err(Error::MissingLabel { uri: uri() });
        }
        let label = Label::new(label).map_err(|source| Error::InvalidLabel {
            uri: uri(),
            start: column_of(atom_start),
            source,
        })?;
        let version = match version {
            None => None,
            Some("") => {
                return Err(Error::EmptyVersion {
                    uri: uri(),
                    label: label.to_string(),
                });
            }
            Some(version) => {
                Some(
                    RawVersion::new(version).map_err(|source| Error::InvalidVersion {
                        uri: uri(),
                        start: column_of(text.len() - version.len()),
                        source,
                    })?,
                )
            }
        };
        let source = source.filter(|source| !source.is_empty());
        if let Some(source) = source {
            alurl::find(source).map_err(|source| Error::Source { uri: uri(), source })?;
        }
        Ok(Self {
            source: source.map(str::to_owned),
            label,
            version,
        })
    }

    /// Where the atom lives, as written (aliases not expanded); `None` for
    /// the repository the URI is used in.
    pub fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }

    /// The atom's name.
    pub fn label(&self) -> &Label {
        &self.label
    }

    /// The version or requirement, as written.
    pub fn version(&self) -> Option<&RawVersion> {
        self.version.as_ref()
    }

    /// Expand the source's alias, if any, through `resolver`, and classify
    /// the source as a git URL.
    ///
    /// ```
    /// use alurl::Aliases;
    /// use atom_uri::RawAtomUri;
    ///
    /// let aliases: Aliases = [("gh", "github.com")].try_into()?;
    /// let uri = RawAtomUri::parse("git@+gh:owner/repo::this-atom@^1")?.resolve(&aliases)?;
    /// assert_eq!(uri.source().unwrap().as_str(), "git@github.com:owner/repo");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resolve(&self, resolver: &(impl AliasResolver + ?Sized)) -> Result<AtomUri, Error> {
        AtomUri::resolve(self.clone(), resolver)
    }

    /// The URI in full, with nothing redacted: parsing it gives back an
    /// equal value. ([`Display`](fmt::Display) hides a password in the
    /// source.)
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        if let Some(source) = &self.source {
            text.push_str(source);
            text.push_str("::");
        }
        text.push_str(self.label.as_str());
        if let Some(version) = &self.version {
            text.push('@');
            text.push_str(version.as_str());
        }
        text
    }
}

impl FromStr for RawAtomUri {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for RawAtomUri {
    /// `[source::]label[@version]`, with any password in the source redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&alurl::redact(&self.to_text()))
    }
}

#[cfg(test)]
mod tests {
    use atom_id::NameErrorReason;

    use super::RawAtomUri;
    use crate::Error;

    fn parts(text: &str) -> (Option<String>, String, Option<String>) {
        let uri = RawAtomUri::parse(text).unwrap();
        (
            uri.source().map(str::to_owned),
            uri.label().to_string(),
            uri.version().map(ToString::to_string),
        )
    }

    #[test]
    fn the_rightmost_separators_split() {
        let owned = |s: &str| Some(s.to_owned());
        assert_eq!(parts("foo"), (None, "foo".into(), None));
        assert_eq!(parts("foo@^0.8"), (None, "foo".into(), owned("^0.8")));
        assert_eq!(parts("::foo"), (None, "foo".into(), None));
        assert_eq!(parts("a::b::c"), (owned("a::b"), "c".into(), None));
        assert_eq!(
            parts("https://user:pass@example.com/repo::id@^0.2"),
            (
                owned("https://user:pass@example.com/repo"),
                "id".into(),
                owned("^0.2")
            )
        );
        assert_eq!(
            parts("ssh://[::1]/repo::x@1"),
            (owned("ssh://[::1]/repo"), "x".into(), owned("1"))
        );
        assert_eq!(parts("a@b::c"), (owned("a@b"), "c".into(), None));
    }

    #[test]
    fn labels_are_normalised() {
        assert_eq!(parts("ｆｏｏ").1, "foo");
    }

    #[test]
    fn a_missing_label_is_an_error() {
        for text in ["", "::", "gh::", "@1.0", "src::@1.0"] {
            assert!(
                matches!(RawAtomUri::parse(text), Err(Error::MissingLabel { .. })),
                "{text}"
            );
        }
    }

    #[test]
    fn an_invalid_label_carries_atom_ids_reason_and_position() {
        let err = RawAtomUri::parse("9bad").unwrap_err();
        let Error::InvalidLabel { source, start, .. } = &err else {
            panic!("unexpected {err:?}");
        };
        assert_eq!(source.reason(), &NameErrorReason::InvalidStart { ch: '9' });
        assert_eq!(source.position().map(|at| at.byte), Some(0));
        assert_eq!(*start, 1);
        assert_eq!(err.column(), Some(1));
        assert_eq!(err.to_string(), "invalid label in atom URI `9bad`");

        let err = RawAtomUri::parse("src::a b@1").unwrap_err();
        assert_eq!(err.column(), Some(7));
    }

    #[test]
    fn no_column_is_claimed_where_normalisation_moved_the_label() {
        // U+FB44 normalises to two characters, so atom-id's column 5 (in the
        // normalised label) is past the end of what was written (found by
        // fuzzing).
        let err = RawAtomUri::parse("\u{FB44}\u{FB44}[").unwrap_err();
        assert!(matches!(err, Error::InvalidLabel { .. }), "{err:?}");
        assert_eq!(err.column(), None);
        // Where normalisation changes nothing before the culprit, it is found.
        let err = RawAtomUri::parse("x::ｆｏｏ[").unwrap_err();
        assert_eq!(err.column(), Some(7));
    }

    #[test]
    fn an_empty_version_is_an_error() {
        let err = RawAtomUri::parse("foo@").unwrap_err();
        assert_eq!(
            err,
            Error::EmptyVersion {
                uri: "foo@".into(),
                label: "foo".into()
            }
        );
        assert_eq!(
            err.to_string(),
            "atom URI `foo@` ends with `@` but gives no version: write `foo@<version>`, or leave out the `@`"
        );
    }

    #[test]
    fn an_invalid_version_is_an_error_at_its_column() {
        let err = RawAtomUri::parse("src::foo@1\tx").unwrap_err();
        assert!(matches!(err, Error::InvalidVersion { .. }), "{err:?}");
        assert_eq!(err.column(), Some(11));
    }

    #[test]
    fn alias_syntax_is_checked_without_a_resolver() {
        let err = RawAtomUri::parse("+my-forge/x::foo").unwrap_err();
        assert!(matches!(err, Error::Source { .. }), "{err:?}");
        // An unknown alias is only found when resolving.
        assert!(RawAtomUri::parse("+nope/x::foo").is_ok());
    }

    #[test]
    fn passwords_are_redacted_in_display_and_errors() {
        let uri = RawAtomUri::parse("https://u:secret@host/r::id@1").unwrap();
        assert_eq!(uri.to_string(), "https://u:<redacted>@host/r::id@1");
        assert_eq!(uri.to_text(), "https://u:secret@host/r::id@1");
        let err = RawAtomUri::parse("https://u:secret@host/r::9").unwrap_err();
        assert!(!err.to_string().contains("secret"), "{err}");
    }
}
