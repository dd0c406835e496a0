//! An atom URI whose source has been resolved.

use std::fmt;

use alurl::{AliasResolver, AliasedUrl};
use atom_id::{Label, RawVersion};

use crate::error::Error;
use crate::raw::RawAtomUri;

/// An atom URI whose source alias, if any, has been expanded through an
/// [`AliasResolver`] and whose source has been classified as a git URL.
///
/// ```
/// use alurl::{AliasedUrl, Aliases};
/// use atom_uri::AtomUri;
///
/// let aliases: Aliases = [("gh", "github.com"), ("work", "+gh/org")].try_into()?;
///
/// let uri = AtomUri::parse("+work/proj::my-atom@1.0", &aliases)?;
/// let source = uri.source().unwrap();
/// assert_eq!(source.as_str(), "github.com/org/proj");
/// assert_eq!(source.url().host(), Some("github.com"));
/// assert_eq!(uri.raw().source(), Some("+work/proj"));
/// assert_eq!(uri.label().as_str(), "my-atom");
/// assert_eq!(uri.version().unwrap().as_str(), "1.0");
///
/// let raw = AtomUri::parse("https://example.com/+gh/foo::x", &aliases)?;
/// assert!(matches!(raw.source(), Some(AliasedUrl::Raw(_))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AtomUri {
    raw: RawAtomUri,
    source: Option<AliasedUrl>,
}

impl AtomUri {
    /// Parse `text` and resolve its source through `resolver`.
    pub fn parse(text: &str, resolver: &(impl AliasResolver + ?Sized)) -> Result<Self, Error> {
        Self::resolve(RawAtomUri::parse(text)?, resolver)
    }

    /// Resolve the source of `raw` through `resolver`.
    pub(crate) fn resolve(
        raw: RawAtomUri,
        resolver: &(impl AliasResolver + ?Sized),
    ) -> Result<Self, Error> {
        let source = match raw.source() {
            None => None,
            Some(source) => {
                Some(
                    alurl::expand(source, resolver).map_err(|source| Error::Source {
                        uri: raw.to_string(),
                        source,
                    })?,
                )
            }
        };
        Ok(Self { raw, source })
    }

    /// The URI as written.
    pub fn raw(&self) -> &RawAtomUri {
        &self.raw
    }

    /// Where the atom lives, expanded and classified; `None` for the
    /// repository the URI is used in.
    pub fn source(&self) -> Option<&AliasedUrl> {
        self.source.as_ref()
    }

    /// The atom's name.
    pub fn label(&self) -> &Label {
        self.raw.label()
    }

    /// The version or requirement, as written.
    pub fn version(&self) -> Option<&RawVersion> {
        self.raw.version()
    }
}

impl fmt::Display for AtomUri {
    /// `[source::]label[@version]` with the source expanded and any password
    /// redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(source) = &self.source {
            write!(f, "{source}::")?;
        }
        write!(f, "{}", self.label())?;
        if let Some(version) = self.version() {
            write!(f, "@{version}")?;
        }
        Ok(())
    }
}
