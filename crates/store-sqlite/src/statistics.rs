//! The dossiers a reporting period counts, with what the statistics read
//! about each from the other tables.

use motcua_store::{CountedDossier, DossierId, Page, Satisfaction, Span, StoreError, StoreResult};
use sqlx::Row;
use sqlx::sqlite::{SqlitePool, SqliteRow};

use crate::convert::{db_err, id_after, us};
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
    pool: &SqlitePool,
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
        .bind(id_after(page.after))
        .bind(us(span.from))
        .bind(us(span.to))
        .bind(i64::from(page.limit))
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter().map(from_counted_row).collect()
}

pub(crate) async fn counted_by_id(
    pool: &SqlitePool,
    ids: &[DossierId],
) -> StoreResult<Vec<CountedDossier>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // The ids go in as one JSON array: one statement whatever their number.
    let list: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let sql = select("id IN (SELECT value FROM json_each($1))");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(serde_json::to_string(&list).map_err(|e| StoreError::invalid(e.to_string()))?)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter().map(from_counted_row).collect()
}

fn from_counted_row(row: &SqliteRow) -> StoreResult<CountedDossier> {
    let rating = row
        .try_get::<Option<String>, _>("rating")
        .map_err(db_err)?
        .map(|key| {
            Satisfaction::from_key(&key)
                .ok_or_else(|| StoreError::corrupt(format!("rating `{key}`")))
        })
        .transpose()?;
    Ok(CountedDossier {
        record: from_row(row)?,
        digitised: u32::try_from(row.try_get::<i64, _>("digitised").map_err(db_err)?)
            .unwrap_or(u32::MAX),
        rating,
        paid_online: row.try_get::<bool, _>("paid_online").map_err(db_err)?,
    })
}
