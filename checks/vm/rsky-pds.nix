# rsky-pds with test keys from an environment file and a stand-in PLC
# directory, without network: it answers /xrpc/_health, creates an account
# (registering its did:plc), stores a post and a blob under its state
# directory, serves them back and keeps them across a restart, and guards its admin endpoints
# with the password from the environment file.
{ testers, package }:
testers.runNixOSTest {
  name = "rsky-pds";

  nodes.machine = import ./rsky/pds-node.nix { inherit package; };

  testScript = builtins.readFile ./rsky/pds_client.py + ''

    machine.wait_for_unit("fake-plc.service")
    machine.wait_for_unit("rsky-pds.service")
    machine.wait_for_open_port(2583)

    with subtest("health"):
        health = json.loads(machine.succeed(f"curl --fail --silent {PDS}/xrpc/_health"))
        assert "version" in health, health

    with subtest("the server describes itself from its settings"):
        server = xrpc("com.atproto.server.describeServer")
        assert server["did"] == "did:web:localhost", server
        assert server["availableUserDomains"] == [".test"], server
        assert server["inviteCodeRequired"] is False, server

    with subtest("an account is created through the PLC directory"):
        alice = create_account("alice.test", "alice@example.com", "alice-password")
        assert alice["did"].startswith("did:plc:"), alice
        machine.succeed(f"journalctl -u fake-plc.service | grep -q 'accepted {alice['did']}'")

    with subtest("a post is stored in the account's repository"):
        uri = post(alice, "hello from rsky-pds")
        rkey = uri.rsplit("/", 1)[1]
        record = xrpc(f"com.atproto.repo.getRecord?repo={alice['did']}&collection=app.bsky.feed.post&rkey={rkey}")
        assert record["value"]["text"] == "hello from rsky-pds", record

    with subtest("a blob referenced by a post lands in the disk blobstore"):
        machine.succeed("head -c 4096 /dev/urandom > /tmp/blob.bin")
        status = machine.succeed(
            f"curl --silent --output /tmp/blob.json --write-out '%{{http_code}}' -H 'Authorization: Bearer {alice['accessJwt']}' "
            f"-H 'Content-Type: image/png' --data-binary @/tmp/blob.bin {PDS}/xrpc/com.atproto.repo.uploadBlob"
        )
        assert status == "200", machine.succeed("cat /tmp/blob.json")
        blob = json.loads(machine.succeed("cat /tmp/blob.json"))["blob"]
        xrpc(
            "com.atproto.repo.createRecord",
            {
                "repo": alice["did"],
                "collection": "app.bsky.feed.post",
                "record": {
                    "$type": "app.bsky.feed.post",
                    "text": "a post with a blob",
                    "createdAt": "2025-01-09T18:48:13.000Z",
                    "embed": {"$type": "app.bsky.embed.images", "images": [{"alt": "", "image": blob}]},
                },
            },
            token=alice["accessJwt"],
        )
        cid = blob["ref"]["$link"]
        machine.succeed(f"cmp /tmp/blob.bin /var/lib/rsky-pds/blobs/{alice['did']}/{cid}")
        machine.succeed(f"curl --fail --silent -o /tmp/blob.back '{PDS}/xrpc/com.atproto.sync.getBlob?did={alice['did']}&cid={cid}'")
        machine.succeed("cmp /tmp/blob.bin /tmp/blob.back")

    with subtest("state lives in the state directory and survives a restart"):
        machine.succeed("test -f /var/lib/rsky-pds/account.sqlite")
        machine.succeed("test -f /var/lib/rsky-pds/sequencer.sqlite")
        machine.succeed(f"find /var/lib/rsky-pds/actors -path '*{alice['did']}*' -name store.sqlite | grep -q .")
        machine.systemctl("restart rsky-pds.service")
        machine.wait_for_open_port(2583)
        session = xrpc("com.atproto.server.createSession", {"identifier": "alice.test", "password": "alice-password"})
        assert session["did"] == alice["did"], session
        record = xrpc(f"com.atproto.repo.getRecord?repo={alice['did']}&collection=app.bsky.feed.post&rkey={rkey}")
        assert record["value"]["text"] == "hello from rsky-pds", record
        # rsky-pds answers a wrong password with 400 InvalidLogin.
        refused = xrpc("com.atproto.server.createSession", {"identifier": "alice.test", "password": "wrong"}, expect=400)
        assert refused["error"] == "InvalidLogin", refused

    with subtest("admin endpoints take the password from the environment file"):
        info = xrpc(f"com.atproto.admin.getAccountInfo?did={alice['did']}", auth="admin:vm-test-admin-password")
        assert info["handle"] == "alice.test", info
        # Without credentials 401; with a wrong password rsky-pds says 400.
        xrpc(f"com.atproto.admin.getAccountInfo?did={alice['did']}", expect=401)
        xrpc(f"com.atproto.admin.getAccountInfo?did={alice['did']}", auth="admin:wrong", expect=400)

    with subtest("no secret is in the unit"):
        machine.fail("grep -q -e vm-test-admin-password -e 2d8e22288a997c01 /etc/systemd/system/rsky-pds.service")

    with subtest("the unit is hardened and has no capabilities"):
        machine.succeed("systemd-analyze security --threshold=15 rsky-pds.service")
        machine.succeed("test \"$(systemctl show -P CapabilityBoundingSet rsky-pds.service)\" = \"\"")
  '';
}
