//! `eka new PATH`: a new atom directory with an `atom.toml` skeleton.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};
use atom_id::{Label, RawVersion};
use atom_manifest::{MANIFEST_FILE, Manifest};
use clap::Args;
use serde::Serialize;

use crate::output::Output;

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The atom's directory (created if missing).
    #[arg(value_name = "PATH")]
    pub path: PathBuf,

    /// The atom's label [default: the directory's name].
    #[arg(long, value_name = "LABEL")]
    pub tag: Option<String>,

    /// The first version.
    #[arg(long, value_name = "VERSION", default_value = "0.1.0")]
    pub version: String,

    /// A one-line description.
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
}

/// What `--json` prints.
#[derive(Debug, Serialize)]
struct Created {
    path: String,
    tag: String,
    version: String,
}

pub fn run(args: &NewArgs, out: &Output) -> anyhow::Result<()> {
    let tag = tag(args)?;
    let version: RawVersion = args
        .version
        .parse()
        .map_err(|err| anyhow!("invalid --version: {err}"))?;
    let file = args.path.join(MANIFEST_FILE);
    if file.exists() {
        bail!(
            "{} already exists; eka new never overwrites a manifest",
            file.display()
        );
    }
    let text = skeleton(&tag, &version, args.description.as_deref());
    // What is written must be what eka itself accepts.
    Manifest::parse(&file, &text).map_err(|diagnostics| anyhow!("{diagnostics}"))?;
    std::fs::create_dir_all(&args.path)
        .with_context(|| format!("cannot create {}", args.path.display()))?;
    crate::project::write_new(&file, text.as_bytes(), 0o644).map_err(|err| match err.kind() {
        std::io::ErrorKind::AlreadyExists => {
            anyhow!(
                "{} already exists; eka new never overwrites a manifest",
                file.display()
            )
        }
        _ => anyhow!("cannot write {}: {err}", file.display()),
    })?;
    out.status(format_args!("created {}", file.display()));
    let created = Created {
        path: file.display().to_string(),
        tag: tag.to_string(),
        version: version.to_string(),
    };
    out.result(&created, |w| {
        writeln!(w, "{} {}@{}", created.path, created.tag, created.version)
    })
}

/// The label: `--tag`, else the directory's name, which must then be a
/// valid label.
fn tag(args: &NewArgs) -> anyhow::Result<Label> {
    if let Some(tag) = &args.tag {
        return tag.parse().map_err(|err| anyhow!("invalid --tag: {err}"));
    }
    let name = directory_name(&args.path)?;
    name.parse().map_err(|err| {
        anyhow!(
            "the directory name `{name}` is not a valid atom label ({err}); choose one with --tag"
        )
    })
}

fn directory_name(path: &Path) -> anyhow::Result<String> {
    let absolute =
        std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))?;
    absolute
        .components()
        .next_back()
        .and_then(|last| match last {
            std::path::Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
            _ => None,
        })
        .ok_or_else(|| {
            anyhow!(
                "{} has no directory name; choose a label with --tag",
                path.display()
            )
        })
}

/// `atom.toml` for a new atom (SPEC §5): `[atom]` with `tag`, `version` and
/// optionally `description`, and commented pointers to the other tables.
fn skeleton(tag: &Label, version: &RawVersion, description: Option<&str>) -> String {
    let quote = |text: &str| toml::Value::String(text.to_owned()).to_string();
    let description = match description {
        Some(text) => format!("description = {}\n", quote(text)),
        None => "# description = \"What this atom is, in one line.\"\n".to_owned(),
    };
    format!(
        "[atom]\n\
         tag = {}\n\
         version = {}\n\
         {description}\n\
         # Where the atoms this one depends on come from (\"::\" is this repository):\n\
         # [atom.sources]\n\
         # company = \"https://git.example.com/atoms\"\n\
         \n\
         # [atoms.company]\n\
         # some-atom = \"^1.0\"\n",
        quote(tag.as_str()),
        quote(version.as_str()),
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::skeleton;

    #[test]
    fn the_skeleton_is_a_valid_manifest() {
        for description in [None, Some("A \"quoted\" thing\\")] {
            let text = skeleton(
                &"ひらがな".parse().unwrap(),
                &"1.0.0".parse().unwrap(),
                description,
            );
            let manifest = atom_manifest::Manifest::parse(Path::new("atom.toml"), &text).unwrap();
            assert_eq!(manifest.atom.tag.as_str(), "ひらがな");
            assert_eq!(manifest.atom.version.as_str(), "1.0.0");
            assert_eq!(
                manifest.atom.description.as_ref().map(|d| d.as_str()),
                description
            );
        }
    }
}
