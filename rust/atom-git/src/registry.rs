//! Claiming and publishing in a local repository, and pushing the result.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use atom_core::AtomRegistry;
use atom_id::{
    Anchor, AtomId, ClaimPayload, Label, PublishPayload, RawVersion, SigningKey, VerifiedClaim,
};
use gix::ObjectId;
use gix::refs::FullName;

use crate::listing::{AtomRef, Listing};
use crate::refs::{atom_ref, claim_ref};
use crate::verify::{self, Expect};
use crate::{Error, anchor, digest, local, push};

/// A directory of a commit: what a version of an atom is made of.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AtomContent {
    /// The commit the directory is taken from.
    pub commit: ObjectId,
    /// The directory, relative to the commit's root, `/`-separated; empty
    /// for the root itself.
    pub path: String,
}

/// The outcome of [`GitRegistry::claim_label`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    /// The atom's id.
    pub id: AtomId,
    /// The label.
    pub label: Label,
    /// The claim blob.
    pub blob: ObjectId,
    /// Whether the claim ref was created now (`false`: it was there,
    /// identical).
    pub created: bool,
}

/// The outcome of [`GitRegistry::publish_at`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The version and its atom commit.
    pub atom: AtomRef,
    /// The atom's id.
    pub id: AtomId,
    /// The atom's tree.
    pub tree: ObjectId,
    /// Whether the ref was created now (`false`: the version was already
    /// published with the same tree, and is left as it was).
    pub created: bool,
}

/// A repository its owner publishes atoms from, with the owner's key.
///
/// Claims and publishes are written to the repository's own refs; [`push`](Self::push)
/// then sends any set of them to a remote in one push.
#[derive(Debug)]
pub struct GitRegistry {
    repo: gix::ThreadSafeRepository,
    path: PathBuf,
    key: SigningKey,
    head: ObjectId,
    anchor: Anchor,
    /// Claims by atom id, read from the repository on first use.
    claims: Mutex<Option<HashMap<AtomId, VerifiedClaim>>>,
    /// The entries of each root tree, by tree id, decoded once: publishing
    /// a thousand atoms from one commit looks up a thousand directories
    /// in the same root tree, which would otherwise be inflated and
    /// parsed again for each.
    root_entries: Mutex<HashMap<ObjectId, Arc<RootEntries>>>,
}

/// The entries of a root tree: name → (is a tree, object id).
type RootEntries = HashMap<Vec<u8>, (bool, ObjectId)>;

impl GitRegistry {
    /// Open the repository at (or above) `path` to publish with `key`. Its
    /// `HEAD` commit's history gives the anchor.
    pub fn open(path: impl AsRef<Path>, key: SigningKey) -> Result<Self, Error> {
        let repo = local::discover(path.as_ref())?;
        let path = repo.workdir().unwrap_or_else(|| repo.git_dir()).to_owned();
        let head = match repo.head_id() {
            Ok(id) => id.detach(),
            Err(_) => return Err(Error::NoCommits { repo: path }),
        };
        let anchor = anchor::anchor_of(&repo, head)?;
        Ok(Self {
            repo: repo.into_sync(),
            path,
            key,
            head,
            anchor,
            claims: Mutex::new(None),
            root_entries: Mutex::new(HashMap::new()),
        })
    }

    /// The repository's anchor: its first commit, from `HEAD`.
    pub fn anchor(&self) -> &Anchor {
        &self.anchor
    }

    /// The commit `HEAD` pointed to when the registry was opened.
    pub fn head(&self) -> ObjectId {
        self.head
    }

    /// The repository's working directory (its git directory if bare).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The signing key.
    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    fn repo(&self) -> gix::Repository {
        self.repo.to_thread_local()
    }

    fn location(&self) -> String {
        self.path.display().to_string()
    }

    /// The URL of the remote configured as `name` in this repository
    /// (its push URL, else its fetch URL), if there is one.
    pub fn configured_remote(&self, name: &str) -> Option<String> {
        let repo = self.repo();
        let remote = repo.find_remote(name).ok()?;
        remote
            .url(gix::remote::Direction::Push)
            .or_else(|| remote.url(gix::remote::Direction::Fetch))
            .map(|url| url.to_bstring().to_string())
    }

    /// The verified claim of `label` in this repository, if it has one.
    pub fn claim_of(&self, label: &Label) -> Result<Option<VerifiedClaim>, Error> {
        let repo = self.repo();
        let Some(blob) = local::target(&repo, &claim_ref(label)?)? else {
            return Ok(None);
        };
        verify::claim(&repo, &self.location(), label, blob, Expect::default()).map(Some)
    }

    /// The atom refs of this repository.
    pub fn listing(&self) -> Result<Listing, Error> {
        local::listing(&self.repo())
    }

    /// The directory `dir` (a path on disk inside the working directory)
    /// as committed at `HEAD`.
    pub fn content_at_head(&self, dir: &Path) -> Result<AtomContent, Error> {
        let absolute = std::path::absolute(dir)
            .map_err(|err| Error::git(format!("cannot resolve {}", dir.display()), err))?;
        let canonical = absolute.canonicalize().unwrap_or(absolute);
        let root = self
            .path
            .canonicalize()
            .unwrap_or_else(|_| self.path.clone());
        let relative = canonical
            .strip_prefix(&root)
            .map_err(|_| Error::NotADirectory {
                path: dir.display().to_string(),
                commit: self.head,
            })?;
        let path = relative
            .components()
            .map(|part| part.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let content = AtomContent {
            commit: self.head,
            path,
        };
        self.tree_of(&content)?;
        Ok(content)
    }

    /// The tree object of `content`.
    pub fn tree_of(&self, content: &AtomContent) -> Result<ObjectId, Error> {
        let repo = self.repo();
        let not_a_directory = || Error::NotADirectory {
            path: if content.path.is_empty() {
                "the root".into()
            } else {
                content.path.clone()
            },
            commit: content.commit,
        };
        let commit = repo
            .find_commit(content.commit)
            .map_err(|err| Error::git(format!("cannot read commit {}", content.commit), err))?;
        let tree = commit.tree_id().map_err(|err| {
            Error::git(format!("cannot read the tree of {}", content.commit), err)
        })?;
        if content.path.is_empty() {
            return Ok(tree.detach());
        }
        let (first, rest) = match content.path.split_once('/') {
            Some((first, rest)) => (first, Some(rest)),
            None => (content.path.as_str(), None),
        };
        let entries = self.root_entries_of(&repo, content.commit, tree.detach())?;
        let (is_tree, id) = *entries.get(first.as_bytes()).ok_or_else(not_a_directory)?;
        let Some(rest) = rest else {
            return if is_tree {
                Ok(id)
            } else {
                Err(not_a_directory())
            };
        };
        if !is_tree {
            return Err(not_a_directory());
        }
        let subtree = repo
            .find_tree(id)
            .map_err(|err| Error::git(format!("cannot read tree {id}"), err))?;
        let entry = subtree
            .lookup_entry_by_path(rest)
            .map_err(|err| Error::git(format!("cannot look up {}", content.path), err))?
            .ok_or_else(not_a_directory)?;
        if !entry.mode().is_tree() {
            return Err(not_a_directory());
        }
        Ok(entry.object_id())
    }

    /// The entries of `tree`, the root tree of `commit`, decoded on first use.
    fn root_entries_of(
        &self,
        repo: &gix::Repository,
        commit: ObjectId,
        tree: ObjectId,
    ) -> Result<Arc<RootEntries>, Error> {
        let mut cache = self
            .root_entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(entries) = cache.get(&tree) {
            return Ok(Arc::clone(entries));
        }
        let tree = repo
            .find_tree(tree)
            .map_err(|err| Error::git(format!("cannot read the tree of {commit}"), err))?;
        let mut entries = RootEntries::new();
        for entry in tree.iter() {
            let entry = entry
                .map_err(|err| Error::git(format!("cannot read the tree of {commit}"), err))?;
            entries.insert(
                entry.filename().to_vec(),
                (entry.mode().is_tree(), entry.object_id()),
            );
        }
        let entries = Arc::new(entries);
        cache.insert(tree.id, Arc::clone(&entries));
        Ok(entries)
    }

    /// The file `name` inside `content`, if there is one.
    pub fn read_file(&self, content: &AtomContent, name: &str) -> Result<Option<Vec<u8>>, Error> {
        let repo = self.repo();
        let tree = self.tree_of(content)?;
        let tree = repo
            .find_tree(tree)
            .map_err(|err| Error::git(format!("cannot read tree {tree}"), err))?;
        let Some(entry) = tree
            .lookup_entry_by_path(name)
            .map_err(|err| Error::git(format!("cannot look up {name}"), err))?
        else {
            return Ok(None);
        };
        if !entry.mode().is_blob() {
            return Ok(None);
        }
        let blob = repo
            .find_blob(entry.object_id())
            .map_err(|err| Error::git(format!("cannot read {name}"), err))?;
        Ok(Some(blob.data.clone()))
    }

    /// Claim `label` in this repository with the registry's key. Claiming
    /// again is harmless: the same key, label and anchor give the same
    /// claim, byte for byte.
    pub fn claim_label(&self, label: &Label) -> Result<Claimed, Error> {
        let repo = self.repo();
        let signed = ClaimPayload::new(self.key.public(), self.anchor.clone(), label.clone())
            .sign(&self.key)
            .map_err(Error::sign("claim"))?;
        let name = claim_ref(label)?;
        let blob = repo
            .write_blob(signed.coz.json())
            .map_err(|err| Error::git("cannot write the claim blob", err))?
            .detach();
        if let Some(existing) = local::target(&repo, &name)?
            && existing != blob
        {
            return Err(self.foreign_claim(&repo, label, &name, existing, blob));
        }
        let created = local::create(&repo, &name, blob, "eka: claim")?;
        let claim = atom_id::verify_claim(signed.coz.json()).map_err(Error::sign("claim"))?;
        if let Some(index) = self
            .claims
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_mut()
        {
            index.insert(signed.atom_id.clone(), claim);
        }
        Ok(Claimed {
            id: signed.atom_id,
            label: label.clone(),
            blob,
            created,
        })
    }

    /// Why an existing claim ref that is not ours cannot be replaced.
    fn foreign_claim(
        &self,
        repo: &gix::Repository,
        label: &Label,
        name: &FullName,
        existing: ObjectId,
        ours: ObjectId,
    ) -> Error {
        let location = self.location();
        match verify::claim(repo, &location, label, existing, Expect::default()) {
            Ok(claim) if claim.payload.tmb() != self.key.tmb() => Error::ClaimedByAnotherKey {
                label: label.clone(),
                repo: self.path.clone(),
                claimed_by: claim.payload.tmb().to_b64(),
                ours: self.key.tmb().to_b64(),
            },
            _ => Error::RefExists {
                name: name.as_bstr().to_string(),
                location,
                existing,
                new: ours,
            },
        }
    }

    /// The verified claim whose digest is `id`.
    fn claim_by_id(&self, id: &AtomId) -> Result<VerifiedClaim, Error> {
        let mut index = self
            .claims
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if index.is_none() {
            let repo = self.repo();
            let location = self.location();
            let mut claims = HashMap::new();
            for (label, blob) in local::listing(&repo)?.claims {
                // A claim that does not verify is no claim: publishing
                // under it fails below as "not claimed".
                if let Ok(claim) = verify::claim(&repo, &location, &label, blob, Expect::default())
                {
                    claims.insert(claim.atom_id.clone(), claim);
                }
            }
            *index = Some(claims);
        }
        index
            .as_ref()
            .and_then(|claims| claims.get(id))
            .cloned()
            .ok_or_else(|| Error::NotClaimed {
                id: id.clone(),
                repo: self.path.clone(),
            })
    }

    /// Publish `content` as `version` of the atom `id`, signed at `now`
    /// (seconds since the Unix epoch).
    ///
    /// The atom commit has no parent, the tree of `content` (the same tree
    /// object, not a copy), the fixed identity `eka <> 0 +0000`, and the
    /// signed publish as its message. If the version is already published
    /// with the same tree it is left alone (`created: false`); with another
    /// tree it is an error.
    pub fn publish_at(
        &self,
        id: &AtomId,
        version: &RawVersion,
        content: &AtomContent,
        now: u64,
    ) -> Result<Published, Error> {
        let repo = self.repo();
        let claim = self.claim_by_id(id)?;
        let label = claim.payload.label().clone();
        if claim.payload.tmb() != self.key.tmb() {
            return Err(Error::ClaimedByAnotherKey {
                label,
                repo: self.path.clone(),
                claimed_by: claim.payload.tmb().to_b64(),
                ours: self.key.tmb().to_b64(),
            });
        }
        let found = if content.commit == self.head {
            self.anchor.clone()
        } else {
            anchor::anchor_of(&repo, content.commit)?
        };
        if &found != claim.payload.anchor() {
            return Err(Error::WrongHistory {
                label,
                commit: content.commit,
                found,
                claimed: claim.payload.anchor().clone(),
            });
        }
        let name = atom_ref(&label, version)?;
        let tree = self.tree_of(content)?;

        if let Some(existing) = local::target(&repo, &name)? {
            let existing_tree = repo
                .find_commit(existing)
                .ok()
                .and_then(|commit| commit.tree_id().ok())
                .map(gix::Id::detach);
            if existing_tree == Some(tree) {
                return Ok(Published {
                    atom: AtomRef {
                        label,
                        version: version.clone(),
                        commit: existing,
                    },
                    id: id.clone(),
                    tree,
                    created: false,
                });
            }
            return Err(Error::AlreadyPublished {
                name: name.as_bstr().to_string(),
                location: self.location(),
                existing,
                existing_tree,
                tree,
            });
        }

        let dig = digest::dig(&repo, tree, self.key.alg())?;
        let payload = PublishPayload::new(
            self.key.public(),
            id.clone(),
            claim.payload.anchor().clone(),
            label.clone(),
            version.clone(),
            dig,
            now,
        )
        .map_err(Error::sign("publish"))?;
        let signed = payload.sign(&self.key).map_err(Error::sign("publish"))?;
        let commit = gix::objs::Commit {
            tree,
            parents: Default::default(),
            author: local::identity(),
            committer: local::identity(),
            encoding: None,
            message: signed.json().into(),
            extra_headers: Vec::new(),
        };
        let commit = repo
            .write_object(&commit)
            .map_err(|err| Error::git("cannot write the atom commit", err))?
            .detach();
        local::create_all(&repo, vec![(name, commit)], "eka: publish")?;
        Ok(Published {
            atom: AtomRef {
                label,
                version: version.clone(),
                commit,
            },
            id: id.clone(),
            tree,
            created: true,
        })
    }

    /// Send the refs `names` (claims and atoms) to the remote `url` in one
    /// push. Refs the remote already has with the same target are left
    /// out; a ref it has with another target stops the push before
    /// anything is sent. One `git push --atomic` process sends them all.
    pub fn push(&self, url: &str, names: &[FullName]) -> Result<push::Pushed, Error> {
        push::push(&self.repo(), url, names)
    }
}

crate::store::local_source!(GitRegistry);

impl AtomRegistry for GitRegistry {
    type Content = AtomContent;

    fn claim(&self, label: &Label) -> Result<AtomId, Error> {
        self.claim_label(label).map(|claimed| claimed.id)
    }

    fn publish(
        &self,
        id: &AtomId,
        version: &RawVersion,
        content: &AtomContent,
    ) -> Result<AtomRef, Error> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs());
        self.publish_at(id, version, content, now)
            .map(|published| published.atom)
    }
}
