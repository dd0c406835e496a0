# The Cargo workspace of this repository, as crane sees it: the source, the
# arguments every build shares, and the dependency artifacts built once and
# reused by the package and by every check (clippy, doc, nextest).
{ lib, craneLib, stdenv, libiconv, git }:
let
  root = ../..;

  # Only what cargo reads: editing a .nix file, the README or a module never
  # rebuilds Rust.
  src = lib.fileset.toSource {
    inherit root;
    fileset = lib.fileset.unions [
      (root + "/Cargo.toml")
      (root + "/Cargo.lock")
      (root + "/clippy.toml")
      (root + "/rustfmt.toml")
      (root + "/.config/nextest.toml")
      # Tests check that the repository's own pins parse and are up to date.
      (root + "/atom.toml")
      (root + "/atom.lock")
      (lib.fileset.fileFilter (file: !(file.hasExt "nix")) (root + "/rust"))
    ];
  };

  commonArgs = {
    inherit src;
    pname = "atom-nur-workspace";
    version = (lib.importTOML (root + "/Cargo.toml")).workspace.package.version;
    strictDeps = true;
    buildInputs = lib.optionals stdenv.hostPlatform.isDarwin [ libiconv ];
    # Tests drive real git repositories.
    nativeCheckInputs = [ git ];
  };
in
{
  inherit src commonArgs;
  cargoArtifacts = craneLib.buildDepsOnly commonArgs;
}
