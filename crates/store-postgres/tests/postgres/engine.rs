//! What only the PostgreSQL engine promises.

use std::sync::Arc;
use std::time::Duration;

use motcua_domain::calendar::OfficeHours;
use motcua_domain::code;
use motcua_domain::text::fold;
use motcua_store::{AgencyKind, NewAgency, NewAuditEntry, Store, StoreError};
use motcua_store_postgres::{PgStore, PoolSettings};
use serde_json::json;
use sqlx::Connection;

use super::{URL_VAR, fresh};

#[tokio::test]
async fn a_database_from_a_newer_motcua_is_refused() {
    let Some(db) = fresh().await else { return };
    let store = db.postgres().await;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (9999, 'from the future', true, '\\x00', 0)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    store.close().await;
    match PgStore::connect(&db.url).await {
        Err(StoreError::SchemaTooNew {
            database: 9999,
            binary,
        }) => assert_eq!(binary, PgStore::schema_version()),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn app_nodes_starting_together_migrate_once() {
    let Some(db) = fresh().await else { return };
    let url = Arc::new(db.url.clone());
    let nodes: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move {
                PgStore::connect_with(&url, &PoolSettings::with_max_connections(2)).await
            })
        })
        .collect();
    for node in nodes {
        node.await.unwrap().unwrap();
    }
    let mut conn = db.raw().await;
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    // Each migration once, up to this binary's newest.
    assert_eq!(applied, (1..=PgStore::schema_version()).collect::<Vec<_>>());
    // The migration lock was released: another node starts at once.
    tokio::time::timeout(Duration::from_secs(10), db.postgres())
        .await
        .expect("no migration lock is left behind");
}

#[tokio::test]
async fn backups_are_left_to_postgres_tools() {
    let Some(db) = fresh().await else { return };
    let store = db.postgres().await;
    let target = std::env::temp_dir().join(format!("{}.backup", db.name));
    match store.backup_database(&target).await {
        Err(StoreError::Unsupported { engine, what }) => {
            assert_eq!(engine, "PostgreSQL");
            assert!(what.contains("pg_dump"), "{what}");
        }
        other => panic!("{other:?}"),
    }
    assert!(!target.exists());
}

#[tokio::test]
async fn acknowledged_writes_are_durable() {
    let Some(db) = fresh().await else { return };
    let store = db.postgres().await;
    // Hold several connections at once so the pool opens distinct ones.
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(store.pool().acquire().await.unwrap());
    }
    for conn in &mut held {
        let fsync: String = sqlx::query_scalar("SELECT current_setting('fsync')")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        let commit: String = sqlx::query_scalar("SELECT current_setting('synchronous_commit')")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        let isolation: String =
            sqlx::query_scalar("SELECT current_setting('transaction_isolation')")
                .fetch_one(&mut **conn)
                .await
                .unwrap();
        assert_eq!(fsync, "on");
        assert_ne!(commit, "off", "synchronous_commit");
        // The row locks the engine takes are designed for read committed.
        assert_eq!(isolation, "read committed");
    }
}

/// Rows come back in byte order, as on SQLite, even on a database whose
/// collation is linguistic (the test databases are Vietnamese ICU ones when
/// the server has ICU): the engine's text columns are `COLLATE "C"`.
#[tokio::test]
async fn rows_sort_byte_wise_whatever_the_database_collation() {
    let Some(db) = fresh().await else { return };
    let store = db.postgres().await;
    let names = [
        "Phòng Tư pháp",
        "phòng tư pháp",
        "Ban-B",
        "Ban A",
        "BanC",
        "Zeta",
        "an ninh",
        "Ấp 3",
        "ấp 10",
        "Đội 1",
        "Dội 2",
        "_Kho",
    ];
    let root = store
        .create_agency(NewAgency {
            id: motcua_store::AgencyId::new(),
            parent: None,
            identifier: code::AgencyId::new("H29").unwrap(),
            name: "UBND tỉnh".into(),
            kind: AgencyKind::Province,
            office_hours: OfficeHours::standard(),
            receives_any_procedure: false,
            commune: None,
        })
        .await
        .unwrap();
    let mut created = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let agency = store
            .create_agency(NewAgency {
                id: motcua_store::AgencyId::new(),
                parent: Some(root.id),
                identifier: code::AgencyId::new(&format!("000.00.{:02}.H29", i + 1)).unwrap(),
                name: (*name).into(),
                kind: AgencyKind::Unit,
                office_hours: OfficeHours::standard(),
                receives_any_procedure: false,
                commune: None,
            })
            .await
            .unwrap();
        created.push(agency);
    }
    // What SQLite does: folded name, then name, then id, byte by byte.
    created.sort_by(|a, b| {
        (fold(&a.name).into_bytes(), a.name.as_bytes(), a.id).cmp(&(
            fold(&b.name).into_bytes(),
            b.name.as_bytes(),
            b.id,
        ))
    });
    let listed = store.child_agencies(Some(root.id)).await.unwrap();
    let names_of =
        |v: &[motcua_store::Agency]| v.iter().map(|a| a.name.clone()).collect::<Vec<_>>();
    assert_eq!(names_of(&listed), names_of(&created));
}

/// The audit chain hashes arbitrary JSON: what is read back must be what was
/// hashed, even where `jsonb` would rewrite it (`-0.0` becomes `0.0`).
#[tokio::test]
async fn audit_details_read_back_as_hashed() {
    let Some(db) = fresh().await else { return };
    let store = std::sync::Arc::new(db.postgres().await);
    let details = json!({
        "zero": -0.0,
        "small": 1.5e-7,
        "one": 1.0,
        "big": 18_446_744_073_709_551_615u64,
        "negative": -9_223_372_036_854_775_808i64,
        "text": "Đồng \"Tháp\"\n\u{1}",
        "nested": {"b": [1, 2.5, null, true], "a": {}},
    });
    let written = store
        .audit(NewAuditEntry {
            at: chrono::Utc::now(),
            actor: None,
            action: "agency.update".into(),
            subject: "H29".into(),
            details: details.clone(),
        })
        .await
        .unwrap();
    let read = store.audit_entries(None, 10).await.unwrap();
    assert_eq!(read, vec![written]);
    assert_eq!(
        motcua_store::hash::canonical_json(&read[0].details),
        motcua_store::hash::canonical_json(&details)
    );
    let report = motcua_store::verify::verify(store.clone(), |_| {})
        .await
        .unwrap();
    assert!(report.is_ok(), "{report:?}");
}

/// PostgreSQL's text cannot hold a NUL character (SQLite's can): such text
/// is refused as invalid, and nothing is written.
#[tokio::test]
async fn text_postgres_cannot_hold_is_invalid() {
    let Some(db) = fresh().await else { return };
    let store = db.postgres().await;
    let result = store
        .create_agency(NewAgency {
            id: motcua_store::AgencyId::new(),
            parent: None,
            identifier: code::AgencyId::new("H29").unwrap(),
            name: "UBND\0tỉnh".into(),
            kind: AgencyKind::Province,
            office_hours: OfficeHours::standard(),
            receives_any_procedure: false,
            commune: None,
        })
        .await;
    assert!(
        matches!(result, Err(StoreError::Invalid { .. })),
        "{result:?}"
    );
    assert!(store.child_agencies(None).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable() {
    // Nothing listens on port 1; no test server is needed.
    let settings = PoolSettings {
        acquire_timeout: Duration::from_secs(2),
        ..PoolSettings::default()
    };
    match PgStore::connect_with("postgres://motcua@127.0.0.1:1/motcua", &settings).await {
        Err(StoreError::Unavailable(_)) => {}
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        PgStore::connect("mysql://nope").await,
        Err(StoreError::Invalid { .. })
    ));
}

/// Each test's database is dropped with its value, so runs leave nothing.
#[tokio::test]
async fn a_test_database_is_dropped_when_done() {
    let Some(db) = fresh().await else { return };
    let name = db.name.clone();
    let store = db.postgres().await;
    // Even with a session still open on it.
    let _still_open = store.pool().acquire().await.unwrap();
    drop(db);
    let base = std::env::var(URL_VAR).unwrap();
    let mut admin = sqlx::PgConnection::connect(&base).await.unwrap();
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_one(&mut admin)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

/// TLS goes through rustls with ring: `sslmode=require` encrypts, and
/// `verify-full` refuses a certificate no known authority signed (Debian's
/// self-signed "snakeoil" one, on a stock server).
#[tokio::test]
async fn tls_is_rustls_with_ring() {
    let Some(db) = fresh().await else { return };
    let mut conn = db.raw().await;
    let ssl: String = sqlx::query_scalar("SELECT current_setting('ssl')")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    if ssl != "on" {
        eprintln!("skipped: the test server does not offer TLS");
        return;
    }
    let with_mode = |mode: &str| {
        let mut url = url::Url::parse(&db.url).unwrap();
        url.query_pairs_mut().append_pair("sslmode", mode);
        String::from(url)
    };
    let store = PgStore::connect_with(
        &with_mode("require"),
        &PoolSettings::with_max_connections(1),
    )
    .await
    .unwrap();
    let encrypted: bool =
        sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert!(encrypted);
    store.close().await;
    let settings = PoolSettings {
        acquire_timeout: Duration::from_secs(2),
        ..PoolSettings::with_max_connections(1)
    };
    let verified = PgStore::connect_with(&with_mode("verify-full"), &settings).await;
    let trusted: bool =
        sqlx::query_scalar("SELECT current_setting('ssl_cert_file') NOT LIKE '%snakeoil%'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    if !trusted {
        assert!(
            matches!(verified, Err(StoreError::Unavailable(_))),
            "{verified:?}"
        );
    }
}

/// Two app nodes acting on the same dossier at the same moment: the dossier
/// row is locked for the append, so exactly one of them wins each round and
/// the other is told someone acted first.
#[tokio::test]
async fn concurrent_appends_to_one_dossier_let_one_win() {
    use motcua_domain::lifecycle::{Action, Role};
    use motcua_store::NewEvent;
    use motcua_store::conformance::{Fixture, cw, vn};

    let Some(db) = fresh().await else { return };
    let a: Arc<dyn Store> = Arc::new(db.postgres().await);
    let b: Arc<dyn Store> = Arc::new(db.postgres().await);
    let f = Fixture::new(a.clone()).await;
    let start = vn(2025, 9, 8, 9, 0);
    let mut record = f.create(start).await;
    let steps = [
        (Action::Accept, Role::ReceptionOfficer),
        (Action::Assign { to: None }, Role::Specialist),
        (Action::SubmitForApproval, Role::Specialist),
        (Action::Approve, Role::Approver),
    ];
    for (i, (action, role)) in steps.into_iter().enumerate() {
        let at = start + chrono::TimeDelta::minutes(i as i64 + 1);
        let event = record.state.decide(action, role, at, cw()).unwrap();
        let race = |store: Arc<dyn Store>| {
            let event = event.clone();
            let (id, count) = (record.id, record.event_count);
            tokio::spawn(async move {
                store
                    .append_event(
                        id,
                        count,
                        NewEvent {
                            actor: None,
                            event,
                            attachments: vec![],
                            jobs: vec![],
                        },
                    )
                    .await
            })
        };
        let (ra, rb) = tokio::join!(race(a.clone()), race(b.clone()));
        let results = [ra.unwrap(), rb.unwrap()];
        let won: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(won.len(), 1, "{results:?}");
        assert!(
            results
                .iter()
                .any(|r| matches!(r, Err(StoreError::Conflict { .. }))),
            "{results:?}"
        );
        record = won[0].clone();
    }
    assert_eq!(record.event_count, 5);
    let report = motcua_store::verify::verify(a.clone(), |_| {})
        .await
        .unwrap();
    assert!(report.is_ok(), "{:?}", report.broken);
}

/// A creation that fails after taking its code gives the number back.
#[tokio::test]
async fn a_failed_creation_gives_its_code_back() {
    use motcua_store::conformance::{Fixture, vn};

    let Some(db) = fresh().await else { return };
    let store: Arc<dyn Store> = Arc::new(db.postgres().await);
    let f = Fixture::new(store.clone()).await;
    let at = vn(2025, 9, 8, 9, 0);
    let first = f.new_dossier(at, 5);
    let mut twin = f.new_dossier(at, 5);
    twin.id = first.id;
    let first = store.create_dossier(first).await.unwrap();
    assert_eq!(first.code.as_str(), "000.00.01.H29-250908-0001");
    // Same id: the insert fails after the counter moved, and rolls it back.
    assert!(matches!(
        store.create_dossier(twin).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(
        f.create(at).await.code.as_str(),
        "000.00.01.H29-250908-0002"
    );
}

/// Migration 0005 fills the back office's columns of dossiers that existed
/// before it: its statements, run again on cleared columns, give back what
/// the code writes, and `verify` agrees.
#[tokio::test]
async fn the_back_office_backfill_matches_what_the_code_writes() {
    let Some(db) = fresh().await else { return };
    let store = Arc::new(db.postgres().await);
    let ids = motcua_store::conformance::dossiers_in_every_office_state(store.clone()).await;
    let mut written = Vec::new();
    for id in &ids {
        written.push(store.dossier(*id).await.unwrap().unwrap().columns);
    }
    let mut conn = db.raw().await;
    sqlx::query(
        "UPDATE dossiers SET in_office = false, work_due_at = NULL, assignee = NULL, applicant_identity = NULL",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    let migration = include_str!("../../migrations/0005_back_office.sql");
    let updates = motcua_store::conformance::update_statements(migration);
    assert_eq!(updates.len(), 4);
    for sql in updates {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    for (id, before) in ids.iter().zip(written) {
        assert_eq!(store.dossier(*id).await.unwrap().unwrap().columns, before);
    }
    let identity: Option<String> =
        sqlx::query_scalar("SELECT applicant_identity FROM dossiers WHERE id = $1")
            .bind(ids[0].uuid())
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(identity.as_deref(), Some("087190000123"));
    let report = motcua_store::verify::verify(store.clone(), |_| {})
        .await
        .unwrap();
    assert!(report.is_ok(), "{report:?}");
}
