# Option declarations the service modules share.
{ lib }:
let
  inherit (lib) mkOption types;
in
rec {
  # Typed settings that become the service's environment: declared options
  # plus free-form variables; `null` leaves a variable unset.
  settings = { description, options }: mkOption {
    inherit description;
    default = { };
    type = types.submodule {
      freeformType = types.attrsOf (types.nullOr (types.oneOf [ types.bool types.int types.str ]));
      inherit options;
    };
  };

  environmentFiles = mkOption {
    type = types.listOf types.path;
    default = [ ];
    description = "Files of further environment variables (systemd `EnvironmentFile=`), for values that must not be in the Nix store.";
  };

  # `environmentFiles`, saying which secrets the service expects there.
  environmentFilesFor = secrets: environmentFiles // {
    description = "Files of further environment variables (systemd `EnvironmentFile=`), for values that must not be in the Nix store: ${secrets}";
  };

  # A database in the local PostgreSQL, reached over its Unix socket with
  # peer authentication: the database, the role that owns it and the
  # service's dynamic user share one name (default `name`).
  # `createLocally` describes that option for this service (what it does,
  # and what to give instead when false).
  localDatabase = { name, createLocally }: {
    createLocally = mkOption {
      type = types.bool;
      default = true;
      description = createLocally;
    };
    name = mkOption {
      type = types.str;
      default = name;
      description = ''
        Name of the local database, of the PostgreSQL role that owns it,
        and of the service's (dynamic) user: peer authentication matches
        the user to the role.
      '';
    };
    socketDir = mkOption {
      type = types.str;
      default = "/run/postgresql";
      description = "Directory of the local PostgreSQL's Unix socket.";
    };
  };

  # The services.postgresql settings that create a `localDatabase`.
  postgresqlFor = database: {
    enable = true;
    ensureDatabases = [ database.name ];
    ensureUsers = [{
      inherit (database) name;
      ensureDBOwnership = true;
    }];
  };

  # A setting that is a list of strings; the unit function passes it
  # comma-separated (modules/units/lib.nix, `commaList`), and unset when
  # empty.
  stringList = { description, example ? null }: mkOption ({
    type = types.listOf types.str;
    default = [ ];
    inherit description;
  } // (if example == null then { } else { inherit example; }));

  # Where rsky's firehose and Jetstream subscribers queue records: an
  # rsky-feedgen, and its key.
  feedgenQueueEndpoint = mkOption {
    type = types.str;
    example = "http://127.0.0.1:8000";
    description = "Base URL of rsky-feedgen, whose `/queue/…` and `/cursor` endpoints receive the records.";
  };
  feedgenQueueKeyFiles = environmentFilesFor "`RSKY_API_KEY`, rsky-feedgen's queue key (required).";

  openFirewall = what: mkOption {
    type = types.bool;
    default = false;
    description = "Open ${what} in the firewall.";
  };

  rustLog = syntax: mkOption {
    type = types.nullOr types.str;
    default = "info";
    description = "Log filter (${syntax} syntax).";
  };

  # The Jetstream settings every microcosm consumer takes, under its prefix.
  jetstream = prefix: {
    "${prefix}_JETSTREAM" = mkOption {
      type = types.str;
      example = "us-east-1";
      description = "Jetstream server: a `wss://` URL or one of `us-east-1`, `us-east-2`, `us-west-1`, `us-west-2`.";
    };
    "${prefix}_JETSTREAM_NO_ZSTD" = mkOption {
      type = types.bool;
      default = false;
      description = "Ask Jetstream for uncompressed events (less CPU, more bandwidth).";
    };
  };

  # Prometheus metrics of a microcosm service, under its prefix.
  metrics = prefix: {
    "${prefix}_COLLECT_METRICS" = mkOption {
      type = types.bool;
      default = false;
      description = "Serve Prometheus metrics on `${prefix}_BIND_METRICS`.";
    };
    "${prefix}_BIND_METRICS" = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "127.0.0.1:8765";
      description = "Listen address of the metrics endpoint (the service's own default when null); needs `${prefix}_COLLECT_METRICS`.";
    };
  };

  # The assertion that goes with `metrics`.
  metricsAssertion = name: prefix: settings: {
    assertion = settings."${prefix}_BIND_METRICS" != null -> settings."${prefix}_COLLECT_METRICS";
    message = "services.${name}.settings.${prefix}_BIND_METRICS needs ${prefix}_COLLECT_METRICS = true.";
  };
}
