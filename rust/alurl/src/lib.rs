//! `+alias` URLs: short names for the places code lives.
//!
//! alurl lets users write `+gh/owner/repo` for `github.com/owner/repo`, or
//! `git@+work:project` for `git@git.example.com:team/project`, given a
//! table of aliases that the application supplies through the
//! [`AliasResolver`] trait. It finds the alias, expands it (recursively, with
//! cycle detection), and classifies the result with
//! [`gix-url`](https://docs.rs/gix-url) the way git would read it.
//!
//! # The syntax
//!
//! An alias is a `+` followed by a [name](AliasName) (a Unicode identifier),
//! written where a URL's host goes:
//!
//! | written                 | with `gh = "github.com"`       | form               |
//! |-------------------------|--------------------------------|--------------------|
//! | `+gh/owner/repo`        | `github.com/owner/repo`        | [`Form::HostPath`] |
//! | `+gh:owner/repo`        | `github.com:owner/repo`        | [`Form::Scp`]      |
//! | `git@+gh:owner/repo`    | `git@github.com:owner/repo`    | [`Form::Scp`]      |
//! | `https://+gh/owner/repo`| `https://github.com/owner/repo`| [`Form::Url`]      |
//! | `ssh://git@+gh:22/o/r`  | `ssh://git@github.com:22/o/r`  | [`Form::Url`]      |
//!
//! The host position is the start of the text, or what follows an optional
//! `scheme://` and the last `user@` of the authority. Nowhere else is a `+`
//! special: `https://example.com/+gh/foo`, `file:///+x` and
//! `https://user:pa+ss@host/repo` are returned as written. The `+` sigil
//! makes an alias impossible to confuse with a host, since no host name
//! contains one.
//!
//! The value of an alias replaces `+name` as text: it may be a host, a URL
//! prefix (`https://git.example.com/team`), or another alias (`+gh/org`),
//! which is expanded in turn. An alias that comes back is an error naming
//! the whole cycle (`a → b → a`).
//!
//! # Example
//!
//! ```
//! use alurl::{AliasedUrl, Aliases, Form};
//!
//! let mut aliases = Aliases::new();
//! aliases.insert("gh", "github.com")?;
//! aliases.insert("work", "+gh/my-org")?;
//!
//! let url = alurl::expand("+work/project", &aliases)?;
//! assert_eq!(url.as_str(), "github.com/my-org/project");
//! assert_eq!(url.alias().map(|alias| alias.name().as_str()), Some("work"));
//!
//! // `host/path` from an alias is read as https (ssh when a user is given).
//! assert_eq!(url.url().form(), Form::HostPath);
//! assert_eq!(url.url().host(), Some("github.com"));
//! assert_eq!(url.url().as_git().to_bstring(), "https://github.com/my-org/project");
//!
//! // No alias at the host position: the text as written.
//! let raw = alurl::expand("https://example.com/+gh/foo", &aliases)?;
//! assert!(matches!(raw, AliasedUrl::Raw(_)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Layers
//!
//! * [`find`] locates the alias in a text without resolving it (syntax only);
//! * [`expand`] resolves and classifies, returning an [`AliasedUrl`];
//! * [`Url`] is the classified result: the text as expanded plus what
//!   `gix-url` makes of it ([`Url::as_git`]).
//!
//! Errors ([`Error`]) name the text and the column of the problem, and
//! never show a password.

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

mod error;
mod expand;
mod locate;
mod name;
mod resolver;
mod url;

pub use error::{Error, Part};
pub use expand::{Alias, AliasedUrl, MAX_DEPTH, expand};
pub use gix_url;
pub use locate::{AliasSite, find, redact};
pub use name::{AliasName, NameError};
pub use resolver::{AliasResolver, Aliases};
pub use url::{Form, Url};
