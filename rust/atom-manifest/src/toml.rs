//! Reading TOML with positions: the helpers the manifest and lock readers
//! share to walk a parsed document and report problems at their place.

use toml_edit::{Document, Item, TableLike};

use crate::diagnostic::{Diagnostic, Diagnostics, SourceFile, Span, Spanned};

/// A key and its value in a table, with where both were written and the
/// dotted path of the key from the document's root.
#[derive(Debug)]
pub(crate) struct Entry<'t> {
    pub key: &'t str,
    pub key_span: Span,
    pub item: &'t Item,
    /// The value's span (the key's when the value has none of its own).
    pub span: Span,
    pub path: Vec<String>,
}

/// Collects diagnostics while a document is read.
#[derive(Debug)]
pub(crate) struct TomlReader<'a> {
    file: SourceFile<'a>,
    errors: Vec<Diagnostic>,
}

impl<'a> TomlReader<'a> {
    pub fn new(file: SourceFile<'a>) -> Self {
        Self {
            file,
            errors: Vec::new(),
        }
    }

    pub fn file(&self) -> SourceFile<'a> {
        self.file
    }

    /// Parse the file as TOML; a syntax error is reported at its place.
    pub fn document(&self) -> Result<Document<&'a str>, Diagnostics> {
        Document::parse(self.file.text()).map_err(|err| {
            let span = err.span().map_or_else(Span::default, Span::from);
            let message = err.message().trim_end().to_owned();
            let message = if message.is_empty() {
                "invalid TOML".to_owned()
            } else {
                format!("invalid TOML: {message}")
            };
            self.file.error(span, message).into()
        })
    }

    /// The value, or every problem found (the value is `None` only when
    /// there were some).
    pub fn finish<T>(self, value: Option<T>) -> Result<T, Diagnostics> {
        match value {
            Some(value) if self.errors.is_empty() => Ok(value),
            _ if self.errors.is_empty() => {
                Err(Diagnostic::whole_file(self.file.path(), "cannot be read (no details)").into())
            }
            _ => Err(Diagnostics::from_vec(self.errors)),
        }
    }

    pub fn error(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.file.error(span, message)
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.errors.push(diagnostic);
    }

    /// The line `span` starts on.
    pub fn line_of(&self, span: Span) -> usize {
        self.file.error(span, "").location().map_or(1, |at| at.line)
    }

    /// The span of bytes `offset..offset + len` of `value`, a string written
    /// at `span`.
    pub fn inner_span(&self, span: Span, value: &str, offset: usize, len: usize) -> Span {
        let raw = self
            .file
            .text()
            .get(span.start..span.end)
            .unwrap_or_default();
        inner_span_of(span, raw, value, offset, len)
    }

    /// The entry's value as a table (standard, dotted or inline).
    pub fn table<'t>(&mut self, entry: &Entry<'t>) -> Option<&'t dyn TableLike> {
        if let Some(table) = entry.item.as_table_like() {
            return Some(table);
        }
        let message = format!(
            "`{}` must be a table, not {}",
            dotted(&entry.path),
            a(entry.item.type_name())
        );
        self.push(self.error(entry.span, message));
        None
    }

    pub fn string(&mut self, entry: &Entry<'_>) -> Option<Spanned<String>> {
        match entry.item.as_str() {
            Some(s) => Some(Spanned::new(s.to_owned(), entry.span)),
            None => {
                self.wrong_type(entry, "a string");
                None
            }
        }
    }

    pub fn boolean(&mut self, entry: &Entry<'_>) -> Option<Spanned<bool>> {
        match entry.item.as_bool() {
            Some(b) => Some(Spanned::new(b, entry.span)),
            None => {
                self.wrong_type(entry, "a boolean (true or false)");
                None
            }
        }
    }

    pub fn integer(&mut self, entry: &Entry<'_>) -> Option<Spanned<i64>> {
        match entry.item.as_integer() {
            Some(i) => Some(Spanned::new(i, entry.span)),
            None => {
                self.wrong_type(entry, "an integer");
                None
            }
        }
    }

    fn wrong_type(&mut self, entry: &Entry<'_>, expected: &str) {
        let message = format!(
            "`{}` must be {expected}, not {}",
            dotted(&entry.path),
            a(entry.item.type_name())
        );
        self.push(self.error(entry.span, message));
    }

    /// Report `entry` as a key that does not belong where it is.
    pub fn unknown_key(&mut self, entry: &Entry<'_>, allowed: &[&str]) {
        let message = format!("unknown key `{}`", dotted(&entry.path));
        let expected = allowed
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let diagnostic = self
            .error(entry.key_span, message)
            .with_help(format!("expected one of {expected}"));
        self.push(diagnostic);
    }
}

/// The entries of `table`, in file order.
pub(crate) fn entries<'t>(table: &'t dyn TableLike, parent: &[String]) -> Vec<Entry<'t>> {
    let mut entries: Vec<Entry<'t>> = table
        .iter()
        .filter(|(_, item)| !item.is_none())
        .map(|(key, item)| {
            let key_span = table
                .key(key)
                .and_then(toml_edit::Key::span)
                .map_or_else(Span::default, Span::from);
            let span = item.span().map_or(key_span, Span::from);
            let mut path = parent.to_vec();
            path.push(key.to_owned());
            Entry {
                key,
                key_span,
                item,
                span,
                path,
            }
        })
        .collect();
    entries.sort_by_key(|e| e.key_span.start);
    entries
}

/// The span of bytes `offset..offset + len` of `value`, where `raw` (the
/// text at `span`) is `value` itself (a bare key) or `value` between quotes
/// with no escapes. Otherwise the whole span: positions inside an escaped
/// string are not worth guessing.
pub(crate) fn inner_span_of(span: Span, raw: &str, value: &str, offset: usize, len: usize) -> Span {
    if raw == value {
        span.sub(offset, len)
    } else if raw.len() == value.len() + 2 && raw.get(1..raw.len() - 1) == Some(value) {
        span.sub(offset + 1, len)
    } else {
        span
    }
}

/// `a.b."c.d"`: a key path as TOML would write it.
pub(crate) fn dotted(path: &[String]) -> String {
    path.iter()
        .map(|key| {
            let bare = !key.is_empty()
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if bare {
                key.clone()
            } else {
                format!("{key:?}")
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// "a string", "an integer", "an array": a TOML type name with its article.
pub(crate) fn a(type_name: &str) -> String {
    let article = if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {type_name}")
}
