//! Progress while fetching: a bar on a terminal, plain lines otherwise.

use std::io::IsTerminal as _;
use std::time::Duration;

use atom_manifest::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output::{Output, Verbosity};

/// Reports fetches as they start and end.
#[derive(Debug)]
pub struct Fetching {
    bar: Option<ProgressBar>,
    lines: Verbosity,
}

impl Fetching {
    /// A bar when stderr is a terminal and output is for humans; otherwise
    /// a line per finished fetch (`-v`: per started one too), none with `-q`.
    pub fn new(out: &Output, verb: &str) -> Self {
        let bar = (std::io::stderr().is_terminal()
            && !out.is_json()
            && out.verbosity() >= Verbosity::Normal)
            .then(|| {
                let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
                let style = ProgressStyle::with_template(&format!(
                    "{{spinner}} {verb} [{{bar:30}}] {{pos}}/{{len}} {{wide_msg}}"
                ))
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
                bar.set_style(style);
                bar.enable_steady_tick(Duration::from_millis(120));
                bar
            });
        Self {
            bar,
            lines: out.verbosity(),
        }
    }

    /// Remove the bar (before printing results).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Fetching {
    fn begin(&self, more: usize) {
        if let Some(bar) = &self.bar {
            bar.inc_length(more as u64);
        }
    }

    fn started(&self, name: &str, what: &str) {
        match &self.bar {
            Some(bar) => bar.set_message(name.to_owned()),
            None if self.lines >= Verbosity::Verbose => eprintln!("fetching {name} ({what})"),
            None => {}
        }
    }

    fn finished(&self, name: &str, ok: bool) {
        let word = if ok { "fetched" } else { "failed " };
        match &self.bar {
            Some(bar) => {
                bar.inc(1);
                if !ok {
                    bar.println(format!("{word} {name}"));
                }
            }
            None if self.lines >= Verbosity::Normal => eprintln!("{word} {name}"),
            None => {}
        }
    }
}
