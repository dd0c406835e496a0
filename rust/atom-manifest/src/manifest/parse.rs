//! From the text of an `atom.toml` to a [`Manifest`], reporting every
//! problem at its line and column.

use std::collections::BTreeMap;
use std::path::Path;

use atom_id::{Label, NameErrorReason, RawVersion};

use super::{
    Atom, AtomDependency, Binding, BuildFetch, Fetch, FileFetch, GitFetch, GitPin,
    LegacyDependency, Manifest, Mirror, Source, THIS_REPOSITORY,
};
use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile, Span, Spanned};
use crate::requirement::Requirement;
use crate::template::{UrlTemplate, VERSION_PLACEHOLDER};
use crate::toml::{Entry, TomlReader, a, dotted, entries};

pub(super) fn parse(path: &Path, text: &str) -> Result<Manifest, Diagnostics> {
    let file = SourceFile::new(path, text);
    let mut reader = TomlReader::new(file);
    let doc = reader.document()?;
    let manifest = ManifestReader {
        toml: &mut reader,
        names: Vec::new(),
    }
    .manifest(doc.as_table());
    reader.finish(manifest)
}

struct ManifestReader<'r, 'a> {
    toml: &'r mut TomlReader<'a>,
    /// Every bond name (atom tags and legacy names) and where it was given:
    /// names are unique across a lock.
    names: Vec<(String, Span)>,
}

const TOP_LEVEL: &[&str] = &["atom", "atoms", "legacy"];
const ATOM_KEYS: &[&str] = &["tag", "version", "description", "sources"];

impl ManifestReader<'_, '_> {
    fn manifest(&mut self, root: &toml_edit::Table) -> Option<Manifest> {
        let entries = entries(root, &[]);
        let mut atom = None;
        let mut sources = Vec::new();
        let mut atoms_item = None;
        let mut legacy = Vec::new();
        for entry in &entries {
            match entry.key {
                "atom" => {
                    if let Some((a, s)) = self.atom(entry) {
                        atom = Some(a);
                        sources = s;
                    }
                }
                "atoms" => atoms_item = Some(entry),
                "legacy" => legacy = self.legacy(entry),
                _ => self.toml.unknown_key(entry, TOP_LEVEL),
            }
        }
        // `[atoms.*]` refers to sources; read it once they are known.
        let atoms = match atoms_item {
            Some(entry) => self.atoms(entry, &sources),
            None => Vec::new(),
        };
        let Some(atom) = atom else {
            if !entries.iter().any(|e| e.key == "atom") {
                let file = self.toml.file();
                self.toml.push(
                    Diagnostic::whole_file(file.path(), "missing the [atom] table").with_help(
                        "start the manifest with `[atom]`, `tag = \"name\"` and `version = \"0.1.0\"`",
                    ),
                );
            }
            return None;
        };
        let manifest = Manifest {
            atom,
            sources,
            atoms,
            legacy,
        };
        self.check_names(&manifest);
        self.check_bindings(&manifest);
        Some(manifest)
    }

    fn atom(&mut self, entry: &Entry<'_>) -> Option<(Atom, Vec<Source>)> {
        let table = self.toml.table(entry)?;
        let mut tag = None;
        let mut version = None;
        let mut description = None;
        let mut sources = Vec::new();
        for field in entries(table, &entry.path) {
            match field.key {
                "tag" => tag = self.label_value(&field),
                "version" => version = self.raw_version(&field),
                "description" => description = self.toml.string(&field),
                "sources" => sources = self.sources(&field),
                _ => self.toml.unknown_key(&field, ATOM_KEYS),
            }
        }
        let mut missing = |name: &str, example: &str| {
            let message = format!("missing `atom.{name}`");
            let help = format!("add `{name} = {example}` to [atom]");
            let diagnostic = self.toml.error(entry.span, message).with_help(help);
            self.toml.push(diagnostic);
        };
        if tag.is_none() && !table.contains_key("tag") {
            missing("tag", "\"my-atom\"");
        }
        if version.is_none() && !table.contains_key("version") {
            missing("version", "\"0.1.0\"");
        }
        Some((
            Atom {
                tag: tag?,
                version: version?,
                description,
            },
            sources,
        ))
    }

    fn sources(&mut self, entry: &Entry<'_>) -> Vec<Source> {
        let Some(table) = self.toml.table(entry) else {
            return Vec::new();
        };
        let mut sources = Vec::new();
        for field in entries(table, &entry.path) {
            let name = self.label_key(&field);
            let mirrors = self.mirrors(&field);
            if let (Some(name), Some(mirrors)) = (name, mirrors) {
                sources.push(Source { name, mirrors });
            }
        }
        sources
    }

    fn mirrors(&mut self, entry: &Entry<'_>) -> Option<Vec<Spanned<Mirror>>> {
        let strings = match entry.item.as_value() {
            Some(toml_edit::Value::String(_)) => vec![self.toml.string(entry)?],
            Some(toml_edit::Value::Array(array)) => {
                if array.is_empty() {
                    let message = format!("source `{}` has no mirrors", entry.key);
                    let diagnostic = self
                        .toml
                        .error(entry.span, message)
                        .with_help("give at least one git URL, or \"::\" for this repository");
                    self.toml.push(diagnostic);
                    return None;
                }
                let mut strings = Vec::new();
                for (i, value) in array.iter().enumerate() {
                    let span = value.span().map_or(entry.span, Span::from);
                    match value.as_str() {
                        Some(s) => strings.push(Spanned::new(s.to_owned(), span)),
                        None => {
                            let message = format!(
                                "mirror {} of source `{}` must be a string, not {}",
                                i + 1,
                                entry.key,
                                a(value.type_name())
                            );
                            self.toml.push(self.toml.error(span, message));
                        }
                    }
                }
                strings
            }
            _ => {
                let message = format!(
                    "`{}` must be a git URL or an array of mirror URLs, not {}",
                    dotted(&entry.path),
                    a(entry.item.type_name())
                );
                let diagnostic = self
                    .toml
                    .error(entry.span, message)
                    .with_help(format!("write `{} = \"https://…\"`", entry.key));
                self.toml.push(diagnostic);
                return None;
            }
        };
        let mut mirrors: Vec<Spanned<Mirror>> = Vec::new();
        for url in strings {
            let mirror = if url.as_str() == THIS_REPOSITORY {
                Mirror::ThisRepository
            } else {
                if !self.url_syntax(&url, "a mirror") {
                    continue;
                }
                Mirror::Url(url.get().clone())
            };
            if mirrors.iter().any(|m| *m.get() == mirror) {
                let message = format!("mirror `{mirror}` is listed twice");
                self.toml.push(self.toml.error(url.span(), message));
                continue;
            }
            mirrors.push(Spanned::new(mirror, url.span()));
        }
        (!mirrors.is_empty()).then_some(mirrors)
    }

    fn atoms(&mut self, entry: &Entry<'_>, sources: &[Source]) -> Vec<AtomDependency> {
        let Some(table) = self.toml.table(entry) else {
            return Vec::new();
        };
        let mut atoms = Vec::new();
        for source_entry in entries(table, &entry.path) {
            let declared = sources.iter().any(|s| s.name.as_str() == source_entry.key);
            if !declared {
                let message = format!("undeclared source `{}`", source_entry.key);
                let help = format!(
                    "declare it in [atom.sources], e.g. `{} = \"https://…\"`{}",
                    source_entry.key,
                    match sources.first() {
                        Some(first) => format!(", or use a declared one such as `{}`", first.name),
                        None => String::new(),
                    }
                );
                let diagnostic = self
                    .toml
                    .error(source_entry.key_span, message)
                    .with_help(help);
                self.toml.push(diagnostic);
            }
            let Some(source_table) = self.toml.table(&source_entry) else {
                continue;
            };
            let source = Spanned::new(
                sources
                    .iter()
                    .find(|s| s.name.as_str() == source_entry.key)
                    .map(|s| s.name.get().clone()),
                source_entry.key_span,
            );
            for dependency in entries(source_table, &source_entry.path) {
                let tag = self.label_key(&dependency);
                let requirement = self
                    .toml
                    .string(&dependency)
                    .and_then(|s| self.requirement(&s));
                if let Some(tag) = &tag {
                    self.names.push((tag.as_str().to_owned(), tag.span()));
                }
                if let (Some(source), Some(tag), Some(requirement)) =
                    (source.get().clone(), tag, requirement)
                {
                    atoms.push(AtomDependency {
                        source: Spanned::new(source, source_entry.key_span),
                        tag,
                        requirement,
                    });
                }
            }
        }
        atoms
    }

    fn legacy(&mut self, entry: &Entry<'_>) -> Vec<LegacyDependency> {
        let Some(table) = self.toml.table(entry) else {
            return Vec::new();
        };
        let mut legacy = Vec::new();
        for platform in entries(table, &entry.path) {
            if platform.key != "nix" {
                self.toml.unknown_key(&platform, &["nix"]);
                continue;
            }
            let Some(nix) = self.toml.table(&platform) else {
                continue;
            };
            for section in entries(nix, &platform.path) {
                if section.key != "fetch" {
                    self.toml.unknown_key(&section, &["fetch"]);
                    continue;
                }
                let Some(fetch) = self.toml.table(&section) else {
                    continue;
                };
                for dependency in entries(fetch, &section.path) {
                    if let Some(dependency) = self.legacy_dependency(&dependency) {
                        legacy.push(dependency);
                    }
                }
            }
        }
        legacy
    }

    fn legacy_dependency(&mut self, entry: &Entry<'_>) -> Option<LegacyDependency> {
        let name = self.label_key(entry);
        let table = self.toml.table(entry)?;
        let fields = entries(table, &entry.path);
        let kinds: Vec<&Entry<'_>> = fields
            .iter()
            .filter(|f| matches!(f.key, "url" | "git" | "tar" | "build"))
            .collect();
        let kind = match kinds.as_slice() {
            [kind] => *kind,
            [] => {
                let message = format!(
                    "`{}` says nothing to fetch: give one of `url`, `git`, `tar` or `build`",
                    dotted(&entry.path)
                );
                self.toml.push(self.toml.error(entry.key_span, message));
                return None;
            }
            [_, second, ..] => {
                let message = format!(
                    "`{}` gives both `{}` and `{}`: an entry fetches one thing",
                    dotted(&entry.path),
                    kinds[0].key,
                    second.key
                );
                self.toml.push(self.toml.error(second.key_span, message));
                return None;
            }
        };
        let allowed: &[&str] = match kind.key {
            "url" => &["url", "version"],
            "tar" => &["tar", "version"],
            "git" => &["git", "ref", "version"],
            _ => &["build", "version", "exec", "unpack"],
        };
        for field in &fields {
            if !allowed.contains(&field.key) {
                self.toml.unknown_key(field, allowed);
            }
        }
        let field = |key: &str| fields.iter().find(|f| f.key == key);
        let url = self.toml.string(kind)?;
        let fetch = if kind.key == "git" {
            if let Some(at) = url.find(VERSION_PLACEHOLDER) {
                let span = self
                    .toml
                    .inner_span(url.span(), &url, at, VERSION_PLACEHOLDER.len());
                let diagnostic = self
                    .toml
                    .error(span, "a git URL cannot contain `{version}`")
                    .with_help("a git entry's `version` is a requirement on its tags, e.g. `version = \"^1.2\"`");
                self.toml.push(diagnostic);
                return None;
            }
            if !self.url_syntax(&url, "a git URL") {
                return None;
            }
            let pin = match (field("ref"), field("version")) {
                (Some(_), Some(v)) => {
                    let message = "give either `ref` or `version`, not both: `version` picks the highest matching tag";
                    self.toml.push(self.toml.error(v.key_span, message));
                    return None;
                }
                (Some(r), None) => GitPin::Ref(self.git_ref(r)?),
                (None, Some(v)) => {
                    let raw = self.toml.string(v)?;
                    GitPin::Version(self.requirement(&raw)?)
                }
                (None, None) => GitPin::DefaultBranch,
            };
            Fetch::Git(GitFetch { url, pin })
        } else {
            let version = match field("version") {
                Some(v) => Some(self.binding(v)?),
                None => None,
            };
            let url = self.url_template(url, version.is_some())?;
            let file = FileFetch { url, version };
            match kind.key {
                "url" => Fetch::Url(file),
                "tar" => Fetch::Tar(file),
                _ => {
                    let exec = match field("exec") {
                        Some(f) => *self.toml.boolean(f)?,
                        None => false,
                    };
                    let unpack = match field("unpack") {
                        Some(f) => Some(self.toml.boolean(f)?),
                        None => None,
                    };
                    if let Some(unpack) = unpack.filter(|u| **u && exec) {
                        let diagnostic = self
                            .toml
                            .error(unpack.span(), "`exec` and `unpack` cannot both be true")
                            .with_help("an executable is one file; drop `unpack` or `exec`");
                        self.toml.push(diagnostic);
                        return None;
                    }
                    Fetch::Build(BuildFetch {
                        file,
                        exec,
                        unpack: unpack.map(Spanned::into_inner),
                    })
                }
            }
        };
        let name = name?;
        Some(LegacyDependency { name, fetch })
    }

    /// Report every name given twice, at each later place, naming the first.
    fn check_names(&mut self, manifest: &Manifest) {
        for legacy in &manifest.legacy {
            self.names
                .push((legacy.name.as_str().to_owned(), legacy.name.span()));
        }
        self.names.sort_by_key(|(_, span)| span.start);
        let mut first: BTreeMap<&str, Span> = BTreeMap::new();
        let mut duplicates = Vec::new();
        for (name, span) in &self.names {
            match first.get(name.as_str()) {
                Some(earlier) => duplicates.push((name.clone(), *earlier, *span)),
                None => {
                    first.insert(name, *span);
                }
            }
        }
        for (name, earlier, span) in duplicates {
            let line = self.toml.line_of(earlier);
            let message = format!(
                "`{name}` is already the name of a dependency (line {line}); names are unique across atoms and legacy entries"
            );
            self.toml.push(self.toml.error(span, message));
        }
    }

    fn check_bindings(&mut self, manifest: &Manifest) {
        for legacy in &manifest.legacy {
            let Some(binding) = legacy.fetch.binding() else {
                continue;
            };
            if manifest.binding_target(binding).is_some() {
                continue;
            }
            let (message, help) = match manifest.source(binding.source.as_str()) {
                None => (
                    format!(
                        "`version = \"{}\"` names the undeclared source `{}`",
                        binding.get(),
                        binding.source
                    ),
                    "a binding is `<source>.<tag>`, a declared source and one of its atoms"
                        .to_owned(),
                ),
                Some(source) => {
                    let mut help = format!(
                        "add `{} = \"<requirement>\"` under [atoms.{}]",
                        binding.tag, binding.source
                    );
                    if source.is_this_repository() {
                        help.push_str(&format!(
                            ", or bind this atom itself: `{}.{}`",
                            binding.source,
                            manifest.atom.tag.get()
                        ));
                    }
                    (
                        format!(
                            "`version = \"{}\"`: source `{}` has no atom `{}` in this manifest",
                            binding.get(),
                            binding.source,
                            binding.tag
                        ),
                        help,
                    )
                }
            };
            let diagnostic = self.toml.error(binding.span(), message).with_help(help);
            self.toml.push(diagnostic);
        }
    }

    // ---- values ------------------------------------------------------------

    fn label_key(&mut self, entry: &Entry<'_>) -> Option<Spanned<Label>> {
        let key_text = self.toml.file().text()[entry.key_span.start..entry.key_span.end].to_owned();
        let label = parse_label(entry.key, entry.key_span, &key_text).map_err(|(span, msg)| {
            let diagnostic = self.toml.error(span, msg);
            self.toml.push(diagnostic);
        });
        label.ok().map(|l| Spanned::new(l, entry.key_span))
    }

    fn label_value(&mut self, entry: &Entry<'_>) -> Option<Spanned<Label>> {
        let value = self.toml.string(entry)?;
        let raw = self.toml.file().text()[value.span().start..value.span().end].to_owned();
        match parse_label(&value, value.span(), &raw) {
            Ok(label) => Some(Spanned::new(label, value.span())),
            Err((span, message)) => {
                self.toml.push(self.toml.error(span, message));
                None
            }
        }
    }

    fn raw_version(&mut self, entry: &Entry<'_>) -> Option<Spanned<RawVersion>> {
        let value = self.toml.string(entry)?;
        match RawVersion::new(&value) {
            Ok(version) => Some(Spanned::new(version, value.span())),
            Err(err) => {
                let span = match err.offending() {
                    Some((byte, ch)) => {
                        self.toml
                            .inner_span(value.span(), &value, byte, ch.len_utf8())
                    }
                    None => value.span(),
                };
                self.toml.push(self.toml.error(span, err.to_string()));
                None
            }
        }
    }

    fn requirement(&mut self, value: &Spanned<String>) -> Option<Spanned<Requirement>> {
        match Requirement::new(value) {
            Ok(requirement) => Some(Spanned::new(requirement, value.span())),
            Err(err) => {
                let len = value[err.offset().min(value.len())..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8);
                let span = self.toml.inner_span(value.span(), value, err.offset(), len);
                let diagnostic = self.toml.error(span, format!("bad requirement: {err}")).with_help(
                    "write a semver requirement such as \"^1.2\", \"~1.2.3\", \"=1.0.0\" or \">=1.2, <2\"",
                );
                self.toml.push(diagnostic);
                None
            }
        }
    }

    fn git_ref(&mut self, entry: &Entry<'_>) -> Option<Spanned<String>> {
        let value = self.toml.string(entry)?;
        let bad = value.is_empty()
            || value.starts_with('/')
            || value.ends_with('/')
            || value.ends_with(".lock")
            || value.contains("..")
            || value.contains("//")
            || value.contains("@{")
            || value
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || "~^:?*[\\".contains(c));
        if bad {
            let message = format!("`{}` is not a valid git ref name", value.get());
            let diagnostic = self.toml.error(value.span(), message).with_help(
                "give a branch (`main`), a tag (`v1.2.0` or `refs/tags/v1.2.0`) or a full ref",
            );
            self.toml.push(diagnostic);
            return None;
        }
        Some(value)
    }

    fn binding(&mut self, entry: &Entry<'_>) -> Option<Spanned<Binding>> {
        let value = self.toml.string(entry)?;
        let split = value
            .split_once('.')
            .filter(|(source, _)| Label::parse_normalized(source).is_ok());
        let Some((source, tag)) = split else {
            let message = format!(
                "`version = \"{}\"` is not a binding: write `<source>.<tag>`",
                value.get()
            );
            let diagnostic = self.toml.error(value.span(), message).with_help(
                "on `url`, `tar` and `build` entries `version` names the atom whose version fills `{version}`",
            );
            self.toml.push(diagnostic);
            return None;
        };
        let tag_span = self
            .toml
            .inner_span(value.span(), &value, source.len() + 1, tag.len());
        let raw_tag = self.toml.file().text()[tag_span.start..tag_span.end].to_owned();
        let tag = match parse_label(tag, tag_span, &raw_tag) {
            Ok(tag) => tag,
            Err((span, message)) => {
                self.toml.push(self.toml.error(span, message));
                return None;
            }
        };
        let source = Label::parse_normalized(source).ok()?;
        Some(Spanned::new(Binding { source, tag }, value.span()))
    }

    fn url_template(&mut self, url: Spanned<String>, bound: bool) -> Option<UrlTemplate> {
        // Braces are only allowed as the `{version}` placeholder.
        let mut rest = url.as_str();
        let mut offset = 0;
        while let Some(at) = rest.find(['{', '}']) {
            if rest[at..].starts_with(VERSION_PLACEHOLDER) {
                if !bound {
                    let span = self.toml.inner_span(
                        url.span(),
                        &url,
                        offset + at,
                        VERSION_PLACEHOLDER.len(),
                    );
                    let diagnostic = self
                        .toml
                        .error(span, "`{version}` with no `version` binding")
                        .with_help("add `version = \"<source>.<tag>\"` naming the atom whose version fills it");
                    self.toml.push(diagnostic);
                    return None;
                }
                offset += at + VERSION_PLACEHOLDER.len();
                rest = &rest[at + VERSION_PLACEHOLDER.len()..];
                continue;
            }
            let span = self.toml.inner_span(url.span(), &url, offset + at, 1);
            let diagnostic = self.toml.error(span, "unexpected brace in URL").with_help(
                "the only placeholder is `{version}`; percent-encode a literal brace as %7B / %7D",
            );
            self.toml.push(diagnostic);
            return None;
        }
        if !self.url_syntax(&url, "a URL") {
            return None;
        }
        Some(UrlTemplate::spanned(url))
    }

    /// A URL is non-empty, has no whitespace or control characters, and any
    /// `+alias` in it is well-formed (aliases are expanded when resolving).
    fn url_syntax(&mut self, url: &Spanned<String>, what: &str) -> bool {
        if url.is_empty() {
            let message = format!("{what} cannot be empty");
            self.toml.push(self.toml.error(url.span(), message));
            return false;
        }
        if let Some((at, ch)) = url
            .char_indices()
            .find(|(_, c)| c.is_whitespace() || c.is_control())
        {
            let span = self.toml.inner_span(url.span(), url, at, ch.len_utf8());
            let message = format!("{what} cannot contain {ch:?}");
            self.toml.push(self.toml.error(span, message));
            return false;
        }
        if let Err(err) = alurl::find(url) {
            let span = match &err {
                alurl::Error::InvalidName { column, .. } | alurl::Error::Unknown { column, .. } => {
                    let at = url.char_indices().nth(column - 1).map_or(0, |(at, _)| at);
                    self.toml.inner_span(url.span(), url, at, 1)
                }
                _ => url.span(),
            };
            self.toml.push(self.toml.error(span, err.to_string()));
            return false;
        }
        true
    }
}

/// `name` as a [`Label`] exactly as written (NFKC form required), or the
/// span and message of what is wrong. `raw` is the text at `span` (the key
/// or string as written, with any quotes).
pub(crate) fn parse_label(name: &str, span: Span, raw: &str) -> Result<Label, (Span, String)> {
    Label::parse_normalized(name).map_err(|err| {
        let at = match err.reason() {
            NameErrorReason::InvalidStart { ch } => Some((0, ch.len_utf8())),
            NameErrorReason::InvalidChar { ch, at } => Some((at.byte, ch.len_utf8())),
            _ => None,
        };
        let span = match at {
            Some((offset, len)) => crate::toml::inner_span_of(span, raw, name, offset, len),
            None => span,
        };
        (span, err.to_string())
    })
}

#[cfg(test)]
mod tests;
