//! `eka uri URI`: show how eka reads an atom URI.

use std::io::Write;

use alurl::AliasedUrl;
use atom_uri::AtomUri;
use clap::Args;
use serde::Serialize;

use crate::config::Config;
use crate::output::Output;

#[derive(Debug, Args)]
pub struct UriArgs {
    /// The atom URI: `[source::]label[@version]`.
    #[arg(value_name = "URI")]
    pub uri: String,
}

/// What `--json` prints.
#[derive(Debug, Serialize)]
struct Parsed<'a> {
    uri: &'a str,
    source: Option<Source<'a>>,
    label: &'a str,
    version: Option<&'a str>,
}

/// The source of a URI: as written, expanded, and as git reads it.
#[derive(Debug, Serialize)]
struct Source<'a> {
    written: &'a str,
    expanded: &'a str,
    /// The aliases expanded, the written one first (empty when none was).
    aliases: Vec<&'a str>,
    /// `url`, `scp`, `host-path`, `local` or `remote-helper`.
    form: &'static str,
    /// The location git connects to.
    url: String,
    scheme: &'a str,
    user: Option<&'a str>,
    host: Option<&'a str>,
    port: Option<u16>,
    path: String,
}

impl<'a> Source<'a> {
    fn new(written: &'a str, source: &'a AliasedUrl) -> Self {
        let url = source.url();
        Self {
            written,
            expanded: source.as_str(),
            aliases: source
                .alias()
                .map(|alias| alias.chain().iter().map(alurl::AliasName::as_str).collect())
                .unwrap_or_default(),
            form: url.form().as_str(),
            url: url.as_git().to_bstring().to_string(),
            scheme: url.scheme().as_str(),
            user: url.user(),
            host: url.host(),
            port: url.port(),
            path: url.path().into_owned(),
        }
    }
}

pub fn run(args: &UriArgs, out: &Output) -> anyhow::Result<()> {
    let aliases = Config::load()?.aliases();
    let uri = AtomUri::parse(&args.uri, &aliases)?;
    let parsed = Parsed {
        uri: &args.uri,
        source: uri
            .raw()
            .source()
            .zip(uri.source())
            .map(|(written, source)| Source::new(written, source)),
        label: uri.label().as_str(),
        version: uri.version().map(atom_uri::RawVersion::as_str),
    };
    out.result(&parsed, |w| write_human(w, &parsed))
}

fn write_human(w: &mut dyn Write, parsed: &Parsed<'_>) -> std::io::Result<()> {
    match &parsed.source {
        None => writeln!(w, "source:   (none: the repository the URI is used in)")?,
        Some(source) => {
            writeln!(w, "source:   {}", source.written)?;
            if source.aliases.is_empty() {
                writeln!(w, "expanded: {} (no alias)", source.expanded)?;
            } else {
                let via = source.aliases.join(" → +");
                writeln!(w, "expanded: {} (via +{via})", source.expanded)?;
            }
            writeln!(w, "git url:  {} ({})", source.url, source.form)?;
        }
    }
    writeln!(w, "label:    {}", parsed.label)?;
    match parsed.version {
        Some(version) => writeln!(w, "version:  {version}"),
        None => writeln!(w, "version:  (any)"),
    }
}
