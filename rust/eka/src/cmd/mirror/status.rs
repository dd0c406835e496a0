//! The status file of a mirror, for monitoring: when it last synced
//! without a refusal, how many atoms each source has in the store, and
//! every refusal with its reason. It is what `--json` prints too.
//!
//! ```json
//! {"version":1,"store":"/var/lib/atom-mirror/store.git","ok":false,
//!  "started":"2026-01-02T03:04:05Z","finished":"2026-01-02T03:04:07Z",
//!  "last_success":"2026-01-02T02:49:06Z","atoms":12,
//!  "sources":{"company":{"urls":["https://git.example.com/atoms"],"ok":false,
//!    "last_success":"2026-01-02T02:49:06Z","atoms":12,"claims":3,"added":[],
//!    "refused":1,"unreachable":[],"ignored":[],"error":null}},
//!  "refusals":[{"source":"company","ref":"refs/eka/atoms/hello/1.0.0","kind":"moved",
//!    "check":null,"held":"3f…","offered":"9c…","reason":"…"}]}
//! ```

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

/// The format of the status file; bumped when a field changes meaning.
pub const VERSION: u32 = 1;

/// One run of `eka mirror sync`.
#[derive(Debug, Serialize)]
pub struct Status {
    pub version: u32,
    /// The store, as configured.
    pub store: String,
    /// Whether every source was synced and nothing was refused.
    pub ok: bool,
    pub started: String,
    pub finished: String,
    /// The end of the last run that was `ok` (this one, or an earlier one).
    pub last_success: Option<String>,
    /// Atom versions in the store after this run.
    pub atoms: usize,
    pub sources: BTreeMap<String, SourceStatus>,
    pub refusals: Vec<Refusal>,
}

/// One source in one run.
#[derive(Debug, Serialize)]
pub struct SourceStatus {
    pub urls: Vec<String>,
    /// Synced, nothing refused.
    pub ok: bool,
    /// The end of the last run in which this source was `ok`.
    pub last_success: Option<String>,
    /// Versions this source offers that the store holds, as offered.
    pub atoms: usize,
    /// Claims this source offers that the store holds, as offered.
    pub claims: usize,
    /// Versions added by this run (`label@version`).
    pub added: Vec<String>,
    /// How many of this source's refs were refused (see `refusals`).
    pub refused: usize,
    /// Mirrors that did not answer while another one did.
    pub unreachable: Vec<Unreachable>,
    /// Refs under `refs/eka/` that are not of the atom layout; not copied.
    pub ignored: Vec<String>,
    /// Why nothing of this source was synced in this run.
    pub error: Option<String>,
}

/// A mirror of a source that could not be listed.
#[derive(Debug, Serialize)]
pub struct Unreachable {
    pub url: String,
    pub error: String,
}

/// A ref the store did not take.
#[derive(Debug, Serialize)]
pub struct Refusal {
    pub source: String,
    /// The ref refused (for `mirrors-disagree`, the ref they disagree on).
    #[serde(rename = "ref")]
    pub name: String,
    pub kind: RefusalKind,
    /// For `check`: which check failed (`claim-signature`, `publish-key`,
    /// `dig`, …).
    pub check: Option<&'static str>,
    /// What the store holds under this ref, and keeps.
    pub held: Option<String>,
    /// What the source offered instead.
    pub offered: Option<String>,
    /// The whole story, for people.
    pub reason: String,
}

/// Why a ref was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefusalKind {
    /// The source moved a ref the store holds to another object.
    Moved,
    /// Another source of this mirror gave the store this ref, at another
    /// object.
    Conflict,
    /// The offered objects failed a check of resolution.
    Check,
    /// No mirror of the source delivered the objects.
    Fetch,
    /// Two mirrors of the source point the ref at different objects;
    /// nothing of the source was taken.
    MirrorsDisagree,
}

impl SourceStatus {
    /// A source at `urls` before it is synced: not ok, nothing held.
    pub fn new(urls: Vec<String>) -> Self {
        Self {
            urls,
            ok: false,
            last_success: None,
            atoms: 0,
            claims: 0,
            added: Vec::new(),
            refused: 0,
            unreachable: Vec::new(),
            ignored: Vec::new(),
            error: None,
        }
    }
}

impl Status {
    /// Carry `last_success` over from the previous status file at `path`
    /// (if this run did not succeed itself), for the mirror and each source.
    /// A missing file is a first run; an unreadable one is reported and
    /// otherwise ignored: the status of a mirror must not stop its syncs.
    pub fn carry_over(&mut self, path: &Path) -> Option<String> {
        let text = match std::fs::read(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return None,
            Err(err) => return Some(format!("cannot read {}: {err}", path.display())),
        };
        let previous: serde_json::Value = match serde_json::from_slice(&text) {
            Ok(value) => value,
            Err(err) => {
                return Some(format!(
                    "{} is not a status file ({err}); the last success before this run is forgotten",
                    path.display()
                ));
            }
        };
        let time = |value: &serde_json::Value| {
            value
                .get("last_success")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        };
        if self.last_success.is_none() {
            self.last_success = time(&previous);
        }
        for (name, source) in &mut self.sources {
            if source.last_success.is_none() {
                source.last_success = previous
                    .get("sources")
                    .and_then(|sources| sources.get(name))
                    .and_then(time);
            }
        }
        None
    }
}

/// Now, as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn now() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    rfc3339(seconds)
}

/// `seconds` since the Unix epoch as an RFC 3339 UTC time
/// (`YYYY-MM-DDTHH:MM:SSZ`).
fn rfc3339(seconds: u64) -> String {
    let days = seconds / 86_400;
    let rest = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, for non-negative days).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc() {
        for (seconds, text) in [
            (0, "1970-01-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (951_868_799, "2000-02-29T23:59:59Z"),
            (951_868_800, "2000-03-01T00:00:00Z"),
            (1_700_000_000, "2023-11-14T22:13:20Z"),
            (4_107_542_400, "2100-03-01T00:00:00Z"),
            (253_402_300_799, "9999-12-31T23:59:59Z"),
        ] {
            assert_eq!(rfc3339(seconds), text, "{seconds}");
        }
    }

    fn status(ok: bool) -> Status {
        let mut source = SourceStatus::new(vec!["/a".into()]);
        source.ok = ok;
        source.last_success = ok.then(|| "2026-01-02T00:00:00Z".into());
        Status {
            version: VERSION,
            store: "s".into(),
            ok,
            started: "2026-01-02T00:00:00Z".into(),
            finished: "2026-01-02T00:00:00Z".into(),
            last_success: ok.then(|| "2026-01-02T00:00:00Z".into()),
            atoms: 0,
            sources: [("a".to_owned(), source)].into(),
            refusals: Vec::new(),
        }
    }

    #[test]
    fn the_last_success_is_carried_over_from_the_previous_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("status.json");
        let mut first = status(false);
        assert_eq!(first.carry_over(&path), None);
        assert_eq!(first.last_success, None);

        std::fs::write(&path, serde_json::to_vec(&status(true)).unwrap()).unwrap();
        let mut failed = status(false);
        assert_eq!(failed.carry_over(&path), None);
        assert_eq!(failed.last_success.as_deref(), Some("2026-01-02T00:00:00Z"));
        assert_eq!(
            failed.sources["a"].last_success.as_deref(),
            Some("2026-01-02T00:00:00Z")
        );

        std::fs::write(&path, "{not json").unwrap();
        let mut after_garbage = status(false);
        let warning = after_garbage.carry_over(&path).unwrap();
        assert!(warning.contains("is not a status file"), "{warning}");
        assert_eq!(after_garbage.last_success, None);
    }
}
