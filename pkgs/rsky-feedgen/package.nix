{ callPackage, craneLib, writeShellApplication, postgresql }:
let
  workspace = callPackage ../rsky/workspace.nix { inherit craneLib; };
  package = workspace.mkService {
    crate = "rsky-feedgen";
    # The diesel migrations that create the PostgreSQL schema; the module
    # applies them with `migrate` before the service starts.
    extraInstall = ''
      mkdir -p $out/share/rsky-feedgen
      cp -r rsky-feedgen/migrations $out/share/rsky-feedgen/
    '';
    passthru = {
      inherit workspace;
      # `rsky-feedgen-migrate DIR` applies the migrations in DIR that the
      # database at $DATABASE_URL lacks (see ./migrate.sh for why not diesel).
      migrate = writeShellApplication {
        name = "rsky-feedgen-migrate";
        runtimeInputs = [ postgresql ];
        text = builtins.readFile ./migrate.sh;
      };
      tests.vm = callPackage ../../checks/vm/rsky-feedgen.nix { inherit package; };
    };
    meta.description = "ATproto feed generator with a PostgreSQL index fed by firehose subscribers (rsky)";
  };
in
package
