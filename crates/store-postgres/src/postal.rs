//! Consignments of the public post on PostgreSQL.

use motcua_domain::postal::consignment::Status;
use motcua_store::hash::micros;
use motcua_store::{
    AgencyId, ConsignmentId, ConsignmentRecord, ConsignmentStep, DossierId, NewCarrierPush,
    NewConsignment, NewConsignmentStep, PickupWindow, PushRecorded, PushSeen, StoreError,
    StoreResult, UserId, step_allowed, waybill_taken,
};
use sqlx::PgConnection;
use sqlx::postgres::{PgPool, PgRow};
use sqlx::types::Json;

use crate::convert::{count_u32, count_u64, db_err, get, get_json, to_i32, to_i64};

const COLUMNS: &str = "id, dossier_id, agency_id, state, address, window_from, window_to, \
    postage_vnd, steps, created_at";

fn from_row(row: &PgRow) -> StoreResult<ConsignmentRecord> {
    let window = match (get(row, "window_from")?, get(row, "window_to")?) {
        (Some(from), Some(to)) => Some(PickupWindow { from, to }),
        _ => None,
    };
    Ok(ConsignmentRecord {
        id: ConsignmentId::from_uuid(get(row, "id")?),
        dossier: DossierId::from_uuid(get(row, "dossier_id")?),
        agency: AgencyId::from_uuid(get(row, "agency_id")?),
        state: get_json(row, "state")?,
        address: get_json(row, "address")?,
        window,
        postage_vnd: count_u64(get(row, "postage_vnd")?, "postage")?,
        steps: count_u32(get(row, "steps")?, "steps")?,
        created_at: get(row, "created_at")?,
    })
}

async fn select(
    conn: &mut PgConnection,
    filter: &str,
    bind: impl FnOnce(
        sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments>,
    ) -> sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments>,
) -> StoreResult<Vec<ConsignmentRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM consignments WHERE {filter}");
    let rows = bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn create(pool: &PgPool, new: NewConsignment) -> StoreResult<ConsignmentRecord> {
    let (state, window) = new.first_state()?;
    let at = state.last_at;
    sqlx::query(
        "INSERT INTO consignments (id, dossier_id, agency_id, leg, status, waybill, state,
            address, window_from, window_to, postage_vnd, steps, created_at, updated_at)
         VALUES ($1, $2, $11, $3, $4, NULL, $5, $6, $7, $8, $9, 0, $10, $10)",
    )
    .bind(new.id.uuid())
    .bind(new.dossier.uuid())
    .bind(state.leg.key())
    .bind(state.status.key())
    .bind(Json(&state))
    .bind(Json(&new.address))
    .bind(window.map(|w| w.from))
    .bind(window.map(|w| w.to))
    .bind(to_i64(new.postage_vnd)?)
    .bind(at)
    .bind(new.agency.uuid())
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
    pool: &PgPool,
    id: ConsignmentId,
) -> StoreResult<Option<ConsignmentRecord>> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    Ok(select(&mut conn, "id = $1", |q| q.bind(id.uuid()))
        .await?
        .pop())
}

pub(crate) async fn by_waybill(
    pool: &PgPool,
    waybill: &str,
) -> StoreResult<Option<ConsignmentRecord>> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    let waybill = waybill.to_owned();
    Ok(select(&mut conn, "waybill = $1", |q| q.bind(waybill))
        .await?
        .pop())
}

pub(crate) async fn of_dossier(
    pool: &PgPool,
    dossier: DossierId,
) -> StoreResult<Vec<ConsignmentRecord>> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    select(&mut conn, "dossier_id = $1 ORDER BY created_at, id", |q| {
        q.bind(dossier.uuid())
    })
    .await
}

pub(crate) async fn at_agencies(
    pool: &PgPool,
    agencies: &[AgencyId],
    statuses: &[Status],
    limit: u32,
) -> StoreResult<Vec<ConsignmentRecord>> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    let agencies: Vec<uuid::Uuid> = agencies.iter().map(|a| a.uuid()).collect();
    let statuses: Vec<String> = statuses.iter().map(|s| s.key().to_owned()).collect();
    select(
        &mut conn,
        "agency_id = ANY($1) AND status = ANY($2) ORDER BY created_at, id LIMIT $3",
        |q| q.bind(agencies).bind(statuses).bind(i64::from(limit)),
    )
    .await
}

/// A consignment read in the caller's transaction, its row locked.
pub(crate) async fn locked(
    conn: &mut PgConnection,
    id: ConsignmentId,
) -> StoreResult<Option<ConsignmentRecord>> {
    Ok(select(conn, "id = $1 FOR UPDATE", |q| q.bind(id.uuid()))
        .await?
        .pop())
}

pub(crate) async fn record_step(
    pool: &PgPool,
    new: NewConsignmentStep,
) -> StoreResult<ConsignmentRecord> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    let record = step_in(&mut tx, new).await?;
    tx.commit().await.map_err(db_err)?;
    Ok(record)
}

pub(crate) async fn record_push(pool: &PgPool, push: NewCarrierPush) -> StoreResult<PushRecorded> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    // The consignment's row is locked first, so two pushes of one event
    // wait for each other and the second sees the first's row.
    let id = push.step.consignment.uuid();
    sqlx::query("SELECT 1 FROM consignments WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
    let replay: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM carrier_pushes WHERE signature = $1")
            .bind(&push.signature)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
    if replay.is_some() {
        return Err(StoreError::conflict("a push already received (replay)"));
    }
    let seen: Option<i32> = sqlx::query_scalar("SELECT 1 FROM carrier_pushes WHERE event_id = $1")
        .bind(&push.event_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
    if seen.is_some() {
        return Ok(PushRecorded::Already);
    }
    let at = micros(push.received_at);
    let record = step_in(&mut tx, push.step).await?;
    sqlx::query(
        "INSERT INTO carrier_pushes (event_id, signature, consignment_id, received_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(&push.event_id)
    .bind(&push.signature)
    .bind(id)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    Ok(PushRecorded::Now(record))
}

/// Records a step in the caller's transaction.
async fn step_in(
    conn: &mut PgConnection,
    new: NewConsignmentStep,
) -> StoreResult<ConsignmentRecord> {
    let at = micros(new.at);
    let id = new.consignment.uuid();
    let current = select(conn, "id = $1 FOR UPDATE", |q| q.bind(id))
        .await?
        .pop()
        .ok_or_else(|| StoreError::not_found(format!("consignment {}", new.consignment)))?;
    step_allowed(&current, &new)?;
    if let Some(waybill) = &new.next.waybill {
        let taken: Option<uuid::Uuid> =
            sqlx::query_scalar("SELECT id FROM consignments WHERE waybill = $1 AND id <> $2")
                .bind(waybill)
                .bind(id)
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
    .bind(id)
    .bind(new.next.status.key())
    .bind(new.next.waybill.as_deref())
    .bind(Json(&new.next))
    .bind(to_i32(steps, "steps")?)
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    sqlx::query(
        "INSERT INTO consignment_steps (consignment_id, seq, actor_id, step, at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(to_i32(steps, "steps")?)
    .bind(new.actor.map(|a| a.uuid()))
    .bind(Json(&new.step))
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(ConsignmentRecord {
        state: new.next,
        steps,
        ..current
    })
}

pub(crate) async fn steps(pool: &PgPool, id: ConsignmentId) -> StoreResult<Vec<ConsignmentStep>> {
    let rows = sqlx::query(
        "SELECT seq, actor_id, step, at FROM consignment_steps
         WHERE consignment_id = $1 ORDER BY seq",
    )
    .bind(id.uuid())
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|r| {
            Ok(ConsignmentStep {
                seq: count_u32(get(r, "seq")?, "a step number")?,
                actor: get::<Option<uuid::Uuid>>(r, "actor_id")?.map(UserId::from_uuid),
                step: get_json(r, "step")?,
                at: get(r, "at")?,
            })
        })
        .collect()
}

pub(crate) async fn push_seen(
    pool: &PgPool,
    event_id: &str,
    signature: &str,
) -> StoreResult<PushSeen> {
    let found: Vec<(String, String, uuid::Uuid)> = sqlx::query_as(
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
        .map(|(e, s, c)| (e, s, ConsignmentId::from_uuid(c)));
    Ok(PushSeen::of(found, event_id, signature))
}
