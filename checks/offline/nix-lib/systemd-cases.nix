# Expected-vs-actual cases for lib.systemd (checks/offline/nix-lib-systemd.sh).
{ lib }:
let
  inherit (lib.systemd) hardening toUnit;
  without = names: attrs: builtins.removeAttrs attrs names;
  base = hardening { };
in
{
  "toUnit: booleans, numbers, strings and paths" = {
    expected = "[Service]\nA=true\nB=false\nC=3\nD=text with spaces\nE=/etc/passwd\n";
    actual = toUnit { Service = { A = true; B = false; C = 3; D = "text with spaces"; E = /etc/passwd; }; };
  };

  "toUnit: a list repeats its key, an empty list writes nothing" = {
    expected = "[Service]\nRestrictAddressFamilies=AF_UNIX\nRestrictAddressFamilies=AF_INET\nSystemCallFilter=@system-service\nSystemCallFilter=~@privileged\n";
    actual = toUnit {
      Service = {
        RestrictAddressFamilies = [ "AF_UNIX" "AF_INET" ];
        SystemCallFilter = [ "@system-service" "~@privileged" ];
        Wants = [ ];
      };
    };
  };

  "toUnit: empty string and null reset (Key=)" = {
    expected = "[Service]\nCapabilityBoundingSet=\nExecStart=\nExecStart=/bin/x\nUser=\n";
    actual = toUnit { Service = { CapabilityBoundingSet = ""; ExecStart = [ "" "/bin/x" ]; User = null; }; };
  };

  "toUnit: a derivation renders as its store path" = {
    expected = "[Service]\nExecStart=/nix/store/00000000000000000000000000000000-x/bin/x\n";
    actual = toUnit { Service.ExecStart = "${{ outPath = "/nix/store/00000000000000000000000000000000-x"; }}/bin/x"; };
  };

  "toUnit: [Unit] first, [Install] last, others by name" = {
    expected = "[Unit]\nDescription=d\n\n[Service]\nType=simple\n\n[Socket]\nListenStream=80\n\n[Install]\nWantedBy=multi-user.target\n";
    actual = toUnit {
      Install.WantedBy = "multi-user.target";
      Socket.ListenStream = 80;
      Service.Type = "simple";
      Unit.Description = "d";
    };
  };

  "hardening: the baseline" = {
    expected = {
      AmbientCapabilities = "";
      CapabilityBoundingSet = "";
      DevicePolicy = "closed";
      DynamicUser = true;
      LockPersonality = true;
      MemoryDenyWriteExecute = true;
      NoNewPrivileges = true;
      PrivateDevices = true;
      PrivateMounts = true;
      PrivateNetwork = false;
      PrivateTmp = true;
      PrivateUsers = true;
      ProcSubset = "pid";
      ProtectClock = true;
      ProtectControlGroups = true;
      ProtectHome = true;
      ProtectHostname = true;
      ProtectKernelLogs = true;
      ProtectKernelModules = true;
      ProtectKernelTunables = true;
      ProtectProc = "invisible";
      ProtectSystem = "strict";
      RemoveIPC = true;
      RestrictAddressFamilies = [ "AF_UNIX" "AF_INET" "AF_INET6" ];
      RestrictNamespaces = true;
      RestrictRealtime = true;
      RestrictSUIDSGID = true;
      SystemCallArchitectures = "native";
      SystemCallErrorNumber = "EPERM";
      SystemCallFilter = [ "@system-service" "~@privileged @resources" ];
      UMask = "0077";
    };
    actual = base;
  };

  "hardening: network = false" = {
    expected = base // { PrivateNetwork = true; IPAddressDeny = "any"; RestrictAddressFamilies = [ "AF_UNIX" ]; };
    actual = hardening { network = false; };
  };

  "hardening: ipAddressAllow" = {
    expected = base // { IPAddressDeny = "any"; IPAddressAllow = [ "localhost" "10.0.0.0/8" ]; };
    actual = hardening { ipAddressAllow = [ "localhost" "10.0.0.0/8" ]; };
  };

  "hardening: addressFamilies" = {
    expected = [ "AF_UNIX" "AF_INET" "AF_INET6" "AF_NETLINK" ];
    actual = (hardening { addressFamilies = [ "AF_NETLINK" ]; }).RestrictAddressFamilies;
  };

  "hardening: bindPrivilegedPorts" = {
    expected = base // { CapabilityBoundingSet = "CAP_NET_BIND_SERVICE"; AmbientCapabilities = "CAP_NET_BIND_SERVICE"; PrivateUsers = false; };
    actual = hardening { bindPrivilegedPorts = true; };
  };

  "hardening: jit" = {
    expected = base // { MemoryDenyWriteExecute = false; };
    actual = hardening { jit = true; };
  };

  "hardening: dynamicUser = false" = {
    expected = without [ "DynamicUser" ] base;
    actual = hardening { dynamicUser = false; };
  };

  "hardening: a module's settings override the baseline" = {
    expected = "[Service]\nExecStart=/bin/x\nMemoryDenyWriteExecute=false\n";
    actual = toUnit { Service = { inherit (hardening { } // { ExecStart = "/bin/x"; MemoryDenyWriteExecute = false; }) ExecStart MemoryDenyWriteExecute; }; };
  };
}
