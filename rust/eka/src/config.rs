//! eka's own configuration file, `config.toml`.
//!
//! Found at `$EKA_CONFIG` if set, else `$XDG_CONFIG_HOME/eka/config.toml`.
//! A missing file means the defaults; a malformed one is an error that names
//! the file, line and column.
//!
//! ```toml
//! [aliases]              # `+name` in URLs; these add to or replace the defaults
//! work = "+gh/my-org"    # +work/project → github.com/my-org/project
//! corp = "git@git.example.com"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use alurl::{AliasName, Aliases};
use anyhow::Context as _;
use serde::{Deserialize, Deserializer};

/// The whole configuration. Unknown keys are errors, so that a typo never
/// silently does nothing.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "sections are read by the commands that need them")]
pub struct Config {
    /// The user's `+name` URL aliases (`[aliases] work = "+gh/my-org"`),
    /// without the built-in defaults; [`Config::aliases`] merges both.
    #[serde(default, rename = "aliases", deserialize_with = "deserialize_aliases")]
    pub user_aliases: Aliases,
    /// URL prefix rewrites for fetching (`[mirrors] "https://a/" = "file:///srv/a/"`).
    #[serde(default)]
    pub mirrors: BTreeMap<String, String>,
}

impl Config {
    /// The file eka reads its configuration from.
    #[allow(dead_code, reason = "used by the commands that read configuration")]
    pub fn path() -> anyhow::Result<PathBuf> {
        match std::env::var_os("EKA_CONFIG") {
            Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
            _ => Ok(crate::paths::config_dir()?.join("config.toml")),
        }
    }

    /// Load the configuration from [`Config::path`].
    #[allow(dead_code, reason = "used by the commands that read configuration")]
    pub fn load() -> anyhow::Result<Self> {
        Self::load_from(&Self::path()?)
    }

    /// The aliases eka expands URLs with: the built-in defaults
    /// ([`atom_uri::DEFAULT_ALIASES`]: `gh`, `gl`, `cb`, `sh`, `bb`), each
    /// replaced by a user entry of the same name, plus the user's own.
    pub fn aliases(&self) -> Aliases {
        let mut aliases = atom_uri::default_aliases();
        aliases.extend(
            self.user_aliases
                .iter()
                .map(|(name, value)| (name.clone(), value.to_owned())),
        );
        aliases
    }

    /// Load the configuration from `path`; a missing file gives the defaults.
    pub fn load_from(path: &Path) -> anyhow::Result<Self> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(err) => {
                return Err(err).with_context(|| format!("cannot read {}", path.display()));
            }
        };
        toml::from_str(&text)
            .with_context(|| format!("invalid configuration in {}", path.display()))
    }
}

/// Read `[aliases]`, checking each entry where it is written so that a bad
/// name or value is reported at its line and column: a name must be an
/// identifier, a value non-empty with a well-formed alias (if any) at its
/// host position.
fn deserialize_aliases<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Aliases, D::Error> {
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    struct Name(AliasName);
    struct Value(String);

    impl<'de> Deserialize<'de> for Name {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let name = String::deserialize(deserializer)?;
            AliasName::new(name.as_str()).map(Name).map_err(|err| {
                serde::de::Error::custom(format!("invalid alias name `{name}`: {err}"))
            })
        }
    }

    impl<'de> Deserialize<'de> for Value {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let value = String::deserialize(deserializer)?;
            if value.is_empty() {
                return Err(serde::de::Error::custom(
                    "an alias cannot be empty: give a host, a URL prefix or another `+alias`",
                ));
            }
            alurl::find(&value).map_err(serde::de::Error::custom)?;
            Ok(Value(value))
        }
    }

    let entries = BTreeMap::<Name, Value>::deserialize(deserializer)?;
    Ok(entries
        .into_iter()
        .map(|(Name(name), Value(value))| (name, value))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::Config;

    #[test]
    fn a_missing_file_gives_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load_from(&dir.path().join("absent.toml")).unwrap();
        assert!(config.user_aliases.is_empty());
        assert!(config.mirrors.is_empty());
        let aliases = config.aliases();
        let defaults: Vec<_> = aliases.iter().map(|(n, v)| (n.as_str(), v)).collect();
        assert_eq!(
            defaults,
            [
                ("bb", "bitbucket.org"),
                ("cb", "codeberg.org"),
                ("gh", "github.com"),
                ("gl", "gitlab.com"),
                ("sh", "git.sr.ht"),
            ]
        );
    }

    #[test]
    fn sections_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[aliases]\nwork = \"+gh/org\"\n").unwrap();
        let config = Config::load_from(&path).unwrap();
        assert_eq!(config.user_aliases.get("work"), Some("+gh/org"));
        assert_eq!(config.aliases().get("work"), Some("+gh/org"));
        assert_eq!(config.aliases().get("gh"), Some("github.com"));
    }

    #[test]
    fn user_aliases_replace_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[aliases]\ngh = \"ghe.example.com\"\n").unwrap();
        let aliases = Config::load_from(&path).unwrap().aliases();
        assert_eq!(aliases.get("gh"), Some("ghe.example.com"));
        assert_eq!(aliases.get("gl"), Some("gitlab.com"));
        assert_eq!(aliases.len(), 5);
    }

    #[test]
    fn bad_aliases_name_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        for (text, position, words) in [
            (
                "[aliases]\nok = \"x\"\nmy-forge = \"x\"\n",
                "line 3, column 1",
                "`-` cannot appear",
            ),
            (
                "[aliases]\n\nwork = \"\"\n",
                "line 3, column 8",
                "cannot be empty",
            ),
            (
                "[aliases]\nwork = \"git@+my-forge:x\"\n",
                "line 2, column 8",
                "invalid alias name `my-forge`",
            ),
        ] {
            std::fs::write(&path, text).unwrap();
            let err = format!("{:#}", Config::load_from(&path).unwrap_err());
            assert!(err.contains(&path.display().to_string()), "{err}");
            assert!(err.contains(position), "{text}: {err}");
            assert!(err.contains(words), "{text}: {err}");
        }
    }

    #[test]
    fn an_unknown_key_names_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[aliases]\ngh = \"github.com\"\n\n[mirorrs]\n").unwrap();
        let err = format!("{:#}", Config::load_from(&path).unwrap_err());
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert!(err.contains("line 4, column 2"), "{err}");
        assert!(err.contains("mirorrs"), "{err}");
    }
}
