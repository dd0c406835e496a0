# Pure helpers shared by the unit functions in this directory.
#
# No nixpkgs here: the offline tests evaluate these with a bare Nix.
rec {
  # One argument of an ExecStart= line, quoted for systemd: inside double
  # quotes only `\` and `"` need escaping, and `%` and `$` would otherwise be
  # expanded by systemd itself.
  quoteArg = arg:
    "\"" + builtins.replaceStrings [ "\\" "\"" "%" "$" ] [ "\\\\" "\\\"" "%%" "$$" ] (toText arg) + "\"";

  # A value as text; a path is copied to the store first (toString would
  # name the file outside the store).
  toText = value: if builtins.isPath value then "${value}" else toString value;

  # An ExecStart= line from a program (a store path, so no quoting needed)
  # and its arguments.
  execLine = argv:
    builtins.concatStringsSep " " ([ (toText (builtins.head argv)) ] ++ map quoteArg (builtins.tail argv));

  # Environment variables from typed settings: nulls are left out (the
  # service's own default applies), booleans become `true`/`false`.
  toEnvironment = settings:
    builtins.listToAttrs (map
      (name:
        let value = settings.${name}; in
        {
          inherit name;
          value =
            if builtins.isBool value then (if value then "true" else "false")
            else toText value;
        })
      (builtins.filter (name: settings.${name} != null) (builtins.attrNames settings)));

  # "host:port" or "[v6]:port" -> { address; port; }, or an error naming the
  # value.
  parseBind = bind:
    let
      m = builtins.match "(\\[[0-9A-Fa-f:.]+]|[^:]+):([0-9]+)" bind;
      port = if m == null then 0 else builtins.fromJSON (builtins.elemAt m 1);
    in
    if m == null || port < 1 || port > 65535 then
      throw "`${bind}` is not a listen address of the form HOST:PORT or [IPV6]:PORT"
    else { address = builtins.head m; inherit port; };

  # "address" + port -> the HOST:PORT form the services parse (IPv6 in
  # brackets).
  joinBind = address: port:
    if builtins.match ".*:.*" address != null && builtins.substring 0 1 address != "["
    then "[${address}]:${toString port}"
    else "${address}:${toString port}";

  # For services that colour their logs unless NO_COLOR is set (tracing's
  # formatter, color-eyre): the journal is no terminal. Settings go on top.
  noColor = { NO_COLOR = "1"; };

  # A list of strings as one comma-separated environment value; null (unset)
  # when empty, so that the service's own default applies.
  commaList = list: if list == [ ] then null else builtins.concatStringsSep "," list;

  # `settings`, or an error naming the first secret among `names` that it
  # sets: settings end up in the world-readable Nix store and in the unit
  # file, secrets belong in the files of `environmentFiles`.
  refuseSecrets = service: names: settings:
    let set = builtins.filter (name: (settings.${name} or null) != null) names; in
    if set == [ ] then settings
    else throw "services.${service}.settings.${builtins.head set} is a secret: put it in a file of services.${service}.environmentFiles instead (settings are written to the world-readable Nix store)";

  # "/var/lib/foo/bar" -> "foo/bar" for StateDirectory=, or an error: with
  # DynamicUser= only directories systemd creates for the unit are writable.
  stateDirectoryOf = option: path:
    let m = builtins.match "/var/lib/([^/].*[^/]|[^/])" path; in
    if m == null
    then throw "${option} = `${path}` must be a directory under /var/lib (the service runs as a dynamic user and may only write its own state directories)"
    else builtins.head m;
}
