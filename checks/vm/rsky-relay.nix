# rsky-relay without network: its PLC database is seeded from a local
# stand-in for the PLC directory's export (./fixtures/plc/export); it serves
# its health, host list and admin endpoints on 127.0.0.1:9000, takes its
# admin password from an environment file, and keeps its bans in relay.db
# in the state directory across a restart.
{ testers, package, sqlite }:
testers.runNixOSTest {
  name = "rsky-relay";

  nodes.machine = { pkgs, ... }: {
    imports = [ ../../modules/rsky-relay.nix ];
    environment.systemPackages = [ pkgs.curl ];

    systemd.services.fake-plc = {
      wantedBy = [ "multi-user.target" ];
      before = [ "rsky-relay.service" ];
      serviceConfig.ExecStart = "${pkgs.python3.interpreter} -m http.server --bind 127.0.0.1 --directory ${./fixtures/plc} 2582";
    };

    services.rsky-relay = {
      enable = true;
      inherit package;
      plcExportUrl = "http://127.0.0.1:2582/export";
      # Nothing to discover without network; a name that does not resolve.
      settings.RELAY_DISCOVERY_UPSTREAMS = [ "relay.invalid" ];
      # A test password: a real deployment keeps this file out of the store.
      environmentFiles = [
        (pkgs.writeText "rsky-relay-test.env" ''
          RELAY_ADMIN_PASSWORD=vm-test-relay-password
        '')
      ];
    };
  };

  testScript = ''
    import json

    admin = "curl --silent -H 'Authorization: Bearer vm-test-relay-password'"

    def bans():
        return json.loads(machine.succeed(f"{admin} --fail http://127.0.0.1:9000/admin/pds/listBans"))

    machine.wait_for_unit("rsky-relay.service")
    machine.wait_for_open_port(9000)

    with subtest("the PLC database was seeded from the export"):
        with open("${./fixtures/plc/export}") as export:
            operations = [json.loads(line) for line in export if line.strip()]
        machine.succeed(f"journalctl -u rsky-relay.service | grep -q 'stored {len(operations)} PLC operations from http://127.0.0.1:2582/export'")
        keys = machine.succeed("${sqlite}/bin/sqlite3 /var/lib/rsky-relay/plc_directory.db 'SELECT did FROM plc_keys ORDER BY did'").split()
        assert keys == sorted({op["did"] for op in operations}), keys

    with subtest("health and host list"):
        assert machine.succeed("curl --fail --silent http://127.0.0.1:9000/_health") == "ok"
        hosts = json.loads(machine.succeed("curl --fail --silent 'http://127.0.0.1:9000/xrpc/com.atproto.sync.listHosts?limit=10'"))
        assert hosts["hosts"] == [], hosts

    with subtest("admin endpoints need the password from the environment file"):
        status = machine.succeed("curl --silent -o /dev/null -w '%{http_code}' -X POST 'http://127.0.0.1:9000/admin/pds/ban?host=pds.example.com'")
        assert status == "401", status
        status = machine.succeed("curl --silent -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer wrong' -X POST 'http://127.0.0.1:9000/admin/pds/ban?host=pds.example.com'")
        assert status == "401", status
        banned = json.loads(machine.succeed(f"{admin} --fail -X POST 'http://127.0.0.1:9000/admin/pds/ban?host=pds.example.com'"))
        assert banned == {"host": "pds.example.com", "banned": True}, banned
        assert "pds.example.com" in json.dumps(bans()), bans()

    with subtest("a banned host's crawl request is refused"):
        status = machine.succeed(
            "curl --silent -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' "
            "-d '{\"hostname\": \"pds.example.com\"}' http://127.0.0.1:9000/xrpc/com.atproto.sync.requestCrawl"
        )
        assert status == "403", status

    with subtest("state lives in the state directory and survives a restart"):
        machine.succeed("test -f /var/lib/rsky-relay/relay.db")
        machine.succeed("test -f /var/lib/rsky-relay/plc_directory.db")
        machine.succeed("ls /var/lib/rsky-relay/ | grep -q '^rsky-relay.log'")
        machine.systemctl("restart rsky-relay.service")
        machine.wait_for_open_port(9000)
        assert "pds.example.com" in json.dumps(bans()), bans()
        # The seeded database is left alone at the second start.
        assert machine.succeed("journalctl -u rsky-relay.service | grep -c 'stored .* PLC operations'").strip() == "1"

    with subtest("the password is not in the unit"):
        machine.fail("grep -r vm-test-relay-password /etc/systemd/system/rsky-relay.service")

    with subtest("the unit is hardened and has no capabilities"):
        machine.succeed("systemd-analyze security --threshold=15 rsky-relay.service")
        machine.succeed("test \"$(systemctl show -P CapabilityBoundingSet rsky-relay.service)\" = \"\"")
  '';
}
