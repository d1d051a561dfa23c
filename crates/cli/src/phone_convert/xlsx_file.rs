//! XLSX: the first sheet's phone column is converted; every sheet is copied
//! into a new workbook (values, formulas with their last result, dates with a
//! date format). Cell styles, column widths, merged cells and charts are not
//! carried over: calamine reads values, rust_xlsxwriter writes a new file.
//!
//! A spreadsheet that typed a phone number as a number dropped its leading
//! zero (`912345678`); such a cell is read as the digits it shows, and a
//! converted number is always written back as text, so the zero stays.

use std::io::BufReader;
use std::path::Path;

use calamine::{Data, ExcelDateTime, ExcelDateTimeType, Range, Reader, Xlsx};
use chrono::NaiveDate;
use motcua_domain::phone::Recorded;
use motcua_i18n::Lang;
use rust_xlsxwriter::{Format, Formula, Workbook, Worksheet, XlsxError};

use super::{
    Dates, Outcome, Rejected, Rejects, Staged, Summary, Targets, commit, convert_value,
    find_column, missing_column, progress, row_recorded,
};
use crate::error::CliError;

/// One sheet as read.
struct Sheet {
    name: String,
    values: Range<Data>,
    formulas: Option<Range<String>>,
}

pub(super) fn convert(
    input: &Path,
    column: &str,
    dates: Dates<'_>,
    targets: Targets<'_>,
    lang: Lang,
) -> Result<Summary, CliError> {
    let read_err = |reason: String| {
        CliError::Message(lang.tr_args(
            "phone-convert-xlsx-error",
            &[
                ("path", input.display().to_string().into()),
                ("reason", reason.into()),
            ],
        ))
    };
    let mut book: Xlsx<BufReader<std::fs::File>> =
        calamine::open_workbook(input).map_err(|e: calamine::XlsxError| read_err(e.to_string()))?;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let values = book
            .worksheet_range(&name)
            .map_err(|e| read_err(e.to_string()))?;
        let formulas = book.worksheet_formula(&name).ok();
        sheets.push(Sheet {
            name,
            values,
            formulas,
        });
    }
    let no_header = || {
        CliError::Message(lang.tr_args(
            "phone-convert-no-header",
            &[("path", input.display().to_string().into())],
        ))
    };
    let first = sheets.first().ok_or_else(no_header)?;
    let (top, left) = first.values.start().ok_or_else(no_header)?;
    let width = first.values.width();
    let headers: Vec<String> = (0..width)
        .map(|c| {
            let col = left + u32::try_from(c).unwrap_or(u32::MAX);
            first
                .values
                .get_value((top, col))
                .map(cell_text)
                .unwrap_or_default()
        })
        .collect();
    let column_at = |name: &str| -> Result<u32, CliError> {
        let i = find_column(&headers, name)
            .ok_or_else(|| missing_column(lang, input, name, &headers))?;
        Ok(left + u32::try_from(i).unwrap_or(u32::MAX))
    };
    let phone_col = column_at(column)?;
    let date_col = match dates {
        Dates::Column(name) => Some(column_at(name)?),
        Dates::Fixed(_) => None,
    };

    let out_staged = Staged::new(targets.out)?;
    let rejects_staged = Staged::new(targets.rejects)?;
    let mut rejects = Rejects::new(&rejects_staged)?;
    let write_err =
        |e: XlsxError| CliError::file(targets.out, std::io::Error::other(e.to_string()));
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    let mut summary = Summary::default();

    for (index, sheet) in sheets.iter().enumerate() {
        let ws = workbook.add_worksheet();
        ws.set_name(&sheet.name).map_err(write_err)?;
        let Some((top_row, _)) = sheet.values.start() else {
            continue;
        };
        let bar = progress(u64::try_from(sheet.values.height()).unwrap_or(0), false);
        for (r, c, cell) in sheet.values.used_cells() {
            let row = top_row + u32::try_from(r).unwrap_or(u32::MAX);
            let col = sheet.values.start().map_or(0, |(_, left)| left)
                + u32::try_from(c).unwrap_or(u32::MAX);
            let formula = sheet
                .formulas
                .as_ref()
                .and_then(|f| f.get_value((row, col)))
                .filter(|f| !f.is_empty());
            let is_phone_cell = index == 0 && col == phone_col && row > top_row;
            if !is_phone_cell {
                write_cell(ws, row, col, cell, formula, &formats).map_err(write_err)?;
                continue;
            }
            let value = cell_text(cell);
            let outcome = if formula.is_some() {
                Outcome::Rejected(Rejected::invalid(lang.tr("phone-convert-formula")))
            } else if !matches!(
                cell,
                Data::String(_) | Data::Int(_) | Data::Float(_) | Data::Empty
            ) {
                Outcome::Rejected(Rejected::invalid(lang.tr_args(
                    "phone-convert-not-text",
                    &[("value", value.as_str().into())],
                )))
            } else {
                let recorded = match date_col {
                    Some(dc) => row_date(sheet.values.get_value((row, dc)), lang),
                    None => match dates {
                        Dates::Fixed(r) => Ok(r),
                        Dates::Column(_) => Ok(Recorded::Unknown),
                    },
                };
                match recorded {
                    Ok(rec) => convert_value(&value, rec, lang),
                    Err(rejected) => Outcome::Rejected(rejected),
                }
            };
            summary.count(&outcome);
            match &outcome {
                Outcome::Converted(n) => {
                    ws.write_string(row, to_col(col), n.national())
                        .map_err(write_err)?;
                }
                _ => write_cell(ws, row, col, cell, formula, &formats).map_err(write_err)?,
            }
            if let Outcome::Rejected(rejected) = &outcome {
                rejects.add(u64::from(row) + 1, &value, rejected, targets.rejects)?;
            }
            if r.is_multiple_of(1024) {
                bar.set_position(u64::try_from(r).unwrap_or(0));
            }
        }
        // Empty phone cells are not in `used_cells`: count them.
        if index == 0 {
            let last = sheet.values.end().map_or(top_row, |(r, _)| r);
            let blank = (top_row + 1..=last)
                .filter(|&r| {
                    sheet
                        .values
                        .get_value((r, phone_col))
                        .is_none_or(|c| *c == Data::Empty)
                })
                .count();
            summary.empty += u64::try_from(blank).unwrap_or(0);
        }
        bar.finish_and_clear();
    }

    {
        let file = out_staged.file.as_file();
        workbook.save_to_writer(file).map_err(write_err)?;
        file.sync_all()
            .map_err(|e| CliError::file(targets.out, e))?;
    }
    rejects.finish(targets.rejects)?;
    commit(out_staged, rejects_staged)?;
    Ok(summary)
}

fn to_col(col: u32) -> u16 {
    u16::try_from(col).unwrap_or(u16::MAX)
}

/// The text a cell shows, for a phone or header cell: strings as they are,
/// whole numbers without a decimal point (a phone number typed as a number).
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
        Data::Empty => String::new(),
    }
}

/// The recording date of a row from its date cell: a date cell, a date
/// serial number or text; empty means unknown.
fn row_date(cell: Option<&Data>, lang: Lang) -> Result<Recorded, Rejected> {
    match cell {
        None | Some(Data::Empty) => Ok(Recorded::Unknown),
        Some(Data::DateTime(d)) => Ok(serial_date(d)),
        Some(Data::Float(f)) if (1.0..2_958_466.0).contains(f) => Ok(serial_date(
            &ExcelDateTime::new(*f, ExcelDateTimeType::DateTime, false),
        )),
        Some(Data::Int(i)) if (1..2_958_466).contains(i) => {
            let serial = *i as f64; // below 2^22: exact
            Ok(serial_date(&ExcelDateTime::new(
                serial,
                ExcelDateTimeType::DateTime,
                false,
            )))
        }
        Some(other) => row_recorded(&cell_text(other), lang),
    }
}

fn serial_date(d: &ExcelDateTime) -> Recorded {
    let (y, m, day, ..) = d.to_ymd_hms_milli();
    NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(day))
        .map_or(Recorded::Unknown, Recorded::On)
}

/// Number formats for copied dates and durations.
struct Formats {
    date: Format,
    date_time: Format,
    duration: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            date: Format::new().set_num_format("dd/mm/yyyy"),
            date_time: Format::new().set_num_format("dd/mm/yyyy hh:mm:ss"),
            duration: Format::new().set_num_format("[h]:mm:ss"),
        }
    }
}

/// Copies one cell: its formula (with the last result) if it has one, else
/// its value.
fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u32,
    cell: &Data,
    formula: Option<&String>,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let col = to_col(col);
    if let Some(f) = formula {
        ws.write_formula(row, col, Formula::new(f).set_result(cell_text(cell)))?;
        return Ok(());
    }
    match cell {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            ws.write_string(row, col, s)?;
        }
        Data::Int(i) => {
            ws.write_number(row, col, *i as f64)?; // as Excel stores numbers
        }
        Data::Float(f) => {
            ws.write_number(row, col, *f)?;
        }
        Data::Bool(b) => {
            ws.write_boolean(row, col, *b)?;
        }
        Data::DateTime(d) => {
            let serial = d.as_f64();
            let format = if d.is_duration() {
                &formats.duration
            } else if serial.fract() == 0.0 {
                &formats.date
            } else {
                &formats.date_time
            };
            ws.write_number_with_format(row, col, serial, format)?;
        }
        Data::Error(e) => {
            ws.write_string(row, col, e.to_string())?;
        }
        Data::Empty => {}
    }
    Ok(())
}
