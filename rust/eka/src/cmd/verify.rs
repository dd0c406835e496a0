//! `eka verify`: fetch everything in `atom.lock` again and check it.

use anyhow::bail;
use clap::Args;
use serde::Serialize;

use crate::backend::{Backends, Mode};
use crate::cmd::lock::{FetchArgs, require_lock};
use crate::config::Config;
use crate::output::Output;
use crate::progress::Fetching;
use crate::project::Project;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub fetch: FetchArgs,
}

#[derive(Debug, Serialize)]
struct Report<'a> {
    lock: String,
    verified: usize,
    failures: Vec<Failure<'a>>,
}

#[derive(Debug, Serialize)]
struct Failure<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    bond_type: &'static str,
    error: &'a str,
}

pub fn run(args: &VerifyArgs, offline: bool, out: &Output) -> anyhow::Result<()> {
    let project = Project::find()?;
    let lock = require_lock(&project)?;
    let config = Config::load()?;
    let backends = Backends::open(&config, &project.dir(), Mode::verify(offline))?;
    let progress = Fetching::new(out, "verifying");
    let failures = atom_manifest::verify(
        lock,
        &backends.atoms,
        &backends.fetcher,
        usize::from(args.fetch.jobs),
        &progress,
    );
    progress.finish();
    let report = Report {
        lock: project.lock_path.display().to_string(),
        verified: lock.bonds.len() - failures.len(),
        failures: failures
            .iter()
            .map(|f| Failure {
                name: &f.name,
                bond_type: f.bond_type.as_str(),
                error: &f.message,
            })
            .collect(),
    };
    out.result(&report, |w| {
        for failure in &report.failures {
            writeln!(
                w,
                "FAILED {} ({}): {}",
                failure.name, failure.bond_type, failure.error
            )?;
        }
        writeln!(
            w,
            "{}: {} of {} bonds verified",
            report.lock,
            report.verified,
            lock.bonds.len()
        )
    })?;
    match failures.as_slice() {
        [] => Ok(()),
        [one] => bail!("bond `{}` does not match {}", one.name, report.lock),
        many => bail!(
            "{} bonds do not match {}: {}",
            many.len(),
            report.lock,
            many.iter()
                .map(|f| format!("`{}`", f.name))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
