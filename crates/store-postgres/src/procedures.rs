//! Procedures, versioned by the date each version takes effect. The whole
//! catalog entry is kept as JSON; searches run on columns computed in Rust
//! (`ProcedureColumns`), sorted byte-wise (`COLLATE "C"`), so both engines
//! find the same rows in the same order.

use chrono::NaiveDate;
use motcua_domain::catalog::Procedure;
use motcua_store::{
    ProcedureColumns, ProcedureQuery, ProcedureVersion, StoreResult, like_pattern, refuse_nul,
};
use sqlx::PgConnection;
use sqlx::postgres::{PgPool, PgRow};
use sqlx::types::Json;

use crate::convert::{db_err, get, get_json, ts};

fn from_row(row: &PgRow) -> StoreResult<ProcedureVersion> {
    Ok(ProcedureVersion {
        procedure: get_json::<Procedure>(row, "spec")?,
        updated_at: get(row, "updated_at")?,
    })
}

async fn upsert(conn: &mut PgConnection, v: &ProcedureVersion) -> StoreResult<()> {
    let p = &v.procedure;
    refuse_nul([p.code.as_str(), p.name.as_str(), p.field.as_str()])?;
    let columns = ProcedureColumns::of(p);
    sqlx::query(
        "INSERT INTO procedure_versions (code, effective_from, name_folded, field, level, competent, spec, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (code, effective_from) DO UPDATE SET
            name_folded = EXCLUDED.name_folded, field = EXCLUDED.field, level = EXCLUDED.level,
            competent = EXCLUDED.competent, spec = EXCLUDED.spec, updated_at = EXCLUDED.updated_at",
    )
    .bind(&p.code)
    .bind(p.effective_from)
    .bind(&columns.name_folded)
    .bind(&columns.field)
    .bind(columns.level)
    .bind(&columns.competent)
    .bind(Json(p))
    .bind(ts(v.updated_at))
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn put(pool: &PgPool, v: &ProcedureVersion) -> StoreResult<()> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    upsert(&mut conn, v).await
}

pub(crate) async fn import(pool: &PgPool, versions: &[ProcedureVersion]) -> StoreResult<usize> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    for v in versions {
        upsert(&mut tx, v).await?;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(versions.len())
}

pub(crate) async fn in_force(
    pool: &PgPool,
    code: &str,
    on: NaiveDate,
) -> StoreResult<Option<ProcedureVersion>> {
    sqlx::query(
        "SELECT spec, updated_at FROM procedure_versions WHERE code = $1 AND effective_from <= $2
         ORDER BY effective_from DESC LIMIT 1",
    )
    .bind(code)
    .bind(on)
    .fetch_optional(pool)
    .await
    .map_err(db_err)?
    .as_ref()
    .map(from_row)
    .transpose()
}

pub(crate) async fn versions(pool: &PgPool, code: &str) -> StoreResult<Vec<ProcedureVersion>> {
    sqlx::query(
        "SELECT spec, updated_at FROM procedure_versions WHERE code = $1 ORDER BY effective_from",
    )
    .bind(code)
    .fetch_all(pool)
    .await
    .map_err(db_err)?
    .iter()
    .map(from_row)
    .collect()
}

pub(crate) async fn search(
    pool: &PgPool,
    q: &ProcedureQuery,
) -> StoreResult<Vec<ProcedureVersion>> {
    let text = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
    sqlx::query(
        "SELECT p.spec, p.updated_at FROM procedure_versions p
         WHERE p.effective_from = (SELECT MAX(v.effective_from) FROM procedure_versions v
                                   WHERE v.code = p.code AND v.effective_from <= $1)
           AND ($2::text IS NULL OR p.name_folded LIKE $2 ESCAPE '\\' OR p.code = $3::text)
           AND ($4::text IS NULL OR p.field = $4)
           AND ($5::text IS NULL OR p.level = $5)
           AND ($6::text IS NULL OR p.competent = $6)
         ORDER BY p.name_folded, p.code
         LIMIT $7 OFFSET $8",
    )
    .bind(q.on)
    .bind(text.map(like_pattern))
    .bind(text.map(str::to_owned))
    .bind(&q.field)
    .bind(q.level.map(ProcedureColumns::level_key))
    .bind(&q.competent)
    .bind(i64::from(q.limit))
    .bind(i64::from(q.offset))
    .fetch_all(pool)
    .await
    .map_err(db_err)?
    .iter()
    .map(from_row)
    .collect()
}

pub(crate) async fn fields(pool: &PgPool, on: NaiveDate) -> StoreResult<Vec<String>> {
    sqlx::query_scalar(
        "SELECT DISTINCT p.field FROM procedure_versions p
         WHERE p.effective_from = (SELECT MAX(v.effective_from) FROM procedure_versions v
                                   WHERE v.code = p.code AND v.effective_from <= $1)
         ORDER BY p.field",
    )
    .bind(on)
    .fetch_all(pool)
    .await
    .map_err(db_err)
}

pub(crate) async fn all(pool: &PgPool) -> StoreResult<Vec<ProcedureVersion>> {
    sqlx::query("SELECT spec, updated_at FROM procedure_versions ORDER BY code, effective_from")
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(from_row)
        .collect()
}
