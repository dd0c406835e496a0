# NixOS VM tests: name -> test, each `pkgs.testers.runNixOSTest`.
#
# `self` is this flake (for its modules and overlay). The tests of the
# ATproto services are their packages' `passthru.tests.vm`, so that the
# package and the check are one definition.
{ pkgs, self }:
let
  packages = self.packages.${pkgs.stdenv.hostPlatform.system};
in
{
  # eka's mirror, with the module's default package: the overlay's eka.
  vm-atom-mirror = import ./atom-mirror.nix {
    inherit (pkgs) testers;
    nixosModule = self.nixosModules.default;
  };
  vm-allegedly = packages.allegedly.tests.vm;
  vm-microcosm-constellation = packages.microcosm-constellation.tests.vm;
  vm-microcosm-slingshot = packages.microcosm-slingshot.tests.vm;
  vm-microcosm-spacedust = packages.microcosm-spacedust.tests.vm;
  vm-microcosm-ufos = packages.microcosm-ufos.tests.vm;
  vm-rsky-feedgen = packages.rsky-feedgen.tests.vm;
  vm-rsky-firehose = packages.rsky-firehose.tests.vm;
  vm-rsky-jetstream-subscriber = packages.rsky-jetstream-subscriber.tests.vm;
  vm-rsky-labeler = packages.rsky-labeler.tests.vm;
  vm-rsky-pds = packages.rsky-pds.tests.vm;
  vm-rsky-relay = packages.rsky-relay.tests.vm;
}
