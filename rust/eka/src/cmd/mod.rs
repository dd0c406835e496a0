//! One module per subcommand; [`run`] dispatches to them.

pub mod add;
pub mod claim;
pub mod completions;
pub mod coz;
pub mod hash;
pub mod init;
pub mod key;
pub mod list;
pub mod lock;
pub mod mirror;
pub mod new;
pub mod prefetch;
pub mod publish;
pub mod remove;
pub mod uri;
pub mod verify;

use anyhow::Context as _;

use crate::cli::{Cli, Command};
use crate::output::Output;

/// Run the parsed command line.
pub fn run(cli: Cli, out: &Output) -> anyhow::Result<()> {
    if let Some(dir) = &cli.global.directory {
        std::env::set_current_dir(dir)
            .with_context(|| format!("cannot change to directory {}", dir.display()))?;
    }
    match cli.command {
        Command::Completions(args) => completions::run(&args, out),
        Command::Coz(args) => coz::run(&args, out),
        Command::Key(args) => key::run(&args, out),
        Command::Uri(args) => uri::run(&args, out),
        Command::Hash(args) => hash::run(&args, out),
        Command::Prefetch(args) => prefetch::run(&args, &cli.global, out),
        Command::Lock(args) => lock::run_lock(&args, cli.global.offline, out),
        Command::Update(args) => lock::run_update(&args, cli.global.offline, out),
        Command::Verify(args) => verify::run(&args, cli.global.offline, out),
        Command::Add(args) => add::run(&args, cli.global.offline, out),
        Command::Remove(args) => remove::run(&args, cli.global.offline, out),
        Command::Mirror(args) => mirror::run(&args, cli.global.offline, out),
        Command::Init(args) => init::run(&args, out),
        Command::New(args) => new::run(&args, out),
        Command::Claim(args) => claim::run(&args, out),
        Command::Publish(args) => publish::run(&args, out),
        Command::List(args) => list::run(&args, cli.global.offline, out),
    }
}
