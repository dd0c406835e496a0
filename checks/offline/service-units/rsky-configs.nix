# Configurations of the rsky service modules as their unit functions
# (modules/units/rsky-*.nix) receive them, options at their defaults (and
# required ones filled in). Each is a function of overrides: options to
# replace, and `settings` to merge into the default settings. Used by
# ./cases.nix and by the refusal checks in ../service-units.sh.
{ fakePackage }:
let
  configure = base: overrides:
    base // overrides // { settings = base.settings // (overrides.settings or { }); };
in
builtins.mapAttrs (_: configure) {
  pds = {
    package = fakePackage "rsky-pds";
    environmentFiles = [ "/run/secrets/rsky-pds.env" ];
    settings = {
      PDS_HOSTNAME = "pds.example.com";
      PDS_PORT = 2583;
      ROCKET_ADDRESS = "127.0.0.1";
      PDS_SERVICE_DID = null;
      PDS_DATA_DIRECTORY = "/var/lib/rsky-pds";
      PDS_BLOBSTORE_DISK_LOCATION = "/var/lib/rsky-pds/blobs";
      PDS_BLOBSTORE_S3_BUCKET = null;
      PDS_DID_PLC_URL = "https://plc.directory";
      PDS_BSKY_APP_VIEW_URL = null;
      PDS_BSKY_APP_VIEW_DID = null;
      PDS_MOD_SERVICE_URL = null;
      PDS_MOD_SERVICE_DID = null;
      PDS_REPORT_SERVICE_URL = null;
      PDS_REPORT_SERVICE_DID = null;
      PDS_CRAWLERS = [ ];
      PDS_SERVICE_HANDLE_DOMAINS = [ ];
      PDS_INVITE_REQUIRED = true;
      PDS_ACCEPTING_REPO_IMPORTS = true;
      PDS_BLOB_UPLOAD_LIMIT = null;
      PDS_CONTACT_EMAIL_ADDRESS = null;
      PDS_DEV_MODE = false;
    };
  };

  relay = {
    package = fakePackage "rsky-relay";
    plcExportUrl = "https://plc.directory/export";
    seeder = "${fakePackage "rsky-relay-seed-plc"}/bin/rsky-relay-seed-plc";
    environmentFiles = [ ];
    settings = {
      RELAY_LENIENT_VALIDATION = true;
      RELAY_DISCOVERY_UPSTREAMS = [ ];
      RELAY_METRICS_LISTEN = null;
      RUST_LOG = "info";
    };
  };

  feedgen = {
    package = fakePackage "rsky-feedgen";
    migrator = "${fakePackage "rsky-feedgen-migrate"}/bin/rsky-feedgen-migrate";
    migrate = true;
    environmentFiles = [ "/run/secrets/rsky-feedgen.env" ];
    settings = {
      ROCKET_ADDRESS = "127.0.0.1";
      ROCKET_PORT = 8000;
      FEEDGEN_SERVICE_DID = "did:web:feeds.example.com";
      FEEDGEN_HOSTNAME = "feeds.example.com";
    };
    database = { createLocally = true; name = "rsky-feedgen"; socketDir = "/run/postgresql"; };
  };

  firehose = {
    package = fakePackage "rsky-firehose";
    environmentFiles = [ "/run/secrets/rsky-feedgen.env" ];
    settings = {
      FEEDGEN_SUBSCRIPTION_PATH = "wss://bsky.network";
      FEEDGEN_SUBSCRIPTION_ENDPOINT = "com.atproto.sync.subscribeRepos";
      FEEDGEN_SUBSCRIPTION_CURSOR = null;
      FEEDGEN_QUEUE_ENDPOINT = "http://127.0.0.1:8000";
    };
  };

  jetstream-subscriber = {
    package = fakePackage "rsky-jetstream-subscriber";
    environmentFiles = [ "/run/secrets/rsky-feedgen.env" ];
    settings = {
      JETSTREAM_SERVER_ENDPOINT = "wss://jetstream1.us-west.bsky.network";
      FILTER_PARAM = "wantedCollections=app.bsky.feed.post";
      JETSTREAM_SUBSCRIPTION_ENDPOINT = null;
      FEEDGEN_QUEUE_ENDPOINT = "http://127.0.0.1:8000";
    };
  };

  labeler = {
    package = fakePackage "rsky-labeler";
    environmentFiles = [ "/run/secrets/rsky-labeler.env" ];
    settings = {
      FEEDGEN_SUBSCRIPTION_PATH = "wss://bsky.network";
      BSKY_AGENT_URL = "https://bsky.social";
      MOD_SERVICE_EMAIL = "moderation@example.com";
      MOD_SERVICE_DID = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa";
      MOD_SERVICE_LABEL = null;
      MOD_SERVICE_AUTOLABEL_TAGS = [ "slur" "auto" ];
      LABELER_EXLUDED_SLURS = [ ];
      ENABLE_CREATE_REPORT = true;
      ENABLE_CREATE_LABEL = false;
      ENABLE_CREATE_TAG = true;
    };
  };
}
