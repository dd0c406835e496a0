//! The command line grammar: global flags and the subcommand tree.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Long help shown under `eka --help`.
const AFTER_HELP: &str = "\
Examples:
  eka completions bash > ~/.local/share/bash-completion/completions/eka
  eka -C ./my-project --json <COMMAND>

Environment:
  EKA_CONFIG   configuration file (default: $XDG_CONFIG_HOME/eka/config.toml)
  EKA_KEY      signing key file (default: $XDG_CONFIG_HOME/eka/key.json)
  NO_COLOR     disable colours in human output

Exit status: 0 on success, 1 on failure, 2 on a usage error.";

/// eka: signed, git-hosted packages (atoms) and lock files whose hashes Nix accepts.
#[derive(Debug, Parser)]
#[command(
    name = "eka",
    version,
    about,
    long_about = "eka is the command line tool of the atom protocol.\n\n\
        Atoms are packages published as signed git refs. An `atom.toml` manifest names\n\
        the atoms and legacy Nix sources a project depends on; `eka lock` resolves them\n\
        into `atom.lock`, with hashes that Nix's own fetchers accept.",
    after_long_help = AFTER_HELP,
    propagate_version = true,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Flags accepted before or after any subcommand.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Run as if eka was started in DIR.
    #[arg(short = 'C', value_name = "DIR", global = true)]
    pub directory: Option<PathBuf>,

    /// Print machine-readable JSON on stdout instead of human text.
    #[arg(long, global = true)]
    pub json: bool,

    /// Say more about what is happening (repeat for more detail).
    #[arg(short, long, action = clap::ArgAction::Count, global = true, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Print only results and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Never touch the network: use only what is cached or local.
    #[arg(long, global = true)]
    pub offline: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a shell completion script.
    #[command(after_help = "Examples:\n  \
        eka completions bash > ~/.local/share/bash-completion/completions/eka\n  \
        eka completions zsh > \"${fpath[1]}/_eka\"\n  \
        eka completions fish > ~/.config/fish/completions/eka.fish")]
    Completions(crate::cmd::completions::CompletionsArgs),

    /// Show how an atom URI is read: its source (as written and with `+aliases`
    /// expanded), label and version.
    #[command(
        long_about = "Show how an atom URI is read: its source (as written and with `+aliases`\n\
            expanded), label and version.\n\n\
            An atom URI is `[source::]label[@version]`, split on the rightmost `::` and then\n\
            the rightmost `@`. A source may start with `+alias` where a host goes\n\
            (`+gh/owner/repo`, `git@+gh:owner/repo`, `ssh://git@+gh:22/o/r`); aliases come\n\
            from `[aliases]` in the config file, on top of the built-in gh (github.com),\n\
            gl (gitlab.com), cb (codeberg.org), sh (git.sr.ht) and bb (bitbucket.org).",
        after_help = "Examples:\n  \
            eka uri +gh/owner/repo::my-atom@1.0\n  \
            eka uri git@+gh:owner/repo::this-atom@^1\n  \
            eka uri --json ::my-atom\n  \
            EKA_CONFIG=./config.toml eka uri +work/project::tool   # [aliases] work = \"+gh/my-org\""
    )]
    Uri(crate::cmd::uri::UriArgs),

    /// Create or show the key that signs claims and publishes.
    #[command(
        long_about = "Create or show the key that signs claims and publishes.\n\n\
            The key file is Coz private key JSON ({\"alg\",\"pub\",\"prv\",\"tmb\"}), readable only\n\
            by its owner. eka finds it at --out/--key, else $EKA_KEY, else\n\
            $XDG_CONFIG_HOME/eka/key.json.",
        after_help = "Examples:\n  \
            eka key generate\n  \
            eka key generate --alg ES256 --out ./release-key.json\n  \
            eka key show --json"
    )]
    Key(crate::cmd::key::KeyArgs),

    /// Check that this repository is ready to publish atoms: key, anchor, claims.
    #[command(
        long_about = "Check that this repository is ready to publish atoms from, and show its anchor.\n\n\
            The anchor is the repository's first commit (following first parents from HEAD);\n\
            every claim made here names it. eka init also checks that the signing key loads\n\
            and lists the labels already claimed. It changes nothing.",
        after_help = "Examples:\n  \
            eka init\n  \
            eka init --key ./release-key.json --json"
    )]
    Init(crate::cmd::init::InitArgs),

    /// Create an atom: a directory with an `atom.toml` skeleton.
    #[command(
        disable_version_flag = true,
        after_help = "Examples:\n  \
            eka new hello                          # ./hello/atom.toml, tag \"hello\", version 0.1.0\n  \
            eka new pkgs/tool --tag my-tool --version 1.0.0 --description \"A tool\"\n  \
            eka new . --tag this-repo"
    )]
    New(crate::cmd::new::NewArgs),

    /// Claim labels in this repository with your key (prints each atom's id).
    #[command(
        long_about = "Claim labels in this repository with your key, and print each atom's id.\n\n\
            A claim is a signed statement that your key owns LABEL in this repository; it is\n\
            stored at refs/eka/claims/LABEL and its digest is the atom's id. Claiming is\n\
            reproducible: the same key, label and repository always give the same claim, so\n\
            claiming again changes nothing. A label claimed by another key is refused.",
        after_help = "Examples:\n  \
            eka claim                    # the tag of ./atom.toml\n  \
            eka claim hello world\n  \
            eka claim --json hello"
    )]
    Claim(crate::cmd::claim::ClaimArgs),

    /// Publish atoms as committed at HEAD; with --remote, push them in one push.
    #[command(
        long_about = "Publish atoms as committed at HEAD, and with --remote push them and their claims\n\
            in one push.\n\n\
            Each PATH is an atom directory whose atom.toml gives its tag and version. The\n\
            version is stored at refs/eka/atoms/TAG/VERSION as a commit with no parents, the\n\
            directory's own tree, and a publish signed by the claim's key whose `dig` is the\n\
            hash of the tree's NAR. Publishing the same version again with the same tree\n\
            changes nothing; with another tree it is refused (published versions are never\n\
            replaced), here and on the remote.",
        after_help = "Examples:\n  \
            eka publish                              # the atom in .\n  \
            eka publish hello world --remote origin\n  \
            eka publish pkgs/* --remote git@github.com:me/atoms --json"
    )]
    Publish(crate::cmd::publish::PublishArgs),

    /// List the atoms and versions a source offers (one ref listing, no download).
    #[command(
        long_about = "List the atoms and versions a source offers.\n\n\
            One ref listing (refs/eka/*) is all it takes; no objects are downloaded and\n\
            nothing is verified (resolution does that). SOURCE is a path, a URL or a\n\
            `+alias/…` from [aliases] in the config file.",
        after_help = "Examples:\n  \
            eka list ../atoms\n  \
            eka list git://git.example.com/atoms\n  \
            eka list +gh/my-org/atoms --json"
    )]
    List(crate::cmd::list::ListArgs),

    /// Sign a payload with a key file, or verify a signed Coz message.
    #[command(after_help = "Examples:\n  \
        eka coz sign pay.json > message.json\n  \
        eka coz verify message.json\n  \
        eka coz verify --json message.json")]
    Coz(crate::cmd::coz::CozArgs),

    /// Print the hash Nix computes for a path (NAR) or a file (flat).
    #[command(
        long_about = "Print the hash Nix computes for a path or a file, exactly as `nix hash path`\n\
            and `nix hash file` print it: SRI by default, or --base32 / --base16 / --base64.\n\n\
            A path's hash covers its NAR serialisation: file contents, the owner's execute\n\
            bit, symlink targets and directory entries (sorted by bytes), nothing else.",
        after_help = "Examples:\n  \
            eka hash path ./src\n  \
            eka hash path --base32 ./src\n  \
            eka hash file ./archive.tar.gz\n  \
            eka hash path --flat --type sha512 ./archive.tar.gz"
    )]
    Hash(crate::cmd::hash::HashArgs),

    /// Fetch a URL, an archive or a git revision and print the hash Nix's own
    /// fetcher would give it.
    #[command(
        long_about = "Fetch a URL, an archive or a git revision and print the hash Nix's own fetcher\n\
            would give it (SRI by default; --base32 prints what nix-prefetch-url prints), the\n\
            rev for git, and with --print-path the store path.\n\n\
            Downloads are cached under $XDG_CACHE_HOME/eka; [mirrors] in the config file and\n\
            git's url.<base>.insteadOf rewrite where they come from; results always name the\n\
            URL as given. NIX_STORE_DIR sets the store directory of --print-path.",
        after_help = "Examples:\n  \
            eka prefetch url https://example.org/data.json\n  \
            eka prefetch url --executable --print-path https://example.org/tool.sh\n  \
            eka prefetch tar https://example.org/project-1.0.tar.gz\n  \
            eka prefetch git --ref v1.2.0 https://example.org/project.git\n  \
            eka --json prefetch git --rev 0123…(40 hex) file:///srv/git/project"
    )]
    Prefetch(crate::cmd::prefetch::PrefetchArgs),

    /// Resolve atom.toml into atom.lock: atoms to verified commits, legacy Nix
    /// sources to the hashes Nix checks.
    #[command(
        long_about = "Resolve atom.toml into atom.lock.\n\n\
            Atoms resolve to the highest version of their source that satisfies the\n\
            requirement, verified (claim, publish, content); legacy Nix sources are fetched\n\
            and hashed exactly as Nix's fetchers hash them, in parallel. Dependencies whose\n\
            entry is unchanged and that the lock has are kept without fetching. The lock is\n\
            written only once everything resolved, and atomically: an interrupted `eka lock`\n\
            leaves the previous lock as it was.",
        after_help = "Examples:\n  \
            eka lock                    # resolve what is new or changed\n  \
            eka lock --locked           # CI: fail (writing nothing) unless atom.lock is up to date\n  \
            eka lock --offline          # use only the download cache and local repositories\n  \
            eka -C path/to/project lock --json -j 32"
    )]
    Lock(crate::cmd::lock::LockArgs),

    /// Resolve dependencies again although atom.lock has them: all, or the NAMEs given.
    #[command(after_help = "Examples:\n  \
        eka update                  # every atom and legacy source, newest allowed\n  \
        eka update nixpkgs          # only nixpkgs (and what binds to it)\n  \
        eka update auth-service docs --json")]
    Update(crate::cmd::lock::UpdateArgs),

    /// Fetch everything atom.lock names again and check every hash and signature.
    #[command(after_help = "Examples:\n  \
        eka verify                  # exits 1 and names each bond that does not match\n  \
        eka verify --json -j 4")]
    Verify(crate::cmd::verify::VerifyArgs),

    /// Add a dependency to atom.toml (comments and order kept) and lock it.
    #[command(after_help = "Examples:\n  \
        eka add +gh/our-org/atoms::auth-service@^1.5   # declares the source if needed\n  \
        eka add company-atoms::auth-service            # a declared source; ^ of the newest release\n  \
        eka add ::local-utility@^0.1                  # an atom of this repository\n  \
        eka add nix nixpkgs --git https://github.com/NixOS/nixpkgs --ref nixos-unstable\n  \
        eka add nix installer --url https://nixos.org/nix/install --no-lock")]
    Add(crate::cmd::add::AddArgs),

    /// Remove dependencies from atom.toml (comments and order kept) and atom.lock.
    #[command(after_help = "Examples:\n  \
        eka remove auth-service\n  \
        eka remove nixpkgs installer --no-lock")]
    Remove(crate::cmd::remove::RemoveArgs),

    /// Run a mirror of atom sources that verifies every atom before it serves it.
    #[command(after_help = "Examples:\n  \
        eka mirror sync --config /etc/atom-mirror.toml\n  \
        eka mirror sync --help")]
    Mirror(crate::cmd::mirror::MirrorArgs),
}

/// A mistake in how eka was invoked that clap cannot see (for example two
/// flags that only make sense together). Exits with status 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_command_tree_is_consistent() {
        Cli::command().debug_assert();
    }
}
