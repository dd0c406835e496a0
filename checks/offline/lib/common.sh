# Shared helpers for the offline tests in checks/offline/*.sh (sourced).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$root"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
  if [[ "$2" != "$3" ]]; then
    fail "$1: expected [$2], got [$3]"
  fi
  echo "ok: $1"
}

# nix_eval EXPR: strict JSON evaluation in restricted mode, so that any
# attempt to fetch or to read outside the repository fails the test.
nix_eval() {
  nix-instantiate --eval --strict --json --option restrict-eval true -I "root=$root" -E "$1"
}

# A temporary directory removed when the test exits.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
