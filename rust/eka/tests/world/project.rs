//! The lock tests' world: two atom sources (one with a mirror) and a git
//! repository with tags behind `git daemon`, files and tarballs behind an
//! HTTP server, and a project whose `atom.toml` names all of them.

use std::path::{Path, PathBuf};

use super::{GitDaemon, HttpServer, git, publish_atoms, tagged_repository, tarball};

pub struct World {
    pub dir: tempfile::TempDir,
    pub http: HttpServer,
    pub daemon: GitDaemon,
    /// eka's home: configuration and cache.
    pub home: PathBuf,
    /// The project, a git repository holding `atom.toml`.
    pub project: PathBuf,
    pub www: PathBuf,
    /// `lib`'s commits by tag, and `HEAD`.
    pub lib_revs: std::collections::BTreeMap<String, String>,
}

impl World {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let served = root.join("git");
        let www = root.join("www");
        let home = root.join("home");
        let project = root.join("project");
        for d in [&served, &www, &home, &project] {
            std::fs::create_dir_all(d).unwrap();
        }

        // Atom source `company`, with a mirror holding the same refs.
        publish_atoms(
            &root.join("publish-company"),
            &[
                &served.join("company.git"),
                &served.join("company-mirror.git"),
            ],
            &[
                ("auth-service", "1.4.0", "auth 1.4.0\n"),
                ("auth-service", "1.5.2", "auth 1.5.2\n"),
                ("auth-service", "1.6.0", "auth 1.6.0\n"),
                ("auth-service", "2.0.0", "auth 2.0.0\n"),
            ],
        );
        // Atom source `tools`.
        publish_atoms(
            &root.join("publish-tools"),
            &[&served.join("tools.git")],
            &[
                ("tool", "0.1.0", "tool 0.1.0\n"),
                ("tool", "0.1.5", "tool 0.1.5\n"),
            ],
        );
        // A plain repository with version tags.
        let lib_work = root.join("lib");
        let lib_revs = tagged_repository(
            &lib_work,
            &[
                ("1.0.0\n", Some("v1.0.0")),
                ("1.2.0\n", Some("v1.2.0")),
                ("2.0.0\n", Some("v2.0.0")),
                ("unreleased\n", None),
            ],
        );
        git(
            &root,
            &[
                "clone",
                "-q",
                "--bare",
                &lib_work.display().to_string(),
                &served.join("lib.git").display().to_string(),
            ],
        );

        // Files and archives.
        std::fs::write(www.join("hello.txt"), "hello over the wire\n").unwrap();
        std::fs::write(www.join("tool.sh"), "#!/bin/sh\necho built\n").unwrap();
        std::fs::write(www.join("slow.txt"), "worth the wait\n").unwrap();
        std::fs::create_dir_all(www.join("docs/1.6.0")).unwrap();
        tarball(
            &www.join("docs/1.6.0/docs.tar.gz"),
            "docs-1.6.0",
            &[
                ("index.html", "<h1>auth 1.6.0</h1>\n"),
                ("api/auth.md", "# auth\n"),
            ],
        );
        tarball(
            &www.join("src-0.3.0.tar.gz"),
            "src",
            &[
                ("main.c", "int main(void) { return 0; }\n"),
                ("README", "src\n"),
            ],
        );
        tarball(
            &www.join("data.tar.gz"),
            "data",
            &[("table.csv", "a,b\n1,2\n")],
        );

        let http = HttpServer::start(&www);
        let daemon = GitDaemon::start(&served);

        // The project: a git repository publishing an atom of its own,
        // which `"::"` (this repository) names.
        publish_atoms(&project, &[], &[("own-lib", "0.1.0", "own 0.1.0\n")]);
        let world = Self {
            dir,
            http,
            daemon,
            home,
            project,
            www,
            lib_revs,
        };
        std::fs::write(world.project.join("atom.toml"), world.manifest()).unwrap();
        world
    }

    /// The project's manifest, naming everything the world serves.
    pub fn manifest(&self) -> String {
        let company = self.daemon.url("company.git");
        let mirror = self.daemon.url("company-mirror.git");
        let tools = self.daemon.url("tools.git");
        let lib = self.daemon.url("lib.git");
        let http = |path: &str| self.http.url(path);
        format!(
            r#"# The lock test's project.
[atom]
tag = "world"
version = "0.3.0"

[atom.sources]
company = ["{company}", "{mirror}"]
tools = "{tools}"
here = "::"

[atoms.company]
auth-service = "^1.5" # not 2.0.0

[atoms.tools]
tool = "~0.1"

[atoms.here]
own-lib = "^0.1"

[legacy.nix.fetch]
# Eval-time
hello.url = "{hello}"
docs = {{ tar = "{docs}", version = "company.auth-service" }}
lib-head = {{ git = "{lib}" }}
lib-branch = {{ git = "{lib}", ref = "main" }}
lib-tag = {{ git = "{lib}", ref = "v1.0.0" }}
lib-version = {{ git = "{lib}", version = "^1" }}

# Build-time
builder = {{ build = "{builder}", exec = true }}
src = {{ build = "{src}", version = "here.world" }}
data = {{ build = "{data}", unpack = false }}
"#,
            hello = http("hello.txt"),
            docs = http("docs/{version}/docs.tar.gz"),
            builder = http("tool.sh"),
            src = http("src-{version}.tar.gz"),
            data = http("data.tar.gz"),
        )
    }

    pub fn eka(&self, args: &[&str]) -> std::process::Output {
        super::eka(&self.home, &self.project, args)
    }

    pub fn eka_command(&self, args: &[&str]) -> std::process::Command {
        super::eka_command(&self.home, &self.project, args)
    }

    pub fn lock_path(&self) -> PathBuf {
        self.project.join("atom.lock")
    }

    pub fn read_lock(&self) -> Vec<u8> {
        std::fs::read(self.lock_path()).expect("atom.lock exists")
    }

    /// The project's lock, parsed.
    pub fn lock(&self) -> atom_manifest::Lockfile {
        let text = String::from_utf8(self.read_lock()).unwrap();
        atom_manifest::Lockfile::parse(&self.lock_path(), &text).unwrap()
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}
