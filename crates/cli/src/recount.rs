//! Bringing the kept statistics up to date from a command, with a bar.

use std::time::Instant;

use motcua_app::Services;
use motcua_app::statistics::kept;
use motcua_i18n::{Arg, Lang};

use crate::admin_cmd::app_error;
use crate::error::CliError;
use crate::output::bar;

/// Recounts the dossiers the kept statistics must count again; says so on
/// standard error when there were any.
pub async fn kept_statistics(svc: &Services, lang: Lang) -> Result<(), CliError> {
    let started = Instant::now();
    let mut shown = None;
    let recounted = kept::catch_up(svc, |p| {
        let bar = shown.get_or_insert_with(|| bar(p.marked));
        bar.set_position(p.recounted);
    })
    .await
    .map_err(|e| app_error(e, lang))?;
    if let Some(bar) = shown {
        bar.finish_and_clear();
    }
    if recounted > 0 {
        eprintln!(
            "{}",
            lang.tr_args(
                "statistics-recounted",
                &[
                    ("dossiers", Arg::from(recounted)),
                    ("seconds", Arg::from(started.elapsed().as_secs())),
                ],
            )
        );
    }
    Ok(())
}
