# The systemd unit of services.rsky-firehose, as a pure function of the
# module's values (see ./microcosm-constellation.nix for the contract).
#
# rsky-firehose subscribes to a relay's (or PDS's) event stream and PUTs the
# posts, likes and follows it sees (or, from a labeler's stream, labels) to
# rsky-feedgen's queue at FEEDGEN_QUEUE_ENDPOINT, with the shared key
# RSKY_API_KEY. It keeps no state: feedgen stores the cursor.
{ hardening }:
import ./rsky/client.nix { inherit hardening; } {
  name = "rsky-firehose";
  description = "rsky-firehose, an ATproto firehose subscriber feeding rsky-feedgen";
  secret = "RSKY_API_KEY";
  secretUse = "the key of rsky-feedgen's queue";
}
