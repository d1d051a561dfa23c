//! `motcua-notify`: the transports the outbox's messages go through.
//!
//! This room implements [`Mailer`](motcua_app::outbox::Mailer) and
//! [`SmsSender`](motcua_app::outbox::SmsSender); it knows nothing of jobs,
//! dossiers or templates (messages arrive rendered) and nothing above it
//! depends on it but the binary, which picks one transport of each:
//!
//! - [`SmtpMailer`]: e-mail through an SMTP relay (`smtp://` with STARTTLS,
//!   `smtps://` with TLS, `?tls=none` for a relay on this machine), every
//!   send bounded in time.
//! - [`FileMailer`]: the default without a relay — each e-mail written as
//!   an RFC 5322 `.eml` file, so nothing is lost and an operator can read
//!   or forward it.
//! - [`RecordedSms`]: the default text-message sender — each message
//!   recorded as a JSON file, sent nowhere, until a gateway is configured.
//!
//! Messages are UTF-8 Vietnamese: subjects and display names are encoded as
//! RFC 2047 words, bodies as `text/plain; charset=utf-8`.
#![forbid(unsafe_code)]

mod file;
mod message;
mod sms;
mod smtp;
mod spool;

pub use file::FileMailer;
pub use sms::{RecordedSms, RecordedSmsFile};
pub use smtp::{SmtpMailer, SmtpSecurity, SmtpSettings};

/// Why a transport could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The SMTP URL is not one we understand. Never holds the password.
    #[error("the SMTP URL is not valid: {0}")]
    SmtpUrl(String),
    /// The sender address does not parse.
    #[error("“{value}” is not a sender address (e.g. `Một cửa <no-reply@example.vn>`): {reason}")]
    From { value: String, reason: String },
}

/// Parses the sender of every e-mail (`Tên <no-reply@example.vn>` or a bare
/// address).
pub(crate) fn parse_from(value: &str) -> Result<lettre::message::Mailbox, NotifyError> {
    value.trim().parse().map_err(|e| NotifyError::From {
        value: value.to_owned(),
        reason: format!("{e}"),
    })
}
