# The repository's Nix entry points hold together without network or nixpkgs.
source "$(dirname "$0")/lib/common.sh"

# default.nix lists its attributes and exposes lib, modules and overlays
# without fetching anything (restricted evaluation forbids any fetch).
names=$(nix_eval 'builtins.attrNames (import <root/default.nix> { pkgs = { }; })')
for name in eka lib modules overlays; do
  [[ $names == *"\"$name\""* ]] || fail "default.nix lacks \`$name\` (has $names)"
done
echo "ok: default.nix exposes eka, lib, modules, overlays offline"

overlay_kind=$(nix_eval 'builtins.typeOf (import <root/default.nix> { pkgs = { }; }).overlays.default')
expect_eq "the overlay is a function" '"lambda"' "$overlay_kind"

# The non-flake pins are exactly flake.lock's.
for input in crane fenix; do
  expected=$(python3 - "$input" <<'PY'
import json, sys
node = json.load(open("flake.lock"))["nodes"][sys.argv[1]]["locked"]
print(json.dumps({"sha256": node["narHash"],
                  "url": f"https://github.com/{node['owner']}/{node['repo']}/archive/{node['rev']}.tar.gz"},
                 separators=(",", ":"), sort_keys=True))
PY
)
  actual=$(nix_eval "(import <root/nix/pins.nix>).locked \"$input\"")
  expect_eq "pin of $input" "$expected" "$actual"
done

# fenix builds with the MSRV that Cargo.toml declares.
channel=$(python3 -c 'import tomllib; print(tomllib.load(open("nix/rust-toolchain.toml","rb"))["toolchain"]["channel"])')
msrv=$(python3 -c 'import tomllib; print(tomllib.load(open("Cargo.toml","rb"))["workspace"]["package"]["rust-version"])')
[[ $channel == "$msrv" || $channel == "$msrv".* ]] || fail "nix/rust-toolchain.toml channel $channel is not the MSRV $msrv"
echo "ok: toolchain $channel matches rust-version $msrv"

# No toolchain file at the root: rustup would try to download it.
[[ ! -e rust-toolchain.toml && ! -e rust-toolchain ]] || fail "a root rust-toolchain file exists"
echo "ok: no root toolchain file"

# CI runs the test command README gives.
readme_command=$(sed -n '/<!-- test-command -->/,/```$/p' README.md | sed -n '/^```sh$/,/^```$/p' | sed '1d;$d')
[[ -n $readme_command ]] || fail "README has no test command block"
grep -qF "readme_test_command" .ci/run || fail ".ci/run does not take its command from README"
expect_eq "README test command" "checks/run" "$readme_command"

# Negative control: restricted evaluation really forbids fetching, so the
# first check above would have caught a fetch.
if nix_eval '(import <root/nix/pins.nix>).fetch "crane"' >/dev/null 2>&1; then
  fail "restricted evaluation fetched crane; the offline checks above prove nothing"
fi
echo "ok: restricted evaluation refuses to fetch"
