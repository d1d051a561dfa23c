//! The renderer on hand-made printouts: text that looks like typst markup
//! stays text, a table goes to a workbook whole, and a form without a table
//! has no workbook.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use calamine::{Data, Reader, Xlsx};
use motcua_domain::printout::{Block, Letterhead, Printout, RenderError, Renderer, Signature};
use motcua_domain::regime::{FormKind, Paper};
use motcua_reports::Reports;

fn printout(blocks: Vec<Block>) -> Printout {
    Printout {
        kind: FormKind::Logbook,
        form_label: "Mẫu số 06 — Thông tư 01/2018/TT-VPCP".into(),
        paper: Paper::A4,
        landscape: true,
        letterhead: Letterhead {
            superior: Some("ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP".into()),
            agency: "SỞ TƯ PHÁP".into(),
            number: None,
        },
        place_and_date: "Đồng Tháp, ngày 07 tháng 12 năm 2026".into(),
        title: "SỔ THEO DÕI HỒ SƠ".into(),
        subtitle: vec!["Năm 2026".into()],
        blocks,
        signatures: vec![Signature {
            title: "NGƯỜI LẬP SỔ".into(),
            hint: "(Ký và ghi rõ họ tên)".into(),
            name: None,
        }],
        notes: vec![],
        qr: None,
        file_stem: "so-theo-doi-2026".into(),
    }
}

#[test]
fn text_that_looks_like_markup_is_printed_as_typed() {
    let typed = "Nguyễn #set page(paper: \"a3\") $x^2$ *đậm* [link] <nhãn> @ref \\ `mã` // không phải chú thích";
    let p = printout(vec![Block::Field {
        label: "Ghi chú của người nộp".into(),
        value: typed.into(),
    }]);
    let pdf = Reports::new().pdf(&p).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // The same printout gives the same bytes (no clock inside).
    assert_eq!(pdf, Reports::new().pdf(&p).unwrap());
    if Command::new("pdftotext").arg("-v").output().is_err() {
        assert!(
            std::env::var_os("MOTCUA_REQUIRE_POPPLER").is_none(),
            "pdftotext is missing: apt-get install poppler-utils"
        );
        eprintln!("skipped the text check: poppler-utils is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains(typed), "{text}");
}

#[test]
fn a_table_becomes_a_workbook_with_every_cell() {
    let columns: Vec<String> = ["TT", "Mã hồ sơ", "Tên thủ tục hành chính", "Ghi chú"]
        .map(String::from)
        .to_vec();
    let rows = vec![
        vec![
            "1".into(),
            "000.00.41.H29-261207-0001".into(),
            "Đăng ký khai sinh".into(),
            String::new(),
        ],
        vec![
            "2".into(),
            "000.00.41.H29-261207-0002".into(),
            "Cấp bản sao trích lục hộ tịch".into(),
            "Trả qua bưu điện".into(),
        ],
    ];
    let p = printout(vec![Block::Table {
        columns: columns.clone(),
        rows: rows.clone(),
        widths: vec![1, 3, 4, 2],
    }]);
    let bytes = Reports::new().xlsx(&p).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("Sổ theo dõi").unwrap();
    let cells: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    // The heading: agency, title, subtitle; a blank row; then the table.
    assert_eq!(cells[0][0], "SỞ TƯ PHÁP");
    assert_eq!(cells[1][0], "SỔ THEO DÕI HỒ SƠ");
    assert_eq!(cells[2][0], "Năm 2026");
    assert_eq!(cells[4], columns);
    assert_eq!(cells[5..].to_vec(), rows);
}

#[test]
fn a_form_without_a_table_has_no_workbook() {
    let p = printout(vec![Block::Paragraph {
        text: "Không có bảng".into(),
    }]);
    assert_eq!(Reports::new().xlsx(&p), Err(RenderError::NoTable));
}
