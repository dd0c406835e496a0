# The systemd unit of services.rsky-feedgen, as a pure function of the
# module's values (see ./microcosm-constellation.nix for the contract).
#
# rsky-feedgen keeps its index in PostgreSQL: DATABASE_URL (writes) and
# READ_REPLICA_URL_1/2 (reads), each a pool of 20 connections. Its schema is
# upstream's diesel migrations, applied before the server starts by
# `cfg.migrator` (pkgs/rsky-feedgen/migrate.sh; the module passes the
# package's), which reads DATABASE_URL like the server. With a local database the three URLs name the same database
# over PostgreSQL's Unix socket, and peer authentication maps the service's
# user to the role of the same name: no password anywhere. It listens where
# Rocket's ROCKET_ADDRESS and ROCKET_PORT say. RSKY_API_KEY, the key its
# firehose subscribers present, comes only from `environmentFiles`.
{ hardening }:
cfg:
let
  u = import ./lib.nix;
  s = u.refuseSecrets "rsky-feedgen" [ "RSKY_API_KEY" ] cfg.settings;
  db = cfg.database;
  local = db.createLocally;
  url = "postgresql:///${db.name}?host=${db.socketDir}";
  environment = u.noColor // s // (if local then {
    DATABASE_URL = url;
    READ_REPLICA_URL_1 = url;
    READ_REPLICA_URL_2 = url;
  } else { });
  database = if local then [ "postgresql.target" ] else [ ];
  migrations = "${cfg.package}/share/rsky-feedgen/migrations";
in
{
  rsky-feedgen = {
    description = "rsky-feedgen, an ATproto feed generator";
    after = [ "network-online.target" ] ++ database;
    wants = [ "network-online.target" ];
    requires = database;
    wantedBy = [ "multi-user.target" ];
    environment = u.toEnvironment environment;
    serviceConfig = hardening { } // {
      ExecStartPre = if cfg.migrate then [ (u.execLine [ cfg.migrator migrations ]) ] else [ ];
      ExecStart = u.execLine [ "${cfg.package}/bin/rsky-feedgen" ];
      EnvironmentFile = cfg.environmentFiles;
      # The PostgreSQL role is this user's name (peer authentication).
      User = db.name;
      Restart = "on-failure";
      RestartSec = "5s";
    };
  };
}
