//! Changing an `atom.toml` the way a person would: adding and removing
//! entries while every comment, blank line and the order of everything else
//! stay as they were.
//!
//! ```
//! use std::path::Path;
//! use atom_manifest::{LegacyEntry, ManifestEditor};
//!
//! let text = "[atom]\ntag = \"app\"\nversion = \"0.1.0\"\n\n[legacy.nix.fetch]\n# the installer\nnix-installer.url = \"https://nixos.org/nix/install\"\n";
//! let mut editor = ManifestEditor::new(Path::new("atom.toml"), text)?;
//! editor.add_legacy(&"nixpkgs".parse()?, &LegacyEntry::git("https://github.com/NixOS/nixpkgs").with_ref("nixos-unstable"));
//! let (text, manifest) = editor.finish()?;
//! assert!(text.ends_with("# the installer\nnix-installer.url = \"https://nixos.org/nix/install\"\nnixpkgs = { git = \"https://github.com/NixOS/nixpkgs\", ref = \"nixos-unstable\" }\n"));
//! assert_eq!(manifest.legacy.len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::{Path, PathBuf};

use atom_id::Label;
use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value};

use crate::diagnostic::Diagnostics;
use crate::manifest::Manifest;
use crate::requirement::Requirement;

/// An `atom.toml` being edited.
#[derive(Debug)]
pub struct ManifestEditor {
    path: PathBuf,
    doc: DocumentMut,
    manifest: Manifest,
}

/// What [`ManifestEditor::remove`] took out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removed {
    /// An atom dependency, from `[atoms.<source>]`.
    Atom {
        /// The source's name.
        source: Label,
    },
    /// An entry of `[legacy.nix.fetch]`.
    Legacy,
}

/// Whether an add created an entry or replaced one of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// A new entry.
    New,
    /// An entry of that name was there and now says something else.
    Replaced,
    /// An entry of that name was there and said exactly this.
    Unchanged,
}

/// Why an edit cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    /// `remove` of a name the manifest does not have.
    #[error("{path}: there is no dependency named `{name}`{}", suggestion(.known))]
    NotFound {
        /// The file.
        path: String,
        /// The name asked for.
        name: String,
        /// The names the manifest has.
        known: Vec<String>,
    },
    /// An atom is already a dependency from another source, or a legacy
    /// entry has its name (names are unique in a lock).
    #[error("{path}: `{name}` is already {what}; names are unique across atoms and legacy entries")]
    NameTaken {
        /// The file.
        path: String,
        /// The name.
        name: String,
        /// What holds it.
        what: String,
    },
    /// `[atom.sources]` or `[atoms]` is not a table this editor can change.
    #[error("{path}: `{key}` is not a table; fix it by hand first")]
    NotATable {
        /// The file.
        path: String,
        /// The key.
        key: String,
    },
}

fn suggestion(known: &[String]) -> String {
    if known.is_empty() {
        " (it has none)".to_owned()
    } else {
        format!(" (it has {})", known.join(", "))
    }
}

/// A legacy Nix entry to add: what `eka add nix` builds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyEntry {
    kind: &'static str,
    url: String,
    git_ref: Option<String>,
    version: Option<String>,
    exec: bool,
    unpack: Option<bool>,
}

impl LegacyEntry {
    fn new(kind: &'static str, url: &str) -> Self {
        Self {
            kind,
            url: url.to_owned(),
            git_ref: None,
            version: None,
            exec: false,
            unpack: None,
        }
    }

    /// `{ url = "…" }`: a file.
    pub fn url(url: &str) -> Self {
        Self::new("url", url)
    }

    /// `{ git = "…" }`: a git repository.
    pub fn git(url: &str) -> Self {
        Self::new("git", url)
    }

    /// `{ tar = "…" }`: an archive to unpack.
    pub fn tar(url: &str) -> Self {
        Self::new("tar", url)
    }

    /// `{ build = "…" }`: a file fetched at build time.
    pub fn build(url: &str) -> Self {
        Self::new("build", url)
    }

    /// `ref = "…"` (git).
    #[must_use]
    pub fn with_ref(mut self, git_ref: &str) -> Self {
        self.git_ref = Some(git_ref.to_owned());
        self
    }

    /// `version = "…"`: a tag requirement (git) or a `<source>.<tag>` binding.
    #[must_use]
    pub fn with_version(mut self, version: &str) -> Self {
        self.version = Some(version.to_owned());
        self
    }

    /// `exec = true` (build).
    #[must_use]
    pub fn executable(mut self) -> Self {
        self.exec = true;
        self
    }

    /// `unpack = …` (build).
    #[must_use]
    pub fn with_unpack(mut self, unpack: bool) -> Self {
        self.unpack = Some(unpack);
        self
    }

    fn to_inline_table(&self) -> InlineTable {
        let mut table = InlineTable::new();
        table.insert(self.kind, self.url.as_str().into());
        if let Some(git_ref) = &self.git_ref {
            table.insert("ref", git_ref.as_str().into());
        }
        if let Some(version) = &self.version {
            table.insert("version", version.as_str().into());
        }
        if self.exec {
            table.insert("exec", true.into());
        }
        if let Some(unpack) = self.unpack {
            table.insert("unpack", unpack.into());
        }
        table
    }
}

impl ManifestEditor {
    /// Start editing `text`, which must be a valid manifest.
    pub fn new(path: &Path, text: &str) -> Result<Self, Diagnostics> {
        let manifest = Manifest::parse(path, text)?;
        let doc = text
            .parse::<DocumentMut>()
            .expect("a manifest that parsed is TOML");
        Ok(Self {
            path: path.to_path_buf(),
            doc,
            manifest,
        })
    }

    /// The manifest as it was before any edit.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    fn path_string(&self) -> String {
        self.path.display().to_string()
    }

    /// Declare a source in `[atom.sources]` (one mirror as a string, several
    /// as an array).
    pub fn add_source(&mut self, name: &Label, mirrors: &[&str]) -> Result<(), EditError> {
        let value: Value = match mirrors {
            [one] => (*one).into(),
            many => Value::Array(many.iter().copied().collect::<Array>()),
        };
        let atom_position = self
            .doc
            .get("atom")
            .and_then(Item::as_table)
            .and_then(Table::position);
        let path = self.path_string();
        let atom = self
            .doc
            .get_mut("atom")
            .and_then(Item::as_table_mut)
            .ok_or_else(|| EditError::NotATable {
                path: path.clone(),
                key: "atom".into(),
            })?;
        if !atom.contains_key("sources") {
            let mut sources = Table::new();
            if let Some(position) = atom_position {
                sources.set_position(Some(position + 1));
            }
            atom.insert("sources", Item::Table(sources));
            if let Some(position) = atom_position {
                shift_tables_from(&mut self.doc, position + 1, "atom.sources");
            }
        }
        let atom = self.doc["atom"].as_table_mut().expect("checked above");
        let sources = atom
            .get_mut("sources")
            .and_then(Item::as_table_like_mut)
            .ok_or(EditError::NotATable {
                path,
                key: "atom.sources".into(),
            })?;
        sources.insert(name.as_str(), Item::Value(value));
        Ok(())
    }

    /// Depend on atom `tag` of `source` (a declared source), or change the
    /// requirement when it already does.
    pub fn add_atom(
        &mut self,
        source: &Label,
        tag: &Label,
        requirement: &Requirement,
    ) -> Result<Added, EditError> {
        let path = self.path_string();
        if let Some(existing) = self.manifest.atom_dependency(tag.as_str())
            && existing.source.get() != source
        {
            return Err(EditError::NameTaken {
                path,
                name: tag.to_string(),
                what: format!("a dependency from source `{}`", existing.source.get()),
            });
        }
        if self.manifest.legacy_dependency(tag.as_str()).is_some() {
            return Err(EditError::NameTaken {
                path,
                name: tag.to_string(),
                what: "the name of a legacy entry".into(),
            });
        }
        let added = match self.manifest.atom_dependency(tag.as_str()) {
            None => Added::New,
            Some(existing) if existing.requirement.get() == requirement => Added::Unchanged,
            Some(_) => Added::Replaced,
        };
        if !self.doc.contains_key("atoms") {
            let mut atoms = Table::new();
            atoms.set_implicit(true);
            self.doc.insert("atoms", Item::Table(atoms));
        }
        let legacy_position = first_position(self.doc.get("legacy"));
        let atoms = self.doc["atoms"]
            .as_table_mut()
            .ok_or_else(|| EditError::NotATable {
                path: path.clone(),
                key: "atoms".into(),
            })?;
        let created = !atoms.contains_key(source.as_str());
        if created {
            let mut table = Table::new();
            // New atom tables go after the others and before [legacy…].
            if let Some(position) = legacy_position {
                table.set_position(Some(position));
            }
            atoms.insert(source.as_str(), Item::Table(table));
        }
        let table = atoms[source.as_str()]
            .as_table_like_mut()
            .ok_or(EditError::NotATable {
                path,
                key: format!("atoms.{source}"),
            })?;
        set_value(table, tag.as_str(), requirement.as_str().into());
        if created && let Some(position) = legacy_position {
            shift_tables_from(&mut self.doc, position, &format!("atoms.{source}"));
        }
        Ok(added)
    }

    /// Add (or replace) `[legacy.nix.fetch]` entry `name`.
    pub fn add_legacy(&mut self, name: &Label, entry: &LegacyEntry) -> Result<Added, EditError> {
        let path = self.path_string();
        if let Some(atom) = self.manifest.atom_dependency(name.as_str()) {
            return Err(EditError::NameTaken {
                path,
                name: name.to_string(),
                what: format!("an atom dependency from source `{}`", atom.source.get()),
            });
        }
        let doc = &mut self.doc;
        let legacy = doc
            .entry("legacy")
            .or_insert_with(|| Item::Table(implicit_table()));
        let nix = legacy
            .as_table_like_mut()
            .map(|t| t.entry("nix").or_insert(Item::Table(implicit_table())))
            .and_then(Item::as_table_like_mut);
        let Some(nix) = nix else {
            return Err(EditError::NotATable {
                path,
                key: "legacy.nix".into(),
            });
        };
        let fetch = nix
            .entry("fetch")
            .or_insert(Item::Table(Table::new()))
            .as_table_like_mut()
            .ok_or(EditError::NotATable {
                path,
                key: "legacy.nix.fetch".into(),
            })?;
        let new = Value::InlineTable(entry.to_inline_table());
        let added = match fetch.get(name.as_str()) {
            None => Added::New,
            Some(old) if same_entry(old, &new) => Added::Unchanged,
            Some(_) => Added::Replaced,
        };
        if added != Added::Unchanged {
            set_value(fetch, name.as_str(), new);
        }
        Ok(added)
    }

    /// Remove the atom dependency or legacy entry named `name`, keeping any
    /// comment block that is separated from it by a blank line (a heading
    /// for what follows, not its own comment).
    pub fn remove(&mut self, name: &str) -> Result<Removed, EditError> {
        if let Some(atom) = self.manifest.atom_dependency(name) {
            let source = atom.source.get().clone();
            let table = self.doc["atoms"][source.as_str()]
                .as_table_like_mut()
                .expect("the manifest was read from this document");
            remove_keeping_headings(table, name);
            if table.is_empty() {
                let atoms = self.doc["atoms"].as_table_like_mut().expect("a table");
                atoms.remove(source.as_str());
                if atoms.is_empty() {
                    self.doc.remove("atoms");
                }
            }
            return Ok(Removed::Atom { source });
        }
        if self.manifest.legacy_dependency(name).is_some() {
            let fetch = self.doc["legacy"]["nix"]["fetch"]
                .as_table_like_mut()
                .expect("the manifest was read from this document");
            remove_keeping_headings(fetch, name);
            return Ok(Removed::Legacy);
        }
        let mut known: Vec<String> = self
            .manifest
            .atoms
            .iter()
            .map(|a| a.tag.to_string())
            .chain(self.manifest.legacy.iter().map(|l| l.name.to_string()))
            .collect();
        known.sort();
        Err(EditError::NotFound {
            path: self.path_string(),
            name: name.to_owned(),
            known,
        })
    }

    /// The edited text and the manifest it now is (validated again, so an
    /// edit can never leave an invalid manifest behind).
    pub fn finish(self) -> Result<(String, Manifest), Diagnostics> {
        let text = self.doc.to_string();
        let manifest = Manifest::parse(&self.path, &text)?;
        Ok((text, manifest))
    }
}

fn implicit_table() -> Table {
    let mut table = Table::new();
    table.set_implicit(true);
    table
}

fn same_entry(old: &Item, new: &Value) -> bool {
    let Some(old) = old.as_table_like() else {
        return false;
    };
    let Some(new) = new.as_inline_table() else {
        return false;
    };
    old.len() == new.len()
        && new.iter().all(|(key, value)| {
            old.get(key)
                .and_then(Item::as_value)
                .is_some_and(|v| v.to_string().trim() == value.to_string().trim())
        })
}

/// Set `key` to `value` in `table`, keeping the key's comments when it is
/// already there, and otherwise spacing the new entry like the last one.
fn set_value(table: &mut dyn toml_edit::TableLike, key: &str, value: Value) {
    if let Some(item) = table.get_mut(key) {
        let decor = item.as_value().map(|v| v.decor().clone());
        let mut value = value;
        if let Some(decor) = decor {
            *value.decor_mut() = decor;
        }
        *item = Item::Value(value);
        return;
    }
    let blank_before_last = table
        .iter()
        .last()
        .map(|(k, _)| k.to_owned())
        .and_then(|last| table.key(&last).map(|k| leading(k).starts_with('\n')))
        .unwrap_or(false);
    table.insert(key, Item::Value(value));
    if blank_before_last && let Some(mut k) = table.key_mut(key) {
        k.leaf_decor_mut().set_prefix("\n");
    }
}

fn leading(key: &toml_edit::Key) -> String {
    key.leaf_decor()
        .prefix()
        .and_then(|p| p.as_str())
        .unwrap_or_default()
        .to_owned()
}

/// Remove `name` from `table`. The comment lines directly above it go with
/// it; anything above a blank line before those stays, moved onto the next
/// entry.
fn remove_keeping_headings(table: &mut dyn toml_edit::TableLike, name: &str) {
    let keys: Vec<String> = table.iter().map(|(k, _)| k.to_owned()).collect();
    let index = keys.iter().position(|k| k == name);
    let prefix = first_prefix(table, name);
    table.remove(name);
    let Some(kept) = prefix
        .as_deref()
        .and_then(|p| p.rfind("\n\n").map(|at| &p[..at + 2]))
    else {
        return;
    };
    if kept.trim().is_empty() {
        return;
    }
    let next = index.and_then(|i| keys.get(i + 1));
    if let Some(next) = next {
        let old = first_prefix(table, next).unwrap_or_default();
        set_first_prefix(
            table,
            next,
            &format!("{kept}{}", old.trim_start_matches('\n')),
        );
    }
}

/// The prefix decor of the first key an entry is written with: the entry's
/// own key, or for `name.url = …` (a dotted table) its first inner key.
fn first_prefix(table: &dyn toml_edit::TableLike, name: &str) -> Option<String> {
    let item = table.get(name)?;
    if let Some(inner) = item.as_table().filter(|t| t.is_dotted()) {
        let (first, _) = inner.iter().next()?;
        return inner.key(first).map(leading);
    }
    table.key(name).map(leading)
}

fn set_first_prefix(table: &mut dyn toml_edit::TableLike, name: &str, prefix: &str) {
    let dotted_first = table
        .get(name)
        .and_then(Item::as_table)
        .filter(|t| t.is_dotted())
        .and_then(|t| t.iter().next().map(|(k, _)| k.to_owned()));
    match dotted_first {
        Some(first) => {
            if let Some(mut key) = table
                .get_mut(name)
                .and_then(Item::as_table_mut)
                .and_then(|t| t.key_mut(&first))
            {
                key.leaf_decor_mut().set_prefix(prefix);
            }
        }
        None => {
            if let Some(mut key) = table.key_mut(name) {
                key.leaf_decor_mut().set_prefix(prefix);
            }
        }
    }
}

/// The smallest position of a table at or under `item`.
fn first_position(item: Option<&Item>) -> Option<isize> {
    let table = item?.as_table()?;
    let own = if table.is_implicit() {
        None
    } else {
        table.position()
    };
    table
        .iter()
        .filter_map(|(_, child)| first_position(Some(child)))
        .chain(own)
        .min()
}

/// Move every table at `position` or later one step down, except the one at
/// `skip` (a dotted path), which was just placed there.
fn shift_tables_from(doc: &mut DocumentMut, position: isize, skip: &str) {
    fn walk(table: &mut Table, path: &str, position: isize, skip: &str) {
        for (key, item) in table.iter_mut() {
            let Some(child) = item.as_table_mut() else {
                continue;
            };
            let child_path = if path.is_empty() {
                key.get().to_owned()
            } else {
                format!("{path}.{}", key.get())
            };
            if child_path != skip
                && let Some(p) = child.position()
                && p >= position
            {
                child.set_position(Some(p + 1));
            }
            walk(child, &child_path, position, skip);
        }
    }
    walk(doc.as_table_mut(), "", position, skip);
}

#[cfg(test)]
mod tests;
