//! Where to fetch a URL from: git's `url.<base>.insteadOf` and eka's
//! `[mirrors]` rewrite the location, never the URL a result reports.

use std::borrow::Cow;

/// URL prefix rewrites. A URL that starts with a rule's prefix is fetched
/// from the rule's replacement followed by the rest of the URL; the longest
/// matching prefix wins, as in git. eka's own rules come before git's.
///
/// ```
/// let mut mirrors = nix_fetch::Mirrors::default();
/// mirrors.add("https://example.org/", "file:///srv/mirror/");
/// assert_eq!(mirrors.rewrite("https://example.org/a.tar.gz"), "file:///srv/mirror/a.tar.gz");
/// assert_eq!(mirrors.rewrite("https://other.org/a.tar.gz"), "https://other.org/a.tar.gz");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mirrors {
    own: Vec<Rule>,
    git: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    prefix: String,
    replacement: String,
}

impl Mirrors {
    /// Fetch URLs starting with `prefix` from `replacement` instead (eka's
    /// `[mirrors] "prefix" = "replacement"`).
    pub fn add(&mut self, prefix: impl Into<String>, replacement: impl Into<String>) {
        self.own.push(Rule {
            prefix: prefix.into(),
            replacement: replacement.into(),
        });
    }

    /// Add every `url.<base>.insteadOf = <prefix>` of a git configuration.
    pub fn add_git_config(&mut self, config: &gix::config::File) {
        let Some(sections) = config.sections_by_name("url") else {
            return;
        };
        for section in sections {
            let Some(base) = section.header().subsection_name() else {
                continue;
            };
            for prefix in section.values("insteadOf") {
                self.git.push(Rule {
                    prefix: prefix.to_string(),
                    replacement: base.to_string(),
                });
            }
        }
    }

    /// The rules of the user's and the system's git configuration (what
    /// `git config --global` and `--system` hold).
    pub fn from_git_globals() -> Result<Self, gix::Error> {
        let mut mirrors = Self::default();
        mirrors.add_git_config(&gix::config::File::from_globals()?);
        Ok(mirrors)
    }

    /// Add `other`'s rules after this set's own.
    pub fn extend(&mut self, other: Mirrors) {
        self.own.extend(other.own);
        self.git.extend(other.git);
    }

    /// Where to fetch `url` from.
    pub fn rewrite<'a>(&self, url: &'a str) -> Cow<'a, str> {
        let longest = |rules: &[Rule]| {
            rules
                .iter()
                .filter(|rule| url.starts_with(&rule.prefix))
                .max_by_key(|rule| rule.prefix.len())
                .map(|rule| format!("{}{}", rule.replacement, &url[rule.prefix.len()..]))
        };
        match longest(&self.own).or_else(|| longest(&self.git)) {
            Some(rewritten) => Cow::Owned(rewritten),
            None => Cow::Borrowed(url),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.own.is_empty() && self.git.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_prefix_wins_and_eka_rules_come_first() {
        let config = gix::config::File::try_from(
            "[url \"https://git-mirror/\"]\n\tinsteadOf = https://github.com/\n\
             [url \"https://deep-mirror/\"]\n\tinsteadOf = https://github.com/org/\n\
             \tinsteadOf = gh:\n",
        )
        .unwrap();
        let mut mirrors = Mirrors::default();
        mirrors.add_git_config(&config);
        assert_eq!(
            mirrors.rewrite("https://github.com/a/b"),
            "https://git-mirror/a/b"
        );
        assert_eq!(
            mirrors.rewrite("https://github.com/org/b"),
            "https://deep-mirror/b"
        );
        assert_eq!(mirrors.rewrite("gh:x"), "https://deep-mirror/x");
        mirrors.add("https://github.com/", "file:///local/");
        assert_eq!(
            mirrors.rewrite("https://github.com/org/b"),
            "file:///local/org/b"
        );
        assert_eq!(mirrors.rewrite("https://elsewhere/"), "https://elsewhere/");
    }
}
