//! The kept statistics on SQLite (migration 0014, `motcua_store::kept`).

use std::collections::{HashMap, HashSet};

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
    // A few statements per batch, whatever its size: each statement is a
    // round trip to the connection's thread, and a statement per dossier
    // made those trips most of a recount's time. Lists go in as JSON.
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
    // A mark is never reused (AUTOINCREMENT), so the marks deleted are
    // the dossiers not marked again since they were read.
    let marks: Vec<i64> = batch.iter().map(|r| r.marked.mark).collect();
    let still: HashSet<String> = sqlx::query_scalar(
        "DELETE FROM statistics_marks WHERE mark IN (SELECT value FROM json_each($1))
         RETURNING dossier_id",
    )
    .bind(json(&marks)?)
    .fetch_all(&mut *tx)
    .await
    .map_err(db_err)?
    .into_iter()
    .collect();
    let mut sorted: Vec<(String, &Recount)> = batch
        .iter()
        .map(|r| (r.marked.dossier.to_string(), r))
        .filter(|(id, _)| still.contains(id))
        .collect();
    sorted.sort_by_key(|(_, r)| r.marked.dossier);
    let ids: Vec<&str> = sorted.iter().map(|(id, _)| id.as_str()).collect();

    let mut net = Net::default();
    let old = sqlx::query(
        "SELECT cell, deltas FROM statistics_counted
         WHERE dossier_id IN (SELECT value FROM json_each($1))",
    )
    .bind(json(&ids)?)
    .fetch_all(&mut *tx)
    .await
    .map_err(db_err)?;
    for row in old {
        let cell: i64 = row.try_get("cell").map_err(db_err)?;
        let deltas: Vec<u8> = row.try_get("deltas").map_err(db_err)?;
        net.add(cell, &unpack(&deltas)?, -1);
    }

    let mut cells: HashMap<&CellKey, i64> = HashMap::new();
    let mut counted: Vec<(&str, i64, String)> = Vec::new();
    let mut uncounted: Vec<&str> = Vec::new();
    for (id, r) in &sorted {
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
                counted.push((id.as_str(), cell, hex::encode(pack(deltas)?)));
            }
            _ => uncounted.push(id.as_str()),
        }
    }
    if !counted.is_empty() {
        sqlx::query(
            "INSERT INTO statistics_counted (dossier_id, cell, deltas)
             SELECT value ->> 0, value ->> 1, unhex(value ->> 2) FROM json_each($1) WHERE true
             ON CONFLICT (dossier_id) DO UPDATE SET cell = excluded.cell, deltas = excluded.deltas",
        )
        .bind(json(&counted)?)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    }
    if !uncounted.is_empty() {
        sqlx::query(
            "DELETE FROM statistics_counted WHERE dossier_id IN (SELECT value FROM json_each($1))",
        )
        .bind(json(&uncounted)?)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    }
    for (table, column, changes) in [
        ("statistics_days", "day", net.days().collect::<Vec<_>>()),
        (
            "statistics_months",
            "month",
            net.months().collect::<Vec<_>>(),
        ),
    ] {
        if changes.is_empty() {
            continue;
        }
        // In key order, as `Net` gives them.
        let sql = format!(
            "INSERT INTO {table} ({column}, cell, measure, n)
             SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each($1) WHERE true
             ON CONFLICT ({column}, cell, measure) DO UPDATE SET n = n + excluded.n"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(json(&changes)?)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    tx.commit().await.map_err(db_err)?;
    u32::try_from(sorted.len()).map_err(|_| StoreError::invalid("a batch too large"))
}

/// `value` as the JSON a statement reads with `json_each`.
fn json(value: &impl serde::Serialize) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::invalid(e.to_string()))
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

/// How many dossiers one write transaction of [`recount_everything`]
/// marks: a writer waiting behind it (a submission, a workflow step)
/// waits milliseconds, not the minute ten million take. (The app's tests,
/// on 1,500 dossiers, go through several slices.)
const MARK_SLICE: i64 = 1_000;

pub(crate) async fn recount_everything(pool: &SqlitePool, basis: &str) -> StoreResult<u64> {
    // Slices in id order, each its own transaction. A dossier created or
    // changed meanwhile marks itself (the triggers). The basis is set with
    // the last slice: until then a recount on the new basis is refused,
    // and a crash midway leaves the old basis, so the next catch-up marks
    // the rest.
    let mut marked = 0u64;
    let mut after = String::new();
    loop {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
        let last: Option<String> = sqlx::query_scalar(
            "SELECT max(id) FROM (SELECT id FROM dossiers WHERE id > $1 ORDER BY id LIMIT $2)",
        )
        .bind(&after)
        .bind(MARK_SLICE)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let Some(last) = last else {
            sqlx::query(
                "INSERT INTO statistics_basis (only, basis) VALUES (1, $1)
                 ON CONFLICT (only) DO UPDATE SET basis = excluded.basis",
            )
            .bind(basis)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            tx.commit().await.map_err(db_err)?;
            return Ok(marked);
        };
        marked += sqlx::query(
            "INSERT OR IGNORE INTO statistics_marks (dossier_id)
             SELECT id FROM dossiers WHERE id > $1 AND id <= $2",
        )
        .bind(&after)
        .bind(&last)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        tx.commit().await.map_err(db_err)?;
        after = last;
    }
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
