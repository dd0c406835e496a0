//! Expanding aliases, recursively, into an [`AliasedUrl`].

use std::fmt;

use crate::error::{Error, Part};
use crate::locate::{AliasSite, Layout, find, redact};
use crate::name::AliasName;
use crate::resolver::AliasResolver;
use crate::url::Url;

/// How many aliases may nest before expansion gives up. Cycles are caught
/// before this; the limit only guards against resolvers that invent values.
pub const MAX_DEPTH: usize = 32;

/// A URL as written by a user, after alias expansion.
///
/// ```
/// use alurl::{AliasedUrl, Aliases};
///
/// let aliases: Aliases = [("gh", "github.com")].try_into()?;
///
/// match alurl::expand("+gh/owner/repo", &aliases)? {
///     AliasedUrl::Expanded { alias, url } => {
///         assert_eq!(alias.name().as_str(), "gh");
///         assert_eq!(url.as_str(), "github.com/owner/repo");
///     }
///     AliasedUrl::Raw(_) => unreachable!("`+gh` is an alias"),
/// }
///
/// let raw = alurl::expand("https://example.com/+gh/foo", &aliases)?;
/// assert!(matches!(raw, AliasedUrl::Raw(_)));
/// assert_eq!(raw.as_str(), "https://example.com/+gh/foo");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AliasedUrl {
    /// An alias stood at the host position and was expanded.
    Expanded {
        /// The alias as written, and those it expanded through.
        alias: Alias,
        /// The expanded URL.
        url: Url,
    },
    /// No alias: the URL as written.
    Raw(Url),
}

impl AliasedUrl {
    /// Expand `text` through `resolver`; the same as [`expand`].
    pub fn parse(text: &str, resolver: &(impl AliasResolver + ?Sized)) -> Result<Self, Error> {
        expand(text, resolver)
    }

    /// The URL, expanded or as written.
    pub fn url(&self) -> &Url {
        match self {
            Self::Expanded { url, .. } | Self::Raw(url) => url,
        }
    }

    /// The URL, consuming `self`.
    pub fn into_url(self) -> Url {
        match self {
            Self::Expanded { url, .. } | Self::Raw(url) => url,
        }
    }

    /// The alias that was expanded, if any.
    pub fn alias(&self) -> Option<&Alias> {
        match self {
            Self::Expanded { alias, .. } => Some(alias),
            Self::Raw(_) => None,
        }
    }

    /// The text of the URL, exactly as expanded.
    pub fn as_str(&self) -> &str {
        self.url().as_str()
    }
}

impl fmt::Display for AliasedUrl {
    /// The expanded URL, with any password redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.url().fmt(f)
    }
}

/// The alias of an [`AliasedUrl::Expanded`]: the one written, and the chain
/// of aliases it expanded through (`work` → `gh` when `work = "+gh/org"`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Alias {
    /// Never empty: the first is the one written.
    chain: Vec<AliasName>,
}

impl Alias {
    /// The alias as written.
    pub fn name(&self) -> &AliasName {
        &self.chain[0]
    }

    /// Every alias expanded, in order, starting with [`name`](Self::name).
    pub fn chain(&self) -> &[AliasName] {
        &self.chain
    }
}

impl fmt::Display for Alias {
    /// `+name`, as it was written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+{}", self.name())
    }
}

/// Expand the alias at the host position of `text`, recursively, and
/// classify the result.
///
/// `+name` is recognised only at the host position: at the start, or after
/// an optional `scheme://` and the last `user@` of the authority (see
/// [`find`](crate::find)). It is replaced by the alias's value, and the
/// result is examined again, so an alias may expand to another
/// (`work = "+gh/org"`); an alias that comes back is a
/// [cycle](Error::Cycle). Without an alias, `text` is returned as written
/// ([`AliasedUrl::Raw`]).
///
/// The value is spliced in as text, with two checks: the value cannot give a
/// scheme when text comes before the `+`, nor a user when a user comes
/// before it ([`Error::Conflict`]); and a value with a path cannot be
/// followed by `:` ([`Error::PathBeforeColon`]). A value ending in `/`
/// followed by a `/` gives one slash.
///
/// ```
/// use alurl::{Aliases, Error};
///
/// let aliases: Aliases = [
///     ("gh", "github.com"),
///     ("work", "+gh/my-org"),
///     ("a", "+b"),
///     ("b", "+a"),
/// ]
/// .try_into()?;
///
/// let url = alurl::expand("+work/project", &aliases)?;
/// assert_eq!(url.as_str(), "github.com/my-org/project");
/// let chain: Vec<_> = url.alias().unwrap().chain().iter().map(|n| n.as_str()).collect();
/// assert_eq!(chain, ["work", "gh"]);
///
/// assert_eq!(alurl::expand("ssh://git@+gh:22/o/r", &aliases)?.as_str(), "ssh://git@github.com:22/o/r");
///
/// let err = alurl::expand("+a/x", &aliases).unwrap_err();
/// assert!(matches!(err, Error::Cycle { .. }));
/// assert_eq!(err.to_string(), "alias cycle: a → b → a");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn expand(text: &str, resolver: &(impl AliasResolver + ?Sized)) -> Result<AliasedUrl, Error> {
    let mut current = text.to_owned();
    let mut chain: Vec<AliasName> = Vec::new();
    while let Some(site) = find(&current)? {
        let name = site.name().clone();
        let repeats = chain.contains(&name);
        chain.push(name.clone());
        if repeats {
            return Err(Error::Cycle { chain });
        }
        if chain.len() > MAX_DEPTH {
            return Err(Error::TooDeep { chain });
        }
        let Some(value) = resolver.resolve(&name) else {
            return Err(Error::Unknown {
                name,
                text: redact(&current),
                column: site.column(),
            });
        };
        current = splice(&site, &current, &value)?;
    }
    if chain.is_empty() {
        Ok(AliasedUrl::Raw(Url::classify(current, false)?))
    } else {
        Ok(AliasedUrl::Expanded {
            alias: Alias { chain },
            url: Url::classify(current, true)?,
        })
    }
}

/// Replace the alias of `site` (found in `text`) by `value`.
fn splice(site: &AliasSite<'_>, text: &str, value: &str) -> Result<String, Error> {
    let name = site.name();
    if value.is_empty() {
        return Err(Error::Empty { name: name.clone() });
    }
    let inner = Layout::of(value);
    let conflict = if inner.scheme.is_some() && !site.prefix().is_empty() {
        Some(Part::Scheme)
    } else if inner.userinfo.is_some() && site.has_user() {
        Some(Part::User)
    } else {
        None
    };
    if let Some(part) = conflict {
        return Err(Error::Conflict {
            name: name.clone(),
            value: redact(value),
            text: redact(text),
            part,
        });
    }
    let rest = site.rest();
    if rest.starts_with(':') && value[inner.host..].contains('/') {
        return Err(Error::PathBeforeColon {
            name: name.clone(),
            value: redact(value),
            text: redact(text),
        });
    }
    let rest = match rest.strip_prefix('/') {
        Some(path) if value.ends_with('/') => path,
        _ => rest,
    };
    Ok([site.prefix(), value, rest].concat())
}

#[cfg(test)]
mod tests {
    use super::{AliasedUrl, expand};
    use crate::{Aliases, Error, Form, Part};

    fn aliases() -> Aliases {
        [
            ("gh", "github.com"),
            ("work", "+gh/org"),
            ("slash", "example.com/base/"),
            ("a", "+b"),
            ("b", "+a"),
            ("me", "me"),
            ("git_gh", "git@+gh"),
            ("secure", "https://+gh"),
            ("empty", ""),
            ("dir", "/srv/git"),
        ]
        .try_into()
        .unwrap()
    }

    fn expanded(text: &str) -> String {
        expand(text, &aliases()).unwrap().as_str().to_owned()
    }

    #[test]
    fn an_alias_is_replaced_by_its_value() {
        assert_eq!(expanded("+gh/owner/repo"), "github.com/owner/repo");
        assert_eq!(expanded("+gh"), "github.com");
        assert_eq!(expanded("git@+gh:owner/repo"), "git@github.com:owner/repo");
        assert_eq!(expanded("https://+gh/o/r"), "https://github.com/o/r");
        assert_eq!(
            expanded("ssh://git@+gh:22/o/r"),
            "ssh://git@github.com:22/o/r"
        );
        assert_eq!(expanded("+slash/x"), "example.com/base/x");
        assert_eq!(expanded("+dir/repo"), "/srv/git/repo");
    }

    #[test]
    fn aliases_expand_through_others() {
        let url = expand("+work/proj", &aliases()).unwrap();
        assert_eq!(url.as_str(), "github.com/org/proj");
        assert_eq!(url.alias().unwrap().to_string(), "+work");
        assert_eq!(expanded("+git_gh:o/r"), "git@github.com:o/r");
        assert_eq!(expanded("+secure/o/r"), "https://github.com/o/r");
        assert_eq!(expanded("ssh://+git_gh/o/r"), "ssh://git@github.com/o/r");
    }

    #[test]
    fn the_expanded_form_is_classified() {
        let url = expand("ssh://git@+gh:22/o/r", &aliases()).unwrap();
        assert_eq!(url.url().form(), Form::Url);
        assert_eq!(url.url().port(), Some(22));
        assert_eq!(url.url().host(), Some("github.com"));
        let scp = expand("git@+gh:owner/repo", &aliases()).unwrap();
        assert_eq!(scp.url().form(), Form::Scp);
        let dir = expand("+dir/repo", &aliases()).unwrap();
        assert_eq!(dir.url().form(), Form::Local);
    }

    #[test]
    fn no_alias_means_the_text_as_written() {
        for text in [
            "https://example.com/+gh/foo",
            "file:///+x",
            "https://user:pa+ss@example.com/repo",
            "git@github.com:o/r",
        ] {
            let url = expand(text, &aliases()).unwrap();
            assert!(matches!(url, AliasedUrl::Raw(_)), "{text}");
            assert_eq!(url.as_str(), text);
        }
    }

    #[test]
    fn cycles_name_the_whole_chain() {
        let err = expand("+a/x", &aliases()).unwrap_err();
        assert_eq!(err.to_string(), "alias cycle: a → b → a");
        let err = expand(
            "https://+me/x",
            &[("me", "+me")].try_into().unwrap() as &Aliases,
        );
        assert_eq!(err.unwrap_err().to_string(), "alias cycle: me → me");
        // A value equal to its own name is not a cycle: only `+name` expands.
        assert_eq!(expanded("+me/x"), "me/x");
    }

    #[test]
    fn unknown_and_empty_aliases_are_errors() {
        let err = expand("git@+nope:x", &aliases()).unwrap_err();
        assert_eq!(err.to_string(), "unknown alias `+nope` in `git@+nope:x`");
        assert!(matches!(err, Error::Unknown { column: 5, .. }));
        // An unknown alias reached through another names the text it was found in.
        let nested: Aliases = [("w", "+x/y")].try_into().unwrap();
        let err = expand("+w/z", &nested).unwrap_err();
        assert_eq!(err.to_string(), "unknown alias `+x` in `+x/y/z`");
        let err = expand("+empty/x", &aliases()).unwrap_err();
        assert_eq!(
            err,
            Error::Empty {
                name: "empty".parse().unwrap()
            }
        );
    }

    #[test]
    fn a_value_cannot_repeat_what_precedes_the_alias() {
        for (text, part) in [
            ("ssh://+secure/x", Part::Scheme),
            ("git@+secure/x", Part::Scheme),
            ("me@+git_gh:x", Part::User),
        ] {
            match expand(text, &aliases()) {
                Err(Error::Conflict { part: found, .. }) => assert_eq!(found, part, "{text}"),
                other => panic!("{text}: unexpected {other:?}"),
            }
        }
        let err = expand("me@+git_gh:x", &aliases()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "alias `+git_gh` expands to `git@+gh`, which gives its own user, but `me@+git_gh:x` already gives one before `+git_gh`"
        );
    }

    #[test]
    fn a_value_with_a_path_cannot_take_a_colon() {
        let err = expand("git@+work:proj", &aliases()).unwrap_err();
        assert!(matches!(err, Error::PathBeforeColon { .. }), "{err}");
    }

    #[test]
    fn resolvers_that_never_end_are_stopped() {
        struct Deeper;
        impl crate::AliasResolver for Deeper {
            fn resolve(&self, name: &crate::AliasName) -> Option<std::borrow::Cow<'_, str>> {
                Some(format!("+{name}x/y").into())
            }
        }
        let err = expand("+a", &Deeper).unwrap_err();
        match err {
            Error::TooDeep { chain } => assert_eq!(chain.len(), super::MAX_DEPTH + 1),
            other => panic!("unexpected {other:?}"),
        }
    }
}
