//! Post offices' served agencies and hand-over records on SQLite.

use chrono::{DateTime, Datelike, Utc};
use motcua_domain::calendar;
use motcua_store::hash::micros;
use motcua_store::{
    AgencyId, Confirmation, ConsignmentId, Handover, HandoverId, HandoverNumber, NewHandover,
    StoreError, StoreResult, UserId,
};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{Row, SqliteConnection};

use crate::convert::{count_u32, db_err, from_key, from_us, key, opt_from_us, parse, to_json, us};
use crate::postal;

pub(crate) async fn set_served(
    pool: &SqlitePool,
    post_office: AgencyId,
    agencies: &[AgencyId],
) -> StoreResult<()> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    sqlx::query("DELETE FROM post_office_agencies WHERE post_office_id = $1")
        .bind(post_office.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    for agency in agencies {
        sqlx::query(
            "INSERT INTO post_office_agencies (post_office_id, agency_id) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
        )
        .bind(post_office.to_string())
        .bind(agency.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    }
    tx.commit().await.map_err(db_err)
}

pub(crate) async fn served(pool: &SqlitePool, post_office: AgencyId) -> StoreResult<Vec<AgencyId>> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT agency_id FROM post_office_agencies WHERE post_office_id = $1 ORDER BY agency_id",
    )
    .bind(post_office.to_string())
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    ids.iter().map(|id| parse(id, "an agency id")).collect()
}

pub(crate) async fn post_offices_of(
    pool: &SqlitePool,
    agency: AgencyId,
) -> StoreResult<Vec<AgencyId>> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT post_office_id FROM post_office_agencies WHERE agency_id = $1
         ORDER BY post_office_id",
    )
    .bind(agency.to_string())
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    ids.iter().map(|id| parse(id, "an agency id")).collect()
}

const COLUMNS: &str = "id, leg, post_office_id, agency_id, year, number, drafted_by, drafted_at, \
    confirmed_by, confirmed_at";

async fn from_row(conn: &mut SqliteConnection, row: &SqliteRow) -> StoreResult<Handover> {
    let text = |column: &str| -> StoreResult<String> { row.try_get(column).map_err(db_err) };
    let id: HandoverId = parse(&text("id")?, "a hand-over id")?;
    let year: i64 = row.try_get("year").map_err(db_err)?;
    let confirmed = match (
        row.try_get::<Option<String>, _>("confirmed_by")
            .map_err(db_err)?,
        opt_from_us(row.try_get("confirmed_at").map_err(db_err)?)?,
    ) {
        (Some(by), Some(at)) => Some((parse(&by, "a user id")?, at)),
        _ => None,
    };
    Ok(Handover {
        id,
        number: HandoverNumber {
            year: i32::try_from(year).map_err(|_| StoreError::corrupt("a record's year"))?,
            number: count_u32(row.try_get("number").map_err(db_err)?, "a record number")?,
        },
        leg: from_key(&text("leg")?, "a leg")?,
        post_office: parse(&text("post_office_id")?, "an agency id")?,
        agency: parse(&text("agency_id")?, "an agency id")?,
        consignments: items(conn, id).await?,
        drafted_by: parse(&text("drafted_by")?, "a user id")?,
        drafted_at: from_us(row.try_get("drafted_at").map_err(db_err)?)?,
        confirmed,
    })
}

async fn items(conn: &mut SqliteConnection, id: HandoverId) -> StoreResult<Vec<ConsignmentId>> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT i.consignment_id FROM handover_items i
         JOIN consignments c ON c.id = i.consignment_id
         WHERE i.handover_id = $1 ORDER BY c.created_at, c.id",
    )
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    ids.iter().map(|c| parse(c, "a consignment id")).collect()
}

async fn select(
    conn: &mut SqliteConnection,
    filter: &str,
    binds: Vec<String>,
    tail: &str,
) -> StoreResult<Vec<Handover>> {
    let sql = format!("SELECT {COLUMNS} FROM handovers WHERE {filter} {tail}");
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for b in binds {
        query = query.bind(b);
    }
    let rows = query.fetch_all(&mut *conn).await.map_err(db_err)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        out.push(from_row(conn, row).await?);
    }
    Ok(out)
}

pub(crate) async fn create(pool: &SqlitePool, new: NewHandover) -> StoreResult<Handover> {
    new.check()?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    for id in &new.consignments {
        let consignment = postal::in_tx(&mut tx, *id)
            .await?
            .ok_or_else(|| StoreError::not_found(format!("consignment {id}")))?;
        new.may_list(&consignment)?;
        let listed: Option<String> =
            sqlx::query_scalar("SELECT handover_id FROM handover_items WHERE consignment_id = $1")
                .bind(id.to_string())
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
        if listed.is_some() {
            return Err(StoreError::conflict(format!(
                "consignment {id} is on another hand-over record"
            )));
        }
    }
    let at = micros(new.at);
    let year = calendar::to_local(at).year();
    let number: i64 = sqlx::query_scalar(
        "INSERT INTO handover_series (post_office_id, year, last) VALUES ($1, $2, 1)
         ON CONFLICT (post_office_id, year) DO UPDATE SET last = last + 1
         RETURNING last",
    )
    .bind(new.post_office.to_string())
    .bind(i64::from(year))
    .fetch_one(&mut *tx)
    .await
    .map_err(db_err)?;
    sqlx::query(
        "INSERT INTO handovers (id, leg, post_office_id, agency_id, year, number, drafted_by,
            drafted_at, confirmed_by, confirmed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL)",
    )
    .bind(new.id.to_string())
    .bind(key(&new.leg)?)
    .bind(new.post_office.to_string())
    .bind(new.agency.to_string())
    .bind(i64::from(year))
    .bind(number)
    .bind(new.drafted_by.to_string())
    .bind(us(at))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    for id in &new.consignments {
        sqlx::query("INSERT INTO handover_items (handover_id, consignment_id) VALUES ($1, $2)")
            .bind(new.id.to_string())
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    let record = select(&mut tx, "id = $1", vec![new.id.to_string()], "")
        .await?
        .pop()
        .ok_or_else(|| StoreError::corrupt("a record just written"))?;
    tx.commit().await.map_err(db_err)?;
    Ok(record)
}

pub(crate) async fn get_one(pool: &SqlitePool, id: HandoverId) -> StoreResult<Option<Handover>> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    Ok(select(&mut conn, "id = $1", vec![id.to_string()], "")
        .await?
        .pop())
}

pub(crate) async fn of_consignment(
    pool: &SqlitePool,
    consignment: ConsignmentId,
) -> StoreResult<Option<Handover>> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    Ok(select(
        &mut conn,
        "id IN (SELECT handover_id FROM handover_items WHERE consignment_id = $1)",
        vec![consignment.to_string()],
        "",
    )
    .await?
    .pop())
}

pub(crate) async fn of_parties(
    pool: &SqlitePool,
    parties: &[AgencyId],
    unconfirmed_only: bool,
    limit: u32,
) -> StoreResult<Vec<Handover>> {
    let parties: Vec<String> = parties.iter().map(ToString::to_string).collect();
    let mut conn = pool.acquire().await.map_err(db_err)?;
    let filter = format!(
        "(post_office_id IN (SELECT value FROM json_each($1))
          OR agency_id IN (SELECT value FROM json_each($1))){}",
        if unconfirmed_only {
            " AND confirmed_at IS NULL"
        } else {
            ""
        }
    );
    select(
        &mut conn,
        &filter,
        vec![to_json(&parties)?],
        &format!("ORDER BY drafted_at DESC, id DESC LIMIT {limit}"),
    )
    .await
}

pub(crate) async fn confirm(
    pool: &SqlitePool,
    id: HandoverId,
    by: UserId,
    at: DateTime<Utc>,
) -> StoreResult<Confirmation> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    let record = select(&mut tx, "id = $1", vec![id.to_string()], "")
        .await?
        .pop()
        .ok_or_else(|| StoreError::not_found(format!("hand-over record {id}")))?;
    if record.confirmed.is_some() {
        return Ok(Confirmation::Already(record));
    }
    let at = micros(at);
    if at < record.drafted_at {
        return Err(StoreError::invalid(
            "a record is confirmed after it is drafted",
        ));
    }
    sqlx::query("UPDATE handovers SET confirmed_by = $2, confirmed_at = $3 WHERE id = $1")
        .bind(id.to_string())
        .bind(by.to_string())
        .bind(us(at))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    Ok(Confirmation::Now(Handover {
        confirmed: Some((by, at)),
        ..record
    }))
}

pub(crate) async fn discard(pool: &SqlitePool, id: HandoverId) -> StoreResult<bool> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    let confirmed: Option<Option<i64>> =
        sqlx::query_scalar("SELECT confirmed_at FROM handovers WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
    match confirmed {
        None => return Ok(false),
        Some(Some(_)) => {
            return Err(StoreError::conflict(format!(
                "hand-over record {id} is confirmed"
            )));
        }
        Some(None) => {}
    }
    for sql in [
        "DELETE FROM handover_items WHERE handover_id = $1",
        "DELETE FROM handovers WHERE id = $1",
    ] {
        sqlx::query(sql)
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(true)
}
