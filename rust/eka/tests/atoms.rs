//! `eka init`, `new`, `claim`, `publish` and `list` through the command
//! line, on temporary repositories (needs `git`, and `git daemon` for the
//! `git://` listing).

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a panic is a failed test"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use atom_git::testing::{Daemon, bare, commit_all, git, git_command};
use serde_json::Value;

/// A scratch home with a key, and a project repository `project` in it.
struct World {
    dir: tempfile::TempDir,
}

impl World {
    fn new() -> Self {
        let world = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir(world.project()).unwrap();
        git(&world.project(), &["init", "-q", "-b", "main"]);
        std::fs::write(world.project().join("README"), "project\n").unwrap();
        commit_all(&world.project(), "first");
        world.ok(&world.project(), &["key", "generate"]);
        world
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn project(&self) -> PathBuf {
        self.path("project")
    }

    fn eka(&self, cwd: &Path, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_eka"))
            .args(args)
            .current_dir(cwd)
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("XDG_CACHE_HOME", self.path("cache"))
            .env("HOME", self.dir.path())
            .env("EKA_CONFIG", self.path("config/eka/config.toml"))
            .env_remove("EKA_KEY")
            .env("NO_COLOR", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("eka runs")
    }

    /// Run eka, which must succeed; return its stdout.
    fn ok(&self, cwd: &Path, args: &[&str]) -> String {
        let output = self.eka(cwd, args);
        assert!(
            output.status.success(),
            "eka {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// Run eka with `--json`, which must succeed; return the document.
    fn json(&self, cwd: &Path, args: &[&str]) -> Value {
        let mut args = args.to_vec();
        args.push("--json");
        serde_json::from_str(&self.ok(cwd, &args)).unwrap()
    }

    /// Run eka, which must fail with status `code`; return its stderr.
    fn fails(&self, cwd: &Path, args: &[&str], code: i32) -> String {
        let output = self.eka(cwd, args);
        assert_eq!(
            output.status.code(),
            Some(code),
            "eka {args:?}: stdout {} stderr {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stderr).unwrap()
    }

    /// `eka new` each name in the project, and commit.
    fn atoms(&self, names: &[&str]) {
        for name in names {
            self.ok(&self.project(), &["new", name]);
        }
        commit_all(&self.project(), "atoms");
    }
}

#[test]
fn init_shows_the_anchor_and_the_key() {
    let world = World::new();
    let first = git(&world.project(), &["rev-list", "--max-parents=0", "HEAD"]);
    commit_all(&world.project(), "second");
    let report = world.json(&world.project(), &["init"]);
    assert_eq!(report["genesis"], first.as_str());
    assert_eq!(
        report["head"],
        git(&world.project(), &["rev-parse", "HEAD"]).as_str()
    );
    assert_eq!(report["key"]["alg"], "Ed25519");
    assert_eq!(report["claims"], Value::Array(vec![]));
    let anchor = report["anchor"].as_str().unwrap();
    assert_eq!(anchor.len(), 27, "b64ut of 20 bytes: {anchor}");

    let text = world.ok(&world.project(), &["init"]);
    assert!(
        text.contains(&format!("anchor:     {anchor} (first commit {first})")),
        "{text}"
    );

    // Not a repository, no key: each says what to do.
    let err = world.fails(world.dir.path(), &["init"], 1);
    assert!(err.contains("is not in a git repository"), "{err}");
    let err = world.fails(&world.project(), &["init", "--key", "absent.json"], 1);
    assert!(err.contains("eka key generate"), "{err}");
}

#[test]
fn new_writes_a_manifest_skeleton_and_never_overwrites() {
    let world = World::new();
    let created = world.json(
        &world.project(),
        &[
            "new",
            "tools/my-tool",
            "--version",
            "2.0.0",
            "--description",
            "A tool",
        ],
    );
    assert_eq!(created["tag"], "my-tool");
    assert_eq!(created["version"], "2.0.0");
    let text = std::fs::read_to_string(world.project().join("tools/my-tool/atom.toml")).unwrap();
    assert!(
        text.starts_with(
            "[atom]\ntag = \"my-tool\"\nversion = \"2.0.0\"\ndescription = \"A tool\"\n"
        ),
        "{text}"
    );

    let err = world.fails(&world.project(), &["new", "tools/my-tool"], 1);
    assert!(err.contains("already exists"), "{err}");
    let err = world.fails(&world.project(), &["new", "9lives"], 1);
    assert!(err.contains("`9lives` is not a valid atom label"), "{err}");
    assert!(err.contains("--tag"), "{err}");
    assert!(!world.project().join("9lives").exists(), "nothing written");
    world.ok(&world.project(), &["new", "9lives", "--tag", "nine_lives"]);
    let err = world.fails(&world.project(), &["new", "x", "--version", "1 0"], 1);
    assert!(err.contains("invalid --version"), "{err}");
}

#[test]
fn claim_publish_push_and_list_over_a_path_file_url_git_daemon_and_an_alias() {
    let world = World::new();
    world.atoms(&["hello", "world"]);
    std::fs::create_dir(world.path("served")).unwrap();
    let remote = bare(&world.path("served/atoms.git"));
    git(
        &world.project(),
        &["remote", "add", "origin", remote.to_str().unwrap()],
    );

    let hello = world.project().join("hello");
    let err = world.fails(&hello, &["publish"], 1);
    assert!(err.contains("hello is not claimed"), "{err}");
    assert!(err.contains("eka claim hello"), "{err}");

    let claimed = world.json(&hello, &["claim"]);
    assert_eq!(claimed[0]["label"], "hello");
    assert_eq!(claimed[0]["created"], true);
    let id = claimed[0]["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("Ed25519."), "{id}");
    let again = world.json(&world.project(), &["claim", "hello", "world"]);
    assert_eq!(again[0]["id"], id.as_str());
    assert_eq!(again[0]["created"], false);
    assert_eq!(again[1]["created"], true);

    let report = world.json(
        &world.project(),
        &["publish", "hello", "world", "--remote", "origin"],
    );
    let published = report["published"].as_array().unwrap();
    assert_eq!(published.len(), 2);
    assert_eq!(published[0]["id"], id.as_str());
    assert_eq!(published[0]["ref"], "refs/eka/atoms/hello/0.1.0");
    assert_eq!(
        published[0]["rev"],
        git(&remote, &["rev-parse", "refs/eka/atoms/hello/0.1.0"]).as_str()
    );
    assert_eq!(report["pushed"]["pushed"].as_array().unwrap().len(), 4);

    let daemon = Daemon::serve(&world.path("served"));
    std::fs::create_dir_all(world.path("config/eka")).unwrap();
    std::fs::write(
        world.path("config/eka/config.toml"),
        format!(
            "[aliases]\nhere = \"file://{}\"\n",
            world.path("served").display()
        ),
    )
    .unwrap();
    for source in [
        remote.display().to_string(),
        format!("file://{}", remote.display()),
        daemon.url("atoms.git"),
        "+here/atoms.git".to_owned(),
    ] {
        let listed = world.json(world.dir.path(), &["list", &source]);
        assert_eq!(listed["source"], source.as_str());
        let atoms = listed["atoms"].as_array().unwrap();
        let labels: Vec<_> = atoms.iter().map(|a| a["label"].as_str().unwrap()).collect();
        assert_eq!(labels, ["hello", "world"], "{source}");
        assert_eq!(atoms[0]["claimed"], true);
        assert_eq!(atoms[0]["versions"][0]["version"], "0.1.0");
        assert_eq!(atoms[0]["versions"][0]["rev"], published[0]["rev"]);
    }
    let listed = world.json(world.dir.path(), &["list", "+here/atoms.git"]);
    assert_eq!(
        listed["url"],
        format!("file://{}", remote.display()).as_str()
    );
    let text = world.ok(world.dir.path(), &["list", remote.to_str().unwrap()]);
    assert_eq!(text, "hello  0.1.0\nworld  0.1.0\n");
}

#[test]
fn a_new_version_is_published_and_a_changed_old_one_refused() {
    let world = World::new();
    world.atoms(&["hello"]);
    let remote = bare(&world.path("atoms.git"));
    let hello = world.project().join("hello");
    world.ok(&hello, &["claim"]);
    world.ok(&hello, &["publish", "--remote", remote.to_str().unwrap()]);

    // Change a file but not the version: refused, nothing pushed.
    std::fs::write(hello.join("default.nix"), "{ }\n").unwrap();
    commit_all(&world.project(), "change");
    let err = world.fails(
        &hello,
        &["publish", "--remote", remote.to_str().unwrap()],
        1,
    );
    assert!(
        err.contains("refs/eka/atoms/hello/0.1.0 already exists"),
        "{err}"
    );
    assert!(err.contains("publish a new version"), "{err}");

    // Uncommitted manifest changes are not what gets published.
    let manifest = hello.join("atom.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace("0.1.0", "0.2.0")).unwrap();
    let output = world.eka(&hello, &["publish"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("has uncommitted changes"), "{stderr}");
    commit_all(&world.project(), "0.2.0");
    let text = world.ok(&hello, &["publish", "--remote", remote.to_str().unwrap()]);
    assert!(text.contains("published hello@0.2.0"), "{text}");
    assert!(text.contains("pushed 1 refs"), "{text}");
    let listed = world.ok(world.dir.path(), &["list", remote.to_str().unwrap()]);
    assert_eq!(listed, "hello  0.1.0  0.2.0\n");
}

#[test]
fn many_atoms_are_pushed_in_one_push() {
    let world = World::new();
    let names: Vec<String> = (0..12).map(|i| format!("atom{i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    world.atoms(&names);
    let remote = bare(&world.path("atoms.git"));
    let hook = remote.join("hooks/post-receive");
    std::fs::write(&hook, "#!/bin/sh\nwc -l >> \"$GIT_DIR/pushes\"\n").unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut claim = vec!["claim"];
    claim.extend(&names);
    world.ok(&world.project(), &claim);
    let mut publish = vec!["publish", "--remote", remote.to_str().unwrap()];
    publish.extend(&names);
    world.ok(&world.project(), &publish);
    let pushes = std::fs::read_to_string(remote.join("pushes")).unwrap();
    assert_eq!(pushes, "24\n", "one push with 12 claims and 12 atoms");
}

#[test]
fn list_errors_name_the_source() {
    let world = World::new();
    let missing = world.path("missing.git");
    let err = world.fails(world.dir.path(), &["list", missing.to_str().unwrap()], 1);
    assert!(
        err.contains(&format!("cannot list {}", missing.display())),
        "{err}"
    );
    let err = world.fails(world.dir.path(), &["list", "+nowhere/x"], 1);
    assert!(err.contains("nowhere"), "{err}");
    let err = world.fails(
        world.dir.path(),
        &["--offline", "list", "git://127.0.0.1:9/x"],
        1,
    );
    assert!(err.contains("--offline"), "{err}");
    // An empty remote lists nothing, successfully.
    let empty = bare(&world.path("empty.git"));
    let text = world.ok(world.dir.path(), &["list", empty.to_str().unwrap()]);
    assert!(text.starts_with("no atoms at"), "{text}");
    // Nothing was downloaded to list.
    let cache = world.path("cache/eka/atoms.git");
    let objects = git_command(&cache)
        .args(["count-objects", "-v"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&objects.stdout).contains("count: 0\n"));
}

#[test]
fn every_command_has_examples_in_its_help() {
    let world = World::new();
    for command in ["init", "new", "claim", "publish", "list"] {
        let help = world.ok(world.dir.path(), &[command, "--help"]);
        assert!(help.contains("Examples:\n  eka "), "{command}: {help}");
    }
}
