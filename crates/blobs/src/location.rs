//! `--blobs URL`: which store, and where. The credentials of an S3 store come
//! from the environment, never from the URL (see the crate docs).

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use ::url::Url;

use crate::{BlobError, BlobStore, LocalBlobStore, S3BlobStore, S3Config};

/// The environment variable that holds the S3 access key id.
pub const ACCESS_KEY_ID_VAR: &str = "MOTCUA_S3_ACCESS_KEY_ID";
/// The environment variable that holds the S3 secret access key.
pub const SECRET_ACCESS_KEY_VAR: &str = "MOTCUA_S3_SECRET_ACCESS_KEY";

/// What a blob URL names.
#[derive(Debug, Clone)]
pub enum BlobLocation {
    /// A local folder.
    Local(PathBuf),
    /// An S3-compatible bucket, credentials included (from the environment).
    S3(S3Config),
}

impl BlobLocation {
    /// Reads a blob URL; `env` looks up environment variables (the S3
    /// credentials).
    pub fn parse(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Self, BlobError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(BlobError::config("the blob URL is empty"));
        }
        match scheme_of(text) {
            None => Ok(BlobLocation::Local(PathBuf::from(text))),
            Some("file") => parse_file(text),
            Some("s3") => parse_s3(text, env).map(BlobLocation::S3),
            Some(other) => Err(BlobError::config(format!(
                "the blob URL scheme {other:?} is not supported (use file:/PATH, a plain path, or s3://BUCKET/PREFIX?endpoint=…)"
            ))),
        }
    }

    /// Opens the store named.
    pub fn open(self) -> Result<Arc<dyn BlobStore>, BlobError> {
        Ok(match self {
            BlobLocation::Local(root) => Arc::new(LocalBlobStore::open(root)?),
            BlobLocation::S3(config) => Arc::new(S3BlobStore::new(config)?),
        })
    }
}

/// Opens the store a blob URL names, reading S3 credentials from
/// `MOTCUA_S3_ACCESS_KEY_ID` and `MOTCUA_S3_SECRET_ACCESS_KEY`.
pub fn open_url(text: &str) -> Result<Arc<dyn BlobStore>, BlobError> {
    open_url_with(text, &|name| std::env::var(name).ok())
}

/// As [`open_url`], with the environment given as a lookup function.
pub fn open_url_with(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Arc<dyn BlobStore>, BlobError> {
    BlobLocation::parse(text, env)?.open()
}

/// The scheme of `text` if it has one; a one-letter "scheme" is a Windows
/// drive (`C:\…`), so a path.
fn scheme_of(text: &str) -> Option<&str> {
    let (scheme, _) = text.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (valid && scheme.len() > 1).then_some(scheme)
}

fn parse_file(text: &str) -> Result<BlobLocation, BlobError> {
    let rest = text.get("file:".len()..).unwrap_or_default();
    if !rest.starts_with("//") {
        // `file:/srv/blobs` or `file:relative/folder`, taken as written.
        if rest.is_empty() {
            return Err(BlobError::config("the file: blob URL names no folder"));
        }
        return Ok(BlobLocation::Local(PathBuf::from(rest)));
    }
    let url = Url::parse(text)
        .map_err(|e| BlobError::config(format!("the file: blob URL cannot be read: {e}")))?;
    url.to_file_path().map(BlobLocation::Local).map_err(|()| {
        BlobError::config("the file: blob URL must name a local folder (file:///PATH)")
    })
}

fn parse_s3(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<S3Config, BlobError> {
    // Checked before anything else, and never echoed: the URL may hold a
    // secret.
    let url = Url::parse(text).map_err(|_| {
        BlobError::config(
            "the s3: blob URL cannot be read (expected s3://BUCKET/PREFIX?endpoint=…)",
        )
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(credentials_in_url());
    }
    let bucket = url
        .host_str()
        .filter(|b| !b.is_empty())
        .ok_or_else(|| BlobError::config("the s3: blob URL names no bucket (s3://BUCKET/…)"))?
        .to_string();
    if url.port().is_some() {
        return Err(BlobError::config(
            "the s3: blob URL has a port after the bucket; the service goes in ?endpoint=",
        ));
    }
    let prefix = url.path().trim_matches('/').to_string();

    let mut endpoint = None;
    let mut region = None;
    let mut allow_http = None;
    let mut staging = None;
    for (name, value) in url.query_pairs() {
        let lowered = name.to_ascii_lowercase();
        if [
            "key",
            "secret",
            "password",
            "token",
            "credential",
            "signature",
        ]
        .iter()
        .any(|word| lowered.contains(word))
        {
            return Err(credentials_in_url());
        }
        let slot = match lowered.as_str() {
            "endpoint" => &mut endpoint,
            "region" => &mut region,
            "allow_http" => &mut allow_http,
            "staging" => &mut staging,
            _ => {
                return Err(BlobError::config(format!(
                    "unknown parameter {name:?} in the s3: blob URL (known: endpoint, region, allow_http, staging)"
                )));
            }
        };
        if slot.replace(value.into_owned()).is_some() {
            return Err(BlobError::config(format!(
                "the parameter {name:?} appears twice in the s3: blob URL"
            )));
        }
    }

    let allow_http_asked = match allow_http.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(BlobError::config(
                "allow_http in the s3: blob URL is true or false",
            ));
        }
    };
    let mut plain_http = false;
    if let Some(endpoint) = &endpoint {
        let parsed = Url::parse(endpoint).map_err(|_| {
            BlobError::config("the endpoint in the s3: blob URL is not a URL (http://HOST:PORT)")
        })?;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(credentials_in_url());
        }
        match parsed.scheme() {
            "https" => {}
            "http" if is_loopback(&parsed) || allow_http_asked => plain_http = true,
            "http" => {
                return Err(BlobError::config(
                    "the endpoint uses plain HTTP to a host that is not loopback; use https, or add allow_http=true if the network is trusted",
                ));
            }
            _ => {
                return Err(BlobError::config(
                    "the endpoint in the s3: blob URL must be an http:// or https:// URL",
                ));
            }
        }
        if parsed.query().is_some() || !parsed.path().trim_matches('/').is_empty() {
            return Err(BlobError::config(
                "the endpoint in the s3: blob URL is a base URL (http://HOST:PORT) with no path: the bucket and prefix go in s3://BUCKET/PREFIX",
            ));
        }
    }

    let credential = |name: &str| {
        env(name).filter(|v| !v.is_empty()).ok_or_else(|| {
            BlobError::config(format!(
                "an s3: blob store needs the environment variables {ACCESS_KEY_ID_VAR} and {SECRET_ACCESS_KEY_VAR}; {name} is not set"
            ))
        })
    };
    let access_key_id = credential(ACCESS_KEY_ID_VAR)?;
    let secret_access_key = credential(SECRET_ACCESS_KEY_VAR)?;

    Ok(S3Config {
        endpoint: endpoint.map(|e| e.trim_end_matches('/').to_string()),
        region: region.unwrap_or_else(|| "us-east-1".to_string()),
        bucket,
        prefix,
        access_key_id,
        secret_access_key,
        allow_http: plain_http,
        staging_dir: staging
            .map(PathBuf::from)
            .unwrap_or_else(|| std::env::temp_dir().join("motcua-blob-staging")),
    })
}

fn credentials_in_url() -> BlobError {
    BlobError::config(format!(
        "the s3: blob URL carries credentials; remove them from the URL and set {ACCESS_KEY_ID_VAR} and {SECRET_ACCESS_KEY_VAR} in the environment instead"
    ))
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(::url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(::url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(::url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}
