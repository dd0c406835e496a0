# rsky-jetstream-subscriber between a local stand-in for Jetstream, which
# replays ./fixtures/rsky-jetstream.jsonl, and rsky-feedgen with its local
# PostgreSQL, without network: the post with the feed's hashtag reaches the
# feed, the other does not, and the subscriber's cursor is stored.
{ testers, package, rsky-feedgen }:
testers.runNixOSTest {
  name = "rsky-jetstream-subscriber";

  nodes.machine = { pkgs, ... }:
    let
      python = pkgs.python3.withPackages (ps: [ ps.websockets ]);
    in
    {
      imports = [
        (import ./rsky/feedgen-node.nix { package = rsky-feedgen; })
        ../../modules/rsky-jetstream-subscriber.nix
      ];

      systemd.services.fake-jetstream = {
        wantedBy = [ "multi-user.target" ];
        before = [ "rsky-jetstream-subscriber.service" ];
        serviceConfig.ExecStart = "${python.interpreter} ${./fake-jetstream.py} ${./fixtures/rsky-jetstream.jsonl} 6008";
      };

      services.rsky-jetstream-subscriber = {
        enable = true;
        inherit package;
        settings = {
          JETSTREAM_SERVER_ENDPOINT = "ws://127.0.0.1:6008";
          FILTER_PARAM = "wantedCollections=app.bsky.feed.post";
          JETSTREAM_SUBSCRIPTION_ENDPOINT = "ws://jetstream.test";
          FEEDGEN_QUEUE_ENDPOINT = "http://127.0.0.1:8000";
        };
        environmentFiles = [ (import ./rsky/queue-key.nix { inherit pkgs; }) ];
      };
    };

  testScript = ''
    import json

    def psql(query):
        return machine.succeed(f"sudo -u postgres psql -tA -d rsky-feedgen -c \"{query}\"").strip()

    machine.wait_for_unit("fake-jetstream.service")
    machine.wait_for_unit("rsky-feedgen.service")
    machine.wait_for_unit("rsky-jetstream-subscriber.service")

    with subtest("the post with the feed's hashtag reaches the feed's database"):
        machine.wait_until_succeeds(
            "test \"$(sudo -u postgres psql -tA -d rsky-feedgen -c 'SELECT count(*) FROM post')\" = 1",
            timeout=120,
        )
        assert psql("SELECT uri FROM post") == "at://did:plc:aaaaaaaaaaaaaaaaaaaaaaaa/app.bsky.feed.post/3laaaaaaaaaa2"
        assert psql("SELECT text FROM post") == "a post for the feed #blacksky"

    with subtest("the second event was read too (it is the cursor) and left out of the feed"):
        cursor = (
            "curl --fail --silent -H 'X-RSKY-KEY: vm-test-queue-key' -H 'Accept: application/json' "
            "'http://127.0.0.1:8000/cursor?service=ws://jetstream.test'"
        )
        machine.wait_until_succeeds(f"{cursor} | grep -q 1736448492000040", timeout=60)
        assert json.loads(machine.succeed(cursor)) == {"service": "ws://jetstream.test", "cursor": 1736448492000040}
        assert psql("SELECT count(*) FROM post WHERE author = 'did:plc:bbbbbbbbbbbbbbbbbbbbbbbb'") == "0"

    with subtest("the key is not in the unit"):
        machine.fail("grep -q vm-test-queue-key /etc/systemd/system/rsky-jetstream-subscriber.service")

    with subtest("the units are hardened and have no capabilities"):
        for unit in ["rsky-jetstream-subscriber.service", "rsky-feedgen.service"]:
            machine.succeed(f"systemd-analyze security --threshold=15 {unit}")
            machine.succeed(f"test \"$(systemctl show -P CapabilityBoundingSet {unit})\" = \"\"")
  '';
}
