//! Talking to remotes through gix: one ls-refs to list, one fetch to bring
//! objects. Every transport gix has works: a local path, `file://`,
//! `git://`, `ssh://` (through the `ssh` program) and `http(s)://`.

use std::sync::atomic::AtomicBool;

use gix::progress::Discard;
use gix::protocol::handshake::Ref;
use gix::remote::Direction;
use gix::remote::fetch::Tags;

use crate::listing::Listing;
use crate::refs::NAMESPACE;
use crate::{BoxError, Error};

/// List `refs/eka/*` at `url`: one handshake and one ls-refs (the server
/// filters by prefix), no objects transferred.
pub(crate) fn list(repo: &gix::Repository, url: &str) -> Result<Listing, Error> {
    list_raw(repo, url)
        .map(|refs| Listing::from_refs(refs.iter().map(|(name, id)| (name.as_slice(), *id))))
}

/// The `refs/eka/*` refs at `url`, as advertised.
pub(crate) fn list_raw(
    repo: &gix::Repository,
    url: &str,
) -> Result<Vec<(Vec<u8>, gix::ObjectId)>, Error> {
    let fail = |source: BoxError| Error::remote("list", url, source);
    // gix wants a destination with a glob; listing writes nothing anyway.
    let remote = remote(repo, url, [format!("{NAMESPACE}*:{NAMESPACE}*")]).map_err(fail)?;
    let connection = remote
        .connect(Direction::Fetch)
        .map_err(|err| fail(err.into()))?;
    let (ref_map, _handshake) = connection
        .ref_map(Discard, gix::remote::ref_map::Options::default())
        .map_err(|err| fail(err.into()))?;
    Ok(ref_map
        .remote_refs
        .into_iter()
        .filter_map(|advertised| match advertised {
            // A ref's own target, not what an annotated tag peels to: the
            // atom layout has no tags, and a tag where a commit belongs
            // must fail verification rather than be looked through.
            Ref::Direct {
                full_ref_name,
                object,
            }
            | Ref::Peeled {
                full_ref_name,
                tag: object,
                ..
            } => Some((full_ref_name.into(), object)),
            Ref::Symbolic { .. } | Ref::Unborn { .. } => None,
        })
        .filter(|(name, _): &(Vec<u8>, _)| name.starts_with(NAMESPACE.as_bytes()))
        .collect())
}

/// Fetch the objects the refs `names` point to at `url` into `repo`,
/// without creating or changing any ref there.
pub(crate) fn fetch(repo: &gix::Repository, url: &str, names: &[String]) -> Result<(), Error> {
    if names.is_empty() {
        return Ok(());
    }
    let fail = |source: BoxError| Error::remote("fetch from", url, source);
    let remote = remote(repo, url, names.iter().cloned()).map_err(fail)?;
    let connection = remote
        .connect(Direction::Fetch)
        .map_err(|err| fail(err.into()))?;
    let prepare = connection
        .prepare_fetch(Discard, gix::remote::ref_map::Options::default())
        .map_err(|err| fail(err.into()))?;
    prepare
        .receive(Discard, &AtomicBool::new(false))
        .map_err(|err| fail(err.into()))?;
    Ok(())
}

/// An anonymous remote at `url` (after the repository's `insteadOf`
/// rewrites) fetching `specs` without tags. Specs without a destination
/// fetch objects and write no refs.
fn remote<'repo>(
    repo: &'repo gix::Repository,
    url: &str,
    specs: impl IntoIterator<Item = String>,
) -> Result<gix::Remote<'repo>, BoxError> {
    crate::tls::install_provider();
    Ok(repo
        .remote_at(url)?
        .with_fetch_tags(Tags::None)
        .with_refspecs(
            specs.into_iter().map(gix::bstr::BString::from),
            Direction::Fetch,
        )?)
}
