# allegedly in mirror mode, against the local PostgreSQL that the module sets
# up (Unix socket, peer authentication) and a local stand-in that plays both
# the upstream PLC directory (/export) and the wrapped did-method-plc server
# (/_health, /<did>). The database starts with the PLC schema and one
# operation; allegedly must copy the upstream's two newer operations into it.
{ testers, package }:
testers.runNixOSTest {
  name = "allegedly";

  nodes.machine = { pkgs, ... }: {
    imports = [ ../../modules/allegedly.nix ];
    environment.systemPackages = [ pkgs.curl ];

    systemd.services.fake-plc = {
      wantedBy = [ "multi-user.target" ];
      before = [ "allegedly.service" ];
      serviceConfig.ExecStart = "${pkgs.python3.interpreter} -m http.server --bind 127.0.0.1 --directory ${./fixtures/plc} 3000";
    };

    # What the did-method-plc server would have created in its database.
    systemd.services.plc-schema = {
      after = [ "postgresql.target" ];
      requires = [ "postgresql.target" ];
      before = [ "allegedly.service" ];
      requiredBy = [ "allegedly.service" ];
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
        User = "postgres";
      };
      script = ''
        ${pkgs.postgresql}/bin/psql --set ON_ERROR_STOP=1 -d allegedly \
          -c 'SET ROLE allegedly' -f ${./fixtures/plc-schema.sql}
      '';
    };

    services.allegedly = {
      enable = true;
      inherit package;
      mode = "mirror";
      settings = {
        ALLEGEDLY_WRAP = "http://127.0.0.1:3000";
        ALLEGEDLY_UPSTREAM = "http://127.0.0.1:3000";
        ALLEGEDLY_UPSTREAM_THROTTLE_MS = 100;
      };
    };
  };

  testScript = ''
    import json

    def operations():
        return int(machine.succeed("sudo -u postgres psql -tA -d allegedly -c 'SELECT count(*) FROM operations'").strip())

    machine.wait_for_unit("postgresql.target")
    machine.wait_for_unit("allegedly.service")
    machine.wait_for_open_port(8000)

    with subtest("the upstream's operations reach the database"):
        machine.wait_until_succeeds(
            "test \"$(sudo -u postgres psql -tA -d allegedly -c 'SELECT count(*) FROM operations')\" = 3",
            timeout=60,
        )
        assert operations() == 3
        dids = machine.succeed("sudo -u postgres psql -tA -d allegedly -c 'SELECT did FROM dids ORDER BY did'").split()
        assert dids == ["did:plc:aaaaaaaaaaaaaaaaaaaaaaaa", "did:plc:bbbbbbbbbbbbbbbbbbbbbbbb"], dids

    with subtest("health reports the wrapped server, the upstream and the latest operation"):
        machine.wait_until_succeeds(
            "curl --fail --silent http://127.0.0.1:8000/_health | grep -q 2025-01-09T18:10:00",
            timeout=30,
        )
        health = json.loads(machine.succeed("curl --fail --silent http://127.0.0.1:8000/_health"))
        assert health["wrapped_plc"] == {"version": "fixture"}, health
        assert health["upstream_plc"] == {"version": "fixture"}, health

    with subtest("reads are proxied to the wrapped server, writes are refused"):
        doc = json.loads(machine.succeed("curl --fail --silent http://127.0.0.1:8000/did:plc:aaaaaaaaaaaaaaaaaaaaaaaa"))
        assert doc["alsoKnownAs"] == ["at://alice2.example.com"], doc
        machine.fail("curl --fail --silent -X POST -d '{}' http://127.0.0.1:8000/did:plc:aaaaaaaaaaaaaaaaaaaaaaaa")

    with subtest("the service reaches PostgreSQL only as its own role, without a password"):
        machine.succeed("grep -q 'host=/run/postgresql' /etc/systemd/system/allegedly.service")
        machine.fail("grep -qi password /etc/systemd/system/allegedly.service")

    with subtest("the unit is hardened and has no capabilities"):
        machine.succeed("systemd-analyze security --threshold=15 allegedly.service")
        machine.succeed("test \"$(systemctl show -P CapabilityBoundingSet allegedly.service)\" = \"\"")
  '';
}
