# atom.lock -> Nix fetcher calls (SPEC §6).
#
#   read     : path -> the lock as attrs (checks `version = 1`)
#   fetchers : lock or { lock; root ? null; pkgs ? null; }
#              -> bond name -> { type; fetcher; args; }   (pure data)
#   fetch    : { lock; root ? null; pkgs ? null; } -> bond name -> store path
#   atoms    : { lock; root ? null; pkgs ? null; } -> atom tag -> store path
#
# `lock` is a path to an atom.lock or what `read` returns. Bonds are named by
# `name` (nix+* bonds) or `tag` (atom bonds); names are unique in a lock.
# `root` is what the source mirror "::" ("this repository") means: a path or
# URL of a git repository holding the atoms' refs. Without it "::" is skipped
# and the next mirror of the source is used.
#
# `fetch` only dispatches `fetchers`' data to the fetcher it names, so the
# data that the tests check is exactly what Nix is called with.
let
  inherit (builtins)
    addErrorContext attrNames concatStringsSep deepSeq elem elemAt filter
    fromTOML genList groupBy head isAttrs isBool isList isPath isString length
    listToAttrs mapAttrs match readFile removeAttrs split substring toJSON
    typeOf;

  hash = import ./hash.nix;

  # Fields of each bond type: the one that names the bond, the required and
  # the optional ones (SPEC §6). `version` is informational on nix+* bonds.
  bondTypes = {
    atom = {
      key = "tag";
      required = [ "tag" "version" "source" "rev" "id" "hash" ];
      optional = [ ];
    };
    "nix+url" = {
      key = "name";
      required = [ "name" "url" "hash" ];
      optional = [ "version" ];
    };
    "nix+git" = {
      key = "name";
      required = [ "name" "url" "rev" "hash" ];
      optional = [ "ref" "version" ];
    };
    "nix+tar" = {
      key = "name";
      required = [ "name" "url" "hash" ];
      optional = [ "version" ];
    };
    "nix+build" = {
      key = "name";
      required = [ "name" "url" "hash" ];
      optional = [ "version" "exec" "unpack" ];
    };
  };

  booleanFields = [ "exec" "unpack" ];

  quote = s: "`${s}`";
  quoteAll = names: concatStringsSep ", " (map quote names);
  show = value: if isString value then quote value else toJSON value;

  # Archives that a build-time bond unpacks unless it says `unpack = false`
  # (the rule of atom.toml, SPEC §5), judged on the URL's last path segment.
  isArchive = url:
    let
      path = head (split "[?#]" url);
      segment = elemAt (match "(.*/)?([^/]*)" path) 1;
    in
    match ".*\\.(tar(\\.[A-Za-z0-9]+)?|tgz|zip)" segment != null;

  # A store path name from a bond name: Nix allows [A-Za-z0-9+._?=-], at most
  # 211 bytes, not starting with a dot. The name shows which bond a store
  # path (and a hash mismatch naming it) belongs to.
  storeName = s:
    let
      parts = split "[^A-Za-z0-9+._?=-]+" s;
      joined = concatStringsSep "" (map (p: if isList p then "_" else p) parts);
      safe = if substring 0 1 joined == "." then "_" + joined else joined;
    in
    if safe == "" then "source" else substring 0 211 safe;

  hasScheme = url: match "[A-Za-z][A-Za-z0-9+.-]*://.*" url != null;

  # scp-like `user@host:path`, which git accepts and Nix 2.8 does not.
  gitUrl = url:
    let m = match "([^/:@]+@)?([^/:]+):(.*)" url;
    in
    if hasScheme url || m == null then url
    else "ssh://${if head m == null then "" else head m}${elemAt m 1}/${elemAt m 2}";

  # ---- reading ---------------------------------------------------------

  checkLock = where: lock:
    let
      fail = msg: throw "${where}: ${msg}";
      unknown = filter (k: !(elem k [ "version" "sources" "bonds" ])) (attrNames lock);
      sources = lock.sources or { };
      badSources = filter
        (anchor: !(isList sources.${anchor}) || !(builtins.all isString sources.${anchor}))
        (attrNames sources);
    in
    if !(isAttrs lock) then fail "not a TOML table"
    else if !(lock ? version) then fail "no `version` (this library reads atom.lock version 1)"
    else if lock.version != 1 then fail "unsupported version ${show lock.version} (this library reads atom.lock version 1)"
    else if unknown != [ ] then fail "unknown top-level key ${quoteAll unknown} (expected `version`, `sources`, `bonds`)"
    else if !(isAttrs sources) then fail "`sources` must be a table of anchor = [mirror URLs]"
    else if badSources != [ ] then fail "source ${quote (head badSources)} must be a list of mirror URLs (strings)"
    else if !(isList (lock.bonds or [ ])) then fail "`bonds` must be an array of tables ([[bonds]])"
    else { version = 1; inherit sources; bonds = lock.bonds or [ ]; };

  read = path: checkLock (toString path) (fromTOML (readFile path));

  load = lock:
    if isPath lock || isString lock then { where = toString lock; value = read lock; }
    else if isAttrs lock then { where = "atom.lock"; value = checkLock "atom.lock" lock; }
    else throw "lib.lock: `lock` must be a path to an atom.lock or the attrs `lib.lock.read` returns, not a ${typeOf lock}";

  # ---- one bond --------------------------------------------------------

  # Validates bond number `i` (from 0) and returns it with its name and its
  # hash in SRI form; every error names the lock and the bond.
  checkBond = where: sources: i: bond:
    let
      # Before the type is known, whichever naming field the bond has.
      guessed = if isAttrs bond then bond.name or bond.tag or null else null;
      number = "bond #${toString (i + 1)}" + (if isString guessed then " ${quote guessed}" else "");
      spec = bondTypes.${bond.type};
      name = bond.${spec.key};
      label = "bond #${toString (i + 1)} ${quote name} (${bond.type})";
      fail = what: msg: throw "${where}: ${what}: ${msg}";
      failBond = fail label;

      allowed = spec.required ++ spec.optional ++ [ "type" ];
      missing = filter (f: !(bond ? ${f})) spec.required;
      unknown = filter (f: !(elem f allowed)) (attrNames bond);
      wrongType = filter
        (f: if elem f booleanFields then !(isBool bond.${f}) else !(isString bond.${f}))
        (filter (f: f != "type") (attrNames bond));
      normalised = hash.toSRI bond.hash;
      exec = bond.exec or false;
    in
    if !(isAttrs bond) then fail number "must be a table ([[bonds]]), not a ${typeOf bond}"
    else if !(bond ? type) then fail number "has no `type` (expected one of ${quoteAll (attrNames bondTypes)})"
    else if !(isString bond.type) || !(bondTypes ? ${bond.type}) then fail number "unknown type ${show bond.type} (expected one of ${quoteAll (attrNames bondTypes)})"
    else if !(bond ? ${spec.key}) then fail "${number} (${bond.type})" "missing field ${quote spec.key}"
    else if !(isString name) || name == "" then fail "${number} (${bond.type})" "${quote spec.key} must be a non-empty string"
    else if missing != [ ] then failBond "missing field ${quoteAll missing}"
    else if unknown != [ ] then failBond "unknown field ${quoteAll unknown} (a ${bond.type} bond has ${quoteAll (spec.required ++ spec.optional)})"
    else if wrongType != [ ] then
      failBond "field ${quote (head wrongType)} must be a ${if elem (head wrongType) booleanFields then "boolean" else "string"}, not ${show bond.${head wrongType}}"
    else if normalised ? error then failBond "hash: ${normalised.error}"
    else if bond ? rev && match "[0-9a-f]{40}" bond.rev == null then failBond "rev ${quote bond.rev} is not a git commit id (40 lowercase hexadecimal digits)"
    else if bond.type == "atom" && !(sources ? ${bond.source}) then failBond "source ${quote bond.source} is not in [sources]"
    else if exec && (bond.unpack or false) then failBond "`exec` and `unpack` cannot both be true (an executable is one file)"
    else { inherit name label; bond = bond // { hash = normalised.value; }; };

  # The first mirror of an atom's source that can be fetched: "::" when
  # `root` is given, any other URL as it is (scp-like ones rewritten).
  atomUrl = { where, sources, root, ... }: checked:
    let
      mirrors = sources.${checked.bond.source};
      usable = filter (m: m != "::" || root != null) mirrors;
    in
    if usable == [ ] then
      throw
        ("${where}: ${checked.label}: source ${quote checked.bond.source} has no usable mirror (mirrors: ${toJSON mirrors})"
          + (if elem "::" mirrors then "; pass `root` (a path or URL of this repository) to resolve \"::\"" else ""))
    else if head usable == "::" then toString root
    else gitUrl (head usable);

  # The fetcher call for one validated bond: SPEC §6's fetcher column.
  fetcherOf = context: checked:
    let
      inherit (checked) bond;
      name = storeName checked.name;
      unpack = bond.unpack or (!(bond.exec or false) && isArchive bond.url);
      call = fetcher: args: { inherit (bond) type; inherit fetcher args; };
    in
    {
      atom = call "builtins.fetchGit" {
        url = atomUrl context checked;
        ref = "refs/eka/atoms/${bond.tag}/${bond.version}";
        inherit (bond) rev;
        narHash = bond.hash;
        inherit name;
      };
      "nix+url" = call "builtins.fetchurl" { inherit (bond) url; sha256 = bond.hash; inherit name; };
      # Without a ref the rev is on the default branch. Nix 2.8 would fetch
      # `master` from a remote instead of the remote's HEAD.
      "nix+git" = call "builtins.fetchGit" {
        url = gitUrl bond.url;
        ref = bond.ref or "HEAD";
        inherit (bond) rev;
        narHash = bond.hash;
        inherit name;
      };
      "nix+tar" = call "builtins.fetchTarball" { inherit (bond) url; sha256 = bond.hash; inherit name; };
      "nix+build" =
        if bond.exec or false then call "<nix/fetchurl.nix>" { inherit (bond) url hash name; executable = true; }
        else if unpack && context.pkgs != null then call "pkgs.fetchzip" { inherit (bond) url hash; inherit name; }
        else if unpack then call "builtins.fetchTarball" { inherit (bond) url; sha256 = bond.hash; inherit name; }
        else call "<nix/fetchurl.nix>" { inherit (bond) url hash; inherit name; };
    }.${bond.type};

  # ---- the whole lock ----------------------------------------------------

  options = arg:
    if isAttrs arg && arg ? lock
    then ({ lock, root ? null, pkgs ? null }: { inherit lock root pkgs; }) arg
    else { lock = arg; root = null; pkgs = null; };

  fetchers = arg:
    let
      opts = options arg;
      loaded = load opts.lock;
      inherit (loaded) where;
      inherit (loaded.value) sources bonds;
      checked = genList (i: checkBond where sources i (elemAt bonds i)) (length bonds);
      byName = groupBy (c: c.name) checked;
      duplicates = filter (n: length byName.${n} > 1) (attrNames byName);
      context = { inherit where sources; inherit (opts) root pkgs; };
    in
    if duplicates != [ ] then
      throw "${where}: bond name ${quote (head duplicates)} is used by ${concatStringsSep " and " (map (c: c.label) byName.${head duplicates})}; names must be unique (atom bonds are named by their tag)"
    else listToAttrs (map (c: { inherit (c) name; value = fetcherOf context c; }) checked);

  callFetcher = pkgs: fetcher: args: {
    "builtins.fetchurl" = builtins.fetchurl args;
    "builtins.fetchTarball" = builtins.fetchTarball args;
    "builtins.fetchGit" = (builtins.fetchGit args).outPath;
    "<nix/fetchurl.nix>" = import <nix/fetchurl.nix> args;
    "pkgs.fetchzip" = pkgs.fetchzip args;
  }.${fetcher};

  # Every bond of the lock is validated before anything is fetched; each
  # fetch names its bond in Nix's error trace.
  fetchSelected = select: arg:
    let
      opts = options arg;
      plan = fetchers opts;
      selected = removeAttrs plan (filter (n: !(select plan.${n})) (attrNames plan));
      run = name: f: addErrorContext
        "while fetching bond ${quote name} (${f.type}) from ${f.args.url}"
        (callFetcher opts.pkgs f.fetcher f.args);
    in
    deepSeq plan (mapAttrs run selected);
in
{
  inherit read fetchers;
  fetch = fetchSelected (_: true);
  atoms = fetchSelected (f: f.type == "atom");
}
