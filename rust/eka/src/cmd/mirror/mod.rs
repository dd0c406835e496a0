//! `eka mirror sync`: keep a store of verified atoms in step with its
//! sources, for `git daemon` (or any git server) to serve.

mod config;
mod status;
mod sync;

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};

use crate::cli::UsageError;
use crate::output::Output;
use crate::project::write_atomically;
use config::MirrorConfig;
use status::Status;

#[derive(Debug, Args)]
pub struct MirrorArgs {
    #[command(subcommand)]
    pub command: MirrorCommand,
}

#[derive(Debug, Subcommand)]
pub enum MirrorCommand {
    /// Copy what is new at the sources into the store, verifying every atom;
    /// refuse (and report) anything moved or forged.
    #[command(
        long_about = "Copy what is new at the sources into the store, verifying every atom, and refuse\n\
            (and report) anything moved or forged.\n\n\
            Each source is listed once per mirror URL (refs/eka/*, no objects); its mirrors must\n\
            agree on every ref they share, or nothing of the source is taken. Claims and atom\n\
            versions the store lacks are fetched and checked exactly as `eka lock` checks what it\n\
            resolves (claim signature, publish signed by the claim's key, dig of the content);\n\
            those that pass are added in one ref transaction. A ref the store holds is never\n\
            replaced: if a source moved it, the store keeps its own and the move is refused.\n\n\
            The configuration is TOML:\n\n\
            \x20   store = \"/var/lib/atom-mirror/store.git\"     # bare repository, created if missing\n\
            \x20   status = \"/var/lib/atom-mirror/status.json\"  # optional: status.json beside the store\n\n\
            \x20   [sources.company]\n\
            \x20   urls = [\"https://git.example.com/atoms\", \"https://backup.example.com/atoms\"]\n\n\
            Relative paths are relative to the configuration file. After every run the status\n\
            file is replaced atomically: the last success, atoms per source and each refusal\n\
            with its reason (--json prints the same document). The exit status is 1 when a ref\n\
            was refused or a source could not be synced.",
        after_help = "Examples:\n  \
            eka mirror sync --config /etc/atom-mirror.toml\n  \
            eka mirror sync --config mirror.toml --json | jq '.refusals'\n  \
            git daemon --base-path=/var/lib/atom-mirror --export-all --strict-paths \\\n      \
            /var/lib/atom-mirror/store.git     # serve it: git://HOST/store.git"
    )]
    Sync(SyncArgs),
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The mirror's configuration file (TOML: `store` and `[sources.NAME] urls`).
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
}

pub fn run(args: &MirrorArgs, offline: bool, out: &Output) -> anyhow::Result<()> {
    match &args.command {
        MirrorCommand::Sync(args) => sync(args, offline, out),
    }
}

fn sync(args: &SyncArgs, offline: bool, out: &Output) -> anyhow::Result<()> {
    if offline {
        return Err(UsageError(
            "`eka mirror sync` fetches from its sources; it cannot run --offline".into(),
        )
        .into());
    }
    let config = MirrorConfig::load(&args.config)?;
    let mut status = sync::run(&config, out)?;
    if let Some(warning) = status.carry_over(&config.status) {
        out.warn(warning);
    }
    if let Some(dir) = config
        .status
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the directory {}", dir.display()))?;
    }
    let mut json = serde_json::to_vec_pretty(&status).context("cannot serialise the status")?;
    json.push(b'\n');
    write_atomically(&config.status, &json)?;

    out.result(&status, |w| write_human(&status, &config, w))?;
    if !status.ok {
        let failed = status
            .sources
            .values()
            .filter(|source| source.error.is_some())
            .count();
        bail!(
            "{} ref(s) refused and {failed} source(s) not synced; the store kept what it had \
             verified (details in {})",
            status.refusals.len(),
            config.status.display()
        );
    }
    Ok(())
}

fn write_human(status: &Status, config: &MirrorConfig, w: &mut dyn Write) -> std::io::Result<()> {
    for (name, source) in &status.sources {
        match &source.error {
            Some(error) => writeln!(w, "{name}: not synced: {error}")?,
            None => {
                write!(
                    w,
                    "{name}: {} atom(s), {} claim(s)",
                    source.atoms, source.claims
                )?;
                if source.added.is_empty() {
                    writeln!(w, ", nothing new")?;
                } else {
                    writeln!(w, ", added {}", source.added.join(", "))?;
                }
            }
        }
        for unreachable in &source.unreachable {
            writeln!(
                w,
                "  unreachable {}: {}",
                unreachable.url, unreachable.error
            )?;
        }
        for ignored in &source.ignored {
            writeln!(w, "  ignored {ignored}")?;
        }
        for refusal in status.refusals.iter().filter(|r| &r.source == name) {
            writeln!(w, "  refused {}: {}", refusal.name, refusal.reason)?;
        }
    }
    writeln!(
        w,
        "store {}: {} atom(s); status in {}",
        status.store,
        status.atoms,
        config.status.display()
    )
}
