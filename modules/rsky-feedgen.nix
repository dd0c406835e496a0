# services.rsky-feedgen: rsky-feedgen, an ATproto feed generator from rsky
# (https://github.com/blacksky-algorithms/rsky), with its index in
# PostgreSQL.
{ config, lib, pkgs, ... }:
let
  cfg = config.services.rsky-feedgen;
  inherit (lib) mkOption mkEnableOption mkPackageOption mkIf types;
  opts = import ./lib/options.nix { inherit lib; };
  units = import ./units/rsky-feedgen.nix {
    inherit ((import ../nix).systemd) hardening;
  };
in
{
  options.services.rsky-feedgen = {
    enable = mkEnableOption "rsky-feedgen, an ATproto feed generator";

    package = mkPackageOption pkgs "rsky-feedgen" { };

    settings = opts.settings {
      description = ''
        Environment of the service: rsky-feedgen's own variables
        (`FEEDGEN_*`, `SHOW_SPONSORED_POST`, `SPONSORED_POST_URI`,
        `TRENDING_PERCENTILE`, `PINNED_POST_URI`, `BANNED_NOTICE_POST_URI`,
        …) and Rocket's `ROCKET_*` ones. A `null` value leaves the variable
        unset. With {option}`database.createLocally` the module sets
        `DATABASE_URL`, `READ_REPLICA_URL_1` and `READ_REPLICA_URL_2`.
        `RSKY_API_KEY` is refused here: it belongs in
        {option}`environmentFiles`.
      '';
      options = {
        ROCKET_ADDRESS = mkOption {
          type = types.str;
          default = "127.0.0.1";
          example = "0.0.0.0";
          description = "Address the feed generator listens on.";
        };
        ROCKET_PORT = mkOption {
          type = types.port;
          default = 8000;
          description = "Port the feed generator listens on.";
        };
        FEEDGEN_SERVICE_DID = mkOption {
          type = types.nullOr types.str;
          default = null;
          example = "did:web:feeds.example.com";
          description = "DID of the feed generator: the audience of the requests it accepts, served at `/.well-known/did.json`.";
        };
        FEEDGEN_HOSTNAME = mkOption {
          type = types.nullOr types.str;
          default = null;
          example = "feeds.example.com";
          description = "Public host name, the service endpoint in `/.well-known/did.json`.";
        };
      };
    };

    database = opts.localDatabase {
      name = "rsky-feedgen";
      createLocally = ''
        Create the database and its role in the local PostgreSQL
        ({option}`services.postgresql`) and connect over its Unix socket
        with peer authentication. When false, give `DATABASE_URL`,
        `READ_REPLICA_URL_1` and `READ_REPLICA_URL_2` (`postgresql://…`) in
        {option}`environmentFiles`.
      '';
    };

    migrate = mkOption {
      type = types.bool;
      default = true;
      description = ''
        Apply rsky-feedgen's diesel migrations (shipped in the package)
        before every start, with the package's `rsky-feedgen-migrate`
        (psql), which records them where diesel does, in the table
        `__diesel_schema_migrations`.
      '';
    };

    environmentFiles = opts.environmentFilesFor ''
      `RSKY_API_KEY`, the key firehose subscribers send in `X-RSKY-KEY` to
      queue records (the queue endpoints refuse every request without it),
      and the database URLs when the database is not local.
    '';

    openFirewall = opts.openFirewall "`ROCKET_PORT`";
  };

  config = mkIf cfg.enable {
    services.postgresql = mkIf cfg.database.createLocally (opts.postgresqlFor cfg.database);

    systemd.services = units (cfg // {
      migrator = "${cfg.package.migrate}/bin/rsky-feedgen-migrate";
    });

    networking.firewall.allowedTCPPorts = mkIf cfg.openFirewall [ cfg.settings.ROCKET_PORT ];
  };
}
