//! The dossier state machine under each regime: the clock rules, the
//! once-only actions, the ND 118-only actions, and random action sequences.

use std::sync::LazyLock;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use motcua_domain::calendar::{self, OfficeHours, Period, WorkCalendar};
use motcua_domain::catalog::ServiceLevel;
use motcua_domain::indicators::{self, Pending, ReportingPeriod, Timeliness};
use motcua_domain::lifecycle::{
    Action, ActionKind, AgencyStep, Channel, Clockwork, Dossier, Event, Handover, LifecycleError,
    NationalStatus, Role, Stage, StepMove,
};
use motcua_domain::regime::DecreeId;
use motcua_domain::statistics::{Facts, Figures, contribution};
use proptest::prelude::*;

static CALENDAR: LazyLock<WorkCalendar> = LazyLock::new(|| WorkCalendar::bundled().unwrap());
static HOURS: LazyLock<OfficeHours> = LazyLock::new(OfficeHours::standard);

pub(crate) fn cw() -> Clockwork<'static> {
    Clockwork {
        calendar: &CALENDAR,
        hours: &HOURS,
    }
}

/// A wall-clock time in Vietnam.
fn vn(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    calendar::to_utc(
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap(),
    )
}

fn reason() -> String {
    "thiếu giấy tờ".to_owned()
}

fn supplement() -> Action {
    Action::RequestAppraisalSupplement {
        items: vec!["Bản sao CCCD".into()],
        reason: reason(),
    }
}

fn counter_dossier(at: DateTime<Utc>, days: u32) -> Dossier {
    let (mut d, _) = Dossier::enter(
        Channel::Counter,
        Period::WorkingDays(days),
        Role::ReceptionOfficer,
        at,
        cw(),
    )
    .unwrap();
    d.handle(Action::Accept, Role::ReceptionOfficer, at, cw())
        .unwrap();
    d
}

#[test]
fn a_counter_dossier_under_nd61_from_entry_to_return() {
    // Mon 04/03/2024 08:00, 5 working days → Mon 11/03/2024 17:00.
    let t0 = vn(2024, 3, 4, 8, 0);
    let mut d = counter_dossier(t0, 5);
    assert_eq!(d.regime().decree.id, DecreeId::Nd61_2018);
    assert_eq!(d.stage.national_status(), NationalStatus::Accepted);
    assert_eq!(d.clock.due, Some(vn(2024, 3, 11, 17, 0)));
    d.handle(
        Action::Assign { to: None },
        Role::Specialist,
        vn(2024, 3, 4, 9, 0),
        cw(),
    )
    .unwrap();
    assert_eq!(d.stage.national_status(), NationalStatus::InProcess);
    d.handle(
        Action::SubmitForApproval,
        Role::Specialist,
        vn(2024, 3, 7, 9, 0),
        cw(),
    )
    .unwrap();
    d.handle(Action::Approve, Role::Approver, vn(2024, 3, 8, 9, 0), cw())
        .unwrap();
    assert_eq!(d.stage.national_status(), NationalStatus::Processed);
    d.handle(
        Action::ReturnResult { recipient: None },
        Role::ReturnOfficer,
        vn(2024, 3, 11, 8, 0),
        cw(),
    )
    .unwrap();
    assert_eq!(d.stage, Stage::Returned);
    assert_eq!(d.stage.national_status(), NationalStatus::Returned);
    let march = ReportingPeriod::days(
        NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
        NaiveDate::from_ymd_opt(2024, 3, 31).unwrap(),
    )
    .unwrap();
    assert_eq!(
        indicators::classify(&d, &march).resolved(),
        Some(Timeliness::Early)
    );
    let days = indicators::processing_days(&d, cw()).unwrap().unwrap();
    // 04/03 09:00–17:00 is 7 h, then 05, 06, 07 full days, 08/03 07:00–09:00 2 h.
    assert!((days - (7.0 + 24.0 + 2.0) / 8.0).abs() < 1e-9, "{days}");
}

#[test]
fn only_some_roles_may_act() {
    let d = counter_dossier(vn(2024, 3, 4, 8, 0), 5);
    let err = d
        .decide(
            Action::Assign { to: None },
            Role::Applicant,
            vn(2024, 3, 4, 9, 0),
            cw(),
        )
        .unwrap_err();
    assert_eq!(
        err,
        LifecycleError::RoleNotAllowed {
            action: ActionKind::Assign,
            role: Role::Applicant
        }
    );
    assert!(
        Dossier::enter(
            Channel::Counter,
            Period::WorkingDays(1),
            Role::Applicant,
            vn(2024, 3, 4, 8, 0),
            cw()
        )
        .is_err()
    );
    assert!(
        d.decide(
            Action::Approve,
            Role::SystemAdmin,
            vn(2024, 3, 4, 9, 0),
            cw()
        )
        .is_err(),
        "admins do not process dossiers"
    );
}

#[test]
fn the_appraisal_supplement_comes_once_within_three_working_days_and_restarts_the_clock() {
    // Accepted Thu 24/04/2025 10:00: the window runs Fri 25, the worked
    // Saturday 26 and Mon 28/04, until 17:00.
    let t0 = vn(2025, 4, 24, 10, 0);
    let d = counter_dossier(t0, 10);
    assert_eq!(
        d.deadlines.appraisal_supplement_request,
        Some(vn(2025, 4, 28, 17, 0))
    );
    let late = d.decide(supplement(), Role::Specialist, vn(2025, 4, 29, 8, 0), cw());
    assert!(
        matches!(late, Err(LifecycleError::SupplementWindowClosed { .. })),
        "{late:?}"
    );

    let mut d = d;
    d.handle(supplement(), Role::Specialist, vn(2025, 4, 28, 16, 0), cw())
        .unwrap();
    assert_eq!(
        d.stage.national_status(),
        NationalStatus::SupplementRequested
    );
    // ND 61: no closure deadline.
    assert_eq!(d.deadlines.supplement_closure, None);
    let back = vn(2025, 5, 12, 9, 0);
    d.handle(
        Action::CompleteAppraisalSupplement,
        Role::Applicant,
        back,
        cw(),
    )
    .unwrap();
    // Restarted in full: 10 working days from the completion.
    assert_eq!(
        d.clock.original_due,
        Some(cw().due(back, Period::WorkingDays(10)).unwrap())
    );
    assert_eq!(d.stage, Stage::Accepted);
    let again = d.decide(supplement(), Role::Specialist, vn(2025, 5, 12, 10, 0), cw());
    assert_eq!(
        again,
        Err(LifecycleError::AlreadyUsed {
            action: ActionKind::RequestAppraisalSupplement
        })
    );
}

#[test]
fn the_reception_supplement_comes_once_and_starts_no_clock() {
    let t0 = vn(2024, 3, 4, 8, 0);
    let (mut d, _) = Dossier::enter(
        Channel::Counter,
        Period::WorkingDays(5),
        Role::ReceptionOfficer,
        t0,
        cw(),
    )
    .unwrap();
    let ask = Action::RequestReceptionSupplement {
        items: vec!["Tờ khai".into()],
        reason: reason(),
    };
    d.handle(ask.clone(), Role::ReceptionOfficer, t0, cw())
        .unwrap();
    assert_eq!(d.clock.accepted_at, None);
    assert_eq!(d.clock.due, None);
    d.handle(
        Action::CompleteReceptionSupplement,
        Role::Applicant,
        vn(2024, 3, 6, 8, 0),
        cw(),
    )
    .unwrap();
    assert_eq!(
        d.decide(ask, Role::ReceptionOfficer, vn(2024, 3, 6, 9, 0), cw()),
        Err(LifecycleError::AlreadyUsed {
            action: ActionKind::RequestReceptionSupplement
        })
    );
    let empty = Action::RequestReceptionSupplement {
        items: vec![" ".into()],
        reason: reason(),
    };
    assert!(
        d.decide(empty, Role::ReceptionOfficer, vn(2024, 3, 6, 9, 0), cw())
            .is_err()
    );
}

#[test]
fn an_apology_comes_once_a_day_early_and_lateness_stays_judged_on_the_original_date() {
    // Mon 04/03/2024, 5 working days → Mon 11/03 17:00.
    let mut d = counter_dossier(vn(2024, 3, 4, 8, 0), 5);
    d.handle(
        Action::Assign { to: None },
        Role::Specialist,
        vn(2024, 3, 4, 9, 0),
        cw(),
    )
    .unwrap();
    let apology = |new_due| Action::Apologize {
        reason: "chờ ý kiến cơ quan khác".into(),
        new_due,
    };
    // On the due day itself: too late.
    let err = d
        .decide(
            apology(vn(2024, 3, 15, 17, 0)),
            Role::Approver,
            vn(2024, 3, 11, 8, 0),
            cw(),
        )
        .unwrap_err();
    assert!(matches!(err, LifecycleError::ApologyTooLate { .. }));
    // A new date that is not later.
    let err = d
        .decide(
            apology(vn(2024, 3, 11, 17, 0)),
            Role::Approver,
            vn(2024, 3, 8, 8, 0),
            cw(),
        )
        .unwrap_err();
    assert!(matches!(err, LifecycleError::NewDueNotLater { .. }));
    d.handle(
        apology(vn(2024, 3, 15, 17, 0)),
        Role::Approver,
        vn(2024, 3, 8, 8, 0),
        cw(),
    )
    .unwrap();
    assert_eq!(d.clock.due, Some(vn(2024, 3, 15, 17, 0)));
    assert_eq!(d.clock.original_due, Some(vn(2024, 3, 11, 17, 0)));
    let second = d.decide(
        apology(vn(2024, 3, 20, 17, 0)),
        Role::Approver,
        vn(2024, 3, 9, 8, 0),
        cw(),
    );
    assert_eq!(
        second,
        Err(LifecycleError::AlreadyUsed {
            action: ActionKind::Apologize
        })
    );
    d.handle(
        Action::SubmitForApproval,
        Role::Specialist,
        vn(2024, 3, 13, 8, 0),
        cw(),
    )
    .unwrap();
    d.handle(Action::Approve, Role::Approver, vn(2024, 3, 14, 8, 0), cw())
        .unwrap();
    let march = ReportingPeriod::days(
        NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
        NaiveDate::from_ymd_opt(2024, 3, 31).unwrap(),
    )
    .unwrap();
    let counting = indicators::classify(&d, &march);
    assert_eq!(counting.resolved(), Some(Timeliness::Late));
    assert!(counting.rescheduled);
}

#[test]
fn every_nd118_only_action_is_refused_on_an_nd61_dossier() {
    let t0 = vn(2025, 3, 3, 8, 0);
    let mut d = counter_dossier(t0, 5);
    d.handle(Action::Assign { to: None }, Role::Specialist, t0, cw())
        .unwrap();
    let refused = |d: &Dossier, action: Action, role: Role| {
        let err = d
            .decide(action, role, vn(2025, 3, 4, 8, 0), cw())
            .unwrap_err();
        assert!(
            matches!(
                err,
                LifecycleError::NotUnderRegime {
                    decree: DecreeId::Nd61_2018,
                    ..
                }
            ),
            "{err:?}"
        );
    };
    refused(
        &d,
        Action::StopAtApplicantRequest { reason: reason() },
        Role::Applicant,
    );
    refused(
        &d,
        Action::Amend {
            summary: "sửa".into(),
        },
        Role::Applicant,
    );
    refused(&d, Action::CloseForMissingSupplement, Role::System);
    refused(
        &d,
        Action::OpenCorrection { reason: reason() },
        Role::Approver,
    );
    assert!(matches!(
        d.reception_deadline(),
        Err(LifecycleError::NotUnderRegime { .. })
    ));
    // What ND 61 does have still works.
    d.handle(
        Action::StopUnderSectorLaw { reason: reason() },
        Role::Specialist,
        vn(2025, 3, 4, 8, 0),
        cw(),
    )
    .unwrap();
    assert_eq!(d.stage.national_status(), NationalStatus::Stopped);
}

#[test]
fn an_online_dossier_under_nd118_is_answered_within_eight_working_hours() {
    // Submitted Fri 05/09/2025 15:00: 2 h on Friday, then Monday until 15:00.
    let t0 = vn(2025, 9, 5, 15, 0);
    let (d, entry) = Dossier::enter(
        Channel::Online,
        Period::WorkingDays(3),
        Role::Applicant,
        t0,
        cw(),
    )
    .unwrap();
    assert_eq!(d.regime().decree.id, DecreeId::Nd118_2025);
    assert_eq!(d.reception_deadline().unwrap(), Some(vn(2025, 9, 8, 15, 0)));
    assert_eq!(entry.effect.deadline, Some(vn(2025, 9, 8, 15, 0)));
    let on_time = d
        .decide(
            Action::Accept,
            Role::ReceptionOfficer,
            vn(2025, 9, 8, 14, 0),
            cw(),
        )
        .unwrap();
    assert!(!on_time.effect.late);
    let late = d
        .decide(
            Action::Accept,
            Role::ReceptionOfficer,
            vn(2025, 9, 8, 16, 0),
            cw(),
        )
        .unwrap();
    assert!(late.effect.late);
    // A counter dossier has no such limit.
    let (counter, _) = Dossier::enter(
        Channel::Counter,
        Period::WorkingDays(3),
        Role::ReceptionOfficer,
        t0,
        cw(),
    )
    .unwrap();
    assert_eq!(counter.reception_deadline().unwrap(), None);
}

#[test]
fn under_nd118_a_missing_supplement_closes_the_dossier_after_fifteen_days() {
    let t0 = vn(2025, 9, 8, 8, 0);
    let mut d = counter_dossier(t0, 10);
    let asked = vn(2025, 9, 9, 9, 0);
    d.handle(supplement(), Role::Specialist, asked, cw())
        .unwrap();
    // 09/09 + 15 days = Wed 24/09, a working day.
    assert_eq!(
        d.deadlines.supplement_closure,
        Some(vn(2025, 9, 24, 23, 59) + Duration::seconds(59))
    );
    let early = d.decide(
        Action::CloseForMissingSupplement,
        Role::System,
        vn(2025, 9, 24, 12, 0),
        cw(),
    );
    assert!(matches!(
        early,
        Err(LifecycleError::SupplementPeriodRunning { .. })
    ));
    d.handle(
        Action::CloseForMissingSupplement,
        Role::System,
        vn(2025, 9, 25, 0, 30),
        cw(),
    )
    .unwrap();
    assert_eq!(d.stage, Stage::ClosedMissingSupplement);
    assert_eq!(d.stage.national_status(), NationalStatus::Stopped);
    assert!(d.clock.paused_since.is_none());
    assert_eq!(d.clock.pauses.len(), 1);
}

#[test]
fn under_nd118_the_applicant_may_stop_or_amend_and_a_wrong_result_is_corrected() {
    let t0 = vn(2025, 9, 8, 8, 0);
    let (mut online, _) = Dossier::enter(
        Channel::Online,
        Period::WorkingDays(5),
        Role::Applicant,
        t0,
        cw(),
    )
    .unwrap();
    online
        .handle(
            Action::Amend {
                summary: "đổi địa chỉ nhận".into(),
            },
            Role::Applicant,
            t0,
            cw(),
        )
        .unwrap();
    assert_eq!(online.stage, Stage::AwaitingReception);
    online
        .handle(
            Action::StopAtApplicantRequest { reason: reason() },
            Role::Applicant,
            vn(2025, 9, 8, 9, 0),
            cw(),
        )
        .unwrap();
    assert_eq!(online.stage, Stage::Stopped);

    let mut counter = counter_dossier(t0, 5);
    let amend = counter.decide(
        Action::Amend {
            summary: "x".into(),
        },
        Role::Applicant,
        t0,
        cw(),
    );
    assert!(matches!(amend, Err(LifecycleError::OnlineOnly { .. })));
    counter
        .handle(Action::Assign { to: None }, Role::Specialist, t0, cw())
        .unwrap();
    counter
        .handle(Action::SubmitForApproval, Role::Specialist, t0, cw())
        .unwrap();
    counter
        .handle(Action::Approve, Role::Approver, vn(2025, 9, 10, 8, 0), cw())
        .unwrap();
    counter
        .handle(
            Action::ReturnResult { recipient: None },
            Role::ReturnOfficer,
            vn(2025, 9, 10, 9, 0),
            cw(),
        )
        .unwrap();
    counter
        .handle(
            Action::OpenCorrection {
                reason: "sai họ tên".into(),
            },
            Role::Approver,
            vn(2025, 9, 11, 8, 0),
            cw(),
        )
        .unwrap();
    assert_eq!(counter.deadlines.correction, Some(vn(2025, 9, 16, 17, 0)));
    counter
        .handle(Action::Approve, Role::Approver, vn(2025, 9, 12, 8, 0), cw())
        .unwrap();
    // The first decision stays the one that counts.
    assert_eq!(counter.clock.decided_at, Some(vn(2025, 9, 10, 8, 0)));
    counter
        .handle(
            Action::ReturnResult { recipient: None },
            Role::ReturnOfficer,
            vn(2025, 9, 12, 9, 0),
            cw(),
        )
        .unwrap();
    assert_eq!(counter.stage, Stage::Returned);
}

#[test]
fn a_payment_wait_moves_the_due_date_by_exactly_the_office_time_it_took() {
    // Mon 04/03/2024, 5 working days → Mon 11/03 17:00.
    let mut d = counter_dossier(vn(2024, 3, 4, 8, 0), 5);
    d.handle(
        Action::Assign { to: None },
        Role::Specialist,
        vn(2024, 3, 4, 9, 0),
        cw(),
    )
    .unwrap();
    d.handle(
        Action::RequestPayment { fees: vec![] },
        Role::Specialist,
        vn(2024, 3, 5, 15, 0),
        cw(),
    )
    .unwrap();
    assert_eq!(d.stage.national_status(), NationalStatus::PaymentRequested);
    // Paid Thu 07/03 at 09:00: Tue 2 h + Wed 8 h + Thu 2 h = 12 h.
    d.handle(
        Action::ConfirmPayment,
        Role::System,
        vn(2024, 3, 7, 9, 0),
        cw(),
    )
    .unwrap();
    assert_eq!(d.stage, Stage::InProcess);
    // Mon 11/03 17:00 + 12 h of office time: Tue 12/03 8 h, Wed 13/03 4 h.
    assert_eq!(d.clock.original_due, Some(vn(2024, 3, 13, 11, 0)));
    assert_eq!(d.clock.due, d.clock.original_due);
}

#[test]
fn pending_dossiers_are_within_the_limit_until_their_due_day_ends() {
    let d = counter_dossier(vn(2024, 3, 4, 8, 0), 5); // due Mon 11/03 17:00
    assert_eq!(
        indicators::pending_at(&d, vn(2024, 3, 11, 23, 0)),
        Some(Pending::WithinLimit)
    );
    assert_eq!(
        indicators::pending_at(&d, vn(2024, 3, 12, 0, 1)),
        Some(Pending::Overdue)
    );
    assert_eq!(indicators::pending_at(&d, vn(2024, 3, 4, 7, 0)), None);
    let february = ReportingPeriod::days(
        NaiveDate::from_ymd_opt(2024, 2, 1).unwrap(),
        NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
    )
    .unwrap();
    assert_eq!(indicators::classify(&d, &february), Default::default());
    let april = ReportingPeriod::days(
        NaiveDate::from_ymd_opt(2024, 4, 1).unwrap(),
        NaiveDate::from_ymd_opt(2024, 4, 30).unwrap(),
    )
    .unwrap();
    let counting = indicators::classify(&d, &april);
    assert_eq!(counting.received, Some(indicators::Received::CarriedOver));
    assert_eq!(counting.pending, Some(Pending::Overdue));
}

#[test]
fn timelines_replay_to_the_same_state_and_refuse_nonsense() {
    let t0 = vn(2025, 3, 3, 8, 0);
    let (mut d, entry) = Dossier::enter(
        Channel::Counter,
        Period::WorkingDays(5),
        Role::ReceptionOfficer,
        t0,
        cw(),
    )
    .unwrap();
    let mut events = vec![entry];
    for (action, role, at) in [
        (Action::Accept, Role::ReceptionOfficer, t0),
        (
            Action::Assign { to: None },
            Role::Specialist,
            vn(2025, 3, 3, 9, 0),
        ),
        (supplement(), Role::Specialist, vn(2025, 3, 4, 9, 0)),
        (
            Action::CompleteAppraisalSupplement,
            Role::Applicant,
            vn(2025, 3, 10, 9, 0),
        ),
        (
            Action::SubmitForApproval,
            Role::Specialist,
            vn(2025, 3, 11, 9, 0),
        ),
    ] {
        events.push(d.handle(action, role, at, cw()).unwrap());
    }
    assert_eq!(Dossier::replay(&events).unwrap(), d);
    // The events survive a JSON round trip (the store keeps them so).
    let json = serde_json::to_string(&events).unwrap();
    let back: Vec<Event> = serde_json::from_str(&json).unwrap();
    assert_eq!(Dossier::replay(&back).unwrap(), d);
    // Out of order, or not starting with the entry: refused.
    let mut swapped = events.clone();
    swapped.swap(2, 3);
    assert!(Dossier::replay(&swapped).is_err());
    assert!(Dossier::replay(&events[1..]).is_err());
    assert!(
        d.decide(Action::Approve, Role::Approver, vn(2025, 3, 1, 9, 0), cw())
            .is_err(),
        "time goes forward"
    );
}

#[test]
fn entries_before_the_modelled_law_are_refused() {
    let err = Dossier::enter(
        Channel::Counter,
        Period::WorkingDays(5),
        Role::ReceptionOfficer,
        Utc.with_ymd_and_hms(2018, 8, 1, 2, 0, 0).unwrap(),
        cw(),
    )
    .unwrap_err();
    assert!(matches!(err, LifecycleError::Regime(_)), "{err:?}");
}

#[test]
fn a_completed_reception_supplement_gets_eight_fresh_working_hours() {
    // Online under ND 118, Mon 08/09/2025 08:00; asked at 09:00 (on time);
    // the applicant completes on Friday 12/09 at 10:00.
    let t0 = vn(2025, 9, 8, 8, 0);
    let (mut d, _) = Dossier::enter(
        Channel::Online,
        Period::WorkingDays(3),
        Role::Applicant,
        t0,
        cw(),
    )
    .unwrap();
    let ask = d
        .handle(
            Action::RequestReceptionSupplement {
                items: vec!["Tờ khai".into()],
                reason: reason(),
            },
            Role::ReceptionOfficer,
            vn(2025, 9, 8, 9, 0),
            cw(),
        )
        .unwrap();
    assert!(!ask.effect.late);
    d.handle(
        Action::CompleteReceptionSupplement,
        Role::Applicant,
        vn(2025, 9, 12, 10, 0),
        cw(),
    )
    .unwrap();
    // 10:00–11:30 and 13:30–17:00 on Friday (5 h), then 3 h on Monday.
    assert_eq!(d.deadlines.reception, Some(vn(2025, 9, 15, 10, 0)));
    let accept = d
        .decide(
            Action::Accept,
            Role::ReceptionOfficer,
            vn(2025, 9, 12, 14, 0),
            cw(),
        )
        .unwrap();
    assert!(
        !accept.effect.late,
        "the applicant's delay is not the officer's"
    );
    let late = d
        .decide(
            Action::Accept,
            Role::ReceptionOfficer,
            vn(2025, 9, 15, 11, 0),
            cw(),
        )
        .unwrap();
    assert!(late.effect.late);
}

#[test]
fn replay_refuses_a_timeline_in_order_that_breaks_the_rules() {
    let t0 = vn(2024, 3, 4, 8, 0);
    let (mut d, entry) = Dossier::enter(
        Channel::Counter,
        Period::WorkingDays(5),
        Role::ReceptionOfficer,
        t0,
        cw(),
    )
    .unwrap();
    let mut events = vec![entry];
    events.push(
        d.handle(Action::Accept, Role::ReceptionOfficer, t0, cw())
            .unwrap(),
    );
    events.push(
        d.handle(
            Action::Assign { to: None },
            Role::Specialist,
            vn(2024, 3, 4, 9, 0),
            cw(),
        )
        .unwrap(),
    );
    let apology = |day| Action::Apologize {
        reason: reason(),
        new_due: vn(2024, 3, day, 17, 0),
    };
    let first = d
        .handle(apology(15), Role::Approver, vn(2024, 3, 5, 9, 0), cw())
        .unwrap();
    events.push(first.clone());
    // A second apology, forged or migrated: refused on replay.
    let mut twice = events.clone();
    twice.push(Event {
        action: apology(20),
        at: vn(2024, 3, 6, 9, 0),
        ..first.clone()
    });
    assert_eq!(
        Dossier::replay(&twice),
        Err(LifecycleError::AlreadyUsed {
            action: ActionKind::Apologize
        })
    );
    // An event whose recorded stage is not where its action leads.
    let mut wrong = events.clone();
    let mut submit = d
        .decide(
            Action::SubmitForApproval,
            Role::Specialist,
            vn(2024, 3, 6, 9, 0),
            cw(),
        )
        .unwrap();
    submit.effect.to = Stage::Returned;
    wrong.push(submit);
    assert!(matches!(
        Dossier::replay(&wrong),
        Err(LifecycleError::InconsistentEvent { .. })
    ));
    // A role that may not act.
    let mut by_applicant = events.clone();
    let mut approve = d
        .decide(
            Action::SubmitForApproval,
            Role::Specialist,
            vn(2024, 3, 6, 9, 0),
            cw(),
        )
        .unwrap();
    approve.role = Role::Applicant;
    by_applicant.push(approve);
    assert!(matches!(
        Dossier::replay(&by_applicant),
        Err(LifecycleError::RoleNotAllowed { .. })
    ));
    assert_eq!(Dossier::replay(&events).unwrap(), d);
}

#[test]
fn the_time_used_restarts_with_the_period() {
    // Mon 04/03/2024 08:00, 5 working days; a supplement asked on Wed 06/03
    // at 08:00 and completed on Mon 11/03 at 08:00.
    let mut d = counter_dossier(vn(2024, 3, 4, 8, 0), 5);
    d.handle(supplement(), Role::Specialist, vn(2024, 3, 6, 8, 0), cw())
        .unwrap();
    let spent = d.processing_time_spent(vn(2024, 3, 8, 8, 0), cw()).unwrap();
    // 04/03 08:00–17:00 (7 h) and 05/03 (8 h) and 06/03 07:00–08:00 (1 h):
    // the wait since 06/03 08:00 does not count.
    assert_eq!(spent, chrono::TimeDelta::hours(16));
    d.handle(
        Action::CompleteAppraisalSupplement,
        Role::Applicant,
        vn(2024, 3, 11, 8, 0),
        cw(),
    )
    .unwrap();
    assert_eq!(
        d.processing_time_spent(vn(2024, 3, 11, 10, 0), cw())
            .unwrap(),
        chrono::TimeDelta::hours(2)
    );
    assert_eq!(d.clock.started_at, Some(vn(2024, 3, 11, 8, 0)));
    assert_eq!(d.clock.accepted_at, Some(vn(2024, 3, 4, 8, 0)));
}

#[test]
fn under_nd118_a_supplement_after_the_period_is_refused() {
    let mut d = counter_dossier(vn(2025, 9, 8, 8, 0), 10);
    d.handle(supplement(), Role::Specialist, vn(2025, 9, 9, 9, 0), cw())
        .unwrap();
    let late = d.decide(
        Action::CompleteAppraisalSupplement,
        Role::Applicant,
        vn(2025, 9, 25, 8, 0),
        cw(),
    );
    assert!(
        matches!(late, Err(LifecycleError::SupplementPeriodOver { .. })),
        "{late:?}"
    );
    assert!(
        d.decide(
            Action::CompleteAppraisalSupplement,
            Role::Applicant,
            vn(2025, 9, 24, 16, 0),
            cw()
        )
        .is_ok()
    );
}

#[test]
fn a_correction_may_change_the_result_and_is_flagged_when_late() {
    let t0 = vn(2025, 9, 8, 8, 0);
    let mut d = counter_dossier(t0, 5);
    d.handle(Action::Assign { to: None }, Role::Specialist, t0, cw())
        .unwrap();
    d.handle(Action::SubmitForApproval, Role::Specialist, t0, cw())
        .unwrap();
    d.handle(Action::Approve, Role::Approver, vn(2025, 9, 9, 8, 0), cw())
        .unwrap();
    d.handle(
        Action::ReturnResult { recipient: None },
        Role::ReturnOfficer,
        vn(2025, 9, 9, 9, 0),
        cw(),
    )
    .unwrap();
    d.handle(
        Action::OpenCorrection {
            reason: "cấp nhầm".into(),
        },
        Role::Approver,
        vn(2025, 9, 10, 8, 0),
        cw(),
    )
    .unwrap();
    // Due Mon 15/09 17:00; corrected into a refusal on Tue 16/09: late.
    let fixed = d
        .handle(
            Action::Refuse {
                reason: "không đủ điều kiện".into(),
            },
            Role::Approver,
            vn(2025, 9, 16, 8, 0),
            cw(),
        )
        .unwrap();
    assert!(fixed.effect.late);
    assert_eq!(d.outcome, Some(motcua_domain::lifecycle::Outcome::Refused));
    assert_eq!(d.clock.decided_at, Some(vn(2025, 9, 9, 8, 0)));
    assert_eq!(d.clock.corrected_at, Some(vn(2025, 9, 16, 8, 0)));
    d.handle(
        Action::ReturnResult { recipient: None },
        Role::ReturnOfficer,
        vn(2025, 9, 16, 9, 0),
        cw(),
    )
    .unwrap();
    assert_eq!(
        d.clock.returned_at,
        Some(vn(2025, 9, 9, 9, 0)),
        "the first return is kept"
    );
}

#[test]
fn a_wait_neither_hides_nor_creates_lateness() {
    // Due Mon 11/03/2024 17:00. A payment asked on Tue 12/03 (already late)
    // and still unpaid at the end of March: overdue.
    let mut late = counter_dossier(vn(2024, 3, 4, 8, 0), 5);
    late.handle(
        Action::Assign { to: None },
        Role::Specialist,
        vn(2024, 3, 4, 9, 0),
        cw(),
    )
    .unwrap();
    late.handle(
        Action::RequestPayment { fees: vec![] },
        Role::Specialist,
        vn(2024, 3, 12, 9, 0),
        cw(),
    )
    .unwrap();
    assert_eq!(
        indicators::pending_at(&late, vn(2024, 4, 1, 0, 0)),
        Some(Pending::Overdue)
    );
    // Asked on Fri 08/03 (in time): within the limit however long the wait.
    let mut timely = counter_dossier(vn(2024, 3, 4, 8, 0), 5);
    timely
        .handle(
            Action::Assign { to: None },
            Role::Specialist,
            vn(2024, 3, 4, 9, 0),
            cw(),
        )
        .unwrap();
    timely
        .handle(
            Action::RequestPayment { fees: vec![] },
            Role::Specialist,
            vn(2024, 3, 8, 9, 0),
            cw(),
        )
        .unwrap();
    assert_eq!(
        indicators::pending_at(&timely, vn(2024, 4, 1, 0, 0)),
        Some(Pending::WithinLimit)
    );
    // At exactly 24:00 of the due day the day has ended: overdue.
    let d = counter_dossier(vn(2024, 3, 4, 8, 0), 5);
    assert_eq!(
        indicators::pending_at(&d, vn(2024, 3, 12, 0, 0)),
        Some(Pending::Overdue)
    );
}

#[test]
fn withdrawals_before_acceptance_are_not_received() {
    let t0 = vn(2024, 3, 4, 8, 0);
    let (mut d, _) = Dossier::enter(
        Channel::Online,
        Period::WorkingDays(5),
        Role::Applicant,
        t0,
        cw(),
    )
    .unwrap();
    d.handle(
        Action::Withdraw { reason: reason() },
        Role::Applicant,
        vn(2024, 3, 4, 9, 0),
        cw(),
    )
    .unwrap();
    let march = ReportingPeriod::days(
        NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
        NaiveDate::from_ymd_opt(2024, 3, 31).unwrap(),
    )
    .unwrap();
    let c = indicators::classify(&d, &march);
    assert_eq!(c.received, None);
    assert_eq!(c.concluded, None);
    assert_eq!(
        c.not_received,
        Some(indicators::NotReceived::WithdrawnBeforeAcceptance)
    );
}

/// Every action with plausible data, for the random walks.
fn any_action(new_due_days: i64, at: DateTime<Utc>) -> Vec<Action> {
    vec![
        Action::Accept,
        Action::RequestReceptionSupplement {
            items: vec!["Tờ khai".into()],
            reason: reason(),
        },
        Action::CompleteReceptionSupplement,
        Action::RefuseAtReception { reason: reason() },
        Action::Assign { to: None },
        supplement(),
        Action::CompleteAppraisalSupplement,
        Action::CloseForMissingSupplement,
        Action::SendToAgency(Handover::single("Sở Tài nguyên và Môi trường", "xác minh")),
        Action::ReturnFromAgency { agency: None },
        Action::SubmitForApproval,
        Action::SendBack { reason: reason() },
        Action::Approve,
        Action::Refuse { reason: reason() },
        Action::Apologize {
            reason: reason(),
            new_due: at + Duration::days(new_due_days),
        },
        Action::RequestPayment { fees: vec![] },
        Action::ConfirmPayment,
        Action::ReturnResult { recipient: None },
        Action::Withdraw { reason: reason() },
        Action::StopAtApplicantRequest { reason: reason() },
        Action::StopUnderSectorLaw { reason: reason() },
        Action::Amend {
            summary: "sửa".into(),
        },
        Action::OpenCorrection { reason: reason() },
    ]
}

const ROLES: [Role; 8] = [
    Role::Applicant,
    Role::ReceptionOfficer,
    Role::Specialist,
    Role::Approver,
    Role::ReturnOfficer,
    Role::PostalWorker,
    Role::SystemAdmin,
    Role::System,
];

/// One step of a walk: action index, role index, minutes later, days the
/// apology would add.
type Step = (usize, usize, i64, i64);

fn walk_strategy() -> impl Strategy<Value = (i64, bool, bool, Vec<Step>)> {
    (
        // Entry day: 2019 to 2027, so both decrees are walked.
        0i64..(9 * 365),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(
            (0usize..23, 0usize..8, 0i64..(3 * 24 * 60), 1i64..20),
            1..60,
        ),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_action_sequences_keep_the_rules((start_day, online, role_fits, steps) in walk_strategy()) {
        let start = vn(2019, 1, 7, 8, 0) + Duration::days(start_day);
        let (channel, enterer) = if online {
            (Channel::Online, Role::Applicant)
        } else {
            (Channel::Counter, Role::ReceptionOfficer)
        };
        let processing = Period::WorkingDays(7);
        let (mut d, entry) = Dossier::enter(channel, processing, enterer, start, cw()).unwrap();
        let nd118 = d.regime().decree.id == DecreeId::Nd118_2025;
        let mut events = vec![entry];
        let mut at = start;
        for (action_index, role_index, minutes, new_due_days) in steps {
            at += Duration::minutes(minutes);
            let action = any_action(new_due_days, d.clock.due.unwrap_or(at)).swap_remove(action_index);
            let kind = action.kind();
            // Half the walks pick an allowed role so that they get somewhere.
            let role = if role_fits { kind.allowed_roles()[role_index % kind.allowed_roles().len()] } else { ROLES[role_index] };
            let before = d.clone();
            let was_final = d.stage.is_final();
            match d.decide(action, role, at, cw()) {
                Ok(event) => {
                    prop_assert!(!was_final, "{:?} succeeded from a final stage", kind);
                    prop_assert!(nd118 || !kind.needs_nd118(), "{:?} on an ND 61 dossier", kind);
                    prop_assert!(kind.allowed_roles().contains(&role));
                    d.apply(&event);
                    events.push(event);
                    if kind == ActionKind::CompleteAppraisalSupplement {
                        // Restarted in full.
                        prop_assert_eq!(d.clock.original_due, Some(cw().due(at, processing).unwrap()));
                    }
                    if kind == ActionKind::RequestAppraisalSupplement {
                        let window = before.deadlines.appraisal_supplement_request.unwrap();
                        prop_assert!(at <= window);
                    }
                    if before.stage.is_paused() && d.stage.is_paused() {
                        prop_assert_eq!(&before.clock.paused_since, &d.clock.paused_since);
                    }
                    if before.stage.is_paused() {
                        // Time paused for the applicant never counts; after an
                        // appraisal supplement the period starts afresh.
                        let pause_start = before.clock.paused_since.unwrap();
                        let spent_before = if kind == ActionKind::CompleteAppraisalSupplement {
                            chrono::TimeDelta::zero()
                        } else {
                            before.processing_time_spent(pause_start, cw()).unwrap()
                        };
                        prop_assert_eq!(d.processing_time_spent(at, cw()).unwrap(), spent_before);
                    }
                }
                Err(_) => prop_assert_eq!(&d, &before),
            }
            let count = |k: ActionKind| events.iter().filter(|e| e.action.kind() == k).count();
            prop_assert!(count(ActionKind::Apologize) <= 1);
            prop_assert!(count(ActionKind::RequestReceptionSupplement) <= 1);
            prop_assert!(count(ActionKind::RequestAppraisalSupplement) <= 1);
            if let (Some(due), Some(original)) = (d.clock.due, d.clock.original_due) {
                prop_assert!(due >= original || d.clock.rescheduled_at.is_none());
            }
            prop_assert_eq!(d.stage.is_paused(), d.clock.paused_since.is_some());
        }
        prop_assert_eq!(&Dossier::replay(&events).unwrap(), &d);
        // Every received dossier is either concluded in a period or pending
        // at its end, never both; the others are not received at all.
        let first = calendar::to_local(start).date();
        for (from_days, length_days) in [(0i64, 30i64), (5, 3), (20, 400), (-10, 12)] {
            let period = ReportingPeriod::days(
                first + Duration::days(from_days),
                first + Duration::days(from_days + length_days),
            )
            .unwrap();
            let c = indicators::classify(&d, &period);
            prop_assert_eq!(c.received.is_some(), c.concluded.is_some() ^ c.pending.is_some(), "{:?}", c);
            prop_assert!(c.received.is_none() || c.not_received.is_none());
            // The dated contribution the maintained aggregates keep gives
            // what the classification gives, for any whole-day period.
            let facts = Facts {
                channel: d.channel,
                level: Some(ServiceLevel::Full),
                processing_days: indicators::processing_days(&d, cw()).unwrap(),
                has_fees: online,
                paid_online: role_fits,
                digitised: !online,
                satisfied: Some(role_fits),
                result_by_post: !role_fits,
                supplement_requests: u8::from(d.used.reception_supplement)
                    + u8::from(d.used.appraisal_supplement),
                no_visit: online,
            };
            let mut expected = Figures::default();
            expected.add(&c, &facts);
            let (a, b) = (
                first + Duration::days(from_days),
                first + Duration::days(from_days + length_days),
            );
            let got = contribution::figures_from(
                &contribution::contribution(&d, &facts),
                contribution::day_number(a),
                contribution::day_number(b),
            );
            prop_assert_eq!(got, expected, "{:?} {:?}", c, d.clock);
        }
    }
}

/// The bundled schedule with the 2025 National Day break one day longer
/// (as if a corrected schedule gave Wednesday 3 September off too).
fn corrected_calendar() -> WorkCalendar {
    let mut breaks = calendar::schedule::bundled().unwrap();
    let national_day = breaks
        .iter_mut()
        .find(|b| {
            b.holiday_year == 2025
                && b.covers
                    .contains(&motcua_domain::calendar::Holiday::NationalDay)
        })
        .unwrap();
    national_day.to = NaiveDate::from_ymd_opt(2025, 9, 3).unwrap();
    WorkCalendar::new(breaks).unwrap()
}

#[test]
fn a_corrected_schedule_moves_an_open_due_date_and_is_recorded() {
    let corrected = corrected_calendar();
    let new_cw = Clockwork {
        calendar: &corrected,
        hours: &HOURS,
    };
    // Accepted Thursday 28 August 2025 for 3 working days: Friday, then
    // (30/8–2/9 off) Wednesday and Thursday — due at the close of 4/9.
    let mut d = counter_dossier(vn(2025, 8, 28, 9, 0), 3);
    assert_eq!(d.clock.due, Some(vn(2025, 9, 4, 17, 0)));
    // On the calendar it was counted on, nothing moves.
    assert_eq!(
        d.recomputed_due(cw()).unwrap(),
        (vn(2025, 9, 4, 17, 0), vn(2025, 9, 4, 17, 0))
    );
    let recompute = || Action::RecomputeDue {
        reason: "Lịch nghỉ Quốc khánh 2025 được đính chính".into(),
        reception_from: None,
    };
    let at = vn(2025, 8, 29, 10, 0);
    let event = d.handle(recompute(), Role::System, at, new_cw).unwrap();
    assert_eq!(d.stage, Stage::Accepted);
    assert_eq!(d.clock.original_due, Some(vn(2025, 9, 5, 17, 0)));
    assert_eq!(d.clock.due, Some(vn(2025, 9, 5, 17, 0)));
    assert_eq!(event.effect.due, Some(vn(2025, 9, 5, 17, 0)));
    // The window to ask for an appraisal supplement moves with it.
    let window = d.regime().decree.appraisal_supplement_window;
    assert_eq!(
        d.deadlines.appraisal_supplement_request,
        Some(new_cw.due(vn(2025, 8, 28, 9, 0), window).unwrap())
    );
    assert_ne!(
        d.deadlines.appraisal_supplement_request,
        Some(cw().due(vn(2025, 8, 28, 9, 0), window).unwrap())
    );
    // Only motcua recomputes; a replay rebuilds the same state.
    let refused = d.decide(recompute(), Role::Specialist, at, new_cw);
    assert!(matches!(
        refused,
        Err(LifecycleError::RoleNotAllowed { .. })
    ));
}

#[test]
fn a_recomputed_due_date_keeps_an_apologys_promise_and_payment_waits() {
    let corrected = corrected_calendar();
    let new_cw = Clockwork {
        calendar: &corrected,
        hours: &HOURS,
    };
    let mut d = counter_dossier(vn(2025, 8, 25, 9, 0), 5);
    d.handle(
        Action::Assign { to: None },
        Role::Specialist,
        vn(2025, 8, 25, 10, 0),
        cw(),
    )
    .unwrap();
    // A payment wait of one working day moved the due date by a day.
    d.handle(
        Action::RequestPayment { fees: vec![] },
        Role::Specialist,
        vn(2025, 8, 26, 9, 0),
        cw(),
    )
    .unwrap();
    d.handle(
        Action::ConfirmPayment,
        Role::System,
        vn(2025, 8, 27, 9, 0),
        cw(),
    )
    .unwrap();
    let before = d.clock.original_due.unwrap();
    let (original, _) = d.recomputed_due(cw()).unwrap();
    assert_eq!(original, before, "the wait is kept when counting again");
    let (moved, _) = d.recomputed_due(new_cw).unwrap();
    assert!(moved > before);
    // An apology's date stays in force; the legal date moves.
    let promised = vn(2025, 9, 15, 17, 0);
    d.handle(
        Action::Apologize {
            reason: reason(),
            new_due: promised,
        },
        Role::Approver,
        vn(2025, 8, 28, 9, 0),
        cw(),
    )
    .unwrap();
    d.handle(
        Action::RecomputeDue {
            reason: "Lịch nghỉ được đính chính".into(),
            reception_from: None,
        },
        Role::System,
        vn(2025, 8, 29, 9, 0),
        new_cw,
    )
    .unwrap();
    assert_eq!(d.clock.original_due, Some(moved));
    assert_eq!(d.clock.due, Some(promised));
}

#[test]
fn a_corrected_schedule_moves_the_answer_to_an_online_dossier() {
    let corrected = corrected_calendar();
    let new_cw = Clockwork {
        calendar: &corrected,
        hours: &HOURS,
    };
    // Entered online Friday 29 August 2025 at 14:00: 3 working hours that
    // day, the other 5 after the National Day break.
    let entered = vn(2025, 8, 29, 14, 0);
    let (mut d, _) = Dossier::enter(
        Channel::Online,
        Period::WorkingDays(5),
        Role::Applicant,
        entered,
        cw(),
    )
    .unwrap();
    let limit = d.regime().decree.online_reception_limit.unwrap();
    let before = d.deadlines.reception.unwrap();
    assert_eq!(before, cw().due(entered, limit).unwrap());
    let recompute = |from| Action::RecomputeDue {
        reason: "Lịch nghỉ Quốc khánh 2025 được đính chính".into(),
        reception_from: from,
    };
    let at = vn(2025, 8, 29, 15, 0);
    // Without the start of its answer period there is nothing to count from.
    assert!(matches!(
        d.decide(recompute(None), Role::System, at, new_cw),
        Err(LifecycleError::NoDueDate)
    ));
    assert!(
        d.decide(
            recompute(Some(at + Duration::hours(1))),
            Role::System,
            at,
            new_cw
        )
        .is_err(),
        "a start after the recomputation is refused"
    );
    let event = d
        .handle(recompute(Some(entered)), Role::System, at, new_cw)
        .unwrap();
    assert_eq!(d.stage, Stage::AwaitingReception);
    let after = d.deadlines.reception.unwrap();
    assert_eq!(after, new_cw.due(entered, limit).unwrap());
    assert!(after > before, "{before} → {after}");
    assert_eq!(event.effect.deadline, Some(after));
    assert_eq!(d.clock.due, None);
}

#[test]
fn a_corrected_schedule_moves_the_period_to_complete_a_supplement() {
    let corrected = corrected_calendar();
    let new_cw = Clockwork {
        calendar: &corrected,
        hours: &HOURS,
    };
    let mut d = counter_dossier(vn(2025, 8, 18, 9, 0), 10);
    d.handle(
        Action::Assign { to: None },
        Role::Specialist,
        vn(2025, 8, 18, 10, 0),
        cw(),
    )
    .unwrap();
    // Asked on 19/08: fifteen calendar days end on Wednesday 03/09, a
    // working day on the calendar it was counted on.
    let asked = vn(2025, 8, 19, 9, 0);
    d.handle(
        Action::RequestAppraisalSupplement {
            items: vec!["Giấy xác nhận nơi cư trú".into()],
            reason: reason(),
        },
        Role::Specialist,
        asked,
        cw(),
    )
    .unwrap();
    let period = d.regime().decree.supplement_closure_after.unwrap();
    let before = d.deadlines.supplement_closure.unwrap();
    assert_eq!(before, cw().due(asked, period).unwrap());
    // The corrected schedule makes 03/09 a day off: the period ends on
    // the next working day.
    d.handle(
        Action::RecomputeDue {
            reason: "Lịch nghỉ Quốc khánh 2025 được đính chính".into(),
            reception_from: None,
        },
        Role::System,
        vn(2025, 8, 20, 9, 0),
        new_cw,
    )
    .unwrap();
    let after = d.deadlines.supplement_closure.unwrap();
    assert_eq!(after, new_cw.due(asked, period).unwrap());
    assert!(after > before, "{before} → {after}");
    assert_eq!(d.stage, Stage::AppraisalSupplement);
}

#[test]
fn a_hand_over_names_each_agency_once_and_each_answer_closes_its_step() {
    let t0 = vn(2026, 3, 2, 8, 0);
    let mut d = counter_dossier(t0, 10);
    d.handle(Action::Assign { to: None }, Role::Specialist, t0, cw())
        .unwrap();
    let step = |agency: &str, time| AgencyStep {
        agency: agency.into(),
        task: "xác minh".into(),
        time,
    };
    let refused = |d: &Dossier, action| d.decide(action, Role::Specialist, t0, cw()).unwrap_err();
    assert!(matches!(
        refused(&d, Action::SendToAgency(Handover::new(vec![]))),
        LifecycleError::NoStep
    ));
    assert!(matches!(
        refused(
            &d,
            Action::SendToAgency(Handover::new(vec![
                step("police", None),
                step(" police ", None)
            ]))
        ),
        LifecycleError::StepTwice { agency } if agency == "police"
    ));
    let group = Handover::new(vec![
        step("police", Some(Period::WorkingDays(1))),
        step("tax", None),
    ]);
    let sent = d
        .handle(Action::SendToAgency(group), Role::Specialist, t0, cw())
        .unwrap();
    // Counted from the next working day, as every period is.
    assert_eq!(
        sent.effect.step_dues,
        vec![Some(vn(2026, 3, 3, 17, 0)), None]
    );
    assert_eq!(d.stage, Stage::AtOtherAgency);
    let answer = |agency: Option<&str>| Action::ReturnFromAgency {
        agency: agency.map(str::to_owned),
    };
    assert!(matches!(
        refused(&d, answer(None)),
        LifecycleError::WhichStep
    ));
    assert!(matches!(
        refused(&d, answer(Some("court"))),
        LifecycleError::NoOpenStep { agency } if agency == "court"
    ));
    d.handle(answer(Some("tax")), Role::Specialist, t0, cw())
        .unwrap();
    assert_eq!(d.stage, Stage::AtOtherAgency);
    assert_eq!(d.open_steps.len(), 1);
    assert_eq!(d.open_steps[0].agency, "police");
    d.handle(answer(None), Role::Specialist, t0, cw()).unwrap();
    assert_eq!(d.stage, Stage::InProcess);
    assert!(d.open_steps.is_empty());
}

#[test]
fn a_merger_moves_an_open_step_to_the_agency_that_absorbed_its_owner() {
    let t0 = vn(2026, 3, 2, 8, 0);
    let mut d = counter_dossier(t0, 10);
    d.handle(Action::Assign { to: None }, Role::Specialist, t0, cw())
        .unwrap();
    let step = |agency: &str| AgencyStep {
        agency: agency.into(),
        task: "xác minh".into(),
        time: Some(Period::WorkingDays(2)),
    };
    d.handle(
        Action::SendToAgency(Handover::new(vec![step("xa-a"), step("xa-c")])),
        Role::Specialist,
        t0,
        cw(),
    )
    .unwrap();
    let due_before = d.open_steps[0].due;
    let transfer = |from: &str, into: &str| Action::Transfer {
        reason: "sáp nhập xã".into(),
        receiving_unit: None,
        deciding_agency: None,
        step: Some(StepMove {
            from: from.into(),
            into: into.into(),
        }),
    };
    // Only a step that is open may move, and only the system moves it.
    assert!(matches!(
        d.decide(transfer("xa-z", "xa-b"), Role::System, t0, cw()).unwrap_err(),
        LifecycleError::NoOpenStep { agency } if agency == "xa-z"
    ));
    assert!(
        d.decide(transfer("xa-a", "xa-b"), Role::Specialist, t0, cw())
            .is_err()
    );
    d.handle(transfer("xa-a", "xa-b"), Role::System, t0, cw())
        .unwrap();
    assert_eq!(d.stage, Stage::AtOtherAgency);
    let owners: Vec<&str> = d.open_steps.iter().map(|s| s.agency.as_str()).collect();
    assert_eq!(owners, ["xa-b", "xa-c"]);
    // The step keeps its task and its own due date.
    assert_eq!(d.open_steps[0].due, due_before);
    assert_eq!(d.open_steps[0].task, "xác minh");
    // The old owner can no longer answer; the new one can.
    let answer = |agency: &str| Action::ReturnFromAgency {
        agency: Some(agency.into()),
    };
    assert!(
        d.decide(answer("xa-a"), Role::Specialist, t0, cw())
            .is_err()
    );
    // When the absorbing agency had a step too, its one answer closes both.
    d.handle(transfer("xa-c", "xa-b"), Role::System, t0, cw())
        .unwrap();
    d.handle(answer("xa-b"), Role::Specialist, t0, cw())
        .unwrap();
    assert_eq!(d.stage, Stage::InProcess);
    assert!(d.open_steps.is_empty());
}

#[test]
fn a_single_hand_over_recorded_before_groups_still_reads_and_replays_as_stored() {
    let old: Action = serde_json::from_str(
        r#"{"action":"send-to-agency","agency":"000.41.03.H82","task":"Xác minh"}"#,
    )
    .unwrap();
    let Action::SendToAgency(handover) = &old else {
        panic!("{old:?}");
    };
    assert_eq!(
        handover.steps,
        Handover::single("000.41.03.H82", "Xác minh").steps
    );
    let back: Action = serde_json::from_str(r#"{"action":"return-from-agency"}"#).unwrap();
    assert_eq!(back, Action::ReturnFromAgency { agency: None });
    // Written now, a hand-over lists its steps.
    let written = serde_json::to_value(Action::SendToAgency(Handover::single(
        "000.41.03.H82",
        "Xác minh",
    )))
    .unwrap();
    assert_eq!(
        written,
        serde_json::json!({
            "action": "send-to-agency",
            "steps": [{"agency": "000.41.03.H82", "task": "Xác minh"}],
        })
    );
    // An old hand-over opens no step, as the state stored then had none;
    // the answer brings the dossier back.
    let t0 = vn(2024, 3, 4, 8, 0);
    let mut d = counter_dossier(t0, 10);
    d.handle(Action::Assign { to: None }, Role::Specialist, t0, cw())
        .unwrap();
    d.handle(old, Role::Specialist, t0, cw()).unwrap();
    assert_eq!(d.stage, Stage::AtOtherAgency);
    assert!(d.open_steps.is_empty());
    d.handle(back, Role::Specialist, t0, cw()).unwrap();
    assert_eq!(d.stage, Stage::InProcess);
}

#[test]
fn a_corrected_schedule_moves_the_due_dates_of_steps_other_agencies_owe() {
    let corrected = corrected_calendar();
    let new_cw = Clockwork {
        calendar: &corrected,
        hours: &HOURS,
    };
    let t0 = vn(2025, 8, 28, 9, 0);
    let mut d = counter_dossier(t0, 10);
    d.handle(Action::Assign { to: None }, Role::Specialist, t0, cw())
        .unwrap();
    let steps = Handover::new(vec![
        AgencyStep {
            agency: "police".into(),
            task: "xác minh".into(),
            time: Some(Period::WorkingDays(2)),
        },
        AgencyStep {
            agency: "tax".into(),
            task: "xác định nghĩa vụ".into(),
            time: None,
        },
    ]);
    d.handle(Action::SendToAgency(steps), Role::Specialist, t0, cw())
        .unwrap();
    // Friday, then (30/8–2/9 off) Wednesday 3/9.
    assert_eq!(d.open_steps[0].due, Some(vn(2025, 9, 3, 17, 0)));
    let recompute = Action::RecomputeDue {
        reason: "Lịch nghỉ Quốc khánh 2025 được đính chính".into(),
        reception_from: None,
    };
    let event = d
        .handle(recompute, Role::System, vn(2025, 8, 29, 10, 0), new_cw)
        .unwrap();
    // With 3/9 off too, the step ends on Thursday; the untimed one has none.
    assert_eq!(
        event.effect.step_dues,
        vec![Some(vn(2025, 9, 4, 17, 0)), None]
    );
    assert_eq!(d.open_steps[0].due, Some(vn(2025, 9, 4, 17, 0)));
    assert_eq!(d.open_steps[1].due, None);
    assert_eq!(d.stage, Stage::AtOtherAgency);
}
