//! A legal form filled in, ready to print: what the page says, in the order
//! it says it, without saying how it is drawn.
//!
//! The application fills a [`Printout`] from a dossier and its timeline (one
//! builder per form); the web layer draws it as print-ready HTML and a
//! [`Renderer`] draws it as PDF or, for a table, as a spreadsheet. Keeping the
//! words in one place means the HTML and the PDF of a form cannot disagree,
//! and the heavy PDF engine lives in its own crate (`motcua-reports`) that
//! only the binary wires in.
//!
//! Forms are legal documents in Vietnamese: their words are Vietnamese
//! whatever language the interface is in, and NFC like all stored text.

use serde::Serialize;

use crate::regime::{FormKind, Paper};

/// A filled form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Printout {
    pub kind: FormKind,
    /// "Mẫu số 01" and the circular it comes from, printed small at the top.
    pub form_label: String,
    pub paper: Paper,
    /// Printed across the long side (the logbook).
    pub landscape: bool,
    pub letterhead: Letterhead,
    /// "Đồng Tháp, ngày 07 tháng 12 năm 2026".
    pub place_and_date: String,
    /// The title, as the annex writes it (the renderer sets it in capitals).
    pub title: String,
    /// Lines under the title: the dossier code, the copy ("Liên").
    pub subtitle: Vec<String>,
    pub blocks: Vec<Block>,
    pub signatures: Vec<Signature>,
    /// The notes under the signatures ("Ghi chú").
    pub notes: Vec<String>,
    /// A QR code printed beside the body, with its caption.
    pub qr: Option<Qr>,
    /// A name for the file, without extension ("mau-01-H29.1.2-261207-0001").
    pub file_stem: String,
}

/// The upper left of a Vietnamese administrative document: the superior
/// agency, the issuing one and the document's number; the national motto
/// sits on the right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Letterhead {
    pub superior: Option<String>,
    pub agency: String,
    /// "Số: …" when the form is numbered.
    pub number: Option<String>,
}

/// One piece of the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum Block {
    /// Running text.
    Paragraph { text: String },
    /// "Label: value" on one line (wrapping when long).
    Field { label: String, value: String },
    /// A heading line followed by its items, numbered "1.1", "1.2"… under
    /// the heading's own number.
    List { label: String, items: Vec<String> },
    /// A table with a header row.
    Table {
        columns: Vec<String>,
        rows: Vec<Vec<String>>,
        /// Relative column widths, one per column.
        widths: Vec<u16>,
    },
}

/// A signature block: who signs and what the annex asks under the title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signature {
    pub title: String,
    /// "(Ký và ghi rõ họ tên)".
    pub hint: String,
    /// The name, when the system knows who signs.
    pub name: Option<String>,
}

/// A QR code as SVG, and what it leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Qr {
    pub svg: String,
    pub caption: String,
}

impl Printout {
    /// Every text the page must show, in order: what a test looks for in
    /// the rendered output.
    pub fn texts(&self) -> Vec<&str> {
        let mut out: Vec<&str> = vec![self.form_label.as_str()];
        out.extend(self.letterhead.superior.as_deref());
        out.push(&self.letterhead.agency);
        out.extend(self.letterhead.number.as_deref());
        out.push(&self.place_and_date);
        out.extend(self.subtitle.iter().map(String::as_str));
        for block in &self.blocks {
            match block {
                Block::Paragraph { text } => out.push(text),
                Block::Field { label, value } => {
                    out.push(label);
                    out.push(value);
                }
                Block::List { label, items } => {
                    out.push(label);
                    out.extend(items.iter().map(String::as_str));
                }
                Block::Table { columns, rows, .. } => {
                    out.extend(columns.iter().map(String::as_str));
                    out.extend(rows.iter().flatten().map(String::as_str));
                }
            }
        }
        for s in &self.signatures {
            out.push(&s.title);
            out.push(&s.hint);
            out.extend(s.name.as_deref());
        }
        out.extend(self.notes.iter().map(String::as_str));
        out.extend(self.qr.as_ref().map(|q| q.caption.as_str()));
        out.retain(|t| !t.is_empty());
        out
    }

    /// The table of the form, if it has one (the control sheet, the
    /// logbook).
    pub fn table(&self) -> Option<(&[String], &[Vec<String>])> {
        self.blocks.iter().find_map(|b| match b {
            Block::Table { columns, rows, .. } => Some((columns.as_slice(), rows.as_slice())),
            _ => None,
        })
    }
}

/// The national motto, as every administrative document carries it.
pub const NATIONAL_NAME: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
pub const NATIONAL_MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";

/// Why a printout could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// This build has no engine for the format.
    #[error("this build cannot produce {format}")]
    Unavailable { format: &'static str },
    /// The form has no table to put in a spreadsheet.
    #[error("the form has no table")]
    NoTable,
    /// The engine failed (a template or font problem: a bug, not the
    /// user's input).
    #[error("the {format} engine failed: {detail}")]
    Engine {
        format: &'static str,
        detail: String,
    },
}

/// Draws printouts as files. `motcua-reports` has the real one; the
/// application holds it as `Arc<dyn Renderer>`.
pub trait Renderer: Send + Sync {
    /// The printout as a PDF document.
    fn pdf(&self, printout: &Printout) -> Result<Vec<u8>, RenderError>;

    /// The printout's table as an XLSX workbook.
    fn xlsx(&self, printout: &Printout) -> Result<Vec<u8>, RenderError>;

    /// The statistics review as an XLSX workbook: numeric cells, a native
    /// chart beside each table.
    fn review_xlsx(&self, review: &crate::statistics::Review) -> Result<Vec<u8>, RenderError>;
}

/// A renderer for builds and tests without the PDF engine: every call says
/// so, and the HTML of each form still works.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRenderer;

impl Renderer for NoRenderer {
    fn pdf(&self, _: &Printout) -> Result<Vec<u8>, RenderError> {
        Err(RenderError::Unavailable { format: "PDF" })
    }

    fn xlsx(&self, _: &Printout) -> Result<Vec<u8>, RenderError> {
        Err(RenderError::Unavailable { format: "XLSX" })
    }

    fn review_xlsx(&self, _: &crate::statistics::Review) -> Result<Vec<u8>, RenderError> {
        Err(RenderError::Unavailable { format: "XLSX" })
    }
}
