//! The dossiers a reporting period counts, with what the statistics read
//! about each from the other tables.

use motcua_store::{CountedDossier, DossierId, Page, Satisfaction, Span, StoreError, StoreResult};
use sqlx::postgres::{PgPool, PgRow};
use uuid::Uuid;

use crate::convert::{db_err, get, ts};
use crate::dossiers::{COLUMNS, from_row};

/// What is read of each dossier: its record and the facts kept elsewhere.
fn select(filter: &str) -> String {
    format!(
        "SELECT {COLUMNS},
            (SELECT COUNT(*) FROM captured_documents c WHERE c.dossier_id = dossiers.id)
                AS digitised,
            (SELECT overall FROM ratings r WHERE r.dossier_id = dossiers.id) AS rating,
            EXISTS (SELECT 1 FROM payment_dossiers pd JOIN payments p ON p.id = pd.payment_id
                    WHERE pd.dossier_id = dossiers.id AND p.state = 'settled') AS paid_online
         FROM dossiers
         WHERE {filter}
         ORDER BY id"
    )
}

pub(crate) async fn counted(
    pool: &PgPool,
    span: Span,
    page: Page<DossierId>,
) -> StoreResult<Vec<CountedDossier>> {
    let sql = select(
        "id > $1
           AND ((accepted_at < $3
                 AND (decided_at IS NULL OR decided_at >= $2)
                 AND (ended_at IS NULL OR ended_at >= $2))
             OR (accepted_at IS NULL AND ended_at >= $2 AND ended_at < $3))",
    ) + " LIMIT $4";
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(page.after.map_or(Uuid::nil(), DossierId::uuid))
        .bind(ts(span.from))
        .bind(ts(span.to))
        .bind(i64::from(page.limit))
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter().map(from_counted_row).collect()
}

pub(crate) async fn counted_by_id(
    pool: &PgPool,
    ids: &[DossierId],
) -> StoreResult<Vec<CountedDossier>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = ids.iter().map(|id| id.uuid()).collect();
    let rows = sqlx::query(sqlx::AssertSqlSafe(select("id = ANY($1)")))
        .bind(ids)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter().map(from_counted_row).collect()
}

fn from_counted_row(row: &PgRow) -> StoreResult<CountedDossier> {
    let rating = get::<Option<String>>(row, "rating")?
        .map(|key| {
            Satisfaction::from_key(&key)
                .ok_or_else(|| StoreError::corrupt(format!("rating `{key}`")))
        })
        .transpose()?;
    Ok(CountedDossier {
        record: from_row(row)?,
        digitised: u32::try_from(get::<i64>(row, "digitised")?).unwrap_or(u32::MAX),
        rating,
        paid_online: get(row, "paid_online")?,
    })
}
