//! Printouts as PDF through typst.

use motcua_domain::printout::{NATIONAL_MOTTO, NATIONAL_NAME, Printout, RenderError};
use typst::foundations::{Dict, IntoValue, Smart};
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

static TEMPLATE: &str = include_str!("../templates/form.typ");

static FONTS: [&[u8]; 4] = [
    include_bytes!("../fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../fonts/LiberationSerif-BoldItalic.ttf"),
];

/// The typst engine with the form template and the embedded fonts.
pub struct Pdf {
    engine: TypstEngine<TypstTemplateMainFile>,
}

impl Pdf {
    pub fn new() -> Pdf {
        // All faces in one call: the engine builds one font book from them.
        let engine = TypstEngine::builder()
            .main_file(TEMPLATE)
            .fonts(FONTS)
            .build();
        Pdf { engine }
    }

    /// Lays the printout out and writes the PDF. Deterministic: the same
    /// printout gives the same bytes (no creation time, the file stem as
    /// the document's identifier).
    pub fn render(&self, printout: &Printout) -> Result<Vec<u8>, RenderError> {
        let engine_error = |detail: String| RenderError::Engine {
            format: "PDF",
            detail,
        };
        let json = serde_json::to_string(printout).map_err(|e| engine_error(e.to_string()))?;
        let mut inputs = Dict::new();
        inputs.insert("doc".into(), json.into_value());
        inputs.insert("nation".into(), NATIONAL_NAME.into_value());
        inputs.insert("motto".into(), NATIONAL_MOTTO.into_value());
        let document: PagedDocument = self
            .engine
            .compile_with_input(inputs)
            .output
            .map_err(|e| engine_error(e.to_string()))?;
        let options = PdfOptions {
            ident: Smart::Custom(printout.file_stem.clone()),
            ..PdfOptions::default()
        };
        typst_pdf::pdf(&document, &options).map_err(|diagnostics| {
            engine_error(
                diagnostics
                    .iter()
                    .map(|d| d.message.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })
    }
}

impl Default for Pdf {
    fn default() -> Self {
        Pdf::new()
    }
}
