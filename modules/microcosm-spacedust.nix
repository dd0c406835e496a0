# services.microcosm-spacedust: Spacedust, a firehose of every link (AT-URI,
# DID, URL) in the ATproto network, served over a websocket; from microcosm
# (https://github.com/at-microcosm/microcosm-rs).
{ config, lib, pkgs, ... }:
let
  cfg = config.services.microcosm-spacedust;
  inherit (lib) mkOption mkEnableOption mkPackageOption mkIf types;
  u = import ./units/lib.nix;
  units = import ./units/microcosm-spacedust.nix {
    inherit ((import ../nix).systemd) hardening;
  };
in
{
  options.services.microcosm-spacedust = {
    enable = mkEnableOption "Spacedust, the microcosm firehose of ATproto links";

    package = mkPackageOption pkgs "microcosm-spacedust" { };

    settings = mkOption {
      description = ''
        Environment of the service: spacedust's own `SPACEDUST_*` variables
        (see `spacedust --help`) and `RUST_LOG`. A `null` value leaves the
        variable unset. Secrets belong in {option}`environmentFiles`.
      '';
      default = { };
      type = types.submodule {
        freeformType = types.attrsOf (types.nullOr (types.oneOf [ types.bool types.int types.str ]));
        options = {
          SPACEDUST_JETSTREAM = mkOption {
            type = types.str;
            example = "us-east-1";
            description = "Jetstream server: a `wss://` URL or one of `us-east-1`, `us-east-2`, `us-west-1`, `us-west-2`.";
          };
          SPACEDUST_JETSTREAM_NO_ZSTD = mkOption {
            type = types.bool;
            default = false;
            description = "Ask Jetstream for uncompressed events (less CPU, more bandwidth).";
          };
          SPACEDUST_BIND = mkOption {
            type = types.str;
            default = "127.0.0.1:8080";
            description = "Listen address (`HOST:PORT`) of the websocket and HTTP API.";
          };
          SPACEDUST_COLLECT_METRICS = mkOption {
            type = types.bool;
            default = false;
            description = "Serve Prometheus metrics on `SPACEDUST_BIND_METRICS`.";
          };
          SPACEDUST_BIND_METRICS = mkOption {
            type = types.nullOr types.str;
            default = null;
            example = "127.0.0.1:8765";
            description = "Listen address of the metrics endpoint (spacedust's default is `[::]:8765`); needs `SPACEDUST_COLLECT_METRICS`.";
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
      description = "Open the port of `SPACEDUST_BIND` in the firewall.";
    };
  };

  config = mkIf cfg.enable {
    assertions = [{
      assertion = cfg.settings.SPACEDUST_BIND_METRICS != null -> cfg.settings.SPACEDUST_COLLECT_METRICS;
      message = "services.microcosm-spacedust.settings.SPACEDUST_BIND_METRICS needs SPACEDUST_COLLECT_METRICS = true (spacedust refuses it otherwise).";
    }];
    systemd.services = units cfg;
    networking.firewall.allowedTCPPorts = mkIf cfg.openFirewall [ (u.parseBind cfg.settings.SPACEDUST_BIND).port ];
  };
}
