{ callPackage, craneLib }:
let
  workspace = callPackage ../rsky/workspace.nix { inherit craneLib; };
  package = workspace.mkService {
    crate = "rsky-pds";
    passthru = {
      inherit workspace;
      tests.vm = callPackage ../../checks/vm/rsky-pds.nix { inherit package; };
    };
    meta.description = "ATproto Personal Data Server: accounts, repositories and blobs in SQLite and on disk (rsky)";
  };
in
package
