//! One run of a mirror: every source synced into the store through
//! [`GitStore::sync`], which verifies each new claim and atom exactly as
//! resolution does and never replaces a ref the store holds, and the
//! outcome gathered into a [`Status`].

use std::collections::BTreeMap;

use anyhow::Context as _;
use atom_git::{Error, GitStore, ObjectId, SyncReport, refs};

use super::config::MirrorConfig;
use super::status::{self, Refusal, RefusalKind, SourceStatus, Status, Unreachable};
use crate::output::Output;

/// Sync every source of `config` into its store, in name order.
pub fn run(config: &MirrorConfig, out: &Output) -> anyhow::Result<Status> {
    let started = status::now();
    let store = GitStore::open(&config.store)
        .with_context(|| format!("cannot open the store {}", config.store.display()))?;
    // Ref → (source, target) for every ref a source offered that the store
    // holds as offered: who a conflicting source conflicts with.
    let mut held: BTreeMap<String, (String, ObjectId)> = BTreeMap::new();
    let mut sources = BTreeMap::new();
    let mut refusals = Vec::new();

    for (name, urls) in &config.sources {
        out.status(format_args!("syncing {name} from {}", urls.join(", ")));
        let origin = store.source(urls.clone());
        let mut source = SourceStatus::new(urls.clone());
        match store.sync(&origin) {
            Ok(report) => {
                // Listed already (and kept) by the sync: no second round trip.
                let listing = origin.listing().context("the source's listing")?;
                source.unreachable = listing
                    .failures()
                    .map(|(url, err)| Unreachable {
                        url: url.to_owned(),
                        error: err.one_line(),
                    })
                    .collect();
                let before = refusals.len();
                record(
                    name,
                    &report,
                    &listing.merged,
                    &mut source,
                    &mut held,
                    &mut refusals,
                )?;
                source.refused = refusals.len() - before;
            }
            Err(err) => {
                if let Error::MirrorsDisagree {
                    name: ref_name,
                    second,
                    ..
                } = &err
                {
                    refusals.push(Refusal {
                        source: name.clone(),
                        name: ref_name.clone(),
                        kind: RefusalKind::MirrorsDisagree,
                        check: None,
                        held: None,
                        offered: Some(second.to_string()),
                        reason: err.one_line(),
                    });
                    source.refused = 1;
                }
                source.error = Some(err.one_line());
            }
        }
        source.ok = source.error.is_none() && source.refused == 0;
        sources.insert(name.clone(), source);
    }
    name_conflicts(&mut refusals, &held);

    let atoms = store
        .listing()
        .with_context(|| format!("cannot list the store {}", config.store.display()))?
        .atom_count();
    let finished = status::now();
    let ok = sources.values().all(|source| source.ok);
    for source in sources.values_mut() {
        if source.ok {
            source.last_success = Some(finished.clone());
        }
    }
    Ok(Status {
        version: status::VERSION,
        store: config.store.display().to_string(),
        ok,
        started,
        last_success: ok.then(|| finished.clone()),
        finished,
        atoms,
        sources,
        refusals,
    })
}

/// Fold one source's sync report into its status and the refusals.
fn record(
    source_name: &str,
    report: &SyncReport,
    offered: &atom_git::Listing,
    source: &mut SourceStatus,
    held: &mut BTreeMap<String, (String, ObjectId)>,
    refusals: &mut Vec<Refusal>,
) -> anyhow::Result<()> {
    let mut hold = |name: String, target: ObjectId| {
        held.insert(name, (source_name.to_owned(), target));
    };
    for atom in report.atoms.added.iter().chain(&report.atoms.unchanged) {
        hold(
            refs::atom_ref(&atom.label, &atom.version)?
                .as_bstr()
                .to_string(),
            atom.commit,
        );
    }
    for label in report.claims.added.iter().chain(&report.claims.unchanged) {
        if let Some(target) = offered.claim(label) {
            hold(refs::claim_ref(label)?.as_bstr().to_string(), target);
        }
    }
    source.atoms = report.atoms.added.len() + report.atoms.unchanged.len();
    source.claims = report.claims.added.len() + report.claims.unchanged.len();
    source.added = report.atoms.added.iter().map(ToString::to_string).collect();
    source.ignored = report
        .unrecognised
        .iter()
        .map(ToString::to_string)
        .collect();

    for refused in &report.claims.refused {
        let name = refs::claim_ref(&refused.entry)?.as_bstr().to_string();
        let offered = offered.claim(&refused.entry);
        refusals.push(refusal(source_name, name, offered, &refused.error));
    }
    for refused in &report.atoms.refused {
        let atom = &refused.entry;
        let name = refs::atom_ref(&atom.label, &atom.version)?
            .as_bstr()
            .to_string();
        refusals.push(refusal(
            source_name,
            name,
            Some(atom.commit),
            &refused.error,
        ));
    }
    Ok(())
}

/// A refused ref, classified by the error that refused it.
fn refusal(source: &str, name: String, offered: Option<ObjectId>, error: &Error) -> Refusal {
    let (kind, check, held) = match error {
        Error::RefExists { existing, .. } => (RefusalKind::Moved, None, Some(existing.to_string())),
        Error::Verify(failed) => (RefusalKind::Check, Some(failed.check.name()), None),
        _ => (RefusalKind::Fetch, None, None),
    };
    Refusal {
        source: source.to_owned(),
        name,
        kind,
        check,
        held,
        offered: offered.map(|id| id.to_string()),
        reason: error.one_line(),
    }
}

/// A ref refused as moved that another source gave the store is no move:
/// two sources publish the same ref. Say so, and name the other source.
fn name_conflicts(refusals: &mut [Refusal], held: &BTreeMap<String, (String, ObjectId)>) {
    for refusal in refusals {
        if refusal.kind != RefusalKind::Moved {
            continue;
        }
        let Some((other, target)) = held.get(&refusal.name) else {
            continue;
        };
        if *other == refusal.source || refusal.held.as_deref() != Some(&target.to_string()) {
            continue;
        }
        refusal.kind = RefusalKind::Conflict;
        refusal.reason = format!(
            "{name} is held at {target} from source `{other}`; source `{source}` offers {offered}: \
             two sources of this mirror publish the same ref, and the store keeps the one it \
             took first (mirror them into separate stores if both are wanted)",
            name = refusal.name,
            source = refusal.source,
            offered = refusal.offered.as_deref().unwrap_or("another object"),
        );
    }
}
