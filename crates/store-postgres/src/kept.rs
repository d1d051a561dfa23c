//! The kept statistics on PostgreSQL (migration 0014,
//! `motcua_store::kept`). Recounts hold one transaction-scoped advisory
//! lock, so the app nodes recount one batch at a time and never wait on
//! each other's sums in opposite orders; each batch is written with a few
//! array statements, not a statement per row.

use std::collections::{BTreeMap, HashSet};

use motcua_domain::statistics::contribution::Measure;
use motcua_store::kept::{Net, code_list, pack, unpack};
use motcua_store::{
    CellKey, DossierId, Grain, Marked, Recount, StoreError, StoreResult, SumPart, Summed,
};
use sqlx::postgres::{PgConnection, PgPool};
use uuid::Uuid;

use crate::convert::{count_u64, db_err, get, get_key, key};

/// The advisory lock every recount holds ("motcua:s" in ASCII).
const RECOUNT_LOCK: i64 = 0x6d6f_7463_7561_3a73;

pub(crate) async fn marked(pool: &PgPool, limit: u32) -> StoreResult<Vec<Marked>> {
    let rows = sqlx::query("SELECT mark, dossier_id FROM statistics_marks ORDER BY mark LIMIT $1")
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter()
        .map(|row| {
            Ok(Marked {
                mark: get(row, "mark")?,
                dossier: DossierId::from_uuid(get(row, "dossier_id")?),
            })
        })
        .collect()
}

pub(crate) async fn backlog(pool: &PgPool) -> StoreResult<u64> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM statistics_marks")
        .fetch_one(pool)
        .await
        .map_err(db_err)?;
    count_u64(n, "marks")
}

pub(crate) async fn recount(pool: &PgPool, basis: &str, batch: &[Recount]) -> StoreResult<u32> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    lock(&mut tx).await?;
    let kept: Option<String> = sqlx::query_scalar("SELECT basis FROM statistics_basis")
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
    if kept.as_deref() != Some(basis) {
        return Err(StoreError::conflict(
            "the kept statistics are on another basis now",
        ));
    }
    let marks: Vec<i64> = batch.iter().map(|r| r.marked.mark).collect();
    let ids: Vec<Uuid> = batch.iter().map(|r| r.marked.dossier.uuid()).collect();
    // A mark a writer holds is being renewed: skipping it, rather than
    // waiting, keeps a recount from deadlocking with a writer that marks
    // several dossiers in one transaction (a payment for several).
    let still: HashSet<Uuid> = sqlx::query_scalar(
        "DELETE FROM statistics_marks WHERE mark IN (
             SELECT m.mark FROM statistics_marks m
             JOIN UNNEST($1::bigint[], $2::uuid[]) AS u(mark, id)
               ON m.mark = u.mark AND m.dossier_id = u.id
             FOR UPDATE OF m SKIP LOCKED)
         RETURNING dossier_id",
    )
    .bind(&marks)
    .bind(&ids)
    .fetch_all(&mut *tx)
    .await
    .map_err(db_err)?
    .into_iter()
    .collect();
    let mut current: BTreeMap<Uuid, &Recount> = BTreeMap::new();
    for r in batch {
        let id = r.marked.dossier.uuid();
        if still.contains(&id) {
            current.insert(id, r);
        }
    }
    let ids: Vec<Uuid> = current.keys().copied().collect();
    let mut net = Net::default();
    let old = sqlx::query("SELECT cell, deltas FROM statistics_counted WHERE dossier_id = ANY($1)")
        .bind(&ids)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
    for row in &old {
        net.add(
            get(row, "cell")?,
            &unpack(&get::<Vec<u8>>(row, "deltas")?)?,
            -1,
        );
    }
    let mut cells: BTreeMap<&CellKey, i64> = BTreeMap::new();
    let (mut kept_ids, mut kept_cells, mut kept_deltas) = (Vec::new(), Vec::new(), Vec::new());
    let mut dropped = Vec::new();
    for (id, r) in &current {
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
                kept_ids.push(*id);
                kept_cells.push(cell);
                kept_deltas.push(pack(deltas)?);
            }
            _ => dropped.push(*id),
        }
    }
    sqlx::query(
        "INSERT INTO statistics_counted (dossier_id, cell, deltas)
         SELECT * FROM UNNEST($1::uuid[], $2::bigint[], $3::bytea[])
         ON CONFLICT (dossier_id) DO UPDATE SET cell = EXCLUDED.cell, deltas = EXCLUDED.deltas",
    )
    .bind(&kept_ids)
    .bind(&kept_cells)
    .bind(&kept_deltas)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    sqlx::query("DELETE FROM statistics_counted WHERE dossier_id = ANY($1)")
        .bind(&dropped)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    for (table, column, changes) in [
        ("statistics_days", "day", net.days().collect::<Vec<_>>()),
        (
            "statistics_months",
            "month",
            net.months().collect::<Vec<_>>(),
        ),
    ] {
        let days: Vec<i32> = changes.iter().map(|c| c.0).collect();
        let cells: Vec<i64> = changes.iter().map(|c| c.1).collect();
        let codes: Vec<i16> = changes.iter().map(|c| i16::from(c.2)).collect();
        let ns: Vec<i64> = changes.iter().map(|c| c.3).collect();
        let sql = format!(
            "INSERT INTO {table} ({column}, cell, measure, n)
             SELECT * FROM UNNEST($1::integer[], $2::bigint[], $3::smallint[], $4::bigint[])
             ON CONFLICT ({column}, cell, measure) DO UPDATE SET n = {table}.n + EXCLUDED.n"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&days)
            .bind(&cells)
            .bind(&codes)
            .bind(&ns)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(u32::try_from(current.len()).unwrap_or(u32::MAX))
}

/// Takes the recount lock for the transaction: one recount or recount of
/// everything at a time across the app nodes.
async fn lock(conn: &mut PgConnection) -> StoreResult<()> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(RECOUNT_LOCK)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// The number of cell `k`, made on first use.
async fn cell_id(conn: &mut PgConnection, k: &CellKey) -> StoreResult<i64> {
    let evaluation = key(&k.evaluation)?;
    sqlx::query(
        "INSERT INTO statistics_cells (agency_id, procedure_code, evaluation) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
    )
    .bind(k.agency.uuid())
    .bind(&k.procedure)
    .bind(&evaluation)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    sqlx::query_scalar(
        "SELECT id FROM statistics_cells
         WHERE agency_id = $1 AND procedure_code = $2 AND evaluation = $3",
    )
    .bind(k.agency.uuid())
    .bind(&k.procedure)
    .bind(&evaluation)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_err)
}

pub(crate) async fn basis(pool: &PgPool) -> StoreResult<Option<String>> {
    sqlx::query_scalar("SELECT basis FROM statistics_basis")
        .fetch_optional(pool)
        .await
        .map_err(db_err)
}

pub(crate) async fn recount_everything(pool: &PgPool, basis: &str) -> StoreResult<u64> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    lock(&mut tx).await?;
    let marked = sqlx::query(
        "INSERT INTO statistics_marks (dossier_id) SELECT id FROM dossiers
         ON CONFLICT (dossier_id) DO NOTHING",
    )
    .execute(&mut *tx)
    .await
    .map_err(db_err)?
    .rows_affected();
    sqlx::query(
        "INSERT INTO statistics_basis (only_row, basis) VALUES (true, $1)
         ON CONFLICT (only_row) DO UPDATE SET basis = EXCLUDED.basis",
    )
    .bind(basis)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    Ok(marked)
}

pub(crate) async fn summed(pool: &PgPool, parts: &[SumPart]) -> StoreResult<Vec<Vec<Summed>>> {
    // One snapshot: every part sees the same committed sums.
    let mut tx = pool.begin().await.map_err(db_err)?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    let mut out = Vec::with_capacity(parts.len());
    for part in parts {
        out.push(summed_part(&mut tx, part).await?);
    }
    tx.rollback().await.map_err(db_err)?;
    Ok(out)
}

async fn summed_part(conn: &mut PgConnection, part: &SumPart) -> StoreResult<Vec<Summed>> {
    if part.measures.is_empty() || part.from > part.to {
        return Ok(Vec::new());
    }
    let (table, column) = match part.grain {
        Grain::Day => ("statistics_days", "day"),
        Grain::Month => ("statistics_months", "month"),
    };
    let sql = format!(
        "SELECT c.agency_id, c.procedure_code, c.evaluation, s.measure, SUM(s.n)::bigint AS n
         FROM {table} s JOIN statistics_cells c ON c.id = s.cell
         WHERE s.{column} BETWEEN $1 AND $2 AND s.measure IN ({codes})
         GROUP BY c.agency_id, c.procedure_code, c.evaluation, s.measure",
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
            let code: i16 = get(row, "measure")?;
            let measure = u8::try_from(code)
                .ok()
                .and_then(Measure::from_code)
                .ok_or_else(|| StoreError::corrupt(format!("measure code {code}")))?;
            Ok(Summed {
                cell: CellKey {
                    agency: motcua_store::AgencyId::from_uuid(get(row, "agency_id")?),
                    procedure: get(row, "procedure_code")?,
                    evaluation: get_key(row, "evaluation")?,
                },
                measure,
                n: get(row, "n")?,
            })
        })
        .collect()
}
