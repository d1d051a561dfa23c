//! `motcua backup --to FILE` and `motcua restore --from FILE` for the
//! embedded default.
//!
//! A backup is a tar file: `MANIFEST.json`, `motcua.sqlite3` (a consistent
//! snapshot taken with `VACUUM INTO` while the server keeps serving) and
//! `blobs/ab/cd/<sha256>` for every attachment file. The snapshot is taken
//! first: attachments are written to disk before the database records them,
//! so every attachment the snapshot refers to is already in the folder when
//! the folder is copied. The file is written under a temporary name and
//! renamed when complete. PostgreSQL is backed up with its own tools
//! (`pg_dump`, `pg_basebackup`; see the README).
//!
//! A restore unpacks into a temporary folder beside the target, verifies
//! every chain, replay and attachment there, and only then moves the data
//! into the (empty) target folder.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use motcua_blobs::{BlobLocation, LocalBlobStore, STAGING_DIR};
use motcua_i18n::{Arg, Lang};
use motcua_store_sqlite::{DATABASE_FILE, SqliteStore};
use serde::{Deserialize, Serialize};

use crate::blob_check;
use crate::error::CliError;
use crate::output;
use crate::storage::{
    DataArgs, DatabaseLocation, closing, embedded_file, open_existing_store, store_error,
};

const MANIFEST: &str = "MANIFEST.json";
const FORMAT: &str = "motcua-backup";
const VERSION: u32 = 1;

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The backup file to write (it must not exist).
    #[arg(long)]
    pub to: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file to read.
    #[arg(long)]
    pub from: PathBuf,
    /// The folder to restore into (it must not hold a database yet).
    #[arg(long, default_value = "motcua-data")]
    pub data: PathBuf,
}

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: String,
    version: u32,
    motcua: String,
    created_at: chrono::DateTime<chrono::Utc>,
    blobs: u64,
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn bar(len: u64) -> ProgressBar {
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}") {
        bar.set_style(style);
    }
    bar
}

/// Every attachment file under a local blob folder (not the staging area),
/// with its path relative to the folder.
fn blob_files(root: &Path) -> Result<Vec<(PathBuf, PathBuf)>, CliError> {
    let mut files = Vec::new();
    if !root.exists() {
        return Ok(files);
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| CliError::file(&dir, e))? {
            let entry = entry.map_err(|e| CliError::file(&dir, e))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(|e| CliError::file(&path, e))?;
            if kind.is_dir() {
                if dir == root && entry.file_name() == STAGING_DIR {
                    continue;
                }
                stack.push(path);
            } else if kind.is_file() {
                let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                files.push((path, relative));
            }
        }
    }
    files.sort();
    Ok(files)
}

fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS.get(unit).copied().unwrap_or("B"))
}

pub fn backup(args: BackupArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let location = args.data.database(lang)?;
    if matches!(location, DatabaseLocation::Postgres(_)) {
        return Err(CliError::Message(lang.tr("backup-embedded-only")));
    }
    if args.to.exists() {
        return Err(CliError::Message(lang.tr_args(
            "backup-exists",
            &[("path", args.to.display().to_string().into())],
        )));
    }
    let blobs = args.data.blobs_location(lang)?;
    let folder = folder_of(&args.to);
    let scratch = tempfile::Builder::new()
        .prefix(".motcua-backup-")
        .tempdir_in(&folder)
        .map_err(|e| CliError::file(&folder, e))?;
    let snapshot = scratch.path().join(DATABASE_FILE);
    runtime()?.block_on(async {
        let store = open_existing_store(&location, lang).await?;
        closing(store.as_ref(), store.backup_database(&snapshot))
            .await
            .map_err(|e| store_error(e, lang))
    })?;

    let files = match &blobs {
        BlobLocation::Local(root) => blob_files(root)?,
        BlobLocation::S3(_) => {
            eprintln!("motcua: {}", lang.tr("backup-s3-skipped"));
            Vec::new()
        }
    };
    let manifest = Manifest {
        format: FORMAT.into(),
        version: VERSION,
        motcua: env!("CARGO_PKG_VERSION").into(),
        created_at: chrono::Utc::now(),
        blobs: files.len() as u64,
    };
    let part = tempfile::Builder::new()
        .prefix(".motcua-backup-")
        .suffix(".part")
        .tempfile_in(&folder)
        .map_err(|e| CliError::file(&folder, e))?;
    let file = part.reopen().map_err(|e| CliError::file(part.path(), e))?;
    let write_err = |e: std::io::Error| CliError::file(&args.to, e);
    let mut tar = tar::Builder::new(BufWriter::new(file));
    let manifest_bytes =
        serde_json::to_vec_pretty(&manifest).map_err(|e| CliError::Message(e.to_string()))?;
    let mut header = tar::Header::new_gnu();
    header.set_size(manifest_bytes.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(manifest.created_at.timestamp().max(0) as u64);
    header.set_cksum();
    tar.append_data(&mut header, MANIFEST, manifest_bytes.as_slice())
        .map_err(write_err)?;
    tar.append_path_with_name(&snapshot, DATABASE_FILE)
        .map_err(write_err)?;
    let progress = bar(files.len() as u64);
    for (path, relative) in &files {
        tar.append_path_with_name(path, Path::new("blobs").join(relative))
            .map_err(write_err)?;
        progress.inc(1);
    }
    progress.finish_and_clear();
    let mut writer = tar.into_inner().map_err(write_err)?;
    writer.flush().map_err(write_err)?;
    let file = writer.into_inner().map_err(|e| write_err(e.into_error()))?;
    file.sync_all().map_err(write_err)?;
    let size = file.metadata().map_err(write_err)?.len();
    part.persist_noclobber(&args.to)
        .map_err(|e| CliError::file(&args.to, e.error))?;
    // The rename is durable once the folder is.
    sync_dir(&folder)?;
    output::line(lang.tr_args(
        "backup-done",
        &[
            ("path", args.to.display().to_string().into()),
            ("blobs", Arg::from(files.len())),
            ("size", human_size(size).into()),
        ],
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn sync_file(path: &Path) -> Result<(), CliError> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| CliError::file(path, e))
}

fn sync_dir(path: &Path) -> Result<(), CliError> {
    File::open(path)
        .and_then(|d| d.sync_all())
        .map_err(|e| CliError::file(path, e))
}

/// Only what a backup contains may be unpacked: the manifest, the database
/// and attachment files under `blobs/`, with plain relative names.
fn allowed_entry(path: &Path) -> bool {
    let plain = path.components().all(|c| matches!(c, Component::Normal(_)));
    let first = path.components().next();
    plain
        && (path == Path::new(MANIFEST)
            || path == Path::new(DATABASE_FILE)
            || first == Some(Component::Normal("blobs".as_ref())))
}

pub fn restore(args: RestoreArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let target_db = embedded_file(&args.data);
    let journal = |suffix: &str| PathBuf::from(format!("{}{suffix}", target_db.display()));
    // A leftover journal would be replayed onto the restored file.
    if target_db.exists() || journal("-wal").exists() || journal("-shm").exists() {
        return Err(CliError::Message(lang.tr_args(
            "restore-target-exists",
            &[("path", args.data.display().to_string().into())],
        )));
    }
    let not_a_backup = |reason: String| {
        CliError::Message(lang.tr_args(
            "restore-not-a-backup",
            &[
                ("path", args.from.display().to_string().into()),
                ("reason", reason.into()),
            ],
        ))
    };
    let file = File::open(&args.from).map_err(|e| CliError::file(&args.from, e))?;
    let parent = folder_of(&args.data);
    std::fs::create_dir_all(&parent).map_err(|e| CliError::file(&parent, e))?;
    let scratch = tempfile::Builder::new()
        .prefix(".motcua-restore-")
        .tempdir_in(&parent)
        .map_err(|e| CliError::file(&parent, e))?;
    let mut archive = tar::Archive::new(BufReader::new(file));
    let mut manifest: Option<Manifest> = None;
    let entries = archive.entries().map_err(|e| not_a_backup(e.to_string()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| not_a_backup(e.to_string()))?;
        let path = entry
            .path()
            .map_err(|e| not_a_backup(e.to_string()))?
            .into_owned();
        if !entry.header().entry_type().is_file() || !allowed_entry(&path) {
            return Err(not_a_backup(format!("unexpected entry {}", path.display())));
        }
        if path == Path::new(MANIFEST) {
            let m: Manifest =
                serde_json::from_reader(&mut entry).map_err(|e| not_a_backup(e.to_string()))?;
            if m.format != FORMAT || m.version != VERSION {
                return Err(not_a_backup(format!(
                    "format {} version {}",
                    m.format, m.version
                )));
            }
            manifest = Some(m);
            continue;
        }
        let dest = scratch.path().join(&path);
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir).map_err(|e| CliError::file(dir, e))?;
        }
        entry.unpack(&dest).map_err(|e| CliError::file(&dest, e))?;
    }
    if manifest.is_none() {
        return Err(not_a_backup("no manifest".into()));
    }
    let unpacked_db = scratch.path().join(DATABASE_FILE);
    if !unpacked_db.exists() {
        return Err(not_a_backup("no database".into()));
    }
    let unpacked_blobs = scratch.path().join("blobs");
    std::fs::create_dir_all(&unpacked_blobs).map_err(|e| CliError::file(&unpacked_blobs, e))?;

    // Verify before anything is moved into place.
    let (report, blob_report) = runtime()?.block_on(async {
        let store = std::sync::Arc::new(
            SqliteStore::open(&unpacked_db)
                .await
                .map_err(|e| store_error(e, lang))?,
        );
        let report = motcua_store::verify::verify(store.clone(), |_| {})
            .await
            .map_err(|e| store_error(e, lang))?;
        let blobs = LocalBlobStore::open(unpacked_blobs.clone())
            .map_err(|e| crate::storage::blob_error(&e, lang))?;
        let blob_report = blob_check::check_all(store.as_ref(), &blobs, lang).await?;
        store.close().await;
        Ok::<_, CliError>((report, blob_report))
    })?;
    if !report.is_ok() || !blob_report.is_ok() {
        let broken = report.broken.len() + report.broken_audit.len() + blob_report.broken.len();
        return Err(CliError::Message(lang.tr_args(
            "restore-verify-failed",
            &[("broken", Arg::from(broken))],
        )));
    }

    std::fs::create_dir_all(&args.data).map_err(|e| CliError::file(&args.data, e))?;
    let mut folders = std::collections::BTreeSet::new();
    for (path, relative) in blob_files(&unpacked_blobs)? {
        let dest = args.data.join("blobs").join(&relative);
        if dest.exists() {
            continue; // Same name, same content: blobs are content-addressed.
        }
        let dir = folder_of(&dest);
        std::fs::create_dir_all(&dir).map_err(|e| CliError::file(&dir, e))?;
        sync_file(&path)?;
        std::fs::rename(&path, &dest).map_err(|e| CliError::file(&dest, e))?;
        folders.insert(dir);
    }
    folders.insert(args.data.join("blobs"));
    for dir in &folders {
        sync_dir(dir)?;
    }
    // The database last: until it is in place, the folder holds no data set.
    // Closing the verifying store checkpointed its WAL; a journal left over
    // goes along so nothing committed is lost.
    sync_file(&unpacked_db)?;
    for suffix in ["-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{suffix}", unpacked_db.display()));
        if from.exists() {
            let to = journal(suffix);
            std::fs::rename(&from, &to).map_err(|e| CliError::file(&to, e))?;
        }
    }
    // A hard link fails if a database appeared meanwhile: never overwrite.
    std::fs::hard_link(&unpacked_db, &target_db).map_err(|e| CliError::file(&target_db, e))?;
    std::fs::remove_file(&unpacked_db).map_err(|e| CliError::file(&unpacked_db, e))?;
    sync_dir(&args.data)?;
    output::line(lang.tr_args(
        "restore-done",
        &[
            ("path", args.data.display().to_string().into()),
            ("dossiers", Arg::from(report.dossiers)),
            ("blobs", Arg::from(blob_report.checked)),
        ],
    ))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_backup_entries_may_be_unpacked() {
        assert!(allowed_entry(Path::new("MANIFEST.json")));
        assert!(allowed_entry(Path::new("motcua.sqlite3")));
        assert!(allowed_entry(Path::new("blobs/ab/cd/abcd")));
        assert!(!allowed_entry(Path::new("../etc/passwd")));
        assert!(!allowed_entry(Path::new("/etc/passwd")));
        assert!(!allowed_entry(Path::new("blobs/../../x")));
        assert!(!allowed_entry(Path::new("other.txt")));
    }

    #[test]
    fn sizes_read_like_a_human_writes_them() {
        assert_eq!(human_size(512), "512.0 B");
        assert_eq!(human_size(3 * 1024 * 1024), "3.0 MiB");
    }
}
