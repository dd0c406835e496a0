//! git without the user's or the system's configuration, with fixed
//! identities and dates so that the same steps give the same commits.

use std::path::Path;
use std::process::Command;

/// The environment that shuts out every git configuration but the
/// repository's own (also given to Nix, which runs git itself).
pub const ISOLATION: [(&str, &str); 8] = [
    ("GIT_CONFIG_GLOBAL", "/dev/null"),
    ("GIT_CONFIG_NOSYSTEM", "1"),
    ("GIT_AUTHOR_NAME", "Oracle"),
    ("GIT_AUTHOR_EMAIL", "oracle@example.org"),
    ("GIT_AUTHOR_DATE", "2020-01-01T00:00:00Z"),
    ("GIT_COMMITTER_NAME", "Oracle"),
    ("GIT_COMMITTER_EMAIL", "oracle@example.org"),
    ("GIT_COMMITTER_DATE", "2020-01-01T00:00:00Z"),
];

/// Run `git args…` in `dir`; its trimmed stdout, or a panic with its stderr.
pub fn git(dir: &Path, args: &[&str]) -> String {
    crate::require_tool("git", "git tests drive real repositories");
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .envs(ISOLATION)
        .output()
        .unwrap_or_else(|err| panic!("cannot run git: {err}"));
    assert!(
        output.status.success(),
        "git {args:?} in {} failed:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// `git init` a new repository at `dir` with `main` as its branch.
pub fn init(dir: &Path) {
    std::fs::create_dir_all(dir).expect("repository directory");
    git(dir, &["init", "--quiet", "--initial-branch=main"]);
}

/// Stage everything and commit; the new commit's id.
pub fn commit_all(dir: &Path, message: &str) -> String {
    git(dir, &["add", "--all"]);
    git(
        dir,
        &["commit", "--quiet", "--allow-empty", "--message", message],
    );
    git(dir, &["rev-parse", "HEAD"])
}
