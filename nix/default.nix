# The Nix library of atom-nur: pure Nix, no nixpkgs needed.
#
#   lock    : atom.lock -> Nix fetcher calls        (./lock.nix)
#   systemd : hardening baseline and unit rendering (./systemd.nix)
#   hash    : sha256 hashes in the form Nix's fetchers take (./hash.nix)
{
  lock = import ./lock.nix;
  systemd = import ./systemd.nix;
  hash = import ./hash.nix;
}
