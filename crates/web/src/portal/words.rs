//! Domain values in the visitor's words: periods, levels, money, stages,
//! delivery choices, document forms.

use motcua_domain::calendar::Period;
use motcua_domain::catalog::{Competent, DocumentForm, FormField, Procedure, ServiceLevel};
use motcua_domain::lifecycle::Stage;
use motcua_i18n::{Arg, Lang};
use motcua_store::{Delivery, Satisfaction};

pub fn period(lang: Lang, p: Period) -> String {
    let (key, n) = match p {
        Period::WorkingDays(0) => return lang.tr("period-same-day"),
        Period::WorkingDays(n) => ("period-working-days", n),
        Period::WorkingHours(n) => ("period-working-hours", n),
        Period::CalendarDays(n) => ("period-calendar-days", n),
    };
    lang.tr_args(key, &[("n", Arg::from(n))])
}

pub fn level(lang: Lang, l: ServiceLevel) -> String {
    lang.tr(match l {
        ServiceLevel::Information => "level-information",
        ServiceLevel::Partial => "level-partial",
        ServiceLevel::Full => "level-full",
    })
}

/// Money in đồng, grouped by dots as Vietnamese writes it (`10.000 đ`).
pub fn vnd(amount: u64) -> String {
    format!("{} đ", motcua_domain::text::thousands(amount))
}

pub fn document_form(lang: Lang, form: DocumentForm) -> String {
    lang.tr(match form {
        DocumentForm::Original => "document-original",
        DocumentForm::CertifiedCopy => "document-certified-copy",
        DocumentForm::Copy => "document-copy",
        DocumentForm::OriginalOrCertifiedCopy => "document-original-or-certified-copy",
    })
}

pub fn stage(lang: Lang, s: Stage) -> String {
    lang.tr(&format!("stage-{}", s.key()))
}

pub fn delivery(lang: Lang, d: Delivery) -> String {
    lang.tr(&format!("delivery-{}", d.key()))
}

pub fn satisfaction(lang: Lang, s: Satisfaction) -> String {
    lang.tr(&format!("satisfaction-{}", s.key()))
}

/// Who decides, in words; `agency_name` is the named agency's name when
/// the deployment has it.
pub fn competent(lang: Lang, c: &Competent, agency_name: Option<&str>) -> String {
    match c {
        Competent::Agency(id) => agency_name.map_or_else(|| id.clone(), str::to_owned),
        Competent::Level(kind) => lang.tr(&format!("competent-level-{kind}")),
    }
}

/// A procedure's name in `lang`.
pub fn procedure_name(lang: Lang, p: &Procedure) -> String {
    motcua_app::notices::procedure_name(p, lang)
}

/// A field's label in `lang`.
pub fn label(lang: Lang, f: &FormField) -> String {
    match (lang, &f.label_en) {
        (Lang::En, Some(en)) => en.clone(),
        _ => f.label.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_by_thousands() {
        assert_eq!(vnd(0), "0 đ");
        assert_eq!(vnd(8000), "8.000 đ");
        assert_eq!(vnd(200_000), "200.000 đ");
        assert_eq!(vnd(1_234_567), "1.234.567 đ");
    }
}
