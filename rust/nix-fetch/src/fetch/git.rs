//! `builtins.fetchGit`: fetch a ref (or a revision on it) into a cached bare
//! repository with gix, and hash the revision's tree from the objects, as
//! Nix 2.8 does (see `nar::git::Export::Archive`).

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use gix::ObjectId;
use gix::bstr::ByteSlice as _;
use gix::remote::Direction;

use super::cache::EntryLock;
use super::{Error, Fetcher, Found, Request, shown};
use crate::hash::Hasher;

/// Why a git fetch failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GitError {
    #[error("cannot open or create the cached repository {}", path.display())]
    Repository {
        path: PathBuf,
        #[source]
        source: gix::Error,
    },
    #[error("cannot lock the cached repository {}", path.display())]
    Lock {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot fetch from the remote")]
    Remote(#[source] gix::Error),
    #[error("the remote has no ref {reference:?} (looked for {looked_for})")]
    NoSuchRef {
        reference: String,
        looked_for: String,
    },
    #[error("revision {rev} is not in the repository{}", reference.as_ref().map(|r| format!(" after fetching {r}")).unwrap_or_default())]
    NoSuchRev {
        rev: String,
        reference: Option<String>,
    },
    #[error("{rev:?} is not a full 40-digit commit id")]
    BadRev { rev: String },
    #[error("{rev} is a {kind}, not a commit")]
    NotACommit { rev: String, kind: String },
    #[error("cannot hash the tree")]
    Tree(#[source] nar::git::Error),
}

pub(crate) fn fetch(
    fetcher: &Fetcher,
    request: &Request,
    from: &str,
    reference: Option<&str>,
    rev: Option<&str>,
) -> Result<Found, Error> {
    let url = shown(&request.url, from);
    let fail = |source| Error::Git {
        url: url.clone(),
        source,
    };
    let rev = rev
        .map(|rev| {
            ObjectId::from_hex(rev.as_bytes()).map_err(|_| GitError::BadRev {
                rev: rev.to_owned(),
            })
        })
        .transpose()
        .map_err(fail)?;
    // A repository on this machine is read in place: nothing to copy.
    if let Some(repo) = open_local(from) {
        let (commit, full_ref) = resolve(&repo, reference, rev, "HEAD")
            .ok_or_else(|| missing(reference, rev))
            .map_err(fail)?;
        return hash_commit(&repo, commit, full_ref, false, request).map_err(fail);
    }

    let (repo, lock) = open_cache(fetcher, &request.url).map_err(fail)?;
    let local = || resolve(&repo, reference, rev, REMOTE_HEAD);
    let (commit, full_ref, from_cache) = match local() {
        // A known revision needs no network; neither does anything offline.
        Some((commit, full_ref))
            if (rev.is_some() && !request.refresh) || fetcher.options.offline =>
        {
            (commit, full_ref, true)
        }
        _ if fetcher.options.offline && !is_local(from) => {
            return Err(Error::Offline { url });
        }
        _ => {
            let (tip, full_ref) = fetch_ref(&repo, from, reference).map_err(fail)?;
            let commit = rev.unwrap_or(tip);
            if !repo.has_object(commit) {
                // The revision is not on that ref: look on every branch
                // and tag before giving up.
                fetch_specs(
                    &repo,
                    from,
                    &["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"],
                )
                .map_err(fail)?;
            }
            (commit, Some(full_ref), false)
        }
    };
    // Objects, once there, never change or go: others may fetch meanwhile.
    drop(lock);
    hash_commit(&repo, commit, full_ref, from_cache, request).map_err(fail)
}

/// The result for `commit`: its `builtins.fetchGit` hash.
fn hash_commit(
    repo: &gix::Repository,
    commit: ObjectId,
    reference: Option<String>,
    from_cache: bool,
    request: &Request,
) -> Result<Found, GitError> {
    check_commit(repo, commit, reference.as_deref())?;
    let hasher = Hasher::new(request.algorithm());
    let hash = nar::git::write_tree(repo, commit, nar::git::Export::Archive, hasher)
        .map_err(GitError::Tree)?
        .finish();
    Ok(Found {
        hash,
        rev: Some(commit.to_string()),
        reference,
        from_cache,
    })
}

/// The repository at a `file://` URL or an absolute path, if there is one.
fn open_local(url: &str) -> Option<gix::Repository> {
    let path = match url.strip_prefix("file://") {
        Some(_) => reqwest::Url::parse(url).ok()?.to_file_path().ok()?,
        None if url.starts_with('/') => PathBuf::from(url),
        None => return None,
    };
    let mut repo = gix::open(path).ok()?;
    repo.object_cache_size_if_unset(64 * 1024 * 1024);
    Some(repo)
}

/// The error for a ref or rev that `resolve` did not find.
fn missing(reference: Option<&str>, rev: Option<ObjectId>) -> GitError {
    match rev {
        Some(rev) => GitError::NoSuchRev {
            rev: rev.to_string(),
            reference: reference.map(str::to_owned),
        },
        None => {
            let reference = reference.unwrap_or("HEAD");
            GitError::NoSuchRef {
                reference: reference.to_owned(),
                looked_for: candidates(reference).join(", "),
            }
        }
    }
}

/// `git ls-remote`: every ref and the commit (or object) it leads to.
pub(crate) fn list_refs(
    fetcher: &Fetcher,
    url: &str,
    from: &str,
) -> Result<Vec<(String, String)>, Error> {
    let shown_url = shown(url, from);
    let fail = |source| Error::Git {
        url: shown_url.clone(),
        source,
    };
    if fetcher.options.offline && !is_local(from) {
        return Err(Error::Offline { url: shown_url });
    }
    let (repo, lock) = open_cache(fetcher, url).map_err(fail)?;
    // Listing changes nothing in the repository.
    drop(lock);
    let remote = repo
        .remote_at(from)
        .and_then(|remote| remote.with_refspecs(["refs/*:refs/*"], Direction::Fetch))
        .map_err(|err| fail(GitError::Remote(err)))?;
    let connection = remote
        .connect(Direction::Fetch)
        .map_err(|err| fail(GitError::Remote(err)))?;
    let (ref_map, _) = connection
        .ref_map(
            gix::progress::Discard,
            gix::remote::ref_map::Options {
                prefix_from_spec_as_filter_on_remote: false,
                ..Default::default()
            },
        )
        .map_err(|err| fail(GitError::Remote(err)))?;
    let mut refs: Vec<(String, String)> = ref_map
        .remote_refs
        .iter()
        .filter_map(|r| {
            let (name, target, peeled) = r.unpack();
            let id = peeled.or(target)?;
            Some((name.to_str_lossy().into_owned(), id.to_string()))
        })
        .collect();
    refs.sort();
    Ok(refs)
}

/// The cached bare repository for `url`, created if need be, with exclusive
/// use of it: concurrent fetches into one repository (threads or processes)
/// would trip over each other's lock files, packs and refs.
fn open_cache(fetcher: &Fetcher, url: &str) -> Result<(gix::Repository, EntryLock), GitError> {
    // gix's https transport is reqwest with rustls: it needs a provider.
    super::transport::install_tls_provider();
    let path = fetcher.cache.git_dir(url);
    let lock = fetcher
        .cache
        .lock_git(url)
        .map_err(|source| GitError::Lock {
            path: path.clone(),
            source,
        })?;
    let error = |source| GitError::Repository {
        path: path.clone(),
        source,
    };
    let mut repo = match gix::open(&path) {
        Ok(repo) => repo,
        Err(_) if !path.exists() => create(&path).map_err(error)?,
        // Half made by an older eka that created repositories in place
        // without a lock: nothing in it is worth keeping.
        Err(_) if !path.join("HEAD").exists() => std::fs::remove_dir_all(&path)
            .map_err(gix::Error::from_error)
            .and_then(|()| create(&path))
            .map_err(error)?,
        Err(err) => return Err(error(err)),
    };
    repo.object_cache_size_if_unset(64 * 1024 * 1024);
    Ok((repo, lock))
}

/// A new bare repository at `path`, made elsewhere and renamed into place
/// so that nobody, not even after a crash, finds half of one.
fn create(path: &Path) -> Result<gix::Repository, gix::Error> {
    let parent = path.parent().unwrap_or(Path::new("."));
    let made = std::fs::create_dir_all(parent)
        .and_then(|()| tempfile::Builder::new().prefix(".new-").tempdir_in(parent))
        .map_err(gix::Error::from_error)?;
    gix::init_bare(made.path())?;
    match std::fs::rename(made.path(), path) {
        // Renamed away: nothing is left for `made` to remove.
        Ok(()) => drop(made),
        // Made by someone who did not wait for the lock (an older eka).
        Err(_) if path.exists() => {}
        Err(err) => return Err(gix::Error::from_error(err)),
    }
    gix::open(path)
}

/// The local refs a remote ref name is fetched into.
fn candidates(reference: &str) -> Vec<String> {
    if reference.starts_with("refs/") || reference == "HEAD" {
        vec![reference.to_owned()]
    } else {
        // Branches first, as Nix 2.8 only ever fetches `refs/heads/<ref>`.
        vec![
            format!("refs/heads/{reference}"),
            format!("refs/tags/{reference}"),
        ]
    }
}

/// The commit (and full ref name) `repo` holds for the request; `head` is
/// the ref that stands for the remote's `HEAD`.
fn resolve(
    repo: &gix::Repository,
    reference: Option<&str>,
    rev: Option<ObjectId>,
    head: &str,
) -> Option<(ObjectId, Option<String>)> {
    let from_ref = |name: &str| {
        let mut found = repo.try_find_reference(name).ok()??;
        let id = found.peel_to_id().ok()?.detach();
        Some((id, found.name().as_bstr().to_str_lossy().into_owned()))
    };
    match (reference, rev) {
        (_, Some(rev)) => repo.has_object(rev).then(|| {
            let full = reference.and_then(|r| {
                candidates(r)
                    .iter()
                    .find_map(|name| from_ref(name).map(|(_, full)| full))
            });
            (rev, full)
        }),
        (Some(reference), None) => candidates(reference)
            .iter()
            .find_map(|name| from_ref(name))
            .map(|(id, full)| (id, Some(full))),
        (None, None) => from_ref(head).map(|(id, _)| {
            let target = repo.find_reference(head).ok().and_then(|r| {
                r.target()
                    .try_name()
                    .map(|n| n.as_bstr().to_str_lossy().into_owned())
            });
            (id, target)
        }),
    }
}

/// Where the remote's `HEAD` is kept in the cache.
const REMOTE_HEAD: &str = "refs/eka/HEAD";

/// Fetch `reference` (the remote's `HEAD` when `None`) from `url`; the commit
/// it points at and its full name.
fn fetch_ref(
    repo: &gix::Repository,
    url: &str,
    reference: Option<&str>,
) -> Result<(ObjectId, String), GitError> {
    let specs: Vec<String> = match reference {
        Some(reference) => candidates(reference)
            .into_iter()
            .map(|name| format!("+{name}:{name}"))
            .collect(),
        None => vec![format!("+HEAD:{REMOTE_HEAD}")],
    };
    let outcome = fetch_specs(repo, url, &specs)?;

    // The first refspec that matched wins (branches before tags).
    let mut best: Option<(usize, ObjectId, String)> = None;
    for mapping in &outcome.ref_map.mappings {
        let gix::protocol::fetch::refmap::Source::Ref(remote_ref) = &mapping.remote else {
            continue;
        };
        let (name, target, peeled) = remote_ref.unpack();
        let Some(id) = peeled.or(target) else {
            continue;
        };
        let index = match mapping.spec_index {
            gix::protocol::fetch::refmap::SpecIndex::ExplicitInRemote(index) => index,
            gix::protocol::fetch::refmap::SpecIndex::Implicit(_) => continue,
        };
        // A symbolic ref (the remote's `HEAD`) is named by its target.
        let full = match remote_ref {
            gix::protocol::handshake::Ref::Symbolic { target, .. } => target.as_bstr(),
            _ => name,
        }
        .to_str_lossy()
        .into_owned();
        if best.as_ref().is_none_or(|(best, ..)| index < *best) {
            best = Some((index, id.to_owned(), full));
        }
    }
    best.map(|(_, id, full)| (id, full))
        .ok_or_else(|| GitError::NoSuchRef {
            reference: reference.unwrap_or("HEAD").to_owned(),
            looked_for: specs
                .iter()
                .map(|spec| {
                    spec.trim_start_matches('+')
                        .split(':')
                        .next()
                        .unwrap_or(spec)
                        .to_owned()
                })
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// Fetch `specs` from `url` into the cache.
fn fetch_specs(
    repo: &gix::Repository,
    url: &str,
    specs: &[impl AsRef<str>],
) -> Result<gix::remote::fetch::Outcome, GitError> {
    let remote = repo
        .remote_at(url)
        .and_then(|remote| remote.with_refspecs(specs.iter().map(AsRef::as_ref), Direction::Fetch))
        .map(|remote| remote.with_fetch_tags(gix::remote::fetch::Tags::None))
        .map_err(GitError::Remote)?;
    remote
        .connect(Direction::Fetch)
        .and_then(|connection| connection.prepare_fetch(gix::progress::Discard, Default::default()))
        .and_then(|prepare| prepare.receive(gix::progress::Discard, &AtomicBool::new(false)))
        .map_err(GitError::Remote)
}

/// The revision must be a commit the cache holds (Nix refuses anything else).
fn check_commit(
    repo: &gix::Repository,
    commit: ObjectId,
    reference: Option<&str>,
) -> Result<(), GitError> {
    let header = repo.find_header(commit).map_err(|_| GitError::NoSuchRev {
        rev: commit.to_string(),
        reference: reference.map(str::to_owned),
    })?;
    if header.kind() != gix::object::Kind::Commit {
        return Err(GitError::NotACommit {
            rev: commit.to_string(),
            kind: header.kind().to_string(),
        });
    }
    Ok(())
}

/// Whether fetching `url` needs no network.
fn is_local(url: &str) -> bool {
    url.starts_with("file:") || url.starts_with('/') || url.starts_with('.')
}
