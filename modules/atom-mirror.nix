# services.atom-mirror: a mirror of atom sources that verifies before it
# serves. `eka mirror sync` copies new atoms from the sources on a timer,
# checking each as resolution does (claim signature, publish key, `dig`),
# and never replaces a ref it holds; a read-only `git daemon` serves the
# store at git://<host>:<port>/store.git.
{ config, lib, pkgs, ... }:
let
  cfg = config.services.atom-mirror;
  inherit (lib) mkOption mkEnableOption mkPackageOption mkIf types;
  opts = import ./lib/options.nix { inherit lib; };
  units = import ./units/atom-mirror.nix {
    inherit ((import ../nix).systemd) hardening;
  };
in
{
  options.services.atom-mirror = {
    enable = mkEnableOption "an atom mirror: verified copies of atom sources, served over git://";

    package = mkPackageOption pkgs "eka" { };

    gitPackage = mkPackageOption pkgs "git" { };

    sources = mkOption {
      type = types.attrsOf (types.nonEmptyListOf types.str);
      example = {
        company = [ "https://git.example.com/atoms" "https://backup.example.com/atoms" ];
      };
      description = ''
        The sources to mirror: a name (letters, digits, `_`, `.`, `-`) for
        each, and the git URLs of its mirrors. A source's URLs must agree on
        every ref they share, or nothing of that source is taken. Every
        source goes into the one store; a ref two sources disagree on is
        kept as the first source (by name) gave it.
      '';
    };

    interval = mkOption {
      type = types.str;
      default = "*:0/15";
      example = "hourly";
      description = ''
        When to sync, as a systemd calendar event (`systemd.time(7)`); every
        15 minutes by default. `systemctl start atom-mirror-sync` syncs now.
      '';
    };

    listenAddress = mkOption {
      type = types.str;
      default = "127.0.0.1";
      example = "0.0.0.0";
      description = "Address the git daemon listens on.";
    };

    port = mkOption {
      type = types.port;
      default = 9418;
      description = "Port the git daemon listens on (git://).";
    };

    openFirewall = opts.openFirewall "{option}`port`";
  };

  config = mkIf cfg.enable (
    let result = units cfg; in {
      systemd.services = result.services;
      systemd.timers = result.timers;
      networking.firewall.allowedTCPPorts = mkIf cfg.openFirewall [ cfg.port ];
    }
  );
}
