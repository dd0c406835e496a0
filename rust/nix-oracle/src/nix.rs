//! Nix 2.8 in a throwaway store.

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// Nix with a store, state, log, configuration and cache directory of its
/// own, all under one temporary directory that is removed on drop.
#[derive(Debug)]
pub struct Nix {
    root: TempDir,
}

impl Default for Nix {
    fn default() -> Self {
        Self::new()
    }
}

impl Nix {
    /// A fresh, empty Nix store. Panics if Nix is not installed.
    pub fn new() -> Self {
        for tool in [
            "nix",
            "nix-instantiate",
            "nix-build",
            "nix-hash",
            "nix-prefetch-url",
            "nix-store",
        ] {
            crate::require_tool(tool, "oracle tests compare eka with Nix 2.8");
        }
        let root = tempfile::Builder::new()
            .prefix("nix-oracle-")
            .tempdir()
            .expect("a temporary directory for the Nix store");
        for dir in ["store", "state", "log", "etc", "cache", "home"] {
            std::fs::create_dir_all(root.path().join(dir)).expect("Nix directories");
        }
        std::fs::write(
            root.path().join("etc/nix.conf"),
            "sandbox = false\nbuild-users-group =\nsubstituters =\n\
             experimental-features = nix-command\ntarball-ttl = 0\n",
        )
        .expect("nix.conf");
        Self { root }
    }

    /// The store directory Nix uses (`NIX_STORE_DIR`).
    pub fn store_dir(&self) -> PathBuf {
        self.root.path().join("store")
    }

    /// A scratch directory inside the throwaway root.
    pub fn scratch(&self) -> &Path {
        self.root.path()
    }

    /// `program` set up to use this store and nothing of the user's.
    pub fn command(&self, program: &str) -> Command {
        let root = self.root.path();
        let mut command = Command::new(program);
        command
            .env("NIX_STORE_DIR", root.join("store"))
            .env("NIX_STATE_DIR", root.join("state"))
            .env("NIX_LOG_DIR", root.join("log"))
            .env("NIX_CONF_DIR", root.join("etc"))
            .env("NIX_CONFIG", "experimental-features = nix-command")
            .env("XDG_CACHE_HOME", root.join("cache"))
            .env("HOME", root.join("home"))
            .env_remove("NIX_REMOTE")
            .env("NIX_PATH", "")
            .envs(crate::git::ISOLATION);
        command
    }

    /// Run `program args…`; its trimmed stdout, or a panic with its stderr.
    pub fn run(&self, program: &str, args: &[&str]) -> String {
        match self.try_run(program, args) {
            Ok(out) => out,
            Err(err) => panic!("{program} {args:?} failed:\n{err}"),
        }
    }

    /// Run `program args…`; its trimmed stdout, or its stderr as the error.
    pub fn try_run(&self, program: &str, args: &[&str]) -> Result<String, String> {
        let output = self
            .command(program)
            .args(args)
            .output()
            .unwrap_or_else(|err| panic!("cannot run {program}: {err}"));
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    }

    /// Evaluate a Nix expression strictly; the result as JSON text.
    pub fn eval(&self, expr: &str) -> String {
        self.run(
            "nix-instantiate",
            &["--eval", "--strict", "--json", "--expr", expr],
        )
    }

    /// Evaluate an expression that yields a string; the string.
    pub fn eval_string(&self, expr: &str) -> String {
        let json = self.eval(expr);
        json.strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or_else(|| panic!("{expr} evaluated to {json}, not a plain string"))
            .to_owned()
    }
}
