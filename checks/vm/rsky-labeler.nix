# rsky-labeler against rsky-pds (with a stand-in PLC directory), without
# network: it does not come up while its moderation account does not exist,
# and once the account exists it logs in with the password from its
# environment file and follows the PDS' event stream.
{ lib, testers, package, rsky-pds }:
testers.runNixOSTest {
  name = "rsky-labeler";

  nodes.machine = { pkgs, ... }: {
    imports = [
      (import ./rsky/pds-node.nix { package = rsky-pds; })
      ../../modules/rsky-labeler.nix
    ];

    services.rsky-labeler = {
      enable = true;
      inherit package;
      settings = {
        FEEDGEN_SUBSCRIPTION_PATH = "ws://127.0.0.1:2583";
        BSKY_AGENT_URL = "http://127.0.0.1:2583";
        MOD_SERVICE_EMAIL = "moderator.test";
        MOD_SERVICE_DID = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa";
      };
      # A test password: a real deployment keeps this file out of the store.
      environmentFiles = [
        (pkgs.writeText "rsky-labeler-test.env" ''
          MOD_SERVICE_PASSWORD=moderator-password
        '')
      ];
    };
    # Started by the test, once it has created the account.
    systemd.services.rsky-labeler.wantedBy = lib.mkForce [ ];
  };

  testScript = builtins.readFile ./rsky/pds_client.py + ''

    machine.wait_for_unit("rsky-pds.service")
    machine.wait_for_open_port(2583)

    with subtest("without its account the labeler does not come up"):
        machine.succeed("systemctl start rsky-labeler.service")
        machine.wait_until_succeeds("journalctl -u rsky-labeler.service | grep -q 'Failed with result'", timeout=60)
        machine.fail("journalctl -u rsky-labeler.service | grep -q 'Connected to'")
        machine.succeed("systemctl stop rsky-labeler.service")

    with subtest("with its account it logs in and follows the PDS' stream"):
        create_account("moderator.test", "moderator@example.com", "moderator-password")
        machine.succeed("systemctl start rsky-labeler.service")
        machine.wait_until_succeeds("journalctl -u rsky-labeler.service | grep -q 'Connected to ws://127.0.0.1:2583'", timeout=60)
        machine.succeed("systemctl is-active rsky-labeler.service")

    with subtest("the password is not in the unit"):
        machine.fail("grep -q moderator-password /etc/systemd/system/rsky-labeler.service")

    with subtest("the unit is hardened and has no capabilities"):
        machine.succeed("systemd-analyze security --threshold=15 rsky-labeler.service")
        machine.succeed("test \"$(systemctl show -P CapabilityBoundingSet rsky-labeler.service)\" = \"\"")
  '';
}
