# Spacedust consumes a local stand-in for Jetstream that replays the fixture,
# and a websocket subscriber receives the fixture's links from it.
{ testers, package }:
testers.runNixOSTest {
  name = "microcosm-spacedust";

  nodes.machine = { pkgs, ... }:
    let
      python = pkgs.python3.withPackages (ps: [ ps.websockets ]);
      ws-first-message = pkgs.writeShellScriptBin "ws-first-message" ''
        exec ${python.interpreter} ${./ws-first-message.py} "$@"
      '';
    in
    {
      imports = [ ../../modules/microcosm-spacedust.nix ];
      environment.systemPackages = [ pkgs.curl ws-first-message ];

      systemd.services.fake-jetstream = {
        wantedBy = [ "multi-user.target" ];
        before = [ "microcosm-spacedust.service" ];
        serviceConfig.ExecStart = "${python.interpreter} ${./fake-jetstream.py} ${./fixtures/jetstream.jsonl} 6008";
      };

      services.microcosm-spacedust = {
        enable = true;
        inherit package;
        settings = {
          SPACEDUST_JETSTREAM = "ws://127.0.0.1:6008/subscribe";
          SPACEDUST_JETSTREAM_NO_ZSTD = true;
          SPACEDUST_COLLECT_METRICS = true;
          SPACEDUST_BIND_METRICS = "127.0.0.1:8765";
        };
      };
    };

  testScript = ''
    machine.wait_for_unit("fake-jetstream.service")
    machine.wait_for_unit("microcosm-spacedust.service")
    machine.wait_for_open_port(8080)
    machine.wait_for_open_port(8765)

    with subtest("the HTTP API answers"):
        machine.succeed("curl --fail --silent http://127.0.0.1:8080/ >/dev/null")

    with subtest("a subscriber receives the fixture's likes of the post, instantly"):
        out = machine.wait_until_succeeds(
            "ws-first-message 'ws://127.0.0.1:8080/subscribe?instant=true&wantedSubjects=at%3A%2F%2Fdid%3Aplc%3Aaaaaaaaaaaaaaaaaaaaaaaaa%2Fapp.bsky.feed.post%2F3laaaaaaaaaa2' app.bsky.feed.like did:plc:bbbbbbbbbbbbbbbbbbbbbbbb",
            timeout=120,
        )
        assert "3laaaaaaaaaa2" in out, out

    with subtest("a subscriber for another subject receives nothing"):
        machine.fail("WS_TIMEOUT=10 ws-first-message 'ws://127.0.0.1:8080/subscribe?instant=true&wantedSubjects=at%3A%2F%2Fdid%3Aplc%3Azzzzzzzzzzzzzzzzzzzzzzzz%2Fapp.bsky.feed.post%2F3lzzzzzzzzzz2' app.bsky")

    with subtest("the unit is hardened"):
        machine.succeed("systemd-analyze security --threshold=15 microcosm-spacedust.service")
  '';
}
