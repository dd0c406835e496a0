# The flake inputs, pinned by flake.lock, for users without flakes.
#
# `locked` is pure data (tested offline); `craneLib` fetches crane and fenix
# lazily, only when a package that needs them is evaluated, each checked
# against the narHash recorded in flake.lock.
let
  flakeLock = builtins.fromJSON (builtins.readFile ../flake.lock);

  locked = name:
    let
      node = flakeLock.nodes.${name}.locked or (throw "flake.lock has no locked input `${name}`");
    in
    assert node.type == "github";
    {
      url = "https://github.com/${node.owner}/${node.repo}/archive/${node.rev}.tar.gz";
      sha256 = node.narHash;
    };

  fetch = name: builtins.fetchTarball (locked name);
in
{
  inherit locked fetch;

  craneLib = import ./crane.nix {
    mkCrane = pkgs: import (fetch "crane") { inherit pkgs; };
    fenixFor = pkgs: import (fetch "fenix") {
      inherit pkgs;
      system = pkgs.stdenv.buildPlatform.system;
    };
  };
}
