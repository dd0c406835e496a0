//! The shared atom URI vectors (`tests/vectors.json`), parsed and resolved
//! with the default aliases plus the vectors' own.

use std::error::Error as _;

use atom_uri::AtomUri;
use serde_json::Value;

const VECTORS: &str = include_str!("vectors.json");

fn aliases(vectors: &Value) -> alurl::Aliases {
    let mut aliases = atom_uri::default_aliases();
    for (name, value) in vectors["aliases"].as_object().expect("an aliases object") {
        let value = value.as_str().expect("alias values are strings");
        aliases
            .insert(name, value)
            .expect("alias names are identifiers");
    }
    aliases
}

/// The error and all its causes, one per line.
fn chain(err: &atom_uri::Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(err) = cause {
        text.push('\n');
        text.push_str(&err.to_string());
        cause = err.source();
    }
    text
}

#[test]
fn every_vector_parses_as_recorded() {
    let vectors: Value = serde_json::from_str(VECTORS).unwrap();
    let aliases = aliases(&vectors);
    let list = vectors["vectors"].as_array().unwrap();
    assert!(
        list.len() >= 10,
        "the vector file lists the issue's vectors"
    );
    for vector in list {
        let text = vector["uri"].as_str().unwrap();
        let parsed = AtomUri::parse(text, &aliases);
        if let Some(expected) = vector.get("error") {
            let err = parsed.expect_err(text);
            let chain = chain(&err);
            assert!(
                chain.contains(expected.as_str().unwrap()),
                "{text}: {chain}"
            );
            continue;
        }
        let uri = parsed.unwrap_or_else(|err| panic!("{text}: {}", chain(&err)));
        let source = uri.source();
        assert_eq!(uri.raw().source(), vector["source"].as_str(), "{text}");
        assert_eq!(
            source.map(alurl::AliasedUrl::as_str),
            vector["expanded"].as_str(),
            "{text}"
        );
        assert_eq!(
            source.and_then(|s| s.alias()).map(|a| a.name().as_str()),
            vector["alias"].as_str(),
            "{text}"
        );
        assert_eq!(
            uri.label().as_str(),
            vector["label"].as_str().unwrap(),
            "{text}"
        );
        assert_eq!(
            uri.version().map(atom_id::RawVersion::as_str),
            vector["version"].as_str(),
            "{text}"
        );
        if let Some(port) = vector.get("port") {
            let port = port.as_u64().and_then(|port| u16::try_from(port).ok());
            assert_eq!(source.and_then(|s| s.url().port()), port, "{text}");
        }
    }
}
