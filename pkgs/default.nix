# Every package of this repository, given nixpkgs and a crane library.
#
# Used by the flake (packages and overlay), by overlays/default.nix and by the
# NUR entry point default.nix. Values are lazy: listing the attribute names
# evaluates nothing and fetches nothing.
{ pkgs
, craneLib ? (import ../nix/pins.nix).craneLib pkgs
}:
{
  eka = pkgs.callPackage ./eka/package.nix { inherit craneLib; };
}
