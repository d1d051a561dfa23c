//! An outbox e-mail as an RFC 5322 message: the same bytes whether it goes
//! to a relay or to a file.

use lettre::Message;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, SinglePart};
use motcua_app::outbox::{DeliveryError, EmailMessage};

/// Builds the message. A recipient that is not an address can never be
/// sent to: a permanent failure.
pub(crate) fn build(from: &Mailbox, email: &EmailMessage) -> Result<Message, DeliveryError> {
    let to: Mailbox = email.to.trim().parse().map_err(|e| {
        DeliveryError::Permanent(format!("“{}” is not an e-mail address: {e}", email.to))
    })?;
    Message::builder()
        .message_id(Some(message_id(from)))
        .from(from.clone())
        .to(to)
        .subject(one_line(&email.subject))
        .header(AutoSubmitted)
        // `MIME-Version: 1.0`, `text/plain; charset=utf-8` and the shortest
        // safe transfer encoding (quoted-printable or base64).
        .singlepart(SinglePart::plain(email.text.clone()))
        .map_err(|e| DeliveryError::Permanent(format!("the e-mail cannot be built: {e}")))
}

/// `Auto-Submitted: auto-generated` (RFC 3834): mail robots do
/// not answer a notification (no vacation replies, no loops).
#[derive(Debug, Clone, Copy)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

/// `<uuid@sender-domain>`: unique, and from a domain the sender owns.
fn message_id(from: &Mailbox) -> String {
    format!(
        "<{}@{}>",
        uuid::Uuid::now_v7().simple(),
        from.email.domain()
    )
}

/// A subject is one line: control characters (a line break could smuggle a
/// header in) become spaces.
fn one_line(subject: &str) -> String {
    subject
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_cannot_carry_a_header() {
        assert_eq!(
            one_line("Hồ sơ\r\nBcc: x@example.vn"),
            "Hồ sơ  Bcc: x@example.vn"
        );
    }

    #[test]
    fn a_recipient_that_is_not_an_address_is_a_permanent_failure() {
        let from: Mailbox = "motcua <no-reply@example.vn>".parse().unwrap();
        let email = EmailMessage {
            to: "not an address".into(),
            subject: "s".into(),
            text: "t".into(),
        };
        assert!(matches!(
            build(&from, &email),
            Err(DeliveryError::Permanent(m)) if m.contains("not an address")
        ));
    }
}
