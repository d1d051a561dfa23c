//! Documents digitised with their data, found again by their holder.

use motcua_domain::code::DossierCode;
use motcua_store::{CapturedRecord, StoreResult};
use sqlx::{Row, SqlitePool};

use crate::convert::{count_u32, db_err, from_us, parse};
use crate::packed;

pub(crate) async fn of_holder(
    pool: &SqlitePool,
    identity: &str,
    limit: u32,
) -> StoreResult<Vec<CapturedRecord>> {
    let rows = sqlx::query(
        "SELECT c.dossier_id, d.code, c.event_seq, c.captured_at, c.packed
         FROM captured_documents c JOIN dossiers d ON d.id = c.dossier_id
         WHERE c.holder_identity = $1
         ORDER BY c.captured_at DESC, c.dossier_id, c.event_seq
         LIMIT $2",
    )
    .bind(identity)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|row| {
            let text = |c: &str| row.try_get::<String, _>(c).map_err(db_err);
            let number = |c: &str| row.try_get::<i64, _>(c).map_err(db_err);
            Ok(CapturedRecord {
                dossier: parse(&text("dossier_id")?, "dossier id")?,
                code: DossierCode::upstream(&text("code")?)?,
                seq: count_u32(number("event_seq")?, "event")?,
                at: from_us(number("captured_at")?)?,
                document: packed::unpack(
                    &row.try_get::<Vec<u8>, _>("packed").map_err(db_err)?,
                    "captured document",
                )?,
            })
        })
        .collect()
}
