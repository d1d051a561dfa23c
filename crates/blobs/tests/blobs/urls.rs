//! `--blobs URL`: which store, and the credentials rule.

use std::collections::HashMap;
use std::path::PathBuf;

use motcua_blobs::{BlobError, BlobLocation, open_url_with};

fn env_with_keys() -> HashMap<&'static str, String> {
    HashMap::from([
        ("MOTCUA_S3_ACCESS_KEY_ID", "GKexample".to_string()),
        ("MOTCUA_S3_SECRET_ACCESS_KEY", "s3cr3t-value".to_string()),
    ])
}

fn parse(url: &str, env: &HashMap<&'static str, String>) -> Result<BlobLocation, BlobError> {
    BlobLocation::parse(url, &|name| env.get(name).cloned())
}

fn config_error(url: &str, env: &HashMap<&'static str, String>) -> String {
    match parse(url, env) {
        Err(e @ BlobError::Config { .. }) => e.to_string(),
        other => panic!("{url} should be refused, got {other:?}"),
    }
}

#[test]
fn local_folders() {
    let env = HashMap::new();
    for (url, path) in [
        ("file:/srv/motcua/blobs", "/srv/motcua/blobs"),
        ("file:///srv/motcua/blobs", "/srv/motcua/blobs"),
        ("file://localhost/srv/blobs", "/srv/blobs"),
        ("file:///srv/h%E1%BB%93%20s%C6%A1", "/srv/hồ sơ"),
        ("/var/lib/motcua/blobs", "/var/lib/motcua/blobs"),
        ("./motcua-data/blobs", "./motcua-data/blobs"),
        ("motcua-data/blobs", "motcua-data/blobs"),
        ("file:relative/blobs", "relative/blobs"),
    ] {
        match parse(url, &env) {
            Ok(BlobLocation::Local(p)) => assert_eq!(p, PathBuf::from(path), "{url}"),
            other => panic!("{url}: {other:?}"),
        }
    }
    assert!(config_error("file://otherhost/srv", &env).contains("local folder"));
    assert!(config_error("ftp://host/x", &env).contains("not supported"));
    assert!(config_error("", &env).contains("empty"));
}

#[test]
fn s3_url_with_credentials_from_the_environment() {
    let env = env_with_keys();
    let Ok(BlobLocation::S3(config)) = parse(
        "s3://attachments/dong-thap/prod?endpoint=http://127.0.0.1:3900&region=garage",
        &env,
    ) else {
        panic!("should parse");
    };
    assert_eq!(config.bucket, "attachments");
    assert_eq!(config.prefix, "dong-thap/prod");
    assert_eq!(config.endpoint.as_deref(), Some("http://127.0.0.1:3900"));
    assert_eq!(config.region, "garage");
    assert!(config.allow_http);
    assert_eq!(config.access_key_id, "GKexample");
    assert_eq!(config.secret_access_key, "s3cr3t-value");
    let shown = format!("{config:?}");
    assert!(
        !shown.contains("s3cr3t-value") && !shown.contains("GKexample"),
        "{shown}"
    );

    let Ok(BlobLocation::S3(config)) = parse("s3://bucket", &env) else {
        panic!("should parse");
    };
    assert_eq!(config.prefix, "");
    assert_eq!(config.endpoint, None);
    assert_eq!(config.region, "us-east-1");
    assert!(!config.allow_http);

    let Ok(BlobLocation::S3(config)) = parse(
        "s3://b/p?endpoint=https://s3.example.vn&staging=/var/tmp/up",
        &env,
    ) else {
        panic!("should parse");
    };
    assert!(!config.allow_http);
    assert_eq!(config.staging_dir, PathBuf::from("/var/tmp/up"));
}

#[test]
fn secrets_in_the_url_are_refused_without_being_repeated() {
    let env = env_with_keys();
    for url in [
        "s3://GKleaked:hunter2secret@bucket/p?endpoint=http://127.0.0.1:3900",
        "s3://GKleaked@bucket/p",
        "s3://bucket/p?endpoint=http://GKleaked:hunter2secret@127.0.0.1:3900",
        "s3://bucket/p?secret_access_key=hunter2secret",
        "s3://bucket/p?access_key_id=GKleaked",
        "s3://bucket/p?aws_session_token=hunter2secret",
        "s3://bucket/p?password=hunter2secret",
    ] {
        let message = config_error(url, &env);
        assert!(message.contains("MOTCUA_S3_SECRET_ACCESS_KEY"), "{message}");
        assert!(!message.contains("hunter2secret"), "{message}");
        assert!(!message.contains("GKleaked"), "{message}");
    }
}

#[test]
fn s3_url_mistakes_are_explained() {
    let env = env_with_keys();
    let cases = [
        ("s3:///prefix", "no bucket"),
        (
            "s3://bucket/p?endpoint=http://10.0.0.5:3900",
            "allow_http=true",
        ),
        (
            "s3://bucket/p?endpoint=ftp://127.0.0.1",
            "http:// or https://",
        ),
        (
            "s3://bucket/p?endpoint=http://127.0.0.1:3900/bucket",
            "no path",
        ),
        ("s3://bucket/p?endpoint=not a url", "not a URL"),
        ("s3://bucket/p?regoin=garage", "unknown parameter"),
        ("s3://bucket/p?region=a&region=b", "twice"),
        ("s3://bucket/p?allow_http=yes", "true or false"),
        ("s3://bucket:3900/p", "endpoint"),
    ];
    for (url, expected) in cases {
        let message = config_error(url, &env);
        assert!(message.contains(expected), "{url}: {message}");
    }
    // Plain HTTP beyond loopback when the operator says so.
    let Ok(BlobLocation::S3(config)) = parse(
        "s3://bucket/p?endpoint=http://10.0.0.5:3900&allow_http=true",
        &env,
    ) else {
        panic!("should parse");
    };
    assert!(config.allow_http);
    for loopback in [
        "http://localhost:3900",
        "http://[::1]:3900",
        "http://127.0.0.2:3900",
    ] {
        let url = format!("s3://bucket?endpoint={loopback}");
        assert!(
            matches!(parse(&url, &env), Ok(BlobLocation::S3(c)) if c.allow_http),
            "{url}"
        );
    }
}

#[test]
fn s3_without_credentials_in_the_environment_is_refused() {
    let mut env = env_with_keys();
    env.remove("MOTCUA_S3_SECRET_ACCESS_KEY");
    let message = config_error("s3://bucket/p", &env);
    assert!(
        message.contains("MOTCUA_S3_SECRET_ACCESS_KEY is not set"),
        "{message}"
    );
    let message = config_error("s3://bucket/p", &HashMap::new());
    assert!(message.contains("MOTCUA_S3_ACCESS_KEY_ID"), "{message}");
}

#[tokio::test]
async fn a_local_url_opens_a_working_store() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file:{}", dir.path().join("blobs").display());
    let store = open_url_with(&url, &|_| None).unwrap();
    store.check().await.unwrap();
    let info = store.put(b"via a URL").await.unwrap();
    assert!(
        dir.path()
            .join("blobs")
            .join(info.key.relative_path())
            .is_file()
    );
}
