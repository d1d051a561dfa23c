//! The crate's one error type. No variant carries a credential: messages from
//! the S3 client are scrubbed of the key id and secret before they get here.

use std::io;

use crate::BlobKey;

/// Why a blob operation failed, in the cases a caller treats differently.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// No blob has this key (a 404 to a reader; a broken reference to
    /// `motcua verify`).
    #[error("blob {key} not found")]
    NotFound { key: BlobKey },

    /// The stored bytes no longer hash to their key.
    #[error("blob {key} is corrupt: its stored bytes hash to {actual}")]
    Corrupt { key: BlobKey, actual: BlobKey },

    /// The text given as a key is not 64 lowercase hexadecimal digits.
    #[error("not a blob key: {shown} ({reason})")]
    BadKey { shown: String, reason: &'static str },

    /// The storage service cannot be reached, refused the request (e.g.
    /// wrong credentials or bucket), or failed; worth retrying later.
    #[error("blob storage unavailable: {reason}")]
    Unavailable { reason: String },

    /// A local file operation failed (disk full, permissions, …).
    #[error("blob storage I/O error while {what}: {source}")]
    Io {
        what: String,
        #[source]
        source: io::Error,
    },

    /// The blob storage URL or its settings cannot be used.
    #[error("blob storage configuration: {reason}")]
    Config { reason: String },
}

impl BlobError {
    pub(crate) fn io(what: impl Into<String>, source: io::Error) -> Self {
        BlobError::Io {
            what: what.into(),
            source,
        }
    }

    pub(crate) fn config(reason: impl Into<String>) -> Self {
        BlobError::Config {
            reason: reason.into(),
        }
    }

    /// True when retrying later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, BlobError::Unavailable { .. })
    }
}
