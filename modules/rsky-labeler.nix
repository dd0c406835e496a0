# services.rsky-labeler: rsky-labeler, an ATproto firehose consumer that
# reports and labels slurs through an Ozone moderation service; from rsky
# (https://github.com/blacksky-algorithms/rsky).
{ config, lib, pkgs, ... }:
let
  cfg = config.services.rsky-labeler;
  inherit (lib) mkOption mkEnableOption mkPackageOption mkIf types;
  opts = import ./lib/options.nix { inherit lib; };
  units = import ./units/rsky-labeler.nix {
    inherit ((import ../nix).systemd) hardening;
  };
  enabled = what: mkOption {
    type = types.bool;
    default = true;
    description = "On a match, ${what}.";
  };
in
{
  options.services.rsky-labeler = {
    enable = mkEnableOption "rsky-labeler, a firehose labeler";

    package = mkPackageOption pkgs "rsky-labeler" { };

    settings = opts.settings {
      description = ''
        Environment of the service: rsky-labeler's variables. A `null` value
        leaves the variable unset. `MOD_SERVICE_PASSWORD` is refused here: it
        belongs in {option}`environmentFiles`.
      '';
      options = {
        FEEDGEN_SUBSCRIPTION_PATH = mkOption {
          type = types.str;
          default = "wss://bsky.network";
          description = "Base URL of the relay whose `com.atproto.sync.subscribeRepos` stream is followed.";
        };
        BSKY_AGENT_URL = mkOption {
          type = types.str;
          default = "https://bsky.social";
          description = "PDS of the moderation account; reports and moderation events go through it.";
        };
        MOD_SERVICE_EMAIL = mkOption {
          type = types.str;
          example = "moderation@example.com";
          description = "Login (e-mail address or handle) of the moderation account.";
        };
        MOD_SERVICE_DID = mkOption {
          type = types.str;
          example = "did:plc:…";
          description = "DID of the Ozone moderation service (requests are proxied to its `#atproto_labeler` service).";
        };
        MOD_SERVICE_LABEL = mkOption {
          type = types.nullOr types.str;
          default = null;
          description = "Label applied to matches (`antiblack-harassment` when null).";
        };
        MOD_SERVICE_AUTOLABEL_TAGS = opts.stringList {
          description = "Tags added to matches.";
        };
        LABELER_EXLUDED_SLURS = opts.stringList {
          description = "Matched words (lower case) to ignore. The variable's name is upstream's spelling.";
        };
        ENABLE_CREATE_REPORT = enabled "file a report";
        ENABLE_CREATE_LABEL = enabled "emit a label event";
        ENABLE_CREATE_TAG = enabled "emit a tag event";
      };
    };

    environmentFiles = opts.environmentFilesFor ''
      `MOD_SERVICE_PASSWORD`, the moderation account's password (required).
    '';
  };

  config = mkIf cfg.enable {
    systemd.services = units cfg;
  };
}
