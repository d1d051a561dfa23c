//! The back office's queue: open dossiers of some agencies, most urgent
//! first. One partial index over the open dossiers, in the queue's order,
//! includes every column it filters by (`dossiers_office_queue`), so the
//! counts and the page's ids are index-only scans whose cost follows the
//! open work, not the archive; only the page's own rows are read.

use chrono::{DateTime, Utc};
use motcua_store::{
    AgencyId, DossierId, DossierRecord, QueueCounts, QueueQuery, StoreResult, like_pattern,
};
use sqlx::PgPool;
use uuid::Uuid;

use crate::convert::{db_err, get, key, ts};
use crate::dossiers::{COLUMNS, from_row};

/// "One of the agencies `$1` receives, decides or owes an open step on it".
const AGENCIES: &str = "(receiving_unit = ANY($1) OR deciding_agency = ANY($1)
    OR id IN (SELECT dossier_id FROM dossier_agencies WHERE owes AND agency_id = ANY($1)))";

fn uuids(agencies: &[AgencyId]) -> Vec<Uuid> {
    agencies.iter().map(|a| a.uuid()).collect()
}

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub(crate) async fn queue(pool: &PgPool, q: &QueueQuery) -> StoreResult<Vec<DossierRecord>> {
    if q.agencies.is_empty() || q.limit == 0 {
        return Ok(Vec::new());
    }
    let stages: Vec<String> = q.stages.iter().map(key).collect::<StoreResult<_>>()?;
    let search = q.search.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let sql = format!(
        "SELECT {COLUMNS} FROM dossiers WHERE id IN (
           SELECT id FROM dossiers
           WHERE in_office AND {AGENCIES}
             AND (cardinality($2::text[]) = 0 OR stage = ANY($2))
             AND ($3::text IS NULL OR assignee = $3)
             AND ($4::timestamptz IS NULL OR work_due_at < $4)
             AND ($5::text IS NULL OR code = $5 OR applicant_identity = $6
                  OR applicant_name_folded LIKE $7 ESCAPE '\\')
           ORDER BY work_due_at ASC NULLS LAST, id
           LIMIT $8 OFFSET $9)
         ORDER BY work_due_at ASC NULLS LAST, id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(uuids(&q.agencies))
        .bind(stages)
        .bind(q.assignee.as_deref())
        .bind(q.due_before.map(ts))
        .bind(search.map(str::to_uppercase))
        .bind(search)
        .bind(search.map(like_pattern))
        .bind(i64::from(q.limit))
        .bind(i64::from(q.offset))
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(from_row)
        .collect()
}

pub(crate) async fn counts(
    pool: &PgPool,
    agencies: &[AgencyId],
    now: DateTime<Utc>,
    soon: DateTime<Utc>,
) -> StoreResult<QueueCounts> {
    if agencies.is_empty() {
        return Ok(QueueCounts::default());
    }
    let sql = format!(
        "SELECT COUNT(*) AS open,
                COUNT(*) FILTER (WHERE work_due_at < $2) AS overdue,
                COUNT(*) FILTER (WHERE work_due_at >= $2 AND work_due_at < $3) AS due_soon
         FROM dossiers WHERE in_office AND {AGENCIES}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(uuids(agencies))
        .bind(ts(now))
        .bind(ts(soon))
        .fetch_one(pool)
        .await
        .map_err(db_err)?;
    Ok(QueueCounts {
        open: count(get(&row, "open")?),
        overdue: count(get(&row, "overdue")?),
        due_soon: count(get(&row, "due_soon")?),
    })
}

pub(crate) async fn step_agencies(pool: &PgPool, id: DossierId) -> StoreResult<Vec<AgencyId>> {
    let rows: Vec<Uuid> = sqlx::query_scalar(
        "SELECT agency_id FROM dossier_agencies WHERE dossier_id = $1 ORDER BY agency_id",
    )
    .bind(id.uuid())
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    Ok(rows.into_iter().map(AgencyId::from_uuid).collect())
}
