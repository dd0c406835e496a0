//! The XDG base directories eka uses, resolved the way the XDG Base Directory
//! specification says: `$XDG_*_HOME` when set to an absolute path, else the
//! documented default under `$HOME`.

use std::path::PathBuf;

use anyhow::bail;

/// `$XDG_CONFIG_HOME/eka`, holding `config.toml` and the default key.
#[allow(dead_code, reason = "used by the config and key commands")]
pub fn config_dir() -> anyhow::Result<PathBuf> {
    base_dir("XDG_CONFIG_HOME", ".config").map(|dir| dir.join("eka"))
}

/// `$XDG_CACHE_HOME/eka`, holding the content-addressed download cache.
#[allow(dead_code, reason = "used by the fetching commands")]
pub fn cache_dir() -> anyhow::Result<PathBuf> {
    base_dir("XDG_CACHE_HOME", ".cache").map(|dir| dir.join("eka"))
}

/// The bare repository atoms are fetched into (and listed through).
pub fn atom_cache() -> anyhow::Result<PathBuf> {
    cache_dir().map(|dir| dir.join("atoms.git"))
}

fn base_dir(var: &str, fallback_under_home: &str) -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os(var).map(PathBuf::from) {
        // The specification says relative values are invalid and must be ignored.
        if dir.is_absolute() {
            return Ok(dir);
        }
    }
    match std::env::var_os("HOME").map(PathBuf::from) {
        Some(home) if home.is_absolute() => Ok(home.join(fallback_under_home)),
        _ => bail!(
            "cannot find a home for eka's files: neither ${var} nor $HOME is an absolute path"
        ),
    }
}
