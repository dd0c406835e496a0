# The systemd unit of services.microcosm-ufos, as a pure function of the
# module's values (see ./microcosm-constellation.nix for the contract).
# UFOs reads its configuration from UFOS_* environment variables and keeps
# its fjall database under UFOS_DATA.
{ hardening }:
cfg:
let
  u = import ./lib.nix;
in
{
  microcosm-ufos = {
    description = "UFOs, collection statistics of the ATproto network (microcosm)";
    after = [ "network-online.target" ];
    wants = [ "network-online.target" ];
    wantedBy = [ "multi-user.target" ];
    environment = u.toEnvironment cfg.settings;
    serviceConfig = hardening { } // {
      ExecStart = u.execLine [ "${cfg.package}/bin/ufos" ];
      EnvironmentFile = cfg.environmentFiles;
      StateDirectory = u.stateDirectoryOf "services.microcosm-ufos.settings.UFOS_DATA" cfg.settings.UFOS_DATA;
      StateDirectoryMode = "0700";
      WorkingDirectory = cfg.settings.UFOS_DATA;
      LimitNOFILE = 65536;
      Restart = "on-failure";
      RestartSec = "5s";
    };
  };
}
