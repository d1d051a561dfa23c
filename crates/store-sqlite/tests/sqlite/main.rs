//! The SQLite engine: the conformance suite on a fresh file per test, and
//! what only SQLite has (its durability settings, its backup).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine;

use std::sync::Arc;

use async_trait::async_trait;
use motcua_store::Store;
use motcua_store::conformance::{Tamper, TestDatabase};
use motcua_store_sqlite::SqliteStore;
use tempfile::TempDir;

/// A fresh database file in its own temporary folder.
pub struct SqliteTestDb {
    pub dir: TempDir,
}

impl SqliteTestDb {
    pub fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("motcua.sqlite3")
    }

    pub async fn sqlite(&self) -> SqliteStore {
        SqliteStore::open(&self.path()).await.unwrap()
    }
}

pub async fn fresh() -> Option<SqliteTestDb> {
    Some(SqliteTestDb {
        dir: tempfile::tempdir().unwrap(),
    })
}

fn us(t: chrono::DateTime<chrono::Utc>) -> i64 {
    t.timestamp_micros()
}

#[async_trait]
impl TestDatabase for SqliteTestDb {
    async fn open(&self) -> Arc<dyn Store> {
        Arc::new(self.sqlite().await)
    }

    async fn tamper(&self, tamper: Tamper) {
        let store = self.sqlite().await;
        let pool = store.pool();
        let q = match &tamper {
            Tamper::EventReason { dossier, seq, reason } => {
                sqlx::query("UPDATE dossier_events SET reason = $3 WHERE dossier_id = $1 AND seq = $2")
                    .bind(dossier.to_string())
                    .bind(i64::from(*seq))
                    .bind(reason.clone())
            }
            Tamper::DeleteEvent { dossier, seq } => {
                sqlx::query("DELETE FROM dossier_events WHERE dossier_id = $1 AND seq = $2")
                    .bind(dossier.to_string())
                    .bind(i64::from(*seq))
            }
            Tamper::RenumberEvent { dossier, from, to } => {
                sqlx::query("UPDATE dossier_events SET seq = $3 WHERE dossier_id = $1 AND seq = $2")
                    .bind(dossier.to_string())
                    .bind(i64::from(*from))
                    .bind(i64::from(*to))
            }
            Tamper::InsertEvent { record } => sqlx::query(
                "INSERT INTO dossier_events (dossier_id, seq, at, actor, role, action, reason, payload, prev_hash, hash)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(record.dossier.to_string())
            .bind(i64::from(record.seq))
            .bind(us(record.at))
            .bind(record.actor.map(|a| a.to_string()))
            .bind(record.role.key())
            .bind(record.action.key())
            .bind(record.reason.clone())
            .bind(serde_json::to_string(&record.payload).unwrap())
            .bind(record.prev_hash.as_bytes().to_vec())
            .bind(record.hash.as_bytes().to_vec()),
            Tamper::Stage { dossier, stage } => sqlx::query("UPDATE dossiers SET stage = $2 WHERE id = $1")
                .bind(dossier.to_string())
                .bind(stage.key()),
            Tamper::Due { dossier, due } => sqlx::query("UPDATE dossiers SET due_at = $2 WHERE id = $1")
                .bind(dossier.to_string())
                .bind(us(*due)),
            Tamper::State { dossier, state } => sqlx::query("UPDATE dossiers SET state = $2 WHERE id = $1")
                .bind(dossier.to_string())
                .bind(serde_json::to_string(state).unwrap()),
            Tamper::StateText { dossier, text } => sqlx::query("UPDATE dossiers SET state = $2 WHERE id = $1")
                .bind(dossier.to_string())
                .bind(text.clone()),
            Tamper::DecidingAgency { dossier, agency } => {
                sqlx::query("UPDATE dossiers SET deciding_agency = $2 WHERE id = $1")
                    .bind(dossier.to_string())
                    .bind(agency.to_string())
            }
            Tamper::AttachmentBlob { dossier, sha256 } => {
                sqlx::query("UPDATE attachments SET sha256 = $2, blob_key = $3 WHERE dossier_id = $1")
                    .bind(dossier.to_string())
                    .bind(sha256.as_bytes().to_vec())
                    .bind(sha256.to_hex())
            }
            Tamper::Form { dossier, form } => sqlx::query("UPDATE dossiers SET form = $2 WHERE id = $1")
                .bind(dossier.to_string())
                .bind(form.to_string()),
            Tamper::AttachmentField { dossier, field } => {
                sqlx::query("UPDATE attachments SET field = $2 WHERE dossier_id = $1")
                    .bind(dossier.to_string())
                    .bind(field.clone())
            }
            Tamper::AuditDetails { seq, details } => sqlx::query("UPDATE audit_log SET details = $2 WHERE seq = $1")
                .bind(*seq as i64)
                .bind(details.to_string()),
        };
        let done = q.execute(pool).await.unwrap();
        assert_eq!(done.rows_affected(), 1, "{tamper:?}");
        store.close().await;
    }
}

motcua_store::conformance_tests!(fresh());
