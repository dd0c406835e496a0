//! Which dependencies the lock already answers.

use std::collections::BTreeMap;
use std::fmt;

use super::{LockRequest, Update};
use crate::lock::{AtomBond, Bond, GitBond, Lockfile};
use crate::manifest::{AtomDependency, GitPin};

/// The atoms to resolve and the ones to keep.
#[derive(Debug)]
pub(super) struct Plan<'m> {
    /// Atoms to resolve, in manifest order.
    pub atoms_to_resolve: Vec<&'m AtomDependency>,
    /// Atoms kept from the lock (tag → bond and the source's mirrors).
    pub atoms_kept: BTreeMap<String, (AtomBond, Vec<String>)>,
    /// With `--locked`: why the lock does not answer the manifest.
    pub stale: Stale,
    update: Update<'m>,
}

impl Plan<'_> {
    /// Whether `eka update` asked for `name` to be resolved again.
    pub fn forced(&self, name: &str) -> bool {
        match self.update {
            Update::Nothing => false,
            Update::All => true,
            Update::Only(names) => names.iter().any(|n| n == name),
        }
    }
}

pub(super) fn plan<'m>(
    request: &LockRequest<'m>,
    mirrors: &BTreeMap<&str, Vec<String>>,
    old: &Lockfile,
) -> Plan<'m> {
    let mut plan = Plan {
        atoms_to_resolve: Vec::new(),
        atoms_kept: BTreeMap::new(),
        stale: Stale::default(),
        update: request.update,
    };
    for dependency in &request.manifest.atoms {
        let name = dependency.tag.as_str();
        let wanted = &mirrors[dependency.source.as_str()];
        let kept = match old.bond(name) {
            Some(Bond::Atom(bond)) if !plan.forced(name) => {
                let same_source = old.sources.get(&bond.source) == Some(wanted);
                let satisfied = dependency.requirement.matches_str(bond.version.as_str());
                match (same_source, satisfied) {
                    (true, true) => Some(bond.clone()),
                    (false, _) => {
                        plan.stale.push(
                            name,
                            format!(
                                "the lock has it from other mirrors than `{}` lists",
                                dependency.source.get()
                            ),
                        );
                        None
                    }
                    (true, false) => {
                        plan.stale.push(
                            name,
                            format!(
                                "the lock has version {}, which does not match `{}`",
                                bond.version,
                                dependency.requirement.get()
                            ),
                        );
                        None
                    }
                }
            }
            Some(other) if !plan.forced(name) => {
                plan.stale.push(
                    name,
                    format!("the lock has a {} bond of that name", other.bond_type()),
                );
                None
            }
            Some(_) => {
                plan.stale.push(name, "an update was asked for".to_owned());
                None
            }
            None => {
                plan.stale.push(name, "not in the lock".to_owned());
                None
            }
        };
        match kept {
            Some(bond) => {
                plan.atoms_kept
                    .insert(name.to_owned(), (bond, wanted.clone()));
            }
            None => plan.atoms_to_resolve.push(dependency),
        }
    }
    plan
}

/// Whether a git bond from the lock is what `pin` asks for.
pub(super) fn git_pin_matches(pin: &GitPin, bond: &GitBond) -> bool {
    match pin {
        GitPin::DefaultBranch => bond.git_ref.is_none() && bond.version.is_none(),
        GitPin::Ref(wanted) => {
            bond.version.is_none()
                && bond.git_ref.as_deref().is_some_and(|r| {
                    r == wanted.as_str() || r.strip_prefix("refs/tags/") == Some(wanted.as_str())
                })
        }
        GitPin::Version(requirement) => {
            bond.version
                .as_deref()
                .is_some_and(|v| requirement.matches_str(v))
                && bond
                    .git_ref
                    .as_deref()
                    .is_some_and(|r| r.starts_with("refs/tags/"))
        }
    }
}

/// Why a lock does not answer its manifest (`eka lock --locked`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stale {
    entries: Vec<(String, String)>,
}

impl Stale {
    pub(super) fn push(&mut self, name: &str, reason: String) {
        self.entries.push((name.to_owned(), reason));
    }

    /// Whether nothing is out of date.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Each out-of-date dependency and why.
    pub fn entries(&self) -> &[(String, String)] {
        &self.entries
    }
}

impl fmt::Display for Stale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the lock is not up to date with the manifest:")?;
        for (name, reason) in &self.entries {
            write!(f, "\n  `{name}`: {reason}")?;
        }
        f.write_str("\nrun `eka lock` (without --locked) to update it")
    }
}
