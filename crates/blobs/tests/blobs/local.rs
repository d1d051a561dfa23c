//! The local folder: the conformance checks, the layout, and the flushes
//! that make a commit durable.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use motcua_blobs::fsync::{Fsync, OsFsync};
use motcua_blobs::{BlobError, BlobKey, BlobStore, LocalBlobStore};
use tempfile::TempDir;

use crate::conformance::{self, Harness, sample};

struct Local {
    _dir: TempDir,
    store: Arc<LocalBlobStore>,
}

impl Local {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(LocalBlobStore::open(dir.path().join("blobs")).unwrap());
        Local { _dir: dir, store }
    }
}

/// Every regular file under `root` except the staging folder.
fn blob_files(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                if entry.file_name() != ".staging" {
                    pending.push(path);
                }
            } else {
                found.push(path);
            }
        }
    }
    found
}

#[async_trait]
impl Harness for Local {
    fn store(&self) -> Arc<dyn BlobStore> {
        self.store.clone()
    }

    fn staging_dir(&self) -> PathBuf {
        self.store.staging_dir().to_path_buf()
    }

    async fn overwrite(&self, key: &BlobKey, bytes: Vec<u8>) {
        let path = self.store.path_of(key);
        let old = std::fs::read(&path).unwrap();
        if bytes.len() == old.len() {
            // In place, as a failing disk or a careless hand would.
            use std::io::{Seek, SeekFrom, Write};
            let at = old.iter().zip(&bytes).position(|(a, b)| a != b).unwrap();
            let mut file = File::options().write(true).open(&path).unwrap();
            file.seek(SeekFrom::Start(at as u64)).unwrap();
            file.write_all(&bytes[at..=at]).unwrap();
        } else {
            std::fs::write(&path, bytes).unwrap();
        }
    }

    async fn count(&self) -> usize {
        blob_files(self.store.root()).len()
    }
}

#[tokio::test]
async fn round_trip() {
    conformance::round_trip(&Local::new()).await;
}

#[tokio::test]
async fn writer_reader_and_empty() {
    conformance::writer_reader_and_empty(&Local::new()).await;
}

#[tokio::test]
async fn same_content_stored_once() {
    conformance::same_content_stored_once(&Local::new()).await;
}

#[tokio::test]
async fn corruption_is_reported() {
    conformance::corruption_is_reported(&Local::new()).await;
}

#[tokio::test]
async fn missing_blob() {
    conformance::missing_blob(&Local::new()).await;
}

#[tokio::test]
async fn uncommitted_leaves_nothing() {
    conformance::uncommitted_leaves_nothing(&Local::new()).await;
}

#[tokio::test]
async fn stale_staging_is_cleaned() {
    conformance::stale_staging_is_cleaned(&Local::new()).await;
}

#[tokio::test]
async fn check_passes() {
    Local::new().store.check().await.unwrap();
}

#[tokio::test]
async fn layout_is_two_level_fan_out() {
    let local = Local::new();
    let info = local.store.put(b"hello").await.unwrap();
    let hex = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    assert_eq!(info.key.to_hex(), hex);
    let expected = local.store.root().join("2c").join("f2").join(hex);
    assert_eq!(local.store.path_of(&info.key), expected);
    assert_eq!(std::fs::read(&expected).unwrap(), b"hello");
    assert_eq!(blob_files(local.store.root()), vec![expected]);
}

#[tokio::test]
async fn a_blob_staged_by_another_store_is_refused() {
    let one = Local::new();
    let two = Local::new();
    let staged = one.store.stage(&mut &b"elsewhere"[..]).await.unwrap();
    let key = staged.key();
    assert!(matches!(
        two.store.commit(staged).await,
        Err(BlobError::Io { .. })
    ));
    assert!(!two.store.exists(&key).await.unwrap());
    assert!(!one.store.exists(&key).await.unwrap());
    assert!(
        std::fs::read_dir(one.store.staging_dir())
            .unwrap()
            .next()
            .is_none()
    );
}

#[tokio::test]
async fn many_blobs_at_once() {
    let local = Local::new();
    let store: Arc<dyn BlobStore> = local.store.clone();
    let tasks: Vec<_> = (0..32u8)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move { store.put(&sample(10_000 + usize::from(i), i)).await })
        })
        .collect();
    for task in tasks {
        let info = task.await.unwrap().unwrap();
        store.verify(&info.key).await.unwrap();
    }
    assert_eq!(blob_files(local.store.root()).len(), 32);
}

/// What the commit path asked to flush, and what was true at that moment.
#[derive(Debug, Clone, PartialEq)]
enum Flush {
    /// A file: its path, its length, and whether the commit had returned.
    File {
        path: PathBuf,
        len: u64,
        after_return: bool,
    },
    /// A folder: its path, the names in it, and whether the commit had
    /// returned.
    Dir {
        path: PathBuf,
        names: Vec<String>,
        after_return: bool,
    },
}

/// Watches the flushes and still makes them ([`OsFsync`]): the store runs
/// its one commit path.
#[derive(Debug, Default)]
struct Watched {
    real: OsFsync,
    returned: AtomicBool,
    log: Mutex<Vec<Flush>>,
}

impl Fsync for Watched {
    fn sync_file(&self, file: &File, path: &Path) -> io::Result<()> {
        self.log.lock().unwrap().push(Flush::File {
            path: path.to_path_buf(),
            len: file.metadata()?.len(),
            after_return: self.returned.load(Ordering::SeqCst),
        });
        self.real.sync_file(file, path)
    }

    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        let mut names: Vec<String> = std::fs::read_dir(dir)?
            .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<io::Result<_>>()?;
        names.sort();
        self.log.lock().unwrap().push(Flush::Dir {
            path: dir.to_path_buf(),
            names,
            after_return: self.returned.load(Ordering::SeqCst),
        });
        self.real.sync_dir(dir)
    }
}

impl Watched {
    fn take(&self) -> Vec<Flush> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

/// The durability rule, asserted: before `commit` returns (so before
/// the database transaction that records the attachment), the staged file's
/// bytes are flushed, then it is renamed to its address, then the folder that
/// names it — and the folders above — are flushed.
#[tokio::test]
async fn commit_flushes_file_then_folders_before_returning() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("blobs");
    let watched = Arc::new(Watched::default());
    let store = LocalBlobStore::with_fsync(&root, watched.clone()).unwrap();
    let bytes = sample(123_457, 9);

    let staged = store.stage(&mut &bytes[..]).await.unwrap();
    let key = staged.key();
    assert!(
        watched.take().is_empty(),
        "nothing is flushed before commit"
    );
    let info = store.commit(staged).await.unwrap();
    watched.returned.store(true, Ordering::SeqCst);
    assert_eq!(info.key, key);

    let hex = key.to_hex();
    let fan_out = root.join(&hex[..2]).join(&hex[2..4]);
    let log = watched.take();
    assert_eq!(log.len(), 4, "{log:#?}");
    // 1. The staged file, complete, while still in the staging folder.
    match &log[0] {
        Flush::File {
            path,
            len,
            after_return,
        } => {
            assert_eq!(path.parent().unwrap(), store.staging_dir());
            assert_eq!(*len, bytes.len() as u64);
            assert!(!after_return);
        }
        other => panic!("the file is flushed first, got {other:?}"),
    }
    // 2. Its folder, once the blob is named in it; then the folders above.
    let expect_dir = |flush: &Flush, dir: &Path, name: &str| match flush {
        Flush::Dir {
            path,
            names,
            after_return,
        } => {
            assert_eq!(path, dir);
            assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
            assert!(!after_return);
        }
        other => panic!("expected a flush of {}, got {other:?}", dir.display()),
    };
    expect_dir(&log[1], &fan_out, &hex);
    expect_dir(&log[2], &root.join(&hex[..2]), &hex[2..4]);
    expect_dir(&log[3], &root, &hex[..2]);
    assert_eq!(std::fs::read(store.path_of(&key)).unwrap(), bytes);

    // The same bytes again: the copy is dropped, and the folders that name
    // the blob are still flushed before the commit returns (a concurrent
    // first commit might not have flushed them yet).
    watched.returned.store(false, Ordering::SeqCst);
    let again = store.stage(&mut &bytes[..]).await.unwrap();
    store.commit(again).await.unwrap();
    watched.returned.store(true, Ordering::SeqCst);
    let log = watched.take();
    assert_eq!(log.len(), 3, "{log:#?}");
    expect_dir(&log[0], &fan_out, &hex);
    expect_dir(&log[1], &root.join(&hex[..2]), &hex[2..4]);
    expect_dir(&log[2], &root, &hex[..2]);

    // A flush that fails fails the commit, and nothing is stored.
    let failing = Arc::new(FailingFsync);
    let store = LocalBlobStore::with_fsync(dir.path().join("other"), failing).unwrap();
    let staged = store.stage(&mut &b"not durable"[..]).await.unwrap();
    let key = staged.key();
    assert!(matches!(
        store.commit(staged).await,
        Err(BlobError::Io { .. })
    ));
    assert!(!store.exists(&key).await.unwrap());
    assert!(
        std::fs::read_dir(store.staging_dir())
            .unwrap()
            .next()
            .is_none()
    );
}

/// A disk that refuses to flush.
#[derive(Debug)]
struct FailingFsync;

impl Fsync for FailingFsync {
    fn sync_file(&self, _file: &File, _path: &Path) -> io::Result<()> {
        Err(io::Error::other("flush refused"))
    }

    fn sync_dir(&self, _dir: &Path) -> io::Result<()> {
        Err(io::Error::other("flush refused"))
    }
}
