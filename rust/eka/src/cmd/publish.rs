//! `eka publish [PATH…] [--remote R]`: publish atoms as committed at HEAD,
//! and push them with their claims in one push.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

use anyhow::bail;
use atom_manifest::MANIFEST_FILE;
use clap::Args;
use serde::Serialize;

use crate::cmd::key::KeyFileArg;
use crate::output::Output;
use crate::repository;

#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Atom directories, each with an `atom.toml` [default: .].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Push the published atoms and their claims to REMOTE (a configured
    /// remote, a URL or a path) in one push.
    #[arg(long, value_name = "REMOTE")]
    pub remote: Option<String>,

    #[command(flatten)]
    pub key: KeyFileArg,
}

/// What `--json` prints.
#[derive(Debug, Serialize)]
struct Report {
    published: Vec<Published>,
    pushed: Option<Pushed>,
}

#[derive(Debug, Serialize)]
struct Published {
    path: String,
    label: String,
    version: String,
    id: String,
    #[serde(rename = "ref")]
    name: String,
    rev: String,
    tree: String,
    /// `false`: this version was already published with the same tree.
    created: bool,
}

#[derive(Debug, Serialize)]
struct Pushed {
    remote: String,
    url: String,
    pushed: Vec<String>,
    up_to_date: Vec<String>,
}

pub fn run(args: &PublishArgs, out: &Output) -> anyhow::Result<()> {
    let (_, key) = args.key.load(out)?;
    let registry = repository::open_registry(key)?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };

    // Read and check everything before writing anything.
    let mut atoms = Vec::new();
    let mut seen = BTreeSet::new();
    for path in &paths {
        let atom = repository::committed_atom(&registry, path)?;
        let (label, version) = (&*atom.manifest.atom.tag, &*atom.manifest.atom.version);
        if !seen.insert((label.clone(), version.clone())) {
            bail!("{label}@{version} is named twice ({})", path.display());
        }
        let Some(claim) = registry.claim_of(label)? else {
            bail!(
                "{label} is not claimed in {}: run `eka claim {label}` first",
                registry.path().display()
            );
        };
        warn_if_uncommitted(out, &atom);
        atoms.push((atom, claim.atom_id));
    }

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    let mut published = Vec::new();
    let mut names = BTreeSet::new();
    for (atom, id) in &atoms {
        let version = &*atom.manifest.atom.version;
        let done = registry.publish_at(id, version, &atom.content, now)?;
        let name = atom_git::refs::atom_ref(&done.atom.label, version)?;
        names.insert(atom_git::refs::claim_ref(&done.atom.label)?);
        names.insert(name.clone());
        out.verbose(format_args!(
            "{} {}",
            if done.created {
                "published"
            } else {
                "unchanged"
            },
            done.atom
        ));
        published.push(Published {
            path: atom.dir.display().to_string(),
            label: done.atom.label.to_string(),
            version: version.to_string(),
            id: id.to_string(),
            name: name.as_bstr().to_string(),
            rev: done.atom.commit.to_string(),
            tree: done.tree.to_string(),
            created: done.created,
        });
    }

    let pushed = match &args.remote {
        None => None,
        Some(remote) => {
            let url = repository::remote_url(&registry, remote)?;
            let names: Vec<_> = names.into_iter().collect();
            out.status(format_args!("pushing {} refs to {url}", names.len()));
            let outcome = registry.push(&url, &names)?;
            Some(Pushed {
                remote: remote.clone(),
                url,
                pushed: outcome.pushed,
                up_to_date: outcome.up_to_date,
            })
        }
    };
    let report = Report { published, pushed };
    out.result(&report, |w| write_human(w, &report))
}

/// Publishing takes the commit; say so when the manifest on disk differs.
fn warn_if_uncommitted(out: &Output, atom: &repository::CommittedAtom) {
    let on_disk = std::fs::read(atom.dir.join(MANIFEST_FILE)).ok();
    if on_disk.is_some_and(|bytes| bytes != atom.manifest_text.as_bytes()) {
        out.warn(format_args!(
            "{} has uncommitted changes; publishing it as committed at HEAD",
            atom.dir.join(MANIFEST_FILE).display()
        ));
    }
}

fn write_human(w: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    for atom in &report.published {
        let note = if atom.created {
            "published"
        } else {
            "unchanged"
        };
        writeln!(
            w,
            "{note} {}@{} {} ({})",
            atom.label, atom.version, atom.rev, atom.id
        )?;
    }
    match &report.pushed {
        None => {
            if !report.published.is_empty() {
                writeln!(w, "not pushed: add --remote REMOTE to push")?;
            }
        }
        Some(pushed) => writeln!(
            w,
            "pushed {} refs to {} ({} already there)",
            pushed.pushed.len(),
            pushed.url,
            pushed.up_to_date.len()
        )?,
    }
    Ok(())
}
