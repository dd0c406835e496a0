# services.rsky-jetstream-subscriber: rsky-jetstream-subscriber, a Jetstream
# subscriber that feeds rsky-feedgen; from rsky
# (https://github.com/blacksky-algorithms/rsky).
{ config, lib, pkgs, ... }:
let
  cfg = config.services.rsky-jetstream-subscriber;
  inherit (lib) mkOption mkEnableOption mkPackageOption mkIf types;
  opts = import ./lib/options.nix { inherit lib; };
  units = import ./units/rsky-jetstream-subscriber.nix {
    inherit ((import ../nix).systemd) hardening;
  };
in
{
  options.services.rsky-jetstream-subscriber = {
    enable = mkEnableOption "rsky-jetstream-subscriber, a Jetstream subscriber feeding rsky-feedgen";

    package = mkPackageOption pkgs "rsky-jetstream-subscriber" { };

    settings = opts.settings {
      description = ''
        Environment of the service: rsky-jetstream-subscriber's variables. A
        `null` value leaves the variable unset. `RSKY_API_KEY` is refused
        here: it belongs in {option}`environmentFiles`.
      '';
      options = {
        JETSTREAM_SERVER_ENDPOINT = mkOption {
          type = types.str;
          default = "wss://jetstream1.us-west.bsky.network";
          description = "Base URL of the Jetstream server; `/subscribe?FILTER_PARAM` is appended.";
        };
        FILTER_PARAM = mkOption {
          type = types.nullOr types.str;
          default = null;
          example = "wantedCollections=app.bsky.feed.post&wantedCollections=app.bsky.feed.like";
          description = "Query string of the subscription (every collection when null).";
        };
        JETSTREAM_SUBSCRIPTION_ENDPOINT = mkOption {
          type = types.nullOr types.str;
          default = null;
          description = "Name under which the cursor is stored in rsky-feedgen (`wss://jetstream1.us-west.bsky.network` when null).";
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
