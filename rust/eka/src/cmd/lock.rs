//! `eka lock` and `eka update`: resolve `atom.toml` into `atom.lock`.

use std::io::Write;
use std::path::Path;

use anyhow::bail;
use atom_manifest::{Change, ChangeKind, LockRequest, Locked, Lockfile, Manifest, Update};
use clap::Args;
use serde::Serialize;

use crate::backend::{Backends, Mode};
use crate::config::Config;
use crate::output::{Output, Verbosity};
use crate::progress::Fetching;
use crate::project::{Project, write_atomically};

#[derive(Debug, Args)]
pub struct LockArgs {
    /// Fail, writing nothing, unless atom.lock is already up to date.
    #[arg(long)]
    pub locked: bool,

    #[command(flatten)]
    pub fetch: FetchArgs,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The atoms and legacy entries to resolve again (all when none is given).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,

    #[command(flatten)]
    pub fetch: FetchArgs,
}

/// How fetching runs.
#[derive(Debug, Clone, Copy, Args)]
pub struct FetchArgs {
    /// Fetch at most N dependencies at once.
    #[arg(short, long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: u16,
}

pub fn run_lock(args: &LockArgs, offline: bool, out: &Output) -> anyhow::Result<()> {
    let project = Project::find()?;
    let manifest = Resolution {
        manifest_path: &project.manifest_path,
        manifest_text: &project.manifest_text,
        manifest: &project.manifest,
    };
    let locked = manifest.resolve(
        &project,
        Update::Nothing,
        args.locked,
        args.fetch,
        offline,
        out,
    )?;
    let text = locked.lock.to_toml();
    if args.locked && project.lock_text.as_deref() != Some(text.as_str()) {
        bail!(
            "{} is up to date but not as eka writes it (edited by hand?); run `eka lock` to rewrite it",
            project.lock_path.display()
        );
    }
    report(&project, &locked, &text, out)
}

pub fn run_update(args: &UpdateArgs, offline: bool, out: &Output) -> anyhow::Result<()> {
    let project = Project::find()?;
    let update = if args.names.is_empty() {
        Update::All
    } else {
        Update::Only(&args.names)
    };
    let manifest = Resolution {
        manifest_path: &project.manifest_path,
        manifest_text: &project.manifest_text,
        manifest: &project.manifest,
    };
    let locked = manifest.resolve(&project, update, false, args.fetch, offline, out)?;
    let text = locked.lock.to_toml();
    report(&project, &locked, &text, out)
}

/// A manifest to resolve: the project's own, or an edited one (`eka add`).
pub struct Resolution<'a> {
    pub manifest_path: &'a Path,
    pub manifest_text: &'a str,
    pub manifest: &'a Manifest,
}

impl Resolution<'_> {
    /// Resolve against the project's lock, with progress on stderr.
    pub fn resolve(
        &self,
        project: &Project,
        update: Update<'_>,
        locked: bool,
        fetch: FetchArgs,
        offline: bool,
        out: &Output,
    ) -> anyhow::Result<Locked> {
        let config = Config::load()?;
        let aliases = config.aliases();
        let backends = Backends::open(&config, &project.dir(), Mode::lock(offline))?;
        let request = LockRequest {
            manifest_path: self.manifest_path,
            manifest_text: self.manifest_text,
            manifest: self.manifest,
            lock: project.lock.as_ref(),
            update,
            locked,
            aliases: &aliases,
            jobs: usize::from(fetch.jobs),
        };
        let progress = Fetching::new(out, "locking");
        let result = atom_manifest::lock(&request, &backends.atoms, &backends.fetcher, &progress);
        progress.finish();
        Ok(result?)
    }
}

/// What `--json` prints for `lock`, `update`, `add` and `remove`.
#[derive(Debug, Serialize)]
struct Report<'a> {
    lock: String,
    written: bool,
    fetched: usize,
    changes: Vec<ChangeJson<'a>>,
}

#[derive(Debug, Serialize)]
struct ChangeJson<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    bond_type: &'static str,
    change: &'static str,
    from: Option<&'a str>,
    to: Option<&'a str>,
}

/// Write the lock when it changed and tell what changed.
pub fn report(project: &Project, locked: &Locked, text: &str, out: &Output) -> anyhow::Result<()> {
    let written = project.lock_text.as_deref() != Some(text);
    if written {
        write_atomically(&project.lock_path, text.as_bytes())?;
    }
    let report = Report {
        lock: project.lock_path.display().to_string(),
        written,
        fetched: locked.fetched,
        changes: locked
            .changes
            .iter()
            .map(|c| ChangeJson {
                name: &c.name,
                bond_type: c.bond_type.as_str(),
                change: c.kind.as_str(),
                from: c.from.as_deref(),
                to: c.to.as_deref(),
            })
            .collect(),
    };
    let verbose = out.verbosity() >= Verbosity::Verbose;
    out.result(&report, |w| {
        write_human(w, project, locked, written, verbose)
    })
}

fn write_human(
    w: &mut dyn Write,
    project: &Project,
    locked: &Locked,
    written: bool,
    verbose: bool,
) -> std::io::Result<()> {
    let width = locked
        .changes
        .iter()
        .map(|c| c.name.len())
        .max()
        .unwrap_or(0);
    for change in &locked.changes {
        if change.kind == ChangeKind::Unchanged && !verbose {
            continue;
        }
        writeln!(
            w,
            "{:<9} {:<width$}  {:<9}  {}",
            change.kind.as_str(),
            change.name,
            change.bond_type.as_str(),
            describe(change)
        )?;
    }
    let path = project.lock_path.display();
    let count = locked.lock.bonds.len();
    let bonds = if count == 1 { "bond" } else { "bonds" };
    if written {
        writeln!(
            w,
            "wrote {path} ({count} {bonds}, {} fetched)",
            locked.fetched
        )
    } else {
        writeln!(w, "{path} is up to date ({count} {bonds})")
    }
}

fn describe(change: &Change) -> String {
    match (change.kind, change.from.as_deref(), change.to.as_deref()) {
        (ChangeKind::Updated, Some(from), Some(to)) => format!("{from} -> {to}"),
        (_, _, Some(to)) => to.to_owned(),
        (_, Some(from), None) => from.to_owned(),
        _ => String::new(),
    }
}

/// The lock of a project, or an error saying how to make one.
pub fn require_lock(project: &Project) -> anyhow::Result<&Lockfile> {
    match &project.lock {
        Some(lock) => Ok(lock),
        None => bail!(
            "there is no {} yet; run `eka lock` to create it",
            project.lock_path.display()
        ),
    }
}
