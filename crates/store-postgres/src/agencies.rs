//! Agencies: the administrative tree.

use chrono::Utc;
use motcua_domain::code;
use motcua_domain::text::{fold, nfc};
use motcua_store::hash::micros;
use motcua_store::{Agency, AgencyId, AgencyKind, NewAgency, StoreError, StoreResult};
use sqlx::postgres::{PgPool, PgRow};
use sqlx::types::Json;
use uuid::Uuid;

use crate::convert::{db_err, get, get_json, ts};

const COLUMNS: &str = "id, parent_id, identifier, name, kind, office_hours, receives_any_procedure, commune, created_at, merged_into";

fn from_row(row: &PgRow) -> StoreResult<Agency> {
    let kind: String = get(row, "kind")?;
    Ok(Agency {
        id: AgencyId::from_uuid(get(row, "id")?),
        parent: get::<Option<Uuid>>(row, "parent_id")?.map(AgencyId::from_uuid),
        identifier: code::AgencyId::new(&get::<String>(row, "identifier")?)?,
        name: get(row, "name")?,
        kind: AgencyKind::from_key(&kind)
            .ok_or_else(|| StoreError::corrupt(format!("agency kind {kind}")))?,
        office_hours: get_json(row, "office_hours")?,
        receives_any_procedure: get(row, "receives_any_procedure")?,
        commune: get::<Option<String>>(row, "commune")?
            .map(|c| {
                c.parse()
                    .map_err(|_| StoreError::corrupt(format!("agency commune {c}")))
            })
            .transpose()?,
        created_at: get(row, "created_at")?,
        merged_into: get::<Option<Uuid>>(row, "merged_into")?.map(AgencyId::from_uuid),
    })
}

pub(crate) async fn create(pool: &PgPool, new: NewAgency) -> StoreResult<Agency> {
    let agency = Agency {
        id: new.id,
        parent: new.parent,
        identifier: new.identifier,
        name: nfc(new.name.trim()).into_owned(),
        kind: new.kind,
        office_hours: new.office_hours,
        receives_any_procedure: new.receives_any_procedure,
        commune: new.commune,
        merged_into: None,
        created_at: micros(Utc::now()),
    };
    sqlx::query(
        "INSERT INTO agencies (id, parent_id, identifier, name, name_folded, kind, office_hours, receives_any_procedure, created_at, commune)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(agency.id.uuid())
    .bind(agency.parent.map(AgencyId::uuid))
    .bind(agency.identifier.as_str())
    .bind(&agency.name)
    .bind(fold(&agency.name))
    .bind(agency.kind.key())
    .bind(Json(&agency.office_hours))
    .bind(agency.receives_any_procedure)
    .bind(ts(agency.created_at))
    .bind(agency.commune.map(|c| c.to_string()))
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(agency)
}

pub(crate) async fn get_one(pool: &PgPool, id: AgencyId) -> StoreResult<Option<Agency>> {
    let sql = format!("SELECT {COLUMNS} FROM agencies WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.uuid())
        .fetch_optional(pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub(crate) async fn by_identifier(pool: &PgPool, identifier: &str) -> StoreResult<Option<Agency>> {
    let sql = format!("SELECT {COLUMNS} FROM agencies WHERE identifier = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(identifier)
        .fetch_optional(pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// The children of `parent`, ordered as SQLite orders them: the folded name,
/// then the name, byte by byte (the columns are `COLLATE "C"`).
pub(crate) async fn children(pool: &PgPool, parent: Option<AgencyId>) -> StoreResult<Vec<Agency>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM agencies WHERE parent_id IS NOT DISTINCT FROM $1
         ORDER BY name_folded, name, id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(parent.map(AgencyId::uuid))
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(from_row)
        .collect()
}

pub(crate) async fn merged_into(pool: &PgPool, into: AgencyId) -> StoreResult<Vec<Agency>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM agencies WHERE merged_into = $1 ORDER BY name_folded, name, id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(into.uuid())
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(from_row)
        .collect()
}

pub(crate) async fn update(pool: &PgPool, agency: &Agency) -> StoreResult<()> {
    let name = nfc(agency.name.trim()).into_owned();
    let done = sqlx::query(
        "UPDATE agencies SET name = $2, name_folded = $3, kind = $4, office_hours = $5, receives_any_procedure = $6,
         commune = $7, merged_into = $8 WHERE id = $1",
    )
    .bind(agency.id.uuid())
    .bind(&name)
    .bind(fold(&name))
    .bind(agency.kind.key())
    .bind(Json(&agency.office_hours))
    .bind(agency.receives_any_procedure)
    .bind(agency.commune.map(|c| c.to_string()))
    .bind(agency.merged_into.map(AgencyId::uuid))
    .execute(pool)
    .await
    .map_err(db_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found(format!("agency {}", agency.id)));
    }
    Ok(())
}
