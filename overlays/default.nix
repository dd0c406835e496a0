# The overlay: adds every package of this repository to nixpkgs.
#
# Crane and fenix come from the pins in flake.lock; the flake's own
# `overlays.default` uses its inputs instead (the same pins unless overridden).
final: _prev: import ../pkgs { pkgs = final; }
