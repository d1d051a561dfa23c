//! The kept statistics on SQLite (migration 0014, `motcua_store::kept`).

use std::collections::HashMap;

use motcua_domain::statistics::contribution::Measure;
use motcua_store::kept::{Net, code_list, pack, unpack};
use motcua_store::{CellKey, Grain, Marked, Recount, StoreError, StoreResult, SumPart, Summed};
use sqlx::Row;
use sqlx::sqlite::{SqliteConnection, SqlitePool};

use crate::convert::{count_u64, db_err, from_key, key, parse};

pub(crate) async fn marked(pool: &SqlitePool, limit: u32) -> StoreResult<Vec<Marked>> {
    let rows = sqlx::query("SELECT mark, dossier_id FROM statistics_marks ORDER BY mark LIMIT $1")
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter()
        .map(|row| {
            Ok(Marked {
                mark: row.try_get("mark").map_err(db_err)?,
                dossier: parse(
                    &row.try_get::<String, _>("dossier_id").map_err(db_err)?,
                    "dossier id",
                )?,
            })
        })
        .collect()
}

pub(crate) async fn backlog(pool: &SqlitePool) -> StoreResult<u64> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM statistics_marks")
        .fetch_one(pool)
        .await
        .map_err(db_err)?;
    count_u64(n, "marks")
}

pub(crate) async fn recount(pool: &SqlitePool, basis: &str, batch: &[Recount]) -> StoreResult<u32> {
    let mut sorted: Vec<&Recount> = batch.iter().collect();
    sorted.sort_by_key(|r| r.marked.dossier);
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    let kept: Option<String> = sqlx::query_scalar("SELECT basis FROM statistics_basis")
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
    if kept.as_deref() != Some(basis) {
        return Err(StoreError::conflict(
            "the kept statistics are on another basis now",
        ));
    }
    let mut net = Net::default();
    let mut cells: HashMap<&CellKey, i64> = HashMap::new();
    let mut replaced = 0u32;
    for r in sorted {
        let id = r.marked.dossier.to_string();
        let still = sqlx::query("DELETE FROM statistics_marks WHERE mark = $1 AND dossier_id = $2")
            .bind(r.marked.mark)
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
        if still == 0 {
            continue;
        }
        replaced += 1;
        let old = sqlx::query("SELECT cell, deltas FROM statistics_counted WHERE dossier_id = $1")
            .bind(&id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        if let Some(row) = old {
            let cell: i64 = row.try_get("cell").map_err(db_err)?;
            let deltas: Vec<u8> = row.try_get("deltas").map_err(db_err)?;
            net.add(cell, &unpack(&deltas)?, -1);
        }
        match &r.contribution {
            Some((key, deltas)) if !deltas.is_empty() => {
                let cell = match cells.get(key) {
                    Some(cell) => *cell,
                    None => {
                        let cell = cell_id(&mut tx, key).await?;
                        cells.insert(key, cell);
                        cell
                    }
                };
                net.add(cell, deltas, 1);
                sqlx::query(
                    "INSERT INTO statistics_counted (dossier_id, cell, deltas) VALUES ($1, $2, $3)
                     ON CONFLICT (dossier_id) DO UPDATE SET cell = excluded.cell, deltas = excluded.deltas",
                )
                .bind(&id)
                .bind(cell)
                .bind(pack(deltas)?)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
            _ => {
                sqlx::query("DELETE FROM statistics_counted WHERE dossier_id = $1")
                    .bind(&id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
        }
    }
    for (table, column, changes) in [
        ("statistics_days", "day", net.days().collect::<Vec<_>>()),
        (
            "statistics_months",
            "month",
            net.months().collect::<Vec<_>>(),
        ),
    ] {
        let sql = format!(
            "INSERT INTO {table} ({column}, cell, measure, n) VALUES ($1, $2, $3, $4)
             ON CONFLICT ({column}, cell, measure) DO UPDATE SET n = n + excluded.n"
        );
        for (day, cell, code, n) in changes {
            sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(day)
                .bind(cell)
                .bind(i64::from(code))
                .bind(n)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
    }
    tx.commit().await.map_err(db_err)?;
    Ok(replaced)
}

/// The number of cell `key`, made on first use.
async fn cell_id(conn: &mut SqliteConnection, key: &CellKey) -> StoreResult<i64> {
    let agency = key.agency.to_string();
    let evaluation = key_text(key)?;
    sqlx::query(
        "INSERT INTO statistics_cells (agency_id, procedure_code, evaluation) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
    )
    .bind(&agency)
    .bind(&key.procedure)
    .bind(&evaluation)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    sqlx::query_scalar(
        "SELECT id FROM statistics_cells
         WHERE agency_id = $1 AND procedure_code = $2 AND evaluation = $3",
    )
    .bind(&agency)
    .bind(&key.procedure)
    .bind(&evaluation)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_err)
}

fn key_text(k: &CellKey) -> StoreResult<String> {
    key(&k.evaluation)
}

pub(crate) async fn basis(pool: &SqlitePool) -> StoreResult<Option<String>> {
    sqlx::query_scalar("SELECT basis FROM statistics_basis")
        .fetch_optional(pool)
        .await
        .map_err(db_err)
}

pub(crate) async fn recount_everything(pool: &SqlitePool, basis: &str) -> StoreResult<u64> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    let marked =
        sqlx::query("INSERT OR IGNORE INTO statistics_marks (dossier_id) SELECT id FROM dossiers")
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
    sqlx::query(
        "INSERT INTO statistics_basis (only, basis) VALUES (1, $1)
         ON CONFLICT (only) DO UPDATE SET basis = excluded.basis",
    )
    .bind(basis)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    Ok(marked)
}

pub(crate) async fn summed(pool: &SqlitePool, parts: &[SumPart]) -> StoreResult<Vec<Vec<Summed>>> {
    // One read transaction: every part sees the same committed sums.
    let mut tx = pool.begin().await.map_err(db_err)?;
    let mut out = Vec::with_capacity(parts.len());
    for part in parts {
        out.push(summed_part(&mut tx, part).await?);
    }
    tx.rollback().await.map_err(db_err)?;
    Ok(out)
}

async fn summed_part(conn: &mut SqliteConnection, part: &SumPart) -> StoreResult<Vec<Summed>> {
    if part.measures.is_empty() || part.from > part.to {
        return Ok(Vec::new());
    }
    let (table, column) = match part.grain {
        Grain::Day => ("statistics_days", "day"),
        Grain::Month => ("statistics_months", "month"),
    };
    let sql = format!(
        "SELECT c.agency_id, c.procedure_code, c.evaluation, s.measure, SUM(s.n) AS n
         FROM {table} s JOIN statistics_cells c ON c.id = s.cell
         WHERE s.{column} BETWEEN $1 AND $2 AND s.measure IN ({codes})
         GROUP BY s.cell, s.measure",
        codes = code_list(&part.measures)
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(part.from)
        .bind(part.to)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?;
    rows.iter()
        .map(|row| {
            let code: i64 = row.try_get("measure").map_err(db_err)?;
            let measure = u8::try_from(code)
                .ok()
                .and_then(Measure::from_code)
                .ok_or_else(|| StoreError::corrupt(format!("measure code {code}")))?;
            Ok(Summed {
                cell: CellKey {
                    agency: parse(
                        &row.try_get::<String, _>("agency_id").map_err(db_err)?,
                        "agency id",
                    )?,
                    procedure: row.try_get("procedure_code").map_err(db_err)?,
                    evaluation: from_key(
                        &row.try_get::<String, _>("evaluation").map_err(db_err)?,
                        "evaluation",
                    )?,
                },
                measure,
                n: row.try_get("n").map_err(db_err)?,
            })
        })
        .collect()
}
