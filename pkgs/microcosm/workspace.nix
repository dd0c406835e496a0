# The microcosm-rs Cargo workspace as crane sees it: the source (pinned in
# atom.lock), the arguments every service build shares, the dependency
# artifacts built once for all four services, and `mkService`, which builds
# one service's binary on top of them.
{ lib
, craneLib
, pkg-config
, rustPlatform
, openssl
, zstd
, rocksdb_9_10
}:
let
  src = "${(import ../sources.nix).microcosm-rs}";

  # The services this repository packages, by crate.
  members = [ "constellation" "spacedust" "slingshot" "ufos" ];

  # Every build selects all four packages, so that cargo unifies the
  # dependencies' features the same way each time and reuses the artifacts
  # of `buildDepsOnly`; `--bin` then picks the one binary a package wants.
  selectMembers = "--locked " + lib.concatMapStringsSep " " (m: "-p ${m}") members;

  commonArgs = {
    inherit src;
    pname = "microcosm";
    version = (lib.importTOML "${src}/constellation/Cargo.toml").package.version;
    strictDeps = true;
    cargoExtraArgs = selectMembers;
    # Upstream's tests run in upstream's CI; here the NixOS VM tests
    # (passthru.tests) exercise the services.
    doCheck = false;

    nativeBuildInputs = [
      pkg-config
      # librocksdb-sys generates its bindings with bindgen (libclang).
      rustPlatform.bindgenHook
    ];
    buildInputs = [ openssl zstd ];

    env = {
      # RocksDB from nixpkgs instead of the copy librocksdb-sys 0.17.1 would
      # compile (9.9.3, about 25 minutes on two cores). 9.10's C API header,
      # from which bindgen generates the bindings, is identical to 9.9.3's;
      # a 7.x RocksDB fails to compile (rust-rocksdb 0.23 calls newer API).
      ROCKSDB_LIB_DIR = "${rocksdb_9_10}/lib";
      ROCKSDB_INCLUDE_DIR = "${rocksdb_9_10}/include";
      # zstd from nixpkgs; zstd-safe 7.2.4 needs zstd >= 1.5.6 headers
      # (ZSTD_c_targetCBlockSize).
      ZSTD_SYS_USE_PKG_CONFIG = "1";
      # The jetstream crate asks for a vendored OpenSSL; use nixpkgs' one.
      OPENSSL_NO_VENDOR = "1";
    };
  };

  cargoArtifacts = craneLib.buildDepsOnly commonArgs;
in
{
  inherit src commonArgs cargoArtifacts;

  # One service: `crate` is its Cargo package, `bin` the binary target
  # upstream builds, installed as `name`; `extraInstall` runs in the source
  # tree after the binary is installed.
  mkService = { crate, bin ? crate, name ? crate, extraInstall ? "", meta, passthru ? { } }:
    craneLib.buildPackage (commonArgs // {
      inherit cargoArtifacts passthru;
      pname = "microcosm-${crate}";
      version = (lib.importTOML "${src}/${crate}/Cargo.toml").package.version;
      cargoExtraArgs = "${selectMembers} --bin ${bin}";
      postInstall = lib.optionalString (bin != name) ''
        mv $out/bin/${bin} $out/bin/${name}
      '' + extraInstall;
      meta = {
        homepage = "https://github.com/at-microcosm/microcosm-rs/tree/main/${crate}";
        mainProgram = name;
        platforms = lib.platforms.linux;
      } // meta;
    });
}
