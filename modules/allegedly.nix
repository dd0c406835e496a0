# services.allegedly: Allegedly, PLC directory tools from microcosm
# (https://github.com/at-microcosm/allegedly), run as a mirror or a proxy of
# a did-method-plc server.
{ config, lib, pkgs, ... }:
let
  cfg = config.services.allegedly;
  inherit (lib) mkOption mkEnableOption mkPackageOption mkIf types;
  opts = import ./lib/options.nix { inherit lib; };
  u = import ./units/lib.nix;
  units = import ./units/allegedly.nix {
    inherit ((import ../nix).systemd) hardening;
  };
  mirror = cfg.mode == "mirror";
  acme = cfg.acme.domains != [ ];
  localDb = mirror && cfg.database.createLocally;
in
{
  options.services.allegedly = {
    enable = mkEnableOption "Allegedly, a mirror or proxy of a PLC directory";

    package = mkPackageOption pkgs "allegedly" { };

    mode = mkOption {
      type = types.enum [ "mirror" "wrap" ];
      default = "mirror";
      description = ''
        `mirror`: proxy a did-method-plc server ({option}`settings.ALLEGEDLY_WRAP`)
        and keep its PostgreSQL database in sync with the upstream directory
        (`ALLEGEDLY_UPSTREAM`); operation submissions are refused unless
        `ALLEGEDLY_EXPERIMENTAL_WRITE_UPSTREAM` forwards them upstream.
        `wrap`: only proxy the server (read-only, no database).
      '';
    };

    settings = opts.settings {
      description = ''
        Environment of the service: allegedly's own `ALLEGEDLY_*` variables
        (see `allegedly mirror --help`) and `RUST_LOG`. A `null` value leaves
        the variable unset. A database URL with a password
        (`ALLEGEDLY_WRAP_PG`) belongs in {option}`environmentFiles`.
      '';
      options = {
        ALLEGEDLY_WRAP = mkOption {
          type = types.str;
          example = "http://127.0.0.1:3000";
          description = "URL of the wrapped did-method-plc server.";
        };
        ALLEGEDLY_BIND = mkOption {
          type = types.str;
          default = "127.0.0.1:8000";
          description = "Listen address (`HOST:PORT`); not used with ACME (which listens on ports 80 and 443).";
        };
        ALLEGEDLY_UPSTREAM = mkOption {
          type = types.str;
          default = "https://plc.directory";
          description = "Upstream PLC directory to copy operations from (and to forward writes to).";
        };
        ALLEGEDLY_UPSTREAM_THROTTLE_MS = mkOption {
          type = types.ints.unsigned;
          default = 600;
          description = "Minimum interval between requests to the upstream, in milliseconds.";
        };
        ALLEGEDLY_WRAP_PG_CERT = mkOption {
          type = types.nullOr types.path;
          default = null;
          description = "CA certificate (PEM) of a remote database reached over TLS.";
        };
        ALLEGEDLY_EXPERIMENTAL_WRITE_UPSTREAM = mkOption {
          type = types.bool;
          default = false;
          description = "Accept operation submissions and forward them to the upstream (experimental).";
        };
        RUST_LOG = opts.rustLog "tracing-subscriber";
      };
    };

    database = opts.localDatabase {
      name = "allegedly";
      createLocally = ''
        In mirror mode, create the database and its role in the local
        PostgreSQL ({option}`services.postgresql`) and connect over its Unix
        socket with peer authentication. The wrapped did-method-plc server
        must use the same database (it creates the schema). When false, give
        `ALLEGEDLY_WRAP_PG=postgresql://…` in {option}`environmentFiles`.
      '';
    };

    acme = {
      domains = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "plc.example.com" ];
        description = ''
          Obtain certificates for these domains from an ACME directory and
          serve HTTPS on port 443 (port 80 answers with a notice). allegedly
          does this itself; the unit then gets `CAP_NET_BIND_SERVICE`, and
          only then.
        '';
      };
      directoryUrl = mkOption {
        type = types.str;
        default = "https://acme-v02.api.letsencrypt.org/directory";
        example = "https://acme-staging-v02.api.letsencrypt.org/directory";
        description = "ACME directory.";
      };
      ipv6 = mkOption {
        type = types.bool;
        default = false;
        description = "Listen on IPv6 too.";
      };
      experimentalDomain = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "Accept experimental requests only at this domain (a certificate is obtained for it too).";
      };
    };

    environmentFiles = opts.environmentFiles;

    openFirewall = opts.openFirewall "the port of `ALLEGEDLY_BIND` (or 80 and 443 with ACME)";
  };

  config = mkIf cfg.enable {
    assertions = [{
      assertion = cfg.acme.experimentalDomain != null -> acme;
      message = "services.allegedly.acme.experimentalDomain needs services.allegedly.acme.domains.";
    }];

    services.postgresql = mkIf localDb (opts.postgresqlFor cfg.database);

    systemd.services = units cfg;

    networking.firewall.allowedTCPPorts = mkIf cfg.openFirewall
      (if acme then [ 80 443 ] else [ (u.parseBind cfg.settings.ALLEGEDLY_BIND).port ]);
  };
}
