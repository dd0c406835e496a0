//! Sending atom refs to a remote: one listing to compare, then one push.
//!
//! gix cannot push yet, so the push itself is one `git push` process for
//! all refs together (`--atomic`: all of them or none) — never one process
//! per ref.

use std::collections::HashMap;
use std::process::Command;

use gix::ObjectId;
use gix::refs::FullName;

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
            None => to_push.push(text),
        }
    }
    if to_push.is_empty() {
        return Ok(outcome);
    }

    let output = Command::new("git")
        .arg("--git-dir")
        .arg(repo.git_dir())
        .args(["push", "--porcelain", "--atomic", "--no-verify", url])
        .args(to_push.iter().map(|name| format!("{name}:{name}")))
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
    outcome.pushed = to_push;
    Ok(outcome)
}
