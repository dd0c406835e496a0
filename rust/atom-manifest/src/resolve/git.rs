//! Which commit of a git repository a legacy entry means, from the refs the
//! remote advertises.

use std::collections::BTreeMap;

use crate::lock::Rev;
use crate::requirement::{Requirement, parse_version};

/// What a remote advertises: where `HEAD` points and every branch and tag,
/// each peeled to the commit it names (an annotated tag's commit, not the
/// tag object).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitRefs {
    /// The commit of the default branch.
    pub head: Option<Rev>,
    /// Full ref names (`refs/heads/main`, `refs/tags/v1.2.0`) → commit.
    pub refs: BTreeMap<String, Rev>,
}

/// A commit picked from [`GitRefs`] and how the lock names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Picked {
    /// `ref` as the lock writes it: `None` for the default branch, a branch
    /// as written (Nix reads a short ref as a branch), a tag as
    /// `refs/tags/<tag>`.
    pub git_ref: Option<String>,
    /// The tag's version, when a requirement picked it.
    pub version: Option<String>,
    pub rev: Rev,
}

/// The default branch's tip.
pub(crate) fn head(refs: &GitRefs) -> Result<Picked, String> {
    let rev = refs
        .head
        .clone()
        .ok_or("the remote advertises no HEAD (an empty repository?)")?;
    Ok(Picked {
        git_ref: None,
        version: None,
        rev,
    })
}

/// The commit `wanted` names: a full ref as is; otherwise a tag (written
/// `refs/tags/<tag>`) before a branch (written as given), as git resolves
/// an ambiguous name.
pub(crate) fn by_ref(refs: &GitRefs, wanted: &str) -> Result<Picked, String> {
    let found = |name: &str| refs.refs.get(name).cloned();
    let (git_ref, rev) = if wanted.starts_with("refs/") {
        (wanted.to_owned(), found(wanted))
    } else if let Some(rev) = found(&format!("refs/tags/{wanted}")) {
        (format!("refs/tags/{wanted}"), Some(rev))
    } else {
        (wanted.to_owned(), found(&format!("refs/heads/{wanted}")))
    };
    let rev = rev.ok_or_else(|| {
        let mut known: Vec<&str> = refs
            .refs
            .keys()
            .filter_map(|r| {
                r.strip_prefix("refs/heads/")
                    .or_else(|| r.strip_prefix("refs/tags/"))
            })
            .collect();
        known.sort_unstable();
        known.dedup();
        let more = known.len() > 8;
        known.truncate(8);
        format!(
            "no branch or tag `{wanted}` (the remote has {}{})",
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            },
            if more { ", …" } else { "" }
        )
    })?;
    Ok(Picked {
        git_ref: Some(git_ref),
        version: None,
        rev,
    })
}

/// The tag `vX.Y.Z` or `X.Y.Z` with the highest version that satisfies
/// `requirement`. Of two tags with the same version, the one without `v`.
pub(crate) fn by_version(refs: &GitRefs, requirement: &Requirement) -> Result<Picked, String> {
    let mut best = None;
    let mut seen = 0;
    for (name, rev) in &refs.refs {
        let Some(tag) = name.strip_prefix("refs/tags/") else {
            continue;
        };
        let Some(version) = parse_version(tag.strip_prefix('v').unwrap_or(tag)) else {
            continue;
        };
        seen += 1;
        if !requirement.matches(&version) {
            continue;
        }
        let better = match &best {
            None => true,
            Some((v, t, _)) => (&version, std::cmp::Reverse(tag)) > (v, std::cmp::Reverse(*t)),
        };
        if better {
            best = Some((version, tag, rev));
        }
    }
    let (version, tag, rev) = best.ok_or_else(|| {
        if seen == 0 {
            format!("no tag is a version (`v1.2.3` or `1.2.3`), so none can match `{requirement}`")
        } else {
            format!("none of the {seen} version tags matches `{requirement}`")
        }
    })?;
    Ok(Picked {
        git_ref: Some(format!("refs/tags/{tag}")),
        version: Some(version.to_string()),
        rev: rev.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rev(n: u8) -> Rev {
        format!("{n:040x}").parse().unwrap()
    }

    fn remote() -> GitRefs {
        let mut refs = BTreeMap::new();
        for (name, n) in [
            ("refs/heads/main", 1),
            ("refs/heads/release", 2),
            ("refs/tags/v1.2.0", 3),
            ("refs/tags/v1.3.1", 4),
            ("refs/tags/1.3.1", 5),
            ("refs/tags/v2.0.0", 6),
            ("refs/tags/v1.4.0-rc.1", 7),
            ("refs/tags/nightly", 8),
            ("refs/tags/release", 9),
        ] {
            refs.insert(name.to_owned(), rev(n));
        }
        GitRefs {
            head: Some(rev(1)),
            refs,
        }
    }

    #[test]
    fn the_default_branch_needs_no_ref() {
        assert_eq!(
            head(&remote()).unwrap(),
            Picked {
                git_ref: None,
                version: None,
                rev: rev(1)
            }
        );
        assert!(head(&GitRefs::default()).is_err());
    }

    #[test]
    fn branches_keep_their_name_and_tags_are_written_in_full() {
        let r = remote();
        assert_eq!(by_ref(&r, "main").unwrap().git_ref.as_deref(), Some("main"));
        assert_eq!(by_ref(&r, "main").unwrap().rev, rev(1));
        assert_eq!(
            by_ref(&r, "nightly").unwrap().git_ref.as_deref(),
            Some("refs/tags/nightly")
        );
        // A name that is both: the tag, as `git rev-parse` would.
        assert_eq!(by_ref(&r, "release").unwrap().rev, rev(9));
        assert_eq!(
            by_ref(&r, "refs/heads/release").unwrap(),
            Picked {
                git_ref: Some("refs/heads/release".into()),
                version: None,
                rev: rev(2)
            }
        );
        let err = by_ref(&r, "nope").unwrap_err();
        assert_eq!(
            err,
            "no branch or tag `nope` (the remote has 1.3.1, main, nightly, release, v1.2.0, v1.3.1, v1.4.0-rc.1, v2.0.0)"
        );
    }

    #[test]
    fn the_highest_matching_version_tag_wins() {
        let r = remote();
        let pick = |req: &str| by_version(&r, &req.parse().unwrap());
        let p = pick("^1.2").unwrap();
        // 1.3.1 is tagged twice; the bare one is preferred.
        assert_eq!(p.git_ref.as_deref(), Some("refs/tags/1.3.1"));
        assert_eq!(p.version.as_deref(), Some("1.3.1"));
        assert_eq!(p.rev, rev(5));
        assert_eq!(
            pick("~1.2").unwrap().git_ref.as_deref(),
            Some("refs/tags/v1.2.0")
        );
        assert_eq!(pick(">=1").unwrap().version.as_deref(), Some("2.0.0"));
        // A pre-release only when asked for.
        assert_eq!(
            pick(">=1.4.0-rc.0, <2").unwrap().version.as_deref(),
            Some("1.4.0-rc.1")
        );
        assert_eq!(
            pick("^3").unwrap_err(),
            "none of the 5 version tags matches `^3`"
        );
        let none = GitRefs {
            head: None,
            refs: BTreeMap::new(),
        };
        assert!(
            by_version(&none, &"^1".parse().unwrap())
                .unwrap_err()
                .starts_with("no tag is a version")
        );
    }
}
