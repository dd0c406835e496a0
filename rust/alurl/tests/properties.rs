//! Properties of expansion that must hold for every input, not only the
//! examples beside the code.

use alurl::{AliasedUrl, Aliases, Error};
use proptest::prelude::*;

fn aliases() -> Aliases {
    [
        ("gh", "github.com"),
        ("work", "+gh/org"),
        ("a", "+b"),
        ("b", "+a"),
    ]
    .try_into()
    .expect("the names are identifiers")
}

/// A host name: DNS labels joined by dots.
fn host() -> impl Strategy<Value = String> {
    proptest::collection::vec("[a-z][a-z0-9-]{0,10}[a-z0-9]", 1..4)
        .prop_map(|labels| labels.join("."))
}

/// A path of segments that may contain `+`, `@` and `:` anywhere.
fn path() -> impl Strategy<Value = String> {
    proptest::collection::vec("[a-zA-Z0-9+@:._~-]{1,12}", 1..5)
        .prop_map(|segments| segments.join("/"))
}

/// An alias name: an identifier.
fn name() -> impl Strategy<Value = String> {
    "[a-zA-Z_][a-zA-Z0-9_]{0,8}|[α-ω][α-ω0-9]{0,4}"
}

proptest! {
    /// Text with no `+` at all never expands: it is returned as written, or
    /// rejected by gix-url, never changed.
    #[test]
    fn text_without_a_plus_is_returned_unchanged(text in "[^+]{0,64}") {
        match alurl::expand(&text, &aliases()) {
            Ok(AliasedUrl::Raw(url)) => prop_assert_eq!(url.as_str(), text.as_str()),
            Ok(expanded @ AliasedUrl::Expanded { .. }) => {
                prop_assert!(false, "{text:?} expanded to {expanded:?}");
            }
            Err(err) => prop_assert!(matches!(err, Error::Classify { .. }), "{text:?}: {err}"),
        }
    }

    /// A `+` after the host position (in a path, a query, a password) is never
    /// an alias.
    #[test]
    fn a_plus_after_the_host_is_not_an_alias(
        scheme in "https?|ssh|git",
        password in "[a-z+]{0,6}\\+[a-z+]{0,6}",
        host in host(),
        path in path(),
    ) {
        for text in [
            format!("{scheme}://{host}/{path}"),
            format!("{scheme}://user:{password}@{host}/{path}"),
            format!("git@{host}:{path}"),
            format!("{host}/{path}"),
        ] {
            let url = alurl::expand(&text, &aliases());
            let url = url.map_err(|err| TestCaseError::fail(format!("{text:?}: {err}")))?;
            prop_assert!(matches!(url, AliasedUrl::Raw(_)), "{text:?}");
            prop_assert_eq!(url.as_str(), text.as_str());
        }
    }

    /// An alias at the host position is replaced by exactly its value; the
    /// prefix and the rest are kept byte for byte.
    #[test]
    fn an_alias_is_replaced_by_its_value_and_nothing_else(
        name in name(),
        host in host(),
        path in "[a-zA-Z0-9._~-]{1,12}(/[a-zA-Z0-9._~-]{1,12}){0,3}",
        port in proptest::option::of(1u16..),
    ) {
        let mut aliases = Aliases::new();
        aliases.insert(&name, host.clone()).unwrap();
        let port = port.map(|port| format!(":{port}")).unwrap_or_default();
        for (written, expected) in [
            (format!("+{name}/{path}"), format!("{host}/{path}")),
            (format!("git@+{name}:{path}"), format!("git@{host}:{path}")),
            (format!("ssh://git@+{name}{port}/{path}"), format!("ssh://git@{host}{port}/{path}")),
            (format!("https://+{name}{port}/{path}"), format!("https://{host}{port}/{path}")),
        ] {
            let url = alurl::expand(&written, &aliases);
            let url = url.map_err(|err| TestCaseError::fail(format!("{written:?}: {err}")))?;
            prop_assert_eq!(url.as_str(), expected.as_str(), "{}", written);
            prop_assert_eq!(url.url().host(), Some(host.as_str()));
            prop_assert_eq!(url.alias().map(|alias| alias.name().as_str()), Some(name.as_str()));
        }
    }

    /// Expansion never panics, whatever the input; and a password never
    /// appears in what is shown.
    #[test]
    fn any_input_gives_a_result_or_an_error(text in "\\PC{0,80}") {
        let _ = alurl::expand(&text, &aliases());
    }

    #[test]
    fn passwords_are_never_shown(
        scheme in "https?|ssh",
        secret in "[a-z]{8,12}",
        rest in "(\\+gh|\\+nope|\\+a|[a-z.]{1,10}|\\+|)(/[a-z]{0,5}|:[0-9a-z]{0,3}|)",
    ) {
        let text = format!("{scheme}://user:{secret}@{rest}");
        let shown = match alurl::expand(&text, &aliases()) {
            Ok(url) => url.to_string(),
            Err(err) => err.to_string(),
        };
        prop_assert!(!shown.contains(&secret), "{}", shown);
    }
}
