//! The statistics review as an XLSX workbook: a sheet per table of
//! Biểu II.06a with numeric cells and a native stacked-column chart of how
//! the resolved dossiers stood against their due dates, and a sheet of the
//! indicators.

use motcua_domain::printout::RenderError;
use motcua_domain::statistics::review::{FORM_LABEL, TITLE, Table};
use motcua_domain::statistics::{Column, Review};
use rust_xlsxwriter::{Chart, ChartType, Format, FormatBorder, Workbook, Worksheet, XlsxError};

pub fn workbook(review: &Review) -> Result<Vec<u8>, RenderError> {
    write(review).map_err(|e| RenderError::Engine {
        format: "XLSX",
        detail: e.to_string(),
    })
}

/// Sheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(i: usize) -> String {
    format!("Biểu {}", i + 1)
}

fn write(review: &Review) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    for (i, table) in review.tables.iter().enumerate() {
        let name = sheet_name(i);
        let sheet = book.add_worksheet();
        sheet.set_name(&name)?;
        write_table(sheet, &name, review, table)?;
    }
    let sheet = book.add_worksheet();
    sheet.set_name("Chỉ số")?;
    let bold = Format::new().set_bold();
    sheet.write_string_with_format(0, 0, &review.issuer, &bold)?;
    sheet.write_string_with_format(1, 0, TITLE.to_uppercase(), &bold)?;
    sheet.write_string(2, 0, &review.period_label)?;
    sheet.set_column_width(0, 60)?;
    sheet.set_column_width(1, 20)?;
    let lines = review
        .summary
        .iter()
        .map(|l| (l.label.as_str(), l.value.as_str()))
        .chain(review.evaluation.iter().flat_map(|section| {
            [("", ""), (section.title.as_str(), "")].into_iter().chain(
                section
                    .lines
                    .iter()
                    .map(|l| (l.label.as_str(), l.value.as_str())),
            )
        }))
        .chain([("", "")])
        .chain(review.notes.iter().map(|n| (n.as_str(), "")));
    for (row, (label, value)) in (4u32..).zip(lines) {
        sheet.write_string(row, 0, label)?;
        sheet.write_string(row, 1, value)?;
    }
    book.save_to_buffer()
}

fn write_table(
    sheet: &mut Worksheet,
    name: &str,
    review: &Review,
    table: &Table,
) -> Result<(), XlsxError> {
    sheet.set_paper_size(9);
    sheet.set_landscape();
    let bold = Format::new().set_bold();
    let header = crate::xlsx::header_format();
    let cell = Format::new().set_border(FormatBorder::Thin);
    let total = Format::new().set_bold().set_border(FormatBorder::Thin);

    sheet.write_string_with_format(0, 0, &review.issuer, &bold)?;
    sheet.write_string(1, 0, FORM_LABEL)?;
    sheet.write_string_with_format(2, 0, TITLE.to_uppercase(), &bold)?;
    sheet.write_string(3, 0, &review.period_label)?;
    sheet.write_string_with_format(4, 0, &table.title, &bold)?;
    let head = 6u32;
    for (c, heading) in Review::headings(&table.row_heading).iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        sheet.write_string_with_format(head, c, heading, &header)?;
        sheet.set_column_width(c, if c == 1 { 40 } else { 12 })?;
    }
    sheet.set_column_width(0, 6)?;
    sheet.set_row_height(head, 75)?;
    let mut row = head;
    for (i, r) in table.rows.iter().enumerate() {
        row += 1;
        sheet.write_number_with_format(row, 0, (i + 1) as f64, &cell)?;
        sheet.write_string_with_format(row, 1, &r.label, &cell)?;
        for (c, v) in r.values.iter().enumerate() {
            sheet.write_number_with_format(row, column(c), *v as f64, &cell)?;
        }
    }
    let last_data = row;
    row += 1;
    sheet.write_string_with_format(row, 0, "", &total)?;
    sheet.write_string_with_format(row, 1, &table.total.label, &total)?;
    for (c, v) in table.total.values.iter().enumerate() {
        sheet.write_number_with_format(row, column(c), *v as f64, &total)?;
    }
    sheet.set_freeze_panes(head + 1, 2)?;
    sheet.set_repeat_rows(head, head)?;

    // How the resolved stood: early, on time, late, one stacked column per
    // row of the table (its data rows, not the total).
    if last_data > head {
        let mut chart = Chart::new(ChartType::ColumnStacked);
        chart.title().set_name("Hồ sơ đã giải quyết");
        for col in [Column::Early, Column::OnTime, Column::Late] {
            let c = column(col.index());
            chart
                .add_series()
                .set_name((name, head, c))
                .set_categories((name, head + 1, 1, last_data, 1))
                .set_values((name, head + 1, c, last_data, c));
        }
        chart.set_width(720).set_height(360);
        sheet.insert_chart(row + 2, 1, &chart)?;
    }
    Ok(())
}

/// The sheet column of the `i`-th count (after the number and the label).
fn column(i: usize) -> u16 {
    u16::try_from(i + 2).unwrap_or(u16::MAX)
}
