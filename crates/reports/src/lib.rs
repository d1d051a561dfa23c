//! `motcua-reports`: draws printouts as PDF (typst) and as XLSX.
//!
//! This is the crate that carries the heavy engines, so that nothing else
//! compiles them: the application holds an `Arc<dyn Renderer>`
//! ([`motcua_domain::printout::Renderer`]) and the binary wires [`Reports`]
//! in. One typst template draws every form from the printout's JSON; the
//! font is Liberation Serif (SIL Open Font Licence 1.1, `fonts/OFL.txt`),
//! metric-compatible with Times New Roman, the face Vietnamese
//! administrative documents are set in, and complete for Vietnamese.
#![forbid(unsafe_code)]

mod pdf;
mod review;
mod xlsx;

use motcua_domain::printout::{Printout, RenderError, Renderer};

pub use pdf::Pdf;

/// The renderer the binary wires in: PDF through typst, tables through
/// rust_xlsxwriter. Build it once (it parses the fonts) and share it.
pub struct Reports {
    pdf: Pdf,
}

impl Reports {
    pub fn new() -> Reports {
        Reports { pdf: Pdf::new() }
    }
}

impl Default for Reports {
    fn default() -> Self {
        Reports::new()
    }
}

impl std::fmt::Debug for Reports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Reports(typst, rust_xlsxwriter)")
    }
}

impl Renderer for Reports {
    fn pdf(&self, printout: &Printout) -> Result<Vec<u8>, RenderError> {
        self.pdf.render(printout)
    }

    fn xlsx(&self, printout: &Printout) -> Result<Vec<u8>, RenderError> {
        xlsx::workbook(printout)
    }

    fn review_xlsx(
        &self,
        review: &motcua_domain::statistics::Review,
    ) -> Result<Vec<u8>, RenderError> {
        review::workbook(review)
    }
}
