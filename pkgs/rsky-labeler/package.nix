{ callPackage, craneLib }:
let
  workspace = callPackage ../rsky/workspace.nix { inherit craneLib; };
  package = workspace.mkService {
    crate = "rsky-labeler";
    passthru = {
      inherit workspace;
      tests.vm = callPackage ../../checks/vm/rsky-labeler.nix {
        inherit package;
        rsky-pds = callPackage ../rsky-pds/package.nix { inherit craneLib; };
      };
    };
    meta.description = "ATproto firehose consumer that reports and labels slurs through an Ozone moderation service (rsky)";
  };
in
package
