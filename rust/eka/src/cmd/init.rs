//! `eka init`: check that a repository is ready to publish atoms from, and
//! show its anchor.

use std::io::Write;

use atom_id::Alg;
use clap::Args;
use serde::Serialize;

use crate::cmd::key::KeyFileArg;
use crate::output::Output;
use crate::repository;

#[derive(Debug, Args)]
pub struct InitArgs {
    #[command(flatten)]
    pub key: KeyFileArg,
}

/// What `--json` prints.
#[derive(Debug, Serialize)]
struct Report {
    repository: String,
    anchor: String,
    genesis: String,
    head: String,
    key: KeyReport,
    claims: Vec<ClaimReport>,
}

#[derive(Debug, Serialize)]
struct KeyReport {
    path: String,
    alg: Alg,
    tmb: String,
}

#[derive(Debug, Serialize)]
struct ClaimReport {
    label: String,
    id: String,
    /// Whether the claim is signed by this key (so it can publish).
    ours: bool,
}

pub fn run(args: &InitArgs, out: &Output) -> anyhow::Result<()> {
    let (key_path, key) = args.key.load(out)?;
    let key_report = KeyReport {
        path: key_path.display().to_string(),
        alg: key.alg(),
        tmb: key.tmb().to_b64(),
    };
    let registry = repository::open_registry(key)?;
    let mut claims = Vec::new();
    for label in registry.listing()?.claims.keys() {
        if let Some(claim) = registry.claim_of(label)? {
            claims.push(ClaimReport {
                label: label.to_string(),
                id: claim.atom_id.to_string(),
                ours: claim.payload.tmb() == registry.key().tmb(),
            });
        }
    }
    let report = Report {
        repository: registry.path().display().to_string(),
        anchor: registry.anchor().to_string(),
        genesis: hex(&registry.anchor().object_id()),
        head: registry.head().to_string(),
        key: key_report,
        claims,
    };
    out.result(&report, |w| write_human(w, &report))
}

fn write_human(w: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    writeln!(w, "repository: {}", report.repository)?;
    writeln!(
        w,
        "anchor:     {} (first commit {})",
        report.anchor, report.genesis
    )?;
    writeln!(
        w,
        "key:        {} {} ({})",
        report.key.alg, report.key.tmb, report.key.path
    )?;
    if report.claims.is_empty() {
        writeln!(w, "claims:     none yet")?;
        writeln!(w)?;
        writeln!(
            w,
            "Ready. Next: `eka new DIR` for an atom, commit it, then `eka claim` and `eka publish` in DIR."
        )
    } else {
        writeln!(w, "claims:")?;
        for claim in &report.claims {
            let whose = if claim.ours { "" } else { "  (another key)" };
            writeln!(w, "  {}  {}{whose}", claim.label, claim.id)?;
        }
        Ok(())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
