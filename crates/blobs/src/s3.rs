//! The S3-compatible store, through `object_store` (Garage, MinIO, Ceph RGW,
//! a cloud bucket). Objects are laid out as on disk, `PREFIX/ab/cd/abcd…`.
//!
//! Uploads are staged and hashed on local disk first (a key is known before
//! anything is sent); a commit sends the staged file (in parts when large),
//! hashing it again on the way out, and returns once the service has
//! acknowledged the whole object. TLS is rustls with ring as its only crypto
//! provider.

use std::fmt;
use std::io;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::{Bytes, BytesMut};
use futures::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::{
    BackoffConfig, ClientOptions, ObjectStoreExt, PutPayload, RetryConfig, WriteMultipart,
};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::staging::{StagedParts, remove_stale};
use crate::{BlobError, BlobInfo, BlobKey, BlobReader, BlobStore, StagedBlob, Staging};

/// Blobs up to this size are sent in one request; larger ones in parts of
/// this size (S3 wants parts of at least 5 MiB, except the last).
const PART_SIZE: usize = 8 * 1024 * 1024;
/// Parts in flight at once for one blob.
const PART_CONCURRENCY: usize = 4;
/// How much of a staged file is read at a time while sending it.
const READ_CHUNK: usize = 1024 * 1024;

/// Where and how to reach an S3-compatible bucket.
#[derive(Clone)]
pub struct S3Config {
    /// The service's base URL (`http://127.0.0.1:3900`); `None` for Amazon S3.
    pub endpoint: Option<String>,
    pub region: String,
    pub bucket: String,
    /// Objects are stored under `PREFIX/ab/cd/…`; empty for the bucket's root.
    pub prefix: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Allow plain HTTP (loopback, or a network the operator vouches for).
    pub allow_http: bool,
    /// Where uploads are staged (a local folder; created if missing).
    pub staging_dir: PathBuf,
}

impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("access_key_id", &"[redacted]")
            .field("secret_access_key", &"[redacted]")
            .field("allow_http", &self.allow_http)
            .field("staging_dir", &self.staging_dir)
            .finish()
    }
}

/// Blobs in an S3-compatible bucket.
#[derive(Clone)]
pub struct S3BlobStore {
    store: Arc<AmazonS3>,
    prefix: Option<Path>,
    staging: PathBuf,
    redact: Redactor,
    shown: String,
}

impl S3BlobStore {
    /// Builds the client (no request is made; see [`BlobStore::check`]).
    pub fn new(config: S3Config) -> Result<Self, BlobError> {
        install_ring_provider();
        let prefix = config.prefix.trim_matches('/');
        let prefix = if prefix.is_empty() {
            None
        } else {
            Some(Path::parse(prefix).map_err(|_| {
                BlobError::config(format!(
                    "the object prefix {prefix:?} is not a clean path (no empty, `.` or `..` parts)"
                ))
            })?)
        };
        if config.access_key_id.is_empty() || config.secret_access_key.is_empty() {
            return Err(BlobError::config(
                "the S3 access key id and secret are empty",
            ));
        }
        std::fs::create_dir_all(&config.staging_dir).map_err(|e| {
            BlobError::io(
                format!(
                    "creating the staging folder {}",
                    config.staging_dir.display()
                ),
                e,
            )
        })?;
        let redact = Redactor {
            secrets: Arc::new(vec![
                config.access_key_id.clone(),
                config.secret_access_key.clone(),
            ]),
        };
        let options = ClientOptions::new()
            .with_allow_http(config.allow_http)
            .with_connect_timeout(Duration::from_secs(5))
            .with_read_timeout(Duration::from_secs(60))
            // A download streamed to a slow client may take long; stalls
            // are caught by the read timeout instead.
            .with_timeout_disabled();
        let retry = RetryConfig {
            backoff: BackoffConfig::default(),
            max_retries: 3,
            retry_timeout: Duration::from_secs(60),
        };
        let mut builder = AmazonS3Builder::new()
            .with_region(&config.region)
            .with_bucket_name(&config.bucket)
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(&config.secret_access_key)
            .with_virtual_hosted_style_request(false)
            .with_client_options(options)
            .with_retry(retry);
        if let Some(endpoint) = &config.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        let store = builder
            .build()
            .map_err(|e| BlobError::config(redact.error(&e)))?;
        let shown = format!(
            "s3 bucket {:?} under {:?} at {}",
            config.bucket,
            prefix.as_ref().map(Path::as_ref).unwrap_or(""),
            config.endpoint.as_deref().unwrap_or("Amazon S3"),
        );
        Ok(S3BlobStore {
            store: Arc::new(store),
            prefix,
            staging: config.staging_dir,
            redact,
            shown,
        })
    }

    /// Where uploads are staged before they are sent.
    pub fn staging_dir(&self) -> &FsPath {
        &self.staging
    }

    /// The object that holds (or would hold) the blob `key`.
    pub fn location_of(&self, key: &BlobKey) -> Path {
        let relative = key.relative_path();
        match &self.prefix {
            Some(prefix) => Path::from(format!("{prefix}/{relative}")),
            None => Path::from(relative),
        }
    }

    fn failure(&self, key: &BlobKey, e: object_store::Error) -> BlobError {
        match e {
            object_store::Error::NotFound { .. } => BlobError::NotFound { key: *key },
            other => BlobError::Unavailable {
                reason: self.redact.error(&other),
            },
        }
    }

    /// Sends a staged file whose size is at most one part, in one request.
    async fn send_whole(
        &self,
        location: &Path,
        key: BlobKey,
        file: &mut tokio::fs::File,
        size: u64,
    ) -> Result<(), BlobError> {
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        file.read_to_end(&mut bytes)
            .await
            .map_err(|e| BlobError::io("reading the staged blob", e))?;
        let actual = BlobKey::of(&bytes);
        if actual != key {
            return Err(BlobError::Corrupt { key, actual });
        }
        self.store
            .put(location, PutPayload::from(bytes))
            .await
            .map_err(|e| self.failure(&key, e))?;
        Ok(())
    }

    /// Sends a large staged file in parts; the upload is aborted (and
    /// nothing is stored) if the file does not hash to its key at the end.
    async fn send_in_parts(
        &self,
        location: &Path,
        key: BlobKey,
        file: &mut tokio::fs::File,
    ) -> Result<(), BlobError> {
        let upload = self
            .store
            .put_multipart(location)
            .await
            .map_err(|e| self.failure(&key, e))?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
        let mut hasher = Sha256::new();
        let outcome: Result<(), BlobError> = async {
            loop {
                let chunk = read_chunk(file, READ_CHUNK)
                    .await
                    .map_err(|e| BlobError::io("reading the staged blob", e))?;
                if chunk.is_empty() {
                    break;
                }
                hasher.update(&chunk);
                writer
                    .wait_for_capacity(PART_CONCURRENCY)
                    .await
                    .map_err(|e| self.failure(&key, e))?;
                writer.put(chunk);
            }
            let actual = BlobKey::from_digest(hasher.finalize().into());
            if actual == key {
                Ok(())
            } else {
                Err(BlobError::Corrupt { key, actual })
            }
        }
        .await;
        match outcome {
            Ok(()) => {
                writer.finish().await.map_err(|e| self.failure(&key, e))?;
                Ok(())
            }
            Err(e) => {
                // Best effort: the parts sent are discarded by the service.
                let _ = writer.abort().await;
                Err(e)
            }
        }
    }
}

impl fmt::Debug for S3BlobStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3BlobStore")
            .field("store", &self.shown)
            .field("staging", &self.staging)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl BlobStore for S3BlobStore {
    async fn begin(&self) -> Result<Staging, BlobError> {
        Staging::create_in(&self.staging).await
    }

    async fn commit(&self, staged: StagedBlob) -> Result<BlobInfo, BlobError> {
        let StagedParts {
            key,
            size,
            file,
            path,
            dir: _,
        } = staged.into_parts();
        let info = BlobInfo { key, size };
        let location = self.location_of(&key);
        match self.store.head(&location).await {
            // Same key, same bytes: already stored.
            Ok(meta) if meta.size == size => return Ok(info),
            Ok(_) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(self.failure(&key, e)),
        }
        let mut file = tokio::fs::File::from_std(file);
        file.seek(io::SeekFrom::Start(0))
            .await
            .map_err(|e| BlobError::io(format!("reading {}", path.display()), e))?;
        if size <= PART_SIZE as u64 {
            self.send_whole(&location, key, &mut file, size).await?;
        } else {
            self.send_in_parts(&location, key, &mut file).await?;
        }
        // `path` is dropped here: the staged copy is removed.
        Ok(info)
    }

    async fn open(&self, key: &BlobKey) -> Result<BlobReader, BlobError> {
        let result = self
            .store
            .get(&self.location_of(key))
            .await
            .map_err(|e| self.failure(key, e))?;
        let size = result.meta.size;
        let redact = self.redact.clone();
        let stream = result.into_stream().map_err(move |e| {
            let kind = match e {
                object_store::Error::NotFound { .. } => io::ErrorKind::NotFound,
                _ => io::ErrorKind::Other,
            };
            io::Error::new(kind, redact.error(&e))
        });
        let reader = tokio_util::io::StreamReader::new(stream);
        Ok(BlobReader::new(size, Box::pin(reader)))
    }

    async fn exists(&self, key: &BlobKey) -> Result<bool, BlobError> {
        match self.store.head(&self.location_of(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(self.failure(key, e)),
        }
    }

    async fn size(&self, key: &BlobKey) -> Result<u64, BlobError> {
        let meta = self
            .store
            .head(&self.location_of(key))
            .await
            .map_err(|e| self.failure(key, e))?;
        Ok(meta.size)
    }

    async fn verify(&self, key: &BlobKey) -> Result<BlobInfo, BlobError> {
        let result = self
            .store
            .get(&self.location_of(key))
            .await
            .map_err(|e| self.failure(key, e))?;
        let mut stream = result.into_stream();
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| self.failure(key, e))?;
            hasher.update(&chunk);
            size += chunk.len() as u64;
        }
        let actual = BlobKey::from_digest(hasher.finalize().into());
        if actual == *key {
            Ok(BlobInfo { key: *key, size })
        } else {
            Err(BlobError::Corrupt { key: *key, actual })
        }
    }

    async fn cleanup_staging(&self, older_than: Duration) -> Result<usize, BlobError> {
        remove_stale(&self.staging, older_than).await
    }

    async fn check(&self) -> Result<(), BlobError> {
        // Any answer but "not found" to a HEAD of some key means the bucket
        // or the credentials are wrong, or the service is down.
        let probe = BlobKey::of(b"");
        self.exists(&probe).await?;
        let staging = self.begin().await?;
        drop(staging);
        Ok(())
    }
}

/// Reads up to `limit` bytes (fewer only at the end of the file).
async fn read_chunk(file: &mut tokio::fs::File, limit: usize) -> io::Result<Bytes> {
    let mut buffer = BytesMut::zeroed(limit);
    let mut filled = 0;
    while filled < limit {
        let Some(rest) = buffer.get_mut(filled..) else {
            break;
        };
        let n = file.read(rest).await?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    buffer.truncate(filled);
    Ok(buffer.freeze())
}

/// Removes the credentials from the text of an error before it leaves this
/// crate (an S3 error body may quote the access key id).
#[derive(Clone)]
struct Redactor {
    secrets: Arc<Vec<String>>,
}

impl Redactor {
    fn error(&self, e: &dyn std::error::Error) -> String {
        let mut text = e.to_string();
        let mut source = e.source();
        while let Some(inner) = source {
            let more = inner.to_string();
            if !text.contains(&more) {
                text.push_str(": ");
                text.push_str(&more);
            }
            source = inner.source();
        }
        for secret in self.secrets.iter().filter(|s| s.len() >= 4) {
            text = text.replace(secret.as_str(), "[redacted]");
        }
        text
    }
}

/// Makes ring the process's rustls crypto provider, unless one is installed
/// already (the binary installs ring at start; this covers tests and tools).
/// reqwest is built without a provider of its own, so aws-lc never enters
/// the build.
fn install_ring_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race with another thread installing one is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
