# An atom mirror end to end, on loopback: an origin publishes atoms behind
# `git daemon`; `eka mirror sync` (with the config file services.atom-mirror
# writes) copies and verifies them into a store; `git daemon`, run with the
# module's own command line, serves the store; a client locks an atom from
# a source that lists the mirror first, and Nix fetches the lock. Then the
# origin moves the locked ref: the mirror refuses the move, reports it, and
# keeps serving the atom it verified — the lock still resolves through it.
source "$(dirname "$0")/lib/common.sh"

use_scratch_nix_store
cargo build --locked --quiet -p eka || fail "cannot build eka"
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
eka_bin="$target/debug/eka"
[[ -x $eka_bin ]] || fail "no eka binary at $eka_bin"

export HOME="$scratch/home" XDG_CONFIG_HOME="$scratch/home/config" XDG_CACHE_HOME="$scratch/home/cache"
export EKA_CONFIG="$scratch/home/config/eka/config.toml" NO_COLOR=1
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=Origin GIT_AUTHOR_EMAIL=origin@example.org GIT_COMMITTER_NAME=Origin GIT_COMMITTER_EMAIL=origin@example.org
mkdir -p "$HOME"
eka() { "$eka_bin" "$@"; }

# json FILE EXPR: a Python expression over the JSON document `d` in FILE.
json() {
  python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# ---- the origin: two versions of `hello`, published and pushed -------------

project="$scratch/project"
served="$scratch/served"
mkdir -p "$project/hello" "$served"
git init -q --bare "$served/atoms.git"
git -C "$project" init -q -b main
printf '[atom]\ntag = "hello"\nversion = "1.0.0"\n' >"$project/hello/atom.toml"
printf 'hello 1.0.0\n' >"$project/hello/greeting"
git -C "$project" add -A
git -C "$project" commit -q -m "hello 1.0.0"
eka key generate >/dev/null
(cd "$project" && eka claim hello >/dev/null && eka publish hello --remote "$served/atoms.git" >/dev/null) ||
  fail "publishing hello 1.0.0 failed"
printf '[atom]\ntag = "hello"\nversion = "1.1.0"\n' >"$project/hello/atom.toml"
printf 'hello 1.1.0\n' >"$project/hello/greeting"
git -C "$project" commit -q -am "hello 1.1.0"
(cd "$project" && eka publish hello --remote "$served/atoms.git" >/dev/null) || fail "publishing hello 1.1.0 failed"
v100=$(git -C "$served/atoms.git" rev-parse refs/eka/atoms/hello/1.0.0)
v110=$(git -C "$served/atoms.git" rev-parse refs/eka/atoms/hello/1.1.0)
echo "ok: the origin publishes hello 1.0.0 ($v100) and 1.1.0 ($v110)"

origin_port=$(free_port)
git daemon --reuseaddr --export-all --base-path="$served" --listen=127.0.0.1 --port="$origin_port" \
  "$served" 2>"$scratch/origin-daemon.log" &
origin_pid=$!
# The test kills the origin itself later on; only a live one is killed here.
at_exit "if kill -0 $origin_pid 2>/dev/null; then kill $origin_pid; fi"
wait_for "the origin's git daemon" listening "$origin_port"
origin_url="git://127.0.0.1:$origin_port/atoms.git"

# ---- the mirror, configured and run as services.atom-mirror does ------------

state="$scratch/state"
mirror_port=$(free_port)
mkdir -p "$state" "$scratch/git/bin"
ln -s "$(type -P git)" "$scratch/git/bin/git"
# The module's units for this mirror, with /var/lib/atom-mirror (the
# StateDirectory=) moved into the scratch directory.
units="(import <root/modules/units/atom-mirror.nix> { inherit ((import <root/nix>).systemd) hardening; }) {
  package = \"/nix/store/00000000000000000000000000000000-eka\";
  gitPackage = \"$scratch/git\";
  sources.origin = [ \"$origin_url\" ];
  interval = \"*:0/15\";
  listenAddress = \"127.0.0.1\";
  port = $mirror_port;
}"
moved="builtins.replaceStrings [ \"/var/lib/atom-mirror\" ] [ \"$state\" ]"
nix_eval_text "$moved ($units).config" >"$scratch/mirror.toml" || fail "the module's config does not render"
nix_eval_text "$moved ($units).services.atom-mirror-daemon.serviceConfig.ExecStart" >"$scratch/daemon.exec" ||
  fail "the module's daemon command line does not render"

sync() { eka mirror sync --config "$scratch/mirror.toml" "$@"; }
sync --json >"$scratch/sync-1.json" 2>"$scratch/sync-1.err" || { cat "$scratch/sync-1.err" >&2; fail "the first sync failed"; }
python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' \
  "$scratch/sync-1.json" "$state/status.json" || fail "--json did not print the status file's document"
expect_eq "first sync: ok" True "$(json "$state/status.json" 'd["ok"]')"
expect_eq "first sync: atoms of the origin" 2 "$(json "$state/status.json" 'd["sources"]["origin"]["atoms"]')"
expect_eq "first sync: the store's hello 1.1.0" "$v110" "$(git -C "$state/store.git" rev-parse refs/eka/atoms/hello/1.1.0)"

# The daemon, exactly as the unit runs it (systemd's quoting is shell's here).
mapfile -t daemon < <(python3 -c 'import shlex, sys; print("\n".join(shlex.split(open(sys.argv[1]).read())))' "$scratch/daemon.exec")
[[ ${daemon[0]} == "$scratch/git/bin/git" && ${daemon[1]} == daemon ]] || fail "unexpected daemon command line: ${daemon[*]}"
"${daemon[@]}" 2>"$scratch/mirror-daemon.log" &
at_exit "kill $! 2>/dev/null"
wait_for "the mirror's git daemon" listening "$mirror_port"
mirror_url="git://127.0.0.1:$mirror_port/store.git"

expect_eq "the mirror serves hello 1.1.0" "$v110" "$(git ls-remote "$mirror_url" refs/eka/atoms/hello/1.1.0 | cut -f1)"
! git ls-remote "git://127.0.0.1:$mirror_port/status.json" >/dev/null 2>&1 || fail "the daemon serves more than the store"
! git ls-remote "git://127.0.0.1:$mirror_port/" >/dev/null 2>&1 || fail "the daemon serves the state directory"
echo "ok: the daemon serves the store and nothing else"
git init -q --bare "$scratch/pusher.git"
git -C "$scratch/pusher.git" fetch -q "$mirror_url" 'refs/eka/*:refs/eka/*'
git -C "$scratch/pusher.git" update-ref refs/eka/atoms/hello/9.9.9 "$v100"
! git -C "$scratch/pusher.git" push -q "$mirror_url" refs/eka/atoms/hello/9.9.9 2>/dev/null || fail "the daemon accepted a push"
! git archive --remote="$mirror_url" refs/eka/atoms/hello/1.1.0 >/dev/null 2>&1 || fail "the daemon serves upload-archive"
[[ -z $(git -C "$state/store.git" for-each-ref refs/eka/atoms/hello/9.9.9) ]] || fail "a push reached the store"
echo "ok: the daemon refuses pushes and archives"

# ---- a client locks hello through a source that lists the mirror first -----

client="$scratch/client"
mkdir -p "$client"
write_manifest() {
  cat >"$client/atom.toml" <<EOF
[atom]
tag = "app"
version = "0.1.0"

[atom.sources]
origin = [$1]

[atoms.origin]
hello = "^1.0"
EOF
}
write_manifest "\"$mirror_url\", \"$origin_url\""
(cd "$client" && eka lock >/dev/null 2>"$scratch/lock.err") || { cat "$scratch/lock.err" >&2; fail "eka lock failed"; }
lock_rev=$(python3 -c 'import sys, tomllib; print([b for b in tomllib.load(open(sys.argv[1], "rb"))["bonds"] if b.get("tag") == "hello"][0]["rev"])' "$client/atom.lock")
expect_eq "the lock pins hello 1.1.0" "$v110" "$lock_rev"
lock_mirrors=$(python3 -c 'import sys, tomllib; print(list(tomllib.load(open(sys.argv[1], "rb"))["sources"].values())[0])' "$client/atom.lock")
expect_eq "the lock lists the mirror first" "['$mirror_url', '$origin_url']" "$lock_mirrors"

git -C "$served/atoms.git" archive "$v110" | (mkdir -p "$scratch/hello-1.1.0" && tar -x -C "$scratch/hello-1.1.0")
# fetch_hello: the store path Nix's fetchGit gives the lock's hello (from the
# lock's first usable mirror), in a new scratch store each time.
fetch_hello() {
  use_scratch_nix_store
  nix-instantiate --eval --strict --json \
    -E "toString ((import $root/nix).lock.atoms { lock = $client/atom.lock; }).hello" | python3 -c 'import json, sys; print(json.load(sys.stdin))'
}
fetched=$(fetch_hello) || fail "Nix cannot fetch the lock"
diff -r "$scratch/hello-1.1.0" "$fetched" >&2 || fail "Nix fetched other content than hello 1.1.0"
echo "ok: Nix fetches the locked hello"

# ---- the origin moves the locked ref -------------------------------------

git -C "$served/atoms.git" update-ref refs/eka/atoms/hello/1.1.0 "$v100"
if sync >"$scratch/sync-2.out" 2>"$scratch/sync-2.err"; then
  fail "the sync accepted a moved ref"
fi
grep -q "1 ref(s) refused" "$scratch/sync-2.err" || fail "the sync did not say what it refused: $(cat "$scratch/sync-2.err")"
grep -q "refused refs/eka/atoms/hello/1.1.0" "$scratch/sync-2.out" || fail "the sync did not name the moved ref: $(cat "$scratch/sync-2.out")"
status="$state/status.json"
expect_eq "after the move: not ok" False "$(json "$status" 'd["ok"]')"
expect_eq "after the move: the refusal" "refs/eka/atoms/hello/1.1.0 moved $v110 $v100" \
  "$(json "$status" '" ".join(" ".join([r["ref"], r["kind"], r["held"], r["offered"]]) for r in d["refusals"])')"
expect_eq "after the move: the last success is the first sync's" \
  "$(json "$scratch/sync-1.json" 'd["finished"]')" "$(json "$status" 'd["last_success"]')"
expect_eq "the mirror still serves the verified hello 1.1.0" "$v110" "$(git ls-remote "$mirror_url" refs/eka/atoms/hello/1.1.0 | cut -f1)"

# A client listing both sees them disagree and says so, naming both.
if (cd "$client" && eka verify >"$scratch/verify.out" 2>&1); then
  fail "eka verify passed although the origin and the mirror disagree"
fi
grep -q "$mirror_url" "$scratch/verify.out" && grep -q "$origin_url" "$scratch/verify.out" ||
  fail "eka verify does not name both mirrors: $(cat "$scratch/verify.out")"
echo "ok: eka verify names the mirror and the origin that disagree"

# With the origin gone the lock still resolves, through the mirror.
kill "$origin_pid"
wait "$origin_pid" 2>/dev/null && fail "the origin's daemon did not die of SIGTERM"
! listening "$origin_port" || fail "the origin's daemon still answers"
fetched=$(fetch_hello) || fail "Nix cannot fetch the lock through the mirror"
diff -r "$scratch/hello-1.1.0" "$fetched" >&2 || fail "Nix fetched other content than hello 1.1.0 through the mirror"
echo "ok: Nix fetches the locked hello through the mirror alone"

write_manifest "\"$mirror_url\""
(cd "$client" && eka lock >/dev/null 2>"$scratch/relock.err" && eka verify >/dev/null 2>>"$scratch/relock.err") ||
  fail "eka cannot lock and verify through the mirror alone: $(cat "$scratch/relock.err")"
lock_rev=$(python3 -c 'import sys, tomllib; print([b for b in tomllib.load(open(sys.argv[1], "rb"))["bonds"] if b.get("tag") == "hello"][0]["rev"])' "$client/atom.lock")
expect_eq "eka locks and verifies hello 1.1.0 through the mirror alone" "$v110" "$lock_rev"

# ---- README's five lines of NixOS configuration --------------------------

sed -n '/<!-- mirror-example -->/,/^```$/p' README.md | sed -n '/^```nix$/,/^```$/p' | sed '1d;$d' >"$scratch/readme.nix"
expect_eq "README's mirror example is five lines" 5 "$(wc -l <"$scratch/readme.nix")"
printf '{ atom-nur }: {\n%s\n}\n' "$(cat "$scratch/readme.nix")" >"$scratch/readme-module.nix"
nix-instantiate --parse "$scratch/readme-module.nix" >/dev/null || fail "README's mirror example does not parse as a module"
# Every option it sets is one services.atom-mirror declares (the module,
# evaluated with just enough of nixpkgs' lib to list its options).
declared=$(nix_eval 'let
  option = attrs: attrs;
  lib = {
    mkOption = option;
    mkEnableOption = description: { inherit description; };
    mkPackageOption = _: name: _: { package = name; };
    mkIf = _: value: value;
    types = { attrsOf = t: t; nonEmptyListOf = t: t; str = "str"; bool = "bool"; port = "port"; };
  };
  module = import <root/modules/atom-mirror.nix> { inherit lib; pkgs = { }; config.services.atom-mirror = { }; };
in builtins.attrNames module.options.services.atom-mirror')
used=$(grep -o 'services\.atom-mirror\.[A-Za-z]*' "$scratch/readme.nix" | sed 's/services\.atom-mirror\.//' | sort -u)
for option in $used; do
  [[ $declared == *"\"$option\""* ]] || fail "README's mirror example sets services.atom-mirror.$option, which the module does not declare ($declared)"
done
grep -q 'atom-nur.nixosModules.default' "$scratch/readme.nix" || fail "README's mirror example does not import nixosModules.default"
echo "ok: README's mirror example sets only declared options: $(echo $used)"
