//! Local repository plumbing: reading the atom refs, creating refs without
//! ever moving one, and the fixed identity atom objects carry.

use std::path::Path;

use gix::ObjectId;
use gix::refs::transaction::{Change, LogChange, PreviousValue, RefEdit, RefLog};
use gix::refs::{FullName, Target};

use crate::Error;
use crate::listing::Listing;
use crate::refs::NAMESPACE;

/// `eka <> 0 +0000`: author and committer of every atom commit, so that
/// the commit depends on nothing but the tree and the signed publish.
pub(crate) fn identity() -> gix::actor::Signature {
    gix::actor::Signature {
        name: "eka".into(),
        email: "".into(),
        time: gix::date::Time {
            seconds: 0,
            offset: 0,
        },
    }
}

/// Open the repository at (or above) `path`.
pub(crate) fn discover(path: &Path) -> Result<gix::Repository, Error> {
    gix::discover(path).map_err(|err| {
        Error::git(
            format!("{} is not in a git repository", path.display()),
            err,
        )
    })
}

/// Open the repository at `path`, creating it bare if there is nothing
/// there yet.
pub(crate) fn open_or_init_bare(path: &Path) -> Result<gix::Repository, Error> {
    let exists = path
        .read_dir()
        .is_ok_and(|mut entries| entries.next().is_some());
    if exists {
        gix::open(path).map_err(|err| {
            Error::git(
                format!("cannot open the git repository {}", path.display()),
                err,
            )
        })
    } else {
        std::fs::create_dir_all(path)
            .map_err(|err| Error::git(format!("cannot create {}", path.display()), err))?;
        gix::init_bare(path).map_err(|err| {
            Error::git(
                format!("cannot create a bare git repository at {}", path.display()),
                err,
            )
        })
    }
}

/// The atom refs of a local repository.
pub(crate) fn listing(repo: &gix::Repository) -> Result<Listing, Error> {
    let context = || format!("cannot read the refs of {}", repo.git_dir().display());
    let platform = repo
        .references()
        .map_err(|err| Error::git(context(), err))?;
    let mut refs = Vec::new();
    for reference in platform
        .prefixed(NAMESPACE.trim_end_matches('/'))
        .map_err(|err| Error::git(context(), err))?
    {
        let reference = reference.map_err(|err| Error::git(context(), err))?;
        if let Some(id) = reference.target().try_id() {
            refs.push((reference.name().as_bstr().to_vec(), id.to_owned()));
        }
    }
    Ok(Listing::from_refs(
        refs.iter().map(|(name, id)| (name.as_slice(), *id)),
    ))
}

/// The target of ref `name`, if it exists.
pub(crate) fn target(repo: &gix::Repository, name: &FullName) -> Result<Option<ObjectId>, Error> {
    let reference = repo
        .try_find_reference(name.as_ref())
        .map_err(|err| Error::git(format!("cannot read {}", name.as_bstr()), err))?;
    Ok(reference.and_then(|reference| reference.target().try_id().map(ToOwned::to_owned)))
}

/// Point `name` at `target`: `Ok(true)` if created, `Ok(false)` if it
/// already pointed there; an error, and no change, if it points elsewhere.
pub(crate) fn create(
    repo: &gix::Repository,
    name: &FullName,
    target: ObjectId,
    message: &str,
) -> Result<bool, Error> {
    match self::target(repo, name)? {
        Some(existing) if existing == target => Ok(false),
        Some(existing) => Err(Error::RefExists {
            name: name.as_bstr().to_string(),
            location: repo.git_dir().display().to_string(),
            existing,
            new: target,
        }),
        None => create_all(repo, vec![(name.clone(), target)], message).map(|()| true),
    }
}

/// Create every ref of `edits` in one transaction; none may exist yet (if
/// one does, nothing is written).
pub(crate) fn create_all(
    repo: &gix::Repository,
    edits: Vec<(FullName, ObjectId)>,
    message: &str,
) -> Result<(), Error> {
    if edits.is_empty() {
        return Ok(());
    }
    let count = edits.len();
    let edits = edits.into_iter().map(|(name, target)| RefEdit {
        change: Change::Update {
            log: LogChange {
                mode: RefLog::AndReference,
                force_create_reflog: false,
                message: message.into(),
            },
            expected: PreviousValue::MustNotExist,
            new: Target::Object(target),
        },
        name,
        deref: false,
    });
    let identity = identity();
    let mut time = gix::date::parse::TimeBuf::default();
    repo.edit_references_as(edits, Some(identity.to_ref(&mut time)))
        .map_err(|err| {
            Error::git(
                format!(
                    "cannot create {count} ref(s) in {} (did another process write them meanwhile?)",
                    repo.git_dir().display()
                ),
                err,
            )
        })?;
    Ok(())
}
