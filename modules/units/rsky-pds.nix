# The systemd unit of services.rsky-pds, as a pure function of the module's
# values (see ./microcosm-constellation.nix for the contract).
#
# rsky-pds reads PDS_* environment variables; it listens where Rocket's
# ROCKET_ADDRESS and ROCKET_PORT say (PDS_PORT only enters its public URL
# when PDS_HOSTNAME is `localhost`), so the unit sets ROCKET_PORT from
# PDS_PORT. All state is SQLite databases under PDS_DATA_DIRECTORY and blobs
# under PDS_BLOBSTORE_DISK_LOCATION (or in S3). Its keys, DPoP secret and
# admin password come only from `environmentFiles`.
{ hardening }:
cfg:
let
  u = import ./lib.nix;
  service = "rsky-pds";
  s = u.refuseSecrets service secrets cfg.settings;
  option = name: "services.rsky-pds.settings.${name}";

  # What rsky-pds reads from its environment and must not appear in
  # settings. The three keys are required (it panics without them).
  secrets = [
    "PDS_JWT_KEY_K256_PRIVATE_KEY_HEX"
    "PDS_REPO_SIGNING_KEY_K256_PRIVATE_KEY_HEX"
    "PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX"
    "PDS_DPOP_SECRET"
    "PDS_ADMIN_PASS"
    "PDS_ADMIN_PASSWORD"
    "PDS_MAILGUN_API_KEY"
  ];

  dataDir = u.stateDirectoryOf (option "PDS_DATA_DIRECTORY") s.PDS_DATA_DIRECTORY;
  blobDir = u.stateDirectoryOf (option "PDS_BLOBSTORE_DISK_LOCATION") s.PDS_BLOBSTORE_DISK_LOCATION;
  stateDirs = [ dataDir ]
    ++ (if s.PDS_BLOBSTORE_DISK_LOCATION != null && blobDir != dataDir then [ blobDir ] else [ ]);

  # rsky-pds' configuration derives the service DID and the handle domains
  # from PDS_HOSTNAME, but several handlers (describeServer, account
  # creation, the auth verifier) read the variables themselves and panic
  # or answer empty without them: the unit always sets both, to those
  # derived defaults unless settings say otherwise.
  handleDomains =
    if s.PDS_SERVICE_HANDLE_DOMAINS != [ ] then s.PDS_SERVICE_HANDLE_DOMAINS
    else if s.PDS_HOSTNAME == "localhost" then [ ".test" ]
    else [ ".${s.PDS_HOSTNAME}" ];

  # The AWS SDK is set up at every start and looks for a region in EC2's
  # instance metadata, once per blobstore use; without S3 that is only
  # noise and delay.
  diskBlobs =
    if s.PDS_BLOBSTORE_DISK_LOCATION != null
    then { AWS_EC2_METADATA_DISABLED = "true"; }
    else { };

  environment = u.noColor // diskBlobs // s // {
    ROCKET_PORT = s.PDS_PORT;
    PDS_SERVICE_DID = if s.PDS_SERVICE_DID != null then s.PDS_SERVICE_DID else "did:web:${s.PDS_HOSTNAME}";
    PDS_CRAWLERS = u.commaList s.PDS_CRAWLERS;
    PDS_SERVICE_HANDLE_DOMAINS = u.commaList handleDomains;
  };

  # rsky-pds panics at start when a service URL comes without its DID.
  pairs = [
    [ "PDS_BSKY_APP_VIEW_URL" "PDS_BSKY_APP_VIEW_DID" ]
    [ "PDS_MOD_SERVICE_URL" "PDS_MOD_SERVICE_DID" ]
    [ "PDS_REPORT_SERVICE_URL" "PDS_REPORT_SERVICE_DID" ]
  ];
  unpaired = builtins.filter
    (p: (s.${builtins.head p} or null) != null && (s.${builtins.elemAt p 1} or null) == null)
    pairs;
in
assert cfg.environmentFiles != [ ]
  || throw "services.rsky-pds.environmentFiles must name a file with PDS_JWT_KEY_K256_PRIVATE_KEY_HEX, PDS_REPO_SIGNING_KEY_K256_PRIVATE_KEY_HEX and PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX (hex secp256k1 keys; rsky-pds does not start without them), and PDS_DPOP_SECRET and PDS_ADMIN_PASS";
assert s.PDS_BLOBSTORE_DISK_LOCATION == null || s.PDS_BLOBSTORE_S3_BUCKET == null
  || throw "services.rsky-pds.settings: set PDS_BLOBSTORE_DISK_LOCATION or PDS_BLOBSTORE_S3_BUCKET, not both (rsky-pds refuses both)";
assert unpaired == [ ]
  || throw "${option (builtins.head (builtins.head unpaired))} needs ${option (builtins.elemAt (builtins.head unpaired) 1)} (rsky-pds refuses to start without it)";
{
  rsky-pds = {
    description = "rsky-pds, an ATproto Personal Data Server";
    after = [ "network-online.target" ];
    wants = [ "network-online.target" ];
    wantedBy = [ "multi-user.target" ];
    environment = u.toEnvironment environment;
    serviceConfig = hardening { } // {
      ExecStart = u.execLine [ "${cfg.package}/bin/rsky-pds" ];
      EnvironmentFile = cfg.environmentFiles;
      StateDirectory = stateDirs;
      StateDirectoryMode = "0700";
      # Where rsky-pds looks for a .env file and Rocket for Rocket.toml.
      WorkingDirectory = s.PDS_DATA_DIRECTORY;
      Restart = "on-failure";
      RestartSec = "5s";
    };
  };
}
