//! What `git archive` does to a regular file's bytes: git's
//! `convert_to_working_tree` (the `ident` and end-of-line conversions) under
//! git's default configuration, and the `export-subst` check.
//!
//! The default configuration is what a revision's hash can depend on:
//! `core.autocrlf` unset, `core.eol` native (LF on the systems Nix runs on)
//! and no filter drivers. Under it, line endings change only for files whose
//! attributes ask for CRLF (`eol=crlf`, possibly with `text=auto`), and `filter`
//! attributes do nothing.

use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice as _};

use super::attributes::{PathAttributes, State};

/// Git's `convert_crlf_action` after defaults are applied, reduced to what
/// changes the checked-out bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Crlf {
    /// `CRLF_TEXT_CRLF`: every lone LF becomes CRLF.
    Text,
    /// `CRLF_AUTO_CRLF`: the same, unless the file looks binary or already
    /// has CR or CRLF line endings.
    Auto,
}

/// How one regular file is transformed on its way into the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Conversion {
    ident: bool,
    crlf: Option<Crlf>,
    /// `export-subst` is set and a commit is being archived.
    subst: bool,
}

/// A conversion git would make that this crate cannot reproduce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unsupported {
    /// `working-tree-encoding` with an encoding other than UTF-8.
    Encoding(BString),
}

impl Conversion {
    /// Decide from a path's attributes, as git's `convert_attrs` does.
    pub(crate) fn from_attributes(
        attributes: &PathAttributes,
        archiving_a_commit: bool,
    ) -> Result<Self, Unsupported> {
        if let State::Value(encoding) = &attributes.working_tree_encoding
            && !encoding.is_empty()
            && !is_utf8_name(encoding.as_bstr())
        {
            return Err(Unsupported::Encoding(encoding.clone()));
        }
        Ok(Self {
            ident: attributes.ident.is_set(),
            crlf: crlf_action(attributes),
            subst: archiving_a_commit && attributes.export_subst.is_set(),
        })
    }

    /// Whether [`apply`](Self::apply) may change anything.
    pub(crate) fn is_identity(&self) -> bool {
        *self == Self::default()
    }

    /// The bytes git writes into the archive for a blob `id` holding `data`,
    /// or [`ExportSubst`] when `export-subst` would substitute a placeholder.
    pub(crate) fn apply(&self, id: &ObjectId, data: Vec<u8>) -> Result<Vec<u8>, ExportSubst> {
        let data = if self.ident {
            ident_to_worktree(&data, id).unwrap_or(data)
        } else {
            data
        };
        let data = match self.crlf {
            Some(crlf) => crlf_to_worktree(&data, crlf).unwrap_or(data),
            None => data,
        };
        if self.subst && has_format_placeholder(&data) {
            return Err(ExportSubst);
        }
        Ok(data)
    }
}

/// `export-subst` would replace a `$Format:…$` placeholder with commit
/// metadata whose rendering depends on the local git (abbreviation lengths,
/// dates, `describe`): refused rather than guessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ExportSubst;

/// `git_path_check_crlf` and the defaults of `convert_attrs`.
fn crlf_action(attributes: &PathAttributes) -> Option<Crlf> {
    #[derive(PartialEq)]
    enum Action {
        Undefined,
        Binary,
        Text,
        TextInput,
        TextCrlf,
        Auto,
        AutoInput,
        AutoCrlf,
    }
    let from_state = |state: &State| match state {
        State::Set => Action::Text,
        State::Unset => Action::Binary,
        State::Value(v) if v == "input" => Action::TextInput,
        State::Value(v) if v == "auto" => Action::Auto,
        _ => Action::Undefined,
    };
    let mut action = from_state(&attributes.text);
    if action == Action::Undefined {
        action = from_state(&attributes.crlf);
    }
    if action != Action::Binary {
        let eol = attributes.eol.value();
        let lf = eol == Some("lf".into());
        let crlf = eol == Some("crlf".into());
        action = match action {
            Action::Auto if lf => Action::AutoInput,
            Action::Auto if crlf => Action::AutoCrlf,
            _ if lf => Action::TextInput,
            _ if crlf => Action::TextCrlf,
            other => other,
        };
    }
    match action {
        Action::TextCrlf => Some(Crlf::Text),
        Action::AutoCrlf => Some(Crlf::Auto),
        // With the defaults, `text` and `text=auto` check out with LF, and
        // an undefined action means binary: nothing changes.
        Action::Undefined
        | Action::Binary
        | Action::Text
        | Action::TextInput
        | Action::Auto
        | Action::AutoInput => None,
    }
}

/// git's `is_encoding_utf8`: the names under which git skips re-encoding.
fn is_utf8_name(name: &BStr) -> bool {
    name.eq_ignore_ascii_case(b"utf-8") || name.eq_ignore_ascii_case(b"utf8")
}

/// git's `text_stat`.
#[derive(Debug, Default)]
struct TextStat {
    nul: u32,
    lone_cr: u32,
    lone_lf: u32,
    crlf: u32,
    printable: u32,
    nonprintable: u32,
}

/// git's `gather_stats`, counter for counter (its counters are `unsigned`,
/// hence the wrapping arithmetic).
fn gather_stats(buf: &[u8]) -> TextStat {
    let mut stats = TextStat::default();
    let mut i = 0;
    while i < buf.len() {
        let c = buf[i];
        if c == b'\r' {
            if buf.get(i + 1) == Some(&b'\n') {
                stats.crlf = stats.crlf.wrapping_add(1);
                i += 1;
            } else {
                stats.lone_cr = stats.lone_cr.wrapping_add(1);
            }
        } else if c == b'\n' {
            stats.lone_lf = stats.lone_lf.wrapping_add(1);
        } else if c == 127 {
            stats.nonprintable = stats.nonprintable.wrapping_add(1);
        } else if c < 32 {
            match c {
                // BS, HT, ESC and FF
                b'\x08' | b'\t' | b'\x1b' | b'\x0c' => {
                    stats.printable = stats.printable.wrapping_add(1);
                }
                0 => {
                    stats.nul = stats.nul.wrapping_add(1);
                    stats.nonprintable = stats.nonprintable.wrapping_add(1);
                }
                _ => stats.nonprintable = stats.nonprintable.wrapping_add(1),
            }
        } else {
            stats.printable = stats.printable.wrapping_add(1);
        }
        i += 1;
    }
    // A trailing EOF (^Z) is not counted as non-printable.
    if buf.last() == Some(&b'\x1a') {
        stats.nonprintable = stats.nonprintable.wrapping_sub(1);
    }
    stats
}

/// git's `convert_is_binary`.
fn is_binary(stats: &TextStat) -> bool {
    stats.lone_cr > 0 || stats.nul > 0 || (stats.printable >> 7) < stats.nonprintable
}

/// git's `crlf_to_worktree`: `None` when nothing changes.
fn crlf_to_worktree(src: &[u8], crlf: Crlf) -> Option<Vec<u8>> {
    if src.is_empty() {
        return None;
    }
    let stats = gather_stats(src);
    if stats.lone_lf == 0 {
        return None;
    }
    if crlf == Crlf::Auto && (stats.lone_cr > 0 || stats.crlf > 0 || is_binary(&stats)) {
        return None;
    }
    let mut out = Vec::with_capacity(src.len() + stats.lone_lf as usize);
    let mut rest = src;
    while let Some(nl) = rest.find_byte(b'\n') {
        if nl > 0 && rest[nl - 1] == b'\r' {
            out.extend_from_slice(&rest[..=nl]);
        } else {
            out.extend_from_slice(&rest[..nl]);
            out.extend_from_slice(b"\r\n");
        }
        rest = &rest[nl + 1..];
    }
    out.extend_from_slice(rest);
    Some(out)
}

/// git's `count_ident`: whether there is any `$Id$` or `$Id:…$` to expand.
fn has_ident(src: &[u8]) -> bool {
    let mut i = 0;
    while i < src.len() {
        let ch = src[i];
        i += 1;
        if ch != b'$' {
            continue;
        }
        if src.len() - i < 3 {
            return false;
        }
        if &src[i..i + 2] != b"Id" {
            continue;
        }
        let ch = src[i + 2];
        i += 3;
        if ch == b'$' {
            return true;
        }
        if ch != b':' {
            continue;
        }
        while i < src.len() {
            let ch = src[i];
            i += 1;
            if ch == b'$' {
                return true;
            }
            if ch == b'\n' {
                break;
            }
        }
    }
    false
}

/// git's `ident_to_worktree`: `$Id$` and `$Id: … $` become
/// `$Id: <blob id> $`. `None` when there is nothing to expand.
fn ident_to_worktree(src: &[u8], id: &ObjectId) -> Option<Vec<u8>> {
    if !has_ident(src) {
        return None;
    }
    let hex = id.to_hex().to_string();
    let mut out = Vec::with_capacity(src.len() + hex.len() + 8);
    let mut rest = src;
    // Step 1: run to the next '$'.
    while let Some(dollar) = rest.find_byte(b'$') {
        out.extend_from_slice(&rest[..=dollar]);
        rest = &rest[dollar + 1..];

        // Step 2: does it look like "Id$" or "Id:…$"?
        if rest.len() < 3 || &rest[..2] != b"Id" {
            continue;
        }
        // Step 3: skip over it.
        if rest[2] == b'$' {
            rest = &rest[3..];
        } else if rest[2] == b':' {
            let Some(close) = rest[3..].find_byte(b'$').map(|p| p + 3) else {
                // An incomplete keyword: git stops expanding here.
                break;
            };
            if rest[3..close].contains(&b'\n') {
                continue;
            }
            // git searches from the fourth byte after "Id", so a space right
            // after the colon is expected; any other space before the last
            // byte marks a foreign keyword, which is kept.
            if close > 4
                && let Some(space) = rest[4..close].find_byte(b' ').map(|p| p + 4)
                && space < close - 1
            {
                continue;
            }
            rest = &rest[close + 1..];
        } else {
            continue;
        }
        // Step 4: substitute.
        out.extend_from_slice(b"Id: ");
        out.extend_from_slice(hex.as_bytes());
        out.extend_from_slice(b" $");
    }
    out.extend_from_slice(rest);
    Some(out)
}

/// Whether git's `format_subst` would replace anything: a `$Format:` with a
/// `$` somewhere after it.
fn has_format_placeholder(data: &[u8]) -> bool {
    data.find(b"$Format:")
        .is_some_and(|start| data[start + 8..].contains(&b'$'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attributes(text: State, eol: State) -> PathAttributes {
        PathAttributes {
            text,
            eol,
            ..PathAttributes::default()
        }
    }

    fn value(v: &str) -> State {
        State::Value(v.into())
    }

    #[test]
    fn only_crlf_endings_change_bytes_under_the_defaults() {
        let cases = [
            (State::Unspecified, State::Unspecified, None),
            (State::Set, State::Unspecified, None),
            (value("auto"), State::Unspecified, None),
            (State::Set, value("lf"), None),
            (State::Unset, value("crlf"), None),
            (State::Set, value("crlf"), Some(Crlf::Text)),
            (State::Unspecified, value("crlf"), Some(Crlf::Text)),
            (value("input"), value("crlf"), Some(Crlf::Text)),
            (value("auto"), value("crlf"), Some(Crlf::Auto)),
            (value("auto"), value("lf"), None),
            (value("true"), value("crlf"), Some(Crlf::Text)),
        ];
        for (text, eol, expected) in cases {
            let attrs = attributes(text.clone(), eol.clone());
            assert_eq!(crlf_action(&attrs), expected, "text={text:?} eol={eol:?}");
        }
    }

    #[test]
    fn the_legacy_crlf_attribute_is_a_fallback_for_text() {
        let attrs = PathAttributes {
            crlf: State::Set,
            eol: value("crlf"),
            ..PathAttributes::default()
        };
        assert_eq!(crlf_action(&attrs), Some(Crlf::Text));
        let attrs = PathAttributes {
            crlf: State::Unset,
            eol: value("crlf"),
            ..PathAttributes::default()
        };
        assert_eq!(crlf_action(&attrs), None);
    }

    #[test]
    fn lone_lfs_become_crlf_and_existing_crlfs_stay() {
        assert_eq!(
            crlf_to_worktree(b"a\nb\r\nc\n", Crlf::Text).unwrap(),
            b"a\r\nb\r\nc\r\n"
        );
        assert_eq!(crlf_to_worktree(b"no newline", Crlf::Text), None);
        assert_eq!(crlf_to_worktree(b"a\r\nb\r\n", Crlf::Text), None);
    }

    #[test]
    fn auto_leaves_binary_and_mixed_files_alone() {
        assert_eq!(crlf_to_worktree(b"a\nb\r\n", Crlf::Auto), None);
        assert_eq!(crlf_to_worktree(b"a\0\nb\n", Crlf::Auto), None);
        assert_eq!(crlf_to_worktree(b"a\rb\n", Crlf::Auto), None);
        assert_eq!(
            crlf_to_worktree(b"a\nb\n", Crlf::Auto).unwrap(),
            b"a\r\nb\r\n"
        );
        // Text mode converts even binary-looking files.
        assert_eq!(crlf_to_worktree(b"\0\n", Crlf::Text).unwrap(), b"\0\r\n");
    }

    #[test]
    fn idents_expand_to_the_blob_id() {
        let id = ObjectId::from_hex(b"0123456789abcdef0123456789abcdef01234567").unwrap();
        let expanded = "$Id: 0123456789abcdef0123456789abcdef01234567 $";
        assert_eq!(
            ident_to_worktree(b"x $Id$ y", &id).unwrap(),
            format!("x {expanded} y").as_bytes()
        );
        assert_eq!(
            ident_to_worktree(b"$Id: old $ and $Id:old$", &id).unwrap(),
            format!("{expanded} and {expanded}").as_bytes()
        );
        // A foreign keyword (spaces inside) stays; one broken by a newline
        // is not a keyword at all.
        assert_eq!(
            ident_to_worktree(b"$Id: a b c $", &id).unwrap(),
            b"$Id: a b c $"
        );
        assert_eq!(ident_to_worktree(b"$Id: a\n$", &id), None);
        assert_eq!(
            ident_to_worktree(b"$Id: a\n$ $Id$", &id).unwrap(),
            format!("$Id: a\n$ {expanded}").as_bytes()
        );
        assert_eq!(ident_to_worktree(b"no keyword $ here", &id), None);
        assert_eq!(ident_to_worktree(b"$Id", &id), None);
        assert_eq!(
            ident_to_worktree(b"$Id:$", &id).unwrap(),
            expanded.as_bytes()
        );
        assert_eq!(
            ident_to_worktree(b"$Id: $", &id).unwrap(),
            expanded.as_bytes()
        );
    }

    #[test]
    fn format_placeholders_need_a_closing_dollar() {
        assert!(has_format_placeholder(b"v$Format:%H$"));
        assert!(!has_format_placeholder(b"v$Format:%H"));
        assert!(!has_format_placeholder(b"$Id$"));
    }

    #[test]
    fn other_encodings_are_refused_and_utf8_is_not_an_encoding() {
        let with = |enc: &str| PathAttributes {
            working_tree_encoding: value(enc),
            ..PathAttributes::default()
        };
        assert_eq!(
            Conversion::from_attributes(&with("UTF-16"), true),
            Err(Unsupported::Encoding("UTF-16".into()))
        );
        assert!(
            Conversion::from_attributes(&with("utf8"), true)
                .unwrap()
                .is_identity()
        );
        assert!(
            Conversion::from_attributes(&with("UTF-8"), true)
                .unwrap()
                .is_identity()
        );
    }
}
