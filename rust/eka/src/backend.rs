//! The backends `atom-manifest` resolves through: atom sources read with
//! `atom-git`, legacy Nix sources fetched and hashed with `nix-fetch`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::Context as _;
use atom_core::{AtomSource as _, Query};
use atom_git::GitSource;
use atom_manifest::{
    AtomSources, BackendError, FileHashing, GitRefs, Hash, LegacyFetcher, Listing, ResolvedAtom,
    Rev, THIS_REPOSITORY,
};
use atom_uri::{Label, RawVersion};
use nix_fetch::{Fetcher, Mirrors, Options, Request};

use crate::config::Config;

/// How the backends fetch.
#[derive(Debug, Clone, Copy)]
pub struct Mode {
    /// Only the cache and local repositories.
    offline: bool,
    /// Fetch again what the cache has, and verify atoms in a fresh
    /// repository (`eka verify`).
    refetch: bool,
}

impl Mode {
    /// For `eka lock`, `update`, `add`, `remove`: the cache answers what it can.
    pub fn lock(offline: bool) -> Self {
        Self {
            offline,
            refetch: false,
        }
    }

    /// For `eka verify`: everything from its source again.
    pub fn verify(offline: bool) -> Self {
        Self {
            offline,
            refetch: !offline,
        }
    }
}

/// Both backends, ready for one command.
#[derive(Debug)]
pub struct Backends {
    pub atoms: GitAtoms,
    pub fetcher: NixFetcher,
    /// Keeps a temporary atom repository alive for `eka verify`.
    _scratch: Option<tempfile::TempDir>,
}

impl Backends {
    /// Backends for the project in `project_dir`, configured by `config`.
    pub fn open(config: &Config, project_dir: &Path, mode: Mode) -> anyhow::Result<Self> {
        let cache = crate::paths::cache_dir()?;
        std::fs::create_dir_all(&cache)
            .with_context(|| format!("cannot create the cache directory {}", cache.display()))?;
        let mut mirrors = Mirrors::default();
        for (prefix, replacement) in &config.mirrors {
            mirrors.add(prefix.clone(), replacement.clone());
        }
        // git's own url.<base>.insteadOf rules come after eka's.
        if let Ok(git) = Mirrors::from_git_globals() {
            mirrors.extend(git);
        }
        let mut options = Options::new(cache.join("downloads"));
        options.mirrors = mirrors;
        options.offline = mode.offline;
        let (atom_repo, scratch) = if mode.refetch {
            let dir = tempfile::tempdir().context("cannot create a temporary repository")?;
            (dir.path().join("atoms.git"), Some(dir))
        } else {
            (crate::paths::atom_cache()?, None)
        };
        Ok(Self {
            atoms: GitAtoms {
                repo: atom_repo,
                this_repository: this_repository(project_dir),
                offline: mode.offline,
                sources: Mutex::default(),
            },
            fetcher: NixFetcher {
                fetcher: Fetcher::new(options),
                refetch: mode.refetch,
            },
            _scratch: scratch,
        })
    }
}

/// The git work tree `dir` is in (what `"::"` stands for), if any.
fn this_repository(dir: &Path) -> Option<PathBuf> {
    let dir = std::fs::canonicalize(dir).ok()?;
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// Atom sources over git, one [`GitSource`] per mirror list (so that a
/// source is listed once however many of its atoms are resolved).
#[derive(Debug)]
pub struct GitAtoms {
    repo: PathBuf,
    this_repository: Option<PathBuf>,
    /// Use only mirrors on this machine.
    offline: bool,
    sources: Mutex<BTreeMap<Vec<String>, Arc<GitSource>>>,
}

impl GitAtoms {
    fn source(&self, mirrors: &[String]) -> Result<Arc<GitSource>, BackendError> {
        let mut sources = self.sources.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(source) = sources.get(mirrors) {
            return Ok(Arc::clone(source));
        }
        let mut urls = Vec::new();
        for mirror in mirrors {
            if mirror == THIS_REPOSITORY {
                match &self.this_repository {
                    Some(path) => urls.push(path.display().to_string()),
                    None => {
                        if mirrors.len() == 1 {
                            return Err("the source is \"::\" (this repository), but the project is not in a git repository".into());
                        }
                    }
                }
            } else if !self.offline || is_local(mirror) {
                urls.push(mirror.clone());
            }
        }
        if urls.is_empty() {
            return Err(format!(
                "--offline, and none of the source's mirrors ({}) is on this machine",
                mirrors.join(", ")
            )
            .into());
        }
        let source = Arc::new(GitSource::new(urls, &self.repo)?);
        sources.insert(mirrors.to_vec(), Arc::clone(&source));
        Ok(source)
    }
}

/// Whether a mirror is reached without the network: a path or `file://`.
pub fn is_local(mirror: &str) -> bool {
    mirror.starts_with("file://")
        || mirror.starts_with('/')
        || mirror.starts_with("./")
        || mirror.starts_with("../")
}

impl AtomSources for GitAtoms {
    fn list(&self, mirrors: &[String]) -> Result<Listing, BackendError> {
        let source = self.source(mirrors)?;
        Ok(source
            .discover()?
            .into_iter()
            .map(|entry| (entry.label, entry.version))
            .collect())
    }

    fn resolve(
        &self,
        mirrors: &[String],
        tag: &Label,
        version: &RawVersion,
    ) -> Result<ResolvedAtom, BackendError> {
        let source = self.source(mirrors)?;
        let atom = source
            .resolve(&Query::new(tag.clone(), version.clone()))?
            .ok_or_else(|| format!("no mirror has {tag} {version}"))?;
        Ok(ResolvedAtom {
            anchor: atom.anchor,
            rev: atom.rev.to_string().parse::<Rev>()?,
            id: atom.id,
            hash: Hash::sha256(atom.nar_sha256),
        })
    }
}

/// Legacy sources through nix-fetch.
#[derive(Debug)]
pub struct NixFetcher {
    fetcher: Fetcher,
    refetch: bool,
}

impl LegacyFetcher for NixFetcher {
    fn file(&self, url: &str, hashing: FileHashing) -> Result<Hash, BackendError> {
        let request = match hashing {
            FileHashing::Flat => Request::file(url),
            FileHashing::Executable => Request::executable(url),
            FileHashing::Unpacked => Request::tarball(url),
        };
        let fetched = self.fetcher.fetch(&request.with_refresh(self.refetch))?;
        Ok(Hash::from_nix(fetched.hash)?)
    }

    fn git_refs(&self, url: &str) -> Result<GitRefs, BackendError> {
        let mut refs = GitRefs::default();
        for (name, target) in self.fetcher.list_git_refs(url)? {
            let Ok(rev) = target.parse::<Rev>() else {
                continue;
            };
            if name == "HEAD" {
                refs.head = Some(rev);
            } else {
                refs.refs.insert(name, rev);
            }
        }
        Ok(refs)
    }

    fn git(&self, url: &str, git_ref: Option<&str>, rev: &Rev) -> Result<Hash, BackendError> {
        let request = Request::git(url, git_ref.map(str::to_owned), Some(rev.to_string()));
        let fetched = self.fetcher.fetch(&request.with_refresh(self.refetch))?;
        Ok(Hash::from_nix(fetched.hash)?)
    }
}
