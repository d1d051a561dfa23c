//! The defaults without a relay or a gateway: `.eml` files and recorded
//! text messages.

use motcua_app::outbox::{Mailer, SmsMessage, SmsSender};
use motcua_notify::{FileMailer, NotifyError, RecordedSms, RecordedSmsFile};

use super::{FROM, assert_delivered_intact, vietnamese_email};

fn files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn an_eml_file_reads_back_as_the_message_sent() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("outbox").join("mail");
    let mailer = FileMailer::new(&folder, FROM).unwrap();
    let email = vietnamese_email("dan@example.vn");

    let path = mailer.write(&email).await.unwrap();
    assert_eq!(path.parent(), Some(folder.as_path()));
    assert_eq!(path.extension().and_then(|e| e.to_str()), Some("eml"));
    assert_delivered_intact(&std::fs::read(&path).unwrap(), &email);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "personal data is readable by others: {mode:o}"
        );
    }
}

#[tokio::test]
async fn eml_files_sort_by_time_and_leave_nothing_half_written() {
    let dir = tempfile::tempdir().unwrap();
    let mailer = FileMailer::new(dir.path(), FROM).unwrap();
    let mut written = Vec::new();
    for i in 0..5 {
        let email = vietnamese_email(&format!("dan{i}@example.vn"));
        written.push(mailer.write(&email).await.unwrap());
        mailer.send(&email).await.unwrap();
    }
    let all = files(dir.path());
    assert_eq!(all.len(), 10, "{all:?}");
    // In order of writing, and no temporary file is left behind.
    let mut sorted = written.clone();
    sorted.sort();
    assert_eq!(sorted, written);
    assert!(
        all.iter()
            .all(|p| p.extension().is_some_and(|e| e == "eml"))
    );
}

#[tokio::test]
async fn a_bad_sender_or_recipient_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        FileMailer::new(dir.path(), "not an address"),
        Err(NotifyError::From { .. })
    ));
    let mailer = FileMailer::new(dir.path(), "motcua <no-reply@localhost>").unwrap();
    let error = mailer
        .send(&vietnamese_email("no at sign"))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, motcua_app::outbox::DeliveryError::Permanent(m) if m.contains("no at sign")),
        "{error:?}"
    );
    assert!(files(dir.path()).is_empty());
}

#[tokio::test]
async fn a_text_message_is_recorded_not_sent() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("sms");
    let sms = RecordedSms::new(&folder);
    let message = SmsMessage {
        to: "+84912345678".into(),
        text: "Hồ sơ 000.00.01.H12-250101-0001 đã có kết quả.".into(),
    };
    let before = chrono::Utc::now();
    let path = sms.record(&message).await.unwrap();
    SmsSender::send(&sms, &message).await.unwrap();

    assert_eq!(files(&folder).len(), 2);
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.ends_with(b"}\n"));
    let recorded: RecordedSmsFile = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(recorded.to, message.to);
    assert_eq!(recorded.text, message.text);
    assert!(recorded.recorded_at >= before);
}
