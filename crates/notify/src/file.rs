//! E-mail as `.eml` files: the default when no relay is configured.

use std::path::{Path, PathBuf};

use lettre::message::Mailbox;
use motcua_app::outbox::{DeliveryError, EmailMessage, Mailer};

use crate::{NotifyError, message, parse_from, spool};

/// Writes each e-mail as an RFC 5322 `.eml` file in a folder (the binary
/// passes `DATA/outbox/mail`), exactly as it would go to a relay. Nothing
/// is lost: an operator can read the files, or send them on later.
#[derive(Debug, Clone)]
pub struct FileMailer {
    dir: PathBuf,
    from: Mailbox,
}

impl FileMailer {
    /// A mailer writing into `dir` (created at the first message if
    /// missing) with sender `from`.
    pub fn new(dir: impl Into<PathBuf>, from: &str) -> Result<Self, NotifyError> {
        Ok(FileMailer {
            dir: dir.into(),
            from: parse_from(from)?,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes the e-mail; returns the file's path.
    pub async fn write(&self, email: &EmailMessage) -> Result<PathBuf, DeliveryError> {
        let message = message::build(&self.from, email)?;
        let path = spool::write_new(&self.dir, "eml", message.formatted())
            .await
            .map_err(|e| {
                DeliveryError::Temporary(format!("cannot write to {}: {e}", self.dir.display()))
            })?;
        tracing::info!(path = %path.display(), "e-mail written to a file (no SMTP relay configured)");
        Ok(path)
    }
}

#[async_trait::async_trait]
impl Mailer for FileMailer {
    async fn send(&self, email: &EmailMessage) -> Result<(), DeliveryError> {
        self.write(email).await.map(drop)
    }
}
