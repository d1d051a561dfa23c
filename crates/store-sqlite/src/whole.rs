//! Dossiers read whole by id range ([`motcua_store::Store::whole_dossiers`]):
//! the rows, the timelines and the attachments of a range, each table read
//! once in key order inside one read transaction, so the three agree.

use motcua_store::{DossierId, StoreResult, WholeDossier};
use sqlx::sqlite::SqlitePool;

use crate::convert::{db_err, id_after, parse};
use crate::dossiers::{ATTACHMENT_COLUMNS, COLUMNS, attachment_from_row, from_row};
use crate::timelines;

pub(crate) async fn range(
    pool: &SqlitePool,
    after: Option<DossierId>,
    through: DossierId,
) -> StoreResult<Vec<WholeDossier>> {
    let (after, through) = (id_after(after), through.to_string());
    // A deferred transaction: the snapshot is taken at the first read and
    // held to the last, while writers go on in the WAL.
    let mut tx = pool.begin().await.map_err(db_err)?;
    let sql = format!("SELECT {COLUMNS} FROM dossiers WHERE id > $1 AND id <= $2 ORDER BY id");
    let records = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&after)
        .bind(&through)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?
        .iter()
        .map(from_row)
        .collect::<StoreResult<Vec<_>>>()?;
    let packed: Vec<(String, Vec<u8>)> = sqlx::query_as(
        "SELECT dossier_id, events FROM dossier_timelines
         WHERE dossier_id > $1 AND dossier_id <= $2 ORDER BY dossier_id",
    )
    .bind(&after)
    .bind(&through)
    .fetch_all(&mut *tx)
    .await
    .map_err(db_err)?;
    let sql = format!(
        "SELECT {ATTACHMENT_COLUMNS} FROM attachments
         WHERE dossier_id > $1 AND dossier_id <= $2 ORDER BY dossier_id, event_seq, id"
    );
    let attachments = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&after)
        .bind(&through)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?
        .iter()
        .map(attachment_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
    tx.commit().await.map_err(db_err)?;
    // Unpacked (decompressed, decoded, hashed) after the transaction: it is
    // the costly part and needs no snapshot.
    let mut events = Vec::new();
    for (id, bytes) in packed {
        events.extend(timelines::unpack(parse(&id, "dossier id")?, &bytes)?);
    }
    Ok(WholeDossier::gather(records, events, attachments))
}
