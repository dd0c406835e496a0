//! From a manifest (and the lock it had) to a new lock.
//!
//! Resolution is planned here and carried out by two backends the caller
//! supplies, so that this crate decides *what* to fetch and the backends
//! only *how*:
//!
//! * [`AtomSources`] lists a source's atoms and resolves one version with
//!   every signature and content check (git: `atom-git`);
//! * [`LegacyFetcher`] hashes files, archives and git commits the way Nix
//!   does (`nix-fetch`).
//!
//! The steps:
//!
//! 1. every dependency whose manifest entry is unchanged and which the lock
//!    has is kept as it is, without fetching (unless `eka update` names it);
//! 2. atoms are resolved: for each source the highest version that satisfies
//!    the requirement (semver), verified;
//! 3. legacy entries are fetched in parallel (at most `jobs` at once), with
//!    `{version}` replaced by the bound atom's resolved version;
//! 4. the new [`Lockfile`] is returned with what changed. Nothing is written
//!    here: the caller writes it, atomically, once this returned `Ok`.
//!
//! A failure is reported at the manifest entry it concerns (file, line,
//! column), every failure at once.

mod git;
mod parallel;
mod plan;
mod verify;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use alurl::AliasResolver;
use atom_id::{Anchor, AtomId, Label, RawVersion};

use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile, Span};
use crate::lock::{
    AtomBond, Bond, BondType, BuildBond, GitBond, Hash, Lockfile, Rev, TarBond, UrlBond,
};
use crate::manifest::{
    AtomDependency, BindingTarget, Fetch, GitPin, LegacyDependency, Manifest, THIS_REPOSITORY,
};
use crate::requirement::parse_version;

pub use git::GitRefs;
pub use plan::Stale;
pub use verify::{VerifyFailure, verify};

/// An error from a backend, shown to the user with its causes.
pub type BackendError = Box<dyn std::error::Error + Send + Sync>;

/// How a fetched file is hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileHashing {
    /// The file's bytes (`builtins.fetchurl`, `<nix/fetchurl.nix>`).
    Flat,
    /// The NAR of the file stored executable (`executable = true`).
    Executable,
    /// The NAR of the unpacked archive's single top-level directory
    /// (`builtins.fetchTarball`, `pkgs.fetchzip`).
    Unpacked,
}

/// Fetches legacy Nix sources and hashes them exactly as Nix does.
pub trait LegacyFetcher: Sync {
    /// The SHA-256 of the file at `url`, hashed as `hashing` says.
    fn file(&self, url: &str, hashing: FileHashing) -> Result<Hash, BackendError>;

    /// The refs the git remote at `url` advertises.
    fn git_refs(&self, url: &str) -> Result<GitRefs, BackendError>;

    /// The NAR hash of commit `rev` of the repository at `url` as
    /// `builtins.fetchGit` gives it; `git_ref` is where the commit was found
    /// (`None`: the default branch).
    fn git(&self, url: &str, git_ref: Option<&str>, rev: &Rev) -> Result<Hash, BackendError>;
}

/// An atom version fetched and verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedAtom {
    /// The source's anchor.
    pub anchor: Anchor,
    /// The atom commit.
    pub rev: Rev,
    /// The atom's id.
    pub id: AtomId,
    /// NAR hash of the atom's tree.
    pub hash: Hash,
}

/// Reads atom sources. `mirrors` are a source's mirrors in order, aliases
/// expanded, with [`THIS_REPOSITORY`] (`"::"`) for the repository the
/// manifest is in; mirrors must agree.
pub trait AtomSources: Sync {
    /// Every atom and version the source has.
    fn list(&self, mirrors: &[String]) -> Result<Listing, BackendError>;

    /// Fetch `tag` at `version` and check its claim, publish and content.
    fn resolve(
        &self,
        mirrors: &[String],
        tag: &Label,
        version: &RawVersion,
    ) -> Result<ResolvedAtom, BackendError>;
}

/// Told about each dependency as it is resolved, to show progress.
pub trait Progress: Sync {
    /// `more` dependencies are about to be fetched (called once per stage;
    /// the total is the sum).
    fn begin(&self, more: usize) {
        let _ = more;
    }

    /// Fetching `name` (`what` says what: a URL, a source) has started.
    fn started(&self, name: &str, what: &str) {
        let _ = (name, what);
    }

    /// Fetching `name` is over, successfully or not.
    fn finished(&self, name: &str, ok: bool) {
        let _ = (name, ok);
    }
}

/// Progress that is not shown.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// Which dependencies to resolve again although the lock has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Update<'a> {
    /// None: keep every unchanged bond (`eka lock`).
    #[default]
    Nothing,
    /// Every one (`eka update`).
    All,
    /// These names (`eka update NAME…`).
    Only(&'a [String]),
}

/// Everything resolution needs besides the backends.
#[derive(Clone, Copy)]
pub struct LockRequest<'a> {
    /// The manifest's path, as errors should show it.
    pub manifest_path: &'a Path,
    /// The manifest's text (errors quote its lines).
    pub manifest_text: &'a str,
    /// The manifest parsed from that text.
    pub manifest: &'a Manifest,
    /// The lock as it is, if there is one.
    pub lock: Option<&'a Lockfile>,
    /// What to resolve again.
    pub update: Update<'a>,
    /// Fail instead of fetching anything (`--locked`).
    pub locked: bool,
    /// How `+aliases` in URLs expand.
    pub aliases: &'a dyn AliasResolver,
    /// How many fetches may run at once.
    pub jobs: usize,
}

impl fmt::Debug for LockRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockRequest")
            .field("manifest_path", &self.manifest_path)
            .field("update", &self.update)
            .field("locked", &self.locked)
            .field("jobs", &self.jobs)
            .finish_non_exhaustive()
    }
}

/// What happened to one bond.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The bond's name.
    pub name: String,
    /// Its type (after the change; before it for a removal).
    pub bond_type: BondType,
    /// What happened.
    pub kind: ChangeKind,
    /// Version or commit before, when there was one.
    pub from: Option<String>,
    /// Version or commit after, when there is one.
    pub to: Option<String>,
}

/// The kinds of [`Change`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChangeKind {
    /// New in the lock.
    Added,
    /// Resolved again and different.
    Updated,
    /// Resolved again to the same content, or kept.
    Unchanged,
    /// No longer in the manifest.
    Removed,
}

impl ChangeKind {
    /// A lowercase word for output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Updated => "updated",
            Self::Unchanged => "unchanged",
            Self::Removed => "removed",
        }
    }
}

/// A new lock and how it differs from the old one.
#[derive(Debug, Clone)]
pub struct Locked {
    /// The lock to write.
    pub lock: Lockfile,
    /// One entry per bond of the old and new lock, sorted by name.
    pub changes: Vec<Change>,
    /// How many dependencies were fetched (0 when everything was kept).
    pub fetched: usize,
}

/// Why no lock could be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// Some dependencies could not be resolved; each is reported at its
    /// entry in the manifest.
    #[error("{0}")]
    Failed(Diagnostics),
    /// `--locked`, and the lock is not what the manifest says.
    #[error("{0}")]
    Stale(Stale),
    /// `eka update NAME` of a name the manifest does not have.
    #[error("no dependency named {} in {path}{}", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "), known_names(known))]
    UnknownNames {
        /// The manifest.
        path: String,
        /// The names not found.
        names: Vec<String>,
        /// The names the manifest has.
        known: Vec<String>,
    },
}

fn known_names(known: &[String]) -> String {
    if known.is_empty() {
        " (it has none)".to_owned()
    } else {
        format!(" (it has {})", known.join(", "))
    }
}

/// The canonical form of a URL as written: `+aliases` expanded; an alias
/// that expands to `host/path` becomes the `https://` URL git reads it as.
/// The lock always records this form.
pub fn canonical_url(written: &str, aliases: &dyn AliasResolver) -> Result<String, alurl::Error> {
    if written == THIS_REPOSITORY || alurl::find(written)?.is_none() {
        return Ok(written.to_owned());
    }
    let expanded = alurl::expand(written, aliases)?;
    Ok(if expanded.url().form() == alurl::Form::HostPath {
        expanded.url().as_git().to_bstring().to_string()
    } else {
        expanded.as_str().to_owned()
    })
}

/// Resolve `request.manifest` into a lock.
pub fn lock(
    request: &LockRequest<'_>,
    atoms: &dyn AtomSources,
    fetcher: &dyn LegacyFetcher,
    progress: &dyn Progress,
) -> Result<Locked, ResolveError> {
    let file = SourceFile::new(request.manifest_path, request.manifest_text);
    let manifest = request.manifest;
    check_update_names(request)?;

    // Canonical mirrors of every source, reported at the mirror on failure.
    let mut problems = Vec::new();
    let mut mirrors: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for source in &manifest.sources {
        let mut list = Vec::new();
        for mirror in &source.mirrors {
            match canonical_url(mirror.as_str(), request.aliases) {
                Ok(url) => list.push(url),
                Err(err) => problems.push(file.error(mirror.span(), err.to_string())),
            }
        }
        mirrors.insert(source.name.as_str(), list);
    }
    if !problems.is_empty() {
        return Err(ResolveError::Failed(Diagnostics::from_vec(problems)));
    }

    let old = request.lock.cloned().unwrap_or_default();
    let plan = plan::plan(request, &mirrors, &old);
    if request.locked && !plan.stale.is_empty() {
        return Err(ResolveError::Stale(plan.stale));
    }
    progress.begin(plan.atoms_to_resolve.len());

    // Atoms: list each source once, pick versions, resolve and verify.
    let mut resolved_atoms: BTreeMap<String, (AtomBond, Vec<String>)> = BTreeMap::new();
    let mut atom_results = resolve_atoms(request, &plan, &mirrors, atoms, progress);
    for (dependency, result) in plan.atoms_to_resolve.iter().zip(atom_results.drain(..)) {
        match result {
            Ok(bond) => {
                let list = mirrors[dependency.source.as_str()].clone();
                resolved_atoms.insert(dependency.tag.to_string(), (bond, list));
            }
            Err(diagnostic) => problems.push(diagnostic),
        }
    }
    for (tag, (bond, list)) in &plan.atoms_kept {
        resolved_atoms.insert(tag.clone(), (bond.clone(), list.clone()));
    }

    // Legacy entries, with `{version}` from the atoms just resolved.
    let bound_version = |dependency: &LegacyDependency| -> Option<String> {
        let binding = dependency.fetch.binding()?;
        Some(match manifest.binding_target(binding)? {
            BindingTarget::ThisAtom(atom) => atom.version.to_string(),
            BindingTarget::Dependency(atom) => {
                resolved_atoms.get(atom.tag.as_str())?.0.version.to_string()
            }
        })
    };
    let mut legacy_jobs = Vec::new();
    let mut legacy_bonds = Vec::new();
    let mut stale = Stale::default();
    for dependency in &manifest.legacy {
        let version = bound_version(dependency);
        if dependency.fetch.binding().is_some() && version.is_none() {
            // Its atom failed; that failure is reported already.
            continue;
        }
        let job = match LegacyJob::new(dependency, version, request.aliases) {
            Ok(job) => job,
            Err(err) => {
                problems.push(file.error(dependency_url_span(dependency), err.to_string()));
                continue;
            }
        };
        let forced = plan.forced(dependency.name.as_str());
        match old.bond(dependency.name.as_str()) {
            Some(bond) if !forced && job.is_satisfied_by(bond) => legacy_bonds.push(bond.clone()),
            bond if request.locked => stale.push(dependency.name.as_str(), job.stale_reason(bond)),
            _ => legacy_jobs.push(job),
        }
    }
    if !stale.is_empty() {
        return Err(ResolveError::Stale(stale));
    }
    let fetched = plan.atoms_to_resolve.len() + legacy_jobs.len();
    progress.begin(legacy_jobs.len());
    // Entries of one git repository run one after the other and share one
    // listing of its refs: fetches of a repository never race on its cache.
    let git_refs = GitRefsMemo::default();
    let results = parallel::map_grouped(&legacy_jobs, request.jobs, LegacyJob::git_url, |job| {
        progress.started(job.name.as_str(), &job.url);
        let result = job.fetch(fetcher, &git_refs);
        progress.finished(job.name.as_str(), result.is_ok());
        result
    });
    for (job, result) in legacy_jobs.iter().zip(results) {
        match result {
            Ok(bond) => legacy_bonds.push(bond),
            Err(message) => {
                let dependency = manifest
                    .legacy_dependency(job.name.as_str())
                    .expect("jobs come from the manifest");
                problems.push(file.error(
                    dependency_url_span(dependency),
                    format!("cannot lock `{}`: {message}", job.name),
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(ResolveError::Failed(Diagnostics::from_vec(problems)));
    }

    let mut lock = Lockfile::default();
    for (bond, list) in resolved_atoms.into_values() {
        if let Some(other) = lock.sources.get(&bond.source).filter(|l| **l != list) {
            // One repository (one anchor), reached through two sources.
            let dependency = manifest
                .atom_dependency(bond.tag.as_str())
                .expect("from the manifest");
            let message = format!(
                "the source of `{}` is the repository (anchor {}) that {} also reaches; one repository is one source: list all its mirrors in one [atom.sources] entry",
                bond.tag,
                bond.source,
                other.join(", ")
            );
            problems.push(file.error(dependency.source.span(), message));
            continue;
        }
        lock.sources.insert(bond.source.clone(), list);
        lock.bonds.push(Bond::Atom(bond));
    }
    if !problems.is_empty() {
        return Err(ResolveError::Failed(Diagnostics::from_vec(problems)));
    }
    lock.bonds.extend(legacy_bonds);
    lock.sort();
    let changes = changes(&old, &lock);
    if request.locked {
        for change in changes.iter().filter(|c| c.kind != ChangeKind::Unchanged) {
            let reason = match change.kind {
                ChangeKind::Removed => "no longer in the manifest",
                _ => "the lock would change",
            };
            stale.push(&change.name, reason.to_owned());
        }
        if !stale.is_empty() {
            return Err(ResolveError::Stale(stale));
        }
    }
    Ok(Locked {
        lock,
        changes,
        fetched,
    })
}

fn check_update_names(request: &LockRequest<'_>) -> Result<(), ResolveError> {
    let Update::Only(names) = request.update else {
        return Ok(());
    };
    let manifest = request.manifest;
    let unknown: Vec<String> = names
        .iter()
        .filter(|n| {
            manifest.atom_dependency(n).is_none() && manifest.legacy_dependency(n).is_none()
        })
        .cloned()
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let mut known: Vec<String> = manifest
        .atoms
        .iter()
        .map(|a| a.tag.to_string())
        .chain(manifest.legacy.iter().map(|l| l.name.to_string()))
        .collect();
    known.sort();
    Err(ResolveError::UnknownNames {
        path: request.manifest_path.display().to_string(),
        names: unknown,
        known,
    })
}

/// What a source has: every atom and version.
pub type Listing = Vec<(Label, RawVersion)>;

/// Resolve the planned atoms: one listing per source, then every atom, in
/// parallel. Results in the order of `plan.atoms_to_resolve`.
fn resolve_atoms(
    request: &LockRequest<'_>,
    plan: &plan::Plan<'_>,
    mirrors: &BTreeMap<&str, Vec<String>>,
    atoms: &dyn AtomSources,
    progress: &dyn Progress,
) -> Vec<Result<AtomBond, Diagnostic>> {
    let file = SourceFile::new(request.manifest_path, request.manifest_text);
    let mut sources: Vec<&str> = plan
        .atoms_to_resolve
        .iter()
        .map(|a| a.source.as_str())
        .collect();
    sources.sort_unstable();
    sources.dedup();
    let listings = parallel::map(&sources, request.jobs, |source| {
        atoms.list(&mirrors[source]).map_err(|err| causes(&*err))
    });
    let listings: BTreeMap<&str, Result<Listing, String>> =
        sources.into_iter().zip(listings).collect();
    parallel::map(&plan.atoms_to_resolve, request.jobs, |dependency| {
        let source = dependency.source.as_str();
        let at = |message: String| {
            file.error(
                dependency.tag.span(),
                format!(
                    "cannot resolve atom `{}` from `{source}`: {message}",
                    dependency.tag
                ),
            )
        };
        let listing = listings[source].as_ref().map_err(|e| at(e.clone()))?;
        let version = pick_version(dependency, listing).map_err(&at)?;
        progress.started(dependency.tag.as_str(), source);
        let result = atoms.resolve(&mirrors[source], &dependency.tag, &version);
        progress.finished(dependency.tag.as_str(), result.is_ok());
        let resolved = result.map_err(|err| at(causes(&*err)))?;
        Ok(AtomBond {
            tag: dependency.tag.get().clone(),
            version,
            source: resolved.anchor,
            rev: resolved.rev,
            id: resolved.id,
            hash: resolved.hash,
        })
    })
}

/// The highest listed version of the dependency's atom that satisfies its
/// requirement.
fn pick_version(
    dependency: &AtomDependency,
    listing: &[(Label, RawVersion)],
) -> Result<RawVersion, String> {
    let versions: Vec<&RawVersion> = listing
        .iter()
        .filter(|(label, _)| label == dependency.tag.get())
        .map(|(_, v)| v)
        .collect();
    if versions.is_empty() {
        return Err("the source has no such atom".to_owned());
    }
    versions
        .iter()
        .filter_map(|raw| parse_version(raw.as_str()).map(|v| (v, *raw)))
        .filter(|(v, _)| dependency.requirement.matches(v))
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, raw)| raw.clone())
        .ok_or_else(|| {
            let mut listed: Vec<&str> = versions.iter().map(|v| v.as_str()).collect();
            listed.sort_unstable();
            format!(
                "no version matches `{}` (it has {})",
                dependency.requirement.get(),
                listed.join(", ")
            )
        })
}

/// The message of an error and each of its causes, joined.
pub(crate) fn causes(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn dependency_url_span(dependency: &LegacyDependency) -> Span {
    match &dependency.fetch {
        Fetch::Url(f) | Fetch::Tar(f) => f.url.span(),
        Fetch::Build(b) => b.file.url.span(),
        Fetch::Git(g) => g.url.span(),
    }
}

/// One legacy entry to fetch: its canonical URL and how to hash it.
#[derive(Debug)]
struct LegacyJob<'m> {
    name: Label,
    url: String,
    version: Option<String>,
    kind: JobKind<'m>,
}

#[derive(Debug)]
enum JobKind<'m> {
    Url,
    Tar,
    Build { exec: bool, unpack: bool },
    Git(&'m GitPin),
}

impl<'m> LegacyJob<'m> {
    fn new(
        dependency: &'m LegacyDependency,
        version: Option<String>,
        aliases: &dyn AliasResolver,
    ) -> Result<Self, alurl::Error> {
        let (written, kind) = match &dependency.fetch {
            Fetch::Url(f) => (f.url.render(version.as_deref()), JobKind::Url),
            Fetch::Tar(f) => (f.url.render(version.as_deref()), JobKind::Tar),
            Fetch::Build(b) => {
                let url = b.file.url.render(version.as_deref());
                let unpack = b.unpacks(&url);
                (
                    url,
                    JobKind::Build {
                        exec: b.exec,
                        unpack,
                    },
                )
            }
            Fetch::Git(g) => (g.url.get().clone(), JobKind::Git(&g.pin)),
        };
        Ok(Self {
            name: dependency.name.get().clone(),
            url: canonical_url(&written, aliases)?,
            version: if matches!(kind, JobKind::Git(_)) {
                None
            } else {
                version
            },
            kind,
        })
    }

    /// Whether `bond` (from the lock) is what this entry asks for, so that
    /// it can be kept without fetching.
    fn is_satisfied_by(&self, bond: &Bond) -> bool {
        match (&self.kind, bond) {
            (JobKind::Url, Bond::Url(b)) => b.url == self.url && b.version == self.version,
            (JobKind::Tar, Bond::Tar(b)) => b.url == self.url && b.version == self.version,
            (JobKind::Build { exec, unpack }, Bond::Build(b)) => {
                b.url == self.url
                    && b.version == self.version
                    && b.exec == *exec
                    && b.unpack == *unpack
            }
            (JobKind::Git(pin), Bond::Git(b)) => b.url == self.url && plan::git_pin_matches(pin, b),
            _ => false,
        }
    }

    fn stale_reason(&self, bond: Option<&Bond>) -> String {
        match bond {
            None => "not in the lock".to_owned(),
            Some(bond) if bond.bond_type() != self.bond_type() => format!(
                "the lock has a {} bond, the manifest asks for {}",
                bond.bond_type(),
                self.bond_type()
            ),
            Some(bond) if bond.url() != Some(self.url.as_str()) => format!(
                "the lock has URL {}, the manifest {}",
                bond.url().unwrap_or_default(),
                self.url
            ),
            Some(_) => "its entry in the manifest changed".to_owned(),
        }
    }

    fn bond_type(&self) -> BondType {
        match self.kind {
            JobKind::Url => BondType::Url,
            JobKind::Tar => BondType::Tar,
            JobKind::Build { .. } => BondType::Build,
            JobKind::Git(_) => BondType::Git,
        }
    }

    /// The repository's URL, for a git entry.
    fn git_url(&self) -> Option<&str> {
        matches!(self.kind, JobKind::Git(_)).then_some(self.url.as_str())
    }

    fn fetch(&self, fetcher: &dyn LegacyFetcher, git_refs: &GitRefsMemo) -> Result<Bond, String> {
        let name = self.name.clone();
        let url = self.url.clone();
        let version = self.version.clone();
        let hash = |hashing| fetcher.file(&self.url, hashing).map_err(|e| causes(&*e));
        Ok(match &self.kind {
            JobKind::Url => Bond::Url(UrlBond {
                name,
                url,
                version,
                hash: hash(FileHashing::Flat)?,
            }),
            JobKind::Tar => Bond::Tar(TarBond {
                name,
                url,
                version,
                hash: hash(FileHashing::Unpacked)?,
            }),
            JobKind::Build { exec, unpack } => Bond::Build(BuildBond {
                name,
                url,
                version,
                hash: hash(if *exec {
                    FileHashing::Executable
                } else if *unpack {
                    FileHashing::Unpacked
                } else {
                    FileHashing::Flat
                })?,
                exec: *exec,
                unpack: *unpack,
            }),
            JobKind::Git(pin) => {
                let refs = git_refs.get(fetcher, &self.url)?;
                let picked = match pin {
                    GitPin::DefaultBranch => git::head(&refs),
                    GitPin::Ref(r) => git::by_ref(&refs, r),
                    GitPin::Version(req) => git::by_version(&refs, req),
                }?;
                let hash = fetcher
                    .git(&self.url, picked.git_ref.as_deref(), &picked.rev)
                    .map_err(|e| causes(&*e))?;
                Bond::Git(GitBond {
                    name,
                    url,
                    git_ref: picked.git_ref,
                    version: picked.version,
                    rev: picked.rev,
                    hash,
                })
            }
        })
    }
}

/// The refs of each git repository, listed once per run.
#[derive(Debug, Default)]
struct GitRefsMemo(std::sync::Mutex<BTreeMap<String, Result<GitRefs, String>>>);

impl GitRefsMemo {
    fn get(&self, fetcher: &dyn LegacyFetcher, url: &str) -> Result<GitRefs, String> {
        let cached = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(url)
            .cloned();
        if let Some(refs) = cached {
            return refs;
        }
        let refs = fetcher.git_refs(url).map_err(|e| causes(&*e));
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(url.to_owned(), refs.clone());
        refs
    }
}

/// Old lock → new lock, bond by bond.
fn changes(old: &Lockfile, new: &Lockfile) -> Vec<Change> {
    let describe = |bond: &Bond| -> String {
        match bond {
            Bond::Git(b) => match &b.version {
                Some(v) => format!("{v} ({})", &b.rev.as_str()[..12]),
                None => b.rev.as_str()[..12].to_owned(),
            },
            _ => bond
                .version()
                .map_or_else(|| bond.hash().to_string(), str::to_owned),
        }
    };
    let mut changes: Vec<Change> = new
        .bonds
        .iter()
        .map(|bond| {
            let before = old.bond(bond.name().as_str());
            let kind = match before {
                None => ChangeKind::Added,
                Some(b) if b == bond => ChangeKind::Unchanged,
                Some(_) => ChangeKind::Updated,
            };
            Change {
                name: bond.name().to_string(),
                bond_type: bond.bond_type(),
                kind,
                from: before.map(describe),
                to: Some(describe(bond)),
            }
        })
        .collect();
    for bond in &old.bonds {
        if new.bond(bond.name().as_str()).is_none() {
            changes.push(Change {
                name: bond.name().to_string(),
                bond_type: bond.bond_type(),
                kind: ChangeKind::Removed,
                from: Some(describe(bond)),
                to: None,
            });
        }
    }
    changes.sort_by(|a, b| a.name.cmp(&b.name));
    changes
}

#[cfg(test)]
mod tests;
