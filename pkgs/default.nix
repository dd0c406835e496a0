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

  # ATproto services; their sources are pinned in ../atom.lock.
  allegedly = pkgs.callPackage ./allegedly/package.nix { inherit craneLib; };
  microcosm-constellation = pkgs.callPackage ./microcosm-constellation/package.nix { inherit craneLib; };
  microcosm-slingshot = pkgs.callPackage ./microcosm-slingshot/package.nix { inherit craneLib; };
  microcosm-spacedust = pkgs.callPackage ./microcosm-spacedust/package.nix { inherit craneLib; };
  microcosm-ufos = pkgs.callPackage ./microcosm-ufos/package.nix { inherit craneLib; };
  rsky-feedgen = pkgs.callPackage ./rsky-feedgen/package.nix { inherit craneLib; };
  rsky-firehose = pkgs.callPackage ./rsky-firehose/package.nix { inherit craneLib; };
  rsky-jetstream-subscriber = pkgs.callPackage ./rsky-jetstream-subscriber/package.nix { inherit craneLib; };
  rsky-labeler = pkgs.callPackage ./rsky-labeler/package.nix { inherit craneLib; };
  rsky-pds = pkgs.callPackage ./rsky-pds/package.nix { inherit craneLib; };
  rsky-relay = pkgs.callPackage ./rsky-relay/package.nix { inherit craneLib; };
}
