//! Fetching everything a lock names again and checking it is what the lock
//! says (`eka verify`).

use super::{AtomSources, BackendError, FileHashing, LegacyFetcher, Progress, causes, parallel};
use crate::lock::{Bond, BondType, Hash, Lockfile};

/// A bond that did not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyFailure {
    /// The bond's name.
    pub name: String,
    /// Its type.
    pub bond_type: BondType,
    /// What did not match, or why it could not be fetched.
    pub message: String,
}

/// Fetch every bond of `lock` again (the backends decide whether from the
/// network or a cache; `eka verify` asks for the network) and check every
/// hash, and for atoms every signature, anchor, commit and id. Returns the
/// bonds that failed, sorted by name; empty when all verified.
pub fn verify(
    lock: &Lockfile,
    atoms: &dyn AtomSources,
    fetcher: &dyn LegacyFetcher,
    jobs: usize,
    progress: &dyn Progress,
) -> Vec<VerifyFailure> {
    progress.begin(lock.bonds.len());
    // Bonds of one git repository one after the other, as when locking.
    let results = parallel::map_grouped(&lock.bonds, jobs, git_url, |bond| {
        let name = bond.name().as_str();
        progress.started(name, bond.url().unwrap_or("atom source"));
        let result = verify_bond(lock, bond, atoms, fetcher);
        progress.finished(name, result.is_ok());
        result.err().map(|message| VerifyFailure {
            name: name.to_owned(),
            bond_type: bond.bond_type(),
            message,
        })
    });
    let mut failures: Vec<VerifyFailure> = results.into_iter().flatten().collect();
    failures.sort_by(|a, b| a.name.cmp(&b.name));
    failures
}

fn git_url(bond: &Bond) -> Option<&str> {
    match bond {
        Bond::Git(b) => Some(&b.url),
        _ => None,
    }
}

fn verify_bond(
    lock: &Lockfile,
    bond: &Bond,
    atoms: &dyn AtomSources,
    fetcher: &dyn LegacyFetcher,
) -> Result<(), String> {
    let fetched = |r: Result<Hash, BackendError>| r.map_err(|e| causes(&*e));
    let expect = |what: &str, locked: &str, found: &str| {
        if locked == found {
            Ok(())
        } else {
            Err(format!(
                "{what} mismatch: the lock has {locked}, the source now gives {found}"
            ))
        }
    };
    match bond {
        Bond::Url(b) => {
            let hash = fetched(fetcher.file(&b.url, FileHashing::Flat))?;
            expect("hash", &b.hash.to_sri(), &hash.to_sri())
        }
        Bond::Tar(b) => {
            let hash = fetched(fetcher.file(&b.url, FileHashing::Unpacked))?;
            expect("hash", &b.hash.to_sri(), &hash.to_sri())
        }
        Bond::Build(b) => {
            let hashing = if b.exec {
                FileHashing::Executable
            } else if b.unpack {
                FileHashing::Unpacked
            } else {
                FileHashing::Flat
            };
            let hash = fetched(fetcher.file(&b.url, hashing))?;
            expect("hash", &b.hash.to_sri(), &hash.to_sri())
        }
        Bond::Git(b) => {
            let hash = fetched(fetcher.git(&b.url, b.git_ref.as_deref(), &b.rev))?;
            expect("hash", &b.hash.to_sri(), &hash.to_sri())
        }
        Bond::Atom(b) => {
            let mirrors = lock
                .sources
                .get(&b.source)
                .ok_or_else(|| format!("source {} is not in [sources]", b.source))?;
            let resolved = atoms
                .resolve(mirrors, &b.tag, &b.version)
                .map_err(|e| causes(&*e))?;
            expect("anchor", b.source.as_str(), resolved.anchor.as_str())?;
            expect("commit", b.rev.as_str(), resolved.rev.as_str())?;
            expect("atom id", &b.id.to_string(), &resolved.id.to_string())?;
            expect("hash", &b.hash.to_sri(), &resolved.hash.to_sri())
        }
    }
}
