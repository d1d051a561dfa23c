//! The transports against real things: `.eml` files read back by an
//! independent parser, recorded text messages, and e-mail delivered to a
//! real SMTP server on loopback (one test binary for the crate).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod files;
mod smtp;

use mail_parser::{MessageParser, MimeHeaders};
use motcua_app::outbox::EmailMessage;

pub const FROM: &str = "Một cửa Đồng Tháp <no-reply@dongthap.example>";

/// A message that tries what can go wrong with Vietnamese text and SMTP: a
/// long subject, decomposed and composed letters, a long body line (soft
/// breaks), a line that starts with a dot (SMTP dot-stuffing) and one that
/// starts with `From ` (mbox quoting).
pub fn vietnamese_email(to: &str) -> EmailMessage {
    EmailMessage {
        to: to.into(),
        subject: "Hồ sơ 000.00.01.H12-250101-0001 đã được tiếp nhận — Sở Tư pháp tỉnh Đồng Tháp thông báo"
            .into(),
        text: "Kính gửi ông/bà Nguyễn Thị Ánh Tuyết,\n\n\
               Hồ sơ “Đăng ký khai sinh” của ông/bà đã được Bộ phận Một cửa tiếp nhận lúc 08:30 ngày 01/01/2025; thời hạn giải quyết dự kiến là 17:00 ngày 03/01/2025.\n\
               .Dòng bắt đầu bằng dấu chấm.\n\
               From đây trở đi: trả kết quả qua bưu chính công ích.\n\n\
               Trân trọng,\nỦy ban nhân dân xã Mỹ Thọ"
            .into(),
    }
}

/// Parses `raw` with an independent parser and checks that every header
/// and the body arrived as sent.
pub fn assert_delivered_intact(raw: &[u8], sent: &EmailMessage) {
    // Everything on the wire is 7-bit: encoded words and a transfer encoding.
    assert!(raw.is_ascii(), "{}", String::from_utf8_lossy(raw));
    let text = String::from_utf8_lossy(raw);
    assert!(text.contains("Subject: =?utf-8?"), "{text}");
    assert!(text.contains("MIME-Version: 1.0\r\n"), "{text}");
    assert!(
        text.contains("Auto-Submitted: auto-generated\r\n"),
        "{text}"
    );

    let message = MessageParser::default().parse(raw).expect("parses");
    assert_eq!(message.subject(), Some(sent.subject.as_str()));
    let from = message.from().and_then(|a| a.first()).unwrap();
    assert_eq!(from.name(), Some("Một cửa Đồng Tháp"));
    assert_eq!(from.address(), Some("no-reply@dongthap.example"));
    let to = message.to().and_then(|a| a.first()).unwrap();
    assert_eq!(to.address(), Some(sent.to.as_str()));
    assert!(message.date().is_some());
    assert!(
        message
            .message_id()
            .is_some_and(|id| id.ends_with("@dongthap.example")),
        "{:?}",
        message.message_id()
    );
    let content_type = message.content_type().unwrap();
    assert_eq!(content_type.ctype(), "text");
    assert_eq!(content_type.subtype(), Some("plain"));
    assert_eq!(
        content_type
            .attribute("charset")
            .map(str::to_ascii_lowercase),
        Some("utf-8".into())
    );
    let body = message.body_text(0).unwrap().replace("\r\n", "\n");
    assert_eq!(body.trim_end(), sent.text);
}
