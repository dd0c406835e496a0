{ lib, callPackage, craneLib }:
let
  workspace = callPackage ../microcosm/workspace.nix { inherit craneLib; };
  package = workspace.mkService {
    crate = "constellation";
    # Upstream's binary target is `main`; it is installed as `constellation`.
    bin = "main";
    name = "constellation";
    passthru = {
      inherit workspace;
      tests.vm = callPackage ../../checks/vm/microcosm-constellation.nix { inherit package; };
    };
    meta = {
      description = "Global backlink index of the ATproto network, served as a JSON API (microcosm)";
      license = lib.licenses.agpl3Only;
    };
  };
in
package
