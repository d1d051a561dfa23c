//! The periods a visitor can pick, and how each reads in their language.

use chrono::NaiveDate;
use motcua_domain::statistics::review::period_words;
use motcua_domain::statistics::{CutOff, PeriodKind, PeriodSpec};
use motcua_i18n::Lang;

/// How a period reads: "Quý III năm 2026" / "Q3 2026".
pub(crate) fn label(lang: Lang, spec: PeriodSpec) -> String {
    if lang == Lang::Vi {
        // The review's words, capitalised to stand alone.
        let words = period_words(spec);
        let mut chars = words.chars();
        return chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or(words);
    }
    match spec {
        PeriodSpec::Month { year, month } => format!("Month {month:02}/{year}"),
        PeriodSpec::Quarter { year, quarter } => format!("Q{quarter} {year}"),
        PeriodSpec::Half { year, half } => format!("H{half} {year}"),
        PeriodSpec::Year { year } => format!("Year {year}"),
        PeriodSpec::Days { first, last } => {
            format!("{} – {}", first.format("%d/%m/%Y"), last.format("%d/%m/%Y"))
        }
    }
}

/// The periods offered on `today`: the running and earlier months,
/// quarters, halves and years, newest first within each kind.
pub(crate) fn choices(today: NaiveDate, cut_off: CutOff) -> Vec<PeriodSpec> {
    let mut out = Vec::new();
    for (kind, count) in [
        (PeriodKind::Quarter, 8),
        (PeriodKind::Half, 4),
        (PeriodKind::Year, 3),
        (PeriodKind::Month, 12),
    ] {
        let mut spec = PeriodSpec::containing(today, cut_off, kind);
        for _ in 0..count {
            out.push(spec);
            spec = spec.previous();
        }
    }
    out
}

/// The period a page opened without one shows: the running quarter.
pub(crate) fn default(today: NaiveDate, cut_off: CutOff) -> PeriodSpec {
    PeriodSpec::containing(today, cut_off, PeriodKind::Quarter)
}
