//! Where eka's words go: results on stdout (text or `--json`), everything
//! else on stderr, coloured only on a terminal and never under `NO_COLOR`.

use std::io::{self, IsTerminal, Write};

use serde::Serialize;

use crate::cli::GlobalArgs;

/// How loudly to speak, from `-q` (quiet) through the default to `-vv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
    Debug,
}

#[derive(Debug)]
pub struct Output {
    json: bool,
    verbosity: Verbosity,
    color: bool,
}

impl Output {
    pub fn new(global: &GlobalArgs) -> Self {
        let verbosity = match (global.quiet, global.verbose) {
            (true, _) => Verbosity::Quiet,
            (false, 0) => Verbosity::Normal,
            (false, 1) => Verbosity::Verbose,
            (false, _) => Verbosity::Debug,
        };
        let color =
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stderr().is_terminal();
        Self {
            json: global.json,
            verbosity,
            color,
        }
    }

    /// Whether results must be printed as JSON.
    #[allow(dead_code, reason = "used by the commands that print results")]
    pub fn is_json(&self) -> bool {
        self.json
    }

    #[allow(dead_code, reason = "used by the commands that print results")]
    pub fn verbosity(&self) -> Verbosity {
        self.verbosity
    }

    /// Print a command's result: `value` as one line of JSON under `--json`,
    /// otherwise whatever `human` writes.
    #[allow(dead_code, reason = "used by the commands that print results")]
    pub fn result<T: Serialize>(
        &self,
        value: &T,
        human: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> anyhow::Result<()> {
        let stdout = io::stdout();
        let mut lock = stdout.lock();
        let written = if self.json {
            serde_json::to_writer(&mut lock, value)
                .map_err(io::Error::from)
                .and_then(|()| writeln!(lock))
        } else {
            human(&mut lock)
        };
        match written.and_then(|()| lock.flush()) {
            // A closed pipe (`eka … | head`) is the reader's choice, not our failure.
            Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            other => Ok(other?),
        }
    }

    /// A progress or status line on stderr, hidden by `-q`.
    #[allow(dead_code, reason = "used by the commands that report progress")]
    pub fn status(&self, message: impl std::fmt::Display) {
        if self.verbosity >= Verbosity::Normal {
            eprintln!("{message}");
        }
    }

    /// Detail shown only with `-v`.
    #[allow(dead_code, reason = "used by the commands that report progress")]
    pub fn verbose(&self, message: impl std::fmt::Display) {
        if self.verbosity >= Verbosity::Verbose {
            eprintln!("{message}");
        }
    }

    #[allow(dead_code, reason = "used by the commands that report progress")]
    pub fn warn(&self, message: impl std::fmt::Display) {
        eprintln!("{} {message}", self.label("warning:", "33"));
    }

    /// Report a failure with its chain of causes, one per line.
    pub fn error(&self, err: &anyhow::Error) {
        let mut text = format!("{} {err}", self.label("error:", "31"));
        for cause in err.chain().skip(1) {
            text.push_str(&format!("\n  caused by: {cause}"));
        }
        eprintln!("{text}");
    }

    fn label(&self, word: &str, ansi: &str) -> String {
        if self.color {
            format!("\x1b[1;{ansi}m{word}\x1b[0m")
        } else {
            word.to_owned()
        }
    }
}
