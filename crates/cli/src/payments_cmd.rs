//! `motcua payments report`: a day's fees per collecting agency, and the
//! provider's settlement file for that day compared with the record.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use motcua_app::payments::reconcile::{self, Difference, SettlementLine};
use motcua_domain::forms::parse_date;
use motcua_i18n::{Arg, Lang};

use crate::data_cmd::runtime;
use crate::error::CliError;
use crate::output;
use crate::storage::{DataArgs, closing, open_services};

#[derive(Debug, Subcommand)]
pub enum PaymentsCommand {
    /// A day's fees per collecting agency: collected, refunded, pending;
    /// with --settlement, the provider's file compared with the record.
    Report(ReportArgs),
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The day, dd/mm/yyyy (Vietnam's time).
    #[arg(long)]
    pub day: String,
    /// The provider's settlement file for the day: CSV with a header and
    /// the columns `reference` (our order reference, vnp_TxnRef),
    /// `transaction` and `amount_vnd`.
    #[arg(long)]
    pub settlement: Option<PathBuf>,
    #[command(flatten)]
    pub data: DataArgs,
}

pub fn run(cmd: PaymentsCommand, lang: Lang) -> Result<ExitCode, CliError> {
    match cmd {
        PaymentsCommand::Report(args) => report(args, lang),
    }
}

/// The settlement file's lines; a line that cannot be read is named with
/// its number, and nothing is compared.
fn settlement_lines(path: &Path, lang: Lang) -> Result<Vec<SettlementLine>, CliError> {
    let bad = |line: u64, reason: String| {
        CliError::Message(lang.tr_args(
            "payments-bad-file",
            &[
                ("path", Arg::from(path.display().to_string())),
                ("line", Arg::from(line)),
                ("reason", Arg::from(reason)),
            ],
        ))
    };
    let mut reader = csv::Reader::from_path(path).map_err(|e| bad(1, e.to_string()))?;
    let headers = reader.headers().map_err(|e| bad(1, e.to_string()))?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| {
                bad(
                    1,
                    lang.tr_args(
                        "payments-no-column",
                        &[("name", Arg::from(name.to_owned()))],
                    ),
                )
            })
    };
    let (reference, transaction, amount) = (
        column("reference")?,
        column("transaction")?,
        column("amount_vnd")?,
    );
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let record = record.map_err(|e| bad(line, e.to_string()))?;
        let field = |at: usize| record.get(at).unwrap_or_default().trim().to_owned();
        let amount_vnd = field(amount)
            .parse::<u64>()
            .map_err(|_| bad(line, lang.tr("payments-bad-amount")))?;
        out.push(SettlementLine {
            reference: field(reference),
            transaction: field(transaction),
            amount_vnd,
        });
    }
    Ok(out)
}

fn report(args: ReportArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let day = parse_date(args.day.trim()).ok_or_else(|| {
        CliError::Message(lang.tr_args(
            "payments-bad-day",
            &[("value", Arg::from(args.day.clone()))],
        ))
    })?;
    let lines = args
        .settlement
        .as_deref()
        .map(|p| settlement_lines(p, lang))
        .transpose()?;
    runtime()?.block_on(async {
        let svc = open_services(&args.data, lang).await?;
        let store = svc.store.clone();
        closing(store.as_ref(), async {
            let fail = |e: motcua_app::AppError| CliError::Message(lang.describe(&e));
            let days = reconcile::day_report(&svc, day).await.map_err(fail)?;
            let mut names = BTreeMap::new();
            for agency in days.keys() {
                let name = svc
                    .store
                    .agency(*agency)
                    .await
                    .map_err(|e| fail(e.into()))?
                    .map_or_else(|| agency.to_string(), |a| a.name);
                names.insert(*agency, name);
            }
            if days.is_empty() {
                output::line(lang.tr("payments-none"))?;
            }
            let vnd = |v: u64| Arg::from(format!("{} đ", motcua_domain::text::thousands(v)));
            for (agency, d) in &days {
                output::line(lang.tr_args(
                    "payments-agency-line",
                    &[
                        ("agency", Arg::from(names[agency].clone())),
                        ("collected", Arg::from(d.collected)),
                        ("collected_vnd", vnd(d.collected_vnd)),
                        ("refunds", Arg::from(d.refunds)),
                        ("refunded_vnd", vnd(d.refunded_vnd)),
                        ("pending", Arg::from(d.pending)),
                        ("pending_vnd", vnd(d.pending_vnd)),
                    ],
                ))?;
            }
            let Some(lines) = lines else {
                return Ok(ExitCode::SUCCESS);
            };
            let differences = reconcile::reconcile(&svc, day, lines).await.map_err(fail)?;
            for d in &differences {
                let (key, reference, ours, theirs) = match d {
                    Difference::Missing(p) => ("payments-missing", &p.reference, p.amount_vnd, 0),
                    Difference::Extra(l) => ("payments-extra", &l.reference, 0, l.amount_vnd),
                    Difference::Amount { payment, line } => (
                        "payments-amount",
                        &payment.reference,
                        payment.amount_vnd,
                        line.amount_vnd,
                    ),
                };
                output::line(lang.tr_args(
                    key,
                    &[
                        ("reference", Arg::from(reference.clone())),
                        ("ours", vnd(ours)),
                        ("theirs", vnd(theirs)),
                    ],
                ))?;
            }
            if differences.is_empty() {
                output::line(lang.tr("payments-agree"))?;
                Ok(ExitCode::SUCCESS)
            } else {
                output::line(lang.tr_args(
                    "payments-differences",
                    &[("count", Arg::from(differences.len()))],
                ))?;
                Ok(ExitCode::from(1))
            }
        })
        .await
    })
}
