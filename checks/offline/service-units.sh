# The systemd units of the service modules, rendered offline through
# the very functions the modules use (modules/units/*.nix): each has the
# settings its configuration asks for, and each scores ≤ 1.5 in
# `systemd-analyze security --offline=true`.
source "$(dirname "$0")/lib/common.sh"

max=1.5
nix_eval 'import <root/checks/offline/service-units/cases.nix>' >"$scratch/cases.json"

python3 - "$scratch/cases.json" "$scratch/units" <<'PY'
import json, os, sys
cases = json.load(open(sys.argv[1]))
out = sys.argv[2]
os.makedirs(out)
failed = False
for case in cases:
    path = os.path.join(out, case["name"] + "." + case.get("kind", "service"))
    with open(path, "w") as f:
        f.write(case["unit"])
    lines = set(case["unit"].splitlines())
    for line in case["contains"]:
        if line not in lines:
            print(f"FAIL: {case['name']}: missing line: {line}", file=sys.stderr)
            failed = True
    for prefix in case["lacks"]:
        bad = [l for l in lines if l.startswith(prefix)]
        if bad:
            print(f"FAIL: {case['name']}: unexpected line: {bad[0]}", file=sys.stderr)
            failed = True
    if not failed:
        print(f"ok: {os.path.basename(path)}: {len(case['contains'])} expected lines, {len(case['lacks'])} absent")
if failed:
    print("\n".join(f"--- {c['name']}.{c.get('kind', 'service')}\n{c['unit']}" for c in cases), file=sys.stderr)
    sys.exit(1)
PY

# Every unit function has at least one case.
for file in modules/units/*.nix; do
  service=$(basename "$file" .nix)
  [[ $service == lib ]] && continue
  compgen -G "$scratch/units/$service--*.service" >/dev/null || fail "modules/units/$service.nix has no case in checks/offline/service-units/cases.nix"
done

count=0
for unit in "$scratch"/units/*.service; do
  bash checks/offline/lib/score-unit.sh "$unit" "$max"
  count=$((count + 1))
done
((count >= 12)) || fail "only $count units were scored"

# Configurations the modules must refuse, with a message naming the option.
units='import <root/modules/units/microcosm-constellation.nix> { hardening = (import <root/nix>).systemd.hardening; }'
base='{ package = "/nix/store/x"; jetstream = "us-east-1"; backend = "rocks"; dataDir = "/var/lib/c"; address = "127.0.0.1"; port = 6789; didWebDomain = null; metrics = { enable = false; bind = ""; }; backups = { enable = false; directory = "/var/lib/b"; intervalHours = null; keep = null; }; fixture = null; extraArgs = [ ]; }'
expect_nix_error "constellation data outside /var/lib is refused" \
  'services.microcosm-constellation.dataDir = `/srv/constellation` must be a directory under /var/lib' \
  "builtins.deepSeq ((${units}) ($base // { dataDir = \"/srv/constellation\"; })) true"
expect_nix_error "constellation backups of the memory backend are refused" \
  'backups needs backend = "rocks"' \
  "builtins.deepSeq ((${units}) ($base // { backend = \"memory\"; backups = { enable = true; directory = \"/var/lib/b\"; intervalHours = 1; keep = null; }; })) true"
expect_nix_error "constellation backups.keep without an interval is refused" \
  'backups.keep needs backups.intervalHours' \
  "builtins.deepSeq ((${units}) ($base // { backups = { enable = true; directory = \"/var/lib/b\"; intervalHours = null; keep = 2; }; })) true"
mirror='import <root/modules/units/atom-mirror.nix> { hardening = (import <root/nix>).systemd.hardening; }'
mirror_cfg='{ package = "/nix/store/x"; gitPackage = "/nix/store/y"; interval = "hourly"; listenAddress = "127.0.0.1"; port = 9418; }'
expect_nix_error "an atom mirror without sources is refused" \
  'services.atom-mirror.sources is empty' \
  "builtins.deepSeq ((${mirror}) (${mirror_cfg} // { sources = { }; })) true"
expect_nix_error "an atom mirror source without URLs is refused" \
  'services.atom-mirror.sources.company has no URLs' \
  "builtins.deepSeq ((${mirror}) (${mirror_cfg} // { sources.company = [ ]; })) true"
expect_nix_error "an atom mirror source name that eka would refuse is refused" \
  'services.atom-mirror.sources: `my source` is not a source name' \
  "builtins.deepSeq ((${mirror}) (${mirror_cfg} // { sources.\"my source\" = [ \"/srv/a\" ]; })) true"
expect_nix_error "a listen address without a port is refused" \
  '`localhost` is not a listen address' \
  '(import <root/modules/units/lib.nix>).parseBind "localhost"'

# rsky: secrets only through environmentFiles, and the configurations rsky
# itself would refuse at start, refused at evaluation with the option named.
rsky_unit() { # UNIT CONFIG OVERRIDES
  echo "builtins.deepSeq ((import <root/modules/units/$1.nix> { hardening = (import <root/nix>).systemd.hardening; })
    ((import <root/checks/offline/service-units/rsky-configs.nix> { fakePackage = name: \"/nix/store/x-\${name}\"; }).$2 $3)) true"
}
expect_nix_error "rsky-pds refuses a key in settings" \
  'services.rsky-pds.settings.PDS_REPO_SIGNING_KEY_K256_PRIVATE_KEY_HEX is a secret: put it in a file of services.rsky-pds.environmentFiles' \
  "$(rsky_unit rsky-pds pds '{ settings.PDS_REPO_SIGNING_KEY_K256_PRIVATE_KEY_HEX = "00"; }')"
expect_nix_error "rsky-pds refuses the admin password in settings" \
  'services.rsky-pds.settings.PDS_ADMIN_PASS is a secret' \
  "$(rsky_unit rsky-pds pds '{ settings.PDS_ADMIN_PASS = "hunter2"; }')"
expect_nix_error "rsky-pds needs an environment file for its keys" \
  'services.rsky-pds.environmentFiles must name a file with PDS_JWT_KEY_K256_PRIVATE_KEY_HEX' \
  "$(rsky_unit rsky-pds pds '{ environmentFiles = [ ]; }')"
expect_nix_error "rsky-pds refuses a disk and an S3 blobstore" \
  'set PDS_BLOBSTORE_DISK_LOCATION or PDS_BLOBSTORE_S3_BUCKET, not both' \
  "$(rsky_unit rsky-pds pds '{ settings.PDS_BLOBSTORE_S3_BUCKET = "blobs"; }')"
expect_nix_error "rsky-pds refuses an AppView URL without its DID" \
  'services.rsky-pds.settings.PDS_BSKY_APP_VIEW_URL needs services.rsky-pds.settings.PDS_BSKY_APP_VIEW_DID' \
  "$(rsky_unit rsky-pds pds '{ settings.PDS_BSKY_APP_VIEW_URL = "https://api.bsky.app"; }')"
expect_nix_error "rsky-pds refuses data outside /var/lib" \
  'services.rsky-pds.settings.PDS_DATA_DIRECTORY = `/srv/pds` must be a directory under /var/lib' \
  "$(rsky_unit rsky-pds pds '{ settings.PDS_DATA_DIRECTORY = "/srv/pds"; }')"
expect_nix_error "rsky-pds refuses blobs outside /var/lib" \
  'services.rsky-pds.settings.PDS_BLOBSTORE_DISK_LOCATION = `/srv/blobs` must be a directory under /var/lib' \
  "$(rsky_unit rsky-pds pds '{ settings.PDS_BLOBSTORE_DISK_LOCATION = "/srv/blobs"; }')"
expect_nix_error "rsky-relay refuses the admin password in settings" \
  'services.rsky-relay.settings.RELAY_ADMIN_PASSWORD is a secret' \
  "$(rsky_unit rsky-relay relay '{ settings.RELAY_ADMIN_PASSWORD = "hunter2"; }')"
expect_nix_error "rsky-feedgen refuses the queue key in settings" \
  'services.rsky-feedgen.settings.RSKY_API_KEY is a secret' \
  "$(rsky_unit rsky-feedgen feedgen '{ settings.RSKY_API_KEY = "k"; }')"
expect_nix_error "rsky-firehose needs an environment file for the queue key" \
  'services.rsky-firehose.environmentFiles must name a file with RSKY_API_KEY' \
  "$(rsky_unit rsky-firehose firehose '{ environmentFiles = [ ]; }')"
expect_nix_error "rsky-jetstream-subscriber refuses the queue key in settings" \
  'services.rsky-jetstream-subscriber.settings.RSKY_API_KEY is a secret' \
  "$(rsky_unit rsky-jetstream-subscriber jetstream-subscriber '{ settings.RSKY_API_KEY = "k"; }')"
expect_nix_error "rsky-labeler refuses the account password in settings" \
  'services.rsky-labeler.settings.MOD_SERVICE_PASSWORD is a secret' \
  "$(rsky_unit rsky-labeler labeler '{ settings.MOD_SERVICE_PASSWORD = "hunter2"; }')"
expect_nix_error "rsky-labeler needs an environment file for the account password" \
  'services.rsky-labeler.environmentFiles must name a file with MOD_SERVICE_PASSWORD' \
  "$(rsky_unit rsky-labeler labeler '{ environmentFiles = [ ]; }')"
