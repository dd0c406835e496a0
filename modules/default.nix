# The NixOS modules of this repository: name -> path.
#
# flake.nix exposes each as nixosModules.<name>, and all of them (plus the
# overlay that provides their default packages) as nixosModules.default.
# The pure unit functions the modules use live in ./units (scored offline by
# checks/offline/service-units.sh).
{
  allegedly = ./allegedly.nix;
  atom-mirror = ./atom-mirror.nix;
  microcosm-constellation = ./microcosm-constellation.nix;
  microcosm-slingshot = ./microcosm-slingshot.nix;
  microcosm-spacedust = ./microcosm-spacedust.nix;
  microcosm-ufos = ./microcosm-ufos.nix;
  rsky-feedgen = ./rsky-feedgen.nix;
  rsky-firehose = ./rsky-firehose.nix;
  rsky-jetstream-subscriber = ./rsky-jetstream-subscriber.nix;
  rsky-labeler = ./rsky-labeler.nix;
  rsky-pds = ./rsky-pds.nix;
  rsky-relay = ./rsky-relay.nix;
}
