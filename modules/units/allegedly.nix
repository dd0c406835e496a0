# The systemd unit of services.allegedly, as a pure function of the module's
# values (see ./microcosm-constellation.nix for the contract).
#
# `allegedly mirror` wraps a did-method-plc server and copies operations from
# an upstream PLC directory into that server's PostgreSQL database; `allegedly
# wrap` only proxies (no database). Settings go through ALLEGEDLY_*
# environment variables; ACME domains are flags (one per domain). With ACME
# allegedly binds ports 80 and 443 itself, and only then gets
# CAP_NET_BIND_SERVICE.
{ hardening }:
cfg:
let
  u = import ./lib.nix;
  mirror = cfg.mode == "mirror";
  acme = cfg.acme.domains != [ ];
  localDb = mirror && cfg.database.createLocally;
  acmeCache = "/var/lib/allegedly/acme";
  settings = cfg.settings
    // (if localDb then {
    # Peer authentication over PostgreSQL's Unix socket: no password.
    ALLEGEDLY_WRAP_PG = "postgresql:///${cfg.database.name}?host=${cfg.database.socketDir}&user=${cfg.database.name}";
  } else { })
    // (if acme then {
    # allegedly refuses --bind together with ACME (it listens on :80 and :443).
    ALLEGEDLY_BIND = null;
    ALLEGEDLY_ACME_CACHE_PATH = acmeCache;
    ALLEGEDLY_ACME_DIRECTORY_URL = cfg.acme.directoryUrl;
    ALLEGEDLY_ACME_IPV6 = cfg.acme.ipv6;
    ALLEGEDLY_EXPERIMENTAL_ACME_DOMAIN = cfg.acme.experimentalDomain;
  } else { });
  acmeArgs = builtins.concatLists (map (domain: [ "--acme-domain" domain ]) cfg.acme.domains);
  database = if localDb then [ "postgresql.target" ] else [ ];
in
{
  allegedly = {
    description = "Allegedly, a PLC directory ${if mirror then "mirror" else "proxy"}";
    after = [ "network-online.target" ] ++ database;
    wants = [ "network-online.target" ];
    requires = database;
    wantedBy = [ "multi-user.target" ];
    environment = u.toEnvironment settings;
    serviceConfig = hardening { bindPrivilegedPorts = acme; } // {
      ExecStart = u.execLine ([ "${cfg.package}/bin/allegedly" cfg.mode ] ++ acmeArgs);
      EnvironmentFile = cfg.environmentFiles;
      # The PostgreSQL role is this user's name (peer authentication).
      User = cfg.database.name;
      Restart = "on-failure";
      RestartSec = "5s";
    } // (if acme then {
      StateDirectory = "allegedly";
      StateDirectoryMode = "0700";
    } else { });
  };
}
