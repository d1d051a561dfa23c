//! Procedures, versioned by the date each version takes effect.

use chrono::NaiveDate;
use motcua_domain::text::{fold, nfc};
use motcua_store::{ProcedureVersion, StoreResult};
use sqlx::Row;
use sqlx::sqlite::{SqlitePool, SqliteRow};

use crate::convert::{day, db_err, from_day, from_json, from_us, parse, to_json, us};

const COLUMNS: &str = "code, effective_from, agency_id, name, processing_time, spec, updated_at";

fn from_row(row: &SqliteRow) -> StoreResult<ProcedureVersion> {
    Ok(ProcedureVersion {
        code: row.try_get("code").map_err(db_err)?,
        effective_from: from_day(&row.try_get::<String, _>("effective_from").map_err(db_err)?)?,
        agency: parse(
            &row.try_get::<String, _>("agency_id").map_err(db_err)?,
            "agency id",
        )?,
        name: row.try_get("name").map_err(db_err)?,
        processing_time: from_json(
            &row.try_get::<String, _>("processing_time")
                .map_err(db_err)?,
            "processing time",
        )?,
        spec: from_json(
            &row.try_get::<String, _>("spec").map_err(db_err)?,
            "procedure spec",
        )?,
        updated_at: from_us(row.try_get("updated_at").map_err(db_err)?)?,
    })
}

pub(crate) async fn put(pool: &SqlitePool, v: &ProcedureVersion) -> StoreResult<()> {
    motcua_store::refuse_nul([v.code.as_str(), v.name.as_str()])?;
    let name = nfc(v.name.trim()).into_owned();
    sqlx::query(
        "INSERT INTO procedure_versions (code, effective_from, agency_id, name, name_folded, processing_time, spec, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (code, effective_from) DO UPDATE SET
            agency_id = excluded.agency_id, name = excluded.name, name_folded = excluded.name_folded,
            processing_time = excluded.processing_time, spec = excluded.spec, updated_at = excluded.updated_at",
    )
    .bind(&v.code)
    .bind(day(v.effective_from))
    .bind(v.agency.to_string())
    .bind(&name)
    .bind(fold(&name))
    .bind(to_json(&v.processing_time)?)
    .bind(to_json(&v.spec)?)
    .bind(us(v.updated_at))
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn in_force(
    pool: &SqlitePool,
    code: &str,
    on: NaiveDate,
) -> StoreResult<Option<ProcedureVersion>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM procedure_versions WHERE code = $1 AND effective_from <= $2
         ORDER BY effective_from DESC LIMIT 1"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(code)
        .bind(day(on))
        .fetch_optional(pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub(crate) async fn versions(pool: &SqlitePool, code: &str) -> StoreResult<Vec<ProcedureVersion>> {
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
