# Configurations of every ATproto service module, rendered through the same
# unit functions the modules use (modules/units/*.nix) and nix/systemd.nix.
#
# Each case: { name; unit = the .service file text; contains; lacks; }, where
# `contains` and `lacks` are lines the unit must and must not have.
# Evaluated by ../service-units.sh, which scores every unit offline.
let
  atomLib = import ../../../nix;
  inherit (atomLib.systemd) hardening toUnit;
  u = import ../../../modules/units/lib.nix;

  unitsOf = name: import (../../../modules/units + "/${name}.nix") { inherit hardening; };

  fakePackage = pname: "/nix/store/00000000000000000000000000000000-${pname}-0.1.0";

  render = unit:
    toUnit {
      Unit = {
        Description = unit.description;
        After = unit.after or [ ];
        Wants = unit.wants or [ ];
        Requires = unit.requires or [ ];
      };
      Service = unit.serviceConfig // {
        Environment = map (k: "\"${k}=${unit.environment.${k}}\"") (builtins.attrNames (unit.environment or { }));
      };
      Install.WantedBy = unit.wantedBy or [ ];
    };

  # One case per unit the function returns for `cfg`.
  cases = service: case: cfg: { contains ? [ ], lacks ? [ ] }:
    let units = unitsOf service cfg; in
    map
      (unitName: {
        name = "${service}--${case}--${unitName}";
        unit = render units.${unitName};
        inherit contains lacks;
      })
      (builtins.attrNames units);

  constellation = overrides: {
    package = fakePackage "microcosm-constellation";
    jetstream = "us-east-1";
    backend = "rocks";
    dataDir = "/var/lib/microcosm-constellation";
    address = "127.0.0.1";
    port = 6789;
    didWebDomain = null;
    metrics = { enable = false; bind = "127.0.0.1:8765"; };
    backups = { enable = false; directory = "/var/lib/microcosm-constellation-backups"; intervalHours = 24; keep = 7; };
    fixture = null;
    extraArgs = [ ];
  } // overrides;

  spacedust = settings: {
    package = fakePackage "microcosm-spacedust";
    environmentFiles = [ ];
    settings = {
      SPACEDUST_JETSTREAM = "us-east-1";
      SPACEDUST_JETSTREAM_NO_ZSTD = false;
      SPACEDUST_BIND = "127.0.0.1:8080";
      SPACEDUST_COLLECT_METRICS = false;
      SPACEDUST_BIND_METRICS = null;
      RUST_LOG = "info";
    } // settings;
  };

  slingshot = settings: {
    package = fakePackage "microcosm-slingshot";
    environmentFiles = [ "/run/secrets/slingshot.env" ];
    settings = {
      SLINGSHOT_JETSTREAM = "us-east-1";
      SLINGSHOT_JETSTREAM_NO_ZSTD = false;
      SLINGSHOT_BIND = "127.0.0.1:8080";
      SLINGSHOT_RECORD_CACHE_MEMORY_MB = 64;
      SLINGSHOT_RECORD_CACHE_DISK_DB = 1;
      SLINGSHOT_IDENTITY_CACHE_MEMORY_MB = 64;
      SLINGSHOT_IDENTITY_CACHE_DISK_DB = 1;
      SLINGSHOT_ACME_DOMAIN = null;
      SLINGSHOT_ACME_CONTACT = null;
      SLINGSHOT_ACME_IPV6 = false;
      SLINGSHOT_HEALTHCHECK = null;
      SLINGSHOT_COLLECT_METRICS = false;
      SLINGSHOT_BIND_METRICS = null;
      RUST_LOG = "info";
    } // settings;
  };

  ufos = settings: {
    package = fakePackage "microcosm-ufos";
    environmentFiles = [ ];
    settings = {
      UFOS_JETSTREAM = "us-east-1";
      UFOS_JETSTREAM_FORCE = false;
      UFOS_JETSTREAM_NO_ZSTD = false;
      UFOS_JETSTREAM_FIXTURE = false;
      UFOS_BIND = "127.0.0.1:9990";
      UFOS_DATA = "/var/lib/microcosm-ufos";
      UFOS_BACKFILL_MODE = false;
      UFOS_COLLECT_METRICS = false;
      UFOS_BIND_METRICS = null;
      RUST_LOG = "info";
    } // settings;
  };

  allegedly = overrides: {
    package = fakePackage "allegedly";
    mode = "mirror";
    environmentFiles = [ ];
    settings = {
      ALLEGEDLY_WRAP = "http://127.0.0.1:3000";
      ALLEGEDLY_BIND = "127.0.0.1:8000";
      ALLEGEDLY_UPSTREAM = "https://plc.directory";
      ALLEGEDLY_UPSTREAM_THROTTLE_MS = 600;
      ALLEGEDLY_WRAP_PG_CERT = null;
      ALLEGEDLY_EXPERIMENTAL_WRITE_UPSTREAM = false;
      RUST_LOG = "info";
    };
    database = { createLocally = true; name = "allegedly"; socketDir = "/run/postgresql"; };
    acme = { domains = [ ]; directoryUrl = "https://acme-v02.api.letsencrypt.org/directory"; ipv6 = false; experimentalDomain = null; };
  } // overrides;

  noCapabilities = [ "CapabilityBoundingSet=" "AmbientCapabilities=" "PrivateUsers=true" ];
  bindCapability = [ "CapabilityBoundingSet=CAP_NET_BIND_SERVICE" "AmbientCapabilities=CAP_NET_BIND_SERVICE" "PrivateUsers=false" ];
in
builtins.concatLists [
  (cases "microcosm-constellation" "rocks" (constellation { })
    {
      contains = noCapabilities ++ [
        "ExecStart=/nix/store/00000000000000000000000000000000-microcosm-constellation-0.1.0/bin/constellation \"--bind\" \"127.0.0.1:6789\" \"--jetstream\" \"us-east-1\" \"--backend\" \"rocks\" \"--data\" \"/var/lib/microcosm-constellation\""
        "StateDirectory=microcosm-constellation"
        "KillSignal=SIGINT"
        "DynamicUser=true"
      ];
    })
  (cases "microcosm-constellation" "memory-metrics" (constellation { backend = "memory"; address = "::"; didWebDomain = "c.example.com"; metrics = { enable = true; bind = "[::1]:8765"; }; })
    {
      contains = noCapabilities ++ [
        "ExecStart=/nix/store/00000000000000000000000000000000-microcosm-constellation-0.1.0/bin/constellation \"--bind\" \"[::]:6789\" \"--jetstream\" \"us-east-1\" \"--backend\" \"memory\" \"--did-web-domain\" \"c.example.com\" \"--collect-metrics\" \"--bind-metrics\" \"[::1]:8765\""
      ];
    })
  (cases "microcosm-constellation" "backups" (constellation { backups = { enable = true; directory = "/var/lib/constellation-backups"; intervalHours = 6; keep = 3; }; extraArgs = [ "--repair-target-ids" ]; })
    {
      contains = noCapabilities ++ [
        "ExecStart=/nix/store/00000000000000000000000000000000-microcosm-constellation-0.1.0/bin/constellation \"--bind\" \"127.0.0.1:6789\" \"--jetstream\" \"us-east-1\" \"--backend\" \"rocks\" \"--data\" \"/var/lib/microcosm-constellation\" \"--backup\" \"/var/lib/constellation-backups\" \"--backup-interval\" \"6\" \"--max-old-backups\" \"3\" \"--repair-target-ids\""
        "StateDirectory=microcosm-constellation"
        "StateDirectory=constellation-backups"
      ];
    })
  (cases "microcosm-spacedust" "default" (spacedust { })
    {
      contains = noCapabilities ++ [
        "ExecStart=/nix/store/00000000000000000000000000000000-microcosm-spacedust-0.1.0/bin/spacedust"
        "Environment=\"SPACEDUST_JETSTREAM=us-east-1\""
        "Environment=\"SPACEDUST_JETSTREAM_NO_ZSTD=false\""
        "Environment=\"SPACEDUST_BIND=127.0.0.1:8080\""
      ];
      lacks = [ "Environment=\"SPACEDUST_BIND_METRICS=" "StateDirectory=microcosm-spacedust" ];
    })
  (cases "microcosm-spacedust" "metrics" (spacedust { SPACEDUST_COLLECT_METRICS = true; SPACEDUST_BIND_METRICS = "127.0.0.1:9000"; })
    {
      contains = [ "Environment=\"SPACEDUST_COLLECT_METRICS=true\"" "Environment=\"SPACEDUST_BIND_METRICS=127.0.0.1:9000\"" ];
    })
  (cases "microcosm-slingshot" "default" (slingshot { })
    {
      contains = noCapabilities ++ [
        "Environment=\"SLINGSHOT_CACHE_DIR=/var/cache/microcosm-slingshot\""
        "Environment=\"SLINGSHOT_BIND=127.0.0.1:8080\""
        "Environment=\"SLINGSHOT_RECORD_CACHE_DISK_DB=1\""
        "EnvironmentFile=/run/secrets/slingshot.env"
        "CacheDirectory=microcosm-slingshot"
        "WorkingDirectory=/nix/store/00000000000000000000000000000000-microcosm-slingshot-0.1.0/share/microcosm-slingshot"
      ];
      lacks = [ "Environment=\"SLINGSHOT_ACME_CACHE_PATH=" "StateDirectory=microcosm-slingshot" ];
    })
  (cases "microcosm-slingshot" "acme" (slingshot { SLINGSHOT_ACME_DOMAIN = "slingshot.example.com"; SLINGSHOT_ACME_CONTACT = "ops@example.com"; })
    {
      contains = bindCapability ++ [
        "Environment=\"SLINGSHOT_ACME_DOMAIN=slingshot.example.com\""
        "Environment=\"SLINGSHOT_ACME_CACHE_PATH=/var/lib/microcosm-slingshot/acme\""
        "StateDirectory=microcosm-slingshot"
      ];
      lacks = [ "Environment=\"SLINGSHOT_BIND=" ];
    })
  (cases "microcosm-ufos" "default" (ufos { })
    {
      contains = noCapabilities ++ [
        "ExecStart=/nix/store/00000000000000000000000000000000-microcosm-ufos-0.1.0/bin/ufos"
        "Environment=\"UFOS_DATA=/var/lib/microcosm-ufos\""
        "StateDirectory=microcosm-ufos"
        "WorkingDirectory=/var/lib/microcosm-ufos"
      ];
    })
  (cases "allegedly" "mirror" (allegedly { })
    {
      contains = noCapabilities ++ [
        "ExecStart=/nix/store/00000000000000000000000000000000-allegedly-0.1.0/bin/allegedly \"mirror\""
        "Environment=\"ALLEGEDLY_WRAP_PG=postgresql:///allegedly?host=/run/postgresql&user=allegedly\""
        "Environment=\"ALLEGEDLY_BIND=127.0.0.1:8000\""
        "After=postgresql.target"
        "Requires=postgresql.target"
        "User=allegedly"
      ];
    })
  (cases "allegedly" "mirror-remote-db" (allegedly { database = { createLocally = false; name = "allegedly"; socketDir = "/run/postgresql"; }; environmentFiles = [ "/run/secrets/allegedly.env" ]; })
    {
      contains = noCapabilities ++ [ "EnvironmentFile=/run/secrets/allegedly.env" ];
      lacks = [ "Environment=\"ALLEGEDLY_WRAP_PG=" "After=postgresql.target" ];
    })
  (cases "allegedly" "wrap" (allegedly { mode = "wrap"; })
    {
      contains = noCapabilities ++ [ "ExecStart=/nix/store/00000000000000000000000000000000-allegedly-0.1.0/bin/allegedly \"wrap\"" ];
      lacks = [ "Environment=\"ALLEGEDLY_WRAP_PG=" "After=postgresql.target" ];
    })
  (cases "allegedly" "acme" (allegedly { acme = { domains = [ "plc.example.com" "alt.plc.example.com" ]; directoryUrl = "https://acme.example.com/directory"; ipv6 = true; experimentalDomain = null; }; })
    {
      contains = bindCapability ++ [
        "ExecStart=/nix/store/00000000000000000000000000000000-allegedly-0.1.0/bin/allegedly \"mirror\" \"--acme-domain\" \"plc.example.com\" \"--acme-domain\" \"alt.plc.example.com\""
        "Environment=\"ALLEGEDLY_ACME_CACHE_PATH=/var/lib/allegedly/acme\""
        "Environment=\"ALLEGEDLY_ACME_DIRECTORY_URL=https://acme.example.com/directory\""
        "Environment=\"ALLEGEDLY_ACME_IPV6=true\""
        "StateDirectory=allegedly"
      ];
      lacks = [ "Environment=\"ALLEGEDLY_BIND=" "Environment=\"ALLEGEDLY_EXPERIMENTAL_ACME_DOMAIN=" ];
    })
]
