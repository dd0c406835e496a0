//! The git repository eka publishes from: its registry (with the user's
//! key), the atoms committed in it, and where its remotes are.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};
use atom_git::{AtomContent, GitRegistry};
use atom_id::SigningKey;
use atom_manifest::{MANIFEST_FILE, Manifest};

use crate::config::Config;

/// The registry of the git repository at or above the current directory.
pub fn open_registry(key: SigningKey) -> anyhow::Result<GitRegistry> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    GitRegistry::open(&cwd, key).map_err(|err| match err {
        atom_git::Error::Git { .. } => anyhow!(
            "{} is not in a git repository: atoms are published from one (`git init`, then commit)",
            cwd.display()
        ),
        other => other.into(),
    })
}

/// An atom directory as committed at `HEAD`, with its manifest.
#[derive(Debug)]
pub struct CommittedAtom {
    /// The directory given on the command line.
    pub dir: PathBuf,
    /// Its tree at `HEAD`.
    pub content: AtomContent,
    /// Its `atom.toml` at `HEAD`.
    pub manifest: Manifest,
    /// The text of that `atom.toml`.
    pub manifest_text: String,
}

/// Read the atom in `dir` as committed at the registry's `HEAD`: what is
/// published is the commit, so the manifest is read from it too.
pub fn committed_atom(registry: &GitRegistry, dir: &Path) -> anyhow::Result<CommittedAtom> {
    let content = registry.content_at_head(dir).with_context(|| {
        format!(
            "cannot publish {}: it must be a directory committed at HEAD ({})",
            dir.display(),
            registry.head()
        )
    })?;
    let Some(bytes) = registry.read_file(&content, MANIFEST_FILE)? else {
        bail!(
            "{} has no {MANIFEST_FILE} committed at HEAD; create one with `eka new {}` and commit it",
            dir.display(),
            dir.display()
        );
    };
    let shown = dir.join(MANIFEST_FILE);
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow!("{} (at HEAD) is not UTF-8", shown.display()))?;
    let manifest =
        Manifest::parse(&shown, &text).map_err(|diagnostics| anyhow!("{diagnostics}"))?;
    Ok(CommittedAtom {
        dir: dir.to_owned(),
        content,
        manifest,
        manifest_text: text,
    })
}

/// Where `remote` points: a remote configured in the repository (its push
/// URL), else a URL or path, with `+aliases` expanded.
pub fn remote_url(registry: &GitRegistry, remote: &str) -> anyhow::Result<String> {
    match registry.configured_remote(remote) {
        Some(url) => Ok(url),
        None => source_url(remote),
    }
}

/// A source as the user wrote it, `+aliases` expanded with eka's
/// configuration; paths and URLs without an alias are kept as written.
pub fn source_url(written: &str) -> anyhow::Result<String> {
    let aliases = Config::load()?.aliases();
    let expanded = alurl::expand(written, &aliases)?;
    Ok(match expanded.alias() {
        None => written.to_owned(),
        Some(_) => expanded.url().as_git().to_bstring().to_string(),
    })
}
