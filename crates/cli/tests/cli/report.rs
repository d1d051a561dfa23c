//! `motcua report`: the review of a period written as XLSX, PDF and HTML
//! from a generated record; a wrong period or format is told plainly and
//! writes nothing.

use super::data::{motcua, text};

#[test]
fn the_review_is_written_in_each_format_and_a_wrong_request_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let o = motcua(
        dir.path(),
        &[
            "demo",
            "generate",
            "--dossiers",
            "400",
            "--from",
            "01/07/2025",
            "--to",
            "30/06/2026",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    // The generator counts what it wrote into the kept statistics.
    assert!(
        text(&o).contains("Đã tính 400 hồ sơ vào số liệu thống kê tổng hợp"),
        "{}",
        text(&o)
    );

    for (format, magic) in [
        ("xlsx", &b"PK"[..]),
        ("pdf", &b"%PDF"[..]),
        ("html", &b"<!DOCTYPE html>"[..]),
    ] {
        let file = format!("bao-cao.{format}");
        let o = motcua(
            dir.path(),
            &[
                "report", "--period", "2026-H1", "--format", format, "-o", &file,
            ],
        );
        assert!(o.status.success(), "{format}: {}", text(&o));
        assert!(
            text(&o).contains("Đã ghi báo cáo kỳ 2026-H1 (từ 15/12/2025 đến 14/06/2026)"),
            "{}",
            text(&o)
        );
        let bytes = std::fs::read(dir.path().join(&file)).unwrap();
        assert!(bytes.starts_with(magic), "{format}");
    }
    // Counted from the record instead of the kept sums, on request.
    let o = motcua(
        dir.path(),
        &[
            "report",
            "--period",
            "2026-H1",
            "--format",
            "html",
            "--from-record",
            "-o",
            "tu-ho-so.html",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let html = std::fs::read_to_string(dir.path().join("bao-cao.html")).unwrap();
    assert!(html.contains("Biểu số II.06a/VPCP/KSTT"));
    assert!(html.contains("<style>"), "the file stands alone");
    assert!(html.contains("<svg"), "with its charts");
    // Calendar months on request.
    let o = motcua(
        dir.path(),
        &[
            "report",
            "--period",
            "2026-Q1",
            "--cut-off-day",
            "1",
            "--format",
            "html",
            "-o",
            "q1.html",
        ],
    );
    assert!(
        text(&o).contains("(từ 01/01/2026 đến 31/03/2026)"),
        "{}",
        text(&o)
    );

    for (args, says) in [
        (
            vec!["--period", "2026-H3", "--format", "pdf"],
            "không phải là kỳ báo cáo",
        ),
        (vec!["--period", "2026-H1", "--format", "doc"], "--format"),
        (
            vec![
                "--period",
                "2026-H1",
                "--format",
                "pdf",
                "--cut-off-day",
                "30",
            ],
            "từ 1 đến 28",
        ),
        (
            vec!["--period", "2999", "--format", "pdf"],
            "chưa có ngày nào kết thúc",
        ),
    ] {
        let mut all = vec!["report", "-o", "khong-ghi.pdf"];
        all.extend(args.iter().copied());
        let o = motcua(dir.path(), &all);
        assert!(!o.status.success(), "{args:?}");
        assert!(text(&o).contains(says), "{args:?}: {}", text(&o));
        assert!(!dir.path().join("khong-ghi.pdf").exists(), "{args:?}");
    }
}
