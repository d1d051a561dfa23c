//! What every blob store does, run on the local folder and on S3. Each check
//! takes a [`Harness`]: the store plus the two things a test does behind its
//! back (corrupt a stored blob, count the stored objects).

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use motcua_blobs::{BlobError, BlobKey, BlobStore};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A store under test and its back door.
#[async_trait]
pub trait Harness: Send + Sync {
    fn store(&self) -> Arc<dyn BlobStore>;
    /// Where this store stages uploads.
    fn staging_dir(&self) -> PathBuf;
    /// Replaces the stored bytes of `key` with `bytes`, bypassing the store.
    async fn overwrite(&self, key: &BlobKey, bytes: Vec<u8>);
    /// How many blobs are stored (every object or file, whatever its name).
    async fn count(&self) -> usize;
}

/// Bytes that differ from test to test and are not all one value.
pub fn sample(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[1] ^ seed)
        .collect()
}

async fn read_all(store: &dyn BlobStore, key: &BlobKey) -> Vec<u8> {
    let mut reader = store.open(key).await.unwrap();
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).await.unwrap();
    assert_eq!(reader.size(), bytes.len() as u64);
    bytes
}

fn staged_files(h: &dyn Harness) -> Vec<PathBuf> {
    std::fs::read_dir(h.staging_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

/// Written in pieces, committed, read back, verified.
pub async fn round_trip(h: &dyn Harness) {
    let store = h.store();
    let bytes = sample(300_001, 1);
    let mut staging = store.begin().await.unwrap();
    for piece in bytes.chunks(7_000) {
        staging.write(piece).await.unwrap();
    }
    assert_eq!(staging.size(), bytes.len() as u64);
    let staged = staging.finish().await.unwrap();
    assert_eq!(staged.key(), BlobKey::of(&bytes));
    assert_eq!(staged.size(), bytes.len() as u64);
    // Not stored before the commit.
    assert!(!store.exists(&staged.key()).await.unwrap());

    let info = store.commit(staged).await.unwrap();
    assert_eq!(info.key, BlobKey::of(&bytes));
    assert_eq!(info.size, bytes.len() as u64);
    assert!(store.exists(&info.key).await.unwrap());
    assert_eq!(store.size(&info.key).await.unwrap(), bytes.len() as u64);
    assert_eq!(read_all(&*store, &info.key).await, bytes);
    assert_eq!(store.verify(&info.key).await.unwrap(), info);
    // The staged file went with the commit.
    assert!(staged_files(h).is_empty(), "{:?}", staged_files(h));
}

/// Through `AsyncWrite` and through `stage` (an `AsyncRead`), and an empty
/// blob.
pub async fn writer_reader_and_empty(h: &dyn Harness) {
    let store = h.store();
    let bytes = sample(100_000, 2);

    let mut staging = store.begin().await.unwrap();
    staging.write_all(&bytes).await.unwrap();
    let via_writer = staging.finish().await.unwrap();
    assert_eq!(via_writer.key(), BlobKey::of(&bytes));
    drop(via_writer);

    let mut source = Cursor::new(bytes.clone());
    let staged = store.stage(&mut source).await.unwrap();
    assert_eq!(staged.key(), BlobKey::of(&bytes));
    let info = store.commit(staged).await.unwrap();
    assert_eq!(read_all(&*store, &info.key).await, bytes);

    let empty = store.put(b"").await.unwrap();
    assert_eq!(
        empty.key.to_hex(),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(empty.size, 0);
    assert!(read_all(&*store, &empty.key).await.is_empty());
    store.verify(&empty.key).await.unwrap();
}

/// The same bytes twice, also at once: one blob.
pub async fn same_content_stored_once(h: &dyn Harness) {
    let store = h.store();
    let bytes = sample(50_000, 3);
    let before = h.count().await;
    let first = store.put(&bytes).await.unwrap();
    let second = store.put(&bytes).await.unwrap();
    assert_eq!(first, second);
    let together = futures::future::join_all((0..6).map(|_| store.put(&bytes))).await;
    for info in together {
        assert_eq!(info.unwrap(), first);
    }
    assert_eq!(h.count().await, before + 1);
    assert_eq!(read_all(&*store, &first.key).await, bytes);
    assert!(staged_files(h).is_empty());
}

/// A changed byte, or a shortened blob, is caught by `verify`.
pub async fn corruption_is_reported(h: &dyn Harness) {
    let store = h.store();
    let bytes = sample(40_000, 4);
    let info = store.put(&bytes).await.unwrap();
    store.verify(&info.key).await.unwrap();

    let mut flipped = bytes.clone();
    flipped[12_345] ^= 0x01;
    h.overwrite(&info.key, flipped.clone()).await;
    match store.verify(&info.key).await {
        Err(BlobError::Corrupt { key, actual }) => {
            assert_eq!(key, info.key);
            assert_eq!(actual, BlobKey::of(&flipped));
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }

    h.overwrite(&info.key, bytes[..1000].to_vec()).await;
    assert!(matches!(
        store.verify(&info.key).await,
        Err(BlobError::Corrupt { .. })
    ));
    // A commit of the right bytes repairs a blob of the wrong size.
    store.put(&bytes).await.unwrap();
    assert_eq!(store.verify(&info.key).await.unwrap(), info);
}

/// A key with no blob.
pub async fn missing_blob(h: &dyn Harness) {
    let store = h.store();
    let key = BlobKey::of(b"never stored in this test run");
    assert!(!store.exists(&key).await.unwrap());
    assert!(matches!(store.open(&key).await, Err(BlobError::NotFound { key: k }) if k == key));
    assert!(matches!(
        store.size(&key).await,
        Err(BlobError::NotFound { .. })
    ));
    assert!(matches!(
        store.verify(&key).await,
        Err(BlobError::NotFound { .. })
    ));
}

/// A staged upload that is dropped (finished or not) stores nothing and
/// leaves no staging file.
pub async fn uncommitted_leaves_nothing(h: &dyn Harness) {
    let store = h.store();
    let before = h.count().await;
    let bytes = sample(20_000, 5);

    let mut staging = store.begin().await.unwrap();
    staging.write(&bytes).await.unwrap();
    assert_eq!(staged_files(h).len(), 1);
    let staged = staging.finish().await.unwrap();
    let key = staged.key();
    drop(staged);

    let mut half = store.begin().await.unwrap();
    half.write(&bytes[..100]).await.unwrap();
    drop(half);

    assert!(!store.exists(&key).await.unwrap());
    assert_eq!(h.count().await, before);
    assert!(staged_files(h).is_empty(), "{:?}", staged_files(h));
}

/// Staging files left by a crash are removed once old enough; uploads in
/// progress are not.
pub async fn stale_staging_is_cleaned(h: &dyn Harness) {
    let store = h.store();
    let dir = h.staging_dir();
    let stale = dir.join("upload-crashed.part");
    std::fs::write(&stale, b"half an upload").unwrap();
    let file = std::fs::File::options().write(true).open(&stale).unwrap();
    file.set_modified(SystemTime::now() - Duration::from_secs(2 * 3600))
        .unwrap();
    drop(file);
    // Not ours: left alone whatever its age.
    let other = dir.join("README");
    std::fs::write(&other, b"x").unwrap();
    std::fs::File::options()
        .write(true)
        .open(&other)
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(2 * 3600))
        .unwrap();

    let mut in_progress = store.begin().await.unwrap();
    in_progress.write(b"still arriving").await.unwrap();

    assert_eq!(
        store
            .cleanup_staging(Duration::from_secs(3600))
            .await
            .unwrap(),
        1
    );
    assert!(!stale.exists());
    assert!(other.exists());
    let staged = in_progress.finish().await.unwrap();
    store.commit(staged).await.unwrap();
    std::fs::remove_file(other).unwrap();
}
