# The upstream sources this repository pins in atom.toml, fetched from the
# revisions and hashes recorded in atom.lock (through the Nix library).
# Lazy: a source is fetched only when a package that uses it is built.
(import ../nix).lock.fetch { lock = ../atom.lock; }
