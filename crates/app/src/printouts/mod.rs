//! The legal forms of a dossier, filled from its record and timeline
//! (TT 01/2018 Annex: forms 01–06; TT 03/2025 Annex I: forms 01–07).
//!
//! A dossier gets the forms of the circular in force at its entry instant
//! (`domain::regime`), and only those the law has issued by now: the receipt
//! once it is accepted, the supplement request once one was asked, and so on
//! ([`Paperwork::issued`]). Each builder writes the words of its annex into a
//! [`Printout`]; the web layer prints it as HTML and the wired
//! [`Renderer`](motcua_domain::printout::Renderer) as PDF.
//!
//! Under TT 03/2025 the annex's exact layout was not read: its forms follow
//! the TT 01/2018 layout with TT 03's titles and numbers (the stop notice,
//! new in TT 03, follows the apology's layout). The form label says which
//! circular a form comes from.

mod control;
mod letters;
pub mod logbook;
pub mod vi;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use motcua_domain::catalog::Procedure;
use motcua_domain::lifecycle::{Action, ActionKind};
use motcua_domain::printout::{Letterhead, Printout, Qr, RenderError, Renderer, Signature};
use motcua_domain::regime::{DecreeId, FormKind, FormSpec};
use motcua_store::{Agency, Attachment, DossierRecord, EventRecord, UserId};

use crate::{AppError, Services};

/// Everything the forms of one dossier draw on.
#[derive(Debug, Clone)]
pub struct Paperwork {
    pub dossier: DossierRecord,
    pub events: Vec<EventRecord>,
    pub attachments: Vec<Attachment>,
    /// The procedure version the dossier was filed under, if the catalog
    /// still has it.
    pub procedure: Option<Procedure>,
    pub receiving: Agency,
    /// The agency above the receiving unit (the letterhead's first line).
    pub receiving_superior: Option<Agency>,
    pub deciding: Agency,
    /// Names of the agencies steps were sent to, by identifier.
    pub step_agencies: BTreeMap<String, String>,
    /// Names of the officials who acted on it.
    pub officials: HashMap<UserId, String>,
    /// The province, for the place before the date.
    pub place: String,
    /// The public look-up of this dossier.
    pub lookup_url: String,
}

/// Who asks for a form decides which they may have: the applicant gets
/// what is addressed to them, officials who can see the dossier get all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Applicant,
    Official,
}

impl Reader {
    pub fn may_read(self, kind: FormKind) -> bool {
        match self {
            Reader::Official => true,
            Reader::Applicant => !matches!(kind, FormKind::ControlSheet | FormKind::Logbook),
        }
    }
}

/// The forms a dossier may have, in the order of the annexes (the
/// logbook is a unit's, not a dossier's).
pub const OF_A_DOSSIER: [FormKind; 6] = [
    FormKind::Receipt,
    FormKind::SupplementRequest,
    FormKind::Refusal,
    FormKind::Apology,
    FormKind::StopNotice,
    FormKind::ControlSheet,
];

/// A form of a dossier by the path segment of its link.
pub fn kind_from_key(key: &str) -> Option<FormKind> {
    OF_A_DOSSIER.into_iter().find(|k| kind_key(*k) == key)
}

pub fn kind_key(kind: FormKind) -> &'static str {
    match kind {
        FormKind::Receipt => "giay-tiep-nhan",
        FormKind::SupplementRequest => "yeu-cau-bo-sung",
        FormKind::Refusal => "tu-choi",
        FormKind::Apology => "xin-loi",
        FormKind::StopNotice => "dung-giai-quyet",
        FormKind::ControlSheet => "phieu-kiem-soat",
        FormKind::Logbook => "so-theo-doi",
        FormKind::FeeReceipt => "bien-lai",
        FormKind::StatisticsReview => "bao-cao-thong-ke",
    }
}

/// Reads what the forms of `dossier` need.
pub async fn load(svc: &Services, dossier: DossierRecord) -> Result<Paperwork, AppError> {
    let events = svc.store.events(dossier.id).await?;
    let attachments = svc.store.attachments(dossier.id).await?;
    let procedure = svc
        .store
        .procedure_in_force(&dossier.procedure_code, dossier.procedure_version)
        .await?
        .map(|v| v.procedure);
    let agency = |id| async move {
        svc.store
            .agency(id)
            .await?
            .ok_or(AppError::NotFound("agency"))
    };
    let receiving = agency(dossier.receiving_unit).await?;
    let receiving_superior = match receiving.parent {
        Some(parent) => svc.store.agency(parent).await?,
        None => None,
    };
    let deciding = agency(dossier.deciding_agency).await?;
    let mut step_agencies = BTreeMap::new();
    let mut officials = HashMap::new();
    for event in &events {
        if let Action::SendToAgency(handover) = &event.event.action {
            for step in &handover.steps {
                if !step_agencies.contains_key(&step.agency)
                    && let Some(a) = svc.store.agency_by_identifier(&step.agency).await?
                {
                    step_agencies.insert(step.agency.clone(), a.name);
                }
            }
        }
        let assignee = match &event.event.action {
            Action::Assign { to: Some(to) } => to.parse::<UserId>().ok(),
            _ => None,
        };
        for user in event.actor.into_iter().chain(assignee) {
            if !officials.contains_key(&user)
                && let Some(u) = svc.store.user(user).await?
            {
                officials.insert(user, u.full_name);
            }
        }
    }
    let lookup_url = svc
        .settings
        .link(&format!("/tra-cuu?ma={}", dossier.code.as_str()));
    Ok(Paperwork {
        dossier,
        events,
        attachments,
        procedure,
        receiving,
        receiving_superior,
        deciding,
        step_agencies,
        officials,
        place: svc.settings.province_name.clone(),
        lookup_url,
    })
}

impl Paperwork {
    /// The forms the law has issued on this dossier so far ([`issued`]).
    pub fn issued(&self) -> Vec<FormKind> {
        issued(&self.dossier, &self.events)
    }

    /// The form `kind` of this dossier, filled. `pin` is printed on the
    /// receipt when the caller still knows it (the applicant's, while the
    /// draft that made the dossier is kept; only its hash is stored).
    pub fn printout(&self, kind: FormKind, pin: Option<&str>) -> Result<Printout, AppError> {
        let spec = spec(&self.dossier, kind).ok_or(AppError::NotFound("form"))?;
        let event = issuing_event(&self.events, kind).ok_or(AppError::NotFound("form"))?;
        Ok(match kind {
            FormKind::Receipt => letters::receipt(self, spec, event, pin),
            FormKind::SupplementRequest => letters::supplement_request(self, spec, event),
            FormKind::Refusal => letters::refusal(self, spec, event),
            FormKind::Apology => letters::apology(self, spec, event),
            FormKind::StopNotice => letters::stop_notice(self, spec, event),
            FormKind::ControlSheet => control::sheet(self, spec, event),
            FormKind::Logbook | FormKind::FeeReceipt | FormKind::StatisticsReview => {
                return Err(AppError::NotFound("form"));
            }
        })
    }

    /// "Mẫu số 01 — Thông tư 01/2018/TT-VPCP".
    fn form_label(&self, spec: &FormSpec) -> String {
        let circular = self.dossier.state.regime.circular.rules();
        format!("Mẫu số {:02} — {}", spec.number, circular.title)
    }

    /// The letterhead of a form the receiving unit issues.
    fn receiving_letterhead(&self) -> Letterhead {
        Letterhead {
            superior: self.receiving_superior.as_ref().map(|a| vi::caps(&a.name)),
            agency: vi::caps(&self.receiving.name),
            number: None,
        }
    }

    /// The letterhead of a form the deciding agency issues.
    fn deciding_letterhead(&self) -> Letterhead {
        Letterhead {
            superior: None,
            agency: vi::caps(&self.deciding.name),
            number: None,
        }
    }

    fn place_and_date(&self, at: DateTime<Utc>) -> String {
        format!("{}, {}", vi::place(&self.place), vi::day_of(at))
    }

    fn procedure_name(&self) -> String {
        self.procedure
            .as_ref()
            .map_or_else(|| self.dossier.procedure_code.clone(), |p| p.name.clone())
    }

    fn official(&self, event: &EventRecord) -> Option<String> {
        event.actor.and_then(|a| self.officials.get(&a).cloned())
    }

    fn file_stem(&self, spec: &FormSpec) -> String {
        format!("mau-{:02}-{}", spec.number, self.dossier.code.as_str())
    }

    fn qr(&self, pin: Option<&str>) -> Option<Qr> {
        let target = match pin {
            Some(pin) => format!("{}&pin={pin}", self.lookup_url),
            None => self.lookup_url.clone(),
        };
        let code = qrcode::QrCode::new(target.as_bytes()).ok()?;
        Some(Qr {
            svg: code
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(160, 160)
                .quiet_zone(true)
                .build(),
            caption: "Quét mã để tra cứu hồ sơ".to_owned(),
        })
    }
}

/// The forms the law has issued on a dossier so far, in the order of the
/// annex: read from its record and timeline alone, so a page that already
/// holds them lists the forms without reading anything more.
pub fn issued(dossier: &DossierRecord, events: &[EventRecord]) -> Vec<FormKind> {
    OF_A_DOSSIER
        .into_iter()
        .filter(|k| spec(dossier, *k).is_some() && issuing_event(events, *k).is_some())
        .collect()
}

/// The form of the dossier's circular for `kind`. The stop notice
/// exists only under ND 118/2025 (Art. 21): never for a dossier under
/// ND 61, whatever it recorded.
fn spec(dossier: &DossierRecord, kind: FormKind) -> Option<&'static FormSpec> {
    if kind == FormKind::StopNotice && dossier.state.regime.decree != DecreeId::Nd118_2025 {
        return None;
    }
    dossier.state.regime.circular.rules().form(kind)
}

/// The event that issued the form: the acceptance for the receipt and
/// the control sheet, the last request, refusal, apology or stop for
/// the others.
fn issuing_event(events: &[EventRecord], kind: FormKind) -> Option<&EventRecord> {
    let wanted: &[ActionKind] = match kind {
        FormKind::Receipt | FormKind::ControlSheet => &[ActionKind::Accept],
        FormKind::SupplementRequest => &[
            ActionKind::RequestReceptionSupplement,
            ActionKind::RequestAppraisalSupplement,
        ],
        FormKind::Refusal => &[ActionKind::RefuseAtReception],
        FormKind::Apology => &[ActionKind::Apologize],
        FormKind::StopNotice => &[
            ActionKind::StopAtApplicantRequest,
            ActionKind::StopUnderSectorLaw,
        ],
        FormKind::Logbook | FormKind::FeeReceipt | FormKind::StatisticsReview => &[],
    };
    events.iter().rev().find(|e| wanted.contains(&e.action))
}

/// "(Ký và ghi rõ họ tên)" under a named title.
fn signature(title: &str, name: Option<String>) -> Signature {
    Signature {
        title: title.to_owned(),
        hint: "(Ký và ghi rõ họ tên)".to_owned(),
        name,
    }
}

/// The printout as PDF, typeset off the async workers (it takes tens of
/// milliseconds of CPU).
pub async fn pdf(svc: &Services, printout: Printout) -> Result<Vec<u8>, AppError> {
    off_the_workers(svc, printout, |r, p| r.pdf(p)).await
}

/// The printout's table as an XLSX workbook, written off the async workers.
pub async fn xlsx(svc: &Services, printout: Printout) -> Result<Vec<u8>, AppError> {
    off_the_workers(svc, printout, |r, p| r.xlsx(p)).await
}

async fn off_the_workers(
    svc: &Services,
    printout: Printout,
    draw: fn(&dyn Renderer, &Printout) -> Result<Vec<u8>, RenderError>,
) -> Result<Vec<u8>, AppError> {
    let renderer = Arc::clone(&svc.renderer);
    tokio::task::spawn_blocking(move || draw(renderer.as_ref(), &printout))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::from)
}
