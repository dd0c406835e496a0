//! The deterministic writer: the same lock always gives the same bytes.

use std::fmt::Write as _;

use super::{Bond, LOCK_HEADER, LOCK_VERSION, Lockfile};

pub(super) fn to_toml(lock: &Lockfile) -> String {
    let mut out = String::with_capacity(256 + 256 * lock.bonds.len());
    out.push_str(LOCK_HEADER);
    let _ = write!(out, "\nversion = {LOCK_VERSION}\n\n[sources]\n");
    for (anchor, mirrors) in &lock.sources {
        let list: Vec<String> = mirrors.iter().map(|m| quote(m)).collect();
        let _ = writeln!(out, "{} = [{}]", quote(anchor.as_str()), list.join(", "));
    }
    let mut bonds: Vec<&Bond> = lock.bonds.iter().collect();
    bonds.sort_by(|a, b| a.name().cmp(b.name()));
    for bond in bonds {
        out.push_str("\n[[bonds]]\n");
        for (key, value) in fields(bond) {
            let _ = writeln!(out, "{key} = {value}");
        }
    }
    out
}

/// A bond's fields in the order they are written, values as TOML.
fn fields(bond: &Bond) -> Vec<(&'static str, String)> {
    let mut fields = vec![("type", quote(bond.bond_type().as_str()))];
    let mut string = |key: &'static str, value: Option<&str>| {
        if let Some(value) = value {
            fields.push((key, quote(value)));
        }
    };
    match bond {
        Bond::Atom(b) => {
            string("tag", Some(b.tag.as_str()));
            string("version", Some(b.version.as_str()));
            string("source", Some(b.source.as_str()));
            string("rev", Some(b.rev.as_str()));
            string("id", Some(&b.id.to_string()));
            string("hash", Some(&b.hash.to_sri()));
        }
        Bond::Url(b) => {
            string("name", Some(b.name.as_str()));
            string("version", b.version.as_deref());
            string("url", Some(&b.url));
            string("hash", Some(&b.hash.to_sri()));
        }
        Bond::Git(b) => {
            string("name", Some(b.name.as_str()));
            string("version", b.version.as_deref());
            string("url", Some(&b.url));
            string("ref", b.git_ref.as_deref());
            string("rev", Some(b.rev.as_str()));
            string("hash", Some(&b.hash.to_sri()));
        }
        Bond::Tar(b) => {
            string("name", Some(b.name.as_str()));
            string("version", b.version.as_deref());
            string("url", Some(&b.url));
            string("hash", Some(&b.hash.to_sri()));
        }
        Bond::Build(b) => {
            string("name", Some(b.name.as_str()));
            string("version", b.version.as_deref());
            string("url", Some(&b.url));
            string("hash", Some(&b.hash.to_sri()));
            if b.exec {
                fields.push(("exec", "true".to_owned()));
            }
            if b.unpack_is_explicit() {
                fields.push(("unpack", b.unpack.to_string()));
            }
        }
    }
    fields
}

/// `text` as a TOML basic string.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
