//! `motcua demo generate`: a demonstration or test database filled with a
//! realistic record ([`motcua_app::generate`]), with a progress bar, resumed
//! by running the same command again.

use std::process::ExitCode;
use std::time::Instant;

use chrono::{NaiveDate, Utc};
use clap::{Args, Subcommand};
use motcua_app::demo;
use motcua_app::generate::{self, Plan};
use motcua_domain::forms::parse_date;
use motcua_i18n::{Arg, Lang};

use crate::admin_cmd::app_error;
use crate::error::CliError;
use crate::output::{self, bar};
use crate::recount;
use crate::storage::{DataArgs, open_services};

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Fill a demonstration database with synthetic dossiers (the demo
    /// province is loaded first). For demonstration, training and test
    /// databases only: never on a province's real record.
    Generate(GenerateArgs),
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// How many dossiers to make.
    #[arg(long)]
    pub dossiers: u64,
    /// First day dossiers enter (YYYY-MM-DD or DD/MM/YYYY); default 24
    /// months before --to, or the day the catalog's first procedure came
    /// into force if that is later.
    #[arg(long)]
    pub from: Option<String>,
    /// Last day dossiers enter; default today.
    #[arg(long)]
    pub to: Option<String>,
    /// Another seed makes other dossiers; the same plan again resumes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[command(flatten)]
    pub data: DataArgs,
}

pub fn run(cmd: DemoCommand, lang: Lang) -> Result<ExitCode, CliError> {
    match cmd {
        DemoCommand::Generate(args) => generate(args, lang),
    }
}

fn date(text: &str, flag: &str, lang: Lang) -> Result<NaiveDate, CliError> {
    parse_date(text).ok_or_else(|| {
        CliError::Message(lang.tr_args(
            "generate-bad-date",
            &[("flag", flag.into()), ("value", text.into())],
        ))
    })
}

fn generate(args: GenerateArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let now = Utc::now();
    let to = match &args.to {
        Some(text) => date(text, "--to", lang)?,
        None => motcua_domain::calendar::to_local(now).date(),
    };
    let from = args
        .from
        .as_deref()
        .map(|text| date(text, "--from", lang))
        .transpose()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let svc = open_services(&args.data, lang).await?;
        crate::storage::closing(svc.store.as_ref(), async {
            demo::load(&svc, now)
                .await
                .map_err(|e| app_error(e, lang))?;
            let from = match from {
                Some(from) => from,
                None => generate::default_from(&svc, to)
                    .await
                    .map_err(|e| app_error(e, lang))?,
            };
            let plan = Plan {
                dossiers: args.dossiers,
                from,
                to,
                seed: args.seed,
            };
            output::line(lang.tr_args(
                "generate-started",
                &[
                    ("dossiers", Arg::from(plan.dossiers)),
                    ("from", plan.from.format("%d/%m/%Y").to_string().into()),
                    ("to", plan.to.format("%d/%m/%Y").to_string().into()),
                    ("seed", Arg::from(plan.seed)),
                ],
            ))?;
            let started = Instant::now();
            let bar = bar(plan.dossiers);
            let report = generate::run(&svc, &plan, now, &mut |done| bar.set_position(done))
                .await
                .map_err(|e| app_error(e, lang))?;
            bar.finish_and_clear();
            // The kept statistics count the new dossiers now, not at the
            // first look at the dashboard.
            recount::kept_statistics(&svc, lang).await?;
            output::line(lang.tr_args(
                "generate-done",
                &[
                    ("written", Arg::from(report.written)),
                    ("events", Arg::from(report.events)),
                    ("already", Arg::from(report.already)),
                    ("seconds", Arg::from(started.elapsed().as_secs())),
                ],
            ))?;
            Ok(ExitCode::SUCCESS)
        })
        .await
    })
}
