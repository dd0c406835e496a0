# systemd helpers for the NixOS modules of this repository (SPEC §9).
#
#   hardening : knobs -> serviceConfig attrs, the sandbox every service starts from
#   toUnit    : { Unit = { … }; Service = { … }; … } -> unit file text
#
# A module writes
#
#   serviceConfig = atomLib.systemd.hardening { } // { ExecStart = …; StateDirectory = …; };
#
# and the offline checks render the same attrs with `toUnit` and score them
# with `systemd-analyze security --offline=true`
# (checks/offline/lib/score-unit.sh).
let
  inherit (builtins) attrNames concatStringsSep isAttrs isList match sort typeOf;

  # Every combination of knobs scores ≤ 1.5 in `systemd-analyze security`
  # (checks/offline/nix-lib-systemd.sh; the figures are in README).
  hardening =
    {
      # The service talks IP. Off: PrivateNetwork, IPAddressDeny=any, and
      # local (AF_UNIX) sockets only.
      network ? true
    , # Ranges the service may exchange IP traffic with (systemd syntax:
      # "localhost", "link-local", CIDR, …). A list turns on IPAddressDeny=any
      # with these exceptions; null leaves IP traffic unfiltered (a public
      # server). Only meaningful with `network`.
      ipAddressAllow ? null
    , # Address families beyond AF_UNIX (and AF_INET/AF_INET6 with `network`),
      # e.g. [ "AF_NETLINK" ].
      addressFamilies ? [ ]
    , # Listen on ports below 1024: keeps CAP_NET_BIND_SERVICE (bounding and
      # ambient) and turns PrivateUsers off, since a capability inside a user
      # namespace does not reach the host's network namespace.
      bindPrivilegedPorts ? false
    , # A JIT runtime (V8, the JVM, LuaJIT, …) needs writable executable
      # memory: turns MemoryDenyWriteExecute off.
      jit ? false
    , # A transient user per service. Off when state is shared with another
      # unit: the module then sets User= and Group= itself.
      dynamicUser ? true
    }:
      assert isList addressFamilies || throw "lib.systemd.hardening: `addressFamilies` must be a list, not a ${typeOf addressFamilies}";
      assert ipAddressAllow == null || isList ipAddressAllow
        || throw "lib.systemd.hardening: `ipAddressAllow` must be null or a list, not a ${typeOf ipAddressAllow}";
      assert network || ipAddressAllow == null
        || throw "lib.systemd.hardening: `ipAddressAllow` needs `network = true` (without network all IP traffic is denied)";
      let
        capabilities = if bindPrivilegedPorts then "CAP_NET_BIND_SERVICE" else "";
      in
      {
        CapabilityBoundingSet = capabilities;
        AmbientCapabilities = capabilities;
        NoNewPrivileges = true;
        PrivateUsers = !bindPrivilegedPorts;

        SystemCallFilter = [ "@system-service" "~@privileged @resources" ];
        SystemCallArchitectures = "native";
        SystemCallErrorNumber = "EPERM";
        MemoryDenyWriteExecute = !jit;
        LockPersonality = true;
        RestrictNamespaces = true;
        RestrictRealtime = true;
        RestrictSUIDSGID = true;

        RestrictAddressFamilies = [ "AF_UNIX" ] ++ (if network then [ "AF_INET" "AF_INET6" ] else [ ]) ++ addressFamilies;
        PrivateNetwork = !network;

        ProtectSystem = "strict";
        ProtectHome = true;
        PrivateTmp = true;
        PrivateDevices = true;
        PrivateMounts = true;
        DevicePolicy = "closed";
        ProtectProc = "invisible";
        ProcSubset = "pid";
        ProtectClock = true;
        ProtectHostname = true;
        ProtectKernelTunables = true;
        ProtectKernelModules = true;
        ProtectKernelLogs = true;
        ProtectControlGroups = true;

        RemoveIPC = true;
        UMask = "0077";
      }
      // (if dynamicUser then { DynamicUser = true; } else { })
      // (if !network then { IPAddressDeny = "any"; }
      else if ipAddressAllow != null then { IPAddressDeny = "any"; IPAddressAllow = ipAddressAllow; }
      else { });

  # NixOS's rendering (nixos/lib/systemd-lib.nix, attrsToSection): booleans
  # as true/false, a list as the key repeated once per element, anything
  # else through toString (so null gives `Key=`, which resets the setting).
  renderValue = section: key: value:
    let
      text =
        if value == true then "true"
        else if value == false then "false"
        else if isAttrs value && !(value ? outPath) then
          throw "lib.systemd.toUnit: [${section}] ${key}: cannot render an attribute set"
        else toString value;
    in
    if match "[^\n]*" text == null
    then throw "lib.systemd.toUnit: [${section}] ${key}: value contains a newline: ${text}"
    else text;

  renderSection = name: attrs:
    if !(isAttrs attrs) then throw "lib.systemd.toUnit: section [${name}] must be an attribute set, not a ${typeOf attrs}"
    else
      "[${name}]\n" + concatStringsSep "" (map
        (key:
          let value = attrs.${key}; in
          concatStringsSep "" (map (v: "${key}=${renderValue name key v}\n") (if isList value then value else [ value ])))
        (attrNames attrs));

  # [Unit] first and [Install] last, the other sections in between by name.
  sectionOrder = names:
    let
      rank = n: if n == "Unit" then 0 else if n == "Install" then 2 else 1;
    in
    sort (a: b: if rank a != rank b then rank a < rank b else a < b) names;

  toUnit = sections:
    if !(isAttrs sections) then throw "lib.systemd.toUnit: expected { Unit = { … }; Service = { … }; … }, not a ${typeOf sections}"
    else concatStringsSep "\n" (map (n: renderSection n sections.${n}) (sectionOrder (attrNames sections)));
in
{
  inherit hardening toUnit;
}
