//! The back office's queue: open dossiers of some agencies, most urgent
//! first. One partial index over the open dossiers holds every column it
//! filters and orders by (`dossiers_office_queue`), so its cost follows
//! the open work, not the archive, and never reads a row it does not show.

use chrono::{DateTime, Utc};
use motcua_store::{
    AgencyId, DossierId, DossierRecord, QueueCounts, QueueQuery, StoreResult, like_pattern,
};
use sqlx::SqlitePool;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments, Row};

use crate::convert::{count_u64, db_err, key, parse, us};
use crate::dossiers::{COLUMNS, from_row};

/// `$n, $n+1, …` for `count` values, and the next free number.
fn placeholders(first: usize, count: usize) -> (String, usize) {
    let list: Vec<String> = (first..first + count).map(|i| format!("${i}")).collect();
    (list.join(", "), first + count)
}

/// The condition "one of `agencies` receives, decides or owes an open step
/// on it",
/// binding the agencies from `$first`.
fn agency_filter(
    agencies: &[AgencyId],
    first: usize,
    args: &mut SqliteArguments,
) -> StoreResult<(String, usize)> {
    let (list, next) = placeholders(first, agencies.len());
    for a in agencies {
        args.add(a.to_string())
            .map_err(|e| db_err(sqlx::Error::Encode(e)))?;
    }
    Ok((
        format!(
            "(receiving_unit IN ({list}) OR deciding_agency IN ({list})
              OR id IN (SELECT dossier_id FROM dossier_agencies
                        WHERE owes = 1 AND agency_id IN ({list})))"
        ),
        next,
    ))
}

fn bind<'q, T>(args: &mut SqliteArguments, value: T) -> StoreResult<()>
where
    T: sqlx::Encode<'q, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> + 'q,
{
    args.add(value).map_err(|e| db_err(sqlx::Error::Encode(e)))
}

pub(crate) async fn queue(pool: &SqlitePool, q: &QueueQuery) -> StoreResult<Vec<DossierRecord>> {
    if q.agencies.is_empty() || q.limit == 0 {
        return Ok(Vec::new());
    }
    let mut args = SqliteArguments::default();
    let (agencies, mut n) = agency_filter(&q.agencies, 1, &mut args)?;
    let mut conditions = vec!["in_office = 1".to_owned(), agencies];
    if !q.stages.is_empty() {
        let (list, next) = placeholders(n, q.stages.len());
        for s in &q.stages {
            bind(&mut args, key(s)?)?;
        }
        conditions.push(format!("stage IN ({list})"));
        n = next;
    }
    if let Some(assignee) = &q.assignee {
        bind(&mut args, assignee.clone())?;
        conditions.push(format!("assignee = ${n}"));
        n += 1;
    }
    if let Some(before) = q.due_before {
        bind(&mut args, us(before))?;
        conditions.push(format!("work_due_at < ${n}"));
        n += 1;
    }
    if let Some(text) = q.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        bind(&mut args, text.to_uppercase())?;
        bind(&mut args, text.to_owned())?;
        bind(&mut args, like_pattern(text))?;
        conditions.push(format!(
            "(code = ${n} OR applicant_identity = ${} OR applicant_name_folded LIKE ${} ESCAPE '\\')",
            n + 1,
            n + 2
        ));
        n += 3;
    }
    bind(&mut args, i64::from(q.limit))?;
    bind(&mut args, i64::from(q.offset))?;
    // The page's ids first, from the queue's index alone; then only their
    // rows are read (see migration 0015).
    let sql = format!(
        "SELECT {COLUMNS} FROM dossiers WHERE id IN (
             SELECT id FROM dossiers WHERE {}
             ORDER BY work_due_at IS NULL, work_due_at, id LIMIT ${n} OFFSET ${})
         ORDER BY work_due_at IS NULL, work_due_at, id",
        conditions.join(" AND "),
        n + 1
    );
    sqlx::query_with(sqlx::AssertSqlSafe(sql), args)
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(from_row)
        .collect()
}

pub(crate) async fn counts(
    pool: &SqlitePool,
    agencies: &[AgencyId],
    now: DateTime<Utc>,
    soon: DateTime<Utc>,
) -> StoreResult<QueueCounts> {
    if agencies.is_empty() {
        return Ok(QueueCounts::default());
    }
    let mut args = SqliteArguments::default();
    let (filter, n) = agency_filter(agencies, 1, &mut args)?;
    bind(&mut args, us(now))?;
    bind(&mut args, us(soon))?;
    let sql = format!(
        "SELECT COUNT(*) AS open,
                COUNT(CASE WHEN work_due_at < ${n} THEN 1 END) AS overdue,
                COUNT(CASE WHEN work_due_at >= ${n} AND work_due_at < ${} THEN 1 END) AS due_soon
         FROM dossiers WHERE in_office = 1 AND {filter}",
        n + 1
    );
    let row = sqlx::query_with(sqlx::AssertSqlSafe(sql), args)
        .fetch_one(pool)
        .await
        .map_err(db_err)?;
    Ok(QueueCounts {
        open: count_u64(row.try_get("open").map_err(db_err)?, "count")?,
        overdue: count_u64(row.try_get("overdue").map_err(db_err)?, "count")?,
        due_soon: count_u64(row.try_get("due_soon").map_err(db_err)?, "count")?,
    })
}

pub(crate) async fn step_agencies(pool: &SqlitePool, id: DossierId) -> StoreResult<Vec<AgencyId>> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT agency_id FROM dossier_agencies WHERE dossier_id = $1 ORDER BY agency_id",
    )
    .bind(id.to_string())
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.iter().map(|s| parse(s, "agency id")).collect()
}
