# services.atom-mirror end to end on three machines. `origin` publishes two
# versions of an atom behind `git daemon`; `mirror` runs the module (its
# default package: the overlay's eka, from nixosModules.default), whose timer
# syncs and verifies them and whose daemon serves them; `client` locks the
# atom from a source that lists the mirror first. Then the origin moves the
# locked ref: the mirror refuses it, reports it in its status file and
# keeps serving the verified atom, and the lock still resolves through it.
{ testers, nixosModule }:
testers.runNixOSTest {
  name = "atom-mirror";

  # nixosModules.default brings the overlay (nixpkgs.overlays), which the
  # test's read-only pkgs would refuse.
  node.pkgsReadOnly = false;
  defaults.imports = [ nixosModule ];

  nodes = {
    origin = { pkgs, ... }: {
      environment.systemPackages = [ pkgs.eka pkgs.git ];
      networking.firewall.allowedTCPPorts = [ 9418 ];
      systemd.tmpfiles.rules = [ "d /srv/git 0755 root root -" ];
      systemd.services.origin-git-daemon = {
        wantedBy = [ "multi-user.target" ];
        after = [ "network.target" ];
        serviceConfig.ExecStart = "${pkgs.git}/bin/git daemon --reuseaddr --export-all --base-path=/srv/git --listen=0.0.0.0 /srv/git";
      };
    };

    mirror = { pkgs, ... }: {
      environment.systemPackages = [ pkgs.jq ];
      services.atom-mirror = {
        enable = true;
        sources.origin = [ "git://origin/atoms.git" ];
        # Often, so that the test sees the timer at work.
        interval = "*:*:0/10";
        listenAddress = "0.0.0.0";
        openFirewall = true;
      };
      # Fire on time (the default accuracy is a minute).
      systemd.timers.atom-mirror-sync.timerConfig.AccuracySec = "1s";
    };

    client = { lib, pkgs, ... }: {
      environment.systemPackages = [ pkgs.eka pkgs.git ];
      # Nix fetches the lock from the mirror; there is nothing to substitute.
      nix.settings.substituters = lib.mkForce [ ];
    };
  };

  testScript = ''
    import json
    import tomllib

    status_file = "/var/lib/atom-mirror/status.json"

    def status():
        return json.loads(mirror.succeed(f"cat {status_file}"))

    def locked_rev():
        lock = tomllib.loads(client.succeed("cat /root/app/atom.lock"))
        return [b for b in lock["bonds"] if b.get("tag") == "hello"][0]["rev"]

    start_all()

    with subtest("the origin publishes hello 1.0.0 and 1.1.0"):
        origin.wait_for_unit("origin-git-daemon.service")
        origin.wait_for_open_port(9418)
        origin.succeed(
            "git init -q --bare /srv/git/atoms.git",
            "git init -q -b main /root/project",
            "mkdir /root/project/hello",
            "printf '[atom]\\ntag = \"hello\"\\nversion = \"1.0.0\"\\n' > /root/project/hello/atom.toml",
            "echo 'hello 1.0.0' > /root/project/hello/greeting",
            "git -C /root/project add -A",
            "git -C /root/project -c user.name=o -c user.email=o@example.org commit -q -m 1.0.0",
            "eka key generate",
            "cd /root/project && eka claim hello && eka publish hello --remote /srv/git/atoms.git",
            "printf '[atom]\\ntag = \"hello\"\\nversion = \"1.1.0\"\\n' > /root/project/hello/atom.toml",
            "echo 'hello 1.1.0' > /root/project/hello/greeting",
            "git -C /root/project -c user.name=o -c user.email=o@example.org commit -q -am 1.1.0",
            "cd /root/project && eka publish hello --remote /srv/git/atoms.git",
        )
        v100 = origin.succeed("git -C /srv/git/atoms.git rev-parse refs/eka/atoms/hello/1.0.0").strip()
        v110 = origin.succeed("git -C /srv/git/atoms.git rev-parse refs/eka/atoms/hello/1.1.0").strip()

    with subtest("the timer syncs the mirror and the daemon serves it"):
        mirror.wait_for_unit("atom-mirror-sync.timer")
        mirror.wait_for_unit("atom-mirror-daemon.service")
        mirror.wait_for_open_port(9418)
        mirror.wait_until_succeeds(
            f"jq -e '.ok and .sources.origin.atoms == 2' {status_file}", timeout=180
        )
        assert status()["refusals"] == [], status()
        served = client.succeed("git ls-remote git://mirror/store.git refs/eka/atoms/hello/1.1.0").split()[0]
        assert served == v110, (served, v110)

    with subtest("the daemon serves only the store, read-only, upload-pack only"):
        client.fail("git ls-remote git://mirror/status.json")
        client.fail("git archive --remote=git://mirror/store.git refs/eka/atoms/hello/1.1.0")
        client.succeed(
            "git init -q --bare /root/pusher.git",
            "git -C /root/pusher.git fetch -q git://mirror/store.git 'refs/eka/*:refs/eka/*'",
            f"git -C /root/pusher.git update-ref refs/eka/atoms/hello/9.9.9 {v100}",
        )
        client.fail("git -C /root/pusher.git push git://mirror/store.git refs/eka/atoms/hello/9.9.9")
        # In the daemon's mount namespace the state directory is a (bind)
        # mount of its own, and read-only; the last entry is the one on top.
        pid = mirror.succeed("systemctl show -P MainPID atom-mirror-daemon.service").strip()
        mounts = mirror.succeed(
            "awk '$5 == \"/var/lib/atom-mirror\" || $5 == \"/var/lib/private/atom-mirror\" { print $6 }' "
            + f"/proc/{pid}/mountinfo"
        ).split()
        assert mounts and "ro" in mounts[-1].split(","), mounts
        # Only the mirror's own (dynamic) user may enter the state.
        mirror.succeed("test \"$(stat -L -c %a /var/lib/atom-mirror)\" = 700")

    with subtest("the client locks hello from a source listing the mirror first"):
        client.succeed(
            "mkdir -p /root/app",
            "printf '[atom]\\ntag = \"app\"\\nversion = \"0.1.0\"\\n\\n[atom.sources]\\norigin = [\"git://mirror/store.git\", \"git://origin/atoms.git\"]\\n\\n[atoms.origin]\\nhello = \"^1.0\"\\n' > /root/app/atom.toml",
            "cd /root/app && eka lock",
        )
        assert locked_rev() == v110, locked_rev()

    with subtest("a moved ref at the origin is refused; the mirror keeps the verified atom"):
        origin.succeed(f"git -C /srv/git/atoms.git update-ref refs/eka/atoms/hello/1.1.0 {v100}")
        mirror.wait_until_succeeds(
            f"jq -e '.refusals | map(select(.ref == \"refs/eka/atoms/hello/1.1.0\" and .kind == \"moved\")) | length == 1' {status_file}",
            timeout=180,
        )
        refusal = status()["refusals"][0]
        assert (refusal["held"], refusal["offered"]) == (v110, v100), refusal
        assert status()["last_success"] is not None, status()
        mirror.fail("systemctl start atom-mirror-sync.service")
        served = client.succeed("git ls-remote git://mirror/store.git refs/eka/atoms/hello/1.1.0").split()[0]
        assert served == v110, (served, v110)

    with subtest("with the origin gone, the lock resolves through the mirror"):
        origin.succeed("systemctl stop origin-git-daemon.service")
        client.fail("git ls-remote git://origin/atoms.git")
        client.succeed(
            "sed -i 's|, \"git://origin/atoms.git\"||' /root/app/atom.toml",
            "cd /root/app && eka lock && eka verify",
        )
        assert locked_rev() == v110, locked_rev()
        fetched = client.succeed(
            "nix-instantiate --eval --strict --json "
            + "-E 'toString ((import ${../../nix}).lock.atoms { lock = /root/app/atom.lock; }).hello'"
        )
        client.succeed(f"grep -qx 'hello 1.1.0' {json.loads(fetched)}/greeting")

    with subtest("both units are hardened"):
        mirror.succeed("systemd-analyze security --threshold=15 atom-mirror-sync.service")
        mirror.succeed("systemd-analyze security --threshold=15 atom-mirror-daemon.service")
  '';
}
