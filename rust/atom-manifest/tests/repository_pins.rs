//! This repository's own `atom.toml` and `atom.lock` (the pins of the
//! packaged AT Protocol services) are valid, agree with each other, and the lock
//! is byte for byte what the lock writer produces.

use std::path::{Path, PathBuf};

use atom_manifest::{BondType, Lockfile, Manifest};

fn repository_file(name: &str) -> (PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    (path, text)
}

#[test]
fn manifest_and_lock_agree() {
    let (manifest_path, manifest_text) = repository_file("atom.toml");
    let manifest =
        Manifest::parse(&manifest_path, &manifest_text).unwrap_or_else(|e| panic!("{e}"));
    let (lock_path, lock_text) = repository_file("atom.lock");
    let lock = Lockfile::parse(&lock_path, &lock_text).unwrap_or_else(|e| panic!("{e}"));

    assert!(!manifest.legacy.is_empty(), "atom.toml pins nothing");
    for dependency in &manifest.legacy {
        let name = dependency.name.as_str();
        let bond = lock
            .bond(name)
            .unwrap_or_else(|| panic!("atom.lock has no bond for atom.toml's `{name}`"));
        assert_eq!(
            bond.bond_type(),
            BondType::Git,
            "`{name}` is not a nix+git bond"
        );
    }
    assert_eq!(
        lock.bonds.len(),
        manifest.legacy.len() + manifest.atoms.len(),
        "atom.lock has bonds atom.toml does not ask for"
    );
    assert_eq!(
        lock.to_toml(),
        lock_text,
        "atom.lock is not in the form eka writes"
    );
}
