//! Writing a message to a folder as a file of its own, atomically: written
//! to a temporary file in the same folder, synced, then renamed into place
//! (never over another), so a reader sees a whole file or none.
//!
//! Names sort by time: `20261127T013005.123456Z-<uuid v7>.eml`.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::Utc;

/// Writes `bytes` as a new file with extension `ext` in `dir` (created if
/// missing); returns its path.
pub(crate) async fn write_new(
    dir: &Path,
    ext: &'static str,
    bytes: Vec<u8>,
) -> std::io::Result<PathBuf> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || write_blocking(&dir, ext, &bytes))
        .await
        .map_err(std::io::Error::other)?
}

fn write_blocking(dir: &Path, ext: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let name = format!(
        "{}-{}.{ext}",
        Utc::now().format("%Y%m%dT%H%M%S%.6fZ"),
        uuid::Uuid::now_v7().simple()
    );
    // Mode 600 (tempfile's default): a message holds personal data.
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .suffix(".part")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    let path = dir.join(name);
    tmp.persist_noclobber(&path).map_err(|e| e.error)?;
    // The rename itself survives a crash once the folder is synced.
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(path)
}
