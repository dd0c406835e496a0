//! Atom URIs: `[source::]label[@version]`.
//!
//! An atom URI names an atom (a [`Label`]), optionally where
//! it lives (a git URL, possibly written with an [alurl] `+alias`) and
//! which version is wanted (a [`RawVersion`], kept as
//! written):
//!
//! ```text
//! +gh/owner/repo::my-atom@^1.0
//! └──── source ──┘ └label┘ └version
//! ```
//!
//! Parsing is in two steps, so that a URI can be checked where no alias
//! table is at hand:
//!
//! * [`RawAtomUri`] splits on the rightmost `::` and then the rightmost `@`,
//!   validates the label, the version and the source's alias syntax;
//! * [`AtomUri`] expands the source's alias through an
//!   [`AliasResolver`](alurl::AliasResolver) and classifies it as a git URL.
//!
//! ```
//! use atom_uri::{AtomUri, RawAtomUri, default_aliases};
//!
//! let raw: RawAtomUri = "git@+gh:owner/repo::this-atom@^1".parse()?;
//! assert_eq!(raw.source(), Some("git@+gh:owner/repo"));
//!
//! let uri = raw.resolve(&default_aliases())?;
//! let source = uri.source().expect("a source");
//! assert_eq!(source.as_str(), "git@github.com:owner/repo");
//! assert_eq!(source.url().form(), alurl::Form::Scp);
//! assert_eq!(uri.label().as_str(), "this-atom");
//! assert_eq!(uri.version().map(|v| v.as_str()), Some("^1"));
//!
//! let err = AtomUri::parse("foo@", &default_aliases()).unwrap_err();
//! assert!(matches!(err, atom_uri::Error::EmptyVersion { .. }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod raw;
mod resolved;

pub use alurl;
pub use atom_id::{Label, RawVersion};
pub use error::Error;
pub use raw::RawAtomUri;
pub use resolved::AtomUri;

/// The aliases every atom tool knows without configuration: the large public
/// git forges. Applications layer their users' aliases on top (a user's entry
/// replaces a default of the same name).
pub const DEFAULT_ALIASES: [(&str, &str); 5] = [
    ("gh", "github.com"),
    ("gl", "gitlab.com"),
    ("cb", "codeberg.org"),
    ("sh", "git.sr.ht"),
    ("bb", "bitbucket.org"),
];

/// [`DEFAULT_ALIASES`] as an alias table.
///
/// ```
/// let aliases = atom_uri::default_aliases();
/// assert_eq!(aliases.get("cb"), Some("codeberg.org"));
/// ```
pub fn default_aliases() -> alurl::Aliases {
    DEFAULT_ALIASES
        .into_iter()
        .map(|(name, value)| {
            let name = alurl::AliasName::new(name);
            (
                name.expect("the default alias names are identifiers"),
                value.to_owned(),
            )
        })
        .collect()
}
