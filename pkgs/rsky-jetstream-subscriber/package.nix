{ callPackage, craneLib }:
let
  workspace = callPackage ../rsky/workspace.nix { inherit craneLib; };
  package = workspace.mkService {
    crate = "rsky-jetstream-subscriber";
    passthru = {
      inherit workspace;
      tests.vm = callPackage ../../checks/vm/rsky-jetstream-subscriber.nix {
        inherit package;
        rsky-feedgen = callPackage ../rsky-feedgen/package.nix { inherit craneLib; };
      };
    };
    meta.description = "Jetstream subscriber that queues posts, reposts, likes and follows into rsky-feedgen (rsky)";
  };
in
package
