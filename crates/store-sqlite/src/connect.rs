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
/// - foreign keys enforced.
pub(crate) fn options(base: SqliteConnectOptions) -> SqliteConnectOptions {
    base.create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(BUSY_TIMEOUT)
        .foreign_keys(true)
}

pub(crate) async fn pool_for_path(path: &Path) -> StoreResult<SqlitePool> {
    pool(options(SqliteConnectOptions::new().filename(path))).await
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

/// Refuses a database migrated by a newer motcua, then applies the
/// migrations this binary has.
pub(crate) async fn migrate(pool: &SqlitePool) -> StoreResult<()> {
    let known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    let table: Option<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_optional(pool)
    .await
    .map_err(db_err)?;
    if table.is_some() {
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1")
                .fetch_one(pool)
                .await
                .map_err(db_err)?;
        if let Some(applied) = applied
            && applied > known
        {
            return Err(StoreError::SchemaTooNew {
                database: applied,
                binary: known,
            });
        }
    }
    MIGRATOR
        .run(pool)
        .await
        .map_err(|e| StoreError::Database(format!("migration failed: {e}")))
}
