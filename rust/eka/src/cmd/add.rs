//! `eka add URI` and `eka add nix NAME …`: add a dependency to `atom.toml`
//! (keeping its comments and order) and lock it.

use anyhow::{Context as _, bail};
use atom_manifest::{
    Added, AtomSources as _, LegacyEntry, ManifestEditor, Requirement, THIS_REPOSITORY,
    canonical_url,
};
use atom_uri::{AtomUri, Label};
use clap::{ArgGroup, Args, Subcommand};

use crate::backend::{Backends, Mode};
use crate::cmd::lock::FetchArgs;
use crate::cmd::remove::save;
use crate::config::Config;
use crate::output::Output;
use crate::project::Project;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct AddArgs {
    #[command(subcommand)]
    pub legacy: Option<AddCommand>,

    /// The atom: `[source::]tag[@requirement]`. The source is a name from
    /// [atom.sources] or a git URL (`+aliases` allowed); none means this
    /// repository. Without a requirement, `^` of the newest release.
    #[arg(value_name = "URI", required = true)]
    pub uri: Option<String>,

    /// The name to declare a new source under (default: from its URL).
    #[arg(long, value_name = "NAME")]
    pub source_name: Option<String>,

    #[command(flatten)]
    pub edit: EditArgs,
}

#[derive(Debug, Subcommand)]
pub enum AddCommand {
    /// Add a legacy Nix source: a file, git repository, tarball or build-time file.
    #[command(
        after_help = "Examples:\n  \
        eka add nix installer --url https://nixos.org/nix/install\n  \
        eka add nix nixpkgs --git https://github.com/NixOS/nixpkgs --ref nixos-unstable\n  \
        eka add nix other --git +gh/other/repo --version '^1.2'\n  \
        eka add nix docs --tar 'https://docs.example.com/{version}/docs.tar.gz' --version company.auth\n  \
        eka add nix builder --build https://example.com/builder.sh --exec\n  \
        eka add nix data --build https://example.com/data.tar.gz --no-unpack",
        disable_version_flag = true
    )]
    Nix(AddNixArgs),
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("kind").required(true).args(["url", "git", "tar", "build"])))]
pub struct AddNixArgs {
    /// The entry's name (the bond's name in atom.lock).
    #[arg(value_name = "NAME")]
    pub name: String,

    /// A file, hashed flat (builtins.fetchurl).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// A git repository (builtins.fetchGit); its default branch unless
    /// --ref or --version says otherwise.
    #[arg(long, value_name = "URL")]
    pub git: Option<String>,

    /// An archive, hashed unpacked (builtins.fetchTarball).
    #[arg(long, value_name = "URL")]
    pub tar: Option<String>,

    /// A file fetched at build time; archives are unpacked unless --no-unpack.
    #[arg(long, value_name = "URL")]
    pub build: Option<String>,

    /// With --git: a branch or tag.
    // (`requires = "git"` is not enforced for an argument when the other is
    // a member of a required group: the other kinds conflict instead.)
    #[arg(long = "ref", value_name = "REF", conflicts_with_all = ["url", "tar", "build", "version"])]
    pub git_ref: Option<String>,

    /// With --git: a requirement on version tags (`^1.2` picks the highest
    /// `v1.x.y`). Otherwise: `<source>.<tag>`, the atom whose version fills
    /// `{version}` in the URL.
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,

    /// With --build: store the file as an executable.
    #[arg(long, conflicts_with_all = ["url", "git", "tar"])]
    pub exec: bool,

    /// With --build: keep an archive as one file.
    #[arg(long, conflicts_with_all = ["url", "git", "tar", "exec"])]
    pub no_unpack: bool,

    #[command(flatten)]
    pub edit: EditArgs,
}

/// What every editing command accepts.
#[derive(Debug, Clone, Copy, Args)]
pub struct EditArgs {
    /// Edit atom.toml only; leave atom.lock as it is.
    #[arg(long)]
    pub no_lock: bool,

    #[command(flatten)]
    pub fetch: FetchArgs,
}

pub fn run(args: &AddArgs, offline: bool, out: &Output) -> anyhow::Result<()> {
    match &args.legacy {
        Some(AddCommand::Nix(nix)) => add_nix(nix, offline, out),
        None => add_atom(args, offline, out),
    }
}

fn add_nix(args: &AddNixArgs, offline: bool, out: &Output) -> anyhow::Result<()> {
    let project = Project::find()?;
    let name: Label = args
        .name
        .parse()
        .with_context(|| format!("`{}` cannot name an entry", args.name))?;
    let mut entry = match (&args.url, &args.git, &args.tar, &args.build) {
        (Some(url), ..) => LegacyEntry::url(url),
        (_, Some(url), ..) => LegacyEntry::git(url),
        (_, _, Some(url), _) => LegacyEntry::tar(url),
        (.., Some(url)) => LegacyEntry::build(url),
        _ => unreachable!("clap requires one of --url, --git, --tar, --build"),
    };
    if let Some(git_ref) = &args.git_ref {
        entry = entry.with_ref(git_ref);
    }
    if let Some(version) = &args.version {
        entry = entry.with_version(version);
    }
    if args.exec {
        entry = entry.executable();
    }
    if args.no_unpack {
        entry = entry.with_unpack(false);
    }
    let mut editor = ManifestEditor::new(&project.manifest_path, &project.manifest_text)?;
    let added = editor.add_legacy(&name, &entry)?;
    finish(&project, editor, &name, added, args.edit, offline, out)
}

fn add_atom(args: &AddArgs, offline: bool, out: &Output) -> anyhow::Result<()> {
    let project = Project::find()?;
    let config = Config::load()?;
    let aliases = config.aliases();
    let written = args.uri.as_deref().unwrap_or_default();
    // A declared source's name is not a URL: look it up before parsing.
    let (declared, uri) = match written.rsplit_once("::") {
        Some((source, rest)) if project.manifest.source(source).is_some() => (
            Some(source.to_owned()),
            AtomUri::parse(&format!("::{rest}"), &aliases)?,
        ),
        _ => (None, AtomUri::parse(written, &aliases)?),
    };
    let mut editor = ManifestEditor::new(&project.manifest_path, &project.manifest_text)?;
    let (source, mirrors) = match declared {
        Some(name) => {
            let source = project.manifest.source(&name).expect("checked above");
            let mirrors = canonical_mirrors(source, &aliases)?;
            (source.name.get().clone(), mirrors)
        }
        None => {
            let wanted = match uri.raw().source() {
                Some(url) => canonical_url(url, &aliases)?,
                None => THIS_REPOSITORY.to_owned(),
            };
            find_or_declare_source(&mut editor, &wanted, args.source_name.as_deref(), &aliases)?
        }
    };
    let requirement = match uri.version() {
        Some(version) => Requirement::new(version.as_str())
            .with_context(|| format!("`{version}` is not a version requirement"))?,
        None => newest_release(&project, &mirrors, &source, uri.label(), offline)?,
    };
    let added = editor.add_atom(&source, uri.label(), &requirement)?;
    finish(
        &project,
        editor,
        uri.label(),
        added,
        args.edit,
        offline,
        out,
    )
}

/// A source's mirrors as the lock records them.
fn canonical_mirrors(
    source: &atom_manifest::Source,
    aliases: &alurl::Aliases,
) -> anyhow::Result<Vec<String>> {
    Ok(source
        .mirrors
        .iter()
        .map(|m| canonical_url(m.as_str(), aliases))
        .collect::<Result<_, _>>()?)
}

/// The declared source with `wanted` among its mirrors, or a new one; with
/// its mirrors.
fn find_or_declare_source(
    editor: &mut ManifestEditor,
    wanted: &str,
    name: Option<&str>,
    aliases: &alurl::Aliases,
) -> anyhow::Result<(Label, Vec<String>)> {
    for source in &editor.manifest().sources {
        let mirrors = canonical_mirrors(source, aliases)?;
        if mirrors.iter().any(|m| m == wanted) {
            return Ok((source.name.get().clone(), mirrors));
        }
    }
    let name: Label = match name {
        Some(name) => name
            .parse()
            .with_context(|| format!("`{name}` cannot name a source"))?,
        None => source_name_for(wanted, editor),
    };
    if editor.manifest().source(name.as_str()).is_some() {
        bail!(
            "a source named `{name}` already exists with other mirrors; choose another with --source-name"
        );
    }
    editor.add_source(&name, &[wanted])?;
    Ok((name, vec![wanted.to_owned()]))
}

/// A name for a new source: the last path segment of its URL (`atoms` for
/// `https://git.example.com/atoms.git`), `local` for this repository, made
/// unique.
fn source_name_for(url: &str, editor: &ManifestEditor) -> Label {
    let base = if url == THIS_REPOSITORY {
        "local".to_owned()
    } else {
        let segment = url
            .trim_end_matches('/')
            .rsplit(['/', ':'])
            .next()
            .unwrap_or_default()
            .trim_end_matches(".git");
        let cleaned: String = segment
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '_' || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        match cleaned.parse::<Label>() {
            Ok(label) => label.to_string(),
            Err(_) => "source".to_owned(),
        }
    };
    (1..)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            }
        })
        .filter_map(|name| name.parse::<Label>().ok())
        .find(|name| editor.manifest().source(name.as_str()).is_none())
        .expect("some numbered name is free")
}

/// `^` of the newest release of `tag` in `source`.
fn newest_release(
    project: &Project,
    mirrors: &[String],
    source: &Label,
    tag: &Label,
    offline: bool,
) -> anyhow::Result<Requirement> {
    let config = Config::load()?;
    let backends = Backends::open(&config, &project.dir(), Mode::lock(offline))?;
    let listing = backends
        .atoms
        .list(mirrors)
        .map_err(|e| anyhow::anyhow!(e))
        .with_context(|| format!("cannot list the atoms of `{source}`"))?;
    let newest = listing
        .iter()
        .filter(|(label, _)| label == tag)
        .filter_map(|(_, v)| v.as_str().parse::<atom_id::SemverVersion>().ok())
        .filter(|v| !v.is_prerelease())
        .max();
    match newest {
        Some(v) => Ok(Requirement::new(&format!(
            "^{}.{}.{}",
            v.major, v.minor, v.patch
        ))?),
        None => bail!(
            "source `{source}` has no release of `{tag}`; give a requirement: `{tag}@<requirement>`"
        ),
    }
}

/// Say what was added, then lock and write.
fn finish(
    project: &Project,
    editor: ManifestEditor,
    name: &Label,
    added: Added,
    edit: EditArgs,
    offline: bool,
    out: &Output,
) -> anyhow::Result<()> {
    let what = match added {
        Added::New => "added",
        Added::Replaced => "replaced",
        Added::Unchanged => "already there:",
    };
    out.status(format!("{what} `{name}`"));
    let (text, manifest) = editor.finish()?;
    save(
        project,
        &text,
        &manifest,
        edit.no_lock,
        edit.fetch,
        offline,
        out,
    )
}
