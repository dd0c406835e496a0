# Slingshot consumes a local stand-in for Jetstream that replays the fixture
# and serves the fixture's records from its cache, without any network.
{ testers, package }:
testers.runNixOSTest {
  name = "microcosm-slingshot";

  nodes.machine = { pkgs, ... }:
    let
      python = pkgs.python3.withPackages (ps: [ ps.websockets ]);
    in
    {
      imports = [ ../../modules/microcosm-slingshot.nix ];
      environment.systemPackages = [ pkgs.curl ];

      systemd.services.fake-jetstream = {
        wantedBy = [ "multi-user.target" ];
        before = [ "microcosm-slingshot.service" ];
        serviceConfig.ExecStart = "${python.interpreter} ${./fake-jetstream.py} ${./fixtures/jetstream.jsonl} 6008";
      };

      services.microcosm-slingshot = {
        enable = true;
        inherit package;
        settings = {
          SLINGSHOT_JETSTREAM = "ws://127.0.0.1:6008/subscribe";
          SLINGSHOT_JETSTREAM_NO_ZSTD = true;
        };
      };
    };

  testScript = ''
    import json

    get_post = (
        "curl --fail --silent 'http://127.0.0.1:8080/xrpc/com.atproto.repo.getRecord"
        "?repo=did:plc:aaaaaaaaaaaaaaaaaaaaaaaa&collection=app.bsky.feed.post&rkey=3laaaaaaaaaa2'"
    )

    machine.wait_for_unit("fake-jetstream.service")
    machine.wait_for_unit("microcosm-slingshot.service")
    machine.wait_for_open_port(8080)

    with subtest("the front page is served"):
        machine.succeed("curl --fail --silent http://127.0.0.1:8080/ | grep -qi '<html'")

    with subtest("a record from the firehose is served from the cache"):
        machine.wait_until_succeeds(get_post, timeout=120)
        record = json.loads(machine.succeed(get_post))
        assert record["value"]["text"] == "hello from a fixture", record
        assert record["uri"] == "at://did:plc:aaaaaaaaaaaaaaaaaaaaaaaa/app.bsky.feed.post/3laaaaaaaaaa2", record

    with subtest("the caches are in the cache directory"):
        machine.succeed("test -d /var/cache/microcosm-slingshot/firehose")

    with subtest("the unit is hardened"):
        machine.succeed("systemd-analyze security --threshold=15 microcosm-slingshot.service")
  '';
}
