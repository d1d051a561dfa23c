//! The statistics on a small hand-built month: every dossier is of a known
//! kind, so every figure is known before it is added up.

use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::calendar::{self, Period};
use motcua_domain::catalog::ServiceLevel;
use motcua_domain::indicators::{self, ReportingPeriod};
use motcua_domain::lifecycle::{Action, Channel, Dossier, Role};
use motcua_domain::statistics::{Column, Facts, Figures, PeriodSpec, contribution, evaluation};

use super::lifecycle::cw;

/// A wall-clock time in Vietnam, October 2025 unless the month is given.
fn at(m: u32, d: u32, h: u32) -> DateTime<Utc> {
    calendar::to_utc(
        NaiveDate::from_ymd_opt(2025, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap(),
    )
}

fn why() -> String {
    "lý do".to_owned()
}

/// A dossier entered and accepted at `accepted` (five working days), then
/// taken through `steps`.
fn dossier(
    channel: Channel,
    accepted: DateTime<Utc>,
    steps: Vec<(Action, Role, DateTime<Utc>)>,
) -> Dossier {
    let entering = if channel.is_online() {
        Role::Applicant
    } else {
        Role::ReceptionOfficer
    };
    let (mut d, _) =
        Dossier::enter(channel, Period::WorkingDays(5), entering, accepted, cw()).unwrap();
    d.handle(Action::Accept, Role::ReceptionOfficer, accepted, cw())
        .unwrap();
    for (action, role, when) in steps {
        d.handle(action, role, when, cw()).unwrap();
    }
    d
}

/// Assigned the next hour, submitted, then approved (or refused) at `decided`.
fn decided(
    channel: Channel,
    accepted: DateTime<Utc>,
    decided: DateTime<Utc>,
    refuse: bool,
) -> Dossier {
    let decision = if refuse {
        Action::Refuse { reason: why() }
    } else {
        Action::Approve
    };
    dossier(
        channel,
        accepted,
        vec![
            (
                Action::Assign { to: None },
                Role::Specialist,
                accepted + chrono::Duration::hours(1),
            ),
            (
                Action::SubmitForApproval,
                Role::Specialist,
                decided - chrono::Duration::hours(1),
            ),
            (decision, Role::Approver, decided),
        ],
    )
}

fn facts(d: &Dossier, level: ServiceLevel, paid_online: bool, satisfied: Option<bool>) -> Facts {
    Facts {
        channel: d.channel,
        level: Some(level),
        processing_days: indicators::processing_days(d, cw()).unwrap(),
        has_fees: paid_online,
        paid_online,
        digitised: false,
        satisfied,
        result_by_post: d.channel == Channel::Post,
        supplement_requests: u8::from(d.used.reception_supplement)
            + u8::from(d.used.appraisal_supplement),
        no_visit: d.channel.is_online(),
    }
}

#[test]
fn a_hand_built_month_gives_every_figure_known_in_advance() {
    use Channel::{Counter, Online, Post};
    use ServiceLevel::{Full, Partial};
    // October 2025 in calendar months (ND 118 in force). Accepted Monday
    // 06/10 at 08:00 with five working days: due Monday 13/10.
    let monday = at(10, 6, 8);
    let assign = |h| (Action::Assign { to: None }, Role::Specialist, h);
    let dataset: Vec<(&str, Dossier, Facts)> = {
        let mut v = Vec::new();
        let mut push = |name, d: Dossier, level, paid, rated| {
            let f = facts(&d, level, paid, rated);
            v.push((name, d, f));
        };
        push(
            "early",
            decided(Counter, monday, at(10, 10, 9), false),
            Full,
            true,
            Some(true),
        );
        push(
            "on time",
            decided(Online, monday, at(10, 13, 16), false),
            Full,
            true,
            Some(false),
        );
        push(
            "late",
            decided(Counter, monday, at(10, 14, 9), false),
            Partial,
            false,
            None,
        );
        push(
            "refused early",
            decided(Counter, monday, at(10, 9, 9), true),
            Partial,
            false,
            Some(true),
        );
        push(
            "by post, early",
            decided(Post, monday, at(10, 8, 9), false),
            Partial,
            false,
            None,
        );
        push(
            "withdrawn",
            dossier(
                Online,
                monday,
                vec![(
                    Action::Withdraw { reason: why() },
                    Role::Applicant,
                    at(10, 7, 9),
                )],
            ),
            Full,
            false,
            None,
        );
        // Asked for a supplement on 07/10 that never came: closed on the
        // sixteenth day (ND 118 Art. 19(5)), counted as stopped.
        push(
            "closed for a missing supplement",
            dossier(
                Counter,
                monday,
                vec![
                    (
                        Action::RequestAppraisalSupplement {
                            items: vec!["CCCD".into()],
                            reason: why(),
                        },
                        Role::Specialist,
                        at(10, 7, 9),
                    ),
                    (
                        Action::CloseForMissingSupplement,
                        Role::System,
                        at(10, 23, 8),
                    ),
                ],
            ),
            Partial,
            false,
            None,
        );
        push(
            "stopped",
            dossier(
                Counter,
                monday,
                vec![
                    assign(at(10, 6, 9)),
                    (
                        Action::StopUnderSectorLaw { reason: why() },
                        Role::Specialist,
                        at(10, 8, 9),
                    ),
                ],
            ),
            Partial,
            false,
            None,
        );
        push(
            "awaiting a supplement",
            dossier(
                Counter,
                monday,
                vec![
                    assign(at(10, 6, 9)),
                    (
                        Action::RequestAppraisalSupplement {
                            items: vec!["CCCD".into()],
                            reason: why(),
                        },
                        Role::Specialist,
                        at(10, 7, 9),
                    ),
                ],
            ),
            Partial,
            false,
            None,
        );
        // Accepted Monday 27/10: due Monday 03/11, after the month.
        push(
            "pending in time",
            dossier(Counter, at(10, 27, 8), vec![assign(at(10, 27, 9))]),
            Partial,
            false,
            None,
        );
        push(
            "pending overdue",
            dossier(Counter, monday, vec![assign(at(10, 6, 9))]),
            Partial,
            false,
            None,
        );
        // Accepted Monday 29/09 (due 06/10), decided 07/10: carried over, late.
        push(
            "carried over",
            decided(Counter, at(9, 29, 8), at(10, 7, 9), false),
            Partial,
            false,
            None,
        );
        // Refused at reception: never received.
        let (mut refused, _) = Dossier::enter(
            Online,
            Period::WorkingDays(5),
            Role::Applicant,
            monday,
            cw(),
        )
        .unwrap();
        refused
            .handle(
                Action::RefuseAtReception { reason: why() },
                Role::ReceptionOfficer,
                at(10, 6, 10),
                cw(),
            )
            .unwrap();
        push("refused at reception", refused, Full, false, None);
        // Decided in September: outside October entirely.
        push(
            "before",
            decided(Counter, at(9, 8, 8), at(9, 10, 9), false),
            Partial,
            false,
            None,
        );
        v
    };
    let spec: PeriodSpec = "2025-10-01..2025-10-31".parse().unwrap();
    let october = spec
        .period(motcua_domain::statistics::CutOff::CALENDAR)
        .unwrap();
    let mut figures = Figures::default();
    for (_, d, f) in &dataset {
        figures.add(&indicators::classify(d, &october), f);
    }
    let expected = [
        (Column::Received, 12),
        (Column::ReceivedOnline, 2),
        (Column::ReceivedInPerson, 9),
        (Column::CarriedOver, 1),
        (Column::Resolved, 10),
        (Column::Early, 3),
        (Column::OnTime, 5),
        (Column::Late, 2),
        (Column::Pending, 2),
        (Column::WithinLimit, 1),
        (Column::Overdue, 1),
    ];
    for (column, n) in expected {
        assert_eq!(figures.get(column), n, "column {}", column.number());
    }
    assert_eq!(figures.new, 11);
    assert_eq!(figures.new_by_post, 1);
    assert_eq!((figures.new_level4, figures.new_level4_online), (3, 2));
    assert_eq!(figures.new_paid_online, 2);
    assert_eq!(figures.refused, 1);
    assert_eq!(figures.withdrawn, 1);
    assert_eq!(figures.stopped, 2);
    assert_eq!(figures.awaiting_supplement, 1);
    assert_eq!(figures.not_received, 1);
    assert_eq!(figures.results_by_post, 1);
    assert_eq!(figures.decided, 6);
    // Decided: early, by post early and refused early; on time; late and
    // the carried-over late one. Only "on time" was filed online.
    assert_eq!(figures.decided_timeliness, [3, 1, 2]);
    assert_eq!(figures.decided_visits, [1, 5]);
    assert_eq!(figures.late_online, 0);
    // TT 01 Art. 13 on these: index 1 (2·3 + 1) / 6, index 3 none asked
    // twice, index 4 (2·1 + 5) / 6; indices the system cannot see are not
    // measured, so no grade.
    let offer = evaluation::OnlineOffer {
        online: 2,
        procedures: 3,
    };
    let e = evaluation::tt01(&figures, offer);
    let score = |n: u8| e.indices.iter().find(|i| i.number == n).unwrap().score;
    assert_eq!(score(1), Some(1.2));
    assert_eq!(score(3), Some(2.0));
    assert_eq!(score(4), Some(1.2));
    assert_eq!(
        score(9),
        Some(1.0),
        "online share 2 of 11: from 15% to 30%, none late"
    );
    assert_eq!(score(7), None);
    assert_eq!(e.grade, None);
    // Rated: early (satisfied), on time (not), refused early (satisfied).
    assert_eq!((figures.rated, figures.satisfied), (3, 2));
    assert_eq!(figures.online_share(), Some(2.0 / 11.0));
    assert_eq!(figures.postal_share(), Some(1.0 / 11.0));
    assert_eq!(figures.timely_share(), Some(4.0 / 6.0));
    // The early dossier used its time from acceptance (Monday 08:00, 7
    // office hours that day) through 07, 08 and 09/10 (24 h) to the
    // decision on 10/10 at 09:00 (2 h): 33 h of 8-hour days.
    let early = indicators::processing_days(&dataset[0].1, cw())
        .unwrap()
        .unwrap();
    assert!((early - (7.0 + 24.0 + 2.0) / 8.0).abs() < 1e-9, "{early}");

    // The dated contributions (what the maintained aggregates keep) give
    // the same figures, this month and the one before.
    let deltas: Vec<contribution::Delta> = dataset
        .iter()
        .flat_map(|(_, d, f)| contribution::contribution(d, f))
        .collect();
    let day = |y, m, d| contribution::day_number(NaiveDate::from_ymd_opt(y, m, d).unwrap());
    assert_eq!(
        contribution::figures_from(&deltas, day(2025, 10, 1), day(2025, 10, 31)),
        figures
    );

    // The month before carries over what was pending at its end: the
    // carried-over dossier only.
    let september = spec
        .previous()
        .period(motcua_domain::statistics::CutOff::CALENDAR)
        .unwrap();
    let mut before = Figures::default();
    for (_, d, f) in &dataset {
        before.add(&indicators::classify(d, &september), f);
    }
    assert_eq!(
        before.get(Column::Pending),
        figures.get(Column::CarriedOver)
    );
    assert_eq!(before.get(Column::Resolved), 1);
    assert_eq!(
        contribution::figures_from(&deltas, day(2025, 9, 1), day(2025, 9, 30)),
        before
    );
}

#[test]
fn a_reporting_period_is_whole_days_in_vietnam() {
    let p: PeriodSpec = "2025-H1".parse().unwrap();
    let period = p.period(Default::default()).unwrap();
    let start: ReportingPeriod = ReportingPeriod::days(
        NaiveDate::from_ymd_opt(2024, 12, 15).unwrap(),
        NaiveDate::from_ymd_opt(2025, 6, 14).unwrap(),
    )
    .unwrap();
    assert_eq!(period, start);
    assert_eq!(period.start, at(12, 15, 0) - chrono::Duration::days(365));
}
