use std::path::Path;

use super::super::*;
use crate::Diagnostics;

const SEED: &str = include_str!("../../../tests/fixtures/seed-004.atom.toml");

fn parse(text: &str) -> Result<Manifest, Diagnostics> {
    Manifest::parse(Path::new("atom.toml"), text)
}

/// The manifest's problems as `line:column: message` lines.
fn problems(text: &str) -> Vec<String> {
    let err = parse(text).expect_err("the manifest should be rejected");
    err.iter()
        .map(|d| {
            let at = d.location().expect("a location");
            format!("{}:{}: {}", at.line, at.column, d.message())
        })
        .collect()
}

fn header(rest: &str) -> String {
    format!("[atom]\ntag = \"me\"\nversion = \"0.1.0\"\n{rest}")
}

#[test]
fn every_form_of_the_format_proposal_parses() {
    let manifest = parse(SEED).unwrap();
    assert_eq!(manifest.atom.tag.as_str(), "my-server");
    assert_eq!(manifest.atom.version.as_str(), "0.2.0");
    let sources: Vec<(&str, Vec<&str>)> = manifest
        .sources
        .iter()
        .map(|s| {
            (
                s.name.as_str(),
                s.mirrors.iter().map(|m| m.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        sources,
        [
            (
                "company-atoms",
                vec![
                    "git@github.com:our-company/atoms",
                    "https://github.com/our-companies-mirror/atoms"
                ]
            ),
            ("local-project", vec!["::"]),
        ]
    );
    let atoms: Vec<_> = manifest
        .atoms
        .iter()
        .map(|a| (a.source.as_str(), a.tag.as_str(), a.requirement.as_str()))
        .collect();
    assert_eq!(
        atoms,
        [
            ("company-atoms", "auth-service", "^1.5"),
            ("local-project", "local-utility", "^0.1")
        ]
    );

    let legacy: Vec<&str> = manifest.legacy.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(
        legacy,
        [
            "nix-installer",
            "nixpkgs",
            "other-repo",
            "auth-service-docs",
            "source-archive",
            "online-builder",
            "data-archive"
        ]
    );
    let fetch = |name: &str| &manifest.legacy_dependency(name).unwrap().fetch;
    assert!(
        matches!(fetch("nix-installer"), Fetch::Url(f) if f.url.as_str() == "https://nixos.org/nix/install" && f.version.is_none())
    );
    assert!(
        matches!(fetch("nixpkgs"), Fetch::Git(GitFetch { url, pin: GitPin::Ref(r) }) if url.as_str() == "https://github.com/NixOS/nixpkgs" && r.as_str() == "nixos-unstable")
    );
    assert!(
        matches!(fetch("other-repo"), Fetch::Git(GitFetch { pin: GitPin::Version(v), .. }) if v.as_str() == "^1.2")
    );
    let Fetch::Tar(docs) = fetch("auth-service-docs") else {
        panic!("a tarball")
    };
    assert!(docs.url.has_placeholder());
    let binding = docs.version.as_ref().unwrap();
    assert_eq!(binding.to_string(), "company-atoms.auth-service");
    assert!(matches!(
        manifest.binding_target(binding),
        Some(BindingTarget::Dependency(d)) if d.tag.as_str() == "auth-service"
    ));
    // `local-project.my-server` is this atom: `local-project` is "::".
    let Fetch::Build(source) = fetch("source-archive") else {
        panic!("a build-time file")
    };
    assert!(matches!(
        manifest.binding_target(source.file.version.as_ref().unwrap()),
        Some(BindingTarget::ThisAtom(atom)) if atom.version.as_str() == "0.2.0"
    ));
    assert!(source.unpacks(&source.file.url.render(Some("0.2.0"))));
    let Fetch::Build(builder) = fetch("online-builder") else {
        panic!("a build-time file")
    };
    assert!(builder.exec && !builder.unpacks(builder.file.url.as_str()));
    let Fetch::Build(data) = fetch("data-archive") else {
        panic!("a build-time file")
    };
    assert_eq!(data.unpack, Some(false));
    assert!(!data.unpacks(data.file.url.as_str()));
}

#[test]
fn the_fixture_is_the_proposal_s_example() {
    // Compare with the original when it is at hand (it is not in CI).
    let Some(seeds) = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("shared/seeds"))
        .find(|dir| dir.is_dir())
    else {
        return;
    };
    let seed = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("004_"))
        .expect("the format proposal");
    let text = std::fs::read_to_string(seed).unwrap();
    assert!(text.contains(SEED), "the fixture differs from the proposal");
}

#[test]
fn a_dotted_url_key_and_an_inline_table_mean_the_same() {
    let dotted = parse(&header("[legacy.nix.fetch]\na.url = \"https://x/a\"\n")).unwrap();
    let inline = parse(&header(
        "[legacy.nix.fetch]\na = { url = \"https://x/a\" }\n",
    ))
    .unwrap();
    let table = parse(&header("[legacy.nix.fetch.a]\nurl = \"https://x/a\"\n")).unwrap();
    assert_eq!(dotted, inline);
    assert_eq!(dotted, table);
}

#[test]
fn an_unknown_key_is_named_with_its_path_and_place() {
    let text = "\
[atom]
tag = \"my-server\"
version = \"0.2.0\"

[atom.sources]
company-atoms = \"https://git.example.com/atoms\"

[atoms.company-atoms]
auth-service = \"^1.5\"

[atoms.company-atoms.x]
y = \"1\"
";
    assert_eq!(
        problems(text),
        ["11:1: `atoms.company-atoms.x` must be a string, not a table"]
    );
    assert_eq!(
        problems(&header("colour = \"blue\"\n")),
        ["4:1: unknown key `atom.colour`"]
    );
    assert_eq!(
        problems(&header(
            "[legacy.nix.fetch]\na = { url = \"https://x\", sha256 = \"\" }\n"
        )),
        ["5:26: unknown key `legacy.nix.fetch.a.sha256`"]
    );
    assert_eq!(
        problems(&header("[legacy.guix]\n")),
        ["4:9: unknown key `legacy.guix`"]
    );
    assert_eq!(problems(&header("[tools]\n")), ["4:2: unknown key `tools`"]);
}

#[test]
fn the_help_lists_the_keys_that_are_allowed() {
    let err = parse(&header(
        "[legacy.nix.fetch]\na = { git = \"https://x\", exec = true }\n",
    ))
    .unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("unknown key `legacy.nix.fetch.a.exec`"),
        "{shown}"
    );
    assert!(
        shown.contains("help: expected one of `git`, `ref`, `version`"),
        "{shown}"
    );
}

#[test]
fn an_undeclared_source_is_named_at_its_header() {
    let text =
        header("\n[atom.sources]\nmine = \"https://x/atoms\"\n\n[atoms.theirs]\nfoo = \"^1\"\n");
    assert_eq!(problems(&text), ["8:8: undeclared source `theirs`"]);
    let shown = parse(&text).unwrap_err().to_string();
    assert!(
        shown.contains("help: declare it in [atom.sources]"),
        "{shown}"
    );
    assert!(shown.contains("such as `mine`"), "{shown}");
}

#[test]
fn a_placeholder_needs_a_binding() {
    assert_eq!(
        problems(&header(
            "[legacy.nix.fetch]\ndocs = { tar = \"https://x/{version}/d.tar.gz\" }\n"
        )),
        ["5:27: `{version}` with no `version` binding"]
    );
    assert_eq!(
        problems(&header(
            "[legacy.nix.fetch]\nr = { git = \"https://x/{version}\", version = \"^1\" }\n"
        )),
        ["5:24: a git URL cannot contain `{version}`"]
    );
    assert_eq!(
        problems(&header("[legacy.nix.fetch]\nf.url = \"https://x/{ver}\"\n")),
        ["5:20: unexpected brace in URL"]
    );
}

#[test]
fn a_binding_names_a_declared_source_and_one_of_its_atoms() {
    let sources = "\n[atom.sources]\nco = \"https://x/atoms\"\nhere = \"::\"\n\n[atoms.co]\nlib = \"^1\"\n\n[legacy.nix.fetch]\n";
    let text = |entry: &str| header(&format!("{sources}{entry}\n"));
    assert!(
        parse(&text(
            "d = { tar = \"https://x/{version}.tgz\", version = \"co.lib\" }"
        ))
        .is_ok()
    );
    assert!(
        parse(&text(
            "d = { tar = \"https://x/{version}.tgz\", version = \"here.me\" }"
        ))
        .is_ok()
    );
    assert_eq!(
        problems(&text(
            "d = { tar = \"https://x/{version}.tgz\", version = \"nope.lib\" }"
        )),
        ["13:50: `version = \"nope.lib\"` names the undeclared source `nope`"]
    );
    assert_eq!(
        problems(&text(
            "d = { tar = \"https://x/{version}.tgz\", version = \"co.other\" }"
        )),
        ["13:50: `version = \"co.other\"`: source `co` has no atom `other` in this manifest"]
    );
    // `me` is this atom, but `co` is not this repository.
    assert_eq!(
        problems(&text(
            "d = { tar = \"https://x/{version}.tgz\", version = \"co.me\" }"
        )),
        ["13:50: `version = \"co.me\"`: source `co` has no atom `me` in this manifest"]
    );
    assert_eq!(
        problems(&text(
            "d = { tar = \"https://x/{version}.tgz\", version = \"^1.2\" }"
        )),
        ["13:50: `version = \"^1.2\"` is not a binding: write `<source>.<tag>`"]
    );
    assert_eq!(
        problems(&text(
            "d = { tar = \"https://x/{version}.tgz\", version = \"co.9lib\" }"
        )),
        [
            "13:54: invalid label \"9lib\": '9' (U+0039) at column 1 cannot start a label; the first character must be a letter (Unicode XID_Start) or '_'"
        ]
    );
}

#[test]
fn bad_requirements_point_into_the_string() {
    let text = header("\n[atom.sources]\nco = \"https://x\"\n\n[atoms.co]\nlib = \"^1.x.3\"\n");
    let found = problems(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("9:13: bad requirement: invalid semver"),
        "{found:?}"
    );
    assert_eq!(
        problems(&header(
            "[legacy.nix.fetch]\nr = { git = \"https://x\", version = \"one\" }\n"
        ))
        .len(),
        1
    );
}

#[test]
fn bad_labels_are_shown_at_the_offending_character() {
    assert_eq!(
        problems("[atom]\ntag = \"9atom\"\nversion = \"1\"\n"),
        [
            "2:8: invalid label \"9atom\": '9' (U+0039) at column 1 cannot start a label; the first character must be a letter (Unicode XID_Start) or '_'"
        ]
    );
    let found = problems(&header("[legacy.nix.fetch]\n\"a b\".url = \"https://x\"\n"));
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("5:3: invalid label \"a b\""),
        "{found:?}"
    );
    let found = problems(&header("\n[atom.sources]\n\"ｆｏｏ\" = \"https://x\"\n"));
    assert!(found[0].contains("NFKC"), "{found:?}");
}

#[test]
fn names_are_unique_across_atoms_and_legacy_entries() {
    let text = header(
        "[legacy.nix.fetch]\nlib.url = \"https://x\"\n\n[atom.sources]\na = \"https://a\"\nb = \"https://b\"\n\n[atoms.a]\nlib = \"^1\"\n\n[atoms.b]\nlib = \"^2\"\n",
    );
    let found = problems(&text);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].starts_with("12:1: `lib` is already the name of a dependency (line 5)"),
        "{found:?}"
    );
    assert!(
        found[1].starts_with("15:1: `lib` is already the name of a dependency (line 5)"),
        "{found:?}"
    );
}

#[test]
fn the_atom_table_and_its_fields_are_required() {
    let err = parse("[atoms]\n").unwrap_err();
    assert_eq!(err.len(), 1);
    assert_eq!(
        err.iter().next().unwrap().to_string(),
        "atom.toml: missing the [atom] table\n  = help: start the manifest with `[atom]`, `tag = \"name\"` and `version = \"0.1.0\"`"
    );
    assert_eq!(
        problems("[atom]\ntag = \"x\"\n"),
        ["1:1: missing `atom.version`"]
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = "[atom]\ntag = \"-x\"\nversion = \"1 2\"\nextra = 1\n";
    assert_eq!(
        problems(text),
        [
            "2:8: invalid label \"-x\": '-' (U+002D) at column 1 cannot start a label; the first character must be a letter (Unicode XID_Start) or '_'",
            "3:13: invalid version \"1 2\": ' ' (U+0020) at byte 1; a version contains no whitespace or control characters",
            "4:1: unknown key `atom.extra`",
        ]
    );
}

#[test]
fn sources_are_urls_or_lists_of_them() {
    let found = problems(&header(
        "\n[atom.sources]\na = []\nb = 1\nc = [\"https://x\", \"https://x\"]\nd = [\"::\", 2]\ne = \"\"\nf = \"git@+9:x\"\n",
    ));
    assert_eq!(found.len(), 6, "{found:?}");
    assert!(
        found[0].starts_with("6:5: source `a` has no mirrors"),
        "{found:?}"
    );
    assert!(
        found[1].starts_with("7:5: `atom.sources.b` must be a git URL"),
        "{found:?}"
    );
    assert!(
        found[2].starts_with("8:19: mirror `https://x` is listed twice"),
        "{found:?}"
    );
    assert!(
        found[3].starts_with("9:12: mirror 2 of source `d` must be a string, not an integer"),
        "{found:?}"
    );
    assert!(
        found[4].starts_with("10:5: a mirror cannot be empty"),
        "{found:?}"
    );
    assert!(
        found[5].starts_with("11:11: invalid alias name `9`"),
        "{found:?}"
    );
}

#[test]
fn one_thing_to_fetch_per_entry() {
    assert_eq!(
        problems(&header(
            "[legacy.nix.fetch]\na = { url = \"https://x\", tar = \"https://y\" }\n"
        )),
        ["5:26: `legacy.nix.fetch.a` gives both `url` and `tar`: an entry fetches one thing"]
    );
    assert_eq!(
        problems(&header("[legacy.nix.fetch]\na = { }\n")),
        [
            "5:1: `legacy.nix.fetch.a` says nothing to fetch: give one of `url`, `git`, `tar` or `build`"
        ]
    );
    assert_eq!(
        problems(&header(
            "[legacy.nix.fetch]\na = { git = \"https://x\", ref = \"main\", version = \"^1\" }\n"
        )),
        [
            "5:40: give either `ref` or `version`, not both: `version` picks the highest matching tag"
        ]
    );
    assert_eq!(
        problems(&header(
            "[legacy.nix.fetch]\na = { build = \"https://x/a.tgz\", exec = true, unpack = true }\n"
        )),
        ["5:56: `exec` and `unpack` cannot both be true"]
    );
    assert_eq!(
        problems(&header(
            "[legacy.nix.fetch]\na = { build = \"https://x\", exec = \"yes\" }\n"
        )),
        ["5:35: `legacy.nix.fetch.a.exec` must be a boolean (true or false), not a string"]
    );
    assert_eq!(
        problems(&header(
            "[legacy.nix.fetch]\na = { git = \"https://x\", ref = \"a..b\" }\n"
        )),
        ["5:32: `a..b` is not a valid git ref name"]
    );
}

#[test]
fn a_syntax_error_is_reported_at_its_place() {
    let found = problems("[atom]\ntag = \"x\nversion = \"1\"\n");
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("2:"), "{found:?}");
    assert!(found[0].contains("invalid TOML"), "{found:?}");
}
