{ lib
, callPackage
, craneLib
, pkg-config
, openssl
}:
let
  src = "${(import ../sources.nix).allegedly}";

  commonArgs = {
    inherit src;
    pname = "allegedly";
    version = (lib.importTOML "${src}/Cargo.toml").package.version;
    strictDeps = true;
    cargoExtraArgs = "--locked --bin allegedly";
    # Upstream's tests run in upstream's CI; here the NixOS VM test
    # (passthru.tests) exercises the service.
    doCheck = false;
    # native-tls and postgres-native-tls link OpenSSL.
    nativeBuildInputs = [ pkg-config ];
    buildInputs = [ openssl ];
  };

  cargoArtifacts = craneLib.buildDepsOnly commonArgs;

  package = craneLib.buildPackage (commonArgs // {
    inherit cargoArtifacts;
    passthru = {
      inherit src cargoArtifacts;
      tests.vm = callPackage ../../checks/vm/allegedly.nix { inherit package; };
    };
    meta = {
      description = "PLC directory tools: mirror or proxy a did-method-plc server, tail and bundle PLC operations";
      homepage = "https://github.com/at-microcosm/allegedly";
      license = with lib.licenses; [ mit asl20 ];
      mainProgram = "allegedly";
      platforms = lib.platforms.linux;
    };
  });
in
package
