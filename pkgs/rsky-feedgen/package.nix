{ callPackage, craneLib }:
let
  workspace = callPackage ../rsky/workspace.nix { inherit craneLib; };
  package = workspace.mkService {
    crate = "rsky-feedgen";
    # The diesel migrations that create the PostgreSQL schema; the module
    # runs them before the service starts.
    extraInstall = ''
      mkdir -p $out/share/rsky-feedgen
      cp -r rsky-feedgen/migrations $out/share/rsky-feedgen/
    '';
    passthru = {
      inherit workspace;
      tests.vm = callPackage ../../checks/vm/rsky-feedgen.nix { inherit package; };
    };
    meta.description = "ATproto feed generator with a PostgreSQL index fed by firehose subscribers (rsky)";
  };
in
package
