//! The six-month (or any period's) review document: Biểu II.06a for the
//! province by field and by agency, and the summary of indicators, in
//! Vietnamese, ready to draw as HTML, XLSX or PDF.
//!
//! Numbers stay numbers here, so a spreadsheet gets numeric cells (and a
//! chart over them); the words are the form's, whatever the interface
//! language, as for every legal form.

use serde::Serialize;

use super::period::PeriodSpec;
use super::placement::Column;
use crate::printout::{Block, Letterhead, Printout, Signature};
use crate::regime::{FormKind, Paper};

/// The label of Biểu II.06a, as the template names it (DOMAIN §4).
pub const FORM_LABEL: &str = "Biểu số II.06a/VPCP/KSTT";
pub const TITLE: &str = "Tình hình, kết quả giải quyết thủ tục hành chính";

/// The heading of each counting column, in [`Column::ALL`] order.
pub fn heading(column: Column) -> &'static str {
    match column {
        Column::Received => "Tổng số hồ sơ tiếp nhận",
        Column::ReceivedOnline => "Tiếp nhận trực tuyến",
        Column::ReceivedInPerson => "Tiếp nhận trực tiếp và qua dịch vụ bưu chính công ích",
        Column::CarriedOver => "Từ kỳ trước chuyển qua",
        Column::Resolved => "Tổng số hồ sơ đã giải quyết",
        Column::Early => "Giải quyết trước hạn",
        Column::OnTime => "Giải quyết đúng hạn",
        Column::Late => "Giải quyết quá hạn",
        Column::Pending => "Tổng số hồ sơ đang giải quyết",
        Column::WithinLimit => "Đang giải quyết trong hạn",
        Column::Overdue => "Đang giải quyết quá hạn",
    }
}

/// One row of a table: its label and its eleven counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub label: String,
    pub values: [u64; 11],
}

/// A table of the review: its rows and their total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    pub title: String,
    /// What the second column names ("Lĩnh vực", "Cơ quan").
    pub row_heading: String,
    pub rows: Vec<Row>,
    pub total: Row,
}

/// An indicator of the summary, worded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub label: String,
    pub value: String,
}

/// A titled list of worded lines (an evaluation under one set of rules).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub title: String,
    pub lines: Vec<Line>,
}

/// The review document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    /// "UBND TỈNH ĐỒNG THÁP".
    pub issuer: String,
    /// "Kỳ báo cáo: 6 tháng đầu năm 2025 (từ ngày 15/12/2024 đến ngày 14/06/2025)".
    pub period_label: String,
    /// "Đồng Tháp, ngày 07 tháng 12 năm 2026".
    pub place_and_date: String,
    pub notes: Vec<String>,
    pub tables: Vec<Table>,
    pub summary: Vec<Line>,
    /// The evaluation under each set of rules the period's dossiers fall
    /// under.
    pub evaluation: Vec<Section>,
    /// "bao-cao-2025-H1".
    pub file_stem: String,
}

/// How the period reads in a report title.
pub fn period_words(spec: PeriodSpec) -> String {
    const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];
    match spec {
        PeriodSpec::Month { year, month } => format!("tháng {month} năm {year}"),
        PeriodSpec::Quarter { year, quarter } => {
            let q = ROMAN.get(quarter as usize - 1).copied().unwrap_or("?");
            format!("quý {q} năm {year}")
        }
        PeriodSpec::Half { year, half: 1 } => format!("6 tháng đầu năm {year}"),
        PeriodSpec::Half { year, .. } => format!("6 tháng cuối năm {year}"),
        PeriodSpec::Year { year } => format!("năm {year}"),
        PeriodSpec::Days { first, last } => format!(
            "từ ngày {} đến ngày {}",
            first.format("%d/%m/%Y"),
            last.format("%d/%m/%Y")
        ),
    }
}

impl Review {
    /// The headings of a table's columns, numbered as the form numbers
    /// them.
    pub fn headings(row_heading: &str) -> Vec<String> {
        let mut out = vec!["STT (1)".to_owned(), format!("{row_heading} (2)")];
        out.extend(
            Column::ALL
                .iter()
                .map(|c| format!("{} ({})", heading(*c), c.number())),
        );
        out
    }

    /// The review as a printout, for the PDF engine that draws every form.
    pub fn printout(&self) -> Printout {
        let mut blocks = Vec::new();
        for table in &self.tables {
            blocks.push(Block::Paragraph {
                text: table.title.clone(),
            });
            let mut rows: Vec<Vec<String>> = table
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut cells = vec![(i + 1).to_string(), r.label.clone()];
                    cells.extend(r.values.iter().map(u64::to_string));
                    cells
                })
                .collect();
            let mut total = vec![String::new(), table.total.label.clone()];
            total.extend(table.total.values.iter().map(u64::to_string));
            rows.push(total);
            let mut widths = vec![3, 14];
            widths.extend([5u16; 11]);
            blocks.push(Block::Table {
                columns: Review::headings(&table.row_heading),
                rows,
                widths,
            });
        }
        blocks.push(Block::List {
            label: "Các chỉ số".to_owned(),
            items: self
                .summary
                .iter()
                .map(|l| format!("{}: {}", l.label, l.value))
                .collect(),
        });
        for section in &self.evaluation {
            blocks.push(Block::List {
                label: section.title.clone(),
                items: section
                    .lines
                    .iter()
                    .map(|l| format!("{}: {}", l.label, l.value))
                    .collect(),
            });
        }
        Printout {
            kind: FormKind::StatisticsReview,
            form_label: FORM_LABEL.to_owned(),
            paper: Paper::A4,
            landscape: true,
            letterhead: Letterhead {
                superior: None,
                agency: self.issuer.clone(),
                number: None,
            },
            place_and_date: self.place_and_date.clone(),
            title: TITLE.to_owned(),
            subtitle: vec![self.period_label.clone()],
            blocks,
            signatures: vec![Signature {
                title: "Người lập biểu".to_owned(),
                hint: "(Ký và ghi rõ họ tên)".to_owned(),
                name: None,
            }],
            notes: self.notes.clone(),
            qr: None,
            file_stem: self.file_stem.clone(),
        }
    }
}
