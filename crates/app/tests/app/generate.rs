//! The synthetic data generator on a real SQLite store with the demo
//! province: what it writes passes `verify`, has the mix a province sees,
//! and a second run of the same plan resumes instead of repeating.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use motcua_app::generate::{self, Plan, PlanProblem};
use motcua_app::{AppError, Services, Settings, demo};
use motcua_blobs::LocalBlobStore;
use motcua_domain::lifecycle::{Action, ActionKind, Channel};
use motcua_store::{DossierId, Page};

use super::sqlite;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[tokio::test]
async fn generated_dossiers_verify_mix_and_resume() {
    let db = sqlite().await;
    let blobs = tempfile::tempdir().unwrap();
    let svc = Services {
        memo: Default::default(),
        store: Arc::clone(&db.store),
        blobs: Arc::new(LocalBlobStore::open(blobs.path()).unwrap()),
        settings: Settings {
            public_url: "https://dichvucong.example.vn".into(),
            province_name: demo::PROVINCE_NAME.into(),
        },
        renderer: Arc::new(motcua_domain::printout::NoRenderer),
        payments: Arc::new(motcua_app::payments::VnPay::sandbox(
            "https://dichvucong.example.vn",
        )),
    };
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 3, 0, 0).unwrap();
    demo::load(&svc, now).await.unwrap();

    // Plans that cannot be made say why.
    let refused = |plan: Plan| {
        let svc = &svc;
        async move {
            match generate::run(svc, &plan, now, &mut |_| {}).await {
                Err(AppError::Plan(p)) => p,
                other => panic!("{other:?}"),
            }
        }
    };
    let plan = |dossiers, from, to| Plan {
        dossiers,
        from,
        to,
        seed: 1,
    };
    assert_eq!(
        refused(plan(0, day(2025, 8, 1), day(2026, 1, 1))).await,
        PlanProblem::NoDossiers
    );
    assert!(matches!(
        refused(plan(10, day(2026, 1, 1), day(2025, 8, 1))).await,
        PlanProblem::EmptyPeriod { .. }
    ));
    assert!(matches!(
        refused(plan(10, day(2026, 1, 1), day(2026, 12, 1))).await,
        PlanProblem::InFuture { .. }
    ));
    // The demo catalog's versions are in force from 01/07/2025.
    assert_eq!(
        refused(plan(10, day(2025, 1, 1), day(2026, 1, 1))).await,
        PlanProblem::NoProcedure {
            from: day(2025, 1, 1),
            earliest: Some(day(2025, 7, 1)),
        }
    );

    let plan = plan(1_200, day(2025, 7, 1), day(2026, 11, 20));
    let mut heard = Vec::new();
    let report = generate::run(&svc, &plan, now, &mut |done| heard.push(done))
        .await
        .unwrap();
    assert_eq!(report.written, 1_200);
    assert_eq!(report.already, 0);
    // Told after each batch written, the last one short.
    let batch = usize::try_from(generate::BATCH).unwrap();
    let mut expected: Vec<u64> = (0..1_200).step_by(batch).map(|n| n as u64).collect();
    expected.push(1_200);
    assert_eq!(heard, expected);

    let checked = motcua_store::verify::verify(svc.store.clone(), |_| {})
        .await
        .unwrap();
    assert!(checked.is_ok(), "{:?}", checked.broken.first());
    assert_eq!(checked.dossiers, 1_200);
    assert_eq!(checked.events, report.events);

    // The mix: every channel, and the paths a province's record has.
    let mut channels = BTreeMap::new();
    let mut actions = BTreeMap::new();
    let mut late = 0;
    let mut groups = 0;
    let mut page = Page::<DossierId>::first(500);
    loop {
        let ids = svc.store.dossier_ids(page).await.unwrap();
        let Some(last) = ids.last().copied() else {
            break;
        };
        for id in ids {
            let d = svc.store.dossier(id).await.unwrap().unwrap();
            *channels
                .entry(format!("{:?}", d.state.channel))
                .or_insert(0) += 1;
            if d.state
                .clock
                .original_due
                .is_some_and(|due| d.state.clock.decided_at.is_some_and(|at| at > due))
            {
                late += 1;
            }
            for e in svc.store.events(id).await.unwrap() {
                *actions.entry(e.action.key()).or_insert(0) += 1;
                if let Action::SendToAgency(handover) = &e.event.action
                    && handover.steps.len() > 1
                {
                    groups += 1;
                }
            }
        }
        page.after = Some(last);
    }
    for channel in [Channel::Online, Channel::Counter, Channel::Post] {
        let n = channels.get(&format!("{channel:?}")).copied().unwrap_or(0);
        assert!(n > 20, "{channels:?}");
    }
    for kind in [
        ActionKind::Accept,
        ActionKind::RequestReceptionSupplement,
        ActionKind::RefuseAtReception,
        ActionKind::RequestAppraisalSupplement,
        ActionKind::SendToAgency,
        ActionKind::CaptureData,
        ActionKind::Approve,
        ActionKind::Refuse,
        ActionKind::ReturnResult,
        ActionKind::Withdraw,
        ActionKind::StopUnderSectorLaw,
        ActionKind::Amend,
        ActionKind::Apologize,
        ActionKind::ConfirmPayment,
        ActionKind::CloseForMissingSupplement,
    ] {
        assert!(
            actions.get(kind.key()).copied().unwrap_or(0) > 0,
            "{kind:?}: {actions:?}"
        );
    }
    assert!(late > 0 && late < 120, "{late} late of 1200");
    // The judicial record's workflow sends to two agencies at once.
    assert!(groups > 0, "no parallel group: {actions:?}");

    // The same plan again finds everything written; another seed adds.
    let again = generate::run(&svc, &plan, now, &mut |_| {}).await.unwrap();
    assert_eq!(again.written, 0);
    assert_eq!(again.already, 1_200);
    let other = Plan { seed: 2, ..plan };
    let more = generate::run(&svc, &other, now, &mut |_| {}).await.unwrap();
    assert_eq!(more.written, 1_200);
}
