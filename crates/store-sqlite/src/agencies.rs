//! Agencies: the administrative tree.

use chrono::Utc;
use motcua_domain::code;
use motcua_domain::text::{fold, nfc};
use motcua_store::{Agency, AgencyId, AgencyKind, NewAgency, StoreError, StoreResult};
use sqlx::Row;
use sqlx::sqlite::{SqlitePool, SqliteRow};

use crate::convert::{db_err, from_json, from_us, opt_parse, parse, to_json, us};

const COLUMNS: &str = "id, parent_id, identifier, name, kind, office_hours, receives_any_procedure, commune, created_at, merged_into";

fn from_row(row: &SqliteRow) -> StoreResult<Agency> {
    let kind: String = row.try_get("kind").map_err(db_err)?;
    Ok(Agency {
        id: parse(
            &row.try_get::<String, _>("id").map_err(db_err)?,
            "agency id",
        )?,
        parent: opt_parse(row.try_get("parent_id").map_err(db_err)?, "agency id")?,
        identifier: code::AgencyId::new(&row.try_get::<String, _>("identifier").map_err(db_err)?)?,
        name: row.try_get("name").map_err(db_err)?,
        kind: AgencyKind::from_key(&kind)
            .ok_or_else(|| StoreError::corrupt(format!("agency kind {kind}")))?,
        office_hours: from_json(
            &row.try_get::<String, _>("office_hours").map_err(db_err)?,
            "office hours",
        )?,
        receives_any_procedure: row.try_get("receives_any_procedure").map_err(db_err)?,
        commune: row
            .try_get::<Option<String>, _>("commune")
            .map_err(db_err)?
            .map(|c| {
                c.parse()
                    .map_err(|_| StoreError::corrupt(format!("agency commune {c}")))
            })
            .transpose()?,
        created_at: from_us(row.try_get("created_at").map_err(db_err)?)?,
        merged_into: opt_parse(row.try_get("merged_into").map_err(db_err)?, "agency id")?,
    })
}

pub(crate) async fn create(pool: &SqlitePool, new: NewAgency) -> StoreResult<Agency> {
    motcua_store::refuse_nul([new.name.as_str()])?;
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
        created_at: motcua_store::hash::micros(Utc::now()),
    };
    sqlx::query(
        "INSERT INTO agencies (id, parent_id, identifier, name, name_folded, kind, office_hours, receives_any_procedure, created_at, commune)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(agency.id.to_string())
    .bind(agency.parent.map(|p| p.to_string()))
    .bind(agency.identifier.to_string())
    .bind(&agency.name)
    .bind(fold(&agency.name))
    .bind(agency.kind.key())
    .bind(to_json(&agency.office_hours)?)
    .bind(agency.receives_any_procedure)
    .bind(us(agency.created_at))
    .bind(agency.commune.map(|c| c.to_string()))
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(agency)
}

pub(crate) async fn get(pool: &SqlitePool, id: AgencyId) -> StoreResult<Option<Agency>> {
    let sql = format!("SELECT {COLUMNS} FROM agencies WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .fetch_optional(pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub(crate) async fn by_identifier(
    pool: &SqlitePool,
    identifier: &str,
) -> StoreResult<Option<Agency>> {
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

pub(crate) async fn children(
    pool: &SqlitePool,
    parent: Option<AgencyId>,
) -> StoreResult<Vec<Agency>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM agencies WHERE parent_id IS $1 ORDER BY name_folded, name, id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(parent.map(|p| p.to_string()))
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(from_row)
        .collect()
}

pub(crate) async fn merged_into(pool: &SqlitePool, into: AgencyId) -> StoreResult<Vec<Agency>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM agencies WHERE merged_into = $1 ORDER BY name_folded, name, id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(into.to_string())
        .fetch_all(pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(from_row)
        .collect()
}

pub(crate) async fn update(pool: &SqlitePool, agency: &Agency) -> StoreResult<()> {
    motcua_store::refuse_nul([agency.name.as_str()])?;
    let name = nfc(agency.name.trim()).into_owned();
    let done = sqlx::query(
        "UPDATE agencies SET name = $2, name_folded = $3, kind = $4, office_hours = $5, receives_any_procedure = $6,
         commune = $7, merged_into = $8 WHERE id = $1",
    )
    .bind(agency.id.to_string())
    .bind(&name)
    .bind(fold(&name))
    .bind(agency.kind.key())
    .bind(to_json(&agency.office_hours)?)
    .bind(agency.receives_any_procedure)
    .bind(agency.commune.map(|c| c.to_string()))
    .bind(agency.merged_into.map(|a| a.to_string()))
    .execute(pool)
    .await
    .map_err(db_err)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found(format!("agency {}", agency.id)));
    }
    Ok(())
}
