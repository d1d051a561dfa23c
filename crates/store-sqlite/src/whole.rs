//! Dossiers read whole by id range ([`motcua_store::Store::whole_dossiers`]):
//! the rows, the timelines and the attachments of a range, each table read
//! once in key order inside one read transaction, so the three agree.

use motcua_store::{DossierId, StoreResult, WholeDossier};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{Row, SqliteConnection};

use crate::convert::{db_err, id_after, parse};
use crate::dossiers::{ATTACHMENT_COLUMNS, COLUMNS, attachment_from_row, from_row};
use crate::timelines;

/// The rows `sql` selects between the two bounds (`$1` excluded, `$2`
/// included), each decoded.
async fn rows<T>(
    conn: &mut SqliteConnection,
    sql: String,
    (after, through): (&str, &str),
    decode: impl Fn(&SqliteRow) -> StoreResult<T>,
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
    pool: &SqlitePool,
    after: Option<DossierId>,
    through: DossierId,
) -> StoreResult<Vec<WholeDossier>> {
    let (after, through) = (id_after(after), through.to_string());
    let bounds = (after.as_str(), through.as_str());
    // A deferred transaction: the snapshot is taken at the first read and
    // held to the last, while writers go on in the WAL.
    let mut tx = pool.begin().await.map_err(db_err)?;
    let records = rows(
        &mut tx,
        format!("SELECT {COLUMNS} FROM dossiers WHERE id > $1 AND id <= $2 ORDER BY id"),
        bounds,
        from_row,
    )
    .await?;
    let packed = rows(
        &mut tx,
        "SELECT dossier_id, events FROM dossier_timelines
         WHERE dossier_id > $1 AND dossier_id <= $2 ORDER BY dossier_id"
            .to_owned(),
        bounds,
        |row| {
            let id: String = row.try_get("dossier_id").map_err(db_err)?;
            let events: Vec<u8> = row.try_get("events").map_err(db_err)?;
            Ok((id, events))
        },
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
    // Unpacked (decompressed, decoded, hashed) after the transaction: it is
    // the costly part and needs no snapshot.
    let mut events = Vec::new();
    for (id, bytes) in packed {
        events.extend(timelines::unpack(parse(&id, "dossier id")?, &bytes)?);
    }
    Ok(WholeDossier::gather(records, events, attachments))
}
