# services.microcosm-constellation: Constellation, a global backlink index of
# the ATproto network from microcosm (https://github.com/at-microcosm/microcosm-rs).
{ config, lib, pkgs, ... }:
let
  cfg = config.services.microcosm-constellation;
  inherit (lib) mkOption mkEnableOption mkPackageOption mkIf types;
  units = import ./units/microcosm-constellation.nix {
    inherit ((import ../nix).systemd) hardening;
  };
in
{
  options.services.microcosm-constellation = {
    enable = mkEnableOption "Constellation, the microcosm backlink index of the ATproto network";

    package = mkPackageOption pkgs "microcosm-constellation" { };

    jetstream = mkOption {
      type = types.str;
      example = "us-east-1";
      description = ''
        Jetstream server to consume: a `wss://` URL, or one of the shorthands
        `us-east-1`, `us-east-2`, `us-west-1`, `us-west-2` (Bluesky's public
        instances). Ignored while {option}`fixture` is set.
      '';
    };

    backend = mkOption {
      type = types.enum [ "memory" "rocks" ];
      default = "rocks";
      description = ''
        Storage backend: `rocks` keeps the index in RocksDB under
        {option}`dataDir`; `memory` keeps it in memory only (lost on restart).
      '';
    };

    dataDir = mkOption {
      type = types.str;
      default = "/var/lib/microcosm-constellation";
      description = ''
        Where the RocksDB backend keeps its data. Must lie under `/var/lib`:
        the service runs as a dynamic user and systemd creates the directory
        for it.
      '';
    };

    address = mkOption {
      type = types.str;
      default = "127.0.0.1";
      example = "0.0.0.0";
      description = "Address the HTTP API listens on.";
    };

    port = mkOption {
      type = types.port;
      default = 6789;
      description = "Port the HTTP API listens on.";
    };

    openFirewall = mkOption {
      type = types.bool;
      default = false;
      description = "Open {option}`port` in the firewall.";
    };

    didWebDomain = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "constellation.example.com";
      description = "Serve a `did:web` document for this domain.";
    };

    metrics = {
      enable = mkEnableOption "the Prometheus metrics endpoint";
      bind = mkOption {
        type = types.str;
        default = "127.0.0.1:8765";
        description = "Listen address (`HOST:PORT`) of the metrics endpoint.";
      };
    };

    backups = {
      enable = mkEnableOption "RocksDB backups into {option}`backups.directory`, on a schedule or once at every start (see {option}`backups.intervalHours`)";
      directory = mkOption {
        type = types.str;
        default = "/var/lib/microcosm-constellation-backups";
        description = "Directory that receives the backups; must lie under `/var/lib`.";
      };
      intervalHours = mkOption {
        type = types.nullOr types.ints.positive;
        default = 24;
        description = ''
          Take a backup every this many hours, the first one this long after
          the service starts (constellation takes no backup at start in this
          mode); `null` takes one backup at every start instead.
        '';
      };
      keep = mkOption {
        type = types.nullOr types.ints.positive;
        default = 7;
        description = "Keep at most this many backups, oldest pruned first; `null` keeps all. Needs {option}`backups.intervalHours`.";
      };
    };

    fixture = mkOption {
      type = types.nullOr types.path;
      default = null;
      description = ''
        Consume this file of saved Jetstream events (JSON lines) instead of a
        live Jetstream subscription. For tests and demonstrations.
      '';
    };

    extraArgs = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "Further command line arguments for constellation.";
    };
  };

  config = mkIf cfg.enable {
    systemd.services = units cfg;
    networking.firewall.allowedTCPPorts = mkIf cfg.openFirewall [ cfg.port ];
  };
}
