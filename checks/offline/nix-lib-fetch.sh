# lib.lock.fetch and lib.lock.atoms against real fetches: every bond type and
# flag, from file:// fixtures, a loopback HTTP server, a loopback git daemon
# and a local repository holding refs/eka/atoms/<tag>/<version>. Nix itself
# checks every hash, all of them computed here by Nix; a corrupted hash must
# fail naming its bond. README's example runs against the same lock.
source "$(dirname "$0")/lib/common.sh"

use_scratch_nix_store
fx="$scratch/fixtures"
www="$fx/www"
mkdir -p "$www"

# ---- fixtures ----------------------------------------------------------

printf 'hello over the wire\n' >"$www/hello.txt"
printf '#!/bin/sh\necho built\n' >"$www/builder.sh"

# A source tree with an executable and a symlink, archived under one
# top-level directory (stripped by every unpacking fetcher).
mkdir -p "$fx/tree/src/sub"
printf 'a\n' >"$fx/tree/src/a.txt"
printf 'b\n' >"$fx/tree/src/sub/b.txt"
printf '#!/bin/sh\n' >"$fx/tree/src/run"
chmod +x "$fx/tree/src/run"
ln -s a.txt "$fx/tree/src/link"
tar -C "$fx/tree" -czf "$www/src.tar.gz" src
cp "$www/src.tar.gz" "$www/blob"
python3 - "$fx/tree" "$www/src.zip" <<'PY'
import os, stat, sys, zipfile
top, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w") as archive:
    for directory, _, files in sorted(os.walk(os.path.join(top, "src"))):
        for name in sorted(files):
            path = os.path.join(directory, name)
            info = zipfile.ZipInfo(os.path.relpath(path, top))
            info.create_system = 3  # unix: keeps modes and symlinks
            mode = os.lstat(path).st_mode
            info.external_attr = mode << 16
            data = os.readlink(path).encode() if stat.S_ISLNK(mode) else open(path, "rb").read()
            archive.writestr(info, data)
PY

git_env=(-c user.name=fixture -c user.email=fixture@example.com -c init.defaultBranch=main)

# A plain git repository: main with two commits and a tag, a side branch.
git "${git_env[@]}" init -q "$fx/lib"
printf 'v1\n' >"$fx/lib/version"
git -C "$fx/lib" add version
git "${git_env[@]}" -C "$fx/lib" commit -qm v1
git -C "$fx/lib" tag v1.0.0
lib_v1=$(git -C "$fx/lib" rev-parse HEAD)
printf 'v2\n' >"$fx/lib/version"
git "${git_env[@]}" -C "$fx/lib" commit -qam v2
lib_head=$(git -C "$fx/lib" rev-parse HEAD)
git -C "$fx/lib" checkout -qb side "$lib_v1"
printf 'side\n' >"$fx/lib/version"
git "${git_env[@]}" -C "$fx/lib" commit -qam side
lib_side=$(git -C "$fx/lib" rev-parse HEAD)
git -C "$fx/lib" checkout -q main

# The repository that holds atoms, published the way SPEC §4 stores them:
# refs/eka/atoms/<tag>/<version> -> a parentless commit of the atom's tree.
git "${git_env[@]}" init -q "$fx/atoms"
mkdir -p "$fx/atoms/hello" "$fx/atoms/hiragana"
printf '{ }\n' >"$fx/atoms/hello/default.nix"
printf 'hello atom\n' >"$fx/atoms/hello/README"
printf 'ひらがな\n' >"$fx/atoms/hiragana/text"
git -C "$fx/atoms" add .
git "${git_env[@]}" -C "$fx/atoms" commit -qm "atom sources"
genesis=$(git -C "$fx/atoms" rev-parse HEAD)
publish() { # publish TAG VERSION DIR -> the atom commit
  local commit
  commit=$(GIT_AUTHOR_NAME=eka GIT_AUTHOR_EMAIL= GIT_AUTHOR_DATE="@0 +0000" \
    GIT_COMMITTER_NAME=eka GIT_COMMITTER_EMAIL= GIT_COMMITTER_DATE="@0 +0000" \
    git -C "$fx/atoms" commit-tree -m "{\"pay\":{\"label\":\"$1\",\"version\":\"$2\"}}" "HEAD:$3")
  git -C "$fx/atoms" update-ref "refs/eka/atoms/$1/$2" "$commit"
  echo "$commit"
}
hello_rev=$(publish hello 0.1.0 hello)
kana_rev=$(publish ひらがな 1.0.0 hiragana)
anchor=$(python3 -c 'import base64, sys; print(base64.urlsafe_b64encode(bytes.fromhex(sys.argv[1])).decode().rstrip("="))' "$genesis")

# tree_of REPO REV: the tree of REV, as fetchGit gives it (no .git).
tree_of() {
  local dir="$fx/trees/$(basename "$1")-$2"
  mkdir -p "$dir"
  git -C "$1" archive "$2" | tar -x -C "$dir"
  echo "$dir"
}

# ---- servers on loopback -----------------------------------------------

serve_http "$www"
http="http://127.0.0.1:$http_port"

git_port=$(free_port)
git daemon --reuseaddr --export-all --base-path="$fx" --listen=127.0.0.1 --port="$git_port" \
  --verbose --log-destination=stderr "$fx" 2>"$scratch/git-daemon.log" &
at_exit "kill $!"
wait_for "git daemon" listening "$git_port"
gitd="git://127.0.0.1:$git_port"

# ---- hashes, by Nix ----------------------------------------------------

sri_file() { nix_hash file --sri "$1"; }
nix32_file() { nix_hash file --base32 "$1"; }
sri_path() { nix_hash path --sri "$1"; }
nix32_path() { nix_hash path --base32 "$1"; }

cp "$www/builder.sh" "$fx/builder-exec"
chmod +x "$fx/builder-exec"

declare -A hash
hash[readme]=$(sri_file "$www/hello.txt")
hash[installer]=$(nix32_file "$www/hello.txt")
hash[docs]="sha256:$(nix32_path "$fx/tree/src")"
hash[docs-zip]=$(sri_path "$fx/tree/src")
hash[lib-tag]=$(sri_path "$(tree_of "$fx/lib" "$lib_v1")")
hash[lib-branch]=$(nix32_path "$(tree_of "$fx/lib" "$lib_side")")
hash[lib-head]=$(sri_path "$(tree_of "$fx/lib" "$lib_head")")
hash[lib-local]=$(sri_path "$(tree_of "$fx/lib" "$lib_v1")")
hash[builder]=$(sri_path "$fx/builder-exec")
hash[data]=$(sri_file "$www/hello.txt")
hash[data-file]="sha256:$(nix32_file "$www/hello.txt")"
hash[source-archive]=$(sri_path "$fx/tree/src")
hash[blob]=$(sri_path "$fx/tree/src")
hash[data-archive]=$(sri_file "$www/src.tar.gz")
hash[hello]=$(sri_path "$(tree_of "$fx/atoms" "$hello_rev")")
hash[ひらがな]=$(nix32_path "$(tree_of "$fx/atoms" "$kana_rev")")

# A valid hash of other content: what a corrupted lock would hold.
printf 'corrupted\n' >"$fx/corrupted"
corrupted=$(sri_file "$fx/corrupted")

# write_lock FILE [BOND]: the lock, with BOND's hash corrupted.
write_lock() {
  local -A h
  local name
  for name in "${!hash[@]}"; do h[$name]=${hash[$name]}; done
  [[ -z ${2:-} ]] || h[$2]=$corrupted
  cat >"$1" <<EOF
# This file is @generated by eka. Do not edit.
version = 1

[sources]
"$anchor" = ["::", "$gitd/atoms"]
"remote-$anchor" = ["$gitd/atoms"]

[[bonds]]
type = "atom"
tag = "hello"
version = "0.1.0"
source = "$anchor"
rev = "$hello_rev"
id = "Ed25519.fixture-hello"
hash = "${h[hello]}"

[[bonds]]
type = "atom"
tag = "ひらがな"
version = "1.0.0"
source = "remote-$anchor"
rev = "$kana_rev"
id = "Ed25519.fixture-kana"
hash = "${h[ひらがな]}"

[[bonds]]
type = "nix+build"
name = "blob"
url = "$http/blob"
hash = "${h[blob]}"
unpack = true

[[bonds]]
type = "nix+build"
name = "builder"
url = "$http/builder.sh"
hash = "${h[builder]}"
exec = true

[[bonds]]
type = "nix+build"
name = "data"
url = "$http/hello.txt"
hash = "${h[data]}"

[[bonds]]
type = "nix+build"
name = "data-archive"
url = "$http/src.tar.gz"
hash = "${h[data-archive]}"
unpack = false

[[bonds]]
type = "nix+build"
name = "data-file"
url = "file://$www/hello.txt"
hash = "${h[data-file]}"

[[bonds]]
type = "nix+build"
name = "source-archive"
url = "$http/src.tar.gz"
version = "0.2.0"
hash = "${h[source-archive]}"

[[bonds]]
type = "nix+git"
name = "lib-branch"
url = "$gitd/lib"
ref = "side"
rev = "$lib_side"
hash = "${h[lib-branch]}"

[[bonds]]
type = "nix+git"
name = "lib-head"
url = "$gitd/lib"
rev = "$lib_head"
hash = "${h[lib-head]}"

[[bonds]]
type = "nix+git"
name = "lib-local"
url = "file://$fx/lib"
rev = "$lib_v1"
hash = "${h[lib-local]}"

[[bonds]]
type = "nix+git"
name = "lib-tag"
url = "$gitd/lib"
ref = "refs/tags/v1.0.0"
version = "1.0.0"
rev = "$lib_v1"
hash = "${h[lib-tag]}"

[[bonds]]
type = "nix+tar"
name = "docs"
url = "$http/src.tar.gz"
hash = "${h[docs]}"

[[bonds]]
type = "nix+tar"
name = "docs-zip"
url = "file://$www/src.zip"
hash = "${h[docs-zip]}"

[[bonds]]
type = "nix+url"
name = "installer"
url = "$http/hello.txt"
hash = "${h[installer]}"

[[bonds]]
type = "nix+url"
name = "readme"
url = "file://$www/hello.txt"
hash = "${h[readme]}"
EOF
}

write_lock "$fx/atoms/atom.lock"
lock_nix="$fx/atoms/atom.lock"
lib_nix="import $root/nix"

# Unrestricted evaluation: these tests fetch, into the scratch store.
eval_json() { nix-instantiate --eval --strict --json -E "$1"; }

# ---- fetch everything ----------------------------------------------------

eval_time=(hello ひらがな blob docs docs-zip installer readme lib-branch lib-head lib-local lib-tag source-archive)
build_time=(builder data data-archive data-file)

fetched=$(eval_json "builtins.mapAttrs (_: toString) (($lib_nix).lock.fetch { lock = $lock_nix; root = $fx/atoms; })") ||
  fail "fetching the lock failed"
built=$(nix-build --no-out-link -E "let f = ($lib_nix).lock.fetch { lock = $lock_nix; }; in [ $(printf 'f.%s ' "${build_time[@]}") ]") ||
  fail "building the build-time bonds failed"

declare -A path
while IFS=$'\t' read -r name value; do path[$name]=$value; done < <(python3 -c '
import json, sys
for name, value in json.loads(sys.argv[1]).items():
    print(f"{name}\t{value}")' "$fetched")

expect_eq "fetch returns every bond" "$(printf '%s\n' "${eval_time[@]}" "${build_time[@]}" | sort)" "$(printf '%s\n' "${!path[@]}" | sort)"
expect_eq "nix-build built the build-time bonds" \
  "$(for n in "${build_time[@]}"; do echo "${path[$n]}"; done)" "$built"
for name in "${!path[@]}"; do
  [[ ${path[$name]} == "$NIX_STORE_DIR"/* && -e ${path[$name]} ]] || fail "$name: ${path[$name]} is not in the scratch store"
  [[ ${path[$name]} == *-"$name" || $name == ひらがな ]] || fail "$name: the store path ${path[$name]} is not named after the bond"
done
echo "ok: every bond is a store path of the scratch store, named after it"

same_file() { cmp -s "$2" "$3" || fail "$1: ${3} differs from $2"; echo "ok: $1"; }
same_tree() { diff -r --no-dereference "$2" "$3" >&2 || fail "$1: ${3} differs from $2"; echo "ok: $1"; }

same_file "nix+url over HTTP (nix32 hash)" "$www/hello.txt" "${path[installer]}"
same_file "nix+url from file:// (SRI hash)" "$www/hello.txt" "${path[readme]}"
same_tree "nix+tar over HTTP (sha256:nix32 hash)" "$fx/tree/src" "${path[docs]}"
same_tree "nix+tar of a zip from file://" "$fx/tree/src" "${path[docs-zip]}"
same_tree "nix+git remote, ref refs/tags/…" "$(tree_of "$fx/lib" "$lib_v1")" "${path[lib-tag]}"
same_tree "nix+git remote, short ref of a side branch (nix32 hash)" "$(tree_of "$fx/lib" "$lib_side")" "${path[lib-branch]}"
same_tree "nix+git remote, no ref" "$(tree_of "$fx/lib" "$lib_head")" "${path[lib-head]}"
same_tree "nix+git local file://, rev behind HEAD" "$(tree_of "$fx/lib" "$lib_v1")" "${path[lib-local]}"
same_file "nix+build exec: the file" "$www/builder.sh" "${path[builder]}"
[[ -x ${path[builder]} ]] || fail "nix+build exec: ${path[builder]} is not executable"
echo "ok: nix+build exec: executable"
same_file "nix+build flat over HTTP" "$www/hello.txt" "${path[data]}"
same_file "nix+build flat from file:// (sha256:nix32 hash)" "$www/hello.txt" "${path[data-file]}"
same_file "nix+build unpack = false keeps the archive" "$www/src.tar.gz" "${path[data-archive]}"
same_tree "nix+build .tar.gz unpacks (fetchTarball without pkgs)" "$fx/tree/src" "${path[source-archive]}"
same_tree "nix+build unpack = true unpacks a URL without suffix" "$fx/tree/src" "${path[blob]}"
same_tree "atom from \"::\" (root, the local repository)" "$fx/atoms/hello" "${path[hello]}"
same_tree "atom with a non-ASCII tag, from git://" "$fx/atoms/hiragana" "${path[ひらがな]}"

grep -q "upload-pack for '/atoms'" "$scratch/git-daemon.log" ||
  fail "the git daemon served no atom fetch:
$(cat "$scratch/git-daemon.log")"
echo "ok: the ひらがな atom came from the git daemon"

# With pkgs, unpacked build-time archives go through pkgs.fetchzip with the
# same hash (a stand-in fetchzip here, since nixpkgs is not available).
stub='{ fetchzip = args: { outPath = builtins.fetchTarball { inherit (args) url name; sha256 = args.hash; }; calledWith = args; }; }'
zipped=$(eval_json "let f = ($lib_nix).lock.fetch { lock = $lock_nix; pkgs = $stub; }; in { inherit (f.source-archive) calledWith; path = toString f.source-archive; blob = f.blob.calledWith.url; }")
expect_eq "pkgs.fetchzip gets url, hash (SRI) and name" \
  "{\"blob\":\"$http/blob\",\"calledWith\":{\"hash\":\"${hash[source-archive]}\",\"name\":\"source-archive\",\"url\":\"$http/src.tar.gz\"},\"path\":\"${path[source-archive]}\"}" \
  "$zipped"

# atoms: only the atom bonds; without root, "::" is skipped and the atom
# comes from the next mirror (the git daemon), into a fresh store.
atoms=$(eval_json "builtins.attrNames (($lib_nix).lock.atoms { lock = $lock_nix; root = $fx/atoms; })")
expect_eq "atoms lists the atom bonds only" '["hello","ひらがな"]' "$atoms"
before=$(grep -c "upload-pack" "$scratch/git-daemon.log")
use_scratch_nix_store
remote_hello=$(eval_json "(($lib_nix).lock.atoms { lock = $lock_nix; }).hello")
after=$(grep -c "upload-pack" "$scratch/git-daemon.log")
((after > before)) || fail "atoms without root did not fetch from the git daemon"
same_tree "atom without root, from the next mirror (git://)" "$fx/atoms/hello" "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1]))' "$remote_hello")"

# ---- README's example ----------------------------------------------------

sed -n '/<!-- lock-example -->/,/^```$/p' README.md | sed -n '/^```nix$/,/^```$/p' | sed '1d;$d' >"$fx/atoms/sources.nix"
[[ -s $fx/atoms/sources.nix ]] || fail "README has no lock example (<!-- lock-example --> followed by a nix block)"
example=$(eval_json "builtins.mapAttrs (_: toString) (import $fx/atoms/sources.nix { atomLib = $lib_nix; })")
declare -A from_readme
while IFS=$'\t' read -r name value; do from_readme[$name]=$value; done < <(python3 -c '
import json, sys
for name, value in json.loads(sys.argv[1]).items():
    print(f"{name}\t{value}")' "$example")
expect_eq "README's example gives docs, hello, installer" "docs hello installer" "$(printf '%s\n' "${!from_readme[@]}" | sort | xargs)"
same_tree "README's example: docs (nix+tar)" "$fx/tree/src" "${from_readme[docs]}"
same_file "README's example: installer (nix+url)" "$www/hello.txt" "${from_readme[installer]}"
same_tree "README's example: hello (atom from \"::\")" "$fx/atoms/hello" "${from_readme[hello]}"

# ---- corrupted hashes ----------------------------------------------------

# Nix's own message names the bond for fetchGit (the store path carries the
# bond's name) and for build-time fetches (the derivation does); for
# builtins.fetchurl/fetchTarball, and for names that are no store path name
# (ひらがな), it names the URL. The trace (--show-trace) of every evaluation-
# time fetch names the bond.
names_url_only=(blob docs docs-zip installer readme source-archive ひらがな)
case_number=0
for name in "${eval_time[@]}" "${build_time[@]}"; do
  use_scratch_nix_store
  case_number=$((case_number + 1))
  corrupted_lock="$fx/corrupted-$case_number.lock"
  write_lock "$corrupted_lock" "$name"
  expr="(($lib_nix).lock.fetch { lock = $corrupted_lock; root = $fx/atoms; }).\"$name\""
  if [[ " ${build_time[*]} " == *" $name "* ]]; then
    run=(nix-build --no-out-link)
  else
    run=(nix-instantiate --eval --strict)
    expr="toString $expr"
  fi
  if out=$("${run[@]}" -E "$expr" 2>&1); then
    fail "corrupted hash of $name: the fetch succeeded ($out)"
  fi
  [[ $out == *"$corrupted"* || $out == *"$(nix_hash to-base32 "$corrupted")"* ]] ||
    fail "corrupted hash of $name: the error is not a hash mismatch:
$out"
  if [[ " ${names_url_only[*]} " == *" $name "* ]]; then
    url=$(eval_json "(($lib_nix).lock.fetchers { lock = $lock_nix; root = $fx/atoms; }).\"$name\".args.url" | python3 -c 'import json,sys; print(json.load(sys.stdin))')
    [[ $out == *"$url"* ]] || fail "corrupted hash of $name: the error does not name $url:
$out"
    named="the URL"
  else
    named="the bond"
    [[ $out == *"$name"* ]] || fail "corrupted hash of $name: the error does not name the bond:
$out"
  fi
  # A build-time mismatch happens when building, after evaluation: the
  # derivation named after the bond is what identifies it.
  if [[ ${run[0]} == nix-instantiate ]]; then
    traced=$("${run[@]}" --show-trace -E "$expr" 2>&1) && fail "corrupted hash of $name: the fetch succeeded with --show-trace"
    [[ $traced == *"while fetching bond \`$name\`"* ]] ||
      fail "corrupted hash of $name: the trace does not name the bond:
$traced"
    named="$named, the trace the bond"
  fi
  echo "ok: a corrupted hash of $name fails; the message names $named"
done
