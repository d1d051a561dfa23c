//! Staging: an upload is written to a temporary file and hashed on the way
//! in, so its key is known (and its bytes are on local disk) before anything
//! is stored under that key.
//!
//! A [`Staging`] becomes a [`StagedBlob`] with [`Staging::finish`]; a store's
//! `commit` then moves it to its content address. Dropping either one removes
//! the temporary file, so an upload that is abandoned (a refused form, a
//! client that went away) leaves nothing behind. A process that dies in the
//! middle leaves the file; `cleanup_staging` removes those.

use std::fmt;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};
use tempfile::TempPath;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::{BlobError, BlobKey};

/// The size of the buffer uploads are copied through.
const COPY_CHUNK: usize = 64 * 1024;

/// An upload being written: a temporary file, hashed as it is written.
///
/// Write with [`Staging::write`], [`Staging::write_from`] or as an
/// [`AsyncWrite`]; then [`Staging::finish`].
pub struct Staging {
    file: tokio::fs::File,
    path: TempPath,
    dir: PathBuf,
    hasher: Sha256,
    size: u64,
}

impl Staging {
    /// Creates an empty staging file in `dir` (which must exist).
    pub(crate) async fn create_in(dir: &Path) -> Result<Self, BlobError> {
        let owned = dir.to_path_buf();
        let temp = blocking(move || {
            tempfile::Builder::new()
                .prefix("upload-")
                .suffix(".part")
                .tempfile_in(&owned)
        })
        .await
        .map_err(|e| BlobError::io(format!("creating a staging file in {}", dir.display()), e))?;
        let (file, path) = temp.into_parts();
        Ok(Staging {
            file: tokio::fs::File::from_std(file),
            path,
            dir: dir.to_path_buf(),
            hasher: Sha256::new(),
            size: 0,
        })
    }

    /// Appends `bytes`.
    pub async fn write(&mut self, bytes: &[u8]) -> Result<(), BlobError> {
        self.file
            .write_all(bytes)
            .await
            .map_err(|e| self.write_error(e))?;
        self.hasher.update(bytes);
        self.size += bytes.len() as u64;
        Ok(())
    }

    /// Appends everything `reader` yields until its end; returns how many
    /// bytes that was.
    pub async fn write_from(
        &mut self,
        reader: &mut (dyn AsyncRead + Unpin + Send),
    ) -> Result<u64, BlobError> {
        let mut buffer = vec![0u8; COPY_CHUNK];
        let mut copied = 0u64;
        loop {
            let n = reader
                .read(&mut buffer)
                .await
                .map_err(|e| BlobError::io("reading the upload", e))?;
            let Some(chunk) = buffer.get(..n) else {
                break;
            };
            if chunk.is_empty() {
                break;
            }
            self.write(chunk).await?;
            copied += n as u64;
        }
        Ok(copied)
    }

    /// How many bytes were written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Ends the upload: every byte is handed to the operating system and the
    /// key is known. Nothing is stored yet (see `BlobStore::commit`).
    pub async fn finish(mut self) -> Result<StagedBlob, BlobError> {
        self.file.flush().await.map_err(|e| self.write_error(e))?;
        let file = self.file.into_std().await;
        Ok(StagedBlob {
            key: BlobKey::from_digest(self.hasher.finalize().into()),
            size: self.size,
            file,
            path: self.path,
            dir: self.dir,
        })
    }

    fn write_error(&self, e: io::Error) -> BlobError {
        BlobError::io(format!("writing {}", self.path.display()), e)
    }
}

impl AsyncWrite for Staging {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.file).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = written {
            // The file took the first `n` bytes: exactly those are hashed.
            let taken = buf.get(..n).unwrap_or(buf);
            this.hasher.update(taken);
            this.size += taken.len() as u64;
        }
        written
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().file).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().file).poll_shutdown(cx)
    }
}

impl fmt::Debug for Staging {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Staging")
            .field("path", &self.path)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

/// A finished upload: its key (the SHA-256 of its bytes) and size are known;
/// it is stored only by `BlobStore::commit`. Dropped uncommitted, it leaves
/// nothing behind.
pub struct StagedBlob {
    key: BlobKey,
    size: u64,
    file: File,
    path: TempPath,
    dir: PathBuf,
}

impl StagedBlob {
    /// The SHA-256 of the bytes: the key the blob will be stored under.
    pub fn key(&self) -> BlobKey {
        self.key
    }

    /// The number of bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    pub(crate) fn into_parts(self) -> StagedParts {
        StagedParts {
            key: self.key,
            size: self.size,
            file: self.file,
            path: self.path,
            dir: self.dir,
        }
    }
}

impl fmt::Debug for StagedBlob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StagedBlob")
            .field("key", &self.key)
            .field("size", &self.size)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// A staged blob taken apart by the store that commits it. `path` still
/// removes the file when dropped, unless it is persisted.
pub(crate) struct StagedParts {
    pub key: BlobKey,
    pub size: u64,
    pub file: File,
    pub path: TempPath,
    pub dir: PathBuf,
}

/// Removes the staging files in `dir` last modified more than `older_than`
/// ago; returns how many. Files still being written are younger than any
/// sensible `older_than` (an hour, a day).
pub(crate) async fn remove_stale(dir: &Path, older_than: Duration) -> Result<usize, BlobError> {
    let owned = dir.to_path_buf();
    blocking(move || {
        let cutoff = SystemTime::now()
            .checked_sub(older_than)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let mut removed = 0;
        for entry in std::fs::read_dir(&owned)? {
            let entry = entry?;
            let name = entry.file_name();
            let ours = name
                .to_str()
                .is_some_and(|n| n.starts_with("upload-") && n.ends_with(".part"));
            if !ours {
                continue;
            }
            let meta = match entry.metadata() {
                Ok(meta) => meta,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            if meta.is_file() && meta.modified()? <= cutoff {
                match std::fs::remove_file(entry.path()) {
                    Ok(()) => removed += 1,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(removed)
    })
    .await
    .map_err(|e| BlobError::io(format!("cleaning the staging folder {}", dir.display()), e))
}

/// Runs blocking file work off the async threads.
pub(crate) async fn blocking<T, F>(work: F) -> io::Result<T>
where
    F: FnOnce() -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| io::Error::other(format!("a blocking file task failed: {e}")))?
}
