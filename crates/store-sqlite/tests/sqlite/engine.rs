//! What only the SQLite engine promises.

use motcua_store::{Store, StoreError};
use motcua_store_sqlite::SqliteStore;

use super::fresh;

#[tokio::test]
async fn every_pooled_connection_is_durable() {
    let db = fresh().await.unwrap();
    let store = db.sqlite().await;
    // Hold several connections at once so the pool opens distinct ones.
    let mut held = Vec::new();
    for _ in 0..6 {
        held.push(store.pool().acquire().await.unwrap());
    }
    for conn in &mut held {
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        let page: i64 = sqlx::query_scalar("PRAGMA page_size")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        assert_eq!(page, 8192, "a new database has 8 KiB pages");
        assert_eq!(mode, "wal");
        assert_eq!(sync, 2, "synchronous = FULL");
        assert!(busy >= 5000, "busy_timeout {busy}");
        assert_eq!(fk, 1);
    }
}

#[tokio::test]
async fn a_database_from_a_newer_motcua_is_refused() {
    let db = fresh().await.unwrap();
    let store = db.sqlite().await;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time)
         VALUES (9999, 'from the future', CURRENT_TIMESTAMP, 1, x'00', 0)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    store.close().await;
    match SqliteStore::open(&db.path()).await {
        Err(StoreError::SchemaTooNew {
            database: 9999,
            binary,
        }) => assert!(binary >= 1),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_backup_is_a_consistent_database() {
    let db = fresh().await.unwrap();
    let store = db.sqlite().await;
    let record =
        motcua_store::conformance::fixed_timeline(std::sync::Arc::new(store.clone())).await;
    let copy = db.dir.path().join("backup.sqlite3");
    store.backup_database(&copy).await.unwrap();
    assert!(
        store.backup_database(&copy).await.is_err(),
        "never overwrites"
    );
    let restored = SqliteStore::open(&copy).await.unwrap();
    assert_eq!(restored.dossier(record.id).await.unwrap().unwrap(), record);
    let report = motcua_store::verify::verify(&restored, |_| {})
        .await
        .unwrap();
    assert!(report.is_ok());
}

/// The vectors file is made from the fixed timeline on SQLite: rewrite it
/// with `MOTCUA_WRITE_VECTORS=1` after a deliberate change of the encoding,
/// then run `tools/hash-vectors/check.py` to confirm it independently.
#[tokio::test]
async fn the_hash_vectors_file_is_current() {
    let db = fresh().await.unwrap();
    let store = std::sync::Arc::new(db.sqlite().await);
    let record = motcua_store::conformance::fixed_timeline(store.clone()).await;
    let events = store.events(record.id).await.unwrap();
    let with_form = motcua_store::conformance::fixed_form_timeline(store.clone()).await;
    let form_events = store.events(with_form.id).await.unwrap();
    let audit = motcua_store::hash::audit_hash(&motcua_store::hash::AuditFields {
        seq: 1,
        at: chrono::DateTime::from_timestamp_micros(1_757_296_800_123_456).unwrap(),
        actor: None,
        action: "user.login",
        subject: "0912345678",
        details: &serde_json::json!({"ip": "127.0.0.1", "ok": true}),
        prev: &motcua_store::Hash::GENESIS,
    });
    let file = serde_json::json!({
        "about": "Test vectors of motcua's hash chains: see crates/store/src/hash.rs for the encoding.",
        "events": motcua_store::conformance::vector_events(&events),
        // A second chain: a dossier filed with a form, and attachments
        // naming the field they answer.
        "form_events": motcua_store::conformance::vector_events(&form_events),
        "audit": [{
            "seq": 1,
            "at_micros": 1_757_296_800_123_456i64,
            "actor": null,
            "action": "user.login",
            "subject": "0912345678",
            "details": {"ip": "127.0.0.1", "ok": true},
            "prev_hash": motcua_store::Hash::GENESIS.to_hex(),
            "hash": audit.to_hex(),
        }],
    });
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../store/tests/vectors/hash-chain.json");
    if std::env::var_os("MOTCUA_WRITE_VECTORS").is_some() {
        std::fs::write(&path, serde_json::to_string_pretty(&file).unwrap() + "\n").unwrap();
    }
    let on_disk: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(on_disk, file);
}

/// Migration 0005 fills the back office's columns of dossiers that existed
/// before it: its statements, run again on cleared columns, give back what
/// the code writes, and `verify` agrees.
#[tokio::test]
async fn the_back_office_backfill_matches_what_the_code_writes() {
    let db = fresh().await.unwrap();
    let store = std::sync::Arc::new(db.sqlite().await);
    let ids = motcua_store::conformance::dossiers_in_every_office_state(store.clone()).await;
    let mut written = Vec::new();
    for id in &ids {
        written.push(store.dossier(*id).await.unwrap().unwrap().columns);
    }
    let pool = store.pool();
    sqlx::query(
        "UPDATE dossiers SET in_office = 0, work_due_at = NULL, assignee = NULL, applicant_identity = NULL",
    )
    .execute(pool)
    .await
    .unwrap();
    let migration = include_str!("../../migrations/0005_back_office.sql");
    let updates = motcua_store::conformance::update_statements(migration);
    assert_eq!(updates.len(), 4);
    for sql in updates {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(pool)
            .await
            .unwrap();
    }
    for (id, before) in ids.iter().zip(written) {
        assert_eq!(store.dossier(*id).await.unwrap().unwrap().columns, before);
    }
    let identity: Option<String> =
        sqlx::query_scalar("SELECT applicant_identity FROM dossiers WHERE id = $1")
            .bind(ids[0].to_string())
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(identity.as_deref(), Some("087190000123"));
    let report = motcua_store::verify::verify(store.as_ref(), |_| {})
        .await
        .unwrap();
    assert!(report.is_ok(), "{report:?}");
}
