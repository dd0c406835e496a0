//! URLs with a `{version}` placeholder.

use std::fmt;

use crate::diagnostic::{Span, Spanned};

/// The placeholder a bound version replaces.
pub const VERSION_PLACEHOLDER: &str = "{version}";

/// A URL as written in `atom.toml`, where every `{version}` is replaced by
/// the version of the atom the entry is bound to.
///
/// ```
/// use atom_manifest::UrlTemplate;
///
/// let url = UrlTemplate::new("https://example.com/{version}/a-{version}.tar.gz");
/// assert!(url.has_placeholder());
/// assert_eq!(url.render(Some("1.5.2")), "https://example.com/1.5.2/a-1.5.2.tar.gz");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlTemplate(Spanned<String>);

impl UrlTemplate {
    /// A template from text (with no position in a file).
    pub fn new(url: &str) -> Self {
        Self(Spanned::new(url.to_owned(), Span::default()))
    }

    pub(crate) fn spanned(url: Spanned<String>) -> Self {
        Self(url)
    }

    /// The URL as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Where the URL was written.
    pub fn span(&self) -> Span {
        self.0.span()
    }

    /// Whether the URL contains `{version}`.
    pub fn has_placeholder(&self) -> bool {
        self.0.contains(VERSION_PLACEHOLDER)
    }

    /// The URL with every `{version}` replaced by `version` (left as is
    /// when `version` is `None`).
    pub fn render(&self, version: Option<&str>) -> String {
        match version {
            Some(version) => self.0.replace(VERSION_PLACEHOLDER, version),
            None => self.0.get().clone(),
        }
    }
}

impl fmt::Display for UrlTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
