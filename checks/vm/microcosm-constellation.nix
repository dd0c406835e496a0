# Constellation indexes the fixture's events and answers on its port.
#
# The fixture reaches constellation through a FIFO that a feeder keeps open:
# with a plain file constellation would stop once it reached the end.
{ testers, package }:
let
  fifo = "/run/constellation-fixture/events";
  post = "at://did:plc:aaaaaaaaaaaaaaaaaaaaaaaa/app.bsky.feed.post/3laaaaaaaaaa2";
in
testers.runNixOSTest {
  name = "microcosm-constellation";

  nodes.machine = { pkgs, ... }: {
    imports = [ ../../modules/microcosm-constellation.nix ];
    environment.systemPackages = [ pkgs.curl ];

    services.microcosm-constellation = {
      enable = true;
      inherit package;
      jetstream = "ws://127.0.0.1:9/unused";
      fixture = fifo;
      # One backup at every start: with an interval, constellation would take
      # its first backup only once the interval has passed.
      backups = { enable = true; intervalHours = null; keep = null; };
      metrics.enable = true;
    };

    systemd.services.constellation-fixture = {
      description = "Feed the Jetstream fixture to constellation";
      wantedBy = [ "multi-user.target" ];
      before = [ "microcosm-constellation.service" ];
      requiredBy = [ "microcosm-constellation.service" ];
      serviceConfig.RuntimeDirectory = "constellation-fixture";
      serviceConfig.RuntimeDirectoryMode = "0755";
      # The FIFO exists before constellation starts.
      preStart = "mkfifo -m 0644 ${fifo}";
      script = ''
        # Opening the FIFO waits for constellation; then the events go in and
        # the write end stays open.
        exec 3>${fifo}
        cat ${./fixtures/jetstream.jsonl} >&3
        exec sleep infinity
      '';
    };
  };

  testScript = ''
    import json
    from urllib.parse import quote

    machine.wait_for_unit("microcosm-constellation.service")
    machine.wait_for_open_port(6789)
    machine.wait_for_open_port(8765)

    def count(target, collection, path):
        url = "http://127.0.0.1:6789/links/count?target={}&collection={}&path={}".format(
            quote(target, safe=""), collection, quote(path, safe="")
        )
        return json.loads(machine.succeed(f"curl --fail --silent '{url}'"))["total"]

    with subtest("the fixture's likes and follow are indexed"):
        machine.wait_until_succeeds(
            "curl --fail --silent 'http://127.0.0.1:6789/links/count?target=${post}&collection=app.bsky.feed.like&path=.subject.uri' | grep -q '\"total\":2'",
            timeout=60,
        )
        assert count("${post}", "app.bsky.feed.like", ".subject.uri") == 2
        assert count("did:plc:aaaaaaaaaaaaaaaaaaaaaaaa", "app.bsky.graph.follow", ".subject") == 1
        assert count("did:plc:aaaaaaaaaaaaaaaaaaaaaaaa", "app.bsky.feed.like", ".subject.uri") == 0

    with subtest("RocksDB and the startup backup are in the state directories"):
        machine.succeed("test -n \"$(ls -A /var/lib/microcosm-constellation)\"")
        machine.succeed("test -n \"$(ls -A /var/lib/microcosm-constellation-backups)\"")

    with subtest("metrics are served"):
        machine.wait_until_succeeds("curl --fail --silent http://127.0.0.1:8765/metrics | grep -q storage", timeout=60)

    with subtest("the unit is hardened"):
        machine.succeed("systemd-analyze security --threshold=15 microcosm-constellation.service")
  '';
}
