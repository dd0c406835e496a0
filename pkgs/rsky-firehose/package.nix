{ callPackage, craneLib }:
let
  workspace = callPackage ../rsky/workspace.nix { inherit craneLib; };
  package = workspace.mkService {
    crate = "rsky-firehose";
    passthru = {
      inherit workspace;
      tests.vm = callPackage ../../checks/vm/rsky-firehose.nix {
        inherit package;
        rsky-pds = callPackage ../rsky-pds/package.nix { inherit craneLib; };
        rsky-feedgen = callPackage ../rsky-feedgen/package.nix { inherit craneLib; };
      };
    };
    meta.description = "ATproto firehose subscriber that queues posts, likes, follows and labels into rsky-feedgen (rsky)";
  };
in
package
