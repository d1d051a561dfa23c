//! `motcua report`: the review of a period (Biểu II.06a by field and by
//! agency, the indicators) written as XLSX, PDF or HTML.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::Utc;
use clap::{Args, ValueEnum};
use motcua_app::statistics;
use motcua_domain::statistics::{CutOff, PeriodSpec};
use motcua_i18n::{Arg, Lang};

use crate::data_cmd::runtime;
use crate::error::CliError;
use crate::recount;
use crate::storage::{DataArgs, closing, open_services};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Xlsx,
    Pdf,
    Html,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The period: 2025-H1 (half), 2025-Q3 (quarter), 2025-07 (month),
    /// 2025 (year), or days 01/01/2025..31/03/2025.
    #[arg(long)]
    pub period: String,
    /// The file's format.
    #[arg(long, value_enum)]
    pub format: Format,
    /// Where to write it (replaced whole, never left half-written).
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// The day a reporting month starts (ND 09/2019: the 15th, so a month
    /// runs from the 15th to the 14th); 1 for calendar months.
    #[arg(long, default_value_t = 15, env = "MOTCUA_REPORT_CUT_OFF_DAY")]
    pub cut_off_day: u8,
    /// Count every dossier of the period from the record instead of reading
    /// the kept sums (slower; the figures are the same).
    #[arg(long)]
    pub from_record: bool,
    #[command(flatten)]
    pub data: DataArgs,
}

pub fn run(args: ReportArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let said = |e: &dyn motcua_domain::message::Message| CliError::Message(lang.describe(e));
    let spec: PeriodSpec = args.period.parse().map_err(|e| said(&e))?;
    let cut_off = CutOff::starting_on(args.cut_off_day).map_err(|e| said(&e))?;
    runtime()?.block_on(async {
        let svc = open_services(&args.data, lang).await?;
        let store = svc.store.clone();
        closing(store.as_ref(), async {
            let fail = |e: motcua_app::AppError| CliError::Message(lang.describe(&e));
            let now = Utc::now();
            // A period that cannot be counted is told before any recount.
            statistics::check(spec, cut_off, now).map_err(fail)?;
            let stats = if args.from_record {
                statistics::compute_from_record(&svc, spec, cut_off, now).await
            } else {
                recount::kept_statistics(&svc, lang).await?;
                statistics::compute(&svc, spec, cut_off, now).await
            }
            .map_err(fail)?;
            let review = statistics::review::build(&svc, &stats, now)
                .await
                .map_err(fail)?;
            let bytes = match args.format {
                Format::Xlsx => statistics::review::xlsx(&svc, review).await.map_err(fail)?,
                Format::Pdf => motcua_app::printouts::pdf(&svc, review.printout())
                    .await
                    .map_err(fail)?,
                Format::Html => motcua_web::stats::review_document(&review)
                    .map_err(|e| CliError::Message(e.to_string()))?
                    .into_bytes(),
            };
            write_whole(&args.output, &bytes)?;
            eprintln!(
                "{}",
                lang.tr_args(
                    "report-written",
                    &[
                        ("period", Arg::from(spec.to_string())),
                        (
                            "first",
                            Arg::from(stats.first.format("%d/%m/%Y").to_string())
                        ),
                        ("last", Arg::from(stats.last.format("%d/%m/%Y").to_string())),
                        ("path", Arg::from(args.output.display().to_string())),
                    ],
                )
            );
            Ok(ExitCode::SUCCESS)
        })
        .await
    })
}

/// Writes `bytes` to `path` through a file beside it, so a reader never
/// sees half a report and a failure leaves the old file as it was.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut part =
        tempfile::NamedTempFile::new_in(&folder).map_err(|e| CliError::file(&folder, e))?;
    part.write_all(bytes).map_err(|e| CliError::file(path, e))?;
    part.as_file()
        .sync_all()
        .map_err(|e| CliError::file(path, e))?;
    part.persist(path)
        .map_err(|e| CliError::file(path, e.error))?;
    Ok(())
}
