# Every locked dependency builds with the MSRV that Cargo.toml declares (the
# toolchain the Nix build uses), not only with the newer local toolchain.
source "$(dirname "$0")/lib/common.sh"

cargo metadata --format-version 1 --locked >"$scratch/metadata.json"
python3 - "$scratch/metadata.json" <<'PY'
import json, sys, tomllib

def version(text):
    return tuple(int(part) for part in text.split("."))

msrv = tomllib.load(open("Cargo.toml", "rb"))["workspace"]["package"]["rust-version"]
packages = json.load(open(sys.argv[1]))["packages"]
too_new = [f"{p['name']} {p['version']} needs rust {p['rust_version']}"
           for p in packages
           if p.get("rust_version") and version(p["rust_version"])[:3] > version(msrv)[:3]]
if too_new:
    sys.exit(f"FAIL: dependencies newer than the MSRV {msrv}:\n  " + "\n  ".join(too_new))
if not packages:
    sys.exit("FAIL: cargo metadata listed no packages")
print(f"ok: {len(packages)} packages build with rust {msrv}")
PY
