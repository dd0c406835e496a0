//! `eka list SOURCE`: the atoms and versions a source offers, from one ref
//! listing (no objects are fetched).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::io::Write;

use anyhow::bail;
use atom_core::AtomSource as _;
use atom_git::GitSource;
use atom_id::{RawVersion, Semver, VersionScheme};
use clap::Args;
use serde::Serialize;

use crate::output::Output;
use crate::repository;

#[derive(Debug, Args)]
pub struct ListArgs {
    /// The source: a path, a URL (`file://`, `git://`, `ssh://`, `https://`,
    /// `user@host:path`) or `+alias/…`.
    #[arg(value_name = "SOURCE")]
    pub source: String,
}

/// What `--json` prints.
#[derive(Debug, Serialize)]
struct Listed {
    source: String,
    url: String,
    atoms: Vec<Atom>,
    /// Refs under `refs/eka/` that are not of the atom layout.
    unrecognised: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Atom {
    label: String,
    /// Whether the source has a claim for the label (resolution needs one).
    claimed: bool,
    versions: Vec<Version>,
}

#[derive(Debug, Serialize)]
struct Version {
    version: String,
    rev: String,
}

pub fn run(args: &ListArgs, offline: bool, out: &Output) -> anyhow::Result<()> {
    let url = repository::source_url(&args.source)?;
    if offline && !crate::backend::is_local(&url) {
        bail!("listing {url} needs the network, and --offline was given");
    }
    let source = GitSource::new(vec![url.clone()], crate::paths::atom_cache()?)?;
    // One ls-refs; `discover` reads the same listing.
    let listing = source.listing()?;
    let mut atoms: BTreeMap<String, Atom> = BTreeMap::new();
    for label in listing.merged.claims.keys() {
        atoms.insert(label.to_string(), atom(label.as_str(), true));
    }
    for entry in source.discover()? {
        atoms
            .entry(entry.label.to_string())
            .or_insert_with(|| atom(entry.label.as_str(), false))
            .versions
            .push(Version {
                version: entry.version.to_string(),
                rev: entry.commit.to_string(),
            });
    }
    let mut atoms: Vec<Atom> = atoms.into_values().collect();
    for atom in &mut atoms {
        atom.versions
            .sort_by(|a, b| version_order(&a.version, &b.version));
    }
    let listed = Listed {
        source: args.source.clone(),
        url,
        atoms,
        unrecognised: listing
            .merged
            .unrecognised
            .iter()
            .map(ToString::to_string)
            .collect(),
    };
    for problem in &listed.unrecognised {
        out.warn(problem);
    }
    out.result(&listed, |w| write_human(w, &listed))
}

fn atom(label: &str, claimed: bool) -> Atom {
    Atom {
        label: label.to_owned(),
        claimed,
        versions: Vec::new(),
    }
}

/// Semantic versions in semver order, before anything else in text order.
fn version_order(a: &str, b: &str) -> Ordering {
    let semver = |text: &str| {
        text.parse::<RawVersion>()
            .ok()
            .and_then(|raw| Semver::parse_version(&raw).ok())
    };
    match (semver(a), semver(b)) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

fn write_human(w: &mut dyn Write, listed: &Listed) -> std::io::Result<()> {
    if listed.atoms.is_empty() {
        return writeln!(w, "no atoms at {}", listed.url);
    }
    let width = listed
        .atoms
        .iter()
        .map(|a| a.label.chars().count())
        .max()
        .unwrap_or(0);
    for atom in &listed.atoms {
        let versions: Vec<&str> = atom.versions.iter().map(|v| v.version.as_str()).collect();
        let versions = match (versions.is_empty(), atom.claimed) {
            (true, _) => "(claimed, nothing published)".to_owned(),
            (false, true) => versions.join("  "),
            (false, false) => format!("{}  (no claim: cannot be resolved)", versions.join("  ")),
        };
        writeln!(w, "{:width$}  {versions}", atom.label)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::version_order;

    #[test]
    fn versions_sort_by_semver_then_text() {
        let mut versions = vec!["1.10.0", "weird", "1.2.0", "1.2.0-rc.1", "25.11"];
        versions.sort_by(|a, b| version_order(a, b));
        assert_eq!(
            versions,
            ["1.2.0-rc.1", "1.2.0", "1.10.0", "25.11", "weird"]
        );
    }
}
