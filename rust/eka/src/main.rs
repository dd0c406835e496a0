//! `eka`: the command line of the atom protocol.
//!
//! The binary is deliberately thin: argument parsing lives in [`cli`], each
//! subcommand in its own module under [`cmd`], and all protocol, format and
//! hashing logic in the library crates beside this one.

mod backend;
mod cli;
mod cmd;
mod config;
mod fetcher;
mod output;
mod paths;
mod progress;
mod project;
mod repository;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;
use crate::output::Output;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Output::new(&cli.global);
    match cmd::run(cli, &out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            out.error(&err);
            exit_code_for(&err)
        }
    }
}

/// Usage mistakes exit with 2 (as clap does for its own), everything else with 1.
fn exit_code_for(err: &anyhow::Error) -> ExitCode {
    if err.downcast_ref::<cli::UsageError>().is_some() {
        ExitCode::from(2)
    } else {
        ExitCode::FAILURE
    }
}
