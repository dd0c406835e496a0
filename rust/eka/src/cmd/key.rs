//! `eka key generate|show`: the Coz key that signs claims and publishes.
//!
//! The key file is Coz private key JSON, `{"alg","pub","prv","tmb"}`. It is
//! found at `--out`/`--key`, else `$EKA_KEY`, else
//! `$XDG_CONFIG_HOME/eka/key.json`.

use std::fs;
use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};
use atom_id::{Alg, SigningKey};
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;

use crate::output::Output;

#[derive(Debug, Args)]
pub struct KeyArgs {
    #[command(subcommand)]
    pub command: KeyCommand,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Create a new signing key file (mode 0600); never overwrites one.
    #[command(after_help = "Examples:\n  \
        eka key generate                       # Ed25519, at $XDG_CONFIG_HOME/eka/key.json\n  \
        eka key generate --alg ES256 --out ./release-key.json\n  \
        EKA_KEY=~/keys/atoms.json eka key generate")]
    Generate(GenerateArgs),

    /// Show the public part of a key: algorithm, public key and thumbprint.
    #[command(after_help = "Examples:\n  \
        eka key show\n  \
        eka key show --key ./release-key.json --json")]
    Show(ShowArgs),
}

/// A signing algorithm, as spelled on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "verbatim")]
pub enum AlgArg {
    #[value(help = "EdDSA over Curve25519 (SHA-512 digests); the default")]
    Ed25519,
    #[value(help = "ECDSA over P-256 (SHA-256 digests)")]
    ES256,
}

impl From<AlgArg> for Alg {
    fn from(alg: AlgArg) -> Self {
        match alg {
            AlgArg::Ed25519 => Alg::Ed25519,
            AlgArg::ES256 => Alg::ES256,
        }
    }
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The signing algorithm.
    #[arg(long, value_enum, default_value = "Ed25519", ignore_case = true)]
    pub alg: AlgArg,

    #[arg(
        long,
        value_name = "FILE",
        env = "EKA_KEY",
        help = "Where to write the key [default: $XDG_CONFIG_HOME/eka/key.json]"
    )]
    pub out: Option<PathBuf>,
}

/// `--key FILE`, shared by the commands that read the key.
#[derive(Debug, Args)]
pub struct KeyFileArg {
    #[arg(
        long,
        value_name = "FILE",
        env = "EKA_KEY",
        help = "The key file [default: $XDG_CONFIG_HOME/eka/key.json]"
    )]
    pub key: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub key: KeyFileArg,
}

/// What `key generate` and `key show` print under `--json`.
#[derive(Debug, Serialize)]
struct KeySummary {
    path: String,
    alg: Alg,
    #[serde(rename = "pub")]
    public: String,
    tmb: String,
}

impl KeySummary {
    fn new(path: &Path, key: &SigningKey) -> Self {
        let public = key.public();
        Self {
            path: path.display().to_string(),
            alg: public.alg(),
            public: public.to_b64(),
            tmb: public.tmb().to_b64(),
        }
    }

    fn write_human(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        writeln!(w, "alg:  {}", self.alg)?;
        writeln!(w, "pub:  {}", self.public)?;
        writeln!(w, "tmb:  {}", self.tmb)?;
        writeln!(w, "file: {}", self.path)
    }
}

pub fn run(args: &KeyArgs, out: &Output) -> anyhow::Result<()> {
    match &args.command {
        KeyCommand::Generate(args) => generate(args, out),
        KeyCommand::Show(args) => show(args, out),
    }
}

impl KeyFileArg {
    /// The key file: the flag, else `$EKA_KEY` (clap reads both), else the
    /// default under the config directory.
    pub fn path(&self) -> anyhow::Result<PathBuf> {
        key_path(self.key.as_deref())
    }

    /// Read and check the key file.
    pub fn load(&self, out: &Output) -> anyhow::Result<(PathBuf, SigningKey)> {
        let path = self.path()?;
        let key = load_key(&path, out)?;
        Ok((path, key))
    }
}

fn key_path(flag: Option<&Path>) -> anyhow::Result<PathBuf> {
    match flag {
        Some(path) if !path.as_os_str().is_empty() => Ok(path.to_owned()),
        _ => Ok(crate::paths::config_dir()?.join("key.json")),
    }
}

fn load_key(path: &Path, out: &Output) -> anyhow::Result<SigningKey> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => bail!(
            "no key at {}; create one with `eka key generate` (or point --key or EKA_KEY at one)",
            path.display()
        ),
        Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
    };
    let key = SigningKey::from_json(&bytes)
        .map_err(|err| anyhow!("invalid key file {}: {err}", path.display()))?;
    if let Ok(metadata) = fs::metadata(path)
        && metadata.permissions().mode() & 0o077 != 0
    {
        out.warn(format_args!(
            "{} is readable by others (mode {:o}); run `chmod 600 {}`",
            path.display(),
            metadata.permissions().mode() & 0o777,
            path.display()
        ));
    }
    Ok(key)
}

fn generate(args: &GenerateArgs, out: &Output) -> anyhow::Result<()> {
    let path = key_path(args.out.as_deref())?;
    if path.exists() {
        return Err(already_exists(&path));
    }
    let key = SigningKey::generate(args.alg.into());
    write_new_private_file(&path, key.to_json().as_bytes())?;
    out.status(format_args!(
        "wrote a new {} key to {}",
        key.alg(),
        path.display()
    ));
    let summary = KeySummary::new(&path, &key);
    out.result(&summary, |w| summary.write_human(w))
}

fn show(args: &ShowArgs, out: &Output) -> anyhow::Result<()> {
    let (path, key) = args.key.load(out)?;
    let summary = KeySummary::new(&path, &key);
    out.result(&summary, |w| summary.write_human(w))
}

/// Write `contents` to the new file `path`, readable only by its owner,
/// creating its directory (also owner-only) if needed.
fn write_new_private_file(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
    }
    crate::project::write_new(path, contents, 0o600).map_err(|err| match err.kind() {
        std::io::ErrorKind::AlreadyExists => already_exists(path),
        _ => anyhow!("cannot write {}: {err}", path.display()),
    })
}

fn already_exists(path: &Path) -> anyhow::Error {
    anyhow!(
        "{} already exists; eka never overwrites a key (choose another path with --out)",
        path.display()
    )
}
