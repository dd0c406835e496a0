//! `eka claim [LABEL…]`: claim labels in this repository with your key.

use atom_id::Label;
use clap::Args;
use serde::Serialize;

use crate::cmd::key::KeyFileArg;
use crate::output::Output;
use crate::repository;

#[derive(Debug, Args)]
pub struct ClaimArgs {
    /// Labels to claim [default: the `tag` of the nearest atom.toml].
    #[arg(value_name = "LABEL")]
    pub labels: Vec<String>,

    #[command(flatten)]
    pub key: KeyFileArg,
}

/// One claim, as `--json` prints it.
#[derive(Debug, Serialize)]
struct Claimed {
    label: String,
    id: String,
    #[serde(rename = "ref")]
    name: String,
    blob: String,
    /// `false`: the claim was already there, identical.
    created: bool,
}

pub fn run(args: &ClaimArgs, out: &Output) -> anyhow::Result<()> {
    // Every label is checked before anything is written.
    let labels: Vec<Label> = if args.labels.is_empty() {
        vec![(*crate::project::Project::find()?.manifest.atom.tag).clone()]
    } else {
        args.labels
            .iter()
            .map(|text| {
                text.parse()
                    .map_err(|err| anyhow::anyhow!("invalid label `{text}`: {err}"))
            })
            .collect::<anyhow::Result<_>>()?
    };
    let (_, key) = args.key.load(out)?;
    let registry = repository::open_registry(key)?;
    let mut claimed = Vec::new();
    for label in &labels {
        let claim = registry.claim_label(label)?;
        claimed.push(Claimed {
            label: label.to_string(),
            id: claim.id.to_string(),
            name: atom_git::refs::claim_ref(label)?.as_bstr().to_string(),
            blob: claim.blob.to_string(),
            created: claim.created,
        });
    }
    out.result(&claimed, |w| {
        for claim in &claimed {
            let note = if claim.created {
                "claimed"
            } else {
                "already claimed"
            };
            writeln!(w, "{note} {}: {}", claim.label, claim.id)?;
        }
        Ok(())
    })
}
