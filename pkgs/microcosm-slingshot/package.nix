{ lib, callPackage, craneLib }:
let
  workspace = callPackage ../microcosm/workspace.nix { inherit craneLib; };
  package = workspace.mkService {
    crate = "slingshot";
    passthru = {
      inherit workspace;
      tests.vm = callPackage ../../checks/vm/microcosm-slingshot.nix { inherit package; };
    };
    meta = {
      description = "Edge cache of ATproto records and identities with an XRPC API (microcosm)";
      license = with lib.licenses; [ mit asl20 ];
    };
  };
in
package
