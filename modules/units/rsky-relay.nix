# The systemd unit of services.rsky-relay, as a pure function of the module's
# values (see ./microcosm-constellation.nix for the contract).
#
# rsky-relay listens on 127.0.0.1:9000 (fixed in its source) and keeps
# everything in its working directory: relay.db and plc_directory.db
# (SQLite), db/ (fjall; RELAY_DB_PATH), rsky-relay.log (JSON, rotated daily).
# The working directory is therefore its state directory. It does not start
# until plc_directory.db holds a PLC operation, so `cfg.seeder`
# (pkgs/rsky-relay/seed-plc.py; the module passes the package's) creates it
# from `cfg.plcExportUrl` first. RELAY_* variables configure it; the admin
# password comes only from `environmentFiles`.
{ hardening }:
cfg:
let
  u = import ./lib.nix;
  s = u.refuseSecrets "rsky-relay" [ "RELAY_ADMIN_PASSWORD" ] cfg.settings;
  stateDir = "/var/lib/rsky-relay";
in
{
  rsky-relay = {
    description = "rsky-relay, an ATproto relay";
    after = [ "network-online.target" ];
    wants = [ "network-online.target" ];
    wantedBy = [ "multi-user.target" ];
    environment = u.toEnvironment (u.noColor // s // {
      RELAY_DISCOVERY_UPSTREAMS = u.commaList s.RELAY_DISCOVERY_UPSTREAMS;
    });
    serviceConfig = hardening { } // {
      ExecStartPre = [ (u.execLine [ cfg.seeder cfg.plcExportUrl ]) ];
      ExecStart = u.execLine [ "${cfg.package}/bin/rsky-relay" ];
      EnvironmentFile = cfg.environmentFiles;
      StateDirectory = "rsky-relay";
      StateDirectoryMode = "0700";
      WorkingDirectory = stateDir;
      # One connection per crawled PDS and per subscriber.
      LimitNOFILE = 65536;
      Restart = "on-failure";
      RestartSec = "5s";
      # It flushes its queues and databases on SIGTERM.
      TimeoutStopSec = "60s";
    };
  };
}
