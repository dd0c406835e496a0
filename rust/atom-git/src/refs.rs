//! Where atoms live in a git repository: the ref layout.
//!
//! * `refs/eka/claims/<label>` → a blob holding the signed claim.
//! * `refs/eka/atoms/<label>/<version>` → the atom commit.
//!
//! Everything else under `refs/eka/` is not ours to interpret; listings
//! report such refs as [`Unrecognised`] rather than failing.

use atom_id::{Label, RawVersion};
use gix::refs::FullName;

/// The namespace of every ref this crate reads or writes.
pub const NAMESPACE: &str = "refs/eka/";
/// The prefix of claim refs.
pub const CLAIMS: &str = "refs/eka/claims/";
/// The prefix of atom refs.
pub const ATOMS: &str = "refs/eka/atoms/";

/// A ref of the atom layout, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EkaRef {
    /// `refs/eka/claims/<label>`
    Claim(Label),
    /// `refs/eka/atoms/<label>/<version>`
    Atom(Label, RawVersion),
}

/// A ref under `refs/eka/` that is not of the atom layout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ref {name} is not an atom ref: {reason}")]
pub struct Unrecognised {
    /// The ref's name, as advertised (lossy UTF-8).
    pub name: String,
    /// Why it was not understood.
    pub reason: String,
}

/// A label or version that cannot be part of a git ref name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` cannot be stored as git ref {name}: {reason}")]
pub struct RefNameError {
    /// The label or version.
    pub value: String,
    /// The ref name it would make.
    pub name: String,
    /// What git forbids about it.
    pub reason: String,
}

/// The claim ref of `label`.
pub fn claim_ref(label: &Label) -> Result<FullName, RefNameError> {
    full_name(label.as_str(), format!("{CLAIMS}{label}"))
}

/// The ref of `version` of `label`.
///
/// A version with a `/` is refused: it would make the ref ambiguous
/// (`a/1/2` could be version `1/2` of `a`, or a label with a slash), as is
/// anything git does not allow in a ref name (`..`, `~`, `^`, `:`, a
/// trailing `.lock`, …).
pub fn atom_ref(label: &Label, version: &RawVersion) -> Result<FullName, RefNameError> {
    let name = format!("{ATOMS}{label}/{version}");
    if version.as_str().contains('/') {
        return Err(RefNameError {
            value: version.to_string(),
            name,
            reason: "a version stored in git cannot contain `/`".into(),
        });
    }
    full_name(version.as_str(), name)
}

fn full_name(value: &str, name: String) -> Result<FullName, RefNameError> {
    FullName::try_from(name.as_str()).map_err(|err| RefNameError {
        value: value.to_owned(),
        name,
        reason: err.to_string(),
    })
}

impl EkaRef {
    /// Parse a full ref name. `Ok(None)`: the ref is outside `refs/eka/`.
    pub fn parse(name: &[u8]) -> Result<Option<Self>, Unrecognised> {
        let Some(rest) = name.strip_prefix(NAMESPACE.as_bytes()) else {
            return Ok(None);
        };
        let text = String::from_utf8_lossy(name);
        let refuse = |reason: String| Unrecognised {
            name: text.to_string(),
            reason,
        };
        let rest = std::str::from_utf8(rest).map_err(|_| refuse("not UTF-8".into()))?;
        let label = |text: &str| {
            text.parse::<Label>()
                .map_err(|err| refuse(format!("bad label: {err}")))
        };
        if let Some(label_text) = rest.strip_prefix("claims/") {
            return label(label_text).map(|label| Some(Self::Claim(label)));
        }
        if let Some(atom) = rest.strip_prefix("atoms/") {
            let Some((label_text, version)) = atom.split_once('/') else {
                return Err(refuse("expected refs/eka/atoms/<label>/<version>".into()));
            };
            if version.contains('/') {
                return Err(refuse("a version cannot contain `/`".into()));
            }
            let version = version
                .parse::<RawVersion>()
                .map_err(|err| refuse(format!("bad version: {err}")))?;
            return Ok(Some(Self::Atom(label(label_text)?, version)));
        }
        Err(refuse(
            "expected refs/eka/claims/<label> or refs/eka/atoms/<label>/<version>".into(),
        ))
    }

    /// The full ref name.
    pub fn full_name(&self) -> Result<FullName, RefNameError> {
        match self {
            Self::Claim(label) => claim_ref(label),
            Self::Atom(label, version) => atom_ref(label, version),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        let label: Label = "Café_au_lait-123".parse().unwrap();
        let version: RawVersion = "1.0.0-rc.1+build".parse().unwrap();
        let claim = claim_ref(&label).unwrap();
        assert_eq!(claim.as_bstr(), "refs/eka/claims/Café_au_lait-123");
        assert_eq!(
            EkaRef::parse(claim.as_bstr()).unwrap(),
            Some(EkaRef::Claim(label.clone()))
        );
        let atom = atom_ref(&label, &version).unwrap();
        assert_eq!(
            atom.as_bstr(),
            "refs/eka/atoms/Café_au_lait-123/1.0.0-rc.1+build"
        );
        assert_eq!(
            EkaRef::parse(atom.as_bstr()).unwrap(),
            Some(EkaRef::Atom(label, version))
        );
    }

    #[test]
    fn versions_git_cannot_store_are_refused_with_the_reason() {
        let label: Label = "a".parse().unwrap();
        for (version, reason) in [
            ("1/2", "cannot contain `/`"),
            ("1..2", ""),
            ("1~2", ""),
            ("1.lock", ""),
            ("1:2", ""),
        ] {
            let err = atom_ref(&label, &version.parse().unwrap()).unwrap_err();
            assert_eq!(err.value, version);
            assert!(err.reason.contains(reason), "{err}");
            assert!(
                err.to_string()
                    .contains(&format!("refs/eka/atoms/a/{version}")),
                "{err}"
            );
        }
    }

    #[test]
    fn foreign_and_malformed_refs() {
        assert_eq!(EkaRef::parse(b"refs/heads/main").unwrap(), None);
        for (name, reason) in [
            (
                &b"refs/eka/atoms/a"[..],
                "expected refs/eka/atoms/<label>/<version>",
            ),
            (b"refs/eka/atoms/9a/1", "bad label"),
            (b"refs/eka/atoms/a/1/2", "cannot contain `/`"),
            (b"refs/eka/claims/a b", "bad label"),
            (b"refs/eka/other/a", "expected refs/eka/claims/"),
            (b"refs/eka/claims/\xff", "not UTF-8"),
        ] {
            let err = EkaRef::parse(name).unwrap_err();
            assert!(err.reason.contains(reason), "{name:?}: {err}");
        }
    }
}
