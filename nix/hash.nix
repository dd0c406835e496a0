# sha256 hashes as atom.lock writes them, normalised to what every Nix
# fetcher accepts.
#
# atom.lock writes SRI (`sha256-<base64>`) and accepts Nix's base32 (`nix32`,
# bare or as `sha256:<nix32>`) on read. Nix 2.8's `fetchGit` takes only SRI
# for `narHash` (and has no `builtins.convertHash`), so nix32 is converted
# here, in pure Nix.
let
  inherit (builtins) bitAnd concatStringsSep div elemAt foldl' genList length listToAttrs match stringLength substring;

  nix32Alphabet = "0123456789abcdfghijklmnpqrsvwxyz";
  base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  chars = s: genList (i: substring i 1 s) (stringLength s);
  indexOf = alphabet: listToAttrs (genList (i: { name = substring i 1 alphabet; value = i; }) (stringLength alphabet));
  nix32Digit = indexOf nix32Alphabet;

  pow2 = n: foldl' (acc: _: acc * 2) 1 (genList (i: i) n);
  bit = value: n: bitAnd (div value (pow2 n)) 1;

  # Nix's base32 writes the hash's bits least significant first, starting
  # from the last character: bit `b` of the hash is bit `b mod 5` of the
  # digit at position `b / 5` counted from the end.
  nix32ToBytes = s:
    let
      digits = map (c: nix32Digit.${c}) (chars s);
      digitAt = n: elemAt digits (stringLength s - 1 - n);
      hashBit = b: bit (digitAt (div b 5)) (b - 5 * (div b 5));
    in
    genList (i: foldl' (acc: k: acc + hashBit (8 * i + k) * pow2 k) 0 (genList (k: k) 8)) 32;

  base64Encode = bytes:
    let
      groups = div (length bytes + 2) 3;
      byteAt = i: if i < length bytes then elemAt bytes i else 0;
      char = n: substring n 1 base64Alphabet;
      group = g:
        let
          n = byteAt (3 * g) * 65536 + byteAt (3 * g + 1) * 256 + byteAt (3 * g + 2);
          present = length bytes - 3 * g;
        in
        char (div n 262144)
        + char (bitAnd (div n 4096) 63)
        + (if present > 1 then char (bitAnd (div n 64) 63) else "=")
        + (if present > 2 then char (bitAnd n 63) else "=");
    in
    concatStringsSep "" (genList group groups);

  # 52 digits hold 260 bits; the top four must be zero, so the first digit
  # is 0 or 1 (Nix rejects anything else as well).
  isNix32 = s: match "[01][${nix32Alphabet}]{51}" s != null;

  # 32 bytes are 43 base64 digits and one `=`; the last digit carries two
  # padding bits that must be zero for the encoding to be canonical.
  isSriBody = s: match "[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=" s != null;

  sriBody = s:
    let m = match "sha256-(.*)" s; in if m == null then null else elemAt m 0;

  nix32Body = s:
    let m = match "sha256:(.*)" s; in if m == null then s else elemAt m 0;
in
{
  # toSRI : string -> { value = "sha256-…"; } or { error = "…"; }
  #
  # Accepts `sha256-<base64>`, `sha256:<nix32>` and a bare 52-digit nix32
  # string. Returns an error description instead of throwing so that the
  # caller can name the bond it came from.
  toSRI = s:
    let
      sri = sriBody s;
      nix32 = nix32Body s;
    in
    if !builtins.isString s then { error = "a hash must be a string, not a ${builtins.typeOf s}"; }
    else if sri != null then
      (if isSriBody sri then { value = s; }
      else { error = "`${s}` is not a valid SRI sha256 hash (expected `sha256-` and 44 base64 characters)"; })
    else if isNix32 nix32 then { value = "sha256-" + base64Encode (nix32ToBytes nix32); }
    else { error = "`${s}` is not a sha256 hash (expected SRI `sha256-…`, `sha256:<nix32>` or 52 nix32 characters)"; };
}
