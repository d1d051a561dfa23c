//! Procedures, versioned by the date each version takes effect.

use chrono::NaiveDate;
use motcua_domain::text::{fold, nfc};
use motcua_store::{AgencyId, ProcedureVersion, StoreResult};
use sqlx::postgres::{PgPool, PgRow};
use sqlx::types::Json;

use crate::convert::{db_err, get, get_json, ts};

const COLUMNS: &str = "code, effective_from, agency_id, name, processing_time, spec, updated_at";

fn from_row(row: &PgRow) -> StoreResult<ProcedureVersion> {
    Ok(ProcedureVersion {
        code: get(row, "code")?,
        effective_from: get(row, "effective_from")?,
        agency: AgencyId::from_uuid(get(row, "agency_id")?),
        name: get(row, "name")?,
        processing_time: get_json(row, "processing_time")?,
        spec: get(row, "spec")?,
        updated_at: get(row, "updated_at")?,
    })
}

pub(crate) async fn put(pool: &PgPool, v: &ProcedureVersion) -> StoreResult<()> {
    let name = nfc(v.name.trim()).into_owned();
    sqlx::query(
        "INSERT INTO procedure_versions (code, effective_from, agency_id, name, name_folded, processing_time, spec, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (code, effective_from) DO UPDATE SET
            agency_id = EXCLUDED.agency_id, name = EXCLUDED.name, name_folded = EXCLUDED.name_folded,
            processing_time = EXCLUDED.processing_time, spec = EXCLUDED.spec, updated_at = EXCLUDED.updated_at",
    )
    .bind(&v.code)
    .bind(v.effective_from)
    .bind(v.agency.uuid())
    .bind(&name)
    .bind(fold(&name))
    .bind(Json(&v.processing_time))
    .bind(&v.spec)
    .bind(ts(v.updated_at))
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn in_force(
    pool: &PgPool,
    code: &str,
    on: NaiveDate,
) -> StoreResult<Option<ProcedureVersion>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM procedure_versions WHERE code = $1 AND effective_from <= $2
         ORDER BY effective_from DESC LIMIT 1"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
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
    let sql =
        format!("SELECT {COLUMNS} FROM procedure_versions WHERE code = $1 ORDER BY effective_from");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(code)
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(from_row)
        .collect()
}
