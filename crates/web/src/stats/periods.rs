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
/// quarters, halves and years, newest first within each kind — without
/// one that begins today (no day of it has ended to count).
pub(crate) fn choices(today: NaiveDate, cut_off: CutOff) -> Vec<PeriodSpec> {
    let mut out = Vec::new();
    for (kind, count) in [
        (PeriodKind::Quarter, 8),
        (PeriodKind::Half, 4),
        (PeriodKind::Year, 3),
        (PeriodKind::Month, 12),
    ] {
        let mut spec = PeriodSpec::containing(today, cut_off, kind);
        if begins(spec, today, cut_off) {
            spec = spec.previous();
        }
        for _ in 0..count {
            out.push(spec);
            spec = spec.previous();
        }
    }
    out
}

fn begins(spec: PeriodSpec, today: NaiveDate, cut_off: CutOff) -> bool {
    matches!(spec.days(cut_off), Ok((first, _)) if first == today)
}

/// The period a page opened without one shows: the running quarter, or
/// the one before on a quarter's first day (figures are counted to the
/// end of yesterday, so a quarter has none on its first day).
pub(crate) fn default(today: NaiveDate, cut_off: CutOff) -> PeriodSpec {
    let running = PeriodSpec::containing(today, cut_off, PeriodKind::Quarter);
    if begins(running, today, cut_off) {
        running.previous()
    } else {
        running
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_opens_on_the_running_quarter_or_the_last_one_on_a_quarters_first_day() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let q = |year, quarter| PeriodSpec::Quarter { year, quarter };
        // Under the 15th cut-off the third quarter runs 15/06–14/09.
        assert_eq!(default(d(2026, 7, 20), CutOff::ND09), q(2026, 3));
        assert_eq!(default(d(2026, 6, 16), CutOff::ND09), q(2026, 3));
        assert_eq!(default(d(2026, 6, 15), CutOff::ND09), q(2026, 2));
        assert_eq!(default(d(2026, 7, 1), CutOff::CALENDAR), q(2026, 2));
        assert_eq!(default(d(2026, 7, 2), CutOff::CALENDAR), q(2026, 3));
    }
}
