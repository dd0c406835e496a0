# services.microcosm-spacedust: Spacedust, a firehose of every link (AT-URI,
# DID, URL) in the ATproto network, served over a websocket; from microcosm
# (https://github.com/at-microcosm/microcosm-rs).
{ config, lib, pkgs, ... }:
let
  cfg = config.services.microcosm-spacedust;
  inherit (lib) mkOption mkEnableOption mkPackageOption mkIf types;
  opts = import ./lib/options.nix { inherit lib; };
  u = import ./units/lib.nix;
  units = import ./units/microcosm-spacedust.nix {
    inherit ((import ../nix).systemd) hardening;
  };
in
{
  options.services.microcosm-spacedust = {
    enable = mkEnableOption "Spacedust, the microcosm firehose of ATproto links";

    package = mkPackageOption pkgs "microcosm-spacedust" { };

    settings = opts.settings {
      description = ''
        Environment of the service: spacedust's own `SPACEDUST_*` variables
        (see `spacedust --help`) and `RUST_LOG`. Secrets belong in
        {option}`environmentFiles`.
      '';
      options = opts.jetstream "SPACEDUST" // opts.metrics "SPACEDUST" // {
        SPACEDUST_BIND = mkOption {
          type = types.str;
          default = "127.0.0.1:8080";
          description = "Listen address (`HOST:PORT`) of the websocket and HTTP API.";
        };
        RUST_LOG = opts.rustLog "env_logger";
      };
    };

    environmentFiles = opts.environmentFiles;

    openFirewall = opts.openFirewall "the port of `SPACEDUST_BIND`";
  };

  config = mkIf cfg.enable {
    assertions = [ (opts.metricsAssertion "microcosm-spacedust" "SPACEDUST" cfg.settings) ];
    systemd.services = units cfg;
    networking.firewall.allowedTCPPorts = mkIf cfg.openFirewall [ (u.parseBind cfg.settings.SPACEDUST_BIND).port ];
  };
}
