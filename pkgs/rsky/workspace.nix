# The rsky Cargo workspace as crane sees it: the source (pinned in
# atom.lock), the arguments every service build shares, the dependency
# artifacts built once for all six services, and `mkService`, which builds
# one service's binary on top of them.
{ lib
, craneLib
, pkg-config
, openssl
, libpq
}:
let
  src = "${(import ../sources.nix).rsky}";

  # The services this repository packages, by crate (each crate's binary
  # target has the crate's name).
  members = [
    "rsky-pds"
    "rsky-relay"
    "rsky-feedgen"
    "rsky-firehose"
    "rsky-jetstream-subscriber"
    "rsky-labeler"
  ];

  # Every build selects all six packages, so that cargo unifies the
  # dependencies' features the same way each time and reuses the artifacts
  # of `buildDepsOnly`; `--bin` then picks the one binary a package wants.
  selectMembers = "--locked " + lib.concatMapStringsSep " " (m: "-p ${m}") members;

  versionOf = crate: (lib.importTOML "${src}/${crate}/Cargo.toml").package.version;

  commonArgs = {
    inherit src;
    pname = "rsky";
    version = versionOf "rsky-pds";
    strictDeps = true;
    cargoExtraArgs = selectMembers;
    # Upstream's tests run in upstream's CI (several need PostgreSQL or the
    # network); here the NixOS VM tests (passthru.tests) exercise the
    # services.
    doCheck = false;

    # openssl-sys (native-tls in the firehose, Jetstream and labeler clients
    # and the PDS) and pq-sys (diesel's PostgreSQL backend in the feed
    # generator) find their libraries through pkg-config. SQLite (rusqlite's
    # `bundled`), aws-lc-sys, ring, secp256k1-sys and mimalloc compile their
    # bundled C sources with the C compiler alone.
    nativeBuildInputs = [ pkg-config ];
    buildInputs = [ openssl libpq ];
  };

  cargoArtifacts = craneLib.buildDepsOnly commonArgs;
in
{
  inherit src commonArgs cargoArtifacts;

  # One service: `crate` is its Cargo package and binary target;
  # `extraInstall` runs in the source tree after the binary is installed.
  mkService = { crate, extraInstall ? "", meta, passthru ? { } }:
    craneLib.buildPackage (commonArgs // {
      inherit cargoArtifacts passthru;
      pname = crate;
      version = versionOf crate;
      cargoExtraArgs = "${selectMembers} --bin ${crate}";
      postInstall = extraInstall;
      meta = {
        homepage = "https://github.com/blacksky-algorithms/rsky/tree/main/${crate}";
        # The root LICENSE; the crates that declare a licence say Apache-2.0 too.
        license = lib.licenses.asl20;
        mainProgram = crate;
        platforms = lib.platforms.linux;
      } // meta;
    });
}
