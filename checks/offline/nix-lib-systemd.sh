# lib.systemd: unit rendering and the hardening knobs as pure functions, then
# every hardening variant rendered to a unit file and scored with
# `systemd-analyze security --offline=true` (at most 1.5 each).
source "$(dirname "$0")/lib/common.sh"

run_nix_cases "import <root/checks/offline/nix-lib/systemd-cases.nix> { lib = import <root/nix>; }"

expect_nix_error "toUnit refuses a nested set" 'lib.systemd.toUnit: [Service] Environment: cannot render an attribute set' \
  '(import <root/nix>).systemd.toUnit { Service.Environment = { A = "1"; }; }'
expect_nix_error "toUnit refuses a newline" 'lib.systemd.toUnit: [Service] ExecStart: value contains a newline' \
  '(import <root/nix>).systemd.toUnit { Service.ExecStart = "a\nb"; }'
expect_nix_error "toUnit refuses a section that is no set" 'lib.systemd.toUnit: section [Service] must be an attribute set' \
  '(import <root/nix>).systemd.toUnit { Service = "x"; }'
expect_nix_error "hardening refuses an unknown knob" "called with unexpected argument 'networking'" \
  '(import <root/nix>).systemd.hardening { networking = true; }'
expect_nix_error "hardening refuses ipAddressAllow without network" '`ipAddressAllow` needs `network = true`' \
  '(import <root/nix>).systemd.hardening { network = false; ipAddressAllow = [ "localhost" ]; }'

# ---- scores ----------------------------------------------------------------

score_unit="$root/checks/offline/lib/score-unit.sh"
max=1.5

# Each variant as a module would render it, ExecStart pointing into a store
# path that does not exist here (score-unit.sh copes).
declare -A variants=(
  [baseline]='{ }'
  [offline]='{ network = false; }'
  [loopback-only]='{ ipAddressAllow = [ "localhost" ]; }'
  [privileged-ports]='{ bindPrivilegedPorts = true; }'
  [jit]='{ jit = true; }'
  [jit-privileged-ports]='{ jit = true; bindPrivilegedPorts = true; }'
  [netlink]='{ addressFamilies = [ "AF_NETLINK" ]; }'
  [static-user]='{ dynamicUser = false; }'
)
declare -A extra=([static-user]='{ User = "atom"; Group = "atom"; }')

for name in $(printf '%s\n' "${!variants[@]}" | sort); do
  score_unit_expr "$name" "$max" "let systemd = (import <root/nix>).systemd; in systemd.toUnit {
    Unit.Description = \"hardening variant $name\";
    Service = systemd.hardening ${variants[$name]}
      // { ExecStart = \"/nix/store/00000000000000000000000000000000-svc/bin/svc --port 8080\"; }
      // ${extra[$name]:-{ \}};
    Install.WantedBy = \"multi-user.target\";
  }" || fail "hardening variant $name ${variants[$name]} scores above $max"
  grep -q '^ExecStart=/nix/store/' "$scratch/$name.service" || fail "$name: the rendered unit has no ExecStart"
done

# Negative controls: an unhardened unit fails the threshold; bad arguments
# are usage errors.
printf '[Service]\nExecStart=/nix/store/00000000000000000000000000000000-svc/bin/svc\n' >"$scratch/bare.service"
if bash "$score_unit" "$scratch/bare.service" "$max" >"$scratch/bare.out" 2>&1; then
  fail "score-unit.sh passed a unit without any hardening: $(cat "$scratch/bare.out")"
fi
grep -q "scores .*, above $max" "$scratch/bare.out" || fail "score-unit.sh did not report the score: $(cat "$scratch/bare.out")"
grep -q "User=/DynamicUser=" "$scratch/bare.out" || fail "score-unit.sh did not list the worst findings: $(cat "$scratch/bare.out")"
echo "ok: negative control: an unhardened unit fails with its score and findings"

status=0
bash "$score_unit" "$scratch/baseline.service" >/dev/null 2>&1 || status=$?
expect_eq "score-unit.sh without MAX is a usage error" 2 "$status"
status=0
bash "$score_unit" "$scratch/nonexistent.service" 1.5 >/dev/null 2>&1 || status=$?
expect_eq "score-unit.sh with a missing file is a usage error" 2 "$status"
