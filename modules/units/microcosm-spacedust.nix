# The systemd unit of services.microcosm-spacedust, as a pure function of the
# module's values (see ./microcosm-constellation.nix for the contract).
# Spacedust reads its configuration from SPACEDUST_* environment variables
# and keeps no state.
{ hardening }:
cfg:
let
  u = import ./lib.nix;
in
{
  microcosm-spacedust = {
    description = "Spacedust, a firehose of ATproto interactions (microcosm)";
    after = [ "network-online.target" ];
    wants = [ "network-online.target" ];
    wantedBy = [ "multi-user.target" ];
    environment = u.toEnvironment cfg.settings;
    serviceConfig = hardening { } // {
      ExecStart = u.execLine [ "${cfg.package}/bin/spacedust" ];
      EnvironmentFile = cfg.environmentFiles;
      Restart = "on-failure";
      RestartSec = "5s";
      # spacedust stops its tasks cleanly on SIGINT (its Ctrl-C handler).
      KillSignal = "SIGINT";
    };
  };
}
