//! Errors that point into a file: path, line, column, the line itself with
//! the offending text underlined, and what to do about it.
//!
//! ```text
//! error: undeclared source `company-atoms`
//!   --> atom.toml:9:8
//!    |
//!  9 | [atoms.company-atoms]
//!    |        ^^^^^^^^^^^^^
//!    = help: declare it in [atom.sources], e.g. `company-atoms = "https://…"`
//! ```

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A byte range in a file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    /// The first byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The span from `start` to `end` (bytes).
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// `len` bytes starting `offset` bytes into this span.
    pub fn sub(self, offset: usize, len: usize) -> Self {
        let start = (self.start + offset).min(self.end);
        Self::new(start, (start + len).min(self.end.max(start)))
    }
}

impl From<Range<usize>> for Span {
    fn from(range: Range<usize>) -> Self {
        Self::new(range.start, range.end)
    }
}

/// A value and where it was written.
#[derive(Debug, Clone, Copy)]
pub struct Spanned<T> {
    value: T,
    span: Span,
}

impl<T> Spanned<T> {
    /// `value`, written at `span`.
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }

    /// Where the value was written.
    pub fn span(&self) -> Span {
        self.span
    }

    /// The value.
    pub fn get(&self) -> &T {
        &self.value
    }

    /// The value, without its position.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// Positions compare equal whatever their spans: two manifests that say the
/// same thing in different places are the same manifest.
impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Spanned<T> {}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

/// A file's path and text, to turn byte spans into diagnostics.
#[derive(Debug, Clone, Copy)]
pub struct SourceFile<'a> {
    path: &'a Path,
    text: &'a str,
}

impl<'a> SourceFile<'a> {
    /// The file at `path` (as it should be shown to a user) holding `text`.
    pub fn new(path: &'a Path, text: &'a str) -> Self {
        Self { path, text }
    }

    /// The path as given.
    pub fn path(&self) -> &'a Path {
        self.path
    }

    /// The text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// A diagnostic `message` about the text at `span`.
    pub fn error(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        let start = floor_char_boundary(self.text, span.start.min(self.text.len()));
        let end = floor_char_boundary(self.text, span.end.clamp(start, self.text.len()));
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        let line_text = self.text[line_start..line_end].trim_end_matches('\r');
        let line = self.text[..start].matches('\n').count() + 1;
        let column = self.text[line_start..start].chars().count() + 1;
        // Underline to the end of the span or of its first line, at least one column.
        let underlined = self.text[start..end.min(line_end)].chars().count().max(1);
        Diagnostic {
            path: self.path.to_path_buf(),
            location: Some(Location {
                line,
                column,
                line_text: line_text.to_owned(),
                underlined,
            }),
            message: message.into(),
            help: None,
        }
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Where in a file a [`Diagnostic`] points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The line, from 1.
    pub line: usize,
    /// The column in characters, from 1.
    pub column: usize,
    line_text: String,
    underlined: usize,
}

/// One problem with a file, at a line and column when there is one to name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    path: PathBuf,
    location: Option<Location>,
    message: String,
    help: Option<String>,
}

impl Diagnostic {
    /// A problem with the file as a whole.
    pub fn whole_file(path: &Path, message: impl Into<String>) -> Self {
        Self {
            path: path.to_path_buf(),
            location: None,
            message: message.into(),
            help: None,
        }
    }

    /// Add a suggestion of what to do.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The line and column, when the problem has a place.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What to do about it, if known.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match &self.location {
            None => write!(f, "{path}: {}", self.message)?,
            Some(at) => {
                write!(f, "{path}:{}:{}: {}", at.line, at.column, self.message)?;
                let number = at.line.to_string();
                let pad = " ".repeat(number.len());
                let indent: String = at
                    .line_text
                    .chars()
                    .take(at.column - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                write!(
                    f,
                    "\n {pad} |\n {number} | {}\n {pad} | {indent}{}",
                    at.line_text,
                    "^".repeat(at.underlined)
                )?;
            }
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// Every problem found in a file, in the order of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// The problems, in file order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// How many problems there are (at least one).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: an error has at least one problem.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn from_vec(mut list: Vec<Diagnostic>) -> Self {
        debug_assert!(!list.is_empty());
        list.sort_by_key(|d| d.location.as_ref().map(|at| (at.line, at.column)));
        Self(list)
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Self(vec![diagnostic])
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            diagnostic.fmt(f)?;
        }
        if self.0.len() > 1 {
            write!(f, "\n\n{} problems", self.0.len())?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_from_one_in_characters() {
        let text = "a = 1\n[é]\nkey = \"x\"\n";
        let file = SourceFile::new(Path::new("atom.toml"), text);
        let at = |offset| {
            let d = file.error(Span::new(offset, offset + 1), "m");
            let at = d.location().unwrap();
            (at.line, at.column)
        };
        assert_eq!(at(0), (1, 1));
        assert_eq!(at(4), (1, 5));
        assert_eq!(at(6), (2, 1));
        // `]` after the two-byte é is the third character of line 2.
        assert_eq!(at(9), (2, 3));
        assert_eq!(at(11), (3, 1));
    }

    #[test]
    fn a_diagnostic_shows_the_line_and_underlines_the_span() {
        let text = "[atom]\ntag = \"9atom\"\n";
        let file = SourceFile::new(Path::new("dir/atom.toml"), text);
        let diagnostic = file
            .error(Span::new(13, 20), "invalid label")
            .with_help("start with a letter");
        assert_eq!(
            diagnostic.to_string(),
            "dir/atom.toml:2:7: invalid label\n   |\n 2 | tag = \"9atom\"\n   |       ^^^^^^^\n  = help: start with a letter"
        );
    }

    #[test]
    fn spans_past_the_end_or_inside_a_character_are_clamped() {
        let text = "é";
        let file = SourceFile::new(Path::new("f"), text);
        let d = file.error(Span::new(1, 10), "m");
        assert_eq!(d.location().map(|at| at.column), Some(1));
        let d = file.error(Span::new(5, 10), "m");
        assert_eq!(d.location().map(|at| (at.line, at.column)), Some((1, 2)));
    }

    #[test]
    fn several_problems_are_listed_in_file_order_and_counted() {
        let text = "a\nb\n";
        let file = SourceFile::new(Path::new("f"), text);
        let all = Diagnostics::from_vec(vec![
            file.error(Span::new(2, 3), "second"),
            file.error(Span::new(0, 1), "first"),
        ]);
        let shown = all.to_string();
        assert!(shown.starts_with("f:1:1: first"), "{shown}");
        assert!(shown.contains("f:2:1: second"), "{shown}");
        assert!(shown.ends_with("2 problems"), "{shown}");
    }
}
