//! `motcua admin create`: the first system administrator, made on the
//! server itself. The password is read from the terminal without echo, or
//! from the first line of standard input when it is not a terminal (a
//! provisioning script) — never from an argument, which other users of the
//! machine could read in the process list.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use motcua_app::AppError;
use motcua_app::office::admins::{self, OfficialDetails, Province};
use motcua_i18n::{Arg, Lang};

use crate::error::CliError;
use crate::output;
use crate::storage::{DataArgs, open_services};

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a system administrator (the password is read from the
    /// terminal or standard input).
    Create(CreateArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Full name.
    #[arg(long)]
    pub name: String,
    /// E-mail address: the log-in.
    #[arg(long)]
    pub email: String,
    /// Phone number (optional).
    #[arg(long, default_value = "")]
    pub phone: String,
    /// The province's name, when the database has no agency yet.
    #[arg(long)]
    pub province: Option<String>,
    /// The province's identifier (QCVN 102, `000.00.00.H82`), with
    /// `--province`.
    #[arg(long)]
    pub identifier: Option<String>,
    #[command(flatten)]
    pub data: DataArgs,
}

pub fn run(cmd: AdminCommand, lang: Lang) -> Result<ExitCode, CliError> {
    match cmd {
        AdminCommand::Create(args) => create(args, lang),
    }
}

/// The password, from the terminal (asked twice) or standard input.
fn read_password(lang: Lang) -> Result<String, CliError> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(lang.tr("admin-password-prompt"))?;
        let again = rpassword::prompt_password(lang.tr("admin-password-again"))?;
        if first != again {
            return Err(CliError::Message(lang.tr("admin-password-mismatch")));
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

/// A refusal of the use case in the user's words, naming the flag at fault.
pub(crate) fn app_error(e: AppError, lang: Lang) -> CliError {
    match e {
        AppError::Invalid(problems) => CliError::Message(
            problems
                .iter()
                .map(|p| {
                    let flag = match p.field.as_str() {
                        "full_name" => "--name",
                        "email" => "--email",
                        "phone" => "--phone",
                        "password" | "password_confirm" => "password",
                        "province" => "--province",
                        "identifier" => "--identifier",
                        other => other,
                    };
                    format!("{flag}: {}", lang.describe(p))
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
        e => CliError::Message(lang.describe(&e)),
    }
}

fn create(args: CreateArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let password = read_password(lang)?;
    let province = match (args.province, args.identifier) {
        (Some(name), Some(identifier)) => Some(Province { name, identifier }),
        (None, None) => None,
        _ => return Err(CliError::Message(lang.tr("admin-province-both"))),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let svc = open_services(&args.data, lang).await?;
        crate::storage::closing(svc.store.as_ref(), async {
            let details = OfficialDetails {
                full_name: args.name,
                email: args.email,
                phone: args.phone,
            };
            let user = admins::create_system_admin(
                &svc,
                &details,
                &password,
                province.as_ref(),
                chrono::Utc::now(),
            )
            .await
            .map_err(|e| app_error(e, lang))?;
            output::line(lang.tr_args(
                "admin-created",
                &[
                    ("name", Arg::from(user.full_name.clone())),
                    ("email", Arg::from(user.email.clone().unwrap_or_default())),
                ],
            ))?;
            Ok(ExitCode::SUCCESS)
        })
        .await
    })
}
