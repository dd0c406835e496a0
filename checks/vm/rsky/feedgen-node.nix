# A NixOS module for the rsky VM tests: rsky-feedgen on 127.0.0.1:8000
# with its database in the local PostgreSQL, and the queue key in a test
# environment file (`queueKeyFile`, for the subscribers too).
{ package }:
{ pkgs, ... }:
{
  imports = [ ../../../modules/rsky-feedgen.nix ];
  environment.systemPackages = [ pkgs.curl ];
  # rsky-feedgen opens three pools of 20 PostgreSQL connections.
  virtualisation.memorySize = 2048;

  services.rsky-feedgen = {
    enable = true;
    inherit package;
    settings.FEEDGEN_SERVICE_DID = "did:web:feeds.test";
    environmentFiles = [ (import ./queue-key.nix { inherit pkgs; }) ];
  };
}
