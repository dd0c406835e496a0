//! Reading a lock, with the same rules as the Nix library and every problem
//! at its line and column.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use atom_id::{Anchor, AtomId, RawVersion};
use toml_edit::{Item, TableLike, Value};

use super::{
    AtomBond, Bond, BondType, BuildBond, GitBond, Hash, LOCK_VERSION, Lockfile, Rev, TarBond,
    UrlBond,
};
use crate::diagnostic::{Diagnostics, SourceFile, Span};
use crate::manifest::parse_label;
use crate::toml::{Entry, TomlReader, a, entries};

pub(super) fn parse(path: &Path, text: &str) -> Result<Lockfile, Diagnostics> {
    let file = SourceFile::new(path, text);
    let mut toml = TomlReader::new(file);
    let doc = toml.document()?;
    let lock = LockReader { toml: &mut toml }.lock(doc.as_table());
    toml.finish(lock)
}

struct LockReader<'r, 'a> {
    toml: &'r mut TomlReader<'a>,
}

/// The fields of a bond type besides `type`: required, then optional.
fn fields_of(bond_type: BondType) -> (&'static [&'static str], &'static [&'static str]) {
    match bond_type {
        BondType::Atom => (&["tag", "version", "source", "rev", "id", "hash"], &[]),
        BondType::Url | BondType::Tar => (&["name", "url", "hash"], &["version"]),
        BondType::Git => (&["name", "url", "rev", "hash"], &["ref", "version"]),
        BondType::Build => (&["name", "url", "hash"], &["version", "exec", "unpack"]),
    }
}

/// One `[[bonds]]` table with where it starts.
struct BondTable<'t> {
    table: &'t dyn TableLike,
    span: Span,
    number: usize,
}

impl LockReader<'_, '_> {
    fn lock(&mut self, root: &toml_edit::Table) -> Option<Lockfile> {
        let mut version = None;
        let mut sources = Some(BTreeMap::new());
        let mut bonds = Some(Vec::new());
        let mut source_spans = BTreeMap::new();
        let top = entries(root, &[]);
        for entry in &top {
            match entry.key {
                "version" => version = self.toml.integer(entry),
                "sources" => sources = self.sources(entry, &mut source_spans),
                _ => {}
            }
        }
        for entry in &top {
            match entry.key {
                "version" | "sources" => {}
                "bonds" => bonds = self.bonds(entry, sources.as_ref()),
                _ => self
                    .toml
                    .unknown_key(entry, &["version", "sources", "bonds"]),
            }
        }
        match &version {
            None if !top.iter().any(|e| e.key == "version") => {
                let diagnostic = self
                    .toml
                    .error(Span::default(), "missing `version`")
                    .with_help(format!(
                        "this is atom.lock version {LOCK_VERSION}: add `version = {LOCK_VERSION}`"
                    ));
                self.toml.push(diagnostic);
            }
            Some(v) if **v != LOCK_VERSION => {
                let message = format!(
                    "unsupported lock version {}; this eka reads version {LOCK_VERSION}",
                    v.get()
                );
                self.toml.push(self.toml.error(v.span(), message));
            }
            _ => {}
        }
        version?;
        Some(Lockfile {
            sources: sources?,
            bonds: bonds?,
        })
    }

    fn sources(
        &mut self,
        entry: &Entry<'_>,
        spans: &mut BTreeMap<String, Span>,
    ) -> Option<BTreeMap<Anchor, Vec<String>>> {
        let table = self.toml.table(entry)?;
        let mut sources = BTreeMap::new();
        let mut ok = true;
        for source in entries(table, &entry.path) {
            let anchor = match Anchor::new(source.key) {
                Ok(anchor) => anchor,
                Err(err) => {
                    let message = format!("source `{}` is not an anchor: {err}", source.key);
                    self.toml.push(self.toml.error(source.key_span, message));
                    ok = false;
                    continue;
                }
            };
            let mirrors = match source.item.as_array() {
                Some(array) => array
                    .iter()
                    .map(|m| m.as_str().map(str::to_owned).ok_or(m))
                    .collect::<Result<Vec<_>, &Value>>(),
                None => {
                    let message = format!(
                        "source `{}` must be an array of mirror URLs, not {}",
                        source.key,
                        a(source.item.type_name())
                    );
                    self.toml.push(self.toml.error(source.span, message));
                    ok = false;
                    continue;
                }
            };
            match mirrors {
                Ok(mirrors) => {
                    spans.insert(source.key.to_owned(), source.key_span);
                    sources.insert(anchor, mirrors);
                }
                Err(value) => {
                    let span = value.span().map_or(source.span, Span::from);
                    let message = format!(
                        "mirrors of source `{}` must be strings, not {}",
                        source.key,
                        a(value.type_name())
                    );
                    self.toml.push(self.toml.error(span, message));
                    ok = false;
                }
            }
        }
        ok.then_some(sources)
    }

    fn bonds(
        &mut self,
        entry: &Entry<'_>,
        sources: Option<&BTreeMap<Anchor, Vec<String>>>,
    ) -> Option<Vec<Bond>> {
        let tables: Vec<BondTable<'_>> = match entry.item {
            Item::ArrayOfTables(array) => array
                .iter()
                .enumerate()
                .map(|(i, table)| BondTable {
                    table,
                    span: table.span().map_or(entry.span, Span::from),
                    number: i + 1,
                })
                .collect(),
            Item::Value(Value::Array(array)) => {
                let mut tables = Vec::new();
                for (i, value) in array.iter().enumerate() {
                    let span = value.span().map_or(entry.span, Span::from);
                    match value.as_inline_table() {
                        Some(table) => tables.push(BondTable {
                            table,
                            span,
                            number: i + 1,
                        }),
                        None => {
                            let message = format!(
                                "bond #{} must be a table, not {}",
                                i + 1,
                                a(value.type_name())
                            );
                            self.toml.push(self.toml.error(span, message));
                        }
                    }
                }
                tables
            }
            _ => {
                let message = format!(
                    "`bonds` must be an array of tables ([[bonds]]), not {}",
                    a(entry.item.type_name())
                );
                self.toml.push(self.toml.error(entry.span, message));
                return None;
            }
        };
        let mut bonds = Vec::new();
        let mut names: BTreeMap<String, (usize, Span)> = BTreeMap::new();
        let mut ok = true;
        for table in &tables {
            let Some(bond) = self.bond(table, sources) else {
                ok = false;
                continue;
            };
            let name = bond.name().as_str().to_owned();
            if let Some((first, first_span)) = names.get(&name) {
                let line = self.toml.line_of(*first_span);
                let message = format!(
                    "bond #{} is named `{name}` like bond #{first} (line {line}); names are unique (atom bonds are named by their tag)",
                    table.number
                );
                self.toml.push(self.toml.error(table.span, message));
                ok = false;
            } else {
                names.insert(name, (table.number, table.span));
            }
            bonds.push(bond);
        }
        ok.then_some(bonds)
    }

    fn bond(
        &mut self,
        bond: &BondTable<'_>,
        sources: Option<&BTreeMap<Anchor, Vec<String>>>,
    ) -> Option<Bond> {
        let path = vec![format!("bonds[{}]", bond.number - 1)];
        let fields = entries(bond.table, &path);
        let field = |key: &str| fields.iter().find(|f| f.key == key);
        let guessed = field("name")
            .or_else(|| field("tag"))
            .and_then(|f| f.item.as_str());
        let mut what = match guessed {
            Some(name) => format!("bond `{name}`"),
            None => format!("bond #{}", bond.number),
        };
        let Some(type_field) = field("type") else {
            let message = format!("{what} has no `type`");
            let diagnostic = self
                .toml
                .error(bond.span, message)
                .with_help(expected_types());
            self.toml.push(diagnostic);
            return None;
        };
        let type_name = self.toml.string(type_field)?;
        let Some(bond_type) = BondType::from_name(&type_name) else {
            let message = format!("{what} has unknown type `{}`", type_name.get());
            let diagnostic = self
                .toml
                .error(type_name.span(), message)
                .with_help(expected_types());
            self.toml.push(diagnostic);
            return None;
        };
        what = format!("{what} ({bond_type})");
        let (required, optional) = fields_of(bond_type);
        let mut ok = true;
        for f in &fields {
            if f.key != "type" && !required.contains(&f.key) && !optional.contains(&f.key) {
                let message = format!("{what}: unknown field `{}`", f.key);
                let listed = required
                    .iter()
                    .chain(optional)
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let diagnostic = self
                    .toml
                    .error(f.key_span, message)
                    .with_help(format!("a {bond_type} bond has {listed}"));
                self.toml.push(diagnostic);
                ok = false;
            }
        }
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|k| field(k).is_none())
            .collect();
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let message = format!("{what} is missing {list}");
            self.toml.push(self.toml.error(bond.span, message));
            return None;
        }

        // Every field is now known to be present where required.
        let mut string = |key: &str| -> Option<Option<(String, Span)>> {
            match field(key) {
                None => Some(None),
                Some(f) => {
                    let value = self.toml.string(f)?;
                    Some(Some((value.get().clone(), value.span())))
                }
            }
        };
        let mut parsed = |key: &str, ok: &mut bool| -> Option<(String, Span)> {
            match string(key) {
                Some(value) => value,
                None => {
                    *ok = false;
                    None
                }
            }
        };
        let name_key = if bond_type == BondType::Atom {
            "tag"
        } else {
            "name"
        };
        let name = parsed(name_key, &mut ok);
        let url = parsed("url", &mut ok);
        let version = parsed("version", &mut ok);
        let hash = parsed("hash", &mut ok);
        let rev = parsed("rev", &mut ok);
        let git_ref = parsed("ref", &mut ok);
        let source = parsed("source", &mut ok);
        let id = parsed("id", &mut ok);
        let mut flag = |key: &str| -> Option<(bool, Span)> {
            let f = field(key)?;
            match self.toml.boolean(f) {
                Some(b) => Some((*b, b.span())),
                None => {
                    ok = false;
                    None
                }
            }
        };
        let exec = flag("exec");
        let unpack = flag("unpack");
        if !ok {
            return None;
        }

        let name = self.value(name, parse_label);
        let hash = self.value(hash, |text, span, _| {
            Hash::from_str(text).map_err(|err| (span, err.to_string()))
        });
        let rev = self.optional_value(rev, |text, span, _| {
            Rev::from_str(text).map_err(|err| (span, err))
        });
        let url = url.map(|(u, _)| u);
        let version = version.map(|(v, _)| v);
        let git_ref = git_ref.map(|(r, _)| r);
        let exec_true = exec.is_some_and(|(e, _)| e);
        if let (true, Some((true, span))) = (exec_true, unpack) {
            let message = format!("{what}: `exec` and `unpack` cannot both be true");
            self.toml.push(self.toml.error(span, message));
            return None;
        }
        let (name, hash, rev) = (name?, hash?, rev?);
        Some(match bond_type {
            BondType::Atom => {
                let version = self.value(
                    field("version").and_then(|f| f.item.as_str().map(|v| (v.to_owned(), f.span))),
                    |text, span, _| RawVersion::new(text).map_err(|err| (span, err.to_string())),
                )?;
                let (source_text, source_span) = source?;
                let anchor = match Anchor::new(&source_text) {
                    Ok(anchor) if sources.is_none_or(|s| s.contains_key(&anchor)) => anchor,
                    Ok(_) => {
                        let message = format!("{what}: source `{source_text}` is not in [sources]");
                        self.toml.push(self.toml.error(source_span, message));
                        return None;
                    }
                    Err(err) => {
                        let message = format!("{what}: source `{source_text}`: {err}");
                        self.toml.push(self.toml.error(source_span, message));
                        return None;
                    }
                };
                let id = self.value(id, |text, span, _| {
                    AtomId::from_str(text).map_err(|err| (span, err.to_string()))
                })?;
                Bond::Atom(AtomBond {
                    tag: name,
                    version,
                    source: anchor,
                    rev: rev?,
                    id,
                    hash,
                })
            }
            BondType::Url => Bond::Url(UrlBond {
                name,
                url: url?,
                version,
                hash,
            }),
            BondType::Tar => Bond::Tar(TarBond {
                name,
                url: url?,
                version,
                hash,
            }),
            BondType::Git => Bond::Git(GitBond {
                name,
                url: url?,
                git_ref,
                version,
                rev: rev?,
                hash,
            }),
            BondType::Build => {
                let url = url?;
                let unpack = match unpack {
                    Some((unpack, _)) => unpack,
                    None => !exec_true && crate::unpacks_by_default(&url),
                };
                Bond::Build(BuildBond {
                    name,
                    url,
                    version,
                    hash,
                    exec: exec_true,
                    unpack,
                })
            }
        })
    }

    /// Convert a present string with `convert`, reporting its error.
    fn value<T>(
        &mut self,
        value: Option<(String, Span)>,
        convert: impl FnOnce(&str, Span, &str) -> Result<T, (Span, String)>,
    ) -> Option<T> {
        let (text, span) = value?;
        let raw = self
            .toml
            .file()
            .text()
            .get(span.start..span.end)
            .unwrap_or_default()
            .to_owned();
        match convert(&text, span, &raw) {
            Ok(value) => Some(value),
            Err((span, message)) => {
                self.toml.push(self.toml.error(span, message));
                None
            }
        }
    }

    /// Like [`Self::value`] for a field that may be absent: `Some(None)`
    /// when it is, `None` when it is present and wrong.
    fn optional_value<T>(
        &mut self,
        value: Option<(String, Span)>,
        convert: impl FnOnce(&str, Span, &str) -> Result<T, (Span, String)>,
    ) -> Option<Option<T>> {
        match value {
            None => Some(None),
            Some(value) => self.value(Some(value), convert).map(Some),
        }
    }
}

fn expected_types() -> String {
    let names: Vec<String> = BondType::ALL.iter().map(|t| format!("`{t}`")).collect();
    format!("the type is one of {}", names.join(", "))
}
