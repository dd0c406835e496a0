# services.microcosm-ufos: UFOs, time series statistics and sample records of
# every collection in the ATproto network; from microcosm
# (https://github.com/at-microcosm/microcosm-rs).
{ config, lib, pkgs, ... }:
let
  cfg = config.services.microcosm-ufos;
  inherit (lib) mkOption mkEnableOption mkPackageOption mkIf types;
  u = import ./units/lib.nix;
  units = import ./units/microcosm-ufos.nix {
    inherit ((import ../nix).systemd) hardening;
  };
in
{
  options.services.microcosm-ufos = {
    enable = mkEnableOption "UFOs, the microcosm collection statistics of the ATproto network";

    package = mkPackageOption pkgs "microcosm-ufos" { };

    settings = mkOption {
      description = ''
        Environment of the service: UFOs' own `UFOS_*` variables (see
        `ufos --help`) and `RUST_LOG`. A `null` value leaves the variable
        unset. Secrets belong in {option}`environmentFiles`.
      '';
      default = { };
      type = types.submodule {
        freeformType = types.attrsOf (types.nullOr (types.oneOf [ types.bool types.int types.str ]));
        options = {
          UFOS_JETSTREAM = mkOption {
            type = types.str;
            example = "us-east-1";
            description = ''
              Jetstream server: a `wss://` URL or one of `us-east-1`,
              `us-east-2`, `us-west-1`, `us-west-2`; with
              `UFOS_JETSTREAM_FIXTURE`, a file of saved Jetstream events.
            '';
          };
          UFOS_JETSTREAM_FORCE = mkOption {
            type = types.bool;
            default = false;
            description = "Allow switching to a different Jetstream server than the database was filled from.";
          };
          UFOS_JETSTREAM_NO_ZSTD = mkOption {
            type = types.bool;
            default = false;
            description = "Ask Jetstream for uncompressed events (less CPU, more bandwidth).";
          };
          UFOS_JETSTREAM_FIXTURE = mkOption {
            type = types.bool;
            default = false;
            description = "Read `UFOS_JETSTREAM` as a file of saved Jetstream events (for tests).";
          };
          UFOS_BIND = mkOption {
            type = types.str;
            default = "127.0.0.1:9990";
            description = "Listen address (`HOST:PORT`) of the HTTP API.";
          };
          UFOS_DATA = mkOption {
            type = types.str;
            default = "/var/lib/microcosm-ufos";
            description = "Database directory; must lie under `/var/lib` (the service runs as a dynamic user).";
          };
          UFOS_BACKFILL_MODE = mkOption {
            type = types.bool;
            default = false;
            description = "Tune background tasks for an efficient backfill.";
          };
          UFOS_COLLECT_METRICS = mkOption {
            type = types.bool;
            default = false;
            description = "Serve Prometheus metrics on `UFOS_BIND_METRICS`.";
          };
          UFOS_BIND_METRICS = mkOption {
            type = types.str;
            default = "127.0.0.1:8765";
            description = "Listen address of the metrics endpoint.";
          };
          RUST_LOG = mkOption {
            type = types.nullOr types.str;
            default = "info";
            description = "Log filter (env_logger syntax).";
          };
        };
      };
    };

    environmentFiles = mkOption {
      type = types.listOf types.path;
      default = [ ];
      description = "Files of further environment variables (systemd `EnvironmentFile=`), for values that must not be in the Nix store.";
    };

    openFirewall = mkOption {
      type = types.bool;
      default = false;
      description = "Open the port of `UFOS_BIND` in the firewall.";
    };
  };

  config = mkIf cfg.enable {
    systemd.services = units cfg;
    networking.firewall.allowedTCPPorts = mkIf cfg.openFirewall [ (u.parseBind cfg.settings.UFOS_BIND).port ];
  };
}
