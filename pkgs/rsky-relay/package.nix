{ callPackage, craneLib }:
let
  workspace = callPackage ../rsky/workspace.nix { inherit craneLib; };
  package = workspace.mkService {
    crate = "rsky-relay";
    passthru = {
      inherit workspace;
      tests.vm = callPackage ../../checks/vm/rsky-relay.nix { inherit package; };
    };
    meta.description = "ATproto relay: crawls PDSes and serves one validated firehose (rsky)";
  };
in
package
