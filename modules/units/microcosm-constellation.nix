# The systemd unit of services.microcosm-constellation, as a pure function
# of the module's values. The module and the offline hardening check both
# call this, so what is scored is what runs.
#
#   hardening : lib.systemd.hardening (nix/systemd.nix): knobs -> serviceConfig
#   cfg       : the values of services.microcosm-constellation
#
# Returns { <unit name> = { description; after; wants; wantedBy; serviceConfig; }; }.
{ hardening }:
cfg:
let
  u = import ./lib.nix;
  stateDirs =
    [ (u.stateDirectoryOf "services.microcosm-constellation.dataDir" cfg.dataDir) ]
    ++ (if cfg.backups.enable
    then [ (u.stateDirectoryOf "services.microcosm-constellation.backups.directory" cfg.backups.directory) ]
    else [ ]);
  rocks = cfg.backend == "rocks";
  args =
    [
      "${cfg.package}/bin/constellation"
      "--bind"
      (u.joinBind cfg.address cfg.port)
      "--jetstream"
      cfg.jetstream
      "--backend"
      cfg.backend
    ]
    ++ (if rocks then [ "--data" cfg.dataDir ] else [ ])
    ++ (if cfg.fixture != null then [ "--fixture" cfg.fixture ] else [ ])
    ++ (if cfg.didWebDomain != null then [ "--did-web-domain" cfg.didWebDomain ] else [ ])
    ++ (if cfg.metrics.enable then [ "--collect-metrics" "--bind-metrics" cfg.metrics.bind ] else [ ])
    ++ (if cfg.backups.enable then
      [ "--backup" cfg.backups.directory ]
      ++ (if cfg.backups.intervalHours != null then [ "--backup-interval" cfg.backups.intervalHours ] else [ ])
      ++ (if cfg.backups.keep != null then [ "--max-old-backups" cfg.backups.keep ] else [ ])
    else [ ])
    ++ cfg.extraArgs;
in
assert cfg.backups.enable -> rocks
  || throw "services.microcosm-constellation.backups needs backend = \"rocks\" (the memory backend has nothing to back up)";
assert cfg.backups.keep != null -> cfg.backups.intervalHours != null
  || throw "services.microcosm-constellation.backups.keep needs backups.intervalHours (constellation only prunes backups it takes on an interval)";
{
  microcosm-constellation = {
    description = "Constellation, a backlink index of the ATproto network (microcosm)";
    after = [ "network-online.target" ];
    wants = [ "network-online.target" ];
    wantedBy = [ "multi-user.target" ];
    serviceConfig = hardening { } // {
      ExecStart = u.execLine args;
      StateDirectory = stateDirs;
      StateDirectoryMode = "0700";
      WorkingDirectory = cfg.dataDir;
      # RocksDB keeps many files open.
      LimitNOFILE = 65536;
      Restart = "on-failure";
      RestartSec = "5s";
      # constellation shuts RocksDB down cleanly on SIGINT (its Ctrl-C handler).
      KillSignal = "SIGINT";
      TimeoutStopSec = "60s";
    };
  };
}
