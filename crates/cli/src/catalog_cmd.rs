//! `motcua catalog import FILE` and `motcua catalog export`: the procedure
//! catalog as YAML or JSON files, checked whole and imported all or nothing.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use motcua_app::catalog::{self, CatalogFileError, Format};
use motcua_i18n::{Arg, Lang};

use crate::error::CliError;
use crate::output;
use crate::storage::{DataArgs, closing, open_existing_store, open_store, store_error};

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Check a catalog file and import every procedure in it, or none.
    Import(ImportArgs),
    /// Write the catalog as stored (every version) as YAML or JSON.
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The catalog file (`.yaml`, `.yml` or `.json`).
    pub file: PathBuf,
    /// The file's format, when its name does not say.
    #[arg(long)]
    pub format: Option<String>,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Where to write (standard output when absent).
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
    /// `yaml` (default) or `json`.
    #[arg(long)]
    pub format: Option<String>,
    #[command(flatten)]
    pub data: DataArgs,
}

fn format_of(
    flag: Option<&str>,
    path: Option<&std::path::Path>,
    lang: Lang,
) -> Result<Format, CliError> {
    match flag.map(str::to_ascii_lowercase).as_deref() {
        Some("yaml" | "yml") => Ok(Format::Yaml),
        Some("json") => Ok(Format::Json),
        Some(other) => Err(CliError::Message(
            lang.tr_args("catalog-bad-format", &[("value", other.into())]),
        )),
        None => Ok(path.map_or(Format::Yaml, Format::of_path)),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

pub fn run(cmd: CatalogCommand, lang: Lang) -> Result<ExitCode, CliError> {
    match cmd {
        CatalogCommand::Import(args) => import(args, lang),
        CatalogCommand::Export(args) => export(args, lang),
    }
}

fn import(args: ImportArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let format = format_of(args.format.as_deref(), Some(&args.file), lang)?;
    let location = args.data.database(lang)?;
    let text = std::fs::read_to_string(&args.file).map_err(|e| CliError::file(&args.file, e))?;
    let parsed = match catalog::parse(&text, format) {
        Ok(c) => c,
        Err(CatalogFileError::Invalid(errors)) => {
            for e in &errors {
                eprintln!("motcua: {}", lang.describe(e));
            }
            return Err(CliError::Message(
                lang.tr_args("catalog-invalid", &[("count", Arg::from(errors.len()))]),
            ));
        }
        Err(e) => {
            return Err(CliError::Message(lang.tr_args(
                "catalog-parse-error",
                &[
                    ("path", args.file.display().to_string().into()),
                    ("reason", e.to_string().into()),
                ],
            )));
        }
    };
    runtime()?.block_on(async {
        let store = open_store(&location, lang).await?;
        closing(store.as_ref(), async {
            let count = catalog::import(store.as_ref(), parsed, chrono::Utc::now())
                .await
                .map_err(|e| match e {
                    CatalogFileError::Store(e) => store_error(e, lang),
                    other => CliError::Message(other.to_string()),
                })?;
            output::line(lang.tr_args("catalog-imported", &[("count", Arg::from(count))]))?;
            Ok(ExitCode::SUCCESS)
        })
        .await
    })
}

fn export(args: ExportArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let format = format_of(args.format.as_deref(), args.output.as_deref(), lang)?;
    let location = args.data.database(lang)?;
    let catalog = runtime()?.block_on(async {
        let store = open_existing_store(&location, lang).await?;
        closing(store.as_ref(), catalog::export(store.as_ref()))
            .await
            .map_err(|e| store_error(e, lang))
    })?;
    let text = catalog::write(&catalog, format).map_err(|e| CliError::Message(e.to_string()))?;
    match &args.output {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
        }
        Some(path) => {
            let folder = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            let mut part =
                tempfile::NamedTempFile::new_in(&folder).map_err(|e| CliError::file(&folder, e))?;
            part.write_all(text.as_bytes())
                .map_err(|e| CliError::file(path, e))?;
            part.as_file()
                .sync_all()
                .map_err(|e| CliError::file(path, e))?;
            part.persist(path)
                .map_err(|e| CliError::file(path, e.error))?;
            eprintln!(
                "{}",
                lang.tr_args(
                    "catalog-exported",
                    &[
                        ("count", Arg::from(catalog.procedures.len())),
                        ("path", path.display().to_string().into()),
                    ],
                )
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
