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

# A temporary directory removed when the test exits.
scratch=$(mktemp -d)

# at_exit COMMAND: run COMMAND when the test exits, before $scratch goes.
exit_hooks=()
at_exit() {
  exit_hooks+=("$1")
}
run_exit_hooks() {
  local hook
  for hook in "${exit_hooks[@]}"; do
    eval "$hook" || echo "cleanup: \`$hook\` failed" >&2
  done
  # Store paths are read-only.
  chmod -R u+w "$scratch"
  rm -rf "$scratch"
}
trap run_exit_hooks EXIT

# nix_eval EXPR: strict JSON evaluation in restricted mode, so that any
# attempt to fetch or to read outside the repository (<root/…>) and the
# test's scratch directory (<scratch/…>) fails the test.
nix_eval() {
  nix-instantiate --eval --strict --json --option restrict-eval true -I "root=$root" -I "scratch=$scratch" -E "$1"
}

# nix_eval_text EXPR: a string-valued EXPR, printed raw (Nix 2.8 has no --raw).
nix_eval_text() {
  nix_eval "$1" | python3 -c 'import json, sys; sys.stdout.write(json.load(sys.stdin))'
}

# nix_hash ARGS...: `nix hash ARGS...` without relying on the caller's config.
nix_hash() {
  nix --extra-experimental-features nix-command hash "$@"
}

# use_scratch_nix_store: from now on Nix uses a new, empty store, database,
# fetcher cache and tarball cache of this test's own (under $scratch), with
# no substituters, so that nothing fetched before can hide a failing fetch.
scratch_stores=0
use_scratch_nix_store() {
  scratch_stores=$((scratch_stores + 1))
  local base="$scratch/nix-$scratch_stores"
  export NIX_STORE_DIR="$base/store" NIX_STATE_DIR="$base/var" \
    NIX_LOG_DIR="$base/log" XDG_CACHE_HOME="$base/cache"
  # Builds run as the caller: build users could not enter the private $scratch.
  export NIX_CONFIG="${NIX_CONFIG:-}
substituters =
build-users-group =
experimental-features = nix-command"
  mkdir -p "$NIX_STORE_DIR" "$NIX_STATE_DIR" "$NIX_LOG_DIR" "$XDG_CACHE_HOME"
}

# wait_for WHAT COMMAND...: retry COMMAND for up to 10 seconds.
wait_for() {
  local what=$1 tries=100
  shift
  until "$@" >/dev/null 2>&1; do
    tries=$((tries - 1))
    ((tries > 0)) || fail "gave up waiting for $what"
    sleep 0.1
  done
}

# serve_http DIR: serve DIR on 127.0.0.1 at a free port, stored in $http_port,
# until the test exits.
serve_http() {
  local port_file="$scratch/http.port"
  python3 - "$1" "$port_file" >"$scratch/http.log" 2>&1 <<'PY' &
import functools, http.server, os, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
with open(sys.argv[2] + ".tmp", "w") as port:
    port.write(str(server.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
PY
  at_exit "kill $!"
  wait_for "the HTTP server" test -s "$port_file"
  http_port=$(<"$port_file")
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# listening PORT: something accepts connections on 127.0.0.1:PORT.
listening() {
  python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()' "$1" 2>/dev/null
}

# run_nix_cases EXPR: EXPR evaluates to { name = { expected; actual; }; … };
# prints each case and fails unless all of them (at least one) pass.
run_nix_cases() {
  local result
  result=$(nix_eval "import <root/checks/offline/nix-lib/run-cases.nix> ($1)") || fail "the cases do not evaluate"
  python3 - "$result" <<'PY'
import json, sys
result = json.loads(sys.argv[1])
for name in result["passed"]:
    print(f"ok: {name}")
for case in result["failed"]:
    print(f"FAIL: {case['name']}\n  expected: {json.dumps(case['expected'], sort_keys=True)}\n  actual:   {json.dumps(case['actual'], sort_keys=True)}", file=sys.stderr)
if result["failed"]:
    sys.exit(f"FAIL: {len(result['failed'])} of {len(result['passed']) + len(result['failed'])} cases failed")
if not result["passed"]:
    sys.exit("FAIL: no cases ran")
PY
}

# expect_nix_error WHAT EXPECTED_TEXT EXPR: evaluating EXPR fails with an
# error whose message contains EXPECTED_TEXT.
expect_nix_error() {
  local what=$1 expected=$2 expr=$3 output
  if output=$(nix_eval "$expr" 2>&1); then
    fail "$what: evaluation succeeded, expected an error containing [$expected]"
  fi
  [[ $output == *"$expected"* ]] || fail "$what: the error does not contain [$expected]:
$output"
  echo "ok: $what"
}

# score_unit_expr NAME MAX EXPR: renders EXPR, a Nix expression whose value is
# unit text (lib.systemd.toUnit { … }; <root/nix> is the library), to
# $scratch/NAME.service and scores it with lib/score-unit.sh: fails above MAX.
score_unit_expr() {
  nix_eval_text "$3" >"$scratch/$1.service" || fail "$1: the unit does not render"
  bash "$root/checks/offline/lib/score-unit.sh" "$scratch/$1.service" "$2"
}
