# UFOs reads the fixture's events (its own file-fixture mode) and serves them
# as sample records on its port.
{ testers, package }:
testers.runNixOSTest {
  name = "microcosm-ufos";

  nodes.machine = { pkgs, ... }: {
    imports = [ ../../modules/microcosm-ufos.nix ];
    environment.systemPackages = [ pkgs.curl ];

    services.microcosm-ufos = {
      enable = true;
      inherit package;
      settings = {
        UFOS_JETSTREAM = "${./fixtures/jetstream.jsonl}";
        UFOS_JETSTREAM_FIXTURE = true;
      };
    };
  };

  testScript = ''
    import json

    machine.wait_for_unit("microcosm-ufos.service")
    machine.wait_for_open_port(9990)

    with subtest("the fixture's likes are sample records"):
        machine.wait_until_succeeds(
            "curl --fail --silent 'http://127.0.0.1:9990/records?collection=app.bsky.feed.like' | grep -q 3lbbbbbbbbbb2",
            timeout=120,
        )
        records = json.loads(machine.succeed("curl --fail --silent 'http://127.0.0.1:9990/records?collection=app.bsky.feed.like'"))
        assert {r["rkey"] for r in records} == {"3lbbbbbbbbbb2", "3lcccccccccd2"}, records

    with subtest("the database is in the state directory"):
        machine.succeed("test -n \"$(ls -A /var/lib/microcosm-ufos)\"")

    with subtest("the unit is hardened"):
        machine.succeed("systemd-analyze security --threshold=15 microcosm-ufos.service")
  '';
}
