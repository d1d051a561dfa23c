//! Opening the database: the settings that make an acknowledged write
//! survive a crash, the schema check, and the migrations.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use motcua_store::{StoreError, StoreResult};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::convert::db_err;

/// The schema, embedded in the binary.
pub(crate) static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// How long a writer waits for another to finish before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(15);

/// Connections per pool: readers run in parallel (WAL); writers take turns.
const MAX_CONNECTIONS: u32 = 8;

/// The options every connection is opened with:
/// - WAL, so readers never block the writer nor each other;
/// - `synchronous = FULL`, so a committed transaction is on disk before the
///   commit returns (WAL with `NORMAL` may lose the last ones on power loss);
/// - a busy timeout, so writers from several pools queue instead of failing;
/// - foreign keys enforced;
/// - 8 KiB pages for a new database (an existing one keeps its own): a
///   dossier's entry event (its form and applicant, 1–2 KB) then fits in
///   its B-tree page, where with 4 KiB pages it spilled into an overflow
///   page of its own, mostly empty — measured at about 40% of the file;
/// - a page cache of up to 64 MB a connection (SQLite's default is 2 MB):
///   the indexes of a few million dossiers are hundreds of megabytes, and
///   with the default each batch the generator writes re-read their upper
///   pages from the file — 2 MB to 128 MB took a tenth off its time. The
///   cache holds only pages read, so a small record keeps a small process;
///   64 MB keeps eight connections' worst case at half a gigabyte;
/// - the WAL cut back to 64 MB once checkpointed: a bulk import lets it grow
///   to hundreds of megabytes (see `dossiers::import`), and without a limit
///   SQLite keeps the file at its largest until the last connection closes.
pub(crate) fn options(base: SqliteConnectOptions) -> SqliteConnectOptions {
    base.create_if_missing(true)
        .page_size(8192)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(BUSY_TIMEOUT)
        .foreign_keys(true)
        .pragma("cache_size", "-65536")
        .pragma("journal_size_limit", "67108864")
}

pub(crate) async fn pool_for_path(path: &Path) -> StoreResult<SqlitePool> {
    pool(options(SqliteConnectOptions::new().filename(path))).await
}

/// A pool on a database file that must exist already.
pub(crate) async fn pool_for_existing(path: &Path) -> StoreResult<SqlitePool> {
    if !path.is_file() {
        return Err(StoreError::not_found(format!(
            "database {}",
            path.display()
        )));
    }
    pool(options(SqliteConnectOptions::new().filename(path)).create_if_missing(false)).await
}

pub(crate) async fn pool_for_url(url: &str) -> StoreResult<SqlitePool> {
    let base = SqliteConnectOptions::from_str(url)
        .map_err(|e| StoreError::invalid(format!("SQLite URL: {e}")))?;
    pool(options(base)).await
}

async fn pool(options: SqliteConnectOptions) -> StoreResult<SqlitePool> {
    SqlitePoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .connect_with(options)
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))
}

/// The newest migration this binary knows.
pub(crate) fn known_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// The newest migration applied to the database (0 for an empty one).
pub(crate) async fn applied_version(pool: &SqlitePool) -> StoreResult<i64> {
    let table: Option<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_optional(pool)
    .await
    .map_err(db_err)?;
    if table.is_none() {
        return Ok(0);
    }
    let applied: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1")
            .fetch_one(pool)
            .await
            .map_err(db_err)?;
    Ok(applied.unwrap_or(0))
}

/// Refuses a database migrated by a newer motcua, then applies the
/// migrations this binary has. Two processes migrating a new file at once
/// may collide (SQLite migrations take no lock); the loser tries once more.
pub(crate) async fn migrate(pool: &SqlitePool) -> StoreResult<()> {
    let known = known_version();
    let applied = applied_version(pool).await?;
    if applied > known {
        return Err(StoreError::SchemaTooNew {
            database: applied,
            binary: known,
        });
    }
    if MIGRATOR.run(pool).await.is_ok() {
        return Ok(());
    }
    // A short pause lets the other migrator finish.
    tokio::time::sleep(Duration::from_millis(250)).await;
    MIGRATOR
        .run(pool)
        .await
        .map_err(|e| StoreError::Database(format!("migration failed: {e}")))
}

/// Refuses a database that is not at exactly this binary's schema.
pub(crate) async fn require_current(pool: &SqlitePool) -> StoreResult<()> {
    let known = known_version();
    let applied = applied_version(pool).await?;
    match applied.cmp(&known) {
        std::cmp::Ordering::Equal => Ok(()),
        std::cmp::Ordering::Greater => Err(StoreError::SchemaTooNew {
            database: applied,
            binary: known,
        }),
        std::cmp::Ordering::Less => Err(StoreError::SchemaOutdated {
            database: applied,
            binary: known,
        }),
    }
}

/// `ANALYZE` reading at most about a thousand rows of each index
/// (`analysis_limit`), so it stays a second or two at ten million
/// dossiers where a full `ANALYZE` reads every index whole. SQLite keeps
/// no statistics of its own: without these its planner guesses every
/// table's size and every index's selectivity.
pub(crate) async fn refresh_planner_statistics(pool: &SqlitePool) -> StoreResult<()> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    sqlx::query("PRAGMA analysis_limit = 1000")
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    sqlx::query("ANALYZE")
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(())
}
