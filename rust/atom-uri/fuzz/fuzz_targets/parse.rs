//! Any string through the atom URI and alias grammars: no panic, and the
//! invariants the documentation promises hold.

#![no_main]

use std::sync::OnceLock;

use atom_uri::alurl::{self, AliasedUrl, Aliases};
use atom_uri::{AtomUri, RawAtomUri};
use libfuzzer_sys::fuzz_target;

/// The defaults plus nested, cyclic, user-carrying, scheme-carrying and
/// slash-ended aliases, so that every branch of expansion is reachable.
fn aliases() -> &'static Aliases {
    static ALIASES: OnceLock<Aliases> = OnceLock::new();
    ALIASES.get_or_init(|| {
        let mut aliases = atom_uri::default_aliases();
        for (name, value) in [
            ("work", "+gh/org"),
            ("a", "+b"),
            ("b", "+a"),
            ("git_gh", "git@+gh"),
            ("secure", "https://+gh"),
            ("slash", "example.com/base/"),
            ("dir", "/srv/git"),
        ] {
            aliases.insert(name, value).expect("identifiers");
        }
        aliases
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    // alurl: an alias that is found splits the text exactly; no alias means
    // the text comes back as written.
    if let Ok(Some(site)) = alurl::find(text) {
        let joined = format!("{}+{}{}", site.prefix(), site.name(), site.rest());
        assert_eq!(joined, text);
    }
    match alurl::expand(text, aliases()) {
        Ok(AliasedUrl::Raw(url)) => {
            assert_eq!(url.as_str(), text);
            let _ = url.to_string();
        }
        Ok(expanded) => {
            assert!(expanded.alias().is_some());
            let _ = expanded.to_string();
        }
        Err(err) => {
            let _ = err.to_string();
        }
    }

    // atom-uri: what parses prints back to text that parses to the same
    // value; columns stay inside the text.
    match RawAtomUri::parse(text) {
        Ok(raw) => {
            let again = RawAtomUri::parse(&raw.to_text()).expect("the printed form parses");
            assert_eq!(again, raw);
            let _ = raw.to_string();
            match raw.resolve(aliases()) {
                Ok(uri) => {
                    let _ = uri.to_string();
                }
                Err(err) => {
                    let _ = err.to_string();
                }
            }
        }
        Err(err) => {
            let _ = err.to_string();
            if let Some(column) = err.column() {
                assert!(column >= 1 && column <= text.chars().count() + 1, "{err:?}");
            }
        }
    }
    let _ = AtomUri::parse(text, aliases());
});
