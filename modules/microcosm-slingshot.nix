# services.microcosm-slingshot: Slingshot, an edge cache of ATproto records
# and identities; from microcosm (https://github.com/at-microcosm/microcosm-rs).
{ config, lib, pkgs, ... }:
let
  cfg = config.services.microcosm-slingshot;
  inherit (lib) mkOption mkEnableOption mkPackageOption mkIf types;
  opts = import ./lib/options.nix { inherit lib; };
  u = import ./units/lib.nix;
  units = import ./units/microcosm-slingshot.nix {
    inherit ((import ../nix).systemd) hardening;
  };
  acme = cfg.settings.SLINGSHOT_ACME_DOMAIN != null;
in
{
  options.services.microcosm-slingshot = {
    enable = mkEnableOption "Slingshot, the microcosm edge cache of ATproto records and identities";

    package = mkPackageOption pkgs "microcosm-slingshot" { };

    settings = opts.settings {
      description = ''
        Environment of the service: Slingshot's own `SLINGSHOT_*` variables
        (see `slingshot --help`) and `RUST_LOG`. The module sets
        `SLINGSHOT_CACHE_DIR` (the unit's cache directory) and, with ACME,
        `SLINGSHOT_ACME_CACHE_PATH`. Secrets belong in
        {option}`environmentFiles`.
      '';
      options = opts.jetstream "SLINGSHOT" // opts.metrics "SLINGSHOT" // {
        SLINGSHOT_BIND = mkOption {
          type = types.str;
          default = "127.0.0.1:8080";
          description = "Listen address (`HOST:PORT`) of the XRPC API; not used with ACME (which listens on port 443).";
        };
        SLINGSHOT_RECORD_CACHE_MEMORY_MB = mkOption {
          type = types.ints.positive;
          default = 64;
          description = "Memory cache size for records, in megabytes.";
        };
        SLINGSHOT_RECORD_CACHE_DISK_DB = mkOption {
          type = types.ints.positive;
          default = 1;
          description = "Disk cache size for records, in gigabytes (the variable's name is Slingshot's).";
        };
        SLINGSHOT_IDENTITY_CACHE_MEMORY_MB = mkOption {
          type = types.ints.positive;
          default = 64;
          description = "Memory cache size for identities, in megabytes.";
        };
        SLINGSHOT_IDENTITY_CACHE_DISK_DB = mkOption {
          type = types.ints.positive;
          default = 1;
          description = "Disk cache size for identities, in gigabytes (the variable's name is Slingshot's).";
        };
        SLINGSHOT_ACME_DOMAIN = mkOption {
          type = types.nullOr types.str;
          default = null;
          example = "slingshot.example.com";
          description = ''
            Domain of this server. When set, Slingshot serves a `did:web`
            document and obtains a certificate from Let's Encrypt itself,
            listening on port 443 (the unit then gets `CAP_NET_BIND_SERVICE`).
          '';
        };
        SLINGSHOT_ACME_CONTACT = mkOption {
          type = types.nullOr types.str;
          default = null;
          description = "Contact e-mail address for Let's Encrypt.";
        };
        SLINGSHOT_ACME_IPV6 = mkOption {
          type = types.bool;
          default = false;
          description = "With ACME, listen on IPv6 too.";
        };
        SLINGSHOT_HEALTHCHECK = mkOption {
          type = types.nullOr types.str;
          default = null;
          description = "URL to ping about every 51 seconds while healthy.";
        };
        RUST_LOG = opts.rustLog "tracing-subscriber";
      };
    };

    environmentFiles = opts.environmentFiles;

    openFirewall = opts.openFirewall "the port of `SLINGSHOT_BIND` (or 443 with ACME)";
  };

  config = mkIf cfg.enable {
    assertions = [
      (opts.metricsAssertion "microcosm-slingshot" "SLINGSHOT" cfg.settings)
      {
        assertion = (cfg.settings.SLINGSHOT_ACME_CONTACT != null || cfg.settings.SLINGSHOT_ACME_IPV6) -> acme;
        message = "services.microcosm-slingshot.settings.SLINGSHOT_ACME_CONTACT and SLINGSHOT_ACME_IPV6 need SLINGSHOT_ACME_DOMAIN.";
      }
    ];
    systemd.services = units cfg;
    networking.firewall.allowedTCPPorts = mkIf cfg.openFirewall
      (if acme then [ 443 ] else [ (u.parseBind cfg.settings.SLINGSHOT_BIND).port ]);
  };
}
