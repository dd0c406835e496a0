//! `eka remove NAME…`: drop dependencies from `atom.toml` and `atom.lock`.

use clap::Args;

use atom_manifest::{ManifestEditor, Update};

use crate::cmd::lock::{FetchArgs, Resolution, report};
use crate::output::Output;
use crate::project::{Project, write_atomically};

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// Atoms (by tag) or legacy entries (by name) to remove.
    #[arg(value_name = "NAME", required = true)]
    pub names: Vec<String>,

    /// Edit atom.toml only; leave atom.lock as it is.
    #[arg(long)]
    pub no_lock: bool,

    #[command(flatten)]
    pub fetch: FetchArgs,
}

pub fn run(args: &RemoveArgs, offline: bool, out: &Output) -> anyhow::Result<()> {
    let project = Project::find()?;
    let mut editor = ManifestEditor::new(&project.manifest_path, &project.manifest_text)?;
    for name in &args.names {
        editor.remove(name)?;
    }
    let (text, manifest) = editor.finish()?;
    save(
        &project,
        &text,
        &manifest,
        args.no_lock,
        args.fetch,
        offline,
        out,
    )
}

/// Lock an edited manifest (unless `no_lock`), then write the manifest and
/// the lock. Nothing is written when locking fails.
pub fn save(
    project: &Project,
    text: &str,
    manifest: &atom_manifest::Manifest,
    no_lock: bool,
    fetch: FetchArgs,
    offline: bool,
    out: &Output,
) -> anyhow::Result<()> {
    if no_lock {
        write_atomically(&project.manifest_path, text.as_bytes())?;
        let path = project.manifest_path.display().to_string();
        let report = serde_json::json!({ "manifest": path, "written": true, "lock": null });
        return out.result(&report, |w| {
            writeln!(w, "wrote {path} (atom.lock left as it is)")
        });
    }
    let resolution = Resolution {
        manifest_path: &project.manifest_path,
        manifest_text: text,
        manifest,
    };
    let locked = resolution.resolve(project, Update::Nothing, false, fetch, offline, out)?;
    write_atomically(&project.manifest_path, text.as_bytes())?;
    out.status(format!("wrote {}", project.manifest_path.display()));
    report(project, &locked, &locked.lock.to_toml(), out)
}
