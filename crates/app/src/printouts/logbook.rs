//! The logbook (*Sổ theo dõi hồ sơ*, TT 01 form 06, TT 03 form 07): every
//! dossier a unit received in a month or a year, in the order it came in,
//! with the dates of its journey. A4 across.
//!
//! A period may straddle the two circulars (TT 03 took effect during
//! 2025): the book takes the form of the circular in force on the period's
//! last day, and each row stays what the record says.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use motcua_domain::calendar;
use motcua_domain::forms::Problem;
use motcua_domain::indicators::{Timeliness, timeliness};
use motcua_domain::lifecycle::{Action, Outcome, Stage};
use motcua_domain::printout::{Block, Letterhead, Printout, Signature};
use motcua_domain::regime::{CIRCULARS, FormKind, Regime};
use motcua_store::{AgencyId, DossierRecord, Page};

use super::vi;
use crate::office::Official;
use crate::{AppError, Services};

/// Dossiers read per query.
const PAGE: u32 = 500;

/// The most rows one book may hold: a month of a busy centre fits, and a
/// bigger period is refused with a clear error (ask for a month) rather
/// than read one timeline per row and typeset for minutes.
pub const MAX_ROWS: u32 = 10_000;

/// A month, or a whole year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookPeriod {
    pub year: i32,
    pub month: Option<u32>,
}

impl BookPeriod {
    /// The first and the day after the last day, or `None` for a month
    /// that does not exist.
    fn days(self) -> Option<(NaiveDate, NaiveDate)> {
        match self.month {
            Some(m) => {
                let first = NaiveDate::from_ymd_opt(self.year, m, 1)?;
                let next = if m == 12 {
                    NaiveDate::from_ymd_opt(self.year + 1, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(self.year, m + 1, 1)?
                };
                Some((first, next))
            }
            None => Some((
                NaiveDate::from_ymd_opt(self.year, 1, 1)?,
                NaiveDate::from_ymd_opt(self.year + 1, 1, 1)?,
            )),
        }
    }

    fn label(self) -> String {
        match self.month {
            Some(m) => format!("Tháng {m:02} năm {}", self.year),
            None => format!("Năm {}", self.year),
        }
    }

    fn stem(self) -> String {
        match self.month {
            Some(m) => format!("{}-{m:02}", self.year),
            None => self.year.to_string(),
        }
    }
}

/// Midnight starting `day` in Vietnam.
fn start_of(day: NaiveDate) -> DateTime<Utc> {
    calendar::to_utc(day.and_time(chrono::NaiveTime::MIN))
}

fn when(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| calendar::to_local(t).format("%H:%M %d/%m/%Y").to_string())
        .unwrap_or_default()
}

/// What the last column says of how the dossier ended, if it has.
fn remark(d: &DossierRecord) -> String {
    let clock = &d.state.clock;
    match d.state.stage {
        Stage::NotAccepted => "Từ chối tiếp nhận".to_owned(),
        Stage::Withdrawn => "Rút hồ sơ".to_owned(),
        Stage::Stopped => "Dừng giải quyết".to_owned(),
        Stage::ClosedMissingSupplement => "Kết thúc do không bổ sung hồ sơ".to_owned(),
        _ => {
            let judged = match (clock.decided_at, clock.original_due) {
                (Some(at), Some(due)) => Some(match timeliness(at, due) {
                    Timeliness::Early => "trước hạn",
                    Timeliness::OnTime => "đúng hạn",
                    Timeliness::Late => "quá hạn",
                }),
                _ => None,
            };
            match (d.state.outcome, judged) {
                (Some(Outcome::Refused), Some(j)) => format!("Từ chối giải quyết, {j}"),
                (Some(_), Some(j)) => format!("Giải quyết {j}"),
                _ => String::new(),
            }
        }
    }
}

pub const COLUMNS: [&str; 14] = [
    "TT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Số lượng hồ sơ (bộ)",
    "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ",
    "Hẹn trả kết quả",
    "Chuyển hồ sơ đến cơ quan giải quyết",
    "Nhận kết quả từ cơ quan giải quyết",
    "Trả kết quả",
    "Ký nhận",
    "Ghi chú",
];

/// The logbook of `unit` for `period`, for an official who holds a role
/// there.
pub async fn logbook(
    svc: &Services,
    official: &Official,
    unit: AgencyId,
    period: BookPeriod,
    now: DateTime<Utc>,
) -> Result<Printout, AppError> {
    // Only those who handle dossiers there: the book holds every
    // applicant's name, address and phone, which an agency administrator
    // has no need of.
    if !official.handling_agencies().contains(&unit) {
        return Err(AppError::NotFound("agency"));
    }
    let agency = svc
        .store
        .agency(unit)
        .await?
        .ok_or(AppError::NotFound("agency"))?;
    let superior = match agency.parent {
        Some(p) => svc.store.agency(p).await?,
        None => None,
    };
    let (first, next) = period.days().ok_or(AppError::NotFound("form"))?;
    let (from, to) = (start_of(first), start_of(next));
    let last_day = next.pred_opt().unwrap_or(first);
    // No form is modelled before the first circular: say so at the year.
    let regime = Regime::on(last_day).map_err(|_| {
        AppError::field(
            "nam",
            Problem::OutOfRange {
                min: i64::from(CIRCULARS[0].effective_from.year()),
                max: 2100,
            },
        )
    })?;
    let spec = regime
        .circular
        .form(FormKind::Logbook)
        .ok_or(AppError::NotFound("form"))?;

    let mut dossiers = Vec::new();
    let mut page = Page::first(PAGE);
    loop {
        let got = svc.store.received_between(unit, from, to, page).await?;
        let Some(last) = got.last() else { break };
        page = Page {
            after: Some((last.state.entered_at, last.id)),
            limit: PAGE,
        };
        dossiers.extend(got);
        if dossiers.len() > MAX_ROWS as usize {
            return Err(AppError::field(
                "thang",
                Problem::TooManyRows { max: MAX_ROWS },
            ));
        }
    }

    let mut names: HashMap<AgencyId, String> = HashMap::from([(unit, agency.name.clone())]);
    let mut procedures: HashMap<(String, NaiveDate), String> = HashMap::new();
    let mut rows = Vec::with_capacity(dossiers.len());
    for (i, d) in dossiers.iter().enumerate() {
        if let Entry::Vacant(slot) = names.entry(d.deciding_agency) {
            let name = svc.store.agency(d.deciding_agency).await?;
            slot.insert(name.map_or_else(String::new, |a| a.name));
        }
        let key = (d.procedure_code.clone(), d.procedure_version);
        if let Entry::Vacant(slot) = procedures.entry(key.clone()) {
            let version = svc.store.procedure_in_force(&key.0, key.1).await?;
            slot.insert(version.map_or_else(|| key.0.clone(), |v| v.procedure.name));
        }
        // The hand-over to the deciding agency: its first assignment.
        let handed = svc
            .store
            .events(d.id)
            .await?
            .into_iter()
            .find(|e| matches!(e.event.action, Action::Assign { .. }))
            .map(|e| e.at);
        let a = &d.applicant;
        let contact = [a.address.as_deref(), a.phone.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("; ");
        let clock = &d.state.clock;
        rows.push(vec![
            (i + 1).to_string(),
            d.code.as_str().to_owned(),
            procedures.get(&key).cloned().unwrap_or_default(),
            "01".to_owned(),
            a.name.clone(),
            contact,
            names.get(&d.deciding_agency).cloned().unwrap_or_default(),
            when(Some(clock.accepted_at.unwrap_or(d.state.entered_at))),
            when(clock.original_due),
            when(handed),
            when(clock.decided_at),
            when(clock.returned_at),
            String::new(),
            remark(d),
        ]);
    }

    Ok(Printout {
        kind: FormKind::Logbook,
        form_label: format!("Mẫu số {:02} — {}", spec.number, regime.circular.title),
        paper: spec.paper,
        landscape: true,
        letterhead: Letterhead {
            superior: superior.map(|a| vi::caps(&a.name)),
            agency: vi::caps(&agency.name),
            number: None,
        },
        // Dated the day it is drawn up, or the period's last day for a
        // closed period.
        place_and_date: format!(
            "{}, {}",
            vi::place(&svc.settings.province_name),
            vi::day(last_day.min(calendar::to_local(now).date()))
        ),
        title: vi::caps(spec.title_vi),
        subtitle: vec![
            period.label(),
            format!("Quyển số: {}", period.year),
            format!("Số hồ sơ: {}", rows.len()),
        ],
        blocks: vec![Block::Table {
            columns: COLUMNS.iter().map(|c| (*c).to_owned()).collect(),
            rows,
            // The code's column is wide enough to hold it on one line at
            // the table's size.
            widths: vec![2, 11, 9, 3, 6, 7, 6, 5, 5, 5, 5, 5, 4, 5],
        }],
        signatures: vec![Signature {
            title: "NGƯỜI LẬP SỔ".to_owned(),
            hint: "(Ký và ghi rõ họ tên)".to_owned(),
            name: Some(official.user.full_name.clone()),
        }],
        notes: Vec::new(),
        qr: None,
        file_stem: format!(
            "so-theo-doi-{}-{}",
            agency.identifier.as_str(),
            period.stem()
        ),
    })
}
