# rsky-firehose following rsky-pds' own event stream and feeding rsky-feedgen
# with its local PostgreSQL, without network: a post with the feed's hashtag
# written to the PDS reaches the feed's database, a post without it does
# not, and the cursor is stored under the stream's name.
{ testers, package, rsky-pds, rsky-feedgen }:
testers.runNixOSTest {
  name = "rsky-firehose";

  nodes.machine = { pkgs, ... }: {
    imports = [
      (import ./rsky/pds-node.nix { package = rsky-pds; })
      (import ./rsky/feedgen-node.nix { package = rsky-feedgen; })
      ../../modules/rsky-firehose.nix
    ];

    services.rsky-firehose = {
      enable = true;
      inherit package;
      settings = {
        FEEDGEN_SUBSCRIPTION_PATH = "ws://127.0.0.1:2583";
        FEEDGEN_QUEUE_ENDPOINT = "http://127.0.0.1:8000";
      };
      environmentFiles = [ (import ./rsky/queue-key.nix { inherit pkgs; }) ];
    };
  };

  testScript = builtins.readFile ./rsky/pds_client.py + ''

    def psql(query):
        return machine.succeed(f"sudo -u postgres psql -tA -d rsky-feedgen -c \"{query}\"").strip()

    machine.wait_for_unit("rsky-pds.service")
    machine.wait_for_unit("rsky-feedgen.service")
    machine.wait_for_unit("rsky-firehose.service")
    machine.wait_for_open_port(2583)
    machine.wait_for_open_port(8000)
    machine.wait_until_succeeds("journalctl -u rsky-firehose.service | grep -q 'Connected to ws://127.0.0.1:2583'", timeout=60)

    with subtest("a post on the PDS reaches the feed's database through the firehose"):
        bob = create_account("bob.test", "bob@example.com", "bob-password")
        plain = post(bob, "a post without the hashtag")
        tagged = post(bob, "a post for the feed #blacksky")
        machine.wait_until_succeeds(
            "test \"$(sudo -u postgres psql -tA -d rsky-feedgen -c 'SELECT count(*) FROM post')\" = 1",
            timeout=60,
        )
        assert psql("SELECT uri FROM post") == tagged, psql("SELECT uri FROM post")
        assert psql("SELECT author FROM post") == bob["did"]
        assert psql(f"SELECT count(*) FROM post WHERE uri = '{plain}'") == "0"

    with subtest("the key is not in the unit"):
        machine.fail("grep -q vm-test-queue-key /etc/systemd/system/rsky-firehose.service")

    with subtest("the units are hardened and have no capabilities"):
        for unit in ["rsky-firehose.service", "rsky-pds.service", "rsky-feedgen.service"]:
            machine.succeed(f"systemd-analyze security --threshold=15 {unit}")
            machine.succeed(f"test \"$(systemctl show -P CapabilityBoundingSet {unit})\" = \"\"")
  '';
}
