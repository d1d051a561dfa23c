//! Connecting: the pool, the server check, the schema check and the
//! migrations.

use std::str::FromStr;
use std::time::Duration;

use motcua_store::{StoreError, StoreResult};
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::convert::db_err;

/// The schema, embedded in the binary.
pub(crate) static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// How a [`crate::PgStore`] pools its connections.
///
/// Every app node has its own pool: size them so that the nodes together
/// stay under the server's `max_connections` (100 by default), leaving room
/// for maintenance sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSettings {
    /// Connections this node may hold at once.
    pub max_connections: u32,
    /// Connections kept open while idle.
    pub min_connections: u32,
    /// How long a call waits for a free connection before the store answers
    /// [`StoreError::Unavailable`].
    pub acquire_timeout: Duration,
    /// How long opening the store may try to reach the server: a wrong URL
    /// or a server that is down is reported promptly at start-up.
    pub connect_timeout: Duration,
}

impl PoolSettings {
    /// Ten connections per node, none kept idle, 30 s to get one.
    pub const DEFAULT_MAX_CONNECTIONS: u32 = 10;

    /// Settings with `max_connections` and the rest by default.
    pub fn with_max_connections(max_connections: u32) -> Self {
        PoolSettings {
            max_connections: max_connections.max(1),
            ..PoolSettings::default()
        }
    }
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
            min_connections: 0,
            acquire_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// The connect options of a `postgres:` URL (also `postgresql:`; TLS with
/// `?sslmode=require` or `verify-full`, as libpq spells it).
pub(crate) fn options(url: &str) -> StoreResult<PgConnectOptions> {
    let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    if !matches!(scheme.as_deref(), Some("postgres" | "postgresql")) {
        return Err(StoreError::invalid(
            "a PostgreSQL URL starts with postgres: or postgresql:",
        ));
    }
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| StoreError::invalid(format!("PostgreSQL URL: {e}")))?;
    Ok(match options.get_application_name() {
        Some(_) => options,
        None => options.application_name("motcua"),
    })
}

pub(crate) async fn pool(
    options: PgConnectOptions,
    settings: &PoolSettings,
) -> StoreResult<PgPool> {
    let connecting = PgPoolOptions::new()
        .max_connections(settings.max_connections.max(1))
        .min_connections(settings.min_connections.min(settings.max_connections))
        .acquire_timeout(settings.acquire_timeout)
        .connect_with(options);
    let pool = tokio::time::timeout(settings.connect_timeout, connecting)
        .await
        .map_err(|_| {
            StoreError::Unavailable(format!(
                "no answer from the server within {} s",
                settings.connect_timeout.as_secs()
            ))
        })?
        .map_err(|e| match e {
            sqlx::Error::Configuration(e) => {
                StoreError::invalid(format!("PostgreSQL connection settings: {e}"))
            }
            e => StoreError::Unavailable(e.to_string()),
        })?;
    check_server(&pool).await?;
    Ok(pool)
}

/// Refuses a database that cannot hold Vietnamese text as given, and warns
/// when the server would not keep an acknowledged write through a crash.
async fn check_server(pool: &PgPool) -> StoreResult<()> {
    let (encoding, fsync, commit): (String, String, String) = sqlx::query_as(
        "SELECT current_setting('server_encoding'), current_setting('fsync'),
                current_setting('synchronous_commit')",
    )
    .fetch_one(pool)
    .await
    .map_err(db_err)?;
    if fsync != "on" || commit == "off" {
        tracing::warn!(
            fsync,
            synchronous_commit = commit,
            "PostgreSQL is set to lose the last acknowledged writes in a crash; \
             motcua expects fsync = on and synchronous_commit on"
        );
    }
    if encoding != "UTF8" {
        return Err(StoreError::invalid(format!(
            "the database's encoding is {encoding}; motcua needs a UTF8 database \
             (CREATE DATABASE … ENCODING 'UTF8')"
        )));
    }
    Ok(())
}

/// The newest migration this binary knows.
pub(crate) fn known_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Refuses a database migrated by a newer motcua, then applies the
/// migrations this binary has.
///
/// sqlx holds a session-level advisory lock while it migrates, so several
/// app nodes starting together apply each migration once. It runs on a
/// one-connection pool of its own, closed afterwards: a failed migration can
/// never leave that lock held by a connection of the store's pool.
pub(crate) async fn migrate(options: PgConnectOptions) -> StoreResult<()> {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))?;
    let result = migrate_on(&pool).await;
    // Closing ends the session and with it any lock it still holds.
    pool.close().await;
    result
}

async fn migrate_on(pool: &PgPool) -> StoreResult<()> {
    let known = known_version();
    let has_table: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(pool)
        .await
        .map_err(db_err)?;
    if has_table {
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
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
    MIGRATOR.run(pool).await.map_err(|e| match e {
        // Another node, newer than this one, migrated meanwhile.
        MigrateError::VersionMissing(version) if version > known => StoreError::SchemaTooNew {
            database: version,
            binary: known,
        },
        MigrateError::Execute(e) => match db_err(e) {
            StoreError::Unavailable(e) => StoreError::Unavailable(e),
            e => StoreError::Database(format!("migration failed: {e}")),
        },
        e => StoreError::Database(format!("migration failed: {e}")),
    })
}

/// Refuses a database that is not at exactly this binary's schema.
pub(crate) async fn require_current(pool: &PgPool) -> StoreResult<()> {
    let known = known_version();
    let has_table: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(pool)
        .await
        .map_err(db_err)?;
    let applied: i64 = if has_table {
        sqlx::query_scalar::<_, Option<i64>>(
            "SELECT MAX(version) FROM _sqlx_migrations WHERE success",
        )
        .fetch_one(pool)
        .await
        .map_err(db_err)?
        .unwrap_or(0)
    } else {
        0
    };
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

/// `ANALYZE` of every table: PostgreSQL samples each (30,000 rows at the
/// default statistics target), so a few seconds even at millions of rows.
/// Autovacuum would get there too, but only once its thresholds are
/// crossed, which a bulk import into an empty database reaches late.
pub(crate) async fn refresh_planner_statistics(pool: &PgPool) -> StoreResult<()> {
    sqlx::query("ANALYZE").execute(pool).await.map_err(db_err)?;
    Ok(())
}
