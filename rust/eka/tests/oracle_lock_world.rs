//! The lock `eka lock` writes for the loopback world, fetched by Nix 2.8
//! itself through the Nix library (`lib.lock.fetch`): every bond must
//! fetch, with Nix checking every hash eka wrote, into a fresh store.

mod world;

use std::path::{Path, PathBuf};

use nix_oracle::Nix;
use world::project::World;
use world::succeeded;

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `lib.lock.fetch` of the project's lock, each value as a string.
fn fetch_expr(world: &World, select: &str) -> String {
    format!(
        "let f = (import {root}/nix).lock.fetch {{ lock = {project}/atom.lock; root = {project}; }}; in {select}",
        root = repository_root().display(),
        project = world.project.display(),
    )
}

#[test]
fn nix_fetches_every_bond_eka_locked_and_checks_every_hash() {
    let world = World::new();
    succeeded(&world.eka(&["lock"]));
    let nix = Nix::new();

    // Evaluation-time bonds are fetched by evaluating them; build-time files
    // that are not unpacked are derivations, built below (an unpacked one
    // is fetchTarball without nixpkgs).
    let json = nix.eval(&fetch_expr(&world, "builtins.mapAttrs (_: toString) f"));
    let paths: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&json).unwrap();
    let mut names: Vec<&str> = paths.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "auth-service",
            "builder",
            "data",
            "docs",
            "hello",
            "lib-branch",
            "lib-head",
            "lib-tag",
            "lib-version",
            "own-lib",
            "src",
            "tool"
        ]
    );
    let built = nix.run(
        "nix-build",
        &[
            "--no-out-link",
            "-E",
            &fetch_expr(&world, "[ f.builder f.data ]"),
        ],
    );
    assert_eq!(built.lines().count(), 2, "{built}");

    let path = |name: &str| PathBuf::from(paths[name].as_str().unwrap());
    let read = |name: &str, file: &str| {
        std::fs::read_to_string(path(name).join(file))
            .unwrap_or_else(|e| panic!("{name}/{file}: {e}"))
    };
    assert_eq!(
        std::fs::read_to_string(path("hello")).unwrap(),
        "hello over the wire\n"
    );
    assert_eq!(read("docs", "index.html"), "<h1>auth 1.6.0</h1>\n");
    assert_eq!(read("auth-service", "contents"), "auth 1.6.0\n");
    assert_eq!(read("tool", "contents"), "tool 0.1.5\n");
    assert_eq!(read("own-lib", "contents"), "own 0.1.0\n");
    assert_eq!(read("lib-tag", "VERSION"), "1.0.0\n");
    assert_eq!(read("lib-version", "VERSION"), "1.2.0\n");
    assert_eq!(read("lib-head", "VERSION"), "unreleased\n");
    assert_eq!(read("src", "main.c"), "int main(void) { return 0; }\n");
    let builder = path("builder");
    assert_eq!(
        std::fs::read_to_string(&builder).unwrap(),
        "#!/bin/sh\necho built\n"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert!(std::fs::metadata(&builder).unwrap().permissions().mode() & 0o111 != 0);
    }
    let data = std::fs::read(path("data")).unwrap();
    assert_eq!(data, std::fs::read(world.www.join("data.tar.gz")).unwrap());

    // The control: Nix does check the hash. Changed content on the server
    // fails a fresh fetch, as `eka verify` does.
    std::fs::write(world.www.join("hello.txt"), "hello, tampered\n").unwrap();
    let err = Nix::new()
        .try_run(
            "nix-instantiate",
            &["--eval", "-E", &fetch_expr(&world, "toString f.hello")],
        )
        .expect_err("Nix accepted tampered content");
    assert!(err.contains("hash mismatch"), "{err}");
    let output = world.eka(&["verify"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(world::stderr(&output).contains("bond `hello` does not match"));
}
