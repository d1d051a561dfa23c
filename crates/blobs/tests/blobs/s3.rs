//! S3: the conformance checks against a real S3-compatible server when
//! `MOTCUA_TEST_S3_ENDPOINT`, `MOTCUA_TEST_S3_BUCKET`,
//! `MOTCUA_TEST_S3_ACCESS_KEY_ID` and `MOTCUA_TEST_S3_SECRET_ACCESS_KEY` are
//! set (`MOTCUA_TEST_S3_REGION` defaults to `garage`); skipped with a notice
//! otherwise. Each test works under its own prefix, so runs do not meet.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use futures::TryStreamExt;
use motcua_blobs::{BlobError, BlobKey, BlobStore, S3BlobStore, S3Config, open_url_with};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use tempfile::TempDir;
use tokio::io::AsyncReadExt;

use crate::conformance::{self, Harness, sample};

/// The server's settings from the environment, or `None` (and a notice).
fn server(test: &str) -> Option<S3Config> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (Some(endpoint), Some(bucket), Some(key_id), Some(secret)) = (
        var("MOTCUA_TEST_S3_ENDPOINT"),
        var("MOTCUA_TEST_S3_BUCKET"),
        var("MOTCUA_TEST_S3_ACCESS_KEY_ID"),
        var("MOTCUA_TEST_S3_SECRET_ACCESS_KEY"),
    ) else {
        eprintln!(
            "skipping s3::{test}: MOTCUA_TEST_S3_ENDPOINT (+ _BUCKET, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY) not set; \
             `eval \"$(.ci/blobs-test-services.sh)\"` starts a Garage on loopback"
        );
        return None;
    };
    Some(S3Config {
        endpoint: Some(endpoint),
        region: var("MOTCUA_TEST_S3_REGION").unwrap_or_else(|| "garage".to_string()),
        bucket,
        prefix: unique_prefix(test),
        access_key_id: key_id,
        secret_access_key: secret,
        allow_http: true,
        staging_dir: PathBuf::new(),
    })
}

fn unique_prefix(test: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    format!("tests/{test}-{}-{nanos}-{n}", std::process::id())
}

struct S3 {
    staging: TempDir,
    config: S3Config,
    store: Arc<S3BlobStore>,
    raw: AmazonS3,
}

impl S3 {
    fn new(mut config: S3Config) -> Self {
        let staging = tempfile::tempdir().unwrap();
        config.staging_dir = staging.path().join("staging");
        let store = Arc::new(S3BlobStore::new(config.clone()).unwrap());
        // A second client, behind the store's back.
        let raw = AmazonS3Builder::new()
            .with_endpoint(config.endpoint.clone().unwrap())
            .with_region(&config.region)
            .with_bucket_name(&config.bucket)
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(&config.secret_access_key)
            .with_virtual_hosted_style_request(false)
            .with_allow_http(true)
            .build()
            .unwrap();
        S3 {
            staging,
            config,
            store,
            raw,
        }
    }

    async fn objects(&self) -> Vec<Path> {
        let prefix = Path::from(self.config.prefix.as_str());
        self.raw
            .list(Some(&prefix))
            .map_ok(|meta| meta.location)
            .try_collect()
            .await
            .unwrap()
    }
}

#[async_trait]
impl Harness for S3 {
    fn store(&self) -> Arc<dyn BlobStore> {
        self.store.clone()
    }

    fn staging_dir(&self) -> PathBuf {
        self.staging.path().join("staging")
    }

    async fn overwrite(&self, key: &BlobKey, bytes: Vec<u8>) {
        self.raw
            .put(&self.store.location_of(key), PutPayload::from(bytes))
            .await
            .unwrap();
    }

    async fn count(&self) -> usize {
        self.objects().await.len()
    }
}

macro_rules! conformance_on_s3 {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            let Some(config) = server(stringify!($name)) else { return };
            conformance::$name(&S3::new(config)).await;
        }
    )*};
}

conformance_on_s3!(
    round_trip,
    writer_reader_and_empty,
    same_content_stored_once,
    corruption_is_reported,
    missing_blob,
    uncommitted_leaves_nothing,
    stale_staging_is_cleaned,
);

#[tokio::test]
async fn layout_under_the_prefix() {
    let Some(config) = server("layout_under_the_prefix") else {
        return;
    };
    let s3 = S3::new(config);
    let info = s3.store.put(b"hello").await.unwrap();
    let hex = info.key.to_hex();
    assert_eq!(
        s3.objects().await,
        vec![Path::from(format!("{}/2c/f2/{hex}", s3.config.prefix))]
    );
    s3.store.check().await.unwrap();

    // Another prefix in the same bucket is another store.
    let mut other = s3.config.clone();
    other.prefix = unique_prefix("layout_other");
    let other = S3::new(other);
    assert!(!other.store.exists(&info.key).await.unwrap());
}

/// Larger than one part: sent in parts (multipart upload), read back whole.
#[tokio::test]
async fn large_blob_in_parts() {
    let Some(config) = server("large_blob_in_parts") else {
        return;
    };
    let s3 = S3::new(config);
    let bytes = sample(20 * 1024 * 1024 + 12_345, 7);
    let staged = s3.store.stage(&mut &bytes[..]).await.unwrap();
    let info = s3.store.commit(staged).await.unwrap();
    assert_eq!(info.key, BlobKey::of(&bytes));
    assert_eq!(s3.store.size(&info.key).await.unwrap(), bytes.len() as u64);
    assert_eq!(s3.store.verify(&info.key).await.unwrap(), info);
    let mut back = Vec::new();
    s3.store
        .open(&info.key)
        .await
        .unwrap()
        .read_to_end(&mut back)
        .await
        .unwrap();
    assert!(back == bytes);
    assert_eq!(s3.count().await, 1);
    // Committed again: found by size, not sent again, still one object.
    let again = s3.store.stage(&mut &bytes[..]).await.unwrap();
    assert_eq!(s3.store.commit(again).await.unwrap(), info);
    assert_eq!(s3.count().await, 1);
}

/// The binary's way in: a URL, credentials from the environment.
#[tokio::test]
async fn opened_from_a_url() {
    let Some(config) = server("opened_from_a_url") else {
        return;
    };
    let staging = tempfile::tempdir().unwrap();
    let url = format!(
        "s3://{}/{}?endpoint={}&region={}&staging={}",
        config.bucket,
        config.prefix,
        config.endpoint.clone().unwrap(),
        config.region,
        staging.path().display()
    );
    let env: HashMap<&str, String> = HashMap::from([
        ("MOTCUA_S3_ACCESS_KEY_ID", config.access_key_id.clone()),
        (
            "MOTCUA_S3_SECRET_ACCESS_KEY",
            config.secret_access_key.clone(),
        ),
    ]);
    let store = open_url_with(&url, &|name| env.get(name).cloned()).unwrap();
    store.check().await.unwrap();
    let info = store.put(b"from a URL").await.unwrap();
    store.verify(&info.key).await.unwrap();

    // The same bucket and prefix through the struct: the same blob.
    let s3 = S3::new(config);
    assert!(s3.store.exists(&info.key).await.unwrap());

    // Debug output names the place, never the credentials.
    let shown = format!("{store:?} {:?} {:?}", s3.store, s3.config);
    assert!(!shown.contains(&s3.config.secret_access_key), "{shown}");
    assert!(!shown.contains(&s3.config.access_key_id), "{shown}");
}

/// A wrong secret: unavailable, and the message carries neither the key id
/// nor the secret.
#[tokio::test]
async fn wrong_credentials_are_unavailable_without_secrets() {
    let Some(mut config) = server("wrong_credentials") else {
        return;
    };
    config.secret_access_key = "0".repeat(64);
    let s3 = S3::new(config);
    for result in [
        s3.store.check().await.map(|_| ()),
        s3.store.put(b"refused").await.map(|_| ()),
        s3.store.verify(&BlobKey::of(b"x")).await.map(|_| ()),
    ] {
        match result {
            Err(e @ BlobError::Unavailable { .. }) => {
                let message = e.to_string();
                assert!(!message.contains(&s3.config.secret_access_key), "{message}");
                assert!(!message.contains(&s3.config.access_key_id), "{message}");
            }
            other => panic!("expected Unavailable, got {other:?}"),
        }
    }
    // The refused upload left no staging file.
    assert!(
        std::fs::read_dir(s3.staging_dir())
            .unwrap()
            .next()
            .is_none()
    );
}

/// Nothing listens: unavailable, soon (runs without a server too).
#[tokio::test]
async fn unreachable_service_is_unavailable() {
    let staging = tempfile::tempdir().unwrap();
    let store = S3BlobStore::new(S3Config {
        endpoint: Some("http://127.0.0.1:9".to_string()),
        region: "garage".to_string(),
        bucket: "nowhere".to_string(),
        prefix: String::new(),
        access_key_id: "GK0000".to_string(),
        secret_access_key: "not-a-real-secret".to_string(),
        allow_http: true,
        staging_dir: staging.path().to_path_buf(),
    })
    .unwrap();
    let started = Instant::now();
    let err = store.check().await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert!(!err.to_string().contains("not-a-real-secret"));
    assert!(started.elapsed() < Duration::from_secs(30));
    let err = store.put(b"lost").await.unwrap_err();
    assert!(matches!(err, BlobError::Unavailable { .. }), "{err:?}");
}
