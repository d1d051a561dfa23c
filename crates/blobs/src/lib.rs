//! `motcua-blobs`: the bytes of attachments, content-addressed by SHA-256.
//!
//! This room stores and returns bytes; it knows nothing of dossiers, users or
//! HTTP, and it never takes a file name or path from user input. A blob's key
//! is the lowercase hexadecimal SHA-256 of its bytes ([`BlobKey`]); the
//! database records that key with the attachment's name and media type.
//!
//! Two stores implement [`BlobStore`] (held as `Arc<dyn BlobStore>`):
//! - [`LocalBlobStore`], the embedded default (`DATA/blobs/`): files laid out
//!   `ab/cd/abcd…`, each commit flushed to disk before it returns;
//! - [`S3BlobStore`], any S3-compatible service (Garage, MinIO, Ceph RGW, a
//!   cloud bucket) through `object_store`, with path-style addressing.
//!
//! # Writing a blob
//!
//! ```no_run
//! # async fn upload(blobs: &dyn motcua_blobs::BlobStore, body: &mut (dyn tokio::io::AsyncRead + Unpin + Send))
//! # -> Result<(), motcua_blobs::BlobError> {
//! let mut staging = blobs.begin().await?;     // a temporary file, hashed as written
//! staging.write_from(body).await?;            // or `write(&[u8])`, or as an AsyncWrite
//! let staged = staging.finish().await?;       // the key and size are known; nothing stored yet
//! // … check the size and media type; dropping `staged` here discards the upload …
//! let info = blobs.commit(staged).await?;     // stored and durable under `info.key`
//! // only now: the database transaction that records `info.key` and `info.size`
//! # Ok(()) }
//! ```
//!
//! # Choosing a store by URL (`--blobs URL`)
//!
//! [`open_url`] reads:
//! - `file:/srv/motcua/blobs`, `file:///srv/motcua/blobs` or a plain path
//!   (`./motcua-data/blobs`) → [`LocalBlobStore`];
//! - `s3://BUCKET/PREFIX?endpoint=http://127.0.0.1:3900&region=garage` →
//!   [`S3BlobStore`] storing under `PREFIX/ab/cd/abcd…` in `BUCKET` (the
//!   prefix may be empty: `s3://BUCKET`). Query parameters:
//!   - `endpoint`: the service's base URL; absent, Amazon S3 itself;
//!   - `region`: default `us-east-1` (Garage's default is `garage`);
//!   - `allow_http=true`: plain HTTP to a host that is not loopback (plain
//!     HTTP to `127.0.0.1`, `::1` or `localhost` is always allowed; anywhere
//!     else TLS is the default, through rustls with the ring provider);
//!   - `staging=/path`: where uploads are staged before they are sent
//!     (default: a `motcua-blob-staging` folder in the system's temporary
//!     folder).
//!
//!   The credentials come from the environment, never from the URL:
//!   `MOTCUA_S3_ACCESS_KEY_ID` and `MOTCUA_S3_SECRET_ACCESS_KEY`. A URL that
//!   carries user-info (`s3://KEY:SECRET@bucket`) or a credential-like query
//!   parameter is refused, so a secret never sits in a process list, a shell
//!   history or a log line. Unknown parameters are refused too (a typo would
//!   otherwise be ignored silently).
#![forbid(unsafe_code)]

mod error;
pub mod fsync;
mod key;
mod local;
mod location;
mod s3;
mod staging;

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use async_trait::async_trait;
use tokio::io::{AsyncRead, ReadBuf};

pub use error::BlobError;
pub use key::BlobKey;
pub use local::{LocalBlobStore, STAGING_DIR};
pub use location::{
    ACCESS_KEY_ID_VAR, BlobLocation, SECRET_ACCESS_KEY_VAR, open_url, open_url_with,
};
pub use s3::{S3BlobStore, S3Config};
pub use staging::{StagedBlob, Staging};

/// A stored blob: its key and its size in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobInfo {
    pub key: BlobKey,
    pub size: u64,
}

/// Where attachment bytes are kept, content-addressed by SHA-256.
///
/// A blob is written in two steps, [`begin`](BlobStore::begin) (stage and
/// hash) then [`commit`](BlobStore::commit) (store under its key), so the
/// caller can refuse an upload after seeing its size and key, and so the
/// bytes are stored durably before the database records them. Blobs are
/// immutable; the same bytes committed twice are stored once.
#[async_trait]
pub trait BlobStore: Send + Sync + fmt::Debug {
    /// Starts an upload: an empty staging file, hashed as it is written.
    async fn begin(&self) -> Result<Staging, BlobError>;

    /// Stores a finished upload under its key, durably, before returning.
    /// If a blob with that key exists already, the staged copy is dropped
    /// (same key, same bytes).
    async fn commit(&self, staged: StagedBlob) -> Result<BlobInfo, BlobError>;

    /// Reads the blob `key` ([`BlobError::NotFound`] if there is none). The
    /// bytes are not re-hashed while read; [`verify`](BlobStore::verify) does
    /// that.
    async fn open(&self, key: &BlobKey) -> Result<BlobReader, BlobError>;

    /// Whether a blob `key` is stored.
    async fn exists(&self, key: &BlobKey) -> Result<bool, BlobError>;

    /// The size of the blob `key` in bytes.
    async fn size(&self, key: &BlobKey) -> Result<u64, BlobError>;

    /// Reads the whole blob back and checks that it hashes to its key:
    /// [`BlobError::Corrupt`] if not, [`BlobError::NotFound`] if it is gone.
    async fn verify(&self, key: &BlobKey) -> Result<BlobInfo, BlobError>;

    /// Removes staging files left by a process that stopped in the middle
    /// of an upload, if last written more than `older_than` ago (uploads in
    /// progress are younger: pass an hour or a day). Returns how many.
    async fn cleanup_staging(&self, older_than: Duration) -> Result<usize, BlobError>;

    /// Checks at start-up that the store can be used (the folder is writable;
    /// the bucket answers to these credentials).
    async fn check(&self) -> Result<(), BlobError>;

    /// Stages everything `reader` yields (to its end); commit the result.
    async fn stage(
        &self,
        reader: &mut (dyn AsyncRead + Unpin + Send),
    ) -> Result<StagedBlob, BlobError> {
        let mut staging = self.begin().await?;
        staging.write_from(reader).await?;
        staging.finish().await
    }

    /// Stages and commits `bytes` (small blobs, demonstration data, tests).
    async fn put(&self, bytes: &[u8]) -> Result<BlobInfo, BlobError> {
        let mut staging = self.begin().await?;
        staging.write(bytes).await?;
        let staged = staging.finish().await?;
        self.commit(staged).await
    }
}

/// The bytes of a blob, read as they arrive (an [`AsyncRead`]).
pub struct BlobReader {
    size: u64,
    inner: Pin<Box<dyn AsyncRead + Send>>,
}

impl BlobReader {
    pub(crate) fn new(size: u64, inner: Pin<Box<dyn AsyncRead + Send>>) -> Self {
        BlobReader { size, inner }
    }

    /// The blob's size in bytes (for a `Content-Length`).
    pub fn size(&self) -> u64 {
        self.size
    }
}

impl AsyncRead for BlobReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.inner.as_mut().poll_read(cx, buf)
    }
}

impl fmt::Debug for BlobReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlobReader")
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}
