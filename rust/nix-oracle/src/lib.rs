//! Test support for comparing eka with Nix itself (dev-dependency only).
//!
//! * [`Nix`] — Nix 2.8 run against a throwaway store, state and cache, so
//!   that nothing it reports comes from an earlier run.
//! * [`tree`] — random file trees with every feature a NAR can hold.
//! * [`http`] — a loopback HTTP server with scripted responses.
//! * [`archive`] — tar (any compression) and zip archives in a chosen order.
//! * [`git`] — git with the user's and system configuration shut out.
//!
//! Every helper panics with a message saying what is missing or what failed:
//! an oracle test must fail loudly, never skip.
//!
//! ```
//! let dir = tempfile::tempdir()?;
//! let stats = nix_oracle::tree::random_tree(&dir.path().join("t"), 7, &nix_oracle::tree::Shape::default());
//! assert!(stats.files + stats.symlinks + stats.directories > 0);
//! # Ok::<(), std::io::Error>(())
//! ```

pub mod archive;
pub mod git;
pub mod http;
mod nix;
pub mod tree;

pub use nix::Nix;

/// An error and its causes on one line, for assertions on messages.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Panic unless `program` is on `PATH`, naming what needs it.
pub fn require_tool(program: &str, why: &str) {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()));
    assert!(
        found,
        "`{program}` is not on PATH but {why}; install it (see README.md, Testing) — \
         oracle tests never skip"
    );
}
