//! A URL after expansion: its text, and what git makes of it.

use std::borrow::Cow;
use std::fmt;

use crate::error::Error;
use crate::locate::{Layout, redact};

/// The written form of a [`Url`], which decides how git reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// `scheme://[user[:password]@]host[:port]/path`.
    Url,
    /// SCP-like `[user@]host:path`, read as SSH.
    Scp,
    /// `[user@]host/path` without a scheme, as an alias at the host position
    /// produces (`+gh/owner/repo` → `github.com/owner/repo`). The alias says
    /// the first segment is a host, so this is read as
    /// `https://host/path`, or `ssh://user@host/path` when a user is given.
    /// Only an expansion has this form: written out, the same text is a
    /// [local path](Form::Local), as git would read it.
    HostPath,
    /// A local path (`/srv/git/repo`, `../repo`, `repo`).
    Local,
    /// A git remote helper, `helper::address`.
    RemoteHelper,
}

impl Form {
    /// A short lowercase name: `url`, `scp`, `host-path`, `local`,
    /// `remote-helper`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Url => "url",
            Self::Scp => "scp",
            Self::HostPath => "host-path",
            Self::Local => "local",
            Self::RemoteHelper => "remote-helper",
        }
    }
}

impl fmt::Display for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A URL after alias expansion, classified by `gix-url`.
///
/// The text is kept exactly as expanded ([`as_str`](Self::as_str)); the
/// classification ([`as_git`](Self::as_git) and the accessors) is what git
/// would connect to. [`Display`](fmt::Display) redacts a password, like
/// `gix-url` does.
///
/// ```
/// use alurl::{Aliases, Form};
///
/// let aliases: Aliases = [("gh", "github.com")].try_into()?;
///
/// let scp = alurl::expand("git@+gh:owner/repo", &aliases)?.into_url();
/// assert_eq!(scp.as_str(), "git@github.com:owner/repo");
/// assert_eq!(scp.form(), Form::Scp);
/// assert_eq!(scp.scheme().as_str(), "ssh");
/// assert_eq!((scp.user(), scp.host()), (Some("git"), Some("github.com")));
/// assert_eq!(scp.path(), "owner/repo");
///
/// let short = alurl::expand("+gh/owner/repo", &aliases)?.into_url();
/// assert_eq!(short.as_str(), "github.com/owner/repo");
/// assert_eq!(short.form(), Form::HostPath);
/// assert_eq!(short.as_git().to_bstring(), "https://github.com/owner/repo");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Url {
    text: String,
    form: Form,
    git: gix_url::Url,
}

impl Url {
    /// Classify `text`. `after_alias` says whether an alias stood at its host
    /// position, which makes a schemeless `host/path` a [`Form::HostPath`].
    pub(crate) fn classify(text: String, after_alias: bool) -> Result<Self, Error> {
        let git = parse(&text, &text)?;
        let form = match (git.serialize_alternative_form, &git.scheme) {
            (false, _) => Form::Url,
            (true, gix_url::Scheme::Ssh) => Form::Scp,
            (true, gix_url::Scheme::File) => Form::Local,
            (true, _) => Form::RemoteHelper,
        };
        if form == Form::Local && after_alias && !looks_local(&text) {
            let scheme = if Layout::of(&text).userinfo.is_some() {
                "ssh"
            } else {
                "https"
            };
            let git = parse(&format!("{scheme}://{text}"), &text)?;
            return Ok(Self {
                text,
                form: Form::HostPath,
                git,
            });
        }
        Ok(Self { text, form, git })
    }

    /// The text, exactly as expanded (including any password).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// How the text is written.
    pub fn form(&self) -> Form {
        self.form
    }

    /// What `gix-url` makes of the text: the location git would connect to.
    pub fn as_git(&self) -> &gix_url::Url {
        &self.git
    }

    /// The `gix-url` classification, consuming the URL.
    pub fn into_git(self) -> gix_url::Url {
        self.git
    }

    /// The transport: `https`, `ssh`, `file`, …
    pub fn scheme(&self) -> &gix_url::Scheme {
        &self.git.scheme
    }

    /// The user, if one is given.
    pub fn user(&self) -> Option<&str> {
        self.git.user()
    }

    /// The password, if one is given.
    pub fn password(&self) -> Option<&str> {
        self.git.password()
    }

    /// The host, if there is one (local paths and remote helpers have none).
    pub fn host(&self) -> Option<&str> {
        self.git.host()
    }

    /// The port, if one is written.
    pub fn port(&self) -> Option<u16> {
        self.git.port
    }

    /// The path, percent-decoded. Bytes that are not UTF-8 after decoding are
    /// replaced by U+FFFD; [`as_git`](Self::as_git) has the exact bytes.
    pub fn path(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.git.path)
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(&self.text))
    }
}

/// Parse `text` with `gix-url`; errors name `shown`.
fn parse(text: &str, shown: &str) -> Result<gix_url::Url, Error> {
    gix_url::parse(text).map_err(|err| Error::Classify {
        text: redact(shown),
        // gix-url appends the whole input, password included, to its
        // messages as `, input="…"`; the error names the redacted text instead.
        message: err
            .iter_errors()
            .map(|err| {
                let message = err.to_string();
                match message.find(", input=") {
                    Some(end) => message[..end].to_owned(),
                    None => message,
                }
            })
            .collect::<Vec<_>>()
            .join(": "),
    })
}

/// Whether `text` is written as a path, not as `host/path`: alias values
/// such as `/srv/git` or `~/repos` stand for directories.
fn looks_local(text: &str) -> bool {
    text.starts_with(['/', '.', '~'])
}

#[cfg(test)]
mod tests {
    use super::{Form, Url};

    fn classify(text: &str, after_alias: bool) -> Url {
        Url::classify(text.to_owned(), after_alias).unwrap()
    }

    #[test]
    fn written_urls_are_classified_as_git_reads_them() {
        let https = classify("https://user:pass@example.com/repo", false);
        assert_eq!(https.form(), Form::Url);
        assert_eq!(https.scheme().as_str(), "https");
        assert_eq!(https.user(), Some("user"));
        assert_eq!(https.password(), Some("pass"));
        assert_eq!(https.host(), Some("example.com"));
        assert_eq!(https.path(), "/repo");
        assert_eq!(
            https.to_string(),
            "https://user:<redacted>@example.com/repo"
        );
        assert_eq!(https.as_str(), "https://user:pass@example.com/repo");

        let ssh = classify("ssh://git@github.com:22/o/r", false);
        assert_eq!((ssh.form(), ssh.port()), (Form::Url, Some(22)));

        let scp = classify("git@github.com:o/r", false);
        assert_eq!(scp.form(), Form::Scp);
        assert_eq!(scp.as_git().to_bstring(), "git@github.com:o/r");

        let local = classify("github.com/o/r", false);
        assert_eq!(local.form(), Form::Local);
        assert_eq!(local.host(), None);

        let helper = classify("a::b", false);
        assert_eq!(helper.form(), Form::RemoteHelper);
    }

    #[test]
    fn an_expanded_host_path_is_read_as_https_or_ssh() {
        let https = classify("github.com/o/r", true);
        assert_eq!(https.form(), Form::HostPath);
        assert_eq!(https.as_git().to_bstring(), "https://github.com/o/r");
        assert_eq!(https.as_str(), "github.com/o/r");

        let ssh = classify("git@github.com/o/r", true);
        assert_eq!(ssh.form(), Form::HostPath);
        assert_eq!(ssh.as_git().to_bstring(), "ssh://git@github.com/o/r");

        let dir = classify("/srv/git/r", true);
        assert_eq!(dir.form(), Form::Local);
    }

    #[test]
    fn what_git_cannot_read_is_an_error_naming_the_text() {
        let err = Url::classify("ssh://user:secret@host".to_owned(), false).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`ssh://user:<redacted>@host` is not a git URL: URL does not specify a path to a repository"
        );
        let err = Url::classify("https://user:secret@ho st/x".to_owned(), false).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`https://user:<redacted>@ho st/x` is not a git URL: URL can not be parsed as valid URL: invalid domain character"
        );
        assert!(Url::classify(String::new(), false).is_err());
    }
}
