//! The jobs table: the outbox and the scheduler. A claim locks the due rows
//! it takes with `FOR UPDATE SKIP LOCKED`, so workers on any number of app
//! nodes never lease the same job and never wait for each other.

use chrono::{DateTime, TimeDelta, Utc};
use motcua_store::hash::micros;
use motcua_store::{FailOutcome, Job, JobId, JobState, NewJob, StoreError, StoreResult, backoff};
use sqlx::PgConnection;
use sqlx::postgres::{PgPool, PgRow};

use crate::convert::{count_u64, db_err, get, opt_ts, ts};

const COLUMNS: &str = "id, kind, payload, run_at, idempotency_key, attempts, max_attempts, state,
    lease_owner, lease_until, last_error, created_at, finished_at";

fn count(row: &PgRow, column: &str) -> StoreResult<u32> {
    let n = count_u64(get(row, column)?, column)?;
    u32::try_from(n).map_err(|_| StoreError::corrupt(format!("{column} {n}")))
}

fn from_row(row: &PgRow) -> StoreResult<Job> {
    let state: String = get(row, "state")?;
    Ok(Job {
        id: JobId::from_uuid(get(row, "id")?),
        kind: get(row, "kind")?,
        payload: get(row, "payload")?,
        run_at: get(row, "run_at")?,
        idempotency_key: get(row, "idempotency_key")?,
        attempts: count(row, "attempts")?,
        max_attempts: count(row, "max_attempts")?,
        state: JobState::from_key(&state)
            .ok_or_else(|| StoreError::corrupt(format!("job state {state}")))?,
        lease_owner: get(row, "lease_owner")?,
        lease_until: get(row, "lease_until")?,
        last_error: get(row, "last_error")?,
        created_at: get(row, "created_at")?,
        finished_at: get(row, "finished_at")?,
    })
}

/// Inserts a job in the caller's transaction; `None` when its idempotency
/// key exists already (also when another transaction is writing that key
/// right now: the insert waits for it, then does nothing).
pub(crate) async fn insert(conn: &mut PgConnection, job: &NewJob) -> StoreResult<Option<JobId>> {
    let id = JobId::new();
    let done = sqlx::query(
        "INSERT INTO jobs (id, kind, payload, run_at, idempotency_key, attempts, max_attempts, state, created_at)
         VALUES ($1, $2, $3, $4, $5, 0, $6, 'pending', $7)
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(id.uuid())
    .bind(&job.kind)
    .bind(&job.payload)
    .bind(ts(job.run_at))
    .bind(&job.idempotency_key)
    .bind(i64::from(job.max_attempts.max(1)))
    .bind(micros(Utc::now()))
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok((done.rows_affected() == 1).then_some(id))
}

pub(crate) async fn enqueue(pool: &PgPool, job: NewJob) -> StoreResult<Option<JobId>> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    insert(&mut conn, &job).await
}

pub(crate) async fn claim(
    pool: &PgPool,
    worker: &str,
    now: DateTime<Utc>,
    lease: TimeDelta,
    limit: u32,
) -> StoreResult<Vec<Job>> {
    // One statement: the inner SELECT locks the due rows no other worker
    // holds (skipping those another claim has locked) and the UPDATE leases
    // them, all before anyone else can see them pending.
    let sql = format!(
        "UPDATE jobs SET state = 'running', lease_owner = $1, lease_until = $2, attempts = attempts + 1
         WHERE id IN (
            SELECT id FROM jobs
            WHERE state IN ('pending', 'running')
              AND ((state = 'pending' AND run_at <= $3) OR (state = 'running' AND lease_until <= $3))
            ORDER BY run_at, id
            LIMIT $4
            FOR UPDATE SKIP LOCKED)
         RETURNING {COLUMNS}"
    );
    let until = now
        .checked_add_signed(lease)
        .ok_or_else(|| StoreError::invalid("the lease ends too far in the future"))?;
    // A job whose last allowed attempt ended with its worker gone is
    // dead-lettered rather than leased again and again.
    sqlx::query(
        "UPDATE jobs SET state = 'dead', lease_owner = NULL, lease_until = NULL,
            last_error = COALESCE(last_error, 'the worker stopped during the last attempt')
         WHERE state = 'running' AND lease_until <= $1 AND attempts >= max_attempts",
    )
    .bind(ts(now))
    .execute(pool)
    .await
    .map_err(db_err)?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(worker)
        .bind(ts(until))
        .bind(ts(now))
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    let mut jobs: Vec<Job> = rows.iter().map(from_row).collect::<StoreResult<_>>()?;
    jobs.sort_by_key(|j| (j.run_at, j.id));
    Ok(jobs)
}

pub(crate) async fn complete(
    pool: &PgPool,
    id: JobId,
    worker: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE jobs SET state = 'done', finished_at = $3, lease_owner = NULL, lease_until = NULL
         WHERE id = $1 AND state = 'running' AND lease_owner = $2",
    )
    .bind(id.uuid())
    .bind(worker)
    .bind(ts(now))
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
    pool: &PgPool,
    id: JobId,
    worker: &str,
    error: &str,
    now: DateTime<Utc>,
    failure: Failure,
) -> StoreResult<FailOutcome> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    // Locked until the end of the transaction: a claim taking over an
    // expired lease skips the row meanwhile (SKIP LOCKED) and finds it
    // pending or dead the next time.
    let row = sqlx::query(
        "SELECT attempts, max_attempts FROM jobs
         WHERE id = $1 AND state = 'running' AND lease_owner = $2
         FOR UPDATE",
    )
    .bind(id.uuid())
    .bind(worker)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_err)?;
    let Some(row) = row else {
        return Ok(FailOutcome::LeaseLost);
    };
    let attempts = count(&row, "attempts")?;
    let max = count(&row, "max_attempts")?;
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
        "UPDATE jobs SET state = $2, run_at = COALESCE($3, run_at), last_error = $4,
            lease_owner = NULL, lease_until = NULL
         WHERE id = $1",
    )
    .bind(id.uuid())
    .bind(state)
    .bind(opt_ts(run_at))
    .bind(error)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    Ok(outcome)
}

/// One conditional statement: it locks the row, so a claim taking over an
/// expired lease at the same moment either skips it (and finds it pending
/// the next time) or took it first (and the lease check fails here).
pub(crate) async fn release(
    pool: &PgPool,
    id: JobId,
    worker: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    // The claim counted `attempts + 1`: undo exactly that.
    let done = sqlx::query(
        "UPDATE jobs SET state = 'pending', run_at = LEAST(run_at, $3),
            attempts = GREATEST(attempts - 1, 0), lease_owner = NULL, lease_until = NULL
         WHERE id = $1 AND state = 'running' AND lease_owner = $2",
    )
    .bind(id.uuid())
    .bind(worker)
    .bind(ts(now))
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(done.rows_affected() == 1)
}

pub(crate) async fn get_one(pool: &PgPool, id: JobId) -> StoreResult<Option<Job>> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.uuid())
        .fetch_optional(pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub(crate) async fn dead(pool: &PgPool, limit: u32) -> StoreResult<Vec<Job>> {
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

pub(crate) async fn retry_dead(pool: &PgPool, id: JobId, now: DateTime<Utc>) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE jobs SET state = 'pending', attempts = 0, run_at = $2 WHERE id = $1 AND state = 'dead'",
    )
    .bind(id.uuid())
    .bind(ts(now))
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(done.rows_affected() == 1)
}
