//! The append-only, hash-chained audit log. Appends run in
//! `BEGIN IMMEDIATE` transactions, so the chain has one writer at a time.

use motcua_store::hash::{AuditFields, audit_hash, micros};
use motcua_store::{AuditEntry, Hash, NewAuditEntry, StoreResult, UserId};
use sqlx::Row;
use sqlx::sqlite::{SqlitePool, SqliteRow};

use crate::convert::{count_u64, db_err, from_json, from_us, hash, opt_parse, to_i64, to_json, us};

fn from_row(row: &SqliteRow) -> StoreResult<AuditEntry> {
    Ok(AuditEntry {
        seq: count_u64(row.try_get("seq").map_err(db_err)?, "audit sequence")?,
        at: from_us(row.try_get("at").map_err(db_err)?)?,
        actor: opt_parse(row.try_get("actor").map_err(db_err)?, "user id")?,
        action: row.try_get("action").map_err(db_err)?,
        subject: row.try_get("subject").map_err(db_err)?,
        details: from_json(
            &row.try_get::<String, _>("details").map_err(db_err)?,
            "audit details",
        )?,
        prev_hash: hash(&row.try_get::<Vec<u8>, _>("prev_hash").map_err(db_err)?)?,
        hash: hash(&row.try_get::<Vec<u8>, _>("hash").map_err(db_err)?)?,
    })
}

pub(crate) async fn append(pool: &SqlitePool, entry: NewAuditEntry) -> StoreResult<AuditEntry> {
    motcua_store::refuse_nul([entry.action.as_str(), entry.subject.as_str()])?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
    let (seq, prev) = match last {
        Some(row) => (
            count_u64(row.try_get("seq").map_err(db_err)?, "audit sequence")? + 1,
            hash(&row.try_get::<Vec<u8>, _>("hash").map_err(db_err)?)?,
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
        "INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(to_i64(seq)?)
    .bind(us(at))
    .bind(entry.actor.map(|a| a.to_string()))
    .bind(&entry.action)
    .bind(&entry.subject)
    .bind(to_json(&entry.details)?)
    .bind(prev.as_bytes().to_vec())
    .bind(h.as_bytes().to_vec())
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
    pool: &SqlitePool,
    after: Option<u64>,
    limit: u32,
) -> StoreResult<Vec<AuditEntry>> {
    let after = after.map(to_i64).transpose()?.unwrap_or(0);
    sqlx::query(
        "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
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
