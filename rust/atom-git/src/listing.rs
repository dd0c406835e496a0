//! What a ref listing shows: claims and atom versions, and the agreement
//! of mirrors.

use std::collections::BTreeMap;

use atom_id::{Label, RawVersion};
use gix::ObjectId;

use crate::Error;
use crate::refs::{EkaRef, Unrecognised};

/// One atom version as a source lists it: not yet verified.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AtomRef {
    /// The atom's label.
    pub label: Label,
    /// The version.
    pub version: RawVersion,
    /// The atom commit `refs/eka/atoms/<label>/<version>` points to.
    pub commit: ObjectId,
}

impl std::fmt::Display for AtomRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}", self.label, self.version)
    }
}

/// The atom refs of one repository (or the agreed refs of a source's
/// mirrors), from one listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// `refs/eka/claims/<label>` → claim blob.
    pub claims: BTreeMap<Label, ObjectId>,
    /// `refs/eka/atoms/<label>/<version>` → atom commit.
    pub atoms: BTreeMap<Label, BTreeMap<RawVersion, ObjectId>>,
    /// Refs under `refs/eka/` that are not of the atom layout.
    pub unrecognised: Vec<Unrecognised>,
}

impl Listing {
    /// Sort `(ref name, target)` pairs into claims and atoms; refs outside
    /// `refs/eka/` are ignored.
    pub fn from_refs<'a>(refs: impl IntoIterator<Item = (&'a [u8], ObjectId)>) -> Self {
        let mut listing = Self::default();
        for (name, target) in refs {
            match EkaRef::parse(name) {
                Ok(Some(name)) => listing.insert(name, target),
                Ok(None) => {}
                Err(unrecognised) => listing.unrecognised.push(unrecognised),
            }
        }
        listing
    }

    fn insert(&mut self, name: EkaRef, target: ObjectId) {
        match name {
            EkaRef::Claim(label) => {
                self.claims.insert(label, target);
            }
            EkaRef::Atom(label, version) => {
                self.atoms.entry(label).or_default().insert(version, target);
            }
        }
    }

    /// Every ref of the layout with its target.
    pub fn refs(&self) -> impl Iterator<Item = (EkaRef, ObjectId)> + '_ {
        let claims = self
            .claims
            .iter()
            .map(|(label, id)| (EkaRef::Claim(label.clone()), *id));
        let atoms = self.atoms.iter().flat_map(|(label, versions)| {
            versions
                .iter()
                .map(|(version, id)| (EkaRef::Atom(label.clone(), version.clone()), *id))
        });
        claims.chain(atoms)
    }

    /// Every atom version, ordered by label and then version text.
    pub fn entries(&self) -> Vec<AtomRef> {
        self.atoms
            .iter()
            .flat_map(|(label, versions)| {
                versions.iter().map(|(version, commit)| AtomRef {
                    label: label.clone(),
                    version: version.clone(),
                    commit: *commit,
                })
            })
            .collect()
    }

    /// The target of the claim ref of `label`.
    pub fn claim(&self, label: &Label) -> Option<ObjectId> {
        self.claims.get(label).copied()
    }

    /// The target of the ref of `version` of `label`.
    pub fn atom(&self, label: &Label, version: &RawVersion) -> Option<ObjectId> {
        self.atoms.get(label)?.get(version).copied()
    }

    /// The target of `name`.
    pub fn get(&self, name: &EkaRef) -> Option<ObjectId> {
        match name {
            EkaRef::Claim(label) => self.claim(label),
            EkaRef::Atom(label, version) => self.atom(label, version),
        }
    }

    /// How many atom versions are listed.
    pub fn atom_count(&self) -> usize {
        self.atoms.values().map(BTreeMap::len).sum()
    }
}

/// The listings of a source's mirrors, in the source's order, and what
/// they agree on.
#[derive(Debug)]
pub struct SourceListing {
    /// Each mirror's URL and its listing, or why it could not be listed.
    pub mirrors: Vec<(String, Result<Listing, Error>)>,
    /// The union of the listings that answered. They agree on every ref
    /// they share, or this would not exist.
    pub merged: Listing,
}

impl SourceListing {
    /// Merge mirror listings, refusing any ref two mirrors point at
    /// different objects; at least one mirror must have answered.
    pub fn merge(mirrors: Vec<(String, Result<Listing, Error>)>) -> Result<Self, Error> {
        let mut merged = Listing::default();
        let mut first_seen: BTreeMap<EkaRef, usize> = BTreeMap::new();
        let mut answered = false;
        for (index, (url, listing)) in mirrors.iter().enumerate() {
            let Ok(listing) = listing else { continue };
            answered = true;
            for (name, target) in listing.refs() {
                match merged.get(&name) {
                    None => {
                        first_seen.insert(name.clone(), index);
                        merged.insert(name, target);
                    }
                    Some(existing) if existing == target => {}
                    Some(existing) => {
                        return Err(Error::MirrorsDisagree {
                            name: name.full_name().map_or_else(
                                |_| format!("{name:?}"),
                                |full| full.as_bstr().to_string(),
                            ),
                            first_url: mirrors[first_seen[&name]].0.clone(),
                            first: existing,
                            second_url: url.clone(),
                            second: target,
                        });
                    }
                }
            }
            merged
                .unrecognised
                .extend(listing.unrecognised.iter().cloned());
        }
        if !answered {
            let mut failures: Vec<(String, Error)> = mirrors
                .into_iter()
                .filter_map(|(url, listing)| listing.err().map(|err| (url, err)))
                .collect();
            // One mirror: its own error says it all.
            if failures.len() == 1
                && let Some((_, error)) = failures.pop()
            {
                return Err(error);
            }
            return Err(Error::Unreachable(failures));
        }
        Ok(Self { mirrors, merged })
    }

    /// The mirrors (URLs, in order) whose listing has `name` at `target`.
    pub fn mirrors_with(&self, name: &EkaRef, target: ObjectId) -> Vec<&str> {
        self.mirrors
            .iter()
            .filter(|(_, listing)| {
                listing
                    .as_ref()
                    .is_ok_and(|listing| listing.get(name) == Some(target))
            })
            .map(|(url, _)| url.as_str())
            .collect()
    }

    /// The mirrors that could not be listed, with why.
    pub fn failures(&self) -> impl Iterator<Item = (&str, &Error)> {
        self.mirrors
            .iter()
            .filter_map(|(url, listing)| listing.as_ref().err().map(|err| (url.as_str(), err)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(byte: u8) -> ObjectId {
        ObjectId::from_bytes_or_panic(&[byte; 20])
    }

    #[test]
    fn refs_are_sorted_into_claims_and_atoms() {
        let listing = Listing::from_refs([
            (&b"refs/heads/main"[..], id(1)),
            (b"refs/eka/claims/a", id(2)),
            (b"refs/eka/atoms/a/1.0.0", id(3)),
            (b"refs/eka/atoms/a/1.1.0", id(4)),
            (b"refs/eka/junk", id(5)),
        ]);
        assert_eq!(listing.claim(&"a".parse().unwrap()), Some(id(2)));
        assert_eq!(listing.atom_count(), 2);
        assert_eq!(
            listing
                .entries()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["a@1.0.0", "a@1.1.0"]
        );
        assert_eq!(listing.unrecognised.len(), 1);
        assert_eq!(listing.unrecognised[0].name, "refs/eka/junk");
    }

    #[test]
    fn mirrors_that_agree_are_merged() {
        let first = Listing::from_refs([(&b"refs/eka/atoms/a/1"[..], id(1))]);
        let second = Listing::from_refs([
            (&b"refs/eka/atoms/a/1"[..], id(1)),
            (b"refs/eka/atoms/a/2", id(2)),
        ]);
        let source = SourceListing::merge(vec![
            ("one".into(), Ok(first)),
            ("down".into(), Err(Error::git("offline", "x"))),
            ("two".into(), Ok(second)),
        ])
        .unwrap();
        assert_eq!(source.merged.atom_count(), 2);
        let name = EkaRef::Atom("a".parse().unwrap(), "1".parse().unwrap());
        assert_eq!(source.mirrors_with(&name, id(1)), ["one", "two"]);
        assert_eq!(source.failures().count(), 1);
    }

    #[test]
    fn a_disagreement_names_both_mirrors() {
        let err = SourceListing::merge(vec![
            (
                "https://a/x".into(),
                Ok(Listing::from_refs([(&b"refs/eka/claims/a"[..], id(1))])),
            ),
            (
                "https://b/x".into(),
                Ok(Listing::from_refs([(&b"refs/eka/claims/a"[..], id(2))])),
            ),
        ])
        .unwrap_err()
        .to_string();
        assert!(err.contains("refs/eka/claims/a"), "{err}");
        assert!(err.contains("https://a/x has 0101"), "{err}");
        assert!(err.contains("https://b/x has 0202"), "{err}");
    }

    #[test]
    fn no_answer_lists_every_failure() {
        let err = SourceListing::merge(vec![
            (
                "https://a/x".into(),
                Err(Error::git("connection refused", "x")),
            ),
            ("https://b/x".into(), Err(Error::git("timed out", "x"))),
        ])
        .unwrap_err()
        .to_string();
        assert!(err.contains("https://a/x: connection refused"), "{err}");
        assert!(err.contains("https://b/x: timed out"), "{err}");
    }
}
