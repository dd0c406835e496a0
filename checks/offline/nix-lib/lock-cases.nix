# Expected-vs-actual cases for lib.lock (checks/offline/nix-lib-lock.sh).
#
# `sri` and `nix32` are one hash in both forms, `other` a second SRI hash;
# `readPath` is an atom.lock that the test wrote with those hashes; `rev` a
# commit id. All of them come from the test, computed by Nix.
{ lib, sri, nix32, other, readPath, rev }:
let
  inherit (lib) lock;

  anchor = "AbCdEf";
  lockOf = bonds: {
    version = 1;
    sources = {
      ${anchor} = [ "::" "git@git.example.com:org/atoms" ];
      remote = [ "https://a.example.com/atoms" "https://b.example.com/atoms" ];
    };
    inherit bonds;
  };
  atomBond = extra: {
    type = "atom";
    tag = "auth-service";
    version = "1.5.2";
    source = anchor;
    inherit rev;
    id = "Ed25519.abc";
    hash = sri;
  } // extra;
  urlBond = extra: { type = "nix+url"; name = "installer"; url = "https://example.com/install"; hash = sri; } // extra;
  buildBond = extra: { type = "nix+build"; name = "b"; hash = sri; } // extra;

  only = args: name: (lock.fetchers args).${name};
  build = url: extra: only (lockOf [ (buildBond ({ inherit url; } // extra)) ]) "b";
  buildWithPkgs = url: extra: only { lock = lockOf [ (buildBond ({ inherit url; } // extra)) ]; pkgs = { }; } "b";

  flat = url: { type = "nix+build"; fetcher = "<nix/fetchurl.nix>"; args = { inherit url; hash = sri; name = "b"; }; };
  tarball = url: { type = "nix+build"; fetcher = "builtins.fetchTarball"; args = { inherit url; sha256 = sri; name = "b"; }; };
  fetchzip = url: { type = "nix+build"; fetcher = "pkgs.fetchzip"; args = { inherit url; hash = sri; name = "b"; }; };
in
{
  "read: parses atom.lock and checks its version" = {
    expected = {
      version = 1;
      sources = { ${anchor} = [ "::" "https://git.example.com/atoms" ]; };
      bonds = [
        { type = "nix+url"; name = "installer"; url = "https://example.com/install"; hash = sri; }
        { type = "nix+build"; name = "tool"; url = "https://example.com/tool.sh"; hash = nix32; exec = true; }
      ];
    };
    actual = lock.read readPath;
  };

  "fetchers: a path and read's attrs give the same calls" = {
    expected = lock.fetchers readPath;
    actual = lock.fetchers { lock = lock.read readPath; };
  };

  "fetchers: atom from \"::\" resolves to root" = {
    expected = {
      type = "atom";
      fetcher = "builtins.fetchGit";
      args = { url = "/srv/repo"; ref = "refs/eka/atoms/auth-service/1.5.2"; inherit rev; narHash = sri; name = "auth-service"; };
    };
    actual = only { lock = lockOf [ (atomBond { }) ]; root = "/srv/repo"; } "auth-service";
  };

  "fetchers: atom without root skips \"::\" (scp-like mirror made ssh://)" = {
    expected = "ssh://git@git.example.com/org/atoms";
    actual = (only (lockOf [ (atomBond { }) ]) "auth-service").args.url;
  };

  "fetchers: atom uses the first mirror" = {
    expected = "https://a.example.com/atoms";
    actual = (only { lock = lockOf [ (atomBond { source = "remote"; }) ]; root = "/srv/repo"; } "auth-service").args.url;
  };

  "fetchers: atom hash given as nix32 reaches fetchGit as SRI" = {
    expected = sri;
    actual = (only (lockOf [ (atomBond { hash = nix32; }) ]) "auth-service").args.narHash;
  };

  "fetchers: nix+url" = {
    expected = { type = "nix+url"; fetcher = "builtins.fetchurl"; args = { url = "https://example.com/install"; sha256 = sri; name = "installer"; }; };
    actual = only (lockOf [ (urlBond { }) ]) "installer";
  };

  "fetchers: nix+url with a bare nix32 hash" = {
    expected = sri;
    actual = (only (lockOf [ (urlBond { hash = nix32; }) ]) "installer").args.sha256;
  };

  "fetchers: nix+url with sha256:nix32" = {
    expected = sri;
    actual = (only (lockOf [ (urlBond { hash = "sha256:${nix32}"; }) ]) "installer").args.sha256;
  };

  "fetchers: nix+git with ref" = {
    expected = {
      type = "nix+git";
      fetcher = "builtins.fetchGit";
      args = { url = "https://example.com/repo"; ref = "refs/tags/v1.2.0"; inherit rev; narHash = sri; name = "repo"; };
    };
    actual = only
      (lockOf [{ type = "nix+git"; name = "repo"; url = "https://example.com/repo"; ref = "refs/tags/v1.2.0"; version = "1.2.0"; inherit rev; hash = sri; }])
      "repo";
  };

  "fetchers: nix+git without ref fetches the default branch (HEAD)" = {
    expected = { url = "https://example.com/repo"; ref = "HEAD"; inherit rev; narHash = other; name = "repo"; };
    actual = (only (lockOf [{ type = "nix+git"; name = "repo"; url = "https://example.com/repo"; inherit rev; hash = other; }]) "repo").args;
  };

  "fetchers: nix+tar" = {
    expected = { type = "nix+tar"; fetcher = "builtins.fetchTarball"; args = { url = "https://example.com/docs.tar.gz"; sha256 = sri; name = "docs"; }; };
    actual = only (lockOf [{ type = "nix+tar"; name = "docs"; url = "https://example.com/docs.tar.gz"; hash = sri; version = "1.5.2"; }]) "docs";
  };

  "fetchers: nix+build exec" = {
    expected = { type = "nix+build"; fetcher = "<nix/fetchurl.nix>"; args = { url = "https://example.com/tool.sh"; hash = sri; name = "b"; executable = true; }; };
    actual = build "https://example.com/tool.sh" { exec = true; };
  };

  "fetchers: nix+build exec of an archive URL stays one file" = {
    expected = "<nix/fetchurl.nix>";
    actual = (build "https://example.com/tool.tar.gz" { exec = true; }).fetcher;
  };

  "fetchers: nix+build plain file is flat" = {
    expected = flat "https://example.com/data.json";
    actual = build "https://example.com/data.json" { };
  };

  "fetchers: nix+build .tar.gz unpacks (fetchTarball without pkgs)" = {
    expected = tarball "https://example.com/src.tar.gz";
    actual = build "https://example.com/src.tar.gz" { };
  };

  "fetchers: nix+build .tar.gz unpacks (pkgs.fetchzip with pkgs)" = {
    expected = fetchzip "https://example.com/src.tar.gz";
    actual = buildWithPkgs "https://example.com/src.tar.gz" { };
  };

  "fetchers: nix+build archive suffixes that unpack" = {
    expected = [ true true true true true true ];
    actual = map (url: (build url { }).fetcher == "builtins.fetchTarball") [
      "https://example.com/a.tar"
      "https://example.com/a.tar.xz"
      "https://example.com/a.tar.zst"
      "https://example.com/a.tgz"
      "https://example.com/a.zip"
      "https://example.com/dl/a.tar.gz?download=1#top"
    ];
  };

  "fetchers: nix+build names that do not unpack" = {
    expected = [ false false false ];
    actual = map (url: (build url { }).fetcher == "builtins.fetchTarball") [
      "https://example.com/a.gz"
      "https://example.tar.gz/download"
      "https://example.com/zip"
    ];
  };

  "fetchers: nix+build unpack = false keeps an archive flat" = {
    expected = flat "https://example.com/data.tar.gz";
    actual = build "https://example.com/data.tar.gz" { unpack = false; };
  };

  "fetchers: nix+build unpack = true unpacks any URL" = {
    expected = fetchzip "https://example.com/download?id=7";
    actual = buildWithPkgs "https://example.com/download?id=7" { unpack = true; };
  };

  "fetchers: store names from bond names" = {
    expected = [ "_" "_.hidden" "a_b_c" "ok-1.2_x+y=z?" ];
    actual = map (name: (only (lockOf [ (urlBond { inherit name; }) ]) name).args.name) [ "ひらがな" ".hidden" "a b/c" "ok-1.2_x+y=z?" ];
  };

  "fetchers: an empty lock has no bonds" = {
    expected = { };
    actual = lock.fetchers { version = 1; };
  };

  "hash.toSRI: SRI is kept" = {
    expected = { value = sri; };
    actual = lib.hash.toSRI sri;
  };

  "hash.toSRI: nix32 overflowing 256 bits is refused" = {
    expected = true;
    actual = (lib.hash.toSRI ("z" + builtins.substring 1 51 nix32)) ? error;
  };

  "hash.toSRI: SRI with non-zero padding bits is refused" = {
    expected = true;
    actual = (lib.hash.toSRI (builtins.substring 0 49 sri + "B=")) ? error;
  };

  "hash.toSRI: sha512 is refused" = {
    expected = true;
    actual = (lib.hash.toSRI "sha512-${builtins.substring 7 44 sri}") ? error;
  };
}
