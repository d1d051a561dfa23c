//! `motcua migrate | verify | backup | restore` end to end, on real files:
//! the binary against a data folder that a test writes to through the same
//! store and blob crates the server uses.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::TimeDelta;
use motcua_blobs::{BlobStore, LocalBlobStore};
use motcua_store::conformance::Fixture;
use motcua_store::{NewAttachment, Store};
use motcua_store_sqlite::SqliteStore;

/// Runs the built `motcua` in `dir`, with none of the settings this
/// shell may carry.
pub(crate) fn motcua(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .current_dir(dir)
        .args(args)
        .env_remove("MOTCUA_LANG")
        .env_remove("MOTCUA_DATABASE_URL")
        .env_remove("MOTCUA_BLOBS")
        .env_remove("MOTCUA_REPORT_CUT_OFF_DAY")
        .output()
        .unwrap()
}

/// What a run printed, both streams.
pub(crate) fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Writes `n` dossiers, each with one attachment whose bytes are in the blob
/// folder, into the data folder `data`.
async fn write_dossiers(data: &Path, n: usize, start_minute: i64) -> Arc<SqliteStore> {
    std::fs::create_dir_all(data).unwrap();
    let store = Arc::new(
        SqliteStore::open(&data.join("motcua.sqlite3"))
            .await
            .unwrap(),
    );
    let blobs = LocalBlobStore::open(data.join("blobs")).unwrap();
    let f = if store.child_agencies(None).await.unwrap().is_empty() {
        Fixture::new(store.clone()).await
    } else {
        fixture_of(store.clone()).await
    };
    for i in 0..n {
        let at = motcua_store::conformance::vn(2025, 9, 8, 8, 0)
            + TimeDelta::minutes(start_minute + i as i64);
        let info = blobs
            .put(format!("tờ khai số {start_minute}-{i}").as_bytes())
            .await
            .unwrap();
        let mut new = f.new_dossier(at, 5);
        new.attachments.push(NewAttachment {
            file_name: "to-khai.txt".into(),
            media_type: "text/plain".into(),
            size: info.size,
            sha256: info.key.to_hex().parse().unwrap(),
            blob_key: info.key.to_hex(),
            field: None,
        });
        let record = store.create_dossier(new).await.unwrap();
        f.walk_to_return(record, at).await;
    }
    store
}

/// The fixture of a database that already has its agencies.
async fn fixture_of(store: Arc<SqliteStore>) -> Fixture {
    let province = store.child_agencies(None).await.unwrap().remove(0);
    let children = store.child_agencies(Some(province.id)).await.unwrap();
    let by_kind = |k| children.iter().find(|a| a.kind == k).unwrap().clone();
    Fixture {
        store: store.clone(),
        province,
        centre: by_kind(motcua_store::AgencyKind::ServiceCentre),
        department: by_kind(motcua_store::AgencyKind::Department),
        commune: by_kind(motcua_store::AgencyKind::Commune),
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn migrate_creates_the_embedded_database_and_verify_passes_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let o = motcua(dir.path(), &["migrate"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(dir.path().join("motcua-data/motcua.sqlite3").exists());
    assert!(String::from_utf8_lossy(&o.stdout).contains("SQLite"));
    let o = motcua(dir.path(), &["verify"]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn verify_names_a_tampered_dossier_and_a_damaged_attachment() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("motcua-data");
    let rt = runtime();
    let store = rt.block_on(write_dossiers(&data, 3, 0));
    let o = motcua(dir.path(), &["--lang", "en", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("3 dossiers"),
        "{}",
        text(&o)
    );

    // Move a due date behind the store's back, and flip a byte of a blob.
    let (victim, attachment) = rt.block_on(async {
        let ids = store
            .dossier_ids(motcua_store::Page::first(10))
            .await
            .unwrap();
        let victim = store.dossier(ids[1]).await.unwrap().unwrap();
        sqlx::query("UPDATE dossiers SET due_at = due_at + 86400000000 WHERE id = $1")
            .bind(victim.id.to_string())
            .execute(store.pool())
            .await
            .unwrap();
        let attachment = store.attachments(ids[2]).await.unwrap().remove(0);
        store.close().await;
        (victim, attachment)
    });
    let key = &attachment.blob_key;
    let blob = data
        .join("blobs")
        .join(&key[0..2])
        .join(&key[2..4])
        .join(key);
    let mut bytes = std::fs::read(&blob).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&blob, bytes).unwrap();

    let o = motcua(dir.path(), &["--lang", "en", "verify"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains(victim.code.as_str()), "{out}");
    assert!(out.contains("state columns"), "{out}");
    assert!(out.contains(key.as_str()), "{out}");
    assert!(out.contains("NOT intact"), "{out}");
}

#[test]
fn a_backup_taken_while_writes_run_restores_to_verified_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("motcua-data");
    let rt = runtime();
    rt.block_on(write_dossiers(&data, 5, 0));
    // Keep writing (another "node") while the backup runs, and a little
    // after it, so the backup is taken in the middle of the writes.
    let running = Arc::new(AtomicBool::new(true));
    let writer = {
        let running = running.clone();
        let data = data.clone();
        std::thread::spawn(move || {
            runtime().block_on(async {
                let mut round = 1;
                let mut after_stop = 0;
                while after_stop < 2 {
                    if !running.load(Ordering::SeqCst) {
                        after_stop += 1;
                    }
                    let store = write_dossiers(&data, 2, 1000 * round).await;
                    store.close().await;
                    round += 1;
                }
            })
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(300));
    let o = motcua(
        dir.path(),
        &["--lang", "en", "backup", "--to", "backup.tar"],
    );
    running.store(false, Ordering::SeqCst);
    writer.join().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("Backed up to backup.tar"),
        "{}",
        text(&o)
    );

    let o = motcua(
        dir.path(),
        &[
            "--lang",
            "en",
            "restore",
            "--from",
            "backup.tar",
            "--data",
            "restored",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let count = |data: &str| {
        let o = motcua(dir.path(), &["--lang", "en", "verify", "--data", data]);
        assert!(o.status.success(), "{}", text(&o));
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        let n = out
            .split("Intact: ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .unwrap();
        n.parse::<u64>().unwrap()
    };
    let restored = count("restored");
    let total = count("motcua-data");
    assert!(
        restored > 5 && restored < total,
        "the backup caught the writes mid-way: 5 < {restored} < {total}"
    );
    // Never over an existing database, never a half-written file.
    let o = motcua(
        dir.path(),
        &["restore", "--from", "backup.tar", "--data", "restored"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).lines().count(),
        1,
        "{}",
        text(&o)
    );
    let o = motcua(dir.path(), &["backup", "--to", "backup.tar"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let leftovers: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".motcua-")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn restore_refuses_what_is_not_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    // A tar that tries to write outside the target.
    let evil = dir.path().join("evil.tar");
    {
        let mut tar = tar::Builder::new(std::fs::File::create(&evil).unwrap());
        let mut header = tar::Header::new_gnu();
        let body = b"x";
        header.set_size(body.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, "blobs/../../escape.txt", &body[..])
            .ok();
        tar.finish().unwrap();
    }
    let o = motcua(
        dir.path(),
        &[
            "--lang", "en", "restore", "--from", "evil.tar", "--data", "out",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("not a motcua backup"),
        "{}",
        text(&o)
    );
    assert!(!dir.path().join("escape.txt").exists());
    assert!(!dir.path().join("out/motcua.sqlite3").exists());
    std::fs::write(dir.path().join("junk.tar"), b"not a tar at all").unwrap();
    let o = motcua(
        dir.path(),
        &["restore", "--from", "junk.tar", "--data", "out"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
}

#[test]
fn verify_and_backup_never_create_a_database() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["verify", "--data", "typo"][..],
        &["backup", "--to", "b.tar", "--data", "typo"][..],
    ] {
        let mut all = vec!["--lang", "en"];
        all.extend_from_slice(args);
        let o = motcua(dir.path(), &all);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("there is no database"),
            "{}",
            text(&o)
        );
        assert!(!dir.path().join("typo").exists());
        assert!(!dir.path().join("b.tar").exists());
    }
}

#[test]
fn postgres_is_backed_up_with_its_own_tools() {
    let dir = tempfile::tempdir().unwrap();
    let o = motcua(
        dir.path(),
        &[
            "--lang",
            "en",
            "backup",
            "--to",
            "b.tar",
            "--database-url",
            "postgres://127.0.0.1:1/x",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("pg_dump"),
        "{}",
        text(&o)
    );
}

#[test]
fn demo_generate_makes_a_record_that_verifies_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "demo",
        "generate",
        "--dossiers",
        "600",
        "--from",
        "01/07/2025",
        "--to",
        "2026-06-30",
    ];
    let o = motcua(dir.path(), &args);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("từ 01/07/2025 đến 30/06/2026"), "{out}");
    assert!(out.contains("Đã ghi 600 hồ sơ"), "{out}");
    // The command closed the database: its write-ahead log is folded in,
    // so the folder can be copied as it is.
    let data = dir.path().join("motcua-data");
    assert!(data.join("motcua.sqlite3").exists());
    assert!(!data.join("motcua.sqlite3-wal").exists());
    let o = motcua(dir.path(), &["verify"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("600"), "{}", text(&o));
    // The same command again resumes: nothing is written twice.
    let o = motcua(dir.path(), &args);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("Đã ghi 0 hồ sơ"),
        "{}",
        text(&o)
    );
    // A plan that cannot be made says why, in the user's words.
    let o = motcua(
        dir.path(),
        &[
            "--lang",
            "en",
            "demo",
            "generate",
            "--dossiers",
            "5",
            "--from",
            "2024-01-01",
        ],
    );
    assert!(!o.status.success());
    assert!(
        text(&o).contains("No procedure of the catalog is in force on"),
        "{}",
        text(&o)
    );
    // With no period: up to today, from the day the demo catalog came into
    // force (later than 24 months ago).
    let o = motcua(dir.path(), &["demo", "generate", "--dossiers", "50"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("từ 01/07/2025 đến"),
        "{}",
        text(&o)
    );
    let o = motcua(
        dir.path(),
        &["demo", "generate", "--dossiers", "5", "--to", "31/02/2026"],
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("--to"), "{}", text(&o));
}
