# The NUR entry point.
#
# Importing this file and listing its attributes touches no network: packages
# are lazy, and `lib`, `modules` and `overlays` are plain Nix. Building a Rust
# package fetches crane and fenix from the pins in flake.lock (hash-checked),
# or uses the `craneLib` given here.
{ pkgs ? import <nixpkgs> { }
, craneLib ? null
}:
import ./pkgs ({ inherit pkgs; } // (if craneLib == null then { } else { inherit craneLib; }))
  // {
  lib = import ./nix;
  modules = import ./modules;
  overlays = {
    default = import ./overlays;
  };
}
