//! The append-only, hash-chained audit log. An append takes a
//! transaction-scoped advisory lock first, so the chain has one writer at a
//! time across every app node; the lock ends with the transaction.

use motcua_store::hash::{AuditFields, audit_hash, micros};
use motcua_store::{AuditEntry, Hash, NewAuditEntry, StoreError, StoreResult, UserId};
use sqlx::postgres::{PgPool, PgRow};
use uuid::Uuid;

use crate::convert::{count_u64, db_err, get, get_hash, to_i64};

/// The advisory lock key of the audit chain (advisory locks are per
/// database, so this only has to be unique among motcua's own keys).
const AUDIT_LOCK: i64 = 0x6d6f_7463_7561_0001; // "motcua" 1

fn from_row(row: &PgRow) -> StoreResult<AuditEntry> {
    // The details are `json`: the text as written, so they hash as they did.
    let details: String = get(row, "details")?;
    Ok(AuditEntry {
        seq: count_u64(get(row, "seq")?, "audit sequence")?,
        at: get(row, "at")?,
        actor: get::<Option<Uuid>>(row, "actor")?.map(UserId::from_uuid),
        action: get(row, "action")?,
        subject: get(row, "subject")?,
        details: serde_json::from_str(&details)
            .map_err(|e| StoreError::corrupt(format!("audit details: {e}")))?,
        prev_hash: get_hash(row, "prev_hash")?,
        hash: get_hash(row, "hash")?,
    })
}

pub(crate) async fn append(pool: &PgPool, entry: NewAuditEntry) -> StoreResult<AuditEntry> {
    motcua_store::refuse_nul([entry.action.as_str(), entry.subject.as_str()])?;
    motcua_store::refuse_nul_json(&entry.details)?;
    let details = serde_json::to_string(&entry.details)
        .map_err(|e| StoreError::invalid(format!("audit details cannot be encoded: {e}")))?;
    let mut tx = pool.begin().await.map_err(db_err)?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(AUDIT_LOCK)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
    let (seq, prev) = match last {
        Some(row) => (
            count_u64(get(&row, "seq")?, "audit sequence")? + 1,
            get_hash(&row, "hash")?,
        ),
        None => (1, Hash::GENESIS),
    };
    let at = micros(entry.at);
    let h = audit_hash(&AuditFields {
        seq,
        at,
        actor: entry.actor.map(UserId::uuid),
        action: &entry.action,
        subject: &entry.subject,
        details: &entry.details,
        prev: &prev,
    });
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6::json, $7, $8)",
    )
    .bind(to_i64(seq)?)
    .bind(at)
    .bind(entry.actor.map(UserId::uuid))
    .bind(&entry.action)
    .bind(&entry.subject)
    .bind(details)
    .bind(prev.as_bytes().as_slice())
    .bind(h.as_bytes().as_slice())
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    Ok(AuditEntry {
        seq,
        at,
        actor: entry.actor,
        action: entry.action,
        subject: entry.subject,
        details: entry.details,
        prev_hash: prev,
        hash: h,
    })
}

pub(crate) async fn entries(
    pool: &PgPool,
    after: Option<u64>,
    limit: u32,
) -> StoreResult<Vec<AuditEntry>> {
    let after = after.map(to_i64).transpose()?.unwrap_or(0);
    sqlx::query(
        "SELECT seq, at, actor, action, subject, details::text AS details, prev_hash, hash
         FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(after)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(db_err)?
    .iter()
    .map(from_row)
    .collect()
}
