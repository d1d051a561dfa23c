//! Documents digitised with their data, found again by their holder.

use motcua_domain::code::DossierCode;
use motcua_store::{CapturedRecord, DossierId, StoreResult};
use sqlx::postgres::PgPool;
use uuid::Uuid;

use crate::convert::{count_u32, db_err, get, get_json};

pub(crate) async fn of_holder(
    pool: &PgPool,
    identity: &str,
    limit: u32,
) -> StoreResult<Vec<CapturedRecord>> {
    let rows = sqlx::query(
        "SELECT c.dossier_id, d.code, c.event_seq, c.captured_at, c.document
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
            Ok(CapturedRecord {
                dossier: DossierId::from_uuid(get::<Uuid>(row, "dossier_id")?),
                code: DossierCode::upstream(&get::<String>(row, "code")?)?,
                seq: count_u32(get::<i32>(row, "event_seq")?, "event")?,
                at: get(row, "captured_at")?,
                document: get_json(row, "document")?,
            })
        })
        .collect()
}
