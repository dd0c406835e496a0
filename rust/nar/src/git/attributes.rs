//! The `.gitattributes` that `git archive` consults: those in the tree being
//! archived, nearest directory first, with git's built-in `binary` macro.
//!
//! Matching is gix-attributes', which follows git's rules (gitignore-style
//! patterns relative to the file's directory, trailing `/` for directories
//! only, macros only in the top-level file, the last matching line wins).
//! Attribute files outside the tree (`$GIT_DIR/info/attributes`,
//! `core.attributesFile`, the system file) are not read: they belong to one
//! machine, not to the revision, so a hash that depended on them would not be
//! reproducible anywhere else.

use std::path::{Path, PathBuf};

use gix::bstr::{BStr, BString, ByteSlice as _};
use gix_attributes::search::{MetadataCollection, Outcome};
use gix_attributes::{Search, StateRef};

/// The attributes `git archive` acts on, in this order.
const SELECTION: [&str; 8] = [
    "export-ignore",
    "export-subst",
    "text",
    "crlf",
    "eol",
    "ident",
    "filter",
    "working-tree-encoding",
];

/// The value of one attribute for one path, as git distinguishes them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum State {
    /// No line mentions it (or `!attr`).
    #[default]
    Unspecified,
    /// `attr`
    Set,
    /// `-attr`
    Unset,
    /// `attr=value`
    Value(BString),
}

impl State {
    pub(crate) fn is_set(&self) -> bool {
        *self == State::Set
    }

    pub(crate) fn value(&self) -> Option<&BStr> {
        match self {
            State::Value(value) => Some(value.as_bstr()),
            _ => None,
        }
    }
}

/// The attributes of one path that decide what `git archive` writes.
#[derive(Debug, Clone, Default)]
pub(crate) struct PathAttributes {
    pub export_ignore: State,
    pub export_subst: State,
    pub text: State,
    pub crlf: State,
    pub eol: State,
    pub ident: State,
    pub working_tree_encoding: State,
}

/// A stack of the `.gitattributes` files of the directories from the root of
/// the tree down to the one being walked.
pub(crate) struct Attributes {
    search: Search,
    collection: MetadataCollection,
    outcome: Outcome,
}

impl Attributes {
    pub(crate) fn new() -> Self {
        let mut collection = MetadataCollection::default();
        let search = Search::new_globals(
            std::iter::empty::<PathBuf>(),
            &mut Vec::new(),
            &mut collection,
        )
        .unwrap_or_else(|_| {
            // Reading no files cannot fail; fall back to an empty search
            // rather than panicking if that ever changes.
            Search::default()
        });
        let mut outcome = Outcome::default();
        outcome.initialize_with_selection(&collection, SELECTION);
        Self {
            search,
            collection,
            outcome,
        }
    }

    /// Add the `.gitattributes` of `directory` (`""` for the root, else
    /// `"a/b/"`) holding `contents`. Macros are honoured only at the root,
    /// as git does.
    pub(crate) fn push(&mut self, directory: &BStr, contents: &[u8]) {
        let source = path_from_bytes(directory).join(".gitattributes");
        let added = self.search.add_patterns_buffer(
            contents,
            source,
            Some(Path::new("")),
            &mut self.collection,
            directory.is_empty(),
        );
        if added.is_err() {
            // The source path always has a parent; an error here can only
            // mean a path gix cannot represent, so keep the lists balanced.
            self.search
                .add_patterns_buffer(
                    b"",
                    PathBuf::from(".gitattributes"),
                    None,
                    &mut self.collection,
                    false,
                )
                .ok();
        }
        self.outcome
            .initialize_with_selection(&self.collection, SELECTION);
    }

    /// Forget the most recently pushed `.gitattributes`.
    pub(crate) fn pop(&mut self) {
        self.search.pop_pattern_list();
    }

    /// The attributes of `path` (relative to the root, no trailing slash).
    pub(crate) fn of(&mut self, path: &BStr, is_dir: bool) -> PathAttributes {
        self.outcome.reset();
        self.search.pattern_matching_relative_path(
            path,
            gix::glob::pattern::Case::Sensitive,
            Some(is_dir),
            &mut self.outcome,
        );
        let mut states = self
            .outcome
            .iter_selected()
            .map(|m| match m.assignment.state {
                StateRef::Unspecified => State::Unspecified,
                StateRef::Set => State::Set,
                StateRef::Unset => State::Unset,
                StateRef::Value(value) => State::Value(value.as_bstr().to_owned()),
            });
        let mut next = || states.next().unwrap_or_default();
        let export_ignore = next();
        let export_subst = next();
        let text = next();
        let crlf = next();
        let eol = next();
        let ident = next();
        let _filter = next();
        let working_tree_encoding = next();
        PathAttributes {
            export_ignore,
            export_subst,
            text,
            crlf,
            eol,
            ident,
            working_tree_encoding,
        }
    }
}

#[cfg(unix)]
fn path_from_bytes(bytes: &BStr) -> PathBuf {
    use std::os::unix::ffi::OsStrExt as _;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &BStr) -> PathBuf {
    PathBuf::from(bytes.to_str_lossy().as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignored(attributes: &mut Attributes, path: &str, is_dir: bool) -> bool {
        attributes.of(path.into(), is_dir).export_ignore.is_set()
    }

    #[test]
    fn patterns_apply_below_their_directory() {
        let mut attributes = Attributes::new();
        attributes.push("".into(), b"*.log export-ignore\n/top-only export-ignore\n");
        attributes.push("sub/".into(), b"local export-ignore\n");
        assert!(ignored(&mut attributes, "a.log", false));
        assert!(ignored(&mut attributes, "sub/deep/b.log", false));
        assert!(ignored(&mut attributes, "top-only", false));
        assert!(!ignored(&mut attributes, "sub/top-only", false));
        assert!(ignored(&mut attributes, "sub/local", false));
        assert!(ignored(&mut attributes, "sub/x/local", false));
        attributes.pop();
        assert!(!ignored(&mut attributes, "sub/local", false));
    }

    #[test]
    fn trailing_slash_patterns_match_directories_only() {
        let mut attributes = Attributes::new();
        attributes.push("".into(), b"build/ export-ignore\n");
        assert!(ignored(&mut attributes, "build", true));
        assert!(!ignored(&mut attributes, "build", false));
    }

    #[test]
    fn deeper_files_and_later_lines_win() {
        let mut attributes = Attributes::new();
        attributes.push("".into(), b"*.txt export-ignore\nkeep.txt -export-ignore\n");
        attributes.push("d/".into(), b"*.txt -export-ignore\n");
        assert!(ignored(&mut attributes, "x.txt", false));
        assert!(!ignored(&mut attributes, "keep.txt", false));
        assert!(!ignored(&mut attributes, "d/x.txt", false));
    }

    #[test]
    fn macros_count_only_at_the_root() {
        let mut attributes = Attributes::new();
        attributes.push("".into(), b"[attr]gone export-ignore\n*.a gone\n");
        attributes.push("d/".into(), b"[attr]other export-ignore\n*.b other\n");
        assert!(ignored(&mut attributes, "x.a", false));
        assert!(ignored(&mut attributes, "d/x.a", false));
        assert!(!ignored(&mut attributes, "d/x.b", false));
    }

    #[test]
    fn the_builtin_binary_macro_unsets_text() {
        let mut attributes = Attributes::new();
        attributes.push("".into(), b"* text eol=crlf\n*.png binary\n");
        let png = attributes.of("a.png".into(), false);
        assert_eq!(png.text, State::Unset);
        assert_eq!(png.eol.value(), Some("crlf".into()));
        let txt = attributes.of("a.txt".into(), false);
        assert_eq!(txt.text, State::Set);
    }
}
