//! eka's own configuration file, `config.toml`.
//!
//! Found at `$EKA_CONFIG` if set, else `$XDG_CONFIG_HOME/eka/config.toml`.
//! A missing file means the defaults; a malformed one is an error that names
//! the file, line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Deserialize;

/// The whole configuration. Unknown keys are errors, so that a typo never
/// silently does nothing.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "sections are read by the commands that need them")]
pub struct Config {
    /// `+name` URL aliases (`[aliases] gh = "github.com"`).
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
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

#[cfg(test)]
mod tests {
    use super::Config;

    #[test]
    fn a_missing_file_gives_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load_from(&dir.path().join("absent.toml")).unwrap();
        assert!(config.aliases.is_empty());
        assert!(config.mirrors.is_empty());
    }

    #[test]
    fn sections_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[aliases]\nwork = \"+gh/org\"\n").unwrap();
        let config = Config::load_from(&path).unwrap();
        assert_eq!(config.aliases["work"], "+gh/org");
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
