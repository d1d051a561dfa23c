//! The official holiday schedule, seeded from the repository's files and
//! edited by administrators a holiday year at a time.

use motcua_domain::calendar::{OfficialBreak, schedule};
use motcua_store::{StoreError, StoreResult};
use sqlx::SqliteConnection;
use sqlx::sqlite::SqlitePool;

use crate::convert::{db_err, from_json, to_json};

pub(crate) async fn all(pool: &SqlitePool) -> StoreResult<Vec<OfficialBreak>> {
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT entry FROM holiday_breaks ORDER BY holiday_year, position")
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
    rows.iter().map(|e| from_json(e, "holiday break")).collect()
}

fn check(breaks: &[OfficialBreak], year: Option<i32>) -> StoreResult<()> {
    for (i, b) in breaks.iter().enumerate() {
        if year.is_some_and(|y| y != b.holiday_year) {
            return Err(StoreError::invalid(format!(
                "break {} is for {}, not {}",
                i + 1,
                b.holiday_year,
                year.unwrap_or_default()
            )));
        }
        schedule::validate(b)
            .map_err(|reason| StoreError::invalid(format!("break {}: {reason}", i + 1)))?;
    }
    Ok(())
}

async fn insert(conn: &mut SqliteConnection, breaks: &[OfficialBreak]) -> StoreResult<()> {
    for (position, b) in breaks.iter().enumerate() {
        sqlx::query(
            "INSERT INTO holiday_breaks (holiday_year, position, entry) VALUES ($1, $2, $3)",
        )
        .bind(i64::from(b.holiday_year))
        .bind(position as i64)
        .bind(to_json(b)?)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

pub(crate) async fn replace_year(
    pool: &SqlitePool,
    year: i32,
    breaks: &[OfficialBreak],
) -> StoreResult<()> {
    check(breaks, Some(year))?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    sqlx::query("DELETE FROM holiday_breaks WHERE holiday_year = $1")
        .bind(i64::from(year))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    insert(&mut tx, breaks).await?;
    tx.commit().await.map_err(db_err)
}

pub(crate) async fn seed(pool: &SqlitePool, breaks: &[OfficialBreak]) -> StoreResult<usize> {
    check(breaks, None)?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM holiday_breaks")
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
    if existing > 0 {
        return Ok(0);
    }
    // Positions count within each year, as `replace_year` writes them.
    let mut years: Vec<i32> = breaks.iter().map(|b| b.holiday_year).collect();
    years.sort_unstable();
    years.dedup();
    for year in years {
        let of_year: Vec<OfficialBreak> = breaks
            .iter()
            .filter(|b| b.holiday_year == year)
            .cloned()
            .collect();
        insert(&mut tx, &of_year).await?;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(breaks.len())
}
