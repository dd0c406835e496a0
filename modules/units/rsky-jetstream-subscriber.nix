# The systemd unit of services.rsky-jetstream-subscriber, as a pure function
# of the module's values (see ./microcosm-constellation.nix for the
# contract).
#
# rsky-jetstream-subscriber reads a Jetstream server's JSON events and PUTs
# the posts, reposts, likes and follows to rsky-feedgen's queue at
# FEEDGEN_QUEUE_ENDPOINT, with the shared key RSKY_API_KEY. It keeps no
# state.
{ hardening }:
import ./rsky/client.nix { inherit hardening; } {
  name = "rsky-jetstream-subscriber";
  description = "rsky-jetstream-subscriber, a Jetstream subscriber feeding rsky-feedgen";
  secret = "RSKY_API_KEY";
  secretUse = "the key of rsky-feedgen's queue";
}
