use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use atom_id::{Alg, Czd};

use super::*;

const SEED: &str = include_str!("../../tests/fixtures/seed-004.atom.toml");

/// A hash that says which URL and hashing it came from.
fn hash_of(text: &str) -> Hash {
    // Any 32 bytes in SRI form will do: derive them from the text.
    let mut bytes = [0u8; 32];
    for (i, b) in text.bytes().enumerate() {
        bytes[i % 32] = bytes[i % 32].wrapping_mul(31).wrapping_add(b);
    }
    sri(&bytes)
}

fn sri(bytes: &[u8; 32]) -> Hash {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::from("sha256-");
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        let chars = chunk.len() + 1;
        for i in 0..4 {
            if i < chars {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out.parse().unwrap()
}

fn rev(n: u32) -> Rev {
    format!("{n:040x}").parse().unwrap()
}

#[derive(Default)]
struct FakeFetcher {
    calls: Mutex<Vec<String>>,
    failing: Vec<String>,
    tampered: Vec<String>,
    running: AtomicUsize,
    peak: AtomicUsize,
}

impl FakeFetcher {
    fn call(&self, what: &str) -> Result<(), BackendError> {
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        std::thread::sleep(std::time::Duration::from_millis(1));
        self.running.fetch_sub(1, Ordering::SeqCst);
        let fails = self.failing.iter().any(|f| what.contains(f.as_str()));
        self.calls.lock().unwrap().push(what.to_owned());
        if fails {
            return Err(format!("HTTP 404 for {what}").into());
        }
        Ok(())
    }

    fn calls(&self) -> Vec<String> {
        let mut calls = self.calls.lock().unwrap().clone();
        calls.sort();
        calls
    }

    fn hash(&self, key: &str) -> Hash {
        if self.tampered.iter().any(|t| key.contains(t.as_str())) {
            hash_of(&format!("tampered {key}"))
        } else {
            hash_of(key)
        }
    }
}

impl LegacyFetcher for FakeFetcher {
    fn file(&self, url: &str, hashing: FileHashing) -> Result<Hash, BackendError> {
        self.call(&format!("file {url}"))?;
        Ok(self.hash(&format!("{url} {hashing:?}")))
    }

    fn git_refs(&self, url: &str) -> Result<GitRefs, BackendError> {
        self.call(&format!("refs {url}"))?;
        let mut refs = BTreeMap::new();
        refs.insert("refs/heads/main".to_owned(), rev(1));
        refs.insert("refs/heads/nixos-unstable".to_owned(), rev(2));
        refs.insert("refs/tags/v1.2.0".to_owned(), rev(3));
        refs.insert("refs/tags/v1.4.1".to_owned(), rev(4));
        refs.insert("refs/tags/v2.0.0".to_owned(), rev(5));
        Ok(GitRefs {
            head: Some(rev(1)),
            refs,
        })
    }

    fn git(&self, url: &str, git_ref: Option<&str>, rev: &Rev) -> Result<Hash, BackendError> {
        self.call(&format!("git {url} {git_ref:?} {rev}"))?;
        Ok(self.hash(&format!("{url} {rev}")))
    }
}

struct FakeAtoms {
    versions: Vec<(&'static str, &'static str)>,
    calls: Mutex<Vec<String>>,
}

impl FakeAtoms {
    fn new() -> Self {
        Self {
            versions: vec![
                ("auth-service", "1.4.0"),
                ("auth-service", "1.5.2"),
                ("auth-service", "1.6.0"),
                ("auth-service", "1.7.0-beta.1"),
                ("auth-service", "2.0.0"),
                ("local-utility", "0.1.3"),
                ("local-utility", "0.2.0"),
            ],
            calls: Mutex::new(Vec::new()),
        }
    }

    fn anchor(mirrors: &[String]) -> Anchor {
        let first = mirrors.iter().find(|m| *m != "::").map_or(9, String::len);
        Anchor::from_object_id(&[u8::try_from(first).unwrap(); 20]).unwrap()
    }
}

impl AtomSources for FakeAtoms {
    fn list(&self, mirrors: &[String]) -> Result<Vec<(Label, RawVersion)>, BackendError> {
        self.calls.lock().unwrap().push(format!("list {mirrors:?}"));
        Ok(self
            .versions
            .iter()
            .map(|(l, v)| (l.parse().unwrap(), v.parse().unwrap()))
            .collect())
    }

    fn resolve(
        &self,
        mirrors: &[String],
        tag: &Label,
        version: &RawVersion,
    ) -> Result<ResolvedAtom, BackendError> {
        self.calls
            .lock()
            .unwrap()
            .push(format!("resolve {tag} {version}"));
        Ok(ResolvedAtom {
            anchor: Self::anchor(mirrors),
            rev: rev(100 + u32::try_from(version.as_str().len()).unwrap()),
            id: AtomId::from_claim_czd(
                Czd::from_bytes(
                    Alg::Ed25519,
                    vec![u8::try_from(tag.as_str().len()).unwrap(); 64],
                )
                .unwrap(),
            ),
            hash: hash_of(&format!("{tag} {version}")),
        })
    }
}

struct Run<'a> {
    text: &'a str,
    lock: Option<&'a Lockfile>,
    update: Update<'a>,
    locked: bool,
}

impl<'a> Run<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            lock: None,
            update: Update::Nothing,
            locked: false,
        }
    }

    fn with(&self, atoms: &FakeAtoms, fetcher: &FakeFetcher) -> Result<Locked, ResolveError> {
        let manifest = Manifest::parse(Path::new("atom.toml"), self.text).unwrap();
        let aliases = atom_aliases();
        let request = LockRequest {
            manifest_path: Path::new("atom.toml"),
            manifest_text: self.text,
            manifest: &manifest,
            lock: self.lock,
            update: self.update,
            locked: self.locked,
            aliases: &aliases,
            jobs: 4,
        };
        lock(&request, atoms, fetcher, &NoProgress)
    }
}

fn atom_aliases() -> alurl::Aliases {
    let mut aliases = alurl::Aliases::new();
    aliases.insert("gh", "github.com").unwrap();
    aliases
}

fn seed_lock() -> (Locked, FakeAtoms, FakeFetcher) {
    let atoms = FakeAtoms::new();
    let fetcher = FakeFetcher::default();
    let locked = Run::new(SEED).with(&atoms, &fetcher).unwrap();
    (locked, atoms, fetcher)
}

/// `--locked` of `text` against `lock`.
fn locked_run(
    text: &str,
    lock: &Lockfile,
    atoms: &FakeAtoms,
    fetcher: &FakeFetcher,
) -> Result<Locked, ResolveError> {
    Run {
        lock: Some(lock),
        locked: true,
        ..Run::new(text)
    }
    .with(atoms, fetcher)
}

#[test]
fn the_proposal_s_example_locks_every_kind_of_dependency() {
    let (locked, atoms, fetcher) = seed_lock();
    let lock = &locked.lock;
    assert_eq!(locked.fetched, 9);
    let Some(Bond::Atom(auth)) = lock.bond("auth-service") else {
        panic!("an atom bond")
    };
    // The highest release matching ^1.5 (not the beta, not 2.0.0).
    assert_eq!(auth.version.as_str(), "1.6.0");
    assert_eq!(
        lock.sources[&auth.source],
        [
            "git@github.com:our-company/atoms",
            "https://github.com/our-companies-mirror/atoms"
        ]
    );
    let Some(Bond::Atom(utility)) = lock.bond("local-utility") else {
        panic!("an atom bond")
    };
    assert_eq!(utility.version.as_str(), "0.1.3");
    assert_eq!(lock.sources[&utility.source], ["::"]);

    // {version} from the resolved atom, and from this atom itself.
    let Some(Bond::Tar(docs)) = lock.bond("auth-service-docs") else {
        panic!("a tarball")
    };
    assert_eq!(
        docs.url,
        "https://docs.our-company.com/auth/1.6.0/docs.tar.gz"
    );
    assert_eq!(docs.version.as_deref(), Some("1.6.0"));
    assert_eq!(docs.hash, hash_of(&format!("{} Unpacked", docs.url)));
    let Some(Bond::Build(source)) = lock.bond("source-archive") else {
        panic!("a build-time file")
    };
    assert_eq!(
        source.url,
        "https://dist.our-company.com/my-server/0.2.0/source.tar.gz"
    );
    assert!(source.unpack && !source.exec);
    assert_eq!(source.hash, hash_of(&format!("{} Unpacked", source.url)));
    let Some(Bond::Build(builder)) = lock.bond("online-builder") else {
        panic!("a build-time file")
    };
    assert_eq!(
        builder.hash,
        hash_of(&format!("{} Executable", builder.url))
    );
    let Some(Bond::Build(data)) = lock.bond("data-archive") else {
        panic!("a build-time file")
    };
    assert_eq!(data.hash, hash_of(&format!("{} Flat", data.url)));
    assert!(!data.unpack);

    // Git: a branch keeps its name; a version requirement picks a tag.
    let Some(Bond::Git(nixpkgs)) = lock.bond("nixpkgs") else {
        panic!("a git bond")
    };
    assert_eq!(nixpkgs.git_ref.as_deref(), Some("nixos-unstable"));
    assert_eq!(nixpkgs.rev, rev(2));
    let Some(Bond::Git(other)) = lock.bond("other-repo") else {
        panic!("a git bond")
    };
    assert_eq!(other.git_ref.as_deref(), Some("refs/tags/v1.4.1"));
    assert_eq!(other.version.as_deref(), Some("1.4.1"));
    assert_eq!(other.rev, rev(4));

    assert!(locked.changes.iter().all(|c| c.kind == ChangeKind::Added));
    assert_eq!(locked.changes.len(), 9);
    // One listing per source.
    let calls = atoms.calls.lock().unwrap().clone();
    assert_eq!(
        calls.iter().filter(|c| c.starts_with("list")).count(),
        2,
        "{calls:?}"
    );
    assert_eq!(fetcher.calls().len(), 9);
}

#[test]
fn relocking_an_unchanged_manifest_fetches_nothing() {
    let (first, _, _) = seed_lock();
    let atoms = FakeAtoms::new();
    let fetcher = FakeFetcher::default();
    let again = Run {
        lock: Some(&first.lock),
        ..Run::new(SEED)
    }
    .with(&atoms, &fetcher)
    .unwrap();
    assert_eq!(again.lock, first.lock);
    assert_eq!(again.lock.to_toml(), first.lock.to_toml());
    assert_eq!(again.fetched, 0);
    assert!(fetcher.calls().is_empty());
    assert!(atoms.calls.lock().unwrap().is_empty());
    assert!(
        again
            .changes
            .iter()
            .all(|c| c.kind == ChangeKind::Unchanged)
    );
}

#[test]
fn a_changed_requirement_refetches_what_depends_on_it_only() {
    let (first, _, _) = seed_lock();
    let text = SEED.replace("auth-service = \"^1.5\"", "auth-service = \"~1.5\"");
    let atoms = FakeAtoms::new();
    let fetcher = FakeFetcher::default();
    let again = Run {
        lock: Some(&first.lock),
        ..Run::new(&text)
    }
    .with(&atoms, &fetcher)
    .unwrap();
    assert_eq!(
        again.lock.bond("auth-service").unwrap().version(),
        Some("1.5.2")
    );
    // The tarball bound to it has a new URL, so it is fetched again; nothing else is.
    assert_eq!(
        fetcher.calls(),
        ["file https://docs.our-company.com/auth/1.5.2/docs.tar.gz"]
    );
    let kinds: BTreeMap<&str, ChangeKind> = again
        .changes
        .iter()
        .map(|c| (c.name.as_str(), c.kind))
        .collect();
    assert_eq!(kinds["auth-service"], ChangeKind::Updated);
    assert_eq!(kinds["auth-service-docs"], ChangeKind::Updated);
    assert_eq!(kinds["nixpkgs"], ChangeKind::Unchanged);
    let change = again
        .changes
        .iter()
        .find(|c| c.name == "auth-service")
        .unwrap();
    assert_eq!(
        (change.from.as_deref(), change.to.as_deref()),
        (Some("1.6.0"), Some("1.5.2"))
    );
}

#[test]
fn update_resolves_only_the_names_given() {
    let (first, _, _) = seed_lock();
    let names = ["nixpkgs".to_owned()];
    let atoms = FakeAtoms::new();
    let fetcher = FakeFetcher::default();
    Run {
        lock: Some(&first.lock),
        update: Update::Only(&names),
        ..Run::new(SEED)
    }
    .with(&atoms, &fetcher)
    .unwrap();
    assert_eq!(
        fetcher.calls(),
        [
            format!(
                "git https://github.com/NixOS/nixpkgs Some(\"nixos-unstable\") {}",
                rev(2)
            ),
            "refs https://github.com/NixOS/nixpkgs".to_owned()
        ]
    );
    assert!(atoms.calls.lock().unwrap().is_empty());

    let fetcher = FakeFetcher::default();
    let atoms = FakeAtoms::new();
    let all = Run {
        lock: Some(&first.lock),
        update: Update::All,
        ..Run::new(SEED)
    }
    .with(&atoms, &fetcher)
    .unwrap();
    assert_eq!(all.fetched, 9);

    let unknown = ["nope".to_owned()];
    let err = Run {
        lock: Some(&first.lock),
        update: Update::Only(&unknown),
        ..Run::new(SEED)
    }
    .with(&FakeAtoms::new(), &FakeFetcher::default())
    .unwrap_err();
    assert!(
        err.to_string().starts_with(
            "no dependency named `nope` in atom.toml (it has auth-service, auth-service-docs,"
        ),
        "{err}"
    );
}

#[test]
fn locked_refuses_a_stale_lock_before_fetching_anything() {
    let (first, _, _) = seed_lock();
    let text = SEED
        .replace("auth-service = \"^1.5\"", "auth-service = \"^2\"")
        .replace(
            "online-builder = { build = \"https://example.com/builder.sh\", exec = true }",
            "online-builder = { build = \"https://example.com/builder2.sh\", exec = true }",
        );
    let atoms = FakeAtoms::new();
    let fetcher = FakeFetcher::default();
    let err = locked_run(&text, &first.lock, &atoms, &fetcher).unwrap_err();
    let ResolveError::Stale(stale) = &err else {
        panic!("{err}")
    };
    assert_eq!(stale.entries()[0].0, "auth-service");
    assert!(
        stale.entries()[0].1.contains("does not match `^2`"),
        "{stale}"
    );
    assert!(fetcher.calls().is_empty() && atoms.calls.lock().unwrap().is_empty());

    // A legacy entry changed (the atoms being up to date).
    let text = SEED.replace(
        "https://example.com/builder.sh",
        "https://example.com/builder2.sh",
    );
    let err = locked_run(&text, &first.lock, &atoms, &fetcher).unwrap_err();
    assert!(err.to_string().contains("`online-builder`: the lock has URL https://example.com/builder.sh, the manifest https://example.com/builder2.sh"), "{err}");

    // An entry removed from the manifest.
    let text = SEED.replace(
        "data-archive = { build = \"https://example.com/data.tar.gz\", unpack = false }",
        "",
    );
    let err = locked_run(&text, &first.lock, &atoms, &fetcher).unwrap_err();
    assert!(
        err.to_string()
            .contains("`data-archive`: no longer in the manifest"),
        "{err}"
    );
    assert!(fetcher.calls().is_empty());

    // Up to date: the same lock.
    let ok = locked_run(SEED, &first.lock, &atoms, &fetcher).unwrap();
    assert_eq!(ok.lock, first.lock);
}

#[test]
fn every_failure_is_reported_at_its_entry() {
    let atoms = FakeAtoms::new();
    let fetcher = FakeFetcher {
        failing: vec!["builder.sh".into(), "data.tar.gz".into()],
        ..FakeFetcher::default()
    };
    let err = Run::new(SEED).with(&atoms, &fetcher).unwrap_err();
    let ResolveError::Failed(diagnostics) = &err else {
        panic!("{err}")
    };
    let shown: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            let at = d.location().unwrap();
            format!("{}:{}: {}", at.line, at.column, d.message())
        })
        .collect();
    assert_eq!(
        shown,
        [
            "47:28: cannot lock `online-builder`: HTTP 404 for file https://example.com/builder.sh",
            "50:26: cannot lock `data-archive`: HTTP 404 for file https://example.com/data.tar.gz",
        ]
    );
}

#[test]
fn atoms_that_cannot_be_resolved_are_reported_at_their_tag() {
    let text = SEED.replace("auth-service = \"^1.5\"", "auth-service = \"^3\"");
    let err = Run::new(&text)
        .with(&FakeAtoms::new(), &FakeFetcher::default())
        .unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.starts_with("atom.toml:15:1: cannot resolve atom `auth-service` from `company-atoms`: no version matches `^3` (it has 1.4.0, 1.5.2, 1.6.0, 1.7.0-beta.1, 2.0.0)"),
        "{shown}"
    );
    // What is bound to it is not attempted (and not reported twice).
    assert!(!shown.contains("auth-service-docs"), "{shown}");
}

#[test]
fn aliases_are_expanded_and_the_lock_records_the_canonical_url() {
    let text = "[atom]\ntag = \"me\"\nversion = \"1.0.0\"\n\n[legacy.nix.fetch]\nr = { git = \"+gh/owner/repo\" }\nf.url = \"https://+gh/owner/repo/archive/x.tar.gz\"\nbad.url = \"https://+nope/x\"\n";
    let err = Run::new(text)
        .with(&FakeAtoms::new(), &FakeFetcher::default())
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("atom.toml:8:11: unknown alias `+nope`"),
        "{err}"
    );
    let text = text.replace("bad.url = \"https://+nope/x\"\n", "");
    let locked = Run::new(&text)
        .with(&FakeAtoms::new(), &FakeFetcher::default())
        .unwrap();
    assert_eq!(
        locked.lock.bond("r").unwrap().url(),
        Some("https://github.com/owner/repo")
    );
    assert_eq!(
        locked.lock.bond("f").unwrap().url(),
        Some("https://github.com/owner/repo/archive/x.tar.gz")
    );
    assert_eq!(
        locked.lock.bond("r").and_then(|b| match b {
            Bond::Git(g) => Some(g.git_ref.is_none()),
            _ => None,
        }),
        Some(true)
    );
}

#[test]
fn fetches_run_in_parallel_within_the_bound() {
    let mut text = "[atom]\ntag = \"me\"\nversion = \"1.0.0\"\n\n[legacy.nix.fetch]\n".to_owned();
    for i in 0..24 {
        text.push_str(&format!("f{i}.url = \"https://example.com/{i}\"\n"));
    }
    let fetcher = FakeFetcher::default();
    let locked = Run::new(&text).with(&FakeAtoms::new(), &fetcher).unwrap();
    assert_eq!(locked.lock.bonds.len(), 24);
    let peak = fetcher.peak.load(Ordering::SeqCst);
    assert!((2..=4).contains(&peak), "peak {peak}");
}

#[test]
fn verify_names_every_bond_whose_content_changed() {
    let (first, _, _) = seed_lock();
    let ok = verify(
        &first.lock,
        &FakeAtoms::new(),
        &FakeFetcher::default(),
        4,
        &NoProgress,
    );
    assert_eq!(ok, []);
    let fetcher = FakeFetcher {
        tampered: vec!["data.tar.gz".into(), "NixOS/nixpkgs".into()],
        failing: vec!["builder.sh".into()],
        ..FakeFetcher::default()
    };
    let failures = verify(&first.lock, &FakeAtoms::new(), &fetcher, 4, &NoProgress);
    let names: Vec<&str> = failures.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["data-archive", "nixpkgs", "online-builder"]);
    assert!(
        failures[0]
            .message
            .starts_with("hash mismatch: the lock has sha256-"),
        "{failures:?}"
    );
    assert!(failures[2].message.contains("HTTP 404"), "{failures:?}");
    // Every bond was fetched again, the unchanged ones too.
    assert_eq!(fetcher.calls().len(), 7);
}

#[test]
fn one_repository_behind_two_sources_with_other_mirrors_is_refused() {
    // The fake derives the anchor from the first URL's length: these two
    // sources reach "one repository" through different mirror lists.
    let text = "[atom]\ntag = \"me\"\nversion = \"1.0.0\"\n\n[atom.sources]\na = \"https://x/aa\"\nb = \"https://x/bb\"\n\n[atoms.a]\nauth-service = \"^1\"\n\n[atoms.b]\nlocal-utility = \"^0.1\"\n";
    let err = Run::new(text)
        .with(&FakeAtoms::new(), &FakeFetcher::default())
        .unwrap_err();
    let shown = err.to_string();
    assert!(shown.starts_with("atom.toml:"), "{shown}");
    assert!(
        shown.contains("also reaches; one repository is one source"),
        "{shown}"
    );
}
