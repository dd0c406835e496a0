{ lib, callPackage, craneLib }:
let
  workspace = callPackage ../microcosm/workspace.nix { inherit craneLib; };
  package = workspace.mkService {
    crate = "spacedust";
    passthru = {
      inherit workspace;
      tests.vm = callPackage ../../checks/vm/microcosm-spacedust.nix { inherit package; };
    };
    meta = {
      description = "Firehose of every link (AT-URI, DID, URL) in the ATproto network over a websocket (microcosm)";
      license = with lib.licenses; [ mit asl20 ];
    };
  };
in
package
