//! A printout's table as an XLSX workbook (the logbook): the title above,
//! the header row frozen, set to print on the form's paper.

use motcua_domain::printout::{Printout, RenderError};
use motcua_domain::regime::Paper;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

pub fn workbook(printout: &Printout) -> Result<Vec<u8>, RenderError> {
    let (columns, rows) = printout.table().ok_or(RenderError::NoTable)?;
    write(printout, columns, rows).map_err(|e| RenderError::Engine {
        format: "XLSX",
        detail: e.to_string(),
    })
}

/// Rows above the table: the agency, the title, the subtitle lines.
fn heading(printout: &Printout) -> Vec<String> {
    let mut lines = vec![printout.letterhead.agency.clone(), printout.title.clone()];
    lines.extend(printout.subtitle.iter().cloned());
    lines
}

fn write(
    printout: &Printout,
    columns: &[String],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    // Sheet names are at most 31 characters and may not hold some
    // punctuation: a short fixed name; the title is in the first rows.
    sheet.set_name("Sổ theo dõi")?;
    // Excel's paper codes: 9 is A4, 11 is A5.
    sheet.set_paper_size(match printout.paper {
        Paper::A4 => 9,
        Paper::A5 => 11,
    });
    if printout.landscape {
        sheet.set_landscape();
    }
    let bold = Format::new().set_bold();
    let header = header_format();
    let cell = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);

    let mut row = 0u32;
    for line in heading(printout) {
        sheet.write_string_with_format(row, 0, line, &bold)?;
        row += 1;
    }
    row += 1;
    let first = row;
    for (c, name) in columns.iter().enumerate() {
        let c = column(c)?;
        sheet.write_string_with_format(row, c, name, &header)?;
        sheet.set_column_width(c, width(name, rows, usize::from(c)))?;
    }
    for values in rows {
        row += 1;
        for (c, value) in values.iter().enumerate() {
            sheet.write_string_with_format(row, column(c)?, value, &cell)?;
        }
    }
    sheet.set_freeze_panes(first + 1, 0)?;
    sheet.set_repeat_rows(first, first)?;
    book.save_to_buffer()
}

/// A table's header cell: bold, wrapped, centred, framed.
pub(crate) fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
}

fn column(c: usize) -> Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::ParameterError("too many columns".to_owned()))
}

/// A width that shows most values whole without making the sheet wide:
/// the longest value, between 6 and 40 characters.
fn width(name: &str, rows: &[Vec<String>], c: usize) -> f64 {
    let longest = rows
        .iter()
        .filter_map(|r| r.get(c))
        .map(|v| v.chars().count())
        .chain([name.chars().count().min(20)])
        .max()
        .unwrap_or(6);
    // Bounded to 6..=40 first, so the conversion is exact.
    f64::from(u32::try_from(longest.clamp(6, 40)).unwrap_or(40))
}
