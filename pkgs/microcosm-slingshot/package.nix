{ lib, callPackage, craneLib }:
let
  workspace = callPackage ../microcosm/workspace.nix { inherit craneLib; };
  package = workspace.mkService {
    crate = "slingshot";
    # Slingshot serves ./static/index.html from its working directory.
    extraInstall = ''
      mkdir -p $out/share/microcosm-slingshot
      cp -r slingshot/static $out/share/microcosm-slingshot/
    '';
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
