//! Sending atom refs to a remote: one listing to compare, then one push.
//!
//! gix cannot push yet, so the push itself is one `git push` process for
//! all refs together (`--atomic`: all of them or none) — never one process
//! per ref.

use std::collections::HashMap;
use std::process::Command;

use gix::ObjectId;
use gix::refs::FullName;

use crate::refs::NAMESPACE;
use crate::{Error, local, transport};

/// What a push did ([`GitRegistry::push`](crate::GitRegistry::push)).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pushed {
    /// The remote.
    pub url: String,
    /// Refs sent.
    pub pushed: Vec<String>,
    /// Refs the remote already had with the same target.
    pub up_to_date: Vec<String>,
}

/// Push the local refs `names` to `url`.
///
/// The remote's refs are listed first: one it already has with the same
/// target is skipped, one it has with another target is an error before
/// anything is sent (published refs are never overwritten — the push is
/// also never forced, so the remote refuses a race the same way).
pub(crate) fn push(repo: &gix::Repository, url: &str, names: &[FullName]) -> Result<Pushed, Error> {
    let mut outcome = Pushed {
        url: url.to_owned(),
        ..Pushed::default()
    };
    if names.is_empty() {
        return Ok(outcome);
    }
    let remote: HashMap<Vec<u8>, ObjectId> = transport::list_raw(repo, url)?.into_iter().collect();
    let mut to_push = Vec::new();
    for name in names {
        let Some(ours) = local::target(repo, name)? else {
            return Err(Error::git(
                format!("cannot push {}: it does not exist locally", name.as_bstr()),
                "missing ref",
            ));
        };
        let text = name.as_bstr().to_string();
        match remote.get(name.as_bstr().as_ref() as &[u8]) {
            Some(theirs) if *theirs == ours => outcome.up_to_date.push(text),
            Some(theirs) => {
                return Err(Error::RefExists {
                    name: text,
                    location: url.to_owned(),
                    existing: *theirs,
                    new: ours,
                });
            }
            None => to_push.push((text, ours)),
        }
    }
    if to_push.is_empty() {
        return Ok(outcome);
    }

    let staging = Staging::new(repo, &to_push).map_err(|err| Error::Push {
        url: url.to_owned(),
        message: format!("cannot prepare the push: {err}"),
    })?;
    let output = Command::new("git")
        .arg("--git-dir")
        .arg(staging.dir.path())
        .args(["push", "--porcelain", "--atomic", "--no-verify", url])
        .arg(format!("{NAMESPACE}*:{NAMESPACE}*"))
        .output()
        .map_err(|err| Error::Push {
            url: url.to_owned(),
            message: format!("cannot run git: {err}"),
        })?;
    if !output.status.success() {
        let stdout = String::from_utf8_lossy(&output.stdout);
        let rejected: Vec<&str> = stdout
            .lines()
            .filter(|line| line.starts_with('!'))
            .collect();
        let mut message = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        if !rejected.is_empty() {
            message.push_str("\nrejected:\n");
            message.push_str(&rejected.join("\n"));
        }
        return Err(Error::Push {
            url: url.to_owned(),
            message,
        });
    }
    outcome.pushed = to_push.into_iter().map(|(name, _)| name).collect();
    Ok(outcome)
}

/// A throwaway bare repository holding exactly the refs to push (in one
/// `packed-refs` file) and borrowing the project's objects (through
/// `objects/info/alternates`), so that one glob refspec pushes them all.
///
/// Why not name each ref on `git push`'s command line: git matches every
/// explicit refspec against every ref on both sides, which is quadratic —
/// minutes for ten thousand atoms — while a glob is matched once per ref.
/// Why not a namespace in the project itself: a staging area of its own
/// leaves the project's refs untouched even when eka is interrupted.
struct Staging {
    dir: tempfile::TempDir,
}

impl Staging {
    fn new(repo: &gix::Repository, refs: &[(String, ObjectId)]) -> std::io::Result<Self> {
        let dir = tempfile::Builder::new().prefix("eka-push-").tempdir()?;
        let root = dir.path();
        std::fs::create_dir_all(root.join("objects/info"))?;
        std::fs::create_dir_all(root.join("refs"))?;
        std::fs::write(root.join("HEAD"), "ref: refs/heads/main\n")?;
        let common = repo.common_dir();
        let common = common.canonicalize().unwrap_or_else(|_| common.to_owned());
        std::fs::write(
            root.join("objects/info/alternates"),
            format!("{}\n", common.join("objects").display()),
        )?;
        // The project's configuration (URL rewrites, credentials, ssh and
        // http settings) applies as if pushing from the project; what
        // follows the include makes this a bare repository of its own.
        std::fs::write(
            root.join("config"),
            format!(
                "[include]\n\tpath = {}\n[core]\n\trepositoryformatversion = 0\n\tbare = true\n",
                config_string(&common.join("config").display().to_string())
            ),
        )?;
        let mut sorted: Vec<&(String, ObjectId)> = refs.iter().collect();
        sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let mut packed = String::from("# pack-refs with: peeled fully-peeled sorted \n");
        for (name, id) in sorted {
            packed.push_str(&format!("{id} {name}\n"));
        }
        std::fs::write(root.join("packed-refs"), packed)?;
        Ok(Self { dir })
    }
}

/// `text` as a quoted git config value.
fn config_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
