//! `eka prefetch url|tar|git URL`: fetch a legacy source and print the hash
//! (and rev, and store path) Nix's own fetcher would give it.

use std::io::Write;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use nix_fetch::{Algorithm, Fetched, Hash, Request};
use serde::Serialize;

use crate::cli::GlobalArgs;
use crate::cmd::hash::Format;
use crate::output::Output;

#[derive(Debug, Args)]
pub struct PrefetchArgs {
    #[command(subcommand)]
    pub what: PrefetchCommand,
}

#[derive(Debug, Subcommand)]
pub enum PrefetchCommand {
    /// A file, hashed flat as `builtins.fetchurl` does (or, with
    /// --executable, as the NAR of one executable file).
    #[command(after_help = "Examples:\n  \
        eka prefetch url https://example.org/data.json\n  \
        eka prefetch url --base32 --print-path https://example.org/tool.sh   # as nix-prefetch-url\n  \
        eka prefetch url --executable https://example.org/tool.sh")]
    Url(UrlArgs),
    /// An archive (tar, tar.gz/xz/bz2/zst, zip) with one top-level
    /// directory, hashed as `builtins.fetchTarball` does.
    #[command(after_help = "Examples:\n  \
        eka prefetch tar https://example.org/project-1.0.tar.gz\n  \
        eka prefetch tar --print-path --name project-1.0 https://example.org/project-1.0.zip")]
    Tar(TarArgs),
    /// A git revision: its rev and the narHash `builtins.fetchGit` (Nix 2.8)
    /// gives it.
    #[command(after_help = "Examples:\n  \
        eka prefetch git https://example.org/project.git              # the remote's HEAD\n  \
        eka prefetch git --ref v1.2.0 https://example.org/project.git\n  \
        eka prefetch git --rev 0123abcd…(40 hex) https://example.org/project.git\n\n\
        Text output: the hash, then the rev, then (with --print-path) the store path.")]
    Git(GitArgs),
}

#[derive(Debug, Args)]
pub struct Common {
    /// The URL (`https://`, `http://` or `file://`; any git URL for `git`).
    #[arg(value_name = "URL")]
    pub url: String,
    /// The hash the result must have (SRI, `sha256:…` or bare base-32/hex).
    /// A cached download with this hash is used without the network.
    #[arg(long = "hash", value_name = "HASH")]
    pub expected: Option<String>,
    /// The store path name (default: the URL's last component for files,
    /// `source` for archives and git).
    #[arg(long)]
    pub name: Option<String>,
    /// Also print the store path Nix would add the result at.
    #[arg(long)]
    pub print_path: bool,
    /// Download again even if the cache holds the expected result.
    #[arg(long)]
    pub refresh: bool,
    #[command(flatten)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct UrlArgs {
    /// Hash the file as the NAR of one executable file (`<nix/fetchurl.nix>`
    /// with `executable = true`, `nix-prefetch-url --executable`).
    #[arg(long)]
    pub executable: bool,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct TarArgs {
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct GitArgs {
    /// A branch or tag name, or a full ref (`refs/…`). Default: the remote's HEAD.
    #[arg(long = "ref", value_name = "REF")]
    pub reference: Option<String>,
    /// The commit to fetch (40 hex digits). Default: the tip of --ref.
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

/// What `--json` prints.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Prefetched<'a> {
    url: &'a str,
    fetched_from: &'a str,
    /// `flat` or `recursive`.
    method: &'static str,
    hash: String,
    /// The hash as `nix-prefetch-url` prints it.
    nix32: String,
    rev: Option<&'a str>,
    #[serde(rename = "ref")]
    reference: Option<&'a str>,
    name: &'a str,
    store_path: Option<String>,
    from_cache: bool,
}

pub fn run(args: &PrefetchArgs, global: &GlobalArgs, out: &Output) -> anyhow::Result<()> {
    let (common, request) = match &args.what {
        PrefetchCommand::Url(url) => (
            &url.common,
            if url.executable {
                Request::executable(&url.common.url)
            } else {
                Request::file(&url.common.url)
            },
        ),
        PrefetchCommand::Tar(tar) => (&tar.common, Request::tarball(&tar.common.url)),
        PrefetchCommand::Git(git) => (
            &git.common,
            Request::git(&git.common.url, git.reference.clone(), git.rev.clone()),
        ),
    };
    let mut request = request.with_refresh(common.refresh);
    if let Some(name) = &common.name {
        request = request.with_name(name);
    }
    if let Some(expected) = &common.expected {
        request = request.with_expected(parse_hash(expected)?);
    }

    out.status(format_args!("fetching {}", request.url));
    let fetched = crate::fetcher::fetcher(global.offline)?
        .fetch(&request)
        .with_context(|| format!("cannot prefetch {}", request.url))?;
    let store_path = match (&fetched.store_path, common.print_path) {
        (None, true) => anyhow::bail!(
            "{:?} is not a valid store path name, so there is no store path to print; pass --name",
            fetched.name
        ),
        (path, _) => path.as_ref().map(ToString::to_string),
    };
    let json = Prefetched {
        url: &fetched.url,
        fetched_from: &fetched.fetched_from,
        method: match fetched.method {
            nix_fetch::Method::Flat => "flat",
            nix_fetch::Method::Recursive => "recursive",
        },
        hash: fetched.hash.to_sri(),
        nix32: fetched.hash.to_nix32(),
        rev: fetched.rev.as_deref(),
        reference: fetched.reference.as_deref(),
        name: &fetched.name,
        store_path,
        from_cache: fetched.from_cache,
    };
    out.result(&json, |w| {
        print_text(w, &fetched, &common.format, common.print_path)
    })
}

fn print_text(
    w: &mut dyn Write,
    fetched: &Fetched,
    format: &Format,
    print_path: bool,
) -> std::io::Result<()> {
    writeln!(w, "{}", format.print(&fetched.hash))?;
    if let Some(rev) = &fetched.rev {
        writeln!(w, "{rev}")?;
    }
    if print_path && let Some(path) = &fetched.store_path {
        writeln!(w, "{path}")?;
    }
    Ok(())
}

/// A hash in any form Nix accepts; bare digests are SHA-256.
fn parse_hash(text: &str) -> anyhow::Result<Hash> {
    Hash::parse(text)
        .or_else(|_| Hash::parse_as(Algorithm::Sha256, text))
        .with_context(|| format!("invalid --hash {text:?}"))
}
