//! What the citizen portal keeps beside dossiers: drafts, failure counters
//! and satisfaction ratings.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use motcua_store::clean;
use motcua_store::{
    Delivery, DossierId, Draft, DraftFile, FAILURES_KEPT, Rating, Satisfaction, StoreError,
    StoreResult, UserId,
};
use sqlx::Row;
use sqlx::sqlite::{SqlitePool, SqliteRow};

use crate::convert::{count_u32, db_err, from_json, from_us, parse, to_json, us};

const DRAFT_COLUMNS: &str =
    "id, user_id, procedure_code, inputs, files, delivery, pin, created_at, updated_at";

fn draft_from_row(row: &SqliteRow) -> StoreResult<Draft> {
    let get_s = |c: &str| row.try_get::<String, _>(c).map_err(db_err);
    let delivery: Option<String> = row.try_get("delivery").map_err(db_err)?;
    Ok(Draft {
        id: parse(&get_s("id")?, "draft id")?,
        user: parse(&get_s("user_id")?, "user id")?,
        procedure_code: get_s("procedure_code")?,
        inputs: from_json::<BTreeMap<String, String>>(&get_s("inputs")?, "draft inputs")?,
        files: from_json::<Vec<DraftFile>>(&get_s("files")?, "draft files")?,
        delivery: delivery
            .map(|d| {
                Delivery::from_key(&d).ok_or_else(|| StoreError::corrupt(format!("delivery {d}")))
            })
            .transpose()?,
        pin: get_s("pin")?,
        created_at: from_us(row.try_get("created_at").map_err(db_err)?)?,
        updated_at: from_us(row.try_get("updated_at").map_err(db_err)?)?,
    })
}

/// Creates or replaces a draft in a `BEGIN IMMEDIATE` transaction, so no
/// dossier of the same id can be created between the check and the write:
/// a draft never changes once it became a dossier.
pub(crate) async fn save_draft(pool: &SqlitePool, draft: &Draft) -> StoreResult<()> {
    let d = clean::draft(draft)?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    let dossier: Option<i64> = sqlx::query_scalar("SELECT 1 FROM dossiers WHERE id = $1")
        .bind(d.id.to_string())
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
    .bind(d.id.to_string())
    .bind(d.user.to_string())
    .bind(&d.procedure_code)
    .bind(to_json(&d.inputs)?)
    .bind(to_json(&d.files)?)
    .bind(d.delivery.map(Delivery::key))
    .bind(&d.pin)
    .bind(us(d.created_at))
    .bind(us(d.updated_at))
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

pub(crate) async fn draft(pool: &SqlitePool, id: DossierId) -> StoreResult<Option<Draft>> {
    let sql = format!("SELECT {DRAFT_COLUMNS} FROM drafts WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .fetch_optional(pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(draft_from_row)
        .transpose()
}

pub(crate) async fn drafts_of_user(pool: &SqlitePool, user: UserId) -> StoreResult<Vec<Draft>> {
    let sql = format!(
        "SELECT {DRAFT_COLUMNS} FROM drafts WHERE user_id = $1 ORDER BY updated_at DESC, id DESC"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user.to_string())
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(draft_from_row)
        .collect()
}

pub(crate) async fn delete_draft(pool: &SqlitePool, id: DossierId) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM drafts WHERE id = $1")
        .bind(id.to_string())
        .execute(pool)
        .await
        .map_err(db_err)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn record_failure(
    pool: &SqlitePool,
    key: &str,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let key = clean::failure_key(key)?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    sqlx::query("INSERT INTO failures (key, at) VALUES ($1, $2)")
        .bind(&key)
        .bind(us(at))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    sqlx::query("DELETE FROM failures WHERE key = $1 AND at < $2")
        .bind(&key)
        .bind(us(at - FAILURES_KEPT))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    Ok(())
}

pub(crate) async fn failures_since(
    pool: &SqlitePool,
    key: &str,
    since: DateTime<Utc>,
) -> StoreResult<u32> {
    let key = clean::failure_key(key)?;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM failures WHERE key = $1 AND at >= $2")
        .bind(&key)
        .bind(us(since))
        .fetch_one(pool)
        .await
        .map_err(db_err)?;
    count_u32(n, "failures")
}

pub(crate) async fn clear_failures(pool: &SqlitePool, key: &str) -> StoreResult<()> {
    let key = clean::failure_key(key)?;
    sqlx::query("DELETE FROM failures WHERE key = $1")
        .bind(&key)
        .execute(pool)
        .await
        .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn rate_dossier(pool: &SqlitePool, rating: &Rating) -> StoreResult<()> {
    let r = clean::rating(rating)?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    let dossier: Option<i64> = sqlx::query_scalar("SELECT 1 FROM dossiers WHERE id = $1")
        .bind(r.dossier.to_string())
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
    .bind(r.dossier.to_string())
    .bind(r.user.to_string())
    .bind(r.overall.key())
    .bind(r.convenience.key())
    .bind(r.timeliness.key())
    .bind(r.attitude.key())
    .bind(&r.comment)
    .bind(us(r.rated_at))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    Ok(())
}

pub(crate) async fn rating(pool: &SqlitePool, dossier: DossierId) -> StoreResult<Option<Rating>> {
    let row = sqlx::query(
        "SELECT dossier_id, user_id, overall, convenience, timeliness, attitude, comment, rated_at
         FROM ratings WHERE dossier_id = $1",
    )
    .bind(dossier.to_string())
    .fetch_optional(pool)
    .await
    .map_err(db_err)?;
    let Some(row) = row else { return Ok(None) };
    let get_s = |c: &str| row.try_get::<String, _>(c).map_err(db_err);
    let satisfaction = |c: &str| {
        let key = get_s(c)?;
        Satisfaction::from_key(&key).ok_or_else(|| StoreError::corrupt(format!("{c} `{key}`")))
    };
    Ok(Some(Rating {
        dossier: parse(&get_s("dossier_id")?, "dossier id")?,
        user: parse(&get_s("user_id")?, "user id")?,
        overall: satisfaction("overall")?,
        convenience: satisfaction("convenience")?,
        timeliness: satisfaction("timeliness")?,
        attitude: satisfaction("attitude")?,
        comment: row.try_get("comment").map_err(db_err)?,
        rated_at: from_us(row.try_get("rated_at").map_err(db_err)?)?,
    }))
}
