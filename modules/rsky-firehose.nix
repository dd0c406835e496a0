# services.rsky-firehose: rsky-firehose, an ATproto firehose subscriber that
# feeds rsky-feedgen; from rsky (https://github.com/blacksky-algorithms/rsky).
{ config, lib, pkgs, ... }:
let
  cfg = config.services.rsky-firehose;
  inherit (lib) mkOption mkEnableOption mkPackageOption mkIf types;
  opts = import ./lib/options.nix { inherit lib; };
  units = import ./units/rsky-firehose.nix {
    inherit ((import ../nix).systemd) hardening;
  };
in
{
  options.services.rsky-firehose = {
    enable = mkEnableOption "rsky-firehose, a firehose subscriber feeding rsky-feedgen";

    package = mkPackageOption pkgs "rsky-firehose" { };

    settings = opts.settings {
      description = ''
        Environment of the service: rsky-firehose's `FEEDGEN_*` variables. A
        `null` value leaves the variable unset. `RSKY_API_KEY` is refused
        here: it belongs in {option}`environmentFiles`.
      '';
      options = {
        FEEDGEN_SUBSCRIPTION_PATH = mkOption {
          type = types.str;
          default = "wss://bsky.network";
          example = "ws://127.0.0.1:2583";
          description = "Base URL of the event stream (a relay, a PDS or a labeler); `/xrpc/FEEDGEN_SUBSCRIPTION_ENDPOINT` is appended. Also the name under which the cursor is stored.";
        };
        FEEDGEN_SUBSCRIPTION_ENDPOINT = mkOption {
          type = types.enum [ "com.atproto.sync.subscribeRepos" "com.atproto.label.subscribeLabels" ];
          default = "com.atproto.sync.subscribeRepos";
          description = "The stream: repository commits (posts, likes, follows) or labels.";
        };
        FEEDGEN_SUBSCRIPTION_CURSOR = mkOption {
          type = types.nullOr types.ints.unsigned;
          default = null;
          description = "Sequence number to start from (the stream's live tail when null).";
        };
        FEEDGEN_QUEUE_ENDPOINT = opts.feedgenQueueEndpoint;
      };
    };

    environmentFiles = opts.feedgenQueueKeyFiles;
  };

  config = mkIf cfg.enable {
    systemd.services = units cfg;
  };
}
