# Crane, set up with the toolchain of ./rust-toolchain.toml (through fenix).
#
# One function serves the flake (which passes its own `crane` and `fenix`
# inputs) and the NUR entry point (which gets the same pins from flake.lock
# through ./pins.nix):
#
#   mkCrane  : pkgs -> craneLib      (crane.mkLib)
#   fenixFor : pkgs -> fenix's package set for that pkgs' build platform
{ mkCrane, fenixFor }:
pkgs:
let
  toolchain = p: (fenixFor p).fromToolchainFile {
    file = ./rust-toolchain.toml;
    # sha256 of https://static.rust-lang.org/dist/channel-rust-1.90.0.toml
    sha256 = "sha256-SJwZ8g0zF2WrKDVmHrVG3pD2RGoQeo24MEXnNx5FyuI=";
  };
in
(mkCrane pkgs).overrideToolchain toolchain
