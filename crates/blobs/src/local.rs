//! The local-folder store, the embedded default (`DATA/blobs/`).
//!
//! Layout: `ROOT/ab/cd/abcd…` for a blob whose key starts `abcd`, and
//! `ROOT/.staging/upload-*.part` for uploads in progress (inside the root, so
//! the final rename stays on one filesystem and is atomic).
//!
//! A commit is durable before it returns: the staged file is flushed
//! ([`Fsync::sync_file`]), renamed to its content address, and the folders
//! that name it are flushed ([`Fsync::sync_dir`]) — so the database
//! transaction that records the attachment, which comes after, never points
//! at a blob a crash could lose.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sha2::{Digest, Sha256};

use crate::fsync::{Fsync, OsFsync};
use crate::staging::{StagedParts, blocking, remove_stale};
use crate::{BlobError, BlobInfo, BlobKey, BlobReader, BlobStore, StagedBlob, Staging};

/// The folder below the root that holds uploads in progress.
pub const STAGING_DIR: &str = ".staging";

/// Blobs in a local folder.
#[derive(Debug, Clone)]
pub struct LocalBlobStore {
    root: PathBuf,
    staging: PathBuf,
    fsync: Arc<dyn Fsync>,
}

impl LocalBlobStore {
    /// Opens (creating if needed) the blob folder `root`.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, BlobError> {
        Self::with_fsync(root, Arc::new(OsFsync))
    }

    /// As [`LocalBlobStore::open`], flushing through `fsync` — for a test
    /// that watches the flushes ([`OsFsync`] wrapped) — the commit path is
    /// the same.
    pub fn with_fsync(root: impl Into<PathBuf>, fsync: Arc<dyn Fsync>) -> Result<Self, BlobError> {
        let root = root.into();
        let staging = root.join(STAGING_DIR);
        fs::create_dir_all(&staging).map_err(|e| {
            BlobError::io(format!("creating the blob folder {}", staging.display()), e)
        })?;
        Ok(LocalBlobStore {
            root,
            staging,
            fsync,
        })
    }

    /// The blob folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where uploads in progress are written.
    pub fn staging_dir(&self) -> &Path {
        &self.staging
    }

    /// The file that holds (or would hold) the blob `key`.
    pub fn path_of(&self, key: &BlobKey) -> PathBuf {
        self.root.join(key.relative_path())
    }

    /// The blocking half of [`BlobStore::commit`].
    fn commit_blocking(&self, staged: StagedParts) -> Result<BlobInfo, BlobError> {
        let StagedParts {
            key,
            size,
            file,
            path,
            dir,
        } = staged;
        let info = BlobInfo { key, size };
        if dir != self.staging {
            return Err(BlobError::io(
                format!("committing {}", path.display()),
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "the blob was staged by another blob store",
                ),
            ));
        }
        let dest = self.path_of(&key);
        let (Some(fan_out), Some(first)) = (dest.parent(), dest.parent().and_then(Path::parent))
        else {
            return Err(BlobError::io(
                format!("committing {}", dest.display()),
                io::Error::other("a blob path has two folder levels"),
            ));
        };
        let io_err = |what: &str, at: &Path, e: io::Error| {
            BlobError::io(format!("{what} {}", at.display()), e)
        };

        let existing = match fs::metadata(&dest) {
            Ok(meta) => Some(meta),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_err("reading", &dest, e)),
        };
        match existing {
            // Same content, already stored (its own commit flushed it): the
            // staged copy goes when `path` is dropped.
            Some(meta) if meta.is_file() && meta.len() == size => drop(path),
            // Absent, or a wrong size left by hand: store the staged copy.
            _ => {
                self.fsync
                    .sync_file(&file, &path)
                    .map_err(|e| io_err("flushing", &path, e))?;
                drop(file);
                fs::create_dir_all(fan_out).map_err(|e| io_err("creating", fan_out, e))?;
                path.persist(&dest)
                    .map_err(|e| io_err("renaming the staged blob to", &dest, e.error))?;
            }
        }
        // The names leading to the blob: always flushed, also when the blob
        // was already there (a concurrent commit of the same bytes may have
        // renamed it without flushing yet). A folder with nothing new to
        // flush costs little.
        for folder in [fan_out, first, self.root.as_path()] {
            self.fsync
                .sync_dir(folder)
                .map_err(|e| io_err("flushing the folder", folder, e))?;
        }
        Ok(info)
    }
}

#[async_trait]
impl BlobStore for LocalBlobStore {
    async fn begin(&self) -> Result<Staging, BlobError> {
        Staging::create_in(&self.staging).await
    }

    async fn commit(&self, staged: StagedBlob) -> Result<BlobInfo, BlobError> {
        let this = self.clone();
        let parts = staged.into_parts();
        tokio::task::spawn_blocking(move || this.commit_blocking(parts))
            .await
            .map_err(|e| {
                BlobError::io(
                    "committing a blob",
                    io::Error::other(format!("the commit task failed: {e}")),
                )
            })?
    }

    async fn open(&self, key: &BlobKey) -> Result<BlobReader, BlobError> {
        let path = self.path_of(key);
        let file = tokio::fs::File::open(&path)
            .await
            .map_err(|e| not_found_or(e, key, &path))?;
        let size = file
            .metadata()
            .await
            .map_err(|e| BlobError::io(format!("reading {}", path.display()), e))?
            .len();
        Ok(BlobReader::new(size, Box::pin(file)))
    }

    async fn exists(&self, key: &BlobKey) -> Result<bool, BlobError> {
        match self.size(key).await {
            Ok(_) => Ok(true),
            Err(BlobError::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn size(&self, key: &BlobKey) -> Result<u64, BlobError> {
        let path = self.path_of(key);
        let meta = tokio::fs::metadata(&path)
            .await
            .map_err(|e| not_found_or(e, key, &path))?;
        if meta.is_file() {
            Ok(meta.len())
        } else {
            Err(BlobError::NotFound { key: *key })
        }
    }

    async fn verify(&self, key: &BlobKey) -> Result<BlobInfo, BlobError> {
        let path = self.path_of(key);
        let key = *key;
        let hashed = blocking(move || {
            let mut file = fs::File::open(&path)?;
            let mut hasher = Sha256::new();
            let mut buffer = vec![0u8; 256 * 1024];
            let mut size = 0u64;
            loop {
                let n = file.read(&mut buffer)?;
                match buffer.get(..n) {
                    Some(chunk) if !chunk.is_empty() => hasher.update(chunk),
                    _ => break,
                }
                size += n as u64;
            }
            Ok((BlobKey::from_digest(hasher.finalize().into()), size))
        })
        .await;
        let path = self.path_of(&key);
        let (actual, size) = hashed.map_err(|e| not_found_or(e, &key, &path))?;
        if actual == key {
            Ok(BlobInfo { key, size })
        } else {
            Err(BlobError::Corrupt { key, actual })
        }
    }

    async fn cleanup_staging(&self, older_than: Duration) -> Result<usize, BlobError> {
        remove_stale(&self.staging, older_than).await
    }

    async fn check(&self) -> Result<(), BlobError> {
        // Creating and dropping a staging file proves the folder is there
        // and writable.
        let probe = self.begin().await?;
        drop(probe);
        Ok(())
    }
}

fn not_found_or(e: io::Error, key: &BlobKey, path: &Path) -> BlobError {
    if e.kind() == io::ErrorKind::NotFound {
        BlobError::NotFound { key: *key }
    } else {
        BlobError::io(format!("reading {}", path.display()), e)
    }
}
