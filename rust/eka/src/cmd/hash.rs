//! `eka hash path|file`: the hashes `nix hash path` and `nix hash file` print.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::{Args, Subcommand, ValueEnum};
use nix_fetch::{Algorithm, Hash, Hasher};
use serde::Serialize;

use crate::output::Output;

#[derive(Debug, Args)]
pub struct HashArgs {
    #[command(subcommand)]
    pub what: HashCommand,
}

#[derive(Debug, Subcommand)]
pub enum HashCommand {
    /// Hash the NAR serialisation of paths (files, symlinks, directories),
    /// like `nix hash path`.
    #[command(after_help = "Examples:\n  \
        eka hash path ./src                   # sha256-… (SRI), as `nix hash path ./src`\n  \
        eka hash path --base32 ./src          # as `nix-hash --type sha256 --base32 ./src`\n  \
        eka hash path --flat ./archive.tar.gz # the file's bytes, as `nix hash file`\n  \
        eka hash path --type sha512 --json a b")]
    Path(PathArgs),
    /// Hash the bytes of files, like `nix hash file`.
    #[command(after_help = "Examples:\n  \
        eka hash file ./archive.tar.gz        # sha256-… (SRI)\n  \
        eka hash file --base32 ./archive.tar.gz   # as `nix-prefetch-url` prints it")]
    File(FileArgs),
}

#[derive(Debug, Args)]
pub struct PathArgs {
    /// Hash the file's bytes instead of its NAR (as `nix-hash --flat`).
    #[arg(long)]
    pub flat: bool,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct FileArgs {
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct Common {
    /// The hash algorithm.
    #[arg(long = "type", value_enum, default_value_t = AlgorithmArg::Sha256)]
    pub algorithm: AlgorithmArg,
    #[command(flatten)]
    pub format: Format,
    /// The paths to hash; one hash is printed per path, in order.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
}

/// How to print a hash; SRI unless told otherwise, as `nix hash` does.
#[derive(Debug, Args)]
#[group(multiple = false)]
pub struct Format {
    /// Print SRI: `sha256-<base64>` (the default).
    #[arg(long)]
    pub sri: bool,
    /// Print Nix's base-32, as `nix-prefetch-url` does.
    #[arg(long)]
    pub base32: bool,
    /// Print hexadecimal, as `nix-hash` does by default.
    #[arg(long)]
    pub base16: bool,
    /// Print plain base-64.
    #[arg(long)]
    pub base64: bool,
}

impl Format {
    pub fn print(&self, hash: &Hash) -> String {
        if self.base32 {
            hash.to_nix32()
        } else if self.base16 {
            hash.to_base16()
        } else if self.base64 {
            hash.to_base64()
        } else {
            hash.to_sri()
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AlgorithmArg {
    Sha256,
    Sha512,
}

impl From<AlgorithmArg> for Algorithm {
    fn from(arg: AlgorithmArg) -> Self {
        match arg {
            AlgorithmArg::Sha256 => Algorithm::Sha256,
            AlgorithmArg::Sha512 => Algorithm::Sha512,
        }
    }
}

/// One line of output.
#[derive(Debug, Serialize)]
struct Hashed {
    path: String,
    hash: String,
}

pub fn run(args: &HashArgs, out: &Output) -> anyhow::Result<()> {
    let (common, flat) = match &args.what {
        HashCommand::Path(args) => (&args.common, args.flat),
        HashCommand::File(args) => (&args.common, true),
    };
    let algorithm = Algorithm::from(common.algorithm);
    let hashed = common
        .paths
        .iter()
        .map(|path| {
            let hash = if flat {
                hash_file(path, algorithm)
            } else {
                hash_path(path, algorithm)
            }?;
            Ok(Hashed {
                path: path.display().to_string(),
                hash: common.format.print(&hash),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    out.result(&hashed, |w| {
        hashed.iter().try_for_each(|h| writeln!(w, "{}", h.hash))
    })
}

fn hash_path(path: &Path, algorithm: Algorithm) -> anyhow::Result<Hash> {
    Ok(nar::write_path(path, Hasher::new(algorithm))
        .with_context(|| format!("cannot hash {}", path.display()))?
        .finish())
}

fn hash_file(path: &Path, algorithm: Algorithm) -> anyhow::Result<Hash> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut hasher = Hasher::new(algorithm);
    std::io::copy(&mut file, &mut hasher)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(hasher.finish())
}
