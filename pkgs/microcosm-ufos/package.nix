{ lib, callPackage, craneLib }:
let
  workspace = callPackage ../microcosm/workspace.nix { inherit craneLib; };
  package = workspace.mkService {
    crate = "ufos";
    passthru = {
      inherit workspace;
      tests.vm = callPackage ../../checks/vm/microcosm-ufos.nix { inherit package; };
    };
    meta = {
      description = "Time series statistics and sample records of every collection in the ATproto network (microcosm)";
      license = with lib.licenses; [ mit asl20 ];
    };
  };
in
package
