//! The law in force on a date: which decree, circular and evaluation rules
//! govern a dossier.
//!
//! The one-stop rules changed on 1 July 2025: ND 118/2025/NĐ-CP replaced
//! ND 61/2018/NĐ-CP (ND 118 Art. 40(1), no transitional rule for dossiers in
//! progress), and TT 03/2025/TT-VPCP replaces TT 01/2018/TT-VPCP's forms and
//! code rules from its own effective date. A regime is therefore a set of
//! **parts**, each with its own effective date:
//! - the **decree** part: deadlines and which actions exist (the 8 working
//!   hours to answer an online dossier, closure for a missing supplement,
//!   stopping or amending at the applicant's request, correcting a wrong
//!   result) and which agency's identifier opens the dossier code;
//! - the **circular** part: the forms and the code's sequence width;
//! - the **evaluation** part: how agencies are scored.
//!
//! A dossier keeps the parts in force at its **entry instant** for life
//! ([`RegimeKey`] is what the store records). The entry instant depends on the
//! channel: online — submission; counter — intake by the officer; post — the
//! confirmation of the hand-over record (its legal filing time, QĐ 45/2016
//! Art. 7); forwarded by the national portal — the time the portal gives.
//!
//! The parts are data ([`DECREES`], [`CIRCULARS`], [`EVALUATIONS`]): the next
//! decree is a new entry with its own parameters, not a rewrite of the
//! lifecycle. An entry whose date or content was not confirmed against the
//! text says so (`verified: false`). A date before the earliest modelled
//! part is refused with a clear error, never guessed.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{self, Period};
use crate::message::{Message, MessageArg};

/// A decree on the one-stop mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DecreeId {
    /// Nghị định 61/2018/NĐ-CP (as amended by ND 107/2021).
    Nd61_2018,
    /// Nghị định 118/2025/NĐ-CP.
    Nd118_2025,
}

/// A circular on forms and dossier codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CircularId {
    /// Thông tư 01/2018/TT-VPCP.
    Tt01_2018,
    /// Thông tư 03/2025/TT-VPCP.
    Tt03_2025,
}

/// A set of evaluation rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvaluationId {
    /// TT 01/2018 Art. 13–15: nine indices scored 2/1/0.
    Tt01Art13,
    /// ND 118/2025 Art. 32: the criteria groups of QĐ 766/QĐ-TTg.
    Nd118Art32,
}

/// Whose electronic identifier opens a dossier code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CodeAgencyRule {
    /// The unit that received the dossier (TT 01/2018 Art. 19).
    ReceivingUnit,
    /// The competent (deciding) agency; for a linked group, the receiving
    /// unit in person or the national portal online (ND 118 Art. 28(a)).
    DecidingAgency,
}

/// The decree part of a regime: deadlines and which actions exist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecreeRules {
    pub id: DecreeId,
    pub title: &'static str,
    pub effective_from: NaiveDate,
    pub verified: bool,
    /// Time to accept an online dossier or send its one supplement request
    /// (ND 118 Art. 17(2): 8 working hours); `None` where the decree sets no
    /// limit (ND 61).
    pub online_reception_limit: Option<Period>,
    /// How long after acceptance a specialist may still ask for a supplement
    /// (ND 61 Art. 19(4), ND 118 Art. 19(5): 3 working days).
    pub appraisal_supplement_window: Period,
    /// A dossier whose appraisal supplement never comes is closed after this
    /// period from the notice (ND 118 Art. 19(5): 15 days); `None` under
    /// ND 61, which has no closure.
    pub supplement_closure_after: Option<Period>,
    /// The applicant may stop the dossier, or amend an online one (ND 118
    /// Art. 21).
    pub applicant_may_stop_or_amend: bool,
    /// A wrong result caused by staff is corrected within this period
    /// (ND 118 Art. 23(1): 3 working days); `None` under ND 61.
    pub result_correction_limit: Option<Period>,
    pub code_agency: CodeAgencyRule,
}

/// A legal form, by what it is for (its number depends on the circular).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FormKind {
    /// Giấy tiếp nhận hồ sơ và hẹn trả kết quả.
    Receipt,
    /// Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.
    SupplementRequest,
    /// Phiếu từ chối tiếp nhận giải quyết hồ sơ.
    Refusal,
    /// Phiếu xin lỗi và hẹn lại ngày trả kết quả (TT 01) / Văn bản xin lỗi
    /// và đề nghị gia hạn thời gian giải quyết (TT 03).
    Apology,
    /// Thông báo dừng giải quyết hồ sơ (TT 03 only).
    StopNotice,
    /// Phiếu kiểm soát quá trình giải quyết hồ sơ.
    ControlSheet,
    /// Sổ theo dõi hồ sơ.
    Logbook,
    /// Biên lai thu tiền phí, lệ phí: the receipt of a fee paid online. Not
    /// a one-stop circular's form (the finance rules set it), so no
    /// circular lists it.
    FeeReceipt,
    /// Biểu II.06a with the period's indicators: the statistics review, not
    /// a dossier's form.
    StatisticsReview,
}

/// Paper size of a printed form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Paper {
    A4,
    A5,
}

/// One form of a circular.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormSpec {
    pub kind: FormKind,
    /// The number in the circular's annex ("Mẫu số 01").
    pub number: u8,
    pub title_vi: &'static str,
    pub paper: Paper,
}

/// How a circular writes dossier codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CodeFormat {
    /// Digits of the daily sequence when we issue a code.
    pub sequence_width: u8,
    /// Widths accepted when reading a code.
    pub sequence_widths: (u8, u8),
}

/// The circular part of a regime: forms and the code format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CircularRules {
    pub id: CircularId,
    pub title: &'static str,
    pub effective_from: NaiveDate,
    pub verified: bool,
    /// What is known of the effective date or the annex.
    pub note: &'static str,
    pub forms: &'static [FormSpec],
    pub code: CodeFormat,
}

impl CircularRules {
    /// The form of this circular that serves `kind`, if it has one.
    pub fn form(&self, kind: FormKind) -> Option<&FormSpec> {
        self.forms.iter().find(|f| f.kind == kind)
    }
}

/// The evaluation part of a regime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvaluationRules {
    pub id: EvaluationId,
    pub title: &'static str,
    pub effective_from: NaiveDate,
    pub verified: bool,
}

const fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) => date,
        None => NaiveDate::MIN,
    }
}

/// The decrees, oldest first.
pub static DECREES: &[DecreeRules] = &[
    DecreeRules {
        id: DecreeId::Nd61_2018,
        title: "Nghị định 61/2018/NĐ-CP",
        effective_from: date(2018, 6, 21),
        verified: true,
        online_reception_limit: None,
        appraisal_supplement_window: Period::WorkingDays(3),
        supplement_closure_after: None,
        applicant_may_stop_or_amend: false,
        result_correction_limit: None,
        code_agency: CodeAgencyRule::ReceivingUnit,
    },
    DecreeRules {
        id: DecreeId::Nd118_2025,
        title: "Nghị định 118/2025/NĐ-CP",
        effective_from: date(2025, 7, 1),
        verified: true,
        online_reception_limit: Some(Period::WorkingHours(8)),
        appraisal_supplement_window: Period::WorkingDays(3),
        // Art. 19(5) says "15 ngày" without "làm việc": calendar days.
        supplement_closure_after: Some(Period::CalendarDays(15)),
        applicant_may_stop_or_amend: true,
        result_correction_limit: Some(Period::WorkingDays(3)),
        code_agency: CodeAgencyRule::DecidingAgency,
    },
];

const fn form(kind: FormKind, number: u8, title_vi: &'static str, paper: Paper) -> FormSpec {
    FormSpec {
        kind,
        number,
        title_vi,
        paper,
    }
}

static TT01_FORMS: &[FormSpec] = &[
    form(
        FormKind::Receipt,
        1,
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        Paper::A5,
    ),
    form(
        FormKind::SupplementRequest,
        2,
        "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        Paper::A5,
    ),
    form(
        FormKind::Refusal,
        3,
        "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        Paper::A5,
    ),
    form(
        FormKind::Apology,
        4,
        "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
        Paper::A5,
    ),
    form(
        FormKind::ControlSheet,
        5,
        "Phiếu kiểm soát quá trình giải quyết hồ sơ",
        Paper::A5,
    ),
    form(FormKind::Logbook, 6, "Sổ theo dõi hồ sơ", Paper::A4),
];

// TT 03/2025 Annex I: names from secondary sources; paper sizes follow
// TT 01/2018 until the annex is read.
static TT03_FORMS: &[FormSpec] = &[
    form(
        FormKind::Receipt,
        1,
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        Paper::A5,
    ),
    form(
        FormKind::SupplementRequest,
        2,
        "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        Paper::A5,
    ),
    form(
        FormKind::Refusal,
        3,
        "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        Paper::A5,
    ),
    form(
        FormKind::Apology,
        4,
        "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
        Paper::A5,
    ),
    form(
        FormKind::StopNotice,
        5,
        "Thông báo dừng giải quyết hồ sơ",
        Paper::A5,
    ),
    form(
        FormKind::ControlSheet,
        6,
        "Phiếu kiểm soát quá trình giải quyết hồ sơ",
        Paper::A5,
    ),
    form(FormKind::Logbook, 7, "Sổ theo dõi hồ sơ", Paper::A4),
];

/// The circulars, oldest first.
pub static CIRCULARS: &[CircularRules] = &[
    CircularRules {
        id: CircularId::Tt01_2018,
        title: "Thông tư 01/2018/TT-VPCP",
        effective_from: date(2019, 1, 6),
        verified: true,
        note: "",
        forms: TT01_FORMS,
        code: CodeFormat {
            sequence_width: 4,
            sequence_widths: (4, 4),
        },
    },
    CircularRules {
        id: CircularId::Tt03_2025,
        title: "Thông tư 03/2025/TT-VPCP",
        // Signed 15/09/2025; the effective date was not read. A circular
        // takes effect no earlier than 45 days after signing, so the earliest
        // lawful date is assumed until an administrator confirms it.
        effective_from: date(2025, 10, 30),
        verified: false,
        note: "effective date assumed (signed 15/09/2025 + 45 days); annex layout and code syntax not read",
        forms: TT03_FORMS,
        code: CodeFormat {
            // A 2026 example (H15.50.05.13-261008-0975) keeps 4 digits;
            // ministry systems reportedly use 6–7, so reading accepts 4–7.
            sequence_width: 4,
            sequence_widths: (4, 7),
        },
    },
];

/// The evaluation rules, oldest first.
pub static EVALUATIONS: &[EvaluationRules] = &[
    EvaluationRules {
        id: EvaluationId::Tt01Art13,
        title: "Thông tư 01/2018/TT-VPCP, Điều 13–15",
        effective_from: date(2019, 1, 6),
        verified: true,
    },
    EvaluationRules {
        id: EvaluationId::Nd118Art32,
        title: "Nghị định 118/2025/NĐ-CP, Điều 32",
        effective_from: date(2025, 7, 1),
        verified: true,
    },
];

// Each table lists its entries in the order of the identifiers' variants, so
// an identifier indexes its own entry (a test checks the order).
impl DecreeId {
    pub fn rules(self) -> &'static DecreeRules {
        &DECREES[self as usize]
    }
}

impl CircularId {
    pub fn rules(self) -> &'static CircularRules {
        &CIRCULARS[self as usize]
    }
}

impl EvaluationId {
    pub fn rules(self) -> &'static EvaluationRules {
        &EVALUATIONS[self as usize]
    }
}

/// Which part of a regime had no entry in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegimePart {
    Decree,
    Circular,
    Evaluation,
}

/// No regime can be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegimeError {
    /// The date is before the earliest modelled entry of a part.
    #[error("no {part:?} rules are modelled for {date}: the earliest in force is from {earliest}")]
    BeforeEarliest {
        date: NaiveDate,
        part: RegimePart,
        earliest: NaiveDate,
    },
}

impl RegimePart {
    pub fn key(self) -> &'static str {
        match self {
            RegimePart::Decree => "decree",
            RegimePart::Circular => "circular",
            RegimePart::Evaluation => "evaluation",
        }
    }
}

impl Message for RegimeError {
    fn message_key(&self) -> &'static str {
        match self {
            RegimeError::BeforeEarliest { .. } => "regime-error-before-earliest",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, MessageArg)> {
        match self {
            RegimeError::BeforeEarliest {
                date,
                part,
                earliest,
            } => vec![
                ("date", MessageArg::Date(*date)),
                ("part", MessageArg::key("regime-part-", part.key())),
                ("earliest", MessageArg::Date(*earliest)),
            ],
        }
    }
}

/// The regime a dossier keeps for life: the parts in force at its entry
/// instant, by identifier (what the store records).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RegimeKey {
    pub decree: DecreeId,
    pub circular: CircularId,
    pub evaluation: EvaluationId,
}

/// The rules of a regime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Regime {
    pub decree: &'static DecreeRules,
    pub circular: &'static CircularRules,
    pub evaluation: &'static EvaluationRules,
}

fn in_force<T>(
    entries: &'static [T],
    effective: impl Fn(&T) -> NaiveDate,
    day: NaiveDate,
    part: RegimePart,
) -> Result<&'static T, RegimeError> {
    entries
        .iter()
        .rev()
        .find(|e| effective(e) <= day)
        .ok_or_else(|| RegimeError::BeforeEarliest {
            date: day,
            part,
            earliest: entries.first().map_or(day, &effective),
        })
}

impl Regime {
    /// The regime in force at an entry instant (its date in Vietnam decides).
    pub fn at(entry: DateTime<Utc>) -> Result<Regime, RegimeError> {
        Regime::on(calendar::to_local(entry).date())
    }

    /// The regime in force on a date in Vietnam.
    pub fn on(day: NaiveDate) -> Result<Regime, RegimeError> {
        Ok(Regime {
            decree: in_force(DECREES, |e| e.effective_from, day, RegimePart::Decree)?,
            circular: in_force(CIRCULARS, |e| e.effective_from, day, RegimePart::Circular)?,
            evaluation: in_force(
                EVALUATIONS,
                |e| e.effective_from,
                day,
                RegimePart::Evaluation,
            )?,
        })
    }

    /// The rules a recorded key names.
    pub fn of(key: RegimeKey) -> Regime {
        Regime {
            decree: key.decree.rules(),
            circular: key.circular.rules(),
            evaluation: key.evaluation.rules(),
        }
    }

    pub fn key(&self) -> RegimeKey {
        RegimeKey {
            decree: self.decree.id,
            circular: self.circular.id,
            evaluation: self.evaluation.id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn nd118_starts_at_midnight_of_1_july_2025_in_vietnam() {
        // 30/06/2025 23:59 in Vietnam is 16:59 UTC.
        let before = Utc.with_ymd_and_hms(2025, 6, 30, 16, 59, 0).unwrap();
        let after = Utc.with_ymd_and_hms(2025, 6, 30, 17, 0, 0).unwrap();
        assert_eq!(Regime::at(before).unwrap().decree.id, DecreeId::Nd61_2018);
        assert_eq!(Regime::at(after).unwrap().decree.id, DecreeId::Nd118_2025);
    }

    #[test]
    fn parts_change_on_their_own_dates() {
        let july = Regime::on(d(2025, 7, 15)).unwrap();
        assert_eq!(july.decree.id, DecreeId::Nd118_2025);
        assert_eq!(july.circular.id, CircularId::Tt01_2018);
        let later = Regime::on(d(2026, 1, 1)).unwrap();
        assert_eq!(later.circular.id, CircularId::Tt03_2025);
        assert!(!later.circular.verified);
    }

    #[test]
    fn dates_before_the_earliest_part_are_refused() {
        let err = Regime::on(d(2018, 7, 1)).unwrap_err();
        assert_eq!(
            err,
            RegimeError::BeforeEarliest {
                date: d(2018, 7, 1),
                part: RegimePart::Circular,
                earliest: d(2019, 1, 6)
            }
        );
        assert!(matches!(
            Regime::on(d(2017, 1, 1)),
            Err(RegimeError::BeforeEarliest {
                part: RegimePart::Decree,
                ..
            })
        ));
    }

    #[test]
    fn keys_round_trip_and_every_id_has_one_entry() {
        for (i, decree) in DECREES.iter().enumerate() {
            assert_eq!(decree.id as usize, i);
        }
        for (i, circular) in CIRCULARS.iter().enumerate() {
            assert_eq!(circular.id as usize, i);
        }
        for (i, evaluation) in EVALUATIONS.iter().enumerate() {
            assert_eq!(evaluation.id as usize, i);
        }
        let r = Regime::on(d(2026, 3, 1)).unwrap();
        assert_eq!(Regime::of(r.key()), r);
    }

    #[test]
    fn entries_are_in_date_order() {
        assert!(
            DECREES
                .windows(2)
                .all(|w| w[0].effective_from < w[1].effective_from)
        );
        assert!(
            CIRCULARS
                .windows(2)
                .all(|w| w[0].effective_from < w[1].effective_from)
        );
        assert!(
            EVALUATIONS
                .windows(2)
                .all(|w| w[0].effective_from < w[1].effective_from)
        );
    }

    #[test]
    fn only_tt03_has_a_stop_notice() {
        let tt01 = &CIRCULARS[0];
        let tt03 = &CIRCULARS[1];
        assert!(tt01.form(FormKind::StopNotice).is_none());
        assert_eq!(tt03.form(FormKind::StopNotice).unwrap().number, 5);
        assert_eq!(tt03.form(FormKind::Logbook).unwrap().number, 7);
        assert_eq!(tt01.form(FormKind::Logbook).unwrap().paper, Paper::A4);
    }
}
