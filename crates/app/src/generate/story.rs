//! The life of one generated dossier: what happens to it after it enters,
//! in the proportions a province sees, each action decided by the domain on
//! the state before it (so every event passes the rules a real one does),
//! at instants counted in office time on the legal calendar.
//!
//! The proportions are chosen to give every indicator something to count;
//! they are not measured from a province's record (the one-stop unit's
//! reported on-time rate is above 99%, ours is about 97%).

use chrono::{DateTime, TimeDelta, Utc};
use motcua_domain::calendar;
use motcua_domain::lifecycle::{
    Action, CapturedDocument, Channel, Clockwork, Dossier, Handover, LifecycleError, Recipient,
    Role, Stage,
};
use motcua_domain::regime::DecreeId;
use motcua_store::{Delivery, NewEvent, UserId};

/// Who acts on the dossier: the first official holding each role at the
/// receiving unit (reception, return) and the deciding agency (specialist,
/// approver). An official missing from the record acts unnamed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cast {
    pub reception: Option<UserId>,
    pub specialist: Option<UserId>,
    pub approver: Option<UserId>,
    pub returner: Option<UserId>,
}

/// What one dossier's life depends on.
#[derive(Debug, Clone, Copy)]
pub struct Setting<'a> {
    pub cw: Clockwork<'a>,
    pub delivery: Delivery,
    pub has_fees: bool,
    /// Another agency an inter-agency step may go to (its identifier).
    pub step_agency: Option<&'a str>,
    /// The procedure's first group of agency steps from the catalog, sent
    /// together; each comes back on its own.
    pub workflow_group: Option<&'a Handover>,
    pub cast: Cast,
    /// Nothing after this instant happens (the end of the simulated period).
    pub until: DateTime<Utc>,
    /// Who received the result at the counter (the applicant).
    pub recipient: &'a Recipient,
}

/// Whether the story goes on or the period ended.
type Step = Result<bool, LifecycleError>;

struct Life<'a> {
    rng: &'a mut fastrand::Rng,
    set: Setting<'a>,
    state: Dossier,
    events: Vec<NewEvent>,
}

impl Life<'_> {
    fn last(&self) -> DateTime<Utc> {
        self.state.last_event_at
    }

    /// `from` plus between `min` and `max` hours of office time.
    fn after(
        &mut self,
        from: DateTime<Utc>,
        min: f64,
        max: f64,
    ) -> Result<DateTime<Utc>, LifecycleError> {
        let hours = min + (max - min) * self.rng.f64();
        let minutes = (hours * 60.0).round().max(1.0) as i64;
        self.set
            .cw
            .add_working_time(from, TimeDelta::minutes(minutes))
    }

    /// Some office time after the last event.
    fn later(&mut self, min: f64, max: f64) -> Result<DateTime<Utc>, LifecycleError> {
        self.after(self.last(), min, max)
    }

    /// Decides and records `action`, unless `at` is past the end of the
    /// period (then the story stops there: `false`).
    fn act(
        &mut self,
        action: Action,
        role: Role,
        actor: Option<UserId>,
        at: DateTime<Utc>,
    ) -> Step {
        if at > self.set.until {
            return Ok(false);
        }
        let event = self.state.decide(action, role, at, self.set.cw)?;
        self.state.apply(&event);
        self.events.push(NewEvent {
            actor,
            event,
            attachments: Vec::new(),
            jobs: Vec::new(),
        });
        Ok(true)
    }

    /// Whether `hours` of office time still fit before the due date (so an
    /// optional step does not make the dossier late by itself).
    fn fits(&self, hours: f64) -> Result<bool, LifecycleError> {
        let Some(due) = self.state.clock.due else {
            return Ok(true);
        };
        let left = self.set.cw.working_time(self.last(), due)?;
        Ok(left.num_minutes() as f64 / 60.0 > hours)
    }

    fn nd118(&self) -> bool {
        self.state.regime().decree.id == DecreeId::Nd118_2025
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.f64() < p
    }
}

/// Hands the dossier over and records each agency's answer, in the order
/// they happen to come.
fn send_and_hear_back(l: &mut Life<'_>, c: Cast, handover: Handover) -> Step {
    let at = l.later(2.0, 8.0)?;
    let mut agencies: Vec<String> = handover.steps.iter().map(|s| s.agency.clone()).collect();
    if !l.act(
        Action::SendToAgency(handover),
        Role::Specialist,
        c.specialist,
        at,
    )? {
        return Ok(false);
    }
    l.rng.shuffle(&mut agencies);
    for agency in agencies {
        let at = l.later(4.0, 16.0)?;
        let answer = Action::ReturnFromAgency {
            agency: Some(agency),
        };
        if !l.act(answer, Role::Specialist, c.specialist, at)? {
            return Ok(false);
        }
    }
    Ok(true)
}

const RECEPTION_ITEMS: [&str; 3] = [
    "Bản sao giấy khai sinh có chứng thực",
    "Ảnh chụp rõ nét căn cước của người yêu cầu",
    "Văn bản ủy quyền có chứng thực",
];

/// Everything that happens to a dossier after its entry, up to `until`.
pub fn live(
    rng: &mut fastrand::Rng,
    set: Setting<'_>,
    state: Dossier,
) -> Result<Vec<NewEvent>, LifecycleError> {
    let mut life = Life {
        rng,
        set,
        state,
        events: Vec::new(),
    };
    let _ = run(&mut life)?;
    Ok(life.events)
}

fn run(l: &mut Life<'_>) -> Step {
    let c = l.set.cast;
    if !reception(l)? {
        return Ok(false);
    }
    let at = l.later(0.05, 1.0)?;
    let to = c.specialist.map(|u| u.to_string());
    if !l.act(
        Action::Assign { to },
        Role::ReceptionOfficer,
        c.reception,
        at,
    )? {
        return Ok(false);
    }
    // ND 118 Art. 19(2): the specialist digitises the identity paper with
    // its data for most dossiers.
    if l.nd118() && l.chance(0.4) {
        let at = l.later(0.1, 2.0)?;
        let document = CapturedDocument {
            type_code: "CCCD".into(),
            number: Some(l.set.recipient.identity.clone()),
            title: "Căn cước công dân".into(),
            summary: format!("Họ và tên: {}", l.set.recipient.name),
            issued_on: None,
            issuer: None,
            valid_until: None,
            scope: None,
        };
        if !l.act(
            Action::CaptureData(document),
            Role::Specialist,
            c.specialist,
            at,
        )? {
            return Ok(false);
        }
    }
    if l.chance(0.01) {
        let at = l.later(4.0, 40.0)?;
        let reason = "Người yêu cầu không còn nhu cầu giải quyết".to_owned();
        return l.act(Action::Withdraw { reason }, Role::Applicant, None, at);
    }
    if l.chance(0.005) {
        let at = l.later(2.0, 16.0)?;
        let reason = "Đang có tranh chấp, chờ kết quả giải quyết của Tòa án".to_owned();
        return l.act(
            Action::StopUnderSectorLaw { reason },
            Role::Approver,
            c.approver,
            at,
        );
    }
    // ND 118 Art. 21: the applicant asks to stop, or amends an online
    // dossier while it is processed.
    if l.nd118() && l.chance(0.003) {
        let at = l.later(4.0, 24.0)?;
        let reason = "Người yêu cầu đề nghị dừng giải quyết để bổ sung giấy tờ khác".to_owned();
        return l.act(
            Action::StopAtApplicantRequest { reason },
            Role::Applicant,
            None,
            at,
        );
    }
    if l.nd118() && l.state.channel.is_online() && l.chance(0.01) {
        let at = l.later(0.5, 4.0)?;
        let summary = "Sửa số điện thoại liên hệ".to_owned();
        if !l.act(Action::Amend { summary }, Role::Applicant, None, at)? {
            return Ok(false);
        }
    }
    if l.chance(0.04) && !appraisal_supplement(l)? {
        return Ok(false);
    }
    if l.state.stage != Stage::InProcess {
        // Closed for the missing supplement, or still waiting for it.
        return Ok(false);
    }
    if let Some(group) = l.set.workflow_group
        && l.chance(0.6)
        && l.fits(40.0)?
    {
        if !send_and_hear_back(l, c, group.clone())? {
            return Ok(false);
        }
    } else if let Some(agency) = l.set.step_agency
        && l.chance(0.08)
        && l.fits(40.0)?
    {
        let task = "Xác minh thông tin cư trú của người yêu cầu";
        if !send_and_hear_back(l, c, Handover::single(agency, task))? {
            return Ok(false);
        }
    }
    if l.set.has_fees && l.chance(0.05) && l.fits(16.0)? {
        let at = l.later(1.0, 8.0)?;
        if !l.act(
            Action::RequestPayment { fees: vec![] },
            Role::Specialist,
            c.specialist,
            at,
        )? {
            return Ok(false);
        }
        let at = l.later(1.0, 16.0)?;
        if !l.act(Action::ConfirmPayment, Role::System, None, at)? {
            return Ok(false);
        }
    }
    if !decision(l)? {
        return Ok(false);
    }
    if !hand_over(l)? {
        return Ok(false);
    }
    if l.nd118() && l.chance(0.003) {
        let at = l.later(8.0, 40.0)?;
        let reason = "Sai sót họ tên trên kết quả do cán bộ nhập liệu".to_owned();
        if !l.act(
            Action::OpenCorrection { reason },
            Role::Approver,
            c.approver,
            at,
        )? {
            return Ok(false);
        }
        let at = l.later(4.0, 16.0)?;
        if !l.act(Action::Approve, Role::Approver, c.approver, at)? {
            return Ok(false);
        }
        return hand_over(l);
    }
    Ok(true)
}

/// Until the dossier is accepted (`true`), refused or left waiting.
fn reception(l: &mut Life<'_>) -> Step {
    let c = l.set.cast;
    if !l.state.channel.is_online() {
        let at = l.later(0.1, 0.5)?;
        return l.act(Action::Accept, Role::ReceptionOfficer, c.reception, at);
    }
    let roll = l.rng.f64();
    if roll < 0.02 {
        let at = l.later(1.0, 6.0)?;
        let reason = "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan".to_owned();
        l.act(
            Action::RefuseAtReception { reason },
            Role::ReceptionOfficer,
            c.reception,
            at,
        )?;
        return Ok(false);
    }
    if roll < 0.08 {
        let at = l.later(1.0, 6.0)?;
        let items = vec![RECEPTION_ITEMS[l.rng.usize(..RECEPTION_ITEMS.len())].to_owned()];
        let reason = "Hồ sơ chưa đủ thành phần theo quy định".to_owned();
        let ask = Action::RequestReceptionSupplement { items, reason };
        if !l.act(ask, Role::ReceptionOfficer, c.reception, at)? {
            return Ok(false);
        }
        if l.chance(0.2) {
            // Never completed: it waits, not received.
            return Ok(false);
        }
        let at = l.later(8.0, 40.0)?;
        if !l.act(
            Action::CompleteReceptionSupplement,
            Role::Applicant,
            None,
            at,
        )? {
            return Ok(false);
        }
    }
    // Most are answered within the 8 working hours; a few are not.
    let at = if l.chance(0.03) {
        l.later(8.5, 16.0)?
    } else {
        l.later(0.25, 7.5)?
    };
    l.act(Action::Accept, Role::ReceptionOfficer, c.reception, at)
}

/// The specialist finds something missing (within the window after
/// acceptance); the applicant completes it, or under ND 118 the dossier
/// closes when they do not.
fn appraisal_supplement(l: &mut Life<'_>) -> Step {
    let c = l.set.cast;
    let at = l.later(1.0, 12.0)?;
    if l.state
        .deadlines
        .appraisal_supplement_request
        .is_some_and(|window| at > window)
    {
        return Ok(true);
    }
    let items = vec!["Giấy xác nhận nơi cư trú".to_owned()];
    let reason = "Thông tin nơi cư trú chưa khớp với cơ sở dữ liệu".to_owned();
    let ask = Action::RequestAppraisalSupplement { items, reason };
    if !l.act(ask, Role::Specialist, c.specialist, at)? {
        return Ok(false);
    }
    let closure = l.state.deadlines.supplement_closure;
    let completes = l.chance(0.85);
    let at = l.later(8.0, 64.0)?;
    match closure {
        Some(deadline) if !completes || at > deadline => {
            let at = deadline + TimeDelta::minutes(l.rng.i64(10..600));
            l.act(Action::CloseForMissingSupplement, Role::System, None, at)?;
            Ok(false)
        }
        None if !completes => Ok(false),
        _ => l.act(
            Action::CompleteAppraisalSupplement,
            Role::Applicant,
            None,
            at,
        ),
    }
}

/// Appraisal, maybe an apology, maybe a send-back, then the decision.
fn decision(l: &mut Life<'_>) -> Step {
    let c = l.set.cast;
    let now = l.last();
    let due = l.state.clock.due.unwrap_or(now);
    let left = l.set.cw.working_time(now, due)?.num_minutes() as f64 / 60.0;
    // Hours of office time until the decision: within the time left, or
    // past the due date for the few that are late.
    let late = l.chance(0.025);
    let span = if late {
        left + 1.0 + 15.0 * l.rng.f64()
    } else {
        left * (0.3 + 0.65 * l.rng.f64())
    };
    if late && l.chance(0.5) && !apology(l, due)? {
        return Ok(false);
    }
    let submit_at = l.after(now, span * 0.75, span * 0.75)?.max(l.last());
    if !l.act(
        Action::SubmitForApproval,
        Role::Specialist,
        c.specialist,
        submit_at,
    )? {
        return Ok(false);
    }
    if l.chance(0.03) && (late || l.fits(span * 0.25 + 12.0)?) {
        let at = l.later(0.5, 4.0)?;
        let reason = "Đề nghị làm rõ căn cứ pháp lý trong dự thảo".to_owned();
        if !l.act(Action::SendBack { reason }, Role::Approver, c.approver, at)? {
            return Ok(false);
        }
        let at = l.later(1.0, 8.0)?;
        if !l.act(
            Action::SubmitForApproval,
            Role::Specialist,
            c.specialist,
            at,
        )? {
            return Ok(false);
        }
    }
    let at = l.after(now, span, span)?.max(l.last());
    if l.chance(0.03) {
        let reason = "Không đủ điều kiện theo quy định của pháp luật".to_owned();
        l.act(Action::Refuse { reason }, Role::Approver, c.approver, at)
    } else {
        l.act(Action::Approve, Role::Approver, c.approver, at)
    }
}

/// The approver apologises for a dossier that will be late, on a day
/// before its due date, with a new date (form 04), when there is still
/// such a day.
fn apology(l: &mut Life<'_>, due: DateTime<Utc>) -> Step {
    let c = l.set.cast;
    let at = l.later(0.1, 2.0)?;
    if calendar::to_local(at).date() >= calendar::to_local(due).date() {
        return Ok(true);
    }
    let new_due = l.after(due, 16.0, 40.0)?;
    let reason = "Cần thêm thời gian xác minh với cơ quan liên quan".to_owned();
    l.act(
        Action::Apologize { reason, new_due },
        Role::Approver,
        c.approver,
        at,
    )
}

/// The result goes back the way the applicant chose.
fn hand_over(l: &mut Life<'_>) -> Step {
    let c = l.set.cast;
    match l.set.delivery {
        Delivery::Online => {
            let at = l.later(0.1, 1.0)?;
            let hand = Action::ReturnResult { recipient: None };
            l.act(hand, Role::ReturnOfficer, c.returner, at)
        }
        Delivery::Post => {
            let at = l.later(8.0, 24.0)?;
            let hand = Action::ReturnResult { recipient: None };
            l.act(hand, Role::PostalWorker, None, at)
        }
        Delivery::Counter => {
            let at = l.later(1.0, 40.0)?;
            let hand = Action::ReturnResult {
                recipient: Some(l.set.recipient.clone()),
            };
            l.act(hand, Role::ReturnOfficer, c.returner, at)
        }
    }
}

/// The entry of a dossier (its role by channel).
pub fn entry_role(channel: Channel) -> Role {
    match channel {
        Channel::Online | Channel::NationalPortal => Role::Applicant,
        Channel::Counter => Role::ReceptionOfficer,
        Channel::Post => Role::PostalWorker,
    }
}
