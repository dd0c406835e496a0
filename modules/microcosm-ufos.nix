# services.microcosm-ufos: UFOs, time series statistics and sample records of
# every collection in the ATproto network; from microcosm
# (https://github.com/at-microcosm/microcosm-rs).
{ config, lib, pkgs, ... }:
let
  cfg = config.services.microcosm-ufos;
  inherit (lib) mkOption mkEnableOption mkPackageOption mkIf types;
  opts = import ./lib/options.nix { inherit lib; };
  u = import ./units/lib.nix;
  units = import ./units/microcosm-ufos.nix {
    inherit ((import ../nix).systemd) hardening;
  };
in
{
  options.services.microcosm-ufos = {
    enable = mkEnableOption "UFOs, the microcosm collection statistics of the ATproto network";

    package = mkPackageOption pkgs "microcosm-ufos" { };

    settings = opts.settings {
      description = ''
        Environment of the service: UFOs' own `UFOS_*` variables (see
        `ufos --help`) and `RUST_LOG`. Secrets belong in
        {option}`environmentFiles`.
      '';
      options = opts.jetstream "UFOS" // opts.metrics "UFOS" // {
        UFOS_JETSTREAM_FORCE = mkOption {
          type = types.bool;
          default = false;
          description = "Allow switching to a different Jetstream server than the database was filled from.";
        };
        UFOS_JETSTREAM_FIXTURE = mkOption {
          type = types.bool;
          default = false;
          description = "Read `UFOS_JETSTREAM` as a file of saved Jetstream events, one JSON object a line (for tests).";
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
        RUST_LOG = opts.rustLog "env_logger";
      };
    };

    environmentFiles = opts.environmentFiles;

    openFirewall = opts.openFirewall "the port of `UFOS_BIND`";
  };

  config = mkIf cfg.enable {
    assertions = [ (opts.metricsAssertion "microcosm-ufos" "UFOS" cfg.settings) ];
    systemd.services = units cfg;
    networking.firewall.allowedTCPPorts = mkIf cfg.openFirewall [ (u.parseBind cfg.settings.UFOS_BIND).port ];
  };
}
