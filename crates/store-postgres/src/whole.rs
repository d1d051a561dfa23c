//! Dossiers read whole by id range ([`motcua_store::Store::whole_dossiers`]):
//! the rows, the events and the attachments of a range, each table read once
//! in key order inside one repeatable-read transaction, so the three agree.

use motcua_store::{DossierId, StoreResult, WholeDossier};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::convert::db_err;
use crate::dossiers::{ATTACHMENT_COLUMNS, COLUMNS, attachment_from_row, event_from_row, from_row};

/// The rows `sql` selects between the two bounds (`$1` excluded, `$2`
/// included), each decoded.
async fn rows<T>(
    conn: &mut PgConnection,
    sql: String,
    (after, through): (Uuid, Uuid),
    decode: fn(&PgRow) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(after)
        .bind(through)
        .fetch_all(conn)
        .await
        .map_err(db_err)?
        .iter()
        .map(decode)
        .collect()
}

pub(crate) async fn range(
    pool: &PgPool,
    after: Option<DossierId>,
    through: DossierId,
) -> StoreResult<Vec<WholeDossier>> {
    // No dossier has the nil id: the bound is never NULL, so the range is
    // an index seek (see `dossiers::ids`).
    let bounds = (after.map_or(Uuid::nil(), DossierId::uuid), through.uuid());
    let mut tx = pool.begin().await.map_err(db_err)?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    let records = rows(
        &mut tx,
        format!("SELECT {COLUMNS} FROM dossiers WHERE id > $1 AND id <= $2 ORDER BY id"),
        bounds,
        from_row,
    )
    .await?;
    let events = rows(
        &mut tx,
        "SELECT dossier_id, seq, at, actor, role, action, reason, payload, prev_hash, hash
         FROM dossier_events WHERE dossier_id > $1 AND dossier_id <= $2
         ORDER BY dossier_id, seq"
            .to_owned(),
        bounds,
        event_from_row,
    )
    .await?;
    let attachments = rows(
        &mut tx,
        format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM attachments
             WHERE dossier_id > $1 AND dossier_id <= $2 ORDER BY dossier_id, event_seq, id"
        ),
        bounds,
        attachment_from_row,
    )
    .await?;
    tx.commit().await.map_err(db_err)?;
    Ok(WholeDossier::gather(records, events, attachments))
}
