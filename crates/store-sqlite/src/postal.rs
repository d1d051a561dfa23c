//! Consignments of the public post on SQLite.

use motcua_domain::postal::consignment::Status;
use motcua_store::hash::micros;
use motcua_store::{
    AgencyId, ConsignmentId, ConsignmentRecord, ConsignmentStep, DossierId, NewCarrierPush,
    NewConsignment, NewConsignmentStep, PickupWindow, PushRecorded, PushSeen, StoreError,
    StoreResult, step_allowed, waybill_taken,
};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{Row, SqliteConnection};

use crate::convert::{
    count_u32, count_u64, db_err, from_json, from_us, opt_from_us, opt_parse, opt_us, parse,
    to_i64, to_json, us,
};

const COLUMNS: &str = "id, dossier_id, agency_id, state, address, window_from, window_to, \
    postage_vnd, steps, created_at";

fn from_row(row: &SqliteRow) -> StoreResult<ConsignmentRecord> {
    let text = |column: &str| -> StoreResult<String> { row.try_get(column).map_err(db_err) };
    let window = match (
        opt_from_us(row.try_get("window_from").map_err(db_err)?)?,
        opt_from_us(row.try_get("window_to").map_err(db_err)?)?,
    ) {
        (Some(from), Some(to)) => Some(PickupWindow { from, to }),
        _ => None,
    };
    Ok(ConsignmentRecord {
        id: parse(&text("id")?, "a consignment id")?,
        dossier: parse(&text("dossier_id")?, "a dossier id")?,
        agency: parse(&text("agency_id")?, "an agency id")?,
        state: from_json(&text("state")?, "a consignment's state")?,
        address: from_json(&text("address")?, "a consignment's address")?,
        window,
        postage_vnd: count_u64(row.try_get("postage_vnd").map_err(db_err)?, "postage")?,
        steps: count_u32(row.try_get("steps").map_err(db_err)?, "steps")?,
        created_at: from_us(row.try_get("created_at").map_err(db_err)?)?,
    })
}

async fn one(
    conn: &mut SqliteConnection,
    filter: &str,
    value: String,
) -> StoreResult<Option<ConsignmentRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM consignments WHERE {filter}");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(value)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub(crate) async fn create(
    pool: &SqlitePool,
    new: NewConsignment,
) -> StoreResult<ConsignmentRecord> {
    let (state, window) = new.first_state()?;
    let at = state.last_at;
    sqlx::query(
        "INSERT INTO consignments (id, dossier_id, agency_id, leg, status, waybill, state,
            address, window_from, window_to, postage_vnd, steps, created_at, updated_at)
         VALUES ($1, $2, $11, $3, $4, NULL, $5, $6, $7, $8, $9, 0, $10, $10)",
    )
    .bind(new.id.to_string())
    .bind(new.dossier.to_string())
    .bind(state.leg.key())
    .bind(state.status.key())
    .bind(to_json(&state)?)
    .bind(to_json(&new.address)?)
    .bind(opt_us(window.map(|w| w.from)))
    .bind(opt_us(window.map(|w| w.to)))
    .bind(to_i64(new.postage_vnd)?)
    .bind(us(at))
    .bind(new.agency.to_string())
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(ConsignmentRecord {
        id: new.id,
        dossier: new.dossier,
        agency: new.agency,
        address: new.address,
        window,
        postage_vnd: new.postage_vnd,
        state,
        steps: 0,
        created_at: at,
    })
}

pub(crate) async fn get_one(
    pool: &SqlitePool,
    id: ConsignmentId,
) -> StoreResult<Option<ConsignmentRecord>> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    one(&mut conn, "id = $1", id.to_string()).await
}

pub(crate) async fn by_waybill(
    pool: &SqlitePool,
    waybill: &str,
) -> StoreResult<Option<ConsignmentRecord>> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    one(&mut conn, "waybill = $1", waybill.to_owned()).await
}

pub(crate) async fn of_dossier(
    pool: &SqlitePool,
    dossier: DossierId,
) -> StoreResult<Vec<ConsignmentRecord>> {
    let sql =
        format!("SELECT {COLUMNS} FROM consignments WHERE dossier_id = $1 ORDER BY created_at, id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(dossier.to_string())
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn at_agencies(
    pool: &SqlitePool,
    agencies: &[AgencyId],
    statuses: &[Status],
    limit: u32,
) -> StoreResult<Vec<ConsignmentRecord>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM consignments
         WHERE agency_id IN (SELECT value FROM json_each($1))
           AND status IN (SELECT value FROM json_each($2))
         ORDER BY created_at, id LIMIT $3"
    );
    let agencies: Vec<String> = agencies.iter().map(ToString::to_string).collect();
    let statuses: Vec<&str> = statuses.iter().map(|s| s.key()).collect();
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(to_json(&agencies)?)
        .bind(to_json(&statuses)?)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter().map(from_row).collect()
}

/// A consignment read in the caller's transaction.
pub(crate) async fn in_tx(
    conn: &mut SqliteConnection,
    id: ConsignmentId,
) -> StoreResult<Option<ConsignmentRecord>> {
    one(conn, "id = $1", id.to_string()).await
}

pub(crate) async fn record_step(
    pool: &SqlitePool,
    new: NewConsignmentStep,
) -> StoreResult<ConsignmentRecord> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    let record = step_in(&mut tx, new).await?;
    tx.commit().await.map_err(db_err)?;
    Ok(record)
}

pub(crate) async fn record_push(
    pool: &SqlitePool,
    push: NewCarrierPush,
) -> StoreResult<PushRecorded> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    let replay: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM carrier_pushes WHERE signature = $1")
            .bind(&push.signature)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
    if replay.is_some() {
        return Err(StoreError::conflict("a push already received (replay)"));
    }
    let seen: Option<i64> = sqlx::query_scalar("SELECT 1 FROM carrier_pushes WHERE event_id = $1")
        .bind(&push.event_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
    if seen.is_some() {
        return Ok(PushRecorded::Already);
    }
    let at = us(micros(push.received_at));
    let consignment = push.step.consignment.to_string();
    let record = step_in(&mut tx, push.step).await?;
    sqlx::query(
        "INSERT INTO carrier_pushes (event_id, signature, consignment_id, received_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(&push.event_id)
    .bind(&push.signature)
    .bind(consignment)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    Ok(PushRecorded::Now(record))
}

/// Records a step in the caller's transaction.
async fn step_in(
    conn: &mut SqliteConnection,
    new: NewConsignmentStep,
) -> StoreResult<ConsignmentRecord> {
    let at = micros(new.at);
    let current = one(conn, "id = $1", new.consignment.to_string())
        .await?
        .ok_or_else(|| StoreError::not_found(format!("consignment {}", new.consignment)))?;
    step_allowed(&current, &new)?;
    if let Some(waybill) = &new.next.waybill {
        let taken: Option<String> =
            sqlx::query_scalar("SELECT id FROM consignments WHERE waybill = $1 AND id != $2")
                .bind(waybill)
                .bind(new.consignment.to_string())
                .fetch_optional(&mut *conn)
                .await
                .map_err(db_err)?;
        if taken.is_some() {
            return Err(waybill_taken(waybill));
        }
    }
    let steps = current.steps + 1;
    sqlx::query(
        "UPDATE consignments SET status = $2, waybill = $3, state = $4, steps = $5, updated_at = $6
         WHERE id = $1",
    )
    .bind(new.consignment.to_string())
    .bind(new.next.status.key())
    .bind(new.next.waybill.as_deref())
    .bind(to_json(&new.next)?)
    .bind(i64::from(steps))
    .bind(us(at))
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    sqlx::query(
        "INSERT INTO consignment_steps (consignment_id, seq, actor_id, step, at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(new.consignment.to_string())
    .bind(i64::from(steps))
    .bind(new.actor.map(|a| a.to_string()))
    .bind(to_json(&new.step)?)
    .bind(us(at))
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(ConsignmentRecord {
        state: new.next,
        steps,
        ..current
    })
}

pub(crate) async fn steps(
    pool: &SqlitePool,
    id: ConsignmentId,
) -> StoreResult<Vec<ConsignmentStep>> {
    let rows = sqlx::query(
        "SELECT seq, actor_id, step, at FROM consignment_steps
         WHERE consignment_id = $1 ORDER BY seq",
    )
    .bind(id.to_string())
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|r| {
            Ok(ConsignmentStep {
                seq: count_u32(r.try_get("seq").map_err(db_err)?, "a step number")?,
                actor: opt_parse(r.try_get("actor_id").map_err(db_err)?, "a user id")?,
                step: from_json(&r.try_get::<String, _>("step").map_err(db_err)?, "a step")?,
                at: from_us(r.try_get("at").map_err(db_err)?)?,
            })
        })
        .collect()
}

pub(crate) async fn push_seen(
    pool: &SqlitePool,
    event_id: &str,
    signature: &str,
) -> StoreResult<PushSeen> {
    let found: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT event_id, signature, consignment_id FROM carrier_pushes
         WHERE event_id = $1 OR signature = $2",
    )
    .bind(event_id)
    .bind(signature)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    let found = found
        .into_iter()
        .map(|(e, s, c)| Ok((e, s, parse(&c, "a consignment id")?)))
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(PushSeen::of(found, event_id, signature))
}
