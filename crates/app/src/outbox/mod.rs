//! The outbox: messages to people, written as jobs in the same transaction
//! as the change they announce, and delivered afterwards by a worker.
//!
//! A message is rendered when it is enqueued, in the recipient's language,
//! so the worker needs no templates and a message reads the same however
//! late it is sent. The worker hands e-mails to a
//! [`Mailer`] and text messages to an [`SmsSender`]; both are traits so the
//! binary chooses the transports (SMTP relay or `.eml` files; an SMS
//! gateway or the recording default) without this crate knowing them.

use chrono::{DateTime, Utc};
use motcua_store::NewJob;
use serde::{Deserialize, Serialize};

/// The job kind of an e-mail.
pub const EMAIL_JOB: &str = "email.send";
/// The job kind of a text message.
pub const SMS_JOB: &str = "sms.send";

/// An e-mail to send: plain text, UTF-8.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailMessage {
    /// One address.
    pub to: String,
    pub subject: String,
    pub text: String,
}

/// A text message to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsMessage {
    /// The recipient in E.164 (`+84912345678`).
    pub to: String,
    pub text: String,
}

impl EmailMessage {
    /// The job that sends it. `key` makes it happen once however often the
    /// change that causes it is retried (`dossier:<id>:submitted:email`).
    pub fn job(
        &self,
        key: impl Into<String>,
        now: DateTime<Utc>,
    ) -> Result<NewJob, serde_json::Error> {
        Ok(NewJob::new(EMAIL_JOB, serde_json::to_value(self)?, now).idempotency_key(key))
    }
}

impl SmsMessage {
    /// The job that sends it; see [`EmailMessage::job`].
    pub fn job(
        &self,
        key: impl Into<String>,
        now: DateTime<Utc>,
    ) -> Result<NewJob, serde_json::Error> {
        Ok(NewJob::new(SMS_JOB, serde_json::to_value(self)?, now).idempotency_key(key))
    }
}

/// Why a message was not delivered this time.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// Worth trying again later (the relay is down, a timeout).
    #[error("{0}")]
    Temporary(String),
    /// Will never work (the address is malformed, the relay refuses it).
    #[error("{0}")]
    Permanent(String),
}

/// Sends e-mail. Implementations: SMTP through a relay, or `.eml` files.
#[async_trait::async_trait]
pub trait Mailer: Send + Sync + 'static {
    async fn send(&self, message: &EmailMessage) -> Result<(), DeliveryError>;
}

/// Sends text messages. The default implementation records them instead.
#[async_trait::async_trait]
pub trait SmsSender: Send + Sync + 'static {
    async fn send(&self, message: &SmsMessage) -> Result<(), DeliveryError>;
}
