# services.rsky-pds: rsky-pds, an ATproto Personal Data Server from rsky
# (https://github.com/blacksky-algorithms/rsky).
{ config, lib, pkgs, ... }:
let
  cfg = config.services.rsky-pds;
  inherit (lib) mkOption mkEnableOption mkPackageOption mkIf types;
  opts = import ./lib/options.nix { inherit lib; };
  units = import ./units/rsky-pds.nix {
    inherit ((import ../nix).systemd) hardening;
  };
  optionalStr = description: mkOption {
    type = types.nullOr types.str;
    default = null;
    inherit description;
  };
in
{
  options.services.rsky-pds = {
    enable = mkEnableOption "rsky-pds, an ATproto Personal Data Server";

    package = mkPackageOption pkgs "rsky-pds" { };

    settings = opts.settings {
      description = ''
        Environment of the service: rsky-pds' own `PDS_*` variables (see
        rsky-pds' README) and Rocket's `ROCKET_*` ones. A `null` value
        leaves the variable unset. The module sets `ROCKET_PORT` to
        `PDS_PORT`. Keys, `PDS_DPOP_SECRET`, `PDS_ADMIN_PASS` and
        `PDS_MAILGUN_API_KEY` are refused here: they belong in
        {option}`environmentFiles`.
      '';
      options = {
        PDS_HOSTNAME = mkOption {
          type = types.str;
          example = "pds.example.com";
          description = ''
            Public host name. The public URL is `https://` this name (or
            `http://localhost:PDS_PORT` for `localhost`); account handles end
            in `.` this name unless {option}`settings.PDS_SERVICE_HANDLE_DOMAINS` says otherwise.
          '';
        };
        PDS_PORT = mkOption {
          type = types.port;
          default = 2583;
          description = "Port the PDS listens on (also `ROCKET_PORT`).";
        };
        ROCKET_ADDRESS = mkOption {
          type = types.str;
          default = "127.0.0.1";
          example = "0.0.0.0";
          description = "Address the PDS listens on; put a TLS-terminating reverse proxy in front of it.";
        };
        PDS_SERVICE_DID = optionalStr "DID of the PDS; the module sets `did:web:PDS_HOSTNAME` when null (rsky-pds needs the variable set).";
        PDS_DATA_DIRECTORY = mkOption {
          type = types.str;
          default = "/var/lib/rsky-pds";
          description = ''
            Directory of the SQLite databases (`account.sqlite`,
            `sequencer.sqlite`, `did_cache.sqlite`) and of every account's
            repository (`actors/`). Must lie under `/var/lib`: the service
            runs as a dynamic user and systemd creates the directory for it.
          '';
        };
        PDS_BLOBSTORE_DISK_LOCATION = mkOption {
          type = types.nullOr types.str;
          default = "/var/lib/rsky-pds/blobs";
          description = ''
            Directory of uploaded blobs (under `/var/lib`, like
            {option}`settings.PDS_DATA_DIRECTORY`). Null to store blobs in S3
            ({option}`settings.PDS_BLOBSTORE_S3_BUCKET`, with `AWS_*`
            credentials in {option}`environmentFiles`).
          '';
        };
        PDS_BLOBSTORE_S3_BUCKET = optionalStr "S3 bucket for blobs; needs `PDS_BLOBSTORE_DISK_LOCATION = null`.";
        PDS_DID_PLC_URL = mkOption {
          type = types.str;
          default = "https://plc.directory";
          description = "PLC directory that creates and resolves `did:plc` identities.";
        };
        PDS_BSKY_APP_VIEW_URL = optionalStr "AppView that reads are proxied to, e.g. `https://api.bsky.app`; needs `PDS_BSKY_APP_VIEW_DID`.";
        PDS_BSKY_APP_VIEW_DID = optionalStr "DID of the AppView, e.g. `did:web:api.bsky.app`.";
        PDS_MOD_SERVICE_URL = optionalStr "Moderation service; needs `PDS_MOD_SERVICE_DID`.";
        PDS_MOD_SERVICE_DID = optionalStr "DID of the moderation service.";
        PDS_REPORT_SERVICE_URL = optionalStr "Report service (the moderation service when null); needs `PDS_REPORT_SERVICE_DID`.";
        PDS_REPORT_SERVICE_DID = optionalStr "DID of the report service.";
        PDS_CRAWLERS = opts.stringList {
          example = [ "https://bsky.network" ];
          description = "Relays (base URLs) asked to crawl this PDS after writes.";
        };
        PDS_SERVICE_HANDLE_DOMAINS = opts.stringList {
          example = [ ".pds.example.com" ];
          description = "Handle suffixes this PDS hands out; the module sets `.PDS_HOSTNAME` (`.test` for `localhost`) when empty.";
        };
        PDS_INVITE_REQUIRED = mkOption {
          type = types.bool;
          default = true;
          description = "Require an invite code to create an account.";
        };
        PDS_ACCEPTING_REPO_IMPORTS = mkOption {
          type = types.bool;
          default = true;
          description = "Accept `com.atproto.repo.importRepo` (account migration).";
        };
        PDS_BLOB_UPLOAD_LIMIT = mkOption {
          type = types.nullOr types.ints.positive;
          default = null;
          description = "Largest blob upload, in bytes (5 MiB when null).";
        };
        PDS_CONTACT_EMAIL_ADDRESS = optionalStr "Contact address published by `describeServer`.";
        PDS_DEV_MODE = mkOption {
          type = types.bool;
          default = false;
          description = "Development mode.";
        };
      };
    };

    environmentFiles = opts.environmentFilesFor ''
      `PDS_JWT_KEY_K256_PRIVATE_KEY_HEX`,
      `PDS_REPO_SIGNING_KEY_K256_PRIVATE_KEY_HEX` and
      `PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX` (required; each a
      secp256k1 private key, 64 hex digits: `openssl rand -hex 32`),
      `PDS_DPOP_SECRET` (32 bytes in hex) and `PDS_ADMIN_PASS`; and, as
      needed, `PDS_MAILGUN_API_KEY` and `AWS_*` credentials.
    '';

    openFirewall = opts.openFirewall "`PDS_PORT`";
  };

  config = mkIf cfg.enable {
    systemd.services = units cfg;
    networking.firewall.allowedTCPPorts = mkIf cfg.openFirewall [ cfg.settings.PDS_PORT ];
  };
}
