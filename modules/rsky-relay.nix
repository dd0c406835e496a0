# services.rsky-relay: rsky-relay, an ATproto relay from rsky
# (https://github.com/blacksky-algorithms/rsky).
{ config, lib, pkgs, ... }:
let
  cfg = config.services.rsky-relay;
  inherit (lib) mkOption mkEnableOption mkPackageOption mkIf types;
  opts = import ./lib/options.nix { inherit lib; };
  units = import ./units/rsky-relay.nix {
    inherit ((import ../nix).systemd) hardening;
  };
in
{
  options.services.rsky-relay = {
    enable = mkEnableOption "rsky-relay, an ATproto relay (listening on 127.0.0.1:9000)";

    package = mkPackageOption pkgs "rsky-relay" { };

    plcExportUrl = mkOption {
      type = types.str;
      default = "https://plc.directory/export";
      description = ''
        Where the first page of PLC operations comes from when
        `plc_directory.db` holds none: rsky-relay does not start without
        one, and then follows https://plc.directory's export itself (fixed
        upstream). Upstream's `--no-plc-export` is not offered: at the
        pinned revision it makes SQLite refuse to open the database.
      '';
    };

    settings = opts.settings {
      description = ''
        Environment of the service: rsky-relay's `RELAY_*` variables and
        `RUST_LOG`. A `null` value leaves the variable unset. The relay
        listens on 127.0.0.1:9000 (fixed upstream): serve it to the network
        through a reverse proxy. `RELAY_ADMIN_PASSWORD` is refused here: it
        belongs in {option}`environmentFiles`.
      '';
      options = {
        RELAY_LENIENT_VALIDATION = mkOption {
          type = types.bool;
          default = true;
          description = "Publish events that strict validation would defer or drop (consumers verify signatures themselves).";
        };
        RELAY_DISCOVERY_UPSTREAMS = opts.stringList {
          example = [ "relay1.us-east.bsky.network" ];
          description = "Relays whose `listHosts` seeds the hosts to crawl (rsky-relay's own list of Bluesky relays when empty).";
        };
        RELAY_METRICS_LISTEN = mkOption {
          type = types.nullOr types.str;
          default = null;
          example = "127.0.0.1:9100";
          description = "Listen address (`HOST:PORT`) of the Prometheus metrics endpoint; none when null.";
        };
        RUST_LOG = opts.rustLog "tracing-subscriber EnvFilter";
      };
    };

    environmentFiles = opts.environmentFilesFor ''
      `RELAY_ADMIN_PASSWORD` enables the `/admin/pds/*` endpoints (bearer
      token).
    '';
  };

  config = mkIf cfg.enable {
    systemd.services = units (cfg // {
      seeder = "${cfg.package.seedPlc}/bin/rsky-relay-seed-plc";
    });
  };
}
