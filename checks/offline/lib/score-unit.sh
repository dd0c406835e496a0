#!/usr/bin/env bash
# score-unit.sh UNIT_FILE MAX
#
# Scores a rendered service unit with `systemd-analyze security --offline=true`
# and fails when its exposure is above MAX (e.g. 1.5). Prints the score and
# the worst findings either way.
#
# The score depends only on the unit's settings, never on the program it
# runs, but some systemd versions refuse a unit whose Exec*= binary does not
# exist (a /nix/store path that is not built here). So the unit is scored
# from a copy whose Exec*= commands run `true` from this machine, with their
# prefixes (-, @, :, +, !) and arguments kept.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 UNIT_FILE MAX" >&2
  exit 2
fi
unit=$1
max=$2

[[ -f $unit ]] || { echo "score-unit: no such file: $unit" >&2; exit 2; }
[[ $unit == *.service ]] || { echo "score-unit: $unit: systemd-analyze security scores .service units only" >&2; exit 2; }
[[ $max =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "score-unit: MAX must be a number such as 1.5, not '$max'" >&2; exit 2; }
command -v systemd-analyze >/dev/null || { echo "score-unit: systemd-analyze is not installed" >&2; exit 1; }
true_bin=$(type -P true) || { echo "score-unit: no \`true\` binary on PATH" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
copy="$work/$(basename "$unit")"
sed -E "s|^(Exec[A-Za-z]*=[-@:+!]*)[^[:space:]]+|\1$true_bin|" "$unit" >"$copy"

if ! report=$(systemd-analyze security --offline=true --no-pager "$copy" 2>&1); then
  echo "$report" >&2
  echo "score-unit: systemd-analyze could not score $unit" >&2
  exit 1
fi

score=$(sed -nE 's/^→ Overall exposure level for .*: ([0-9]+\.[0-9]+).*/\1/p' <<<"$report")
[[ -n $score ]] || { echo "$report" >&2; echo "score-unit: no overall exposure level in the output above" >&2; exit 1; }

# Findings that add exposure, worst first.
worst=$(awk '/✗/ { print $NF "\t" $0 }' <<<"$report" | sort -t$'\t' -k1,1 -rn | awk -F'\t' 'NR <= 8 { print "  " $2 }')

if awk -v s="$score" -v m="$max" 'BEGIN { exit !(s + 0 <= m + 0) }'; then
  echo "ok: $(basename "$unit") scores $score (max $max)"
  if [[ -n $worst ]]; then echo "$worst"; fi
else
  echo "FAIL: $(basename "$unit") scores $score, above $max; worst findings:" >&2
  echo "$worst" >&2
  exit 1
fi
