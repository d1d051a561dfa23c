//! This machine's ceilings, measured in the same run as the scenarios so
//! that their ratios hold on a noisy machine:
//! - **read:** a bare axum handler answering a small JSON, in a process of
//!   its own on the same runtime settings as the server;
//! - **write:** exactly a submission's durable I/O and nothing else — a
//!   200 KB file written, flushed and renamed into place by the same blob
//!   store the server uses, then one row committed through the same store's
//!   connection settings (SQLite: WAL, `synchronous = FULL`; PostgreSQL:
//!   the server's own).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Json;
use axum::Router;
use axum::routing::get;
use bytes::Bytes;
use motcua_blobs::{BlobStore, LocalBlobStore};
use motcua_store_postgres::PgStore;
use motcua_store_sqlite::SqliteStore;

use crate::drive::{Failure, Operation};
use crate::http::{As, Http};

/// The path the read ceiling answers on.
pub const READ_PATH: &str = "/ceiling";

/// Serves the read ceiling on `listen` until the process is stopped.
pub async fn serve_read(listen: SocketAddr) -> Result<(), String> {
    let served = AtomicU64::new(0);
    let served = std::sync::Arc::new(served);
    let app = Router::new().route(
        READ_PATH,
        get(move || {
            let n = served.fetch_add(1, Ordering::Relaxed);
            async move { Json(serde_json::json!({"ok": true, "n": n})) }
        }),
    );
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("{listen}: {e}"))?;
    axum::serve(listener, app)
        .await
        .map_err(|e| format!("serving the read ceiling: {e}"))
}

/// The read ceiling's operation: one GET of the bare handler.
pub struct ReadCeiling {
    pub connections: Vec<Http>,
}

impl Operation for ReadCeiling {
    async fn once(&self, connection: usize, _seq: u64) -> Result<(), Failure> {
        let http = &self.connections[connection % self.connections.len()];
        http.get(READ_PATH, As::Anonymous).await?.expect(200)?;
        Ok(())
    }
}

/// Where the write ceiling commits its rows.
enum Rows {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

/// The ceiling's table, and its one row a write. The statements are the
/// same text on both engines (SQLite reads `$1` placeholders too).
const CREATE: &str = "CREATE TABLE IF NOT EXISTS bench_ceiling \
                      (key TEXT NOT NULL, size BIGINT NOT NULL, seq BIGINT NOT NULL)";
const INSERT: &str = "INSERT INTO bench_ceiling (key, size, seq) VALUES ($1, $2, $3)";

/// Evaluates `$body` with `$pool` naming the pool `$rows` holds, whichever
/// the engine (the two pools are different types).
macro_rules! on_pool {
    ($rows:expr, |$pool:ident| $body:expr) => {
        match $rows {
            Rows::Sqlite(store) => {
                let $pool = store.pool();
                $body
            }
            Rows::Postgres(store) => {
                let $pool = store.pool();
                $body
            }
        }
    };
}

/// The write ceiling's operation, with its blob folder and database.
pub struct WriteCeiling {
    blobs: LocalBlobStore,
    rows: Rows,
    payload: Bytes,
}

/// The size of a submission's attachment in the scenarios.
pub const ATTACHMENT_BYTES: usize = 200 * 1024;

impl WriteCeiling {
    /// A write ceiling in the folder `scratch` (on the same filesystem as
    /// the server's data): its blobs there, and its rows in a SQLite
    /// database there or, with `postgres_url`, in that (scratch) database.
    pub async fn open(scratch: &Path, postgres_url: Option<&str>) -> Result<Self, String> {
        let blobs = LocalBlobStore::open(scratch.join("blobs")).map_err(|e| e.to_string())?;
        let rows = match postgres_url {
            Some(url) => Rows::Postgres(PgStore::connect(url).await.map_err(|e| e.to_string())?),
            None => {
                // A new database each run: one left by an older build may
                // carry a schema this one refuses.
                let file = scratch.join("ceiling.sqlite3");
                for suffix in ["", "-wal", "-shm"] {
                    let mut name = file.clone().into_os_string();
                    name.push(suffix);
                    match std::fs::remove_file(&name) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => return Err(format!("{}: {e}", file.display())),
                    }
                }
                Rows::Sqlite(SqliteStore::open(&file).await.map_err(|e| e.to_string())?)
            }
        };
        on_pool!(&rows, |pool| sqlx::query(CREATE)
            .execute(pool)
            .await
            .map(drop))
        .map_err(|e| e.to_string())?;
        Ok(WriteCeiling {
            blobs,
            rows,
            payload: crate::pdf::padded(ATTACHMENT_BYTES),
        })
    }

    pub async fn close(&self) {
        match &self.rows {
            Rows::Sqlite(store) => store.close().await,
            Rows::Postgres(store) => store.close().await,
        }
    }
}

impl Operation for WriteCeiling {
    async fn once(&self, _connection: usize, seq: u64) -> Result<(), Failure> {
        // A different file every time: blobs are stored by content, and the
        // same bytes twice would skip the write.
        let bytes = crate::pdf::numbered(&self.payload, seq);
        let info = self.blobs.put(&bytes).await.map_err(|e| e.to_string())?;
        let key = info.key.to_string();
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        let seq = i64::try_from(seq).unwrap_or(i64::MAX);
        on_pool!(&self.rows, |pool| async {
            let mut tx = pool.begin().await?;
            sqlx::query(INSERT)
                .bind(&key)
                .bind(size)
                .bind(seq)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        }
        .await)
        .map_err(|e| e.to_string())?;
        Ok(())
    }
}
