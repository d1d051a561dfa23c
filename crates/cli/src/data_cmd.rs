//! `motcua migrate` and `motcua verify`.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use motcua_i18n::{Arg, Lang};
use motcua_store::verify::{self, Report};

use crate::blob_check::{self, BlobReport};
use crate::error::CliError;
use crate::output;
use crate::storage::{DataArgs, closing, open_blobs, open_existing_store, open_store, store_error};

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub data: DataArgs,
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// Opens (and so migrates) the database.
pub fn migrate(args: MigrateArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let location = args.data.database(lang)?;
    runtime()?.block_on(async {
        let store = open_store(&location, lang).await?;
        closing(store.as_ref(), async {
            output::line(
                lang.tr_args("migrate-done", &[("engine", store.engine().name().into())]),
            )?;
            Ok(ExitCode::SUCCESS)
        })
        .await
    })
}

/// A spinner on a terminal, nothing otherwise.
pub(crate) fn spinner(message: String) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {pos}") {
        bar.set_style(style);
    }
    bar.set_message(message);
    bar
}

/// Every chain, every replay, every attachment's bytes. Exit 0 only when all
/// hold; otherwise each broken dossier is named.
pub fn verify(args: VerifyArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let location = args.data.database(lang)?;
    let blobs = args.data.blobs_location(lang)?;
    runtime()?.block_on(async {
        let store = open_existing_store(&location, lang).await?;
        closing(store.as_ref(), async {
            let bar = spinner(lang.tr("verify-progress"));
            let report = verify::verify(store.clone(), |n| bar.set_position(n))
                .await
                .map_err(|e| store_error(e, lang))?;
            bar.finish_and_clear();
            let blobs = open_blobs(blobs, lang).await?;
            let blob_report = blob_check::check_all(store.as_ref(), blobs.as_ref(), lang).await?;
            print_report(&report, &blob_report, lang)?;
            Ok(if report.is_ok() && blob_report.is_ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        })
        .await
    })
}

fn print_report(report: &Report, blobs: &BlobReport, lang: Lang) -> Result<(), CliError> {
    for broken in &report.broken {
        let defects: Vec<String> = broken.defects.iter().map(ToString::to_string).collect();
        output::line(lang.tr_args(
            "verify-broken-dossier",
            &[
                ("code", broken.code.clone().into()),
                ("id", broken.id.to_string().into()),
                ("defects", defects.join("; ").into()),
            ],
        ))?;
    }
    for seq in &report.broken_audit {
        output::line(lang.tr_args("verify-broken-audit", &[("seq", Arg::from(*seq))]))?;
    }
    for bad in &blobs.broken {
        output::line(lang.tr_args(
            "verify-broken-blob",
            &[
                ("key", bad.key.clone().into()),
                ("dossier", bad.dossier.to_string().into()),
                ("reason", bad.reason.clone().into()),
            ],
        ))?;
    }
    let counts = [
        ("dossiers", Arg::from(report.dossiers)),
        ("events", Arg::from(report.events)),
        ("audit", Arg::from(report.audit_entries)),
        ("blobs", Arg::from(blobs.checked)),
    ];
    if report.is_ok() && blobs.is_ok() {
        output::line(lang.tr_args("verify-summary-ok", &counts))
    } else {
        output::line(lang.tr_args(
            "verify-summary-broken",
            &[
                ("dossiers", Arg::from(report.dossiers)),
                ("broken", Arg::from(report.broken.len())),
                ("audit", Arg::from(report.broken_audit.len())),
                ("blobs", Arg::from(blobs.broken.len())),
            ],
        ))
    }
}
