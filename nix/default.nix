# The Nix library of atom-nur: pure Nix, no nixpkgs needed.
#
#   lock    : atom.lock -> Nix fetcher calls      (./lock.nix)
#   systemd : hardening baseline and unit rendering (./systemd.nix)
{ }
