//! `atom.toml`: what a project is and what it depends on.
//!
//! ```toml
//! [atom]
//! tag = "my-server"
//! version = "0.2.0"
//!
//! [atom.sources]
//! company-atoms = ["https://git.example.com/atoms", "https://mirror.example.com/atoms"]
//! local-project = "::"                       # this repository
//!
//! [atoms.company-atoms]
//! auth-service = "^1.5"
//!
//! [legacy.nix.fetch]
//! nix-installer.url = "https://nixos.org/nix/install"
//! nixpkgs = { git = "https://github.com/NixOS/nixpkgs", ref = "nixos-unstable" }
//! other-repo = { git = "https://github.com/other/repo", version = "^1.2" }
//! docs = { tar = "https://docs.example.com/auth/{version}/docs.tar.gz", version = "company-atoms.auth-service" }
//! builder = { build = "https://example.com/builder.sh", exec = true }
//! ```
//!
//! Every value keeps the [`Span`](crate::Span) it was written at, so that
//! later stages (resolution, edits) can point at it too.

mod parse;

use std::fmt;
use std::path::Path;

use atom_id::{Label, RawVersion};

use crate::diagnostic::{Diagnostics, Spanned};
use crate::requirement::Requirement;
use crate::template::UrlTemplate;

pub(crate) use parse::parse_label;

/// The file name of a manifest.
pub const MANIFEST_FILE: &str = "atom.toml";

/// A parsed and validated `atom.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// `[atom]`: this project.
    pub atom: Atom,
    /// `[atom.sources]`, in file order.
    pub sources: Vec<Source>,
    /// `[atoms.<source>]` entries, in file order.
    pub atoms: Vec<AtomDependency>,
    /// `[legacy.nix.fetch]` entries, in file order.
    pub legacy: Vec<LegacyDependency>,
}

impl Manifest {
    /// Parse and validate the text of an `atom.toml`; `path` is how errors
    /// name the file. Every problem is reported, each at its line and column.
    ///
    /// ```
    /// use std::path::Path;
    /// use atom_manifest::Manifest;
    ///
    /// let text = "[atom]\ntag = \"hello\"\nversion = \"0.1.0\"\n\n[atoms.nowhere]\nx = \"^1\"\n";
    /// let err = Manifest::parse(Path::new("atom.toml"), text).unwrap_err();
    /// assert!(err.to_string().starts_with("atom.toml:5:8: undeclared source `nowhere`"));
    /// ```
    pub fn parse(path: &Path, text: &str) -> Result<Self, Diagnostics> {
        parse::parse(path, text)
    }

    /// The source declared as `name`.
    pub fn source(&self, name: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.name.as_str() == name)
    }

    /// The atom dependency with tag `tag`, from whichever source.
    pub fn atom_dependency(&self, tag: &str) -> Option<&AtomDependency> {
        self.atoms.iter().find(|a| a.tag.as_str() == tag)
    }

    /// The legacy dependency named `name`.
    pub fn legacy_dependency(&self, name: &str) -> Option<&LegacyDependency> {
        self.legacy.iter().find(|l| l.name.as_str() == name)
    }

    /// What a `version = "<source>.<tag>"` binding refers to. Validation
    /// guarantees every binding in a parsed manifest has a target.
    pub fn binding_target(&self, binding: &Binding) -> Option<BindingTarget<'_>> {
        let source = self.source(binding.source.as_str())?;
        if let Some(dependency) = self
            .atoms
            .iter()
            .find(|a| a.source.as_str() == binding.source.as_str() && *a.tag == binding.tag)
        {
            return Some(BindingTarget::Dependency(dependency));
        }
        (source.is_this_repository() && *self.atom.tag == binding.tag)
            .then_some(BindingTarget::ThisAtom(&self.atom))
    }
}

/// `[atom]`: the project this manifest describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atom {
    /// Its name (`tag` in the file).
    pub tag: Spanned<Label>,
    /// Its version, as written.
    pub version: Spanned<RawVersion>,
    /// A one-line description.
    pub description: Option<Spanned<String>>,
}

/// One entry of `[atom.sources]`: a name and the places its atoms can be
/// fetched from, tried in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The name `[atoms.<name>]` refers to.
    pub name: Spanned<Label>,
    /// At least one mirror, none twice.
    pub mirrors: Vec<Spanned<Mirror>>,
}

impl Source {
    /// Whether `"::"` (this repository) is one of the mirrors.
    pub fn is_this_repository(&self) -> bool {
        self.mirrors
            .iter()
            .any(|m| matches!(m.get(), Mirror::ThisRepository))
    }
}

/// Where a source's atoms can be fetched.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mirror {
    /// `"::"`: the repository that holds this manifest.
    ThisRepository,
    /// A git URL as written (it may start with a `+alias`).
    Url(String),
}

impl Mirror {
    /// `"::"` or the URL.
    pub fn as_str(&self) -> &str {
        match self {
            Self::ThisRepository => THIS_REPOSITORY,
            Self::Url(url) => url,
        }
    }
}

impl fmt::Display for Mirror {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a manifest and a lock spell "this repository" as a mirror.
pub const THIS_REPOSITORY: &str = "::";

/// `<tag> = "<requirement>"` under `[atoms.<source>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtomDependency {
    /// The declared source it comes from.
    pub source: Spanned<Label>,
    /// The atom's tag (label).
    pub tag: Spanned<Label>,
    /// Which versions are acceptable (semver).
    pub requirement: Spanned<Requirement>,
}

/// One entry of `[legacy.nix.fetch]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyDependency {
    /// The entry's key: the bond's name in the lock.
    pub name: Spanned<Label>,
    /// What to fetch and how.
    pub fetch: Fetch,
}

/// The four kinds of legacy Nix sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetch {
    /// `{ url = "…" }`: a file, hashed flat (`builtins.fetchurl`).
    Url(FileFetch),
    /// `{ tar = "…" }`: an archive, hashed unpacked (`builtins.fetchTarball`).
    Tar(FileFetch),
    /// `{ git = "…" }`: a git repository at a commit (`builtins.fetchGit`).
    Git(GitFetch),
    /// `{ build = "…" }`: a file fetched when building.
    Build(BuildFetch),
}

impl Fetch {
    /// The `version` binding, for the kinds that have one.
    pub fn binding(&self) -> Option<&Spanned<Binding>> {
        match self {
            Self::Url(file) | Self::Tar(file) => file.version.as_ref(),
            Self::Build(build) => build.file.version.as_ref(),
            Self::Git(_) => None,
        }
    }

    /// The key that names the kind in `atom.toml` (`url`, `tar`, `git`, `build`).
    pub fn key(&self) -> &'static str {
        match self {
            Self::Url(_) => "url",
            Self::Tar(_) => "tar",
            Self::Git(_) => "git",
            Self::Build(_) => "build",
        }
    }
}

/// A file or archive at a URL that may contain `{version}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFetch {
    /// The URL, possibly with `{version}`.
    pub url: UrlTemplate,
    /// `version = "<source>.<tag>"`: the atom whose resolved version fills
    /// `{version}`.
    pub version: Option<Spanned<Binding>>,
}

/// A build-time file: [`FileFetch`] plus how it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildFetch {
    /// URL and version binding.
    pub file: FileFetch,
    /// Stored as an executable file.
    pub exec: bool,
    /// `unpack` as written; [`BuildFetch::unpacks`] applies the default.
    pub unpack: Option<bool>,
}

impl BuildFetch {
    /// Whether the file at `url` (the template rendered) is unpacked: as
    /// written, else never for an executable, else
    /// [`unpacks_by_default`](crate::unpacks_by_default).
    pub fn unpacks(&self, url: &str) -> bool {
        self.unpack
            .unwrap_or_else(|| !self.exec && crate::unpacks_by_default(url))
    }
}

/// A git repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitFetch {
    /// The repository's URL (it may start with a `+alias`).
    pub url: Spanned<String>,
    /// Which commit.
    pub pin: GitPin,
}

/// Which commit of a git repository a legacy dependency wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitPin {
    /// The tip of the remote's default branch (`HEAD`).
    DefaultBranch,
    /// `ref = "…"`: a branch or tag name, or a full ref (`refs/tags/v1`).
    Ref(Spanned<String>),
    /// `version = "^1.2"`: the highest tag `vX.Y.Z` or `X.Y.Z` that matches.
    Version(Spanned<Requirement>),
}

/// `version = "<source>.<tag>"` on a `url`, `tar` or `build` entry: the
/// atom whose resolved version replaces `{version}` in the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// A declared source.
    pub source: Label,
    /// An atom of that source: a dependency, or this atom itself when the
    /// source is this repository.
    pub tag: Label,
}

impl fmt::Display for Binding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.source, self.tag)
    }
}

/// What a [`Binding`] names.
#[derive(Debug, Clone, Copy)]
pub enum BindingTarget<'a> {
    /// An atom dependency, whose version is known once it is resolved.
    Dependency(&'a AtomDependency),
    /// This manifest's own atom: its version is `[atom].version`.
    ThisAtom(&'a Atom),
}
