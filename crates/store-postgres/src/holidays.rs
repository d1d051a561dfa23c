//! The official holiday schedule, seeded from the repository's files and
//! edited by administrators a holiday year at a time. Writers lock the table
//! (readers go on), so two nodes seeding at start-up, or two administrators
//! saving the same year, take turns instead of colliding.

use motcua_domain::calendar::{OfficialBreak, schedule};
use motcua_store::{StoreError, StoreResult};
use sqlx::PgConnection;
use sqlx::postgres::PgPool;
use sqlx::types::Json;

use crate::convert::db_err;

pub(crate) async fn all(pool: &PgPool) -> StoreResult<Vec<OfficialBreak>> {
    let rows: Vec<Json<OfficialBreak>> =
        sqlx::query_scalar("SELECT entry FROM holiday_breaks ORDER BY holiday_year, position")
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
    Ok(rows.into_iter().map(|Json(b)| b).collect())
}

fn check(breaks: &[OfficialBreak], year: Option<i32>) -> StoreResult<()> {
    for (i, b) in breaks.iter().enumerate() {
        if let Some(year) = year
            && year != b.holiday_year
        {
            return Err(StoreError::invalid(format!(
                "break {} is for {}, not {year}",
                i + 1,
                b.holiday_year,
            )));
        }
        schedule::validate(b)
            .map_err(|reason| StoreError::invalid(format!("break {}: {reason}", i + 1)))?;
    }
    Ok(())
}

/// Only one writer of the schedule at a time; readers are not blocked.
async fn lock(conn: &mut PgConnection) -> StoreResult<()> {
    sqlx::query("LOCK TABLE holiday_breaks IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

async fn insert(conn: &mut PgConnection, breaks: &[OfficialBreak]) -> StoreResult<()> {
    for (position, b) in breaks.iter().enumerate() {
        let position = i32::try_from(position)
            .map_err(|_| StoreError::invalid("too many breaks in one year"))?;
        sqlx::query(
            "INSERT INTO holiday_breaks (holiday_year, position, entry) VALUES ($1, $2, $3)",
        )
        .bind(b.holiday_year)
        .bind(position)
        .bind(Json(b))
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

pub(crate) async fn replace_year(
    pool: &PgPool,
    year: i32,
    breaks: &[OfficialBreak],
) -> StoreResult<()> {
    check(breaks, Some(year))?;
    let mut tx = pool.begin().await.map_err(db_err)?;
    lock(&mut tx).await?;
    sqlx::query("DELETE FROM holiday_breaks WHERE holiday_year = $1")
        .bind(year)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    insert(&mut tx, breaks).await?;
    tx.commit().await.map_err(db_err)
}

pub(crate) async fn seed(pool: &PgPool, breaks: &[OfficialBreak]) -> StoreResult<usize> {
    check(breaks, None)?;
    let mut tx = pool.begin().await.map_err(db_err)?;
    lock(&mut tx).await?;
    let existing: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM holiday_breaks)")
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
    if existing {
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
