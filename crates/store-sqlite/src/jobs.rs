//! The jobs table: the outbox and the scheduler. Claims run in
//! `BEGIN IMMEDIATE` transactions, so two workers — even in two processes —
//! never lease the same job.

use chrono::{DateTime, TimeDelta, Utc};
use motcua_store::hash::micros;
use motcua_store::{FailOutcome, Job, JobId, JobState, NewJob, StoreError, StoreResult, backoff};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{Row, SqliteConnection};

use crate::convert::{
    count_u32, db_err, from_json, from_us, opt_from_us, opt_us, parse, to_json, us,
};

const COLUMNS: &str = "id, kind, payload, run_at, idempotency_key, attempts, max_attempts, state,
    lease_owner, lease_until, last_error, created_at, finished_at";

fn from_row(row: &SqliteRow) -> StoreResult<Job> {
    let state: String = row.try_get("state").map_err(db_err)?;
    Ok(Job {
        id: parse(&row.try_get::<String, _>("id").map_err(db_err)?, "job id")?,
        kind: row.try_get("kind").map_err(db_err)?,
        payload: from_json(
            &row.try_get::<String, _>("payload").map_err(db_err)?,
            "job payload",
        )?,
        run_at: from_us(row.try_get("run_at").map_err(db_err)?)?,
        idempotency_key: row.try_get("idempotency_key").map_err(db_err)?,
        attempts: count_u32(row.try_get("attempts").map_err(db_err)?, "attempts")?,
        max_attempts: count_u32(row.try_get("max_attempts").map_err(db_err)?, "attempts")?,
        state: JobState::from_key(&state)
            .ok_or_else(|| StoreError::corrupt(format!("job state {state}")))?,
        lease_owner: row.try_get("lease_owner").map_err(db_err)?,
        lease_until: opt_from_us(row.try_get("lease_until").map_err(db_err)?)?,
        last_error: row.try_get("last_error").map_err(db_err)?,
        created_at: from_us(row.try_get("created_at").map_err(db_err)?)?,
        finished_at: opt_from_us(row.try_get("finished_at").map_err(db_err)?)?,
    })
}

/// Inserts a job in the caller's transaction; `None` when its idempotency
/// key exists already.
pub(crate) async fn insert(
    conn: &mut SqliteConnection,
    job: &NewJob,
) -> StoreResult<Option<JobId>> {
    motcua_store::refuse_nul(
        [job.kind.as_str()]
            .into_iter()
            .chain(job.idempotency_key.as_deref()),
    )?;
    let id = JobId::new();
    let done = sqlx::query(
        "INSERT INTO jobs (id, kind, payload, run_at, idempotency_key, attempts, max_attempts, state, created_at)
         VALUES ($1, $2, $3, $4, $5, 0, $6, 'pending', $7)
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(id.to_string())
    .bind(&job.kind)
    .bind(to_json(&job.payload)?)
    .bind(us(job.run_at))
    .bind(&job.idempotency_key)
    .bind(i64::from(job.max_attempts.max(1)))
    .bind(us(Utc::now()))
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok((done.rows_affected() == 1).then_some(id))
}

pub(crate) async fn enqueue(pool: &SqlitePool, job: NewJob) -> StoreResult<Option<JobId>> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    insert(&mut conn, &job).await
}

/// Dead-letters the jobs whose last attempt ended with its worker gone (the
/// lease ran out on the last allowed attempt): a job that kills its worker
/// is not leased again and again.
async fn bury_abandoned(conn: &mut SqliteConnection, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query(
        "UPDATE jobs SET state = 'dead', lease_owner = NULL, lease_until = NULL,
            last_error = COALESCE(last_error, 'the worker stopped during the last attempt')
         WHERE state = 'running' AND lease_until <= $1 AND attempts >= max_attempts",
    )
    .bind(us(now))
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn claim(
    pool: &SqlitePool,
    worker: &str,
    now: DateTime<Utc>,
    lease: TimeDelta,
    limit: u32,
) -> StoreResult<Vec<Job>> {
    let until = now
        .checked_add_signed(lease)
        .ok_or_else(|| StoreError::invalid(format!("a lease of {lease} is too long")))?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    bury_abandoned(&mut tx, now).await?;
    let sql = format!(
        "UPDATE jobs SET state = 'running', lease_owner = $1, lease_until = $2, attempts = attempts + 1
         WHERE id IN (
            SELECT id FROM jobs
            WHERE (state = 'pending' AND run_at <= $3) OR (state = 'running' AND lease_until <= $3)
            ORDER BY run_at, id LIMIT $4)
         RETURNING {COLUMNS}"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(worker)
        .bind(us(until))
        .bind(us(now))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    let mut jobs: Vec<Job> = rows.iter().map(from_row).collect::<StoreResult<_>>()?;
    jobs.sort_by_key(|j| (j.run_at, j.id));
    Ok(jobs)
}

pub(crate) async fn complete(
    pool: &SqlitePool,
    id: JobId,
    worker: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE jobs SET state = 'done', finished_at = $3, lease_owner = NULL, lease_until = NULL
         WHERE id = $1 AND state = 'running' AND lease_owner = $2",
    )
    .bind(id.to_string())
    .bind(worker)
    .bind(us(now))
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(done.rows_affected() == 1)
}

/// What a failure may lead to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// A retry with backoff while attempts remain (`Store::fail_job`).
    MayRetry,
    /// The dead letter at once (`Store::dead_letter_job`).
    Permanent,
}

pub(crate) async fn fail(
    pool: &SqlitePool,
    id: JobId,
    worker: &str,
    error: &str,
    now: DateTime<Utc>,
    failure: Failure,
) -> StoreResult<FailOutcome> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    let row = sqlx::query("SELECT attempts, max_attempts FROM jobs WHERE id = $1 AND state = 'running' AND lease_owner = $2")
        .bind(id.to_string())
        .bind(worker)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
    let Some(row) = row else {
        return Ok(FailOutcome::LeaseLost);
    };
    let attempts = count_u32(row.try_get("attempts").map_err(db_err)?, "attempts")?;
    let max = count_u32(row.try_get("max_attempts").map_err(db_err)?, "attempts")?;
    let outcome = if failure == Failure::Permanent || attempts >= max {
        FailOutcome::Dead
    } else {
        FailOutcome::Retry {
            at: micros(now.checked_add_signed(backoff(attempts)).unwrap_or(now)),
        }
    };
    let (state, run_at) = match outcome {
        FailOutcome::Retry { at } => ("pending", Some(at)),
        _ => ("dead", None),
    };
    sqlx::query(
        "UPDATE jobs SET state = $2, run_at = COALESCE($3, run_at), last_error = $4, lease_owner = NULL, lease_until = NULL
         WHERE id = $1",
    )
    .bind(id.to_string())
    .bind(state)
    .bind(opt_us(run_at))
    .bind(error)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    Ok(outcome)
}

/// One conditional statement: the lease is checked and the job handed back
/// at once, so no transaction is needed (as for [`complete`]).
pub(crate) async fn release(
    pool: &SqlitePool,
    id: JobId,
    worker: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    // The claim counted `attempts + 1`: undo exactly that.
    let done = sqlx::query(
        "UPDATE jobs SET state = 'pending', run_at = MIN(run_at, $3), attempts = MAX(attempts - 1, 0),
            lease_owner = NULL, lease_until = NULL
         WHERE id = $1 AND state = 'running' AND lease_owner = $2",
    )
    .bind(id.to_string())
    .bind(worker)
    .bind(us(now))
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(done.rows_affected() == 1)
}

pub(crate) async fn get(pool: &SqlitePool, id: JobId) -> StoreResult<Option<Job>> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .fetch_optional(pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub(crate) async fn dead(pool: &SqlitePool, limit: u32) -> StoreResult<Vec<Job>> {
    let sql =
        format!("SELECT {COLUMNS} FROM jobs WHERE state = 'dead' ORDER BY run_at, id LIMIT $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(from_row)
        .collect()
}

pub(crate) async fn retry_dead(
    pool: &SqlitePool,
    id: JobId,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let done = sqlx::query("UPDATE jobs SET state = 'pending', attempts = 0, run_at = $2 WHERE id = $1 AND state = 'dead'")
        .bind(id.to_string())
        .bind(us(now))
        .execute(pool)
        .await
        .map_err(db_err)?;
    Ok(done.rows_affected() == 1)
}
