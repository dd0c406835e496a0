# NixOS VM tests: name -> test, each `pkgs.testers.runNixOSTest`.
#
# `self` is this flake (for its modules and overlay).
{ pkgs, self }:
{ }
