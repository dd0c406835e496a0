//! Finding the host position of a URL, and the alias written there.
//!
//! This is deliberately a scanner, not a URL parser: it only needs to know
//! where the authority of a URL is, so that a `+` in a path, a query or a
//! password is never mistaken for an alias.

use std::ops::Range;

use crate::error::Error;
use crate::name::{AliasName, identifier_len};

/// The characters that may end an alias name: a path (`/`), an SCP path or a
/// port (`:`), a query or a fragment.
const NAME_ENDS: [char; 4] = ['/', ':', '?', '#'];

/// Where the parts of a URL that aliasing cares about are, as byte ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Layout {
    /// The `scheme://` prefix, if any (including `://`).
    pub scheme: Option<Range<usize>>,
    /// The user information before the last `@` of the authority (without
    /// the `@`), if any.
    pub userinfo: Option<Range<usize>>,
    /// Where the host starts: after `scheme://` and the last `user@`.
    pub host: usize,
}

impl Layout {
    /// Scan `text`. Never fails: any string has a host position.
    pub fn of(text: &str) -> Self {
        let scheme_len = scheme_prefix_len(text);
        let after_scheme = &text[scheme_len..];
        // A URL's authority ends at its path, query or fragment. Without a
        // scheme, a `:` ends it too (SCP-like `user@host:path`), and no
        // password can be written.
        let authority_len = if scheme_len > 0 {
            after_scheme.find(['/', '?', '#'])
        } else {
            after_scheme.find(['/', ':'])
        }
        .unwrap_or(after_scheme.len());
        let (userinfo, host) = match after_scheme[..authority_len].rfind('@') {
            Some(at) => (Some(scheme_len..scheme_len + at), scheme_len + at + 1),
            None => (None, scheme_len),
        };
        Self {
            scheme: (scheme_len > 0).then_some(0..scheme_len),
            userinfo,
            host,
        }
    }

    /// The password within the user information (`user:password@`), if any.
    pub fn password(&self, text: &str) -> Option<Range<usize>> {
        self.scheme.as_ref()?;
        let userinfo = self.userinfo.clone()?;
        let colon = text[userinfo.clone()].find(':')?;
        Some(userinfo.start + colon + 1..userinfo.end)
    }
}

/// The length of a leading `scheme://` (RFC 3986: a letter, then letters,
/// digits, `+`, `-` or `.`), or 0.
fn scheme_prefix_len(text: &str) -> usize {
    let Some(colon) = text.find("://") else {
        return 0;
    };
    let scheme = &text[..colon];
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if valid { colon + "://".len() } else { 0 }
}

/// An alias written at the host position of a URL: the text is
/// [`prefix`](Self::prefix) `+`[`name`](Self::name) [`rest`](Self::rest).
///
/// Found by [`find`](crate::find).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasSite<'a> {
    text: &'a str,
    layout: Layout,
    name: AliasName,
    /// Where the name ends (the rest starts).
    name_end: usize,
}

impl<'a> AliasSite<'a> {
    /// Everything before the `+`: an optional `scheme://` and `user@`.
    pub fn prefix(&self) -> &'a str {
        &self.text[..self.layout.host]
    }

    /// The alias's name, without the `+`.
    pub fn name(&self) -> &AliasName {
        &self.name
    }

    /// Everything after the name: empty, or starting with `/`, `:`, `?` or `#`.
    pub fn rest(&self) -> &'a str {
        &self.text[self.name_end..]
    }

    /// The column of the `+` in the text, counting characters from 1.
    pub fn column(&self) -> usize {
        self.prefix().chars().count() + 1
    }

    /// Whether the prefix names a scheme (`scheme://`).
    pub fn has_scheme(&self) -> bool {
        self.layout.scheme.is_some()
    }

    /// Whether the prefix names a user (`user@`).
    pub fn has_user(&self) -> bool {
        self.layout.userinfo.is_some()
    }
}

/// Find the alias at the host position of `text`, if there is one.
///
/// The host position is the start of the text, or what follows an optional
/// `scheme://` and the last `user@` of the authority. A `+` anywhere else (a
/// path, a query, a password) is not an alias. A `+` at the host position is
/// always an alias, since no host name can start with one: if an identifier
/// does not follow it, up to the next `/`, `:`, `?`, `#` or the end, that is
/// an error.
///
/// ```
/// let site = alurl::find("ssh://git@+gh:22/owner/repo")?.expect("an alias");
/// assert_eq!(site.prefix(), "ssh://git@");
/// assert_eq!(site.name().as_str(), "gh");
/// assert_eq!(site.rest(), ":22/owner/repo");
///
/// assert!(alurl::find("https://example.com/+gh/foo")?.is_none());
/// assert!(alurl::find("https://user:pa+ss@example.com/repo")?.is_none());
/// assert!(alurl::find("+my-forge/repo").is_err());
/// # Ok::<(), alurl::Error>(())
/// ```
pub fn find(text: &str) -> Result<Option<AliasSite<'_>>, Error> {
    let layout = Layout::of(text);
    let Some(after_plus) = text[layout.host..].strip_prefix('+') else {
        return Ok(None);
    };
    let name_start = layout.host + 1;
    let token_len = after_plus.find(NAME_ENDS).unwrap_or(after_plus.len());
    let token = &after_plus[..token_len];
    let name = AliasName::new(token).map_err(|reason| {
        let valid_len = identifier_len(token);
        Error::InvalidName {
            text: redact(text),
            name: token.to_owned(),
            column: text[..name_start + valid_len].chars().count() + 1,
            reason,
        }
    })?;
    Ok(Some(AliasSite {
        text,
        layout,
        name,
        name_end: name_start + token_len,
    }))
}

/// `text` with the password of its user information, if any, replaced by
/// `<redacted>`, so that it can be shown in messages and logs.
///
/// ```
/// assert_eq!(alurl::redact("https://me:secret@host/repo"), "https://me:<redacted>@host/repo");
/// assert_eq!(alurl::redact("git@host:repo"), "git@host:repo");
/// ```
pub fn redact(text: &str) -> String {
    match Layout::of(text).password(text) {
        Some(password) if !password.is_empty() => {
            format!(
                "{}<redacted>{}",
                &text[..password.start],
                &text[password.end..]
            )
        }
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Layout, find, redact};

    fn host(text: &str) -> &str {
        &text[Layout::of(text).host..]
    }

    #[test]
    fn the_host_position_follows_scheme_and_last_user() {
        assert_eq!(host("github.com/o/r"), "github.com/o/r");
        assert_eq!(host("https://github.com/o/r"), "github.com/o/r");
        assert_eq!(host("git@github.com:o/r"), "github.com:o/r");
        assert_eq!(host("ssh://git@github.com:22/o/r"), "github.com:22/o/r");
        assert_eq!(
            host("https://a@b:p@ss@host/x"),
            "host/x",
            "the last `@` counts"
        );
        assert_eq!(host("file:///srv/git"), "/srv/git");
        assert_eq!(
            host("https://host/x@y"),
            "host/x@y",
            "an `@` in the path is not a user"
        );
        assert_eq!(host("host/x@+y"), "host/x@+y");
        assert_eq!(
            host("1http://x"),
            "1http://x",
            "a scheme starts with a letter"
        );
    }

    #[test]
    fn aliases_are_found_only_at_the_host_position() {
        let cases = [
            ("+gh/o/r", Some(("", "gh", "/o/r"))),
            ("+gh:o/r", Some(("", "gh", ":o/r"))),
            ("+gh", Some(("", "gh", ""))),
            ("git@+gh:o/r", Some(("git@", "gh", ":o/r"))),
            ("https://+gh/o/r", Some(("https://", "gh", "/o/r"))),
            ("https://u:p@+gh/o/r", Some(("https://u:p@", "gh", "/o/r"))),
            (
                "ssh://git@+gh:22/o/r",
                Some(("ssh://git@", "gh", ":22/o/r")),
            ),
            ("https://+gh?q#f", Some(("https://", "gh", "?q#f"))),
            ("https://example.com/+gh/foo", None),
            ("file:///+x", None),
            ("https://user:pa+ss@example.com/r", None),
            ("https://user:+pass@example.com/r", None),
            ("example.com/+gh", None),
            ("a+b://host/x", None),
            ("", None),
        ];
        for (text, expected) in cases {
            let found = find(text).unwrap();
            let found = found
                .as_ref()
                .map(|site| (site.prefix(), site.name().as_str(), site.rest()));
            assert_eq!(found, expected, "{text}");
        }
    }

    #[test]
    fn a_plus_at_the_host_position_must_name_an_alias() {
        for (text, column) in [
            ("+", 2),
            ("+/x", 2),
            ("+9/x", 2),
            ("https://+-x/y", 10),
            ("+my-forge/x", 4),
            ("git@+gh.com:x", 8),
        ] {
            let err = find(text).unwrap_err();
            match err {
                crate::Error::InvalidName { column: at, .. } => {
                    assert_eq!(at, column, "{text}: {err}");
                }
                other => panic!("{text}: unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn a_bad_name_is_shown_with_its_column_and_reason() {
        assert_eq!(
            find("+my-forge/x").unwrap_err().to_string(),
            "invalid alias name `my-forge` in `+my-forge/x` (column 4): `-` cannot appear in an \
             alias name: names are identifiers (letters, digits and `_`, not starting with a digit)"
        );
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("https://user:secret@host/x"),
            "https://user:<redacted>@host/x"
        );
        assert_eq!(redact("https://user@host/x"), "https://user@host/x");
        assert_eq!(redact("git@host:x:y"), "git@host:x:y");
        assert_eq!(redact("https://host/a:b@c"), "https://host/a:b@c");
    }
}
