//! The PostgreSQL engine: the conformance suite on a fresh database per
//! test, and what only PostgreSQL has.
//!
//! Set `MOTCUA_TEST_POSTGRES_URL` to a server the tests may create databases
//! on (e.g. `postgres://postgres@127.0.0.1:5432/postgres`); without it every
//! case is skipped. Each test creates `motcua_test_<uuid v7>` on that server
//! and drops it when done; databases left by a killed run are dropped by the
//! next run once they are an hour old.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use motcua_store::Store;
use motcua_store::conformance::{Tamper, TestDatabase};
use motcua_store_postgres::{PgStore, PoolSettings};
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

/// The server the tests run on.
pub const URL_VAR: &str = "MOTCUA_TEST_POSTGRES_URL";

/// Every test database's name starts so.
const PREFIX: &str = "motcua_test_";

/// Test databases older than this are leftovers of a killed run.
const STALE_AFTER: Duration = Duration::from_secs(3600);

/// Connections per store in the tests: several stores (app nodes) per test,
/// several tests at once, all under the server's `max_connections`.
const POOL_SIZE: u32 = 4;

/// A fresh database on the test server, dropped with this value.
pub struct PgTestDb {
    /// The database's name.
    pub name: String,
    /// The URL of the server's database given in `MOTCUA_TEST_POSTGRES_URL`
    /// (where databases are created and dropped from).
    admin_url: String,
    /// The URL of this database.
    pub url: String,
}

/// The URL of database `name` on the server of `base`, with `base`'s other
/// settings (user, TLS …).
fn url_of(base: &str, name: &str) -> String {
    let mut url = url::Url::parse(base).expect("MOTCUA_TEST_POSTGRES_URL is a URL");
    url.set_path(&format!("/{name}"));
    let query: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "dbname")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.set_query(None);
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    url.into()
}

/// A new test database, or `None` (the case is skipped) when no server is
/// configured.
pub async fn fresh() -> Option<PgTestDb> {
    let Some(base) = std::env::var(URL_VAR).ok().filter(|u| !u.trim().is_empty()) else {
        eprintln!("skipped: set {URL_VAR} to run the PostgreSQL cases");
        return None;
    };
    Some(PgTestDb::create(&base).await)
}

static SWEPT: AtomicBool = AtomicBool::new(false);

impl PgTestDb {
    pub async fn create(base: &str) -> PgTestDb {
        let mut admin = PgConnection::connect(base)
            .await
            .unwrap_or_else(|e| panic!("{URL_VAR}: cannot connect: {e}"));
        if !SWEPT.swap(true, Ordering::SeqCst) {
            sweep_stale(&mut admin).await;
        }
        let name = format!("{PREFIX}{}", Uuid::now_v7().simple());
        // A Vietnamese ICU collation by default, when the server has ICU:
        // the engine must sort byte-wise (COLLATE "C") whatever the
        // database's collation, and a linguistic one shows it if not.
        let icu = format!(
            "CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' \
             LOCALE_PROVIDER icu ICU_LOCALE 'vi-VN'"
        );
        if sqlx::raw_sql(sqlx::AssertSqlSafe(icu))
            .execute(&mut admin)
            .await
            .is_err()
        {
            let plain = format!("CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'");
            sqlx::raw_sql(sqlx::AssertSqlSafe(plain))
                .execute(&mut admin)
                .await
                .unwrap_or_else(|e| panic!("cannot create the test database {name}: {e}"));
        }
        admin.close().await.ok();
        PgTestDb {
            url: url_of(base, &name),
            admin_url: base.to_owned(),
            name,
        }
    }

    /// A store (an app node) on this database, with its own pool.
    pub async fn postgres(&self) -> PgStore {
        PgStore::connect_with(&self.url, &PoolSettings::with_max_connections(POOL_SIZE))
            .await
            .unwrap()
    }

    /// A plain connection to this database, behind the store's back.
    pub async fn raw(&self) -> PgConnection {
        PgConnection::connect(&self.url).await.unwrap()
    }
}

/// Drops the test databases that a killed run left behind: those whose
/// UUID v7 says they were made more than [`STALE_AFTER`] ago. Younger ones
/// may belong to a run going on right now.
async fn sweep_stale(admin: &mut PgConnection) {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE starts_with(datname, $1)")
            .bind(PREFIX)
            .fetch_all(&mut *admin)
            .await
            .unwrap_or_default();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    for name in names {
        let Some(made) = name
            .strip_prefix(PREFIX)
            .and_then(|id| Uuid::try_parse(id).ok())
            .and_then(|id| id.get_timestamp())
        else {
            continue;
        };
        let (secs, _) = made.to_unix();
        if now.saturating_sub(Duration::from_secs(secs)) > STALE_AFTER
            && let Err(e) = drop_database(admin, &name).await
        {
            eprintln!("cannot drop the stale test database {name}: {e}");
        }
    }
}

/// Drops a database, ending the sessions still on it.
async fn drop_database(admin: &mut PgConnection, name: &str) -> Result<(), sqlx::Error> {
    let force = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    if sqlx::raw_sql(sqlx::AssertSqlSafe(force))
        .execute(&mut *admin)
        .await
        .is_ok()
    {
        return Ok(());
    }
    // Before PostgreSQL 13: end the sessions, then drop.
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
        .bind(name)
        .execute(&mut *admin)
        .await?;
    let plain = format!("DROP DATABASE IF EXISTS \"{name}\"");
    sqlx::raw_sql(sqlx::AssertSqlSafe(plain))
        .execute(&mut *admin)
        .await?;
    Ok(())
}

impl Drop for PgTestDb {
    /// Drops the database. `Drop` cannot await, and the test's runtime may
    /// be unwinding from a failed assertion: the drop runs on a thread of its
    /// own with a runtime of its own, waited for, and never panics.
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        let cleanup = std::thread::spawn(move || -> Result<(), String> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&admin_url)
                    .await
                    .map_err(|e| e.to_string())?;
                drop_database(&mut admin, &name)
                    .await
                    .map_err(|e| e.to_string())?;
                admin.close().await.map_err(|e| e.to_string())
            })
        });
        match cleanup.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("cannot drop the test database {}: {e}", self.name),
            Err(_) => eprintln!("dropping the test database {} panicked", self.name),
        }
    }
}

#[async_trait]
impl TestDatabase for PgTestDb {
    async fn open(&self) -> Arc<dyn Store> {
        Arc::new(self.postgres().await)
    }

    async fn tamper(&self, tamper: Tamper) {
        let mut conn = self.raw().await;
        let q = match &tamper {
            Tamper::EventReason {
                dossier,
                seq,
                reason,
            } => sqlx::query(
                "UPDATE dossier_events SET reason = $3 WHERE dossier_id = $1 AND seq = $2",
            )
            .bind(dossier.uuid())
            .bind(*seq as i32)
            .bind(reason.clone()),
            Tamper::DeleteEvent { dossier, seq } => {
                sqlx::query("DELETE FROM dossier_events WHERE dossier_id = $1 AND seq = $2")
                    .bind(dossier.uuid())
                    .bind(*seq as i32)
            }
            Tamper::RenumberEvent { dossier, from, to } => sqlx::query(
                "UPDATE dossier_events SET seq = $3 WHERE dossier_id = $1 AND seq = $2",
            )
            .bind(dossier.uuid())
            .bind(*from as i32)
            .bind(*to as i32),
            Tamper::InsertEvent { record } => sqlx::query(
                "INSERT INTO dossier_events (dossier_id, seq, at, actor, role, action, reason, payload, prev_hash, hash)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(record.dossier.uuid())
            .bind(record.seq as i32)
            .bind(record.at)
            .bind(record.actor.map(|a| a.uuid()))
            .bind(record.role.key())
            .bind(record.action.key())
            .bind(record.reason.clone())
            .bind(record.payload.clone())
            .bind(record.prev_hash.as_bytes().to_vec())
            .bind(record.hash.as_bytes().to_vec()),
            Tamper::Stage { dossier, stage } => {
                sqlx::query("UPDATE dossiers SET stage = $2 WHERE id = $1")
                    .bind(dossier.uuid())
                    .bind(stage.key())
            }
            Tamper::Due { dossier, due } => {
                sqlx::query("UPDATE dossiers SET due_at = $2 WHERE id = $1")
                    .bind(dossier.uuid())
                    .bind(*due)
            }
            Tamper::State { dossier, state } => {
                sqlx::query("UPDATE dossiers SET state = $2 WHERE id = $1")
                    .bind(dossier.uuid())
                    .bind(serde_json::to_value(state).unwrap())
            }
            Tamper::StateText { dossier, text } => {
                sqlx::query("UPDATE dossiers SET state = $2::jsonb WHERE id = $1")
                    .bind(dossier.uuid())
                    .bind(text.clone())
            }
            Tamper::DecidingAgency { dossier, agency } => {
                sqlx::query("UPDATE dossiers SET deciding_agency = $2 WHERE id = $1")
                    .bind(dossier.uuid())
                    .bind(agency.uuid())
            }
            Tamper::AttachmentBlob { dossier, sha256 } => {
                sqlx::query("UPDATE attachments SET sha256 = $2, blob_key = $3 WHERE dossier_id = $1")
                    .bind(dossier.uuid())
                    .bind(sha256.as_bytes().to_vec())
                    .bind(sha256.to_hex())
            }
            Tamper::Form { dossier, form } => {
                sqlx::query("UPDATE dossiers SET form = $2 WHERE id = $1")
                    .bind(dossier.uuid())
                    .bind(form.clone())
            }
            Tamper::AttachmentField { dossier, field } => {
                sqlx::query("UPDATE attachments SET field = $2 WHERE dossier_id = $1")
                    .bind(dossier.uuid())
                    .bind(field.clone())
            }
            Tamper::AuditDetails { seq, details } => {
                sqlx::query("UPDATE audit_log SET details = $2::json WHERE seq = $1")
                    .bind(*seq as i64)
                    .bind(details.to_string())
            }
        };
        let done = q.execute(&mut conn).await.unwrap();
        assert_eq!(done.rows_affected(), 1, "{tamper:?}");
        conn.close().await.unwrap();
    }
}

motcua_store::conformance_tests!(fresh());
