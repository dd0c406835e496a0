//! Where alias values come from: the [`AliasResolver`] trait and [`Aliases`],
//! a simple table.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

use crate::name::{AliasName, NameError};

/// Looks up what an alias stands for.
///
/// alurl never reads configuration itself: an application implements this
/// trait over whatever holds its aliases (a config file, a database, a
/// built-in table). A value is the text that replaces `+name`: a host
/// (`github.com`), a URL prefix (`https://git.example.com/team`), or another
/// alias (`+gh/org`), which is expanded in turn.
///
/// Implemented for [`Aliases`], for `HashMap` and `BTreeMap` from `String` to
/// `String`, and for references to resolvers.
///
/// ```
/// use std::borrow::Cow;
/// use alurl::{AliasResolver, AliasName};
///
/// /// Every alias is a host under `example.com`.
/// struct Subdomains;
///
/// impl AliasResolver for Subdomains {
///     fn resolve(&self, name: &AliasName) -> Option<Cow<'_, str>> {
///         Some(Cow::Owned(format!("{name}.example.com")))
///     }
/// }
///
/// let url = alurl::expand("+git/repo", &Subdomains)?;
/// assert_eq!(url.as_str(), "git.example.com/repo");
/// # Ok::<(), alurl::Error>(())
/// ```
pub trait AliasResolver {
    /// The text `name` stands for, or `None` if it is not an alias.
    fn resolve(&self, name: &AliasName) -> Option<Cow<'_, str>>;
}

impl<R: AliasResolver + ?Sized> AliasResolver for &R {
    fn resolve(&self, name: &AliasName) -> Option<Cow<'_, str>> {
        (**self).resolve(name)
    }
}

impl<S: BuildHasher> AliasResolver for HashMap<String, String, S> {
    fn resolve(&self, name: &AliasName) -> Option<Cow<'_, str>> {
        self.get(name.as_str())
            .map(|value| Cow::Borrowed(value.as_str()))
    }
}

impl AliasResolver for BTreeMap<String, String> {
    fn resolve(&self, name: &AliasName) -> Option<Cow<'_, str>> {
        self.get(name.as_str())
            .map(|value| Cow::Borrowed(value.as_str()))
    }
}

/// A table of aliases: the simplest [`AliasResolver`].
///
/// Names are checked when they are inserted, so a table never holds an alias
/// that could not be written. Later insertions replace earlier ones, which
/// makes layering easy: insert built-in defaults, then the user's entries.
///
/// ```
/// use alurl::Aliases;
///
/// let mut aliases = Aliases::new();
/// aliases.insert("gh", "github.com")?;
/// aliases.insert("gh", "ghe.example.com")?; // a later entry wins
/// assert_eq!(aliases.get("gh"), Some("ghe.example.com"));
///
/// let from_pairs: Aliases = [("gl", "gitlab.com"), ("cb", "codeberg.org")].try_into()?;
/// assert_eq!(from_pairs.len(), 2);
/// # Ok::<(), alurl::NameError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Aliases {
    table: BTreeMap<AliasName, String>,
}

impl Aliases {
    /// An empty table: every URL is returned as written.
    pub fn new() -> Self {
        Self::default()
    }

    /// Define `name` as `value`, replacing any earlier definition (which is
    /// returned).
    pub fn insert(
        &mut self,
        name: &str,
        value: impl Into<String>,
    ) -> Result<Option<String>, NameError> {
        Ok(self.table.insert(AliasName::new(name)?, value.into()))
    }

    /// The value of `name`, if it is defined.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.table.get(name).map(String::as_str)
    }

    /// How many aliases are defined.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether no alias is defined.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// The aliases, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&AliasName, &str)> {
        self.table
            .iter()
            .map(|(name, value)| (name, value.as_str()))
    }
}

impl AliasResolver for Aliases {
    fn resolve(&self, name: &AliasName) -> Option<Cow<'_, str>> {
        self.get(name.as_str()).map(Cow::Borrowed)
    }
}

impl Extend<(AliasName, String)> for Aliases {
    fn extend<I: IntoIterator<Item = (AliasName, String)>>(&mut self, entries: I) {
        self.table.extend(entries);
    }
}

impl FromIterator<(AliasName, String)> for Aliases {
    fn from_iter<I: IntoIterator<Item = (AliasName, String)>>(entries: I) -> Self {
        Self {
            table: entries.into_iter().collect(),
        }
    }
}

impl<N: AsRef<str>, V: Into<String>, const LEN: usize> TryFrom<[(N, V); LEN]> for Aliases {
    type Error = NameError;

    fn try_from(entries: [(N, V); LEN]) -> Result<Self, Self::Error> {
        entries
            .into_iter()
            .map(|(name, value)| Ok((AliasName::new(name.as_ref())?, value.into())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};

    use super::{AliasResolver, Aliases};
    use crate::AliasName;

    fn gh() -> AliasName {
        AliasName::new("gh").unwrap()
    }

    #[test]
    fn maps_are_resolvers() {
        let hash: HashMap<String, String> = [("gh".into(), "github.com".into())].into();
        let btree: BTreeMap<String, String> = [("gh".into(), "github.com".into())].into();
        assert_eq!(hash.resolve(&gh()).as_deref(), Some("github.com"));
        assert_eq!(btree.resolve(&gh()).as_deref(), Some("github.com"));
        assert_eq!((&&btree).resolve(&gh()).as_deref(), Some("github.com"));
        assert_eq!(hash.resolve(&AliasName::new("gl").unwrap()), None);
    }

    #[test]
    fn tables_reject_names_that_cannot_be_written() {
        let mut aliases = Aliases::new();
        assert!(aliases.insert("my-forge", "example.com").is_err());
        assert!(aliases.is_empty());
        assert_eq!(aliases.insert("gh", "github.com"), Ok(None));
        assert_eq!(
            aliases.insert("gh", "ghe.example.com"),
            Ok(Some("github.com".to_owned()))
        );
        assert_eq!(aliases.resolve(&gh()).as_deref(), Some("ghe.example.com"));
        let names: Vec<_> = aliases.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["gh"]);
    }
}
