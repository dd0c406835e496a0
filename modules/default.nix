# The NixOS modules of this repository: name -> path.
#
# flake.nix exposes each as nixosModules.<name>, and all of them (plus the
# overlay that provides their default packages) as nixosModules.default.
{ }
