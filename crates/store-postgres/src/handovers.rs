//! Post offices' served agencies and hand-over records on PostgreSQL.

use chrono::{DateTime, Datelike, Utc};
use motcua_domain::calendar;
use motcua_store::hash::micros;
use motcua_store::{
    AgencyId, Confirmation, ConsignmentId, Handover, HandoverId, HandoverNumber, NewHandover,
    StoreError, StoreResult, UserId,
};
use sqlx::PgConnection;
use sqlx::postgres::{PgPool, PgRow};
use uuid::Uuid;

use crate::convert::{count_u32, db_err, get, get_key, key};
use crate::postal;

pub(crate) async fn set_served(
    pool: &PgPool,
    post_office: AgencyId,
    agencies: &[AgencyId],
) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    sqlx::query("DELETE FROM post_office_agencies WHERE post_office_id = $1")
        .bind(post_office.uuid())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    let agencies: Vec<Uuid> = agencies.iter().map(|a| a.uuid()).collect();
    sqlx::query(
        "INSERT INTO post_office_agencies (post_office_id, agency_id)
         SELECT $1, a FROM unnest($2::uuid[]) AS a ON CONFLICT DO NOTHING",
    )
    .bind(post_office.uuid())
    .bind(agencies)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    tx.commit().await.map_err(db_err)
}

pub(crate) async fn served(pool: &PgPool, post_office: AgencyId) -> StoreResult<Vec<AgencyId>> {
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT agency_id FROM post_office_agencies WHERE post_office_id = $1 ORDER BY agency_id",
    )
    .bind(post_office.uuid())
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    Ok(ids.into_iter().map(AgencyId::from_uuid).collect())
}

pub(crate) async fn post_offices_of(pool: &PgPool, agency: AgencyId) -> StoreResult<Vec<AgencyId>> {
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT post_office_id FROM post_office_agencies WHERE agency_id = $1
         ORDER BY post_office_id",
    )
    .bind(agency.uuid())
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    Ok(ids.into_iter().map(AgencyId::from_uuid).collect())
}

const COLUMNS: &str = "id, leg, post_office_id, agency_id, year, number, drafted_by, drafted_at, \
    confirmed_by, confirmed_at";

async fn from_row(conn: &mut PgConnection, row: &PgRow) -> StoreResult<Handover> {
    let id = HandoverId::from_uuid(get(row, "id")?);
    let confirmed = match (
        get::<Option<Uuid>>(row, "confirmed_by")?,
        get::<Option<DateTime<Utc>>>(row, "confirmed_at")?,
    ) {
        (Some(by), Some(at)) => Some((UserId::from_uuid(by), at)),
        _ => None,
    };
    Ok(Handover {
        id,
        number: HandoverNumber {
            year: get(row, "year")?,
            number: count_u32(get(row, "number")?, "a record number")?,
        },
        leg: get_key(row, "leg")?,
        post_office: AgencyId::from_uuid(get(row, "post_office_id")?),
        agency: AgencyId::from_uuid(get(row, "agency_id")?),
        consignments: items(conn, id).await?,
        drafted_by: UserId::from_uuid(get(row, "drafted_by")?),
        drafted_at: get(row, "drafted_at")?,
        confirmed,
    })
}

async fn items(conn: &mut PgConnection, id: HandoverId) -> StoreResult<Vec<ConsignmentId>> {
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT i.consignment_id FROM handover_items i
         JOIN consignments c ON c.id = i.consignment_id
         WHERE i.handover_id = $1 ORDER BY c.created_at, c.id",
    )
    .bind(id.uuid())
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(ids.into_iter().map(ConsignmentId::from_uuid).collect())
}

/// The records matching `filter`, whose `$1` is `first`.
async fn select(
    conn: &mut PgConnection,
    filter: &str,
    first: Vec<Uuid>,
    tail: &str,
) -> StoreResult<Vec<Handover>> {
    let sql = format!("SELECT {COLUMNS} FROM handovers WHERE {filter} {tail}");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(first)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        out.push(from_row(conn, row).await?);
    }
    Ok(out)
}

async fn by_id(
    conn: &mut PgConnection,
    id: HandoverId,
    lock: bool,
) -> StoreResult<Option<Handover>> {
    let tail = if lock { "FOR UPDATE" } else { "" };
    Ok(select(conn, "id = ANY($1)", vec![id.uuid()], tail)
        .await?
        .pop())
}

pub(crate) async fn create(pool: &PgPool, new: NewHandover) -> StoreResult<Handover> {
    new.check()?;
    let mut tx = pool.begin().await.map_err(db_err)?;
    // Each consignment's row is locked, in one order for every writer (no
    // two drafts wait on each other): a second record listing it waits,
    // then finds it listed.
    let mut in_order = new.consignments.clone();
    in_order.sort();
    for id in &in_order {
        let consignment = postal::locked(&mut tx, *id)
            .await?
            .ok_or_else(|| StoreError::not_found(format!("consignment {id}")))?;
        new.may_list(&consignment)?;
        let listed: Option<Uuid> =
            sqlx::query_scalar("SELECT handover_id FROM handover_items WHERE consignment_id = $1")
                .bind(id.uuid())
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
    let number: i32 = sqlx::query_scalar(
        "INSERT INTO handover_series (post_office_id, year, last) VALUES ($1, $2, 1)
         ON CONFLICT (post_office_id, year) DO UPDATE SET last = handover_series.last + 1
         RETURNING last",
    )
    .bind(new.post_office.uuid())
    .bind(year)
    .fetch_one(&mut *tx)
    .await
    .map_err(db_err)?;
    sqlx::query(
        "INSERT INTO handovers (id, leg, post_office_id, agency_id, year, number, drafted_by,
            drafted_at, confirmed_by, confirmed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL)",
    )
    .bind(new.id.uuid())
    .bind(key(&new.leg)?)
    .bind(new.post_office.uuid())
    .bind(new.agency.uuid())
    .bind(year)
    .bind(number)
    .bind(new.drafted_by.uuid())
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    let items: Vec<Uuid> = new.consignments.iter().map(|c| c.uuid()).collect();
    sqlx::query(
        "INSERT INTO handover_items (handover_id, consignment_id)
         SELECT $1, c FROM unnest($2::uuid[]) AS c",
    )
    .bind(new.id.uuid())
    .bind(items)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    let record = by_id(&mut tx, new.id, false)
        .await?
        .ok_or_else(|| StoreError::corrupt("a record just written"))?;
    tx.commit().await.map_err(db_err)?;
    Ok(record)
}

pub(crate) async fn get_one(pool: &PgPool, id: HandoverId) -> StoreResult<Option<Handover>> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    by_id(&mut conn, id, false).await
}

pub(crate) async fn of_consignment(
    pool: &PgPool,
    consignment: ConsignmentId,
) -> StoreResult<Option<Handover>> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    Ok(select(
        &mut conn,
        "id IN (SELECT handover_id FROM handover_items WHERE consignment_id = ANY($1))",
        vec![consignment.uuid()],
        "",
    )
    .await?
    .pop())
}

pub(crate) async fn of_parties(
    pool: &PgPool,
    parties: &[AgencyId],
    unconfirmed_only: bool,
    limit: u32,
) -> StoreResult<Vec<Handover>> {
    let parties: Vec<Uuid> = parties.iter().map(|a| a.uuid()).collect();
    let mut conn = pool.acquire().await.map_err(db_err)?;
    let filter = format!(
        "(post_office_id = ANY($1) OR agency_id = ANY($1)){}",
        if unconfirmed_only {
            " AND confirmed_at IS NULL"
        } else {
            ""
        }
    );
    select(
        &mut conn,
        &filter,
        parties,
        &format!("ORDER BY drafted_at DESC, id DESC LIMIT {limit}"),
    )
    .await
}

pub(crate) async fn confirm(
    pool: &PgPool,
    id: HandoverId,
    by: UserId,
    at: DateTime<Utc>,
) -> StoreResult<Confirmation> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    let record = by_id(&mut tx, id, true)
        .await?
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
        .bind(id.uuid())
        .bind(by.uuid())
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    Ok(Confirmation::Now(Handover {
        confirmed: Some((by, at)),
        ..record
    }))
}

pub(crate) async fn discard(pool: &PgPool, id: HandoverId) -> StoreResult<bool> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    let Some(record) = by_id(&mut tx, id, true).await? else {
        return Ok(false);
    };
    if record.confirmed.is_some() {
        return Err(StoreError::conflict(format!(
            "hand-over record {id} is confirmed"
        )));
    }
    for sql in [
        "DELETE FROM handover_items WHERE handover_id = $1",
        "DELETE FROM handovers WHERE id = $1",
    ] {
        sqlx::query(sql)
            .bind(id.uuid())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(true)
}
