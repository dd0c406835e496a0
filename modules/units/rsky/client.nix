# The unit of a stateless rsky client (the firehose and Jetstream
# subscribers, the labeler): its settings as environment, one required
# secret from `environmentFiles`, no state, outgoing network only.
#
#   name        : the service (and unit, and binary) name
#   description : the unit's description
#   secret      : the variable that must come from `environmentFiles`
#   secretUse   : what that variable is, for the error message
#   lists       : settings that are lists, passed comma-separated
#
# Returns the unit function `cfg: { <name> = { … }; }`.
{ hardening }:
{ name, description, secret, secretUse, lists ? [ ] }:
cfg:
let
  u = import ../lib.nix;
  s = u.refuseSecrets name [ secret ] cfg.settings;
  listValues = builtins.listToAttrs (map (list: { name = list; value = u.commaList s.${list}; }) lists);
in
assert cfg.environmentFiles != [ ]
  || throw "services.${name}.environmentFiles must name a file with ${secret} (${secretUse})";
{
  ${name} = {
    inherit description;
    after = [ "network-online.target" ];
    wants = [ "network-online.target" ];
    wantedBy = [ "multi-user.target" ];
    environment = u.toEnvironment (u.noColor // s // listValues);
    serviceConfig = hardening { } // {
      ExecStart = u.execLine [ "${cfg.package}/bin/${name}" ];
      EnvironmentFile = cfg.environmentFiles;
      Restart = "on-failure";
      RestartSec = "5s";
    };
  };
}
