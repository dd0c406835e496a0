# rsky-feedgen against the local PostgreSQL that the module sets up (Unix
# socket, peer authentication): its migrations run before it starts, its
# queue takes records only with the key from the environment file, and a
# post with one of the feed's hashtags comes back in the feed skeleton.
{ testers, package }:
testers.runNixOSTest {
  name = "rsky-feedgen";

  nodes.machine = import ./rsky/feedgen-node.nix { inherit package; };

  testScript = ''
    import json

    feedgen = "http://127.0.0.1:8000"
    key = "-H 'X-RSKY-KEY: vm-test-queue-key'"
    blacksky = "at://did:plc:w4xbfzo7kqfes5zb7r6qv3rw/app.bsky.feed.generator/blacksky"
    post = "at://did:plc:aaaaaaaaaaaaaaaaaaaaaaaa/app.bsky.feed.post/3laaaaaaaaaa2"

    def psql(query):
        return machine.succeed(f"sudo -u postgres psql -tA -d rsky-feedgen -c \"{query}\"").strip()

    def put(path, body, headers=key):
        return machine.succeed(
            f"curl --silent -o /dev/stderr -w '%{{http_code}}' -X PUT {headers} "
            f"-H 'Content-Type: application/json' -d '{json.dumps(body)}' '{feedgen}{path}'"
        )

    machine.wait_for_unit("postgresql.target")
    machine.wait_for_unit("rsky-feedgen.service")
    machine.wait_for_open_port(8000)

    with subtest("the migrations ran, as the service's own role"):
        assert psql("SELECT count(*) FROM __diesel_schema_migrations") == "30", psql("SELECT version FROM __diesel_schema_migrations")
        assert psql("SELECT tableowner FROM pg_tables WHERE tablename = 'post'") == "rsky-feedgen"

    with subtest("a restart applies nothing twice"):
        machine.systemctl("restart rsky-feedgen.service")
        machine.wait_for_open_port(8000)
        machine.succeed("journalctl -u rsky-feedgen.service | grep -q '0 migrations applied, 30 already there'")

    with subtest("the queue refuses a wrong key"):
        record = [{
            "uri": post,
            "cid": "bafyreidsemiehpaya7tpoqfsgxvxkepmwmzfljvdovbvmmiznxuks5injm",
            "sequence": 20,
            "prev": None,
            "author": "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa",
            "record": {
                "$type": "app.bsky.feed.post",
                "text": "a post for the feed #blacksky",
                "createdAt": "2025-01-09T18:48:12.000Z",
                "langs": ["en"],
            },
        }]
        status = put("/queue/posts/create", record, "-H 'X-RSKY-KEY: wrong'")
        assert status == "401", status
        assert psql("SELECT count(*) FROM post") == "0"

    with subtest("a queued post is stored and served in the feed"):
        status = put("/queue/posts/create", record)
        assert status == "200", status
        assert psql("SELECT text FROM post") == "a post for the feed #blacksky"
        skeleton = json.loads(machine.succeed(f"curl --fail --silent -H 'Accept: application/json' '{feedgen}/xrpc/app.bsky.feed.getFeedSkeleton?feed={blacksky}'"))
        assert [item["post"] for item in skeleton["feed"]] == [post], skeleton

    with subtest("the cursor of a subscriber is kept"):
        status = machine.succeed(f"curl --silent -o /dev/stderr -w '%{{http_code}}' -X PUT {key} '{feedgen}/cursor?service=wss://relay.test&sequence=42'")
        assert status == "200", status
        cursor = json.loads(machine.succeed(f"curl --fail --silent {key} -H 'Accept: application/json' '{feedgen}/cursor?service=wss://relay.test'"))
        assert cursor["cursor"] == 42, cursor

    with subtest("the database is reached over the socket without a password"):
        machine.succeed("grep -q 'DATABASE_URL=postgresql:///rsky-feedgen?host=/run/postgresql' /etc/systemd/system/rsky-feedgen.service")
        machine.fail("grep -q vm-test-queue-key /etc/systemd/system/rsky-feedgen.service")

    with subtest("the unit is hardened and has no capabilities"):
        machine.succeed("systemd-analyze security --threshold=15 rsky-feedgen.service")
        machine.succeed("test \"$(systemctl show -P CapabilityBoundingSet rsky-feedgen.service)\" = \"\"")
  '';
}
