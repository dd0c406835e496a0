# The systemd unit of services.microcosm-slingshot, as a pure function of the
# module's values (see ./microcosm-constellation.nix for the contract).
# Slingshot reads its configuration from SLINGSHOT_* environment variables.
# Its record and identity caches live in CacheDirectory=; with ACME it binds
# port 443 itself, and only then gets CAP_NET_BIND_SERVICE.
{ hardening }:
cfg:
let
  u = import ./lib.nix;
  acme = cfg.settings.SLINGSHOT_ACME_DOMAIN != null;
  cacheDir = "/var/cache/microcosm-slingshot";
  acmeCache = "/var/lib/microcosm-slingshot/acme";
  settings = cfg.settings // {
    SLINGSHOT_CACHE_DIR = cacheDir;
  } // (if acme then {
    # Slingshot refuses --bind together with ACME (it listens on :443).
    SLINGSHOT_BIND = null;
    SLINGSHOT_ACME_CACHE_PATH = acmeCache;
  } else { });
in
{
  microcosm-slingshot = {
    description = "Slingshot, an edge cache of ATproto records and identities (microcosm)";
    after = [ "network-online.target" ];
    wants = [ "network-online.target" ];
    wantedBy = [ "multi-user.target" ];
    environment = u.toEnvironment settings;
    serviceConfig = hardening { bindPrivilegedPorts = acme; } // {
      ExecStart = u.execLine [ "${cfg.package}/bin/slingshot" ];
      EnvironmentFile = cfg.environmentFiles;
      CacheDirectory = "microcosm-slingshot";
      CacheDirectoryMode = "0700";
      # Slingshot serves ./static/index.html from its working directory.
      WorkingDirectory = "${cfg.package}/share/microcosm-slingshot";
      Restart = "on-failure";
      RestartSec = "5s";
      KillSignal = "SIGINT";
    } // (if acme then {
      StateDirectory = "microcosm-slingshot";
      StateDirectoryMode = "0700";
    } else { });
  };
}
