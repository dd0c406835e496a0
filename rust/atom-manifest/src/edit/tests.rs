use std::path::Path;

use super::*;

const SEED: &str = include_str!("../../tests/fixtures/seed-004.atom.toml");

fn editor(text: &str) -> ManifestEditor {
    ManifestEditor::new(Path::new("atom.toml"), text).unwrap()
}

fn label(s: &str) -> Label {
    s.parse().unwrap()
}

#[test]
fn adding_to_the_proposal_s_example_keeps_every_comment_and_the_order() {
    let mut edit = editor(SEED);
    let added = edit
        .add_legacy(
            &label("hello"),
            &LegacyEntry::tar("https://example.com/hello.tar.gz"),
        )
        .unwrap();
    assert_eq!(added, Added::New);
    let (text, manifest) = edit.finish().unwrap();
    // Everything that was there is still there, byte for byte, and the new
    // entry follows the last one with the same spacing (the file's own
    // trailing blank line stays at its end).
    assert!(SEED.ends_with("unpack = false }\n\n"));
    assert_eq!(
        text,
        format!("{SEED}hello = {{ tar = \"https://example.com/hello.tar.gz\" }}\n\n")
    );
    assert_eq!(manifest.legacy.last().unwrap().name.as_str(), "hello");
}

#[test]
fn a_new_source_table_goes_after_the_other_atom_tables_and_before_legacy() {
    let mut edit = editor(SEED);
    edit.add_source(&label("extra"), &["https://extra.example.com/atoms", "::"])
        .unwrap();
    edit.add_atom(&label("extra"), &label("tool"), &"^2.1".parse().unwrap())
        .unwrap();
    let (text, manifest) = edit.finish().unwrap();
    let sources_at = text
        .find("extra = [\"https://extra.example.com/atoms\", \"::\"]")
        .unwrap();
    let local_at = text.find("local-project = \"::\"").unwrap();
    let table_at = text.find("[atoms.extra]\ntool = \"^2.1\"").unwrap();
    let previous_table_at = text.find("[atoms.local-project]").unwrap();
    let legacy_at = text.find("[legacy.nix.fetch]").unwrap();
    assert!(local_at < sources_at, "{text}");
    assert!(
        previous_table_at < table_at && table_at < legacy_at,
        "{text}"
    );
    assert!(text.contains("# LEGACY NIX DEPENDENCIES"));
    assert_eq!(
        manifest.atom_dependency("tool").unwrap().source.as_str(),
        "extra"
    );
}

#[test]
fn a_manifest_without_sources_gets_the_table_after_atom() {
    let text =
        "[atom]\ntag = \"app\"\nversion = \"0.1.0\"\n\n[legacy.nix.fetch]\na.url = \"https://x\"\n";
    let mut edit = editor(text);
    edit.add_source(&label("co"), &["https://co.example.com/atoms"])
        .unwrap();
    edit.add_atom(&label("co"), &label("lib"), &"^1".parse().unwrap())
        .unwrap();
    let (text, _) = edit.finish().unwrap();
    assert_eq!(
        text,
        "[atom]\ntag = \"app\"\nversion = \"0.1.0\"\n\n[atom.sources]\nco = \"https://co.example.com/atoms\"\n\n[atoms.co]\nlib = \"^1\"\n\n[legacy.nix.fetch]\na.url = \"https://x\"\n"
    );
}

#[test]
fn adding_again_changes_the_requirement_in_place() {
    let mut edit = editor(SEED);
    let req = "^1.6".parse().unwrap();
    assert_eq!(
        edit.add_atom(&label("company-atoms"), &label("auth-service"), &req)
            .unwrap(),
        Added::Replaced
    );
    let (text, _) = edit.finish().unwrap();
    assert_eq!(
        text,
        SEED.replace("auth-service = \"^1.5\"", "auth-service = \"^1.6\"")
    );

    let mut edit = editor(SEED);
    let same = "^1.5".parse().unwrap();
    assert_eq!(
        edit.add_atom(&label("company-atoms"), &label("auth-service"), &same)
            .unwrap(),
        Added::Unchanged
    );
    assert_eq!(edit.finish().unwrap().0, SEED);
}

#[test]
fn replacing_a_legacy_entry_keeps_its_comment() {
    let mut edit = editor(SEED);
    let entry = LegacyEntry::git("https://github.com/NixOS/nixpkgs").with_ref("nixos-25.05");
    assert_eq!(
        edit.add_legacy(&label("nixpkgs"), &entry).unwrap(),
        Added::Replaced
    );
    let (text, _) = edit.finish().unwrap();
    assert_eq!(
        text,
        SEED.replace("ref = \"nixos-unstable\"", "ref = \"nixos-25.05\"")
    );

    let mut edit = editor(SEED);
    let same = LegacyEntry::build("https://example.com/builder.sh").executable();
    assert_eq!(
        edit.add_legacy(&label("online-builder"), &same).unwrap(),
        Added::Unchanged
    );
    assert_eq!(edit.finish().unwrap().0, SEED);
}

#[test]
fn names_stay_unique() {
    let mut edit = editor(SEED);
    let err = edit
        .add_legacy(&label("auth-service"), &LegacyEntry::url("https://x"))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("`auth-service` is already an atom dependency from source `company-atoms`"),
        "{err}"
    );
    let err = edit
        .add_atom(
            &label("local-project"),
            &label("auth-service"),
            &"^1".parse().unwrap(),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("from source `company-atoms`"),
        "{err}"
    );
    let err = edit
        .add_atom(
            &label("company-atoms"),
            &label("nixpkgs"),
            &"^1".parse().unwrap(),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("the name of a legacy entry"),
        "{err}"
    );
}

#[test]
fn removing_takes_the_entry_and_its_own_comment_only() {
    let mut edit = editor(SEED);
    assert_eq!(edit.remove("source-archive").unwrap(), Removed::Legacy);
    let (text, manifest) = edit.finish().unwrap();
    assert!(manifest.legacy_dependency("source-archive").is_none());
    // The heading above it stays; its own comment goes.
    assert!(text.contains("# --- Build-Time Dependencies ---\n\n# A build-time dependency from a URL that is marked as executable.\nonline-builder"), "{text}");
    assert!(!text.contains("ideal for sources"), "{text}");

    let mut edit = editor(SEED);
    edit.remove("nix-installer").unwrap();
    let (text, _) = edit.finish().unwrap();
    assert!(text.contains("[legacy.nix.fetch]\n# --- Eval-Time Dependencies ---\n\n# A Git dependency with a static ref.\nnixpkgs"), "{text}");
    assert!(!text.contains("generic URL"), "{text}");
}

#[test]
fn removing_the_last_atom_of_a_source_removes_its_table() {
    let mut edit = editor(SEED);
    edit.remove("local-utility").unwrap();
    // `local-project.my-server` still binds this atom: the source stays.
    let (text, manifest) = edit.finish().unwrap();
    assert!(!text.contains("[atoms.local-project]"), "{text}");
    assert!(text.contains("local-project = \"::\""));
    assert_eq!(manifest.atoms.len(), 1);
}

#[test]
fn removing_what_a_binding_needs_is_refused_with_its_place() {
    let mut edit = editor(SEED);
    assert_eq!(
        edit.remove("auth-service").unwrap(),
        Removed::Atom {
            source: label("company-atoms")
        }
    );
    let err = edit.finish().unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("source `company-atoms` has no atom `auth-service`"),
        "{shown}"
    );
}

#[test]
fn removing_an_unknown_name_lists_the_known_ones() {
    let mut edit =
        editor("[atom]\ntag = \"a\"\nversion = \"1\"\n[legacy.nix.fetch]\nx.url = \"https://x\"\n");
    let err = edit.remove("y").unwrap_err();
    assert_eq!(
        err.to_string(),
        "atom.toml: there is no dependency named `y` (it has x)"
    );
}
