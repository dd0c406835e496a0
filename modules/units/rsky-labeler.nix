# The systemd unit of services.rsky-labeler, as a pure function of the
# module's values (see ./microcosm-constellation.nix for the contract).
#
# rsky-labeler logs in to a PDS (BSKY_AGENT_URL) as the moderation account
# MOD_SERVICE_EMAIL, follows a relay's event stream and, for posts,
# profiles and handles that match its slur patterns, files reports and emits
# Ozone label and tag events through the moderation service MOD_SERVICE_DID.
# It keeps no state.
{ hardening }:
import ./rsky/client.nix { inherit hardening; } {
  name = "rsky-labeler";
  description = "rsky-labeler, an ATproto firehose labeler";
  secret = "MOD_SERVICE_PASSWORD";
  secretUse = "the moderation account's password";
  lists = [ "MOD_SERVICE_AUTOLABEL_TAGS" "LABELER_EXLUDED_SLURS" ];
}
