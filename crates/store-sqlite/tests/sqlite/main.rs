//! The SQLite engine: the conformance suite on a fresh file per test, and
//! what only SQLite has (its durability settings, its backup).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod engine;

use std::sync::Arc;

use async_trait::async_trait;
use motcua_store::Store;
use motcua_store::conformance::{Tamper, TestDatabase};
use motcua_store_sqlite::{SqliteStore, packed};
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
        if edit_packed(pool, &tamper).await {
            store.close().await;
            return;
        }
        let q = match &tamper {
            Tamper::Stage { dossier, stage } => {
                sqlx::query("UPDATE dossiers SET stage = $2 WHERE id = $1")
                    .bind(dossier.to_string())
                    .bind(stage.key())
            }
            Tamper::Due { dossier, due } => {
                sqlx::query("UPDATE dossiers SET due_at = $2 WHERE id = $1")
                    .bind(dossier.to_string())
                    .bind(us(*due))
            }
            Tamper::DecidingAgency { dossier, agency } => {
                sqlx::query("UPDATE dossiers SET deciding_agency = $2 WHERE id = $1")
                    .bind(dossier.to_string())
                    .bind(agency.to_string())
            }
            Tamper::AttachmentBlob { dossier, sha256 } => sqlx::query(
                "UPDATE attachments SET sha256 = $2, blob_key = $3 WHERE dossier_id = $1",
            )
            .bind(dossier.to_string())
            .bind(sha256.as_bytes().to_vec())
            .bind(sha256.to_hex()),
            Tamper::AttachmentField { dossier, field } => {
                sqlx::query("UPDATE attachments SET field = $2 WHERE dossier_id = $1")
                    .bind(dossier.to_string())
                    .bind(field.clone())
            }
            Tamper::AuditDetails { seq, details } => {
                sqlx::query("UPDATE audit_log SET details = $2 WHERE seq = $1")
                    .bind(*seq as i64)
                    .bind(details.to_string())
            }
            _ => unreachable!("{tamper:?} is a packed document's"),
        };
        let done = q.execute(pool).await.unwrap();
        assert_eq!(done.rows_affected(), 1, "{tamper:?}");
        store.close().await;
    }
}

/// Carries out the tampering that edits a packed document — a timeline, or
/// a dossier's state and form — as someone with the file and the format
/// would; false for the others.
async fn edit_packed(pool: &sqlx::SqlitePool, tamper: &Tamper) -> bool {
    let (dossier, timeline) = match tamper {
        Tamper::EventReason { dossier, .. }
        | Tamper::DeleteEvent { dossier, .. }
        | Tamper::RenumberEvent { dossier, .. } => (*dossier, true),
        Tamper::InsertEvent { record } => (record.dossier, true),
        Tamper::State { dossier, .. }
        | Tamper::StateText { dossier, .. }
        | Tamper::Form { dossier, .. } => (*dossier, false),
        _ => return false,
    };
    let (select, update) = if timeline {
        (
            "SELECT events FROM dossier_timelines WHERE dossier_id = $1",
            "UPDATE dossier_timelines SET events = $2 WHERE dossier_id = $1",
        )
    } else {
        (
            "SELECT packed FROM dossiers WHERE id = $1",
            "UPDATE dossiers SET packed = $2 WHERE id = $1",
        )
    };
    let bytes: Vec<u8> = sqlx::query_scalar(select)
        .bind(dossier.to_string())
        .fetch_one(pool)
        .await
        .unwrap();
    let mut doc: serde_json::Value = packed::unpack(&bytes, "test").unwrap();
    let seq_of = |e: &serde_json::Value| e["seq"].as_u64().unwrap();
    let events = doc.as_array_mut();
    match tamper {
        Tamper::EventReason { seq, reason, .. } => {
            let e = events
                .unwrap()
                .iter_mut()
                .find(|e| seq_of(e) == u64::from(*seq))
                .unwrap();
            e["reason"] = serde_json::json!(reason);
        }
        Tamper::DeleteEvent { seq, .. } => {
            let events = events.unwrap();
            let before = events.len();
            events.retain(|e| seq_of(e) != u64::from(*seq));
            assert_eq!(events.len() + 1, before, "{tamper:?}");
        }
        Tamper::RenumberEvent { from, to, .. } => {
            let e = events
                .unwrap()
                .iter_mut()
                .find(|e| seq_of(e) == u64::from(*from))
                .unwrap();
            e["seq"] = serde_json::json!(to);
        }
        Tamper::InsertEvent { record } => events.unwrap().push(serde_json::json!({
            "seq": record.seq,
            "at": us(record.at),
            "actor": record.actor,
            "role": record.role,
            "action": record.action,
            "reason": record.reason,
            "payload": record.payload,
        })),
        Tamper::State { state, .. } => doc["state"] = serde_json::to_value(state).unwrap(),
        Tamper::StateText { text, .. } => doc["state"] = serde_json::from_str(text).unwrap(),
        Tamper::Form { form, .. } => doc["form"] = form.clone(),
        _ => unreachable!(),
    }
    // Read back in order, as a reader sorting by sequence would.
    if let Some(events) = doc.as_array_mut() {
        events.sort_by_key(seq_of);
    }
    let done = sqlx::query(update)
        .bind(dossier.to_string())
        .bind(packed::pack(&doc).unwrap())
        .execute(pool)
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1, "{tamper:?}");
    true
}

motcua_store::conformance_tests!(fresh());
