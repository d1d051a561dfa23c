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
    let restored = std::sync::Arc::new(SqliteStore::open(&copy).await.unwrap());
    assert_eq!(restored.dossier(record.id).await.unwrap().unwrap(), record);
    let report = motcua_store::verify::verify(restored.clone(), |_| {})
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
/// before it: its statements, run on the dossiers as they were then kept
/// (state and applicant as JSON columns, which migration 0008 packed), give
/// back what the code writes.
#[tokio::test]
async fn the_back_office_backfill_matches_what_the_code_writes() {
    let db = fresh().await.unwrap();
    let store = std::sync::Arc::new(db.sqlite().await);
    let ids = motcua_store::conformance::dossiers_in_every_office_state(store.clone()).await;
    let mut written = Vec::new();
    for id in &ids {
        written.push(store.dossier(*id).await.unwrap().unwrap());
    }
    // A temporary table shadows the real one for this connection's
    // unqualified names, so the migration's own text runs unchanged.
    let mut conn = store.pool().acquire().await.unwrap();
    sqlx::query(
        "CREATE TEMP TABLE dossiers (id TEXT PRIMARY KEY, stage TEXT NOT NULL, due_at INTEGER,
            state TEXT NOT NULL, applicant TEXT NOT NULL, in_office INTEGER NOT NULL DEFAULT 0,
            work_due_at INTEGER, assignee TEXT, applicant_identity TEXT)",
    )
    .execute(&mut *conn)
    .await
    .unwrap();
    for r in &written {
        sqlx::query("INSERT OR REPLACE INTO temp.dossiers (id, stage, due_at, state, applicant) VALUES ($1, $2, $3, $4, $5)")
            .bind(r.id.to_string())
            .bind(r.columns.stage.key())
            .bind(r.columns.due.map(|t| t.timestamp_micros()))
            .bind(serde_json::to_string(&r.state).unwrap())
            .bind(serde_json::to_string(&r.applicant).unwrap())
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    let migration = include_str!("../../migrations/0005_back_office.sql");
    let updates = motcua_store::conformance::update_statements(migration);
    assert_eq!(updates.len(), 4);
    for sql in updates {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    for r in &written {
        let (in_office, work_due_at, assignee, identity): (i64, Option<i64>, Option<String>, Option<String>) =
            sqlx::query_as(
                "SELECT in_office, work_due_at, assignee, applicant_identity FROM temp.dossiers WHERE id = $1",
            )
            .bind(r.id.to_string())
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let c = &r.columns;
        assert_eq!(in_office != 0, c.in_office, "{}", r.code);
        assert_eq!(
            work_due_at,
            c.work_due.map(|t| t.timestamp_micros()),
            "{}",
            r.code
        );
        assert_eq!(assignee, c.assignee, "{}", r.code);
        assert_eq!(identity, r.applicant.identity_number, "{}", r.code);
    }
    assert_eq!(
        written[0].applicant.identity_number.as_deref(),
        Some("087190000123")
    );
}

/// Migration 0008 packs what an older database holds: a file written by
/// the code before it (120 generated dossiers, tests/sqlite/fixtures) opens
/// with every dossier, state, form and event as it was, every hash the
/// same, `verify` clean — and a dossier moved there can still be written.
#[tokio::test]
async fn a_database_from_before_packing_is_upgraded_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/sqlite/fixtures/before-0008.sqlite3"),
        &path,
    )
    .unwrap();
    // What the old layout holds, read with plain SQL before any migration.
    let old = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let dossiers: Vec<(String, String, String, String, Vec<u8>)> =
        sqlx::query_as("SELECT id, state, applicant, form, head_hash FROM dossiers ORDER BY id")
            .fetch_all(&old)
            .await
            .unwrap();
    type OldEvent = (
        String,
        i64,
        i64,
        Option<String>,
        String,
        String,
        Option<String>,
        String,
        Vec<u8>,
        Vec<u8>,
    );
    let events: Vec<OldEvent> = sqlx::query_as(
        "SELECT dossier_id, seq, at, actor, role, action, reason, payload, prev_hash, hash
         FROM dossier_events ORDER BY dossier_id, seq",
    )
    .fetch_all(&old)
    .await
    .unwrap();
    let captured: Vec<(String, String)> = sqlx::query_as(
        "SELECT holder_identity, document FROM captured_documents
         WHERE holder_identity IS NOT NULL ORDER BY dossier_id, event_seq",
    )
    .fetch_all(&old)
    .await
    .unwrap();
    old.close().await;
    assert_eq!(dossiers.len(), 120);
    assert!(!captured.is_empty());
    assert!(events.len() > 700);

    let store = std::sync::Arc::new(SqliteStore::open(&path).await.unwrap());
    let mut seen = 0;
    for (id, state, applicant, form, head) in &dossiers {
        let id: motcua_store::DossierId = id.parse().unwrap();
        let r = store.dossier(id).await.unwrap().unwrap();
        assert_eq!(
            serde_json::to_value(&r.state).unwrap(),
            serde_json::from_str::<serde_json::Value>(state).unwrap()
        );
        assert_eq!(
            serde_json::to_value(&r.applicant).unwrap(),
            serde_json::from_str::<serde_json::Value>(applicant).unwrap()
        );
        assert_eq!(
            serde_json::to_value(&r.form).unwrap(),
            serde_json::from_str::<serde_json::Value>(form).unwrap()
        );
        assert_eq!(r.head_hash.as_bytes().as_slice(), head.as_slice());
        let now = store.events(id).await.unwrap();
        let before: Vec<&OldEvent> = events.iter().filter(|e| e.0 == id.to_string()).collect();
        assert_eq!(now.len(), before.len());
        for (n, (_, seq, at, actor, role, action, reason, payload, prev, hash)) in
            now.iter().zip(before)
        {
            assert_eq!(i64::from(n.seq), *seq);
            assert_eq!(n.at.timestamp_micros(), *at);
            assert_eq!(n.actor.map(|a| a.to_string()), *actor);
            assert_eq!(n.role.key(), role);
            assert_eq!(n.action.key(), action);
            assert_eq!(&n.reason, reason);
            assert_eq!(
                n.payload,
                serde_json::from_str::<serde_json::Value>(payload).unwrap()
            );
            assert_eq!(n.prev_hash.as_bytes().as_slice(), prev.as_slice());
            assert_eq!(n.hash.as_bytes().as_slice(), hash.as_slice());
            seen += 1;
        }
    }
    assert_eq!(seen, events.len());
    for (holder, document) in &captured {
        let found = store.captured_documents_of(holder, 100).await.unwrap();
        let document: serde_json::Value = serde_json::from_str(document).unwrap();
        assert!(
            found
                .iter()
                .any(|c| serde_json::to_value(&c.document).unwrap() == document),
            "{holder}"
        );
    }
    let report = motcua_store::verify::verify(store.clone(), |_| {})
        .await
        .unwrap();
    assert!(report.is_ok(), "{report:?}");

    // A moved dossier takes a new event: its timeline is packed from then on.
    let mut open = None;
    for (id, ..) in &dossiers {
        let r = store.dossier(id.parse().unwrap()).await.unwrap().unwrap();
        if r.columns.stage == motcua_domain::lifecycle::Stage::AwaitingReception {
            open = Some(r);
        }
    }
    let open = open.expect("a dossier awaiting reception in the fixture");
    let at = open.state.last_event_at + chrono::TimeDelta::hours(1);
    let event = open
        .state
        .decide(
            motcua_domain::lifecycle::Action::Accept,
            motcua_domain::lifecycle::Role::ReceptionOfficer,
            at,
            motcua_store::conformance::cw(),
        )
        .unwrap();
    let accepted = store
        .append_event(
            open.id,
            open.event_count,
            motcua_store::NewEvent {
                actor: None,
                event,
                attachments: vec![],
                jobs: vec![],
            },
        )
        .await
        .unwrap();
    assert_eq!(
        store.events(open.id).await.unwrap().len() as u32,
        accepted.event_count
    );
    let packed: Vec<u8> =
        sqlx::query_scalar("SELECT events FROM dossier_timelines WHERE dossier_id = $1")
            .bind(open.id.to_string())
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert!(
        packed.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]),
        "packed as Zstandard"
    );
    let report = motcua_store::verify::verify(store.clone(), |_| {})
        .await
        .unwrap();
    assert!(report.is_ok(), "{report:?}");
}
