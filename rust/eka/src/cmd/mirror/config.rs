//! The configuration of `eka mirror sync`: the store, where the status
//! goes, and the sources with their mirrors.
//!
//! ```toml
//! store = "/var/lib/atom-mirror/store.git"     # the bare repository that is served
//! status = "/var/lib/atom-mirror/status.json"  # optional; default: status.json beside the store
//!
//! [sources.company]
//! urls = ["https://git.example.com/atoms", "https://backup.example.com/atoms"]
//! ```
//!
//! Relative paths are relative to the configuration file's directory.
//! Every mistake — an unknown key, a missing or empty value, a bad source
//! name, a repeated URL — is an error naming the file, line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::{Deserialize, Deserializer};

/// A mirror configuration, read and checked.
#[derive(Debug)]
pub struct MirrorConfig {
    /// The bare repository of verified atoms that is served.
    pub store: PathBuf,
    /// The status file written after every run.
    pub status: PathBuf,
    /// Sources by name, in name order.
    pub sources: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    store: NonEmptyPath,
    status: Option<NonEmptyPath>,
    sources: Sources,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Source {
    urls: Urls,
}

#[derive(Debug)]
struct NonEmptyPath(String);

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct SourceName(String);

#[derive(Debug)]
struct Sources(BTreeMap<SourceName, Source>);

#[derive(Debug)]
struct Urls(Vec<String>);

impl<'de> Deserialize<'de> for NonEmptyPath {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let path = String::deserialize(deserializer)?;
        if path.trim().is_empty() {
            return Err(serde::de::Error::custom("a path cannot be empty"));
        }
        Ok(Self(path))
    }
}

impl<'de> Deserialize<'de> for SourceName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
        if name.is_empty() || !name.chars().all(allowed) {
            return Err(serde::de::Error::custom(format!(
                "`{}` is not a source name: use letters, digits, `_`, `.` and `-`",
                name.escape_debug()
            )));
        }
        Ok(Self(name))
    }
}

impl<'de> Deserialize<'de> for Sources {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let sources = BTreeMap::<SourceName, Source>::deserialize(deserializer)?;
        if sources.is_empty() {
            return Err(serde::de::Error::custom(
                "no sources: add one, e.g. [sources.company] urls = [\"https://git.example.com/atoms\"]",
            ));
        }
        Ok(Self(sources))
    }
}

impl<'de> Deserialize<'de> for Urls {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let urls = Vec::<String>::deserialize(deserializer)?;
        if urls.is_empty() {
            return Err(serde::de::Error::custom(
                "a source needs at least one URL (a git URL or path of one of its mirrors)",
            ));
        }
        for (index, url) in urls.iter().enumerate() {
            if url.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(serde::de::Error::custom(format!(
                    "`{}` is not a git URL: it is empty or contains whitespace",
                    url.escape_debug()
                )));
            }
            if urls[..index].contains(url) {
                return Err(serde::de::Error::custom(format!("`{url}` is listed twice")));
            }
        }
        Ok(Self(urls))
    }
}

impl MirrorConfig {
    /// Read the configuration at `path`.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the mirror configuration {}", path.display()))?;
        Self::parse(path, &text)
    }

    /// Parse `text`, read from `path` (for error messages and to resolve
    /// relative paths).
    pub fn parse(path: &Path, text: &str) -> anyhow::Result<Self> {
        let file: File = toml::from_str(text)
            .with_context(|| format!("invalid mirror configuration in {}", path.display()))?;
        let base = path.parent().unwrap_or_else(|| Path::new(""));
        let store = base.join(file.store.0);
        let status = match file.status {
            Some(status) => base.join(status.0),
            None => store
                .parent()
                .unwrap_or_else(|| Path::new(""))
                .join("status.json"),
        };
        Ok(Self {
            store,
            status,
            sources: file
                .sources
                .0
                .into_iter()
                .map(|(SourceName(name), source)| (name, source.urls.0))
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> anyhow::Result<MirrorConfig> {
        MirrorConfig::parse(Path::new("/etc/eka/mirror.toml"), text)
    }

    fn error(text: &str) -> String {
        format!("{:#}", parse(text).expect_err("must be refused"))
    }

    #[test]
    fn the_documented_example_is_read() {
        let config = parse(
            "store = \"/var/lib/atom-mirror/store.git\"\n\n\
             [sources.company]\n\
             urls = [\"https://git.example.com/atoms\", \"https://backup.example.com/atoms\"]\n",
        )
        .unwrap();
        assert_eq!(config.store, Path::new("/var/lib/atom-mirror/store.git"));
        assert_eq!(config.status, Path::new("/var/lib/atom-mirror/status.json"));
        assert_eq!(
            config.sources["company"],
            [
                "https://git.example.com/atoms",
                "https://backup.example.com/atoms"
            ]
        );
    }

    #[test]
    fn relative_paths_are_relative_to_the_file_and_sources_are_in_name_order() {
        let config = parse(
            "store = \"store.git\"\nstatus = \"run/status.json\"\n\
             [sources.zeta]\nurls = [\"/srv/z\"]\n[sources.alpha]\nurls = [\"/srv/a\"]\n",
        )
        .unwrap();
        assert_eq!(config.store, Path::new("/etc/eka/store.git"));
        assert_eq!(config.status, Path::new("/etc/eka/run/status.json"));
        assert_eq!(config.sources.keys().collect::<Vec<_>>(), ["alpha", "zeta"]);
    }

    #[test]
    fn mistakes_name_the_file_line_and_column() {
        for (text, position, words) in [
            (
                "store = \"s.git\"\nstatsu = \"x\"\n[sources.a]\nurls = [\"/a\"]\n",
                "line 2, column 1",
                "unknown field `statsu`",
            ),
            (
                "store = \"s.git\"\n[sources.a]\nurls = [\"/a\"]\nurl = \"/b\"\n",
                "line 4, column 1",
                "unknown field `url`",
            ),
            (
                "store = \"s.git\"\n[sources.a]\nurls = []\n",
                "line 3, column 8",
                "at least one URL",
            ),
            (
                "store = \"s.git\"\n[sources.a]\nurls = [\"/a\", \"/b\", \"/a\"]\n",
                "line 3, column 8",
                "`/a` is listed twice",
            ),
            (
                "store = \"s.git\"\n[sources.a]\nurls = [\"git://host/a b\"]\n",
                "line 3, column 8",
                "not a git URL",
            ),
            (
                "store = \"s.git\"\n[sources.\"my source\"]\nurls = [\"/a\"]\n",
                "line 2, column 10",
                "`my source` is not a source name",
            ),
            (
                "store = \"\"\n[sources.a]\nurls = [\"/a\"]\n",
                "line 1, column 9",
                "a path cannot be empty",
            ),
            ("store = \"s.git\"\n[sources]\n", "line 2", "no sources"),
            (
                "[sources.a]\nurls = [\"/a\"]\n",
                "line 1",
                "missing field `store`",
            ),
        ] {
            let err = error(text);
            assert!(err.contains("/etc/eka/mirror.toml"), "{text}: {err}");
            assert!(err.contains(position), "{text}: {err}");
            assert!(err.contains(words), "{text}: {err}");
        }
    }

    #[test]
    fn a_missing_file_is_named() {
        let err = format!(
            "{:#}",
            MirrorConfig::load(Path::new("/nonexistent/mirror.toml")).unwrap_err()
        );
        assert!(err.contains("/nonexistent/mirror.toml"), "{err}");
    }
}
