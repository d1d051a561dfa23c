//! Text messages recorded, not sent: the default until a gateway (an
//! operator's SMS API, a brandname service) is wired in as another
//! [`SmsSender`].

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use motcua_app::outbox::{DeliveryError, SmsMessage, SmsSender};
use serde::{Deserialize, Serialize};

use crate::spool;

/// What a recorded text message's file holds (one JSON object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedSmsFile {
    /// The recipient in E.164.
    pub to: String,
    pub text: String,
    pub recorded_at: DateTime<Utc>,
}

/// Records each text message as a JSON file in a folder (the binary passes
/// `DATA/outbox/sms`). Nothing leaves the machine.
#[derive(Debug, Clone)]
pub struct RecordedSms {
    dir: PathBuf,
}

impl RecordedSms {
    /// A recorder writing into `dir` (created at the first message if
    /// missing).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        RecordedSms { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Records the message; returns the file's path.
    pub async fn record(&self, sms: &SmsMessage) -> Result<PathBuf, DeliveryError> {
        let record = RecordedSmsFile {
            to: sms.to.clone(),
            text: sms.text.clone(),
            recorded_at: Utc::now(),
        };
        let mut bytes = serde_json::to_vec(&record)
            .map_err(|e| DeliveryError::Permanent(format!("cannot record the message: {e}")))?;
        bytes.push(b'\n');
        let path = spool::write_new(&self.dir, "json", bytes)
            .await
            .map_err(|e| {
                DeliveryError::Temporary(format!("cannot write to {}: {e}", self.dir.display()))
            })?;
        tracing::info!(path = %path.display(), "text message recorded, not sent (no SMS gateway configured)");
        Ok(path)
    }
}

#[async_trait::async_trait]
impl SmsSender for RecordedSms {
    async fn send(&self, sms: &SmsMessage) -> Result<(), DeliveryError> {
        self.record(sms).await.map(drop)
    }
}
