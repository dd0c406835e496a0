# The environment file with rsky-feedgen's queue key, for the feed
# generator and its subscribers in the VM tests (a test key: a real
# deployment keeps this file out of the Nix store).
{ pkgs }:
pkgs.writeText "rsky-queue-key.env" ''
  RSKY_API_KEY=vm-test-queue-key
''
