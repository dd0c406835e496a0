{ callPackage, craneLib, writeShellApplication, writeTextDir, python3 }:
let
  workspace = callPackage ../rsky/workspace.nix { inherit craneLib; };
  # Upstream's PLC crawler, alone (not the whole source) in a directory.
  crawler = writeTextDir "crawler.py" (builtins.readFile "${workspace.src}/rsky-relay/crawler.py");
  package = workspace.mkService {
    crate = "rsky-relay";
    passthru = {
      inherit workspace;
      # `rsky-relay-seed-plc EXPORT_URL` creates plc_directory.db in the
      # working directory with upstream's schema and a first page of PLC
      # operations, without which rsky-relay does not start (./seed-plc.py).
      seedPlc = writeShellApplication {
        name = "rsky-relay-seed-plc";
        # crawler.py imports requests.
        runtimeInputs = [ (python3.withPackages (ps: [ ps.requests ])) ];
        text = ''
          exec python3 ${./seed-plc.py} ${crawler} "$@"
        '';
      };
      tests.vm = callPackage ../../checks/vm/rsky-relay.nix { inherit package; };
    };
    meta.description = "ATproto relay: crawls PDSes and serves one validated firehose (rsky)";
  };
in
package
