//! `motcua phone convert FILE (--column NAME | --vcard)
//! [--date-column NAME | --recorded-before DATE] -o OUT`
//!
//! Rewrites the phone numbers of a file into today's national form and
//! leaves everything else as it was:
//! - **CSV** (`csv_file`): streamed in constant memory; every byte outside
//!   the converted cells is copied as it was (other columns, quoting, line
//!   endings, a byte-order mark). The delimiter is `,` unless the header line
//!   has more `;` or tabs.
//! - **XLSX** (`xlsx_file`, chosen by the `PK` magic or the `.xlsx`
//!   extension): the first sheet's column is converted; every sheet's values
//!   and formulas are copied (cell styles and column widths are not).
//! - **vCard** (`vcard_file`): only TEL values change; every other line is
//!   copied byte for byte, folded lines included. A TEL value that changes
//!   is written on one line; a `tel:` URI becomes `tel:+84…`.
//!
//! Safety of the files:
//! - FILE is only read; OUT may not be FILE.
//! - OUT and the rejects file are written to temporary files in OUT's folder
//!   and renamed at the end: a failed run leaves no OUT, and never half of one.
//! - A bad flag combination, a missing column or an unreadable file is one
//!   line on stderr, exit 1, and nothing written.
//!
//! The rejects file is `OUT.rejects.csv` (OUT's full name with
//! `.rejects.csv` appended), always written, with the header
//! `row,value,status,reason`: `row` is the spreadsheet row (the header is
//! row 1) for CSV and XLSX and the line number for vCard; `status` is
//! `invalid` or `ambiguous`; `reason` is in the user's language. Rejected
//! values are left as they were in OUT.
//!
//! Empty cells are left alone and counted apart. With `--date-column`, each
//! row is read as recorded on its date (an empty date means unknown; an
//! unreadable one rejects the row).

mod csv_file;
mod vcard_file;
mod xlsx_file;

use std::fs::File;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use motcua_domain::phone::{self, PhoneNumber, Recorded};
use motcua_i18n::Lang;
use tempfile::NamedTempFile;

use super::{date_flag, error_text, parse_date};
use crate::error::CliError;

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Input file: CSV, XLSX or vCard (.vcf). Only read, never changed.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The column with the phone numbers (CSV, XLSX: named in the header row).
    #[arg(long, value_name = "NAME")]
    column: Option<String>,
    /// Convert every TEL of a vCard file.
    #[arg(long)]
    vcard: bool,
    /// The column with each row's recording date (YYYY-MM-DD or dd/mm/yyyy).
    #[arg(long, value_name = "NAME")]
    date_column: Option<String>,
    /// Every row was recorded before this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    recorded_before: Option<String>,
    /// Output file, same format as FILE (required). Rows not converted are
    /// listed in OUT.rejects.csv.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    out: Option<PathBuf>,
}

/// What the numbers' recording dates are.
#[derive(Debug, Clone, Copy)]
enum Dates<'a> {
    /// The same for every row.
    Fixed(Recorded),
    /// Each row's date is in this column.
    Column(&'a str),
}

/// The kinds of file we convert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Xlsx,
    VCard,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::VCard => "vcf",
        }
    }

    /// Whether `ext` (lower case) is one of this format's extensions.
    fn has_extension(self, ext: &str) -> bool {
        match self {
            Format::Csv => matches!(ext, "csv" | "txt" | "tsv"),
            Format::Xlsx => ext == "xlsx",
            Format::VCard => matches!(ext, "vcf" | "vcard"),
        }
    }
}

pub fn run(args: ConvertArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let message = |key: &str| CliError::Message(lang.tr(key));
    // Flags first: a bad combination writes nothing.
    let Some(out) = args.out.clone() else {
        return Err(message("phone-convert-need-output"));
    };
    if args.column.is_some() == args.vcard {
        return Err(message("phone-convert-need-source"));
    }
    if args.date_column.is_some() && args.recorded_before.is_some() {
        return Err(message("phone-convert-date-conflict"));
    }
    if args.vcard && args.date_column.is_some() {
        return Err(message("phone-convert-date-column-vcard"));
    }
    let dates = match (&args.date_column, &args.recorded_before) {
        (Some(col), _) => Dates::Column(col),
        (None, Some(text)) => Dates::Fixed(Recorded::Before(date_flag(
            text,
            "--recorded-before",
            lang,
        )?)),
        (None, None) => Dates::Fixed(Recorded::Unknown),
    };

    let format = detect(&args.file, lang)?;
    match (format, args.vcard) {
        (Format::VCard, false) => {
            return Err(path_message(lang, "phone-convert-use-vcard", &args.file));
        }
        (Format::Csv | Format::Xlsx, true) => {
            return Err(path_message(lang, "phone-convert-not-vcard", &args.file));
        }
        _ => {}
    }
    let rejects = rejects_path(&out);
    for target in [&out, &rejects] {
        if same_file(&args.file, target) {
            return Err(path_message(lang, "phone-convert-same-file", target));
        }
    }
    if let Some(ext) = extension(&out)
        && [Format::Csv, Format::Xlsx, Format::VCard]
            .iter()
            .any(|f| *f != format && f.has_extension(&ext) && !format.has_extension(&ext))
    {
        return Err(CliError::Message(lang.tr_args(
            "phone-convert-out-extension",
            &[
                ("out", out.display().to_string().into()),
                ("ext", format.extension().into()),
            ],
        )));
    }

    let targets = Targets {
        out: &out,
        rejects: &rejects,
    };
    let summary = match (format, &args.column) {
        (Format::Csv, Some(column)) => csv_file::convert(&args.file, column, dates, targets, lang)?,
        (Format::Xlsx, Some(column)) => {
            xlsx_file::convert(&args.file, column, dates, targets, lang)?
        }
        _ => vcard_file::convert(&args.file, dates, targets, lang)?,
    };
    crate::output::line(lang.tr_args(
        "phone-convert-summary",
        &[
            ("converted", summary.converted.into()),
            ("unchanged", summary.unchanged.into()),
            ("invalid", summary.invalid.into()),
            ("ambiguous", summary.ambiguous.into()),
            ("empty", summary.empty.into()),
            ("out", out.display().to_string().into()),
            ("rejects", rejects.display().to_string().into()),
        ],
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn path_message(lang: Lang, key: &str, path: &Path) -> CliError {
    CliError::Message(lang.tr_args(key, &[("path", path.display().to_string().into())]))
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
}

/// The file's format, by its first bytes, then its extension.
fn detect(path: &Path, lang: Lang) -> Result<Format, CliError> {
    let mut head = [0u8; 512];
    let mut file = File::open(path).map_err(|e| CliError::file(path, e))?;
    let mut n = 0;
    while n < head.len() {
        match file.read(head.get_mut(n..).unwrap_or(&mut [])) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(CliError::file(path, e)),
        }
    }
    let head = head.get(..n).unwrap_or(&[]);
    let ext = extension(path).unwrap_or_default();
    if head.starts_with(b"PK\x03\x04") {
        return Ok(Format::Xlsx);
    }
    // An old binary workbook (xls) or an OpenDocument sheet: we cannot write
    // those back.
    if head.starts_with(b"\xD0\xCF\x11\xE0") || matches!(ext.as_str(), "xls" | "ods" | "xlsb") {
        return Err(path_message(lang, "phone-convert-unsupported", path));
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let begins_vcard = text
        .get(start..start + 11)
        .is_some_and(|s| s.eq_ignore_ascii_case(b"BEGIN:VCARD"));
    if begins_vcard {
        return Ok(Format::VCard);
    }
    if Format::VCard.has_extension(&ext) {
        return Err(path_message(lang, "phone-convert-not-vcard", path));
    }
    if ext == "xlsx" {
        return Err(path_message(lang, "phone-convert-unsupported", path));
    }
    Ok(Format::Csv)
}

/// `OUT` with `.rejects.csv` appended to its full name.
fn rejects_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".rejects.csv");
    PathBuf::from(name)
}

/// Whether writing `target` would overwrite `source` (same path after
/// resolving links and `..`, or the same file under another name).
fn same_file(source: &Path, target: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(a), Ok(b)) = (std::fs::metadata(source), std::fs::metadata(target))
            && a.dev() == b.dev()
            && a.ino() == b.ino()
        {
            return true;
        }
    }
    let resolved = |p: &Path| -> Option<PathBuf> {
        if let Ok(c) = std::fs::canonicalize(p) {
            return Some(c);
        }
        let dir = folder(p);
        Some(std::fs::canonicalize(dir).ok()?.join(p.file_name()?))
    };
    match (resolved(source), resolved(target)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// The folder a path is in (`.` for a bare file name).
fn folder(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Where the results go.
#[derive(Debug, Clone, Copy)]
struct Targets<'a> {
    out: &'a Path,
    rejects: &'a Path,
}

/// A file being written under a temporary name beside its target, renamed
/// into place by [`Staged::commit`]; dropped uncommitted, it disappears.
struct Staged {
    file: NamedTempFile,
    target: PathBuf,
}

impl Staged {
    fn new(target: &Path) -> Result<Self, CliError> {
        let dir = folder(target);
        let mut builder = tempfile::Builder::new();
        builder.prefix(".motcua-").suffix(".part");
        // An ordinary file's mode (0666 less the umask), not a temporary
        // file's private 0600: OUT is meant to be shared like FILE.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let file = builder
            .tempfile_in(dir)
            .map_err(|e| CliError::file(dir, e))?;
        Ok(Staged {
            file,
            target: target.to_owned(),
        })
    }

    fn commit(self) -> Result<(), CliError> {
        let Staged { file, target } = self;
        file.persist(&target)
            .map_err(|e| CliError::file(&target, e.error))?;
        Ok(())
    }
}

/// Renames the rejects file, then OUT, into place; if OUT cannot be
/// renamed, the rejects file is taken back so the run leaves nothing.
fn commit(out: Staged, rejects: Staged) -> Result<(), CliError> {
    let rejects_target = rejects.target.clone();
    rejects.commit()?;
    if let Err(e) = out.commit() {
        let _ = std::fs::remove_file(&rejects_target);
        return Err(e);
    }
    Ok(())
}

/// Ends a streamed run: OUT flushed and synced to disk, the rejects file
/// finished, both renamed into place.
fn finish(
    out: std::io::BufWriter<File>,
    rejects: Rejects,
    targets: Targets<'_>,
    out_staged: Staged,
    rejects_staged: Staged,
) -> Result<(), CliError> {
    out.into_inner()
        .map_err(|e| CliError::file(targets.out, e.into_error()))?
        .sync_all()
        .map_err(|e| CliError::file(targets.out, e))?;
    rejects.finish(targets.rejects)?;
    commit(out_staged, rejects_staged)
}

/// The rejects file: `row,value,status,reason`.
struct Rejects {
    writer: csv::Writer<std::io::BufWriter<File>>,
}

impl Rejects {
    fn new(staged: &Staged) -> Result<Self, CliError> {
        let file = staged
            .file
            .reopen()
            .map_err(|e| CliError::file(&staged.target, e))?;
        let mut writer = csv::Writer::from_writer(std::io::BufWriter::new(file));
        writer
            .write_record(["row", "value", "status", "reason"])
            .map_err(|e| csv_error(&staged.target, &e))?;
        Ok(Rejects { writer })
    }

    fn add(
        &mut self,
        row: u64,
        value: &str,
        rejected: &Rejected,
        target: &Path,
    ) -> Result<(), CliError> {
        self.writer
            .write_record([
                row.to_string().as_str(),
                value,
                rejected.status,
                &rejected.reason,
            ])
            .map_err(|e| csv_error(target, &e))
    }

    fn finish(self, target: &Path) -> Result<(), CliError> {
        let inner = self
            .writer
            .into_inner()
            .map_err(|e| CliError::file(target, std::io::Error::other(e.to_string())))?;
        inner
            .into_inner()
            .map_err(|e| CliError::file(target, std::io::Error::other(e.to_string())))?
            .sync_all()
            .map_err(|e| CliError::file(target, e))
    }
}

fn csv_error(path: &Path, e: &csv::Error) -> CliError {
    CliError::file(path, std::io::Error::other(e.to_string()))
}

/// Why a value was not converted.
#[derive(Debug)]
struct Rejected {
    /// `invalid` or `ambiguous`.
    status: &'static str,
    /// Why, in the user's language.
    reason: String,
}

impl Rejected {
    fn invalid(reason: String) -> Self {
        Rejected {
            status: "invalid",
            reason,
        }
    }
}

/// What became of one value.
#[derive(Debug)]
enum Outcome {
    /// Nothing in the cell: left alone.
    Empty,
    /// Already today's national form.
    Unchanged,
    /// Rewritten as this number.
    Converted(PhoneNumber),
    /// Left as it was and listed in the rejects file.
    Rejected(Rejected),
}

/// The spelling a converted value is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spelling {
    /// `0912345678`: table cells, vCard text values.
    National,
    /// `+84912345678`: vCard `tel:` URIs.
    E164,
}

impl Spelling {
    fn of(self, n: &PhoneNumber) -> &str {
        match self {
            Spelling::National => n.national(),
            Spelling::E164 => n.e164(),
        }
    }
}

/// Reads one value recorded as `recorded`, to be written in today's national form.
fn convert_value(value: &str, recorded: Recorded, lang: Lang) -> Outcome {
    convert_value_to(value, recorded, Spelling::National, lang)
}

/// Reads one value recorded as `recorded`, to be written as `spelling`.
fn convert_value_to(value: &str, recorded: Recorded, spelling: Spelling, lang: Lang) -> Outcome {
    if value.trim().is_empty() {
        return Outcome::Empty;
    }
    match phone::normalize(value, recorded) {
        Ok(n) if spelling.of(&n) == value => Outcome::Unchanged,
        Ok(n) => Outcome::Converted(n),
        Err(e) => Outcome::Rejected(Rejected {
            status: if e.is_ambiguous() {
                "ambiguous"
            } else {
                "invalid"
            },
            reason: error_text(&e, lang),
        }),
    }
}

/// The recording date of a row from its date cell: empty means unknown.
fn row_recorded(date: &str, lang: Lang) -> Result<Recorded, Rejected> {
    if date.trim().is_empty() {
        return Ok(Recorded::Unknown);
    }
    parse_date(date).map(Recorded::On).ok_or_else(|| {
        Rejected::invalid(lang.tr_args("phone-convert-bad-row-date", &[("value", date.into())]))
    })
}

/// The counts of a run.
#[derive(Debug, Default, Clone, Copy)]
struct Summary {
    converted: u64,
    unchanged: u64,
    invalid: u64,
    ambiguous: u64,
    empty: u64,
}

impl Summary {
    fn count(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Empty => self.empty += 1,
            Outcome::Unchanged => self.unchanged += 1,
            Outcome::Converted(_) => self.converted += 1,
            Outcome::Rejected(r) if r.status == "ambiguous" => self.ambiguous += 1,
            Outcome::Rejected(_) => self.invalid += 1,
        }
    }
}

/// A progress bar on stderr when it is a terminal; hidden otherwise (pipes,
/// scripts, CI).
fn progress(total: u64, in_bytes: bool) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let template = if in_bytes {
        "{bar:40} {bytes}/{total_bytes} ({eta})"
    } else {
        "{bar:40} {pos}/{len} ({eta})"
    };
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// The header names of a file, for the missing-column message.
fn missing_column(lang: Lang, path: &Path, column: &str, headers: &[String]) -> CliError {
    CliError::Message(lang.tr_args(
        "phone-convert-missing-column",
        &[
            ("column", column.into()),
            ("path", path.display().to_string().into()),
            ("columns", headers.join(", ").into()),
        ],
    ))
}

/// The index of the header named `name` (spaces around it and a byte-order
/// mark ignored).
fn find_column(headers: &[String], name: &str) -> Option<usize> {
    let clean = |h: &str| h.trim_start_matches('\u{feff}').trim().to_owned();
    let wanted = clean(name);
    headers.iter().position(|h| clean(h) == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rejects_file_sits_beside_out() {
        assert_eq!(
            rejects_path(Path::new("a/out.csv")),
            Path::new("a/out.csv.rejects.csv")
        );
        assert_eq!(folder(Path::new("out.csv")), Path::new("."));
    }

    #[test]
    fn columns_are_found_by_their_trimmed_name() {
        let headers = vec!["\u{feff}Họ tên".to_owned(), " Điện thoại ".to_owned()];
        assert_eq!(find_column(&headers, "Điện thoại"), Some(1));
        assert_eq!(find_column(&headers, "Họ tên"), Some(0));
        assert_eq!(find_column(&headers, "email"), None);
    }
}
