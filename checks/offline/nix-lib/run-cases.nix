# Runs expected-vs-actual cases: { name = { expected; actual; }; … } ->
# { passed = [ name … ]; failed = [ { name; expected; actual; } … ]; }
cases:
let
  names = builtins.attrNames cases;
  failing = builtins.filter (n: cases.${n}.expected != cases.${n}.actual) names;
in
{
  passed = builtins.filter (n: cases.${n}.expected == cases.${n}.actual) names;
  failed = map (n: { name = n; inherit (cases.${n}) expected actual; }) failing;
}
