//! What the citizen portal keeps beside dossiers: drafts, failure counters
//! and satisfaction ratings.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use motcua_store::clean;
use motcua_store::{
    Delivery, DossierId, Draft, DraftFile, FAILURES_KEPT, Rating, Satisfaction, StoreError,
    StoreResult, UserId,
};
use sqlx::PgConnection;
use sqlx::postgres::{PgPool, PgRow};
use sqlx::types::Json;

use crate::convert::{db_err, get, get_json, ts};

const DRAFT_COLUMNS: &str =
    "id, user_id, procedure_code, inputs, files, delivery, pin, created_at, updated_at";

fn draft_from_row(row: &PgRow) -> StoreResult<Draft> {
    let delivery: Option<String> = get(row, "delivery")?;
    Ok(Draft {
        id: DossierId::from_uuid(get(row, "id")?),
        user: UserId::from_uuid(get(row, "user_id")?),
        procedure_code: get(row, "procedure_code")?,
        inputs: get_json::<BTreeMap<String, String>>(row, "inputs")?,
        files: get_json::<Vec<DraftFile>>(row, "files")?,
        delivery: delivery
            .map(|d| {
                Delivery::from_key(&d).ok_or_else(|| StoreError::corrupt(format!("delivery {d}")))
            })
            .transpose()?,
        pin: get(row, "pin")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
    })
}

/// The advisory lock key of a dossier id (advisory locks are per database;
/// the audit chain's key is `0x6d6f7463_75610001`). The random half of a
/// UUID v7: two ids sharing a key only wait for each other.
fn id_lock(id: DossierId) -> i64 {
    let bytes = id.uuid().into_bytes();
    let mut low = [0u8; 8];
    low.copy_from_slice(&bytes[8..]);
    i64::from_be_bytes(low)
}

/// Takes the transaction-scoped lock of a dossier id: a draft saved and a
/// dossier created under the same id take turns, so a draft never changes
/// once its dossier exists.
pub(crate) async fn lock_id(conn: &mut PgConnection, id: DossierId) -> StoreResult<()> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(id_lock(id))
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn save_draft(pool: &PgPool, draft: &Draft) -> StoreResult<()> {
    let d = clean::draft(draft)?;
    let mut tx = pool.begin().await.map_err(db_err)?;
    lock_id(&mut tx, d.id).await?;
    let dossier: Option<i32> = sqlx::query_scalar("SELECT 1 FROM dossiers WHERE id = $1")
        .bind(d.id.uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
    if dossier.is_some() {
        return Err(StoreError::conflict(format!(
            "draft {}: it was submitted already",
            d.id
        )));
    }
    let done = sqlx::query(
        "INSERT INTO drafts (id, user_id, procedure_code, inputs, files, delivery, pin, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (id) DO UPDATE SET procedure_code = excluded.procedure_code,
            inputs = excluded.inputs, files = excluded.files, delivery = excluded.delivery,
            pin = excluded.pin, updated_at = excluded.updated_at
         WHERE drafts.user_id = excluded.user_id",
    )
    .bind(d.id.uuid())
    .bind(d.user.uuid())
    .bind(&d.procedure_code)
    .bind(Json(&d.inputs))
    .bind(Json(&d.files))
    .bind(d.delivery.map(Delivery::key))
    .bind(&d.pin)
    .bind(ts(d.created_at))
    .bind(ts(d.updated_at))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::conflict(format!(
            "draft {}: it belongs to another account",
            d.id
        )));
    }
    tx.commit().await.map_err(db_err)?;
    Ok(())
}

pub(crate) async fn draft(pool: &PgPool, id: DossierId) -> StoreResult<Option<Draft>> {
    let sql = format!("SELECT {DRAFT_COLUMNS} FROM drafts WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.uuid())
        .fetch_optional(pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(draft_from_row)
        .transpose()
}

pub(crate) async fn drafts_of_user(pool: &PgPool, user: UserId) -> StoreResult<Vec<Draft>> {
    let sql = format!(
        "SELECT {DRAFT_COLUMNS} FROM drafts WHERE user_id = $1 ORDER BY updated_at DESC, id DESC"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user.uuid())
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(draft_from_row)
        .collect()
}

pub(crate) async fn delete_draft(pool: &PgPool, id: DossierId) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM drafts WHERE id = $1")
        .bind(id.uuid())
        .execute(pool)
        .await
        .map_err(db_err)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn record_failure(pool: &PgPool, key: &str, at: DateTime<Utc>) -> StoreResult<()> {
    let key = clean::failure_key(key)?;
    let mut tx = pool.begin().await.map_err(db_err)?;
    sqlx::query("INSERT INTO failures (key, at) VALUES ($1, $2)")
        .bind(&key)
        .bind(ts(at))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    sqlx::query("DELETE FROM failures WHERE key = $1 AND at < $2")
        .bind(&key)
        .bind(ts(at - FAILURES_KEPT))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    Ok(())
}

pub(crate) async fn failures_since(
    pool: &PgPool,
    key: &str,
    since: DateTime<Utc>,
) -> StoreResult<u32> {
    let key = clean::failure_key(key)?;
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM failures WHERE key = $1 AND at >= $2")
        .bind(&key)
        .bind(ts(since))
        .fetch_one(pool)
        .await
        .map_err(db_err)?;
    u32::try_from(n).map_err(|_| StoreError::corrupt(format!("failures {n}")))
}

pub(crate) async fn clear_failures(pool: &PgPool, key: &str) -> StoreResult<()> {
    let key = clean::failure_key(key)?;
    sqlx::query("DELETE FROM failures WHERE key = $1")
        .bind(&key)
        .execute(pool)
        .await
        .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn rate_dossier(pool: &PgPool, rating: &Rating) -> StoreResult<()> {
    let r = clean::rating(rating)?;
    let mut tx = pool.begin().await.map_err(db_err)?;
    let dossier: Option<i32> = sqlx::query_scalar("SELECT 1 FROM dossiers WHERE id = $1")
        .bind(r.dossier.uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
    if dossier.is_none() {
        return Err(StoreError::not_found(format!("dossier {}", r.dossier)));
    }
    sqlx::query(
        "INSERT INTO ratings (dossier_id, user_id, overall, convenience, timeliness, attitude, comment, rated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(r.dossier.uuid())
    .bind(r.user.uuid())
    .bind(r.overall.key())
    .bind(r.convenience.key())
    .bind(r.timeliness.key())
    .bind(r.attitude.key())
    .bind(&r.comment)
    .bind(ts(r.rated_at))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    Ok(())
}

pub(crate) async fn rating(pool: &PgPool, dossier: DossierId) -> StoreResult<Option<Rating>> {
    let row = sqlx::query(
        "SELECT dossier_id, user_id, overall, convenience, timeliness, attitude, comment, rated_at
         FROM ratings WHERE dossier_id = $1",
    )
    .bind(dossier.uuid())
    .fetch_optional(pool)
    .await
    .map_err(db_err)?;
    let Some(row) = row else { return Ok(None) };
    let satisfaction = |c: &str| {
        let key: String = get(&row, c)?;
        Satisfaction::from_key(&key).ok_or_else(|| StoreError::corrupt(format!("{c} `{key}`")))
    };
    Ok(Some(Rating {
        dossier: DossierId::from_uuid(get(&row, "dossier_id")?),
        user: UserId::from_uuid(get(&row, "user_id")?),
        overall: satisfaction("overall")?,
        convenience: satisfaction("convenience")?,
        timeliness: satisfaction("timeliness")?,
        attitude: satisfaction("attitude")?,
        comment: get(&row, "comment")?,
        rated_at: get(&row, "rated_at")?,
    }))
}
