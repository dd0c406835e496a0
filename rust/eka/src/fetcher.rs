//! The fetcher every eka command that downloads shares: the download cache
//! under `$XDG_CACHE_HOME/eka`, mirrors from `config.toml`'s `[mirrors]`
//! and git's `url.<base>.insteadOf`, the store directory `$NIX_STORE_DIR`
//! (else `/nix/store`), and `--offline`.

use anyhow::Context as _;
use nix_fetch::{Fetcher, Mirrors, Options, StoreDir};

use crate::config::Config;

/// A fetcher configured from the environment, the config file and git's
/// configuration.
pub fn fetcher(offline: bool) -> anyhow::Result<Fetcher> {
    let config = Config::load()?;
    let mut mirrors = Mirrors::default();
    for (prefix, replacement) in &config.mirrors {
        mirrors.add(prefix, replacement);
    }
    mirrors.extend(
        Mirrors::from_git_globals()
            .context("cannot read git's configuration (for url.<base>.insteadOf)")?,
    );
    let mut options = Options::new(crate::paths::cache_dir()?);
    options.mirrors = mirrors;
    options.offline = offline;
    if let Some(dir) = std::env::var_os("NIX_STORE_DIR").filter(|dir| !dir.is_empty()) {
        options.store_dir = StoreDir::new(&dir)
            .with_context(|| format!("invalid NIX_STORE_DIR {}", dir.to_string_lossy()))?;
    }
    Ok(Fetcher::new(options))
}
