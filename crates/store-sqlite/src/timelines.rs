//! A dossier's timeline as the SQLite engine keeps it: one row of
//! `dossier_timelines` per dossier, its events in order as one packed
//! document ([`crate::packed`]). A timeline packs far smaller whole than
//! event by event (its events repeat each other's ids, instants and keys),
//! and SQLite pays a row's keys and header once instead of seven times.
//!
//! An appended event rewrites the row, in the transaction that checked the
//! dossier's event count, so the timeline is still only ever extended.
//!
//! The events' hashes are not kept: each is computed again as the timeline
//! is read, from the event and the hash before it, and the last must be the
//! head the dossier's row keeps. An edited, removed or inserted event
//! changes every hash after it and so the head, which `verify` compares —
//! the chain proves what it proved with every hash stored, and a third of a
//! packed timeline (64 hexadecimal digits an event, which do not compress)
//! is saved. What is lost is only *which* event an edit touched.

use std::borrow::Cow;

use motcua_domain::lifecycle::{ActionKind, Role};
use motcua_store::hash::{EventFields, event_hash};
use motcua_store::timeline;
use motcua_store::{DossierId, EventRecord, Hash, StoreResult, UserId};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::SqliteConnection;

use crate::convert::{db_err, from_us, us};
use crate::packed;

/// Rows per multi-row `INSERT` (two parameters each).
const ROWS: usize = 1_000;

/// One event in a packed timeline. Borrowed when written, owned when read.
#[derive(Serialize, Deserialize)]
struct Stored<'a> {
    seq: u32,
    /// Microseconds since the epoch.
    at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    actor: Option<UserId>,
    role: Role,
    action: ActionKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<Cow<'a, str>>,
    payload: Cow<'a, Value>,
}

impl<'a> Stored<'a> {
    fn of(e: &'a EventRecord) -> Stored<'a> {
        Stored {
            seq: e.seq,
            at: us(e.at),
            actor: e.actor,
            role: e.role,
            action: e.action,
            reason: e.reason.as_deref().map(Cow::Borrowed),
            payload: Cow::Borrowed(&e.payload),
        }
    }
}

/// A new dossier's `events`, packed.
pub(crate) fn pack(events: &[&EventRecord]) -> StoreResult<Vec<u8>> {
    let all: Vec<Stored<'_>> = events.iter().copied().map(Stored::of).collect();
    packed::pack(&all)
}

/// The events of `dossier` from its packed timeline, each with its hash and
/// the hash it chains to, computed.
pub(crate) fn unpack(dossier: DossierId, bytes: &[u8]) -> StoreResult<Vec<EventRecord>> {
    let stored: Vec<Stored<'static>> = packed::unpack(bytes, "timeline")?;
    let mut prev_hash = Hash::GENESIS;
    let mut events = Vec::with_capacity(stored.len());
    for s in stored {
        let at = from_us(s.at)?;
        let hash = event_hash(&EventFields {
            dossier: dossier.uuid(),
            seq: s.seq,
            at,
            actor: s.actor.map(UserId::uuid),
            role: s.role.key(),
            action: s.action.key(),
            reason: s.reason.as_deref(),
            payload: &s.payload,
            prev: &prev_hash,
        });
        let payload = s.payload.into_owned();
        let record = EventRecord {
            dossier,
            seq: s.seq,
            at,
            actor: s.actor,
            role: s.role,
            action: s.action,
            reason: s.reason.map(Cow::into_owned),
            event: timeline::event_of(&payload)?,
            payload,
            prev_hash,
            hash,
        };
        prev_hash = record.hash;
        events.push(record);
    }
    Ok(events)
}

/// The events of `dossier` in order; none for a dossier that is not there.
pub(crate) async fn read(
    conn: &mut SqliteConnection,
    dossier: DossierId,
) -> StoreResult<Vec<EventRecord>> {
    let bytes: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT events FROM dossier_timelines WHERE dossier_id = $1")
            .bind(dossier.to_string())
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_err)?;
    bytes.map_or(Ok(Vec::new()), |b| unpack(dossier, &b))
}

/// Writes the timelines of new dossiers, many rows to a statement.
pub(crate) async fn insert(
    conn: &mut SqliteConnection,
    timelines: Vec<(DossierId, Vec<u8>)>,
) -> StoreResult<()> {
    let mut rows = timelines.into_iter().peekable();
    while rows.peek().is_some() {
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO dossier_timelines (dossier_id, events) ",
        );
        q.push_values(rows.by_ref().take(ROWS), |mut b, (id, events)| {
            b.push_bind(id.to_string()).push_bind(events);
        });
        q.build().execute(&mut *conn).await.map_err(db_err)?;
    }
    Ok(())
}

/// Extends the timeline of `dossier` with `event`. The earlier events are
/// only unpacked and packed again: not hashed nor decoded.
pub(crate) async fn append(
    conn: &mut SqliteConnection,
    dossier: DossierId,
    event: &EventRecord,
) -> StoreResult<()> {
    let bytes: Vec<u8> =
        sqlx::query_scalar("SELECT events FROM dossier_timelines WHERE dossier_id = $1")
            .bind(dossier.to_string())
            .fetch_one(&mut *conn)
            .await
            .map_err(db_err)?;
    let mut events: Vec<Stored<'_>> = packed::unpack(&bytes, "timeline")?;
    events.push(Stored::of(event));
    sqlx::query("UPDATE dossier_timelines SET events = $2 WHERE dossier_id = $1")
        .bind(dossier.to_string())
        .bind(packed::pack(&events)?)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(())
}
