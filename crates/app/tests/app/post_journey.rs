//! The post's leg end to end on a real store with the demo province: the
//! applicant books a home pickup; the postal worker collects the papers;
//! the hand-over record, confirmed by the reception officer, enters the
//! dossier at that moment; the result goes out on another record and is
//! delivered, or, after two failed attempts two working days apart, goes
//! back to the agency.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use motcua_app::office::Official;
use motcua_app::postal::delivery::{self, Outcome};
use motcua_app::postal::{PostalProblem, board, handover, pickup, quote};
use motcua_app::{AppError, apply};
use motcua_domain::lifecycle::{Action, Channel, Recipient, Role, Stage};
use motcua_domain::postal::consignment::{ConsignmentError, Leg, Status};
use motcua_store::{Confirmation, Delivery, DossierRecord, Job, User};

use super::office::{Office, office, vn};

async fn account(o: &Office, login: &str) -> User {
    o.svc.store.user_by_login(login).await.unwrap().unwrap()
}

async fn postman(o: &Office) -> Official {
    Official::of(&o.svc, account(o, "buudien@demo.motcua.vn").await)
        .await
        .unwrap()
}

/// The inputs of a marital-status certificate to the commune, its papers
/// to be collected on `day` (`yyyy-mm-dd`) and its result posted.
fn inputs(o: &Office, day: &str) -> BTreeMap<String, String> {
    [
        ("nguoi_yeu_cau_ho_ten", "Nguyễn Văn An"),
        ("nguoi_yeu_cau_ngay_sinh", "15/05/1995"),
        ("nguoi_yeu_cau_so_dinh_danh", "087095000123"),
        ("nguoi_yeu_cau_dien_thoai", "0912345678"),
        ("nguoi_yeu_cau_noi_cu_tru.province", "82"),
        ("nguoi_yeu_cau_noi_cu_tru.commune", "29869"),
        ("nguoi_yeu_cau_noi_cu_tru.detail", "Số 12 đường Nguyễn Huệ"),
        ("tinh_trang_hon_nhan", "Chưa đăng ký kết hôn với ai"),
        ("muc_dich_su_dung", "Mục đích khác"),
        ("muc_dich_khac", "Mua nhà"),
        ("agency", o.commune.identifier.as_str()),
        ("delivery.province", "82"),
        ("delivery.commune", "29869"),
        ("delivery.detail", "Số 12 đường Nguyễn Huệ"),
        ("dispatch", "post"),
        ("pickup.day", day),
        ("pickup.slot", "morning"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// A draft of `an`'s, filled in at `at` to be collected on `day`.
async fn filled(o: &Office, an: &User, day: &str, at: DateTime<Utc>) -> motcua_store::Draft {
    let draft = apply::start(&o.svc, an, "1.004873", at).await.unwrap();
    apply::save(
        &o.svc,
        an,
        draft.id,
        inputs(o, day),
        Some(Delivery::Post),
        at,
    )
    .await
    .unwrap()
}

async fn messages_to(o: &Office, address: &str) -> Vec<String> {
    let jobs: Vec<Job> = o
        .svc
        .store
        .claim_jobs(
            "test",
            Utc::now() + TimeDelta::days(400),
            TimeDelta::minutes(5),
            500,
        )
        .await
        .unwrap();
    let subjects = jobs
        .iter()
        .filter(|j| j.payload["to"] == address)
        .map(|j| j.payload["subject"].as_str().unwrap_or_default().to_owned())
        .collect();
    for j in &jobs {
        o.svc
            .store
            .complete_job(j.id, "test", Utc::now())
            .await
            .unwrap();
    }
    subjects
}

/// Takes `d` from acceptance to a signed result, a working day apart each.
async fn decide(o: &Office, d: DossierRecord, from: DateTime<Utc>) -> DossierRecord {
    let hour = TimeDelta::hours(1);
    // Papers the post brought are received when the record is confirmed.
    let d = match d.state.stage {
        Stage::Accepted => d,
        _ => o.act(&o.reception, &d, Action::Accept, from).await.unwrap(),
    };
    let assign = Action::Assign {
        to: Some(o.specialist.user.id.to_string()),
    };
    let d = o.act(&o.reception, &d, assign, from + hour).await.unwrap();
    let d = o
        .act(
            &o.specialist,
            &d,
            Action::SubmitForApproval,
            from + hour * 2,
        )
        .await
        .unwrap();
    let d = o
        .act(&o.approver, &d, Action::Approve, from + hour * 3)
        .await
        .unwrap();
    assert_eq!(d.state.stage, Stage::ResultReady);
    d
}

#[tokio::test]
async fn papers_collected_by_the_post_enter_at_the_hand_over_and_the_result_is_delivered() {
    let o = office().await;
    let svc = &o.svc;
    let an = account(&o, "an@demo.motcua.vn").await;
    let postman = postman(&o).await;
    // Friday 27/02/2026: the applicant fills in the form online.
    let friday = vn(2026, 2, 27, 20, 0);
    let draft = apply::start(svc, &an, "1.004873", friday).await.unwrap();
    // Sunday is no day for the post; neither is today nor a month ahead.
    for day in ["2026-03-01", "2026-02-27", "2026-04-01"] {
        apply::save(
            svc,
            &an,
            draft.id,
            inputs(&o, day),
            Some(Delivery::Post),
            friday,
        )
        .await
        .unwrap();
        let refused = pickup::book(svc, &an, draft.id, friday).await.unwrap_err();
        assert!(
            matches!(
                refused,
                AppError::Postal(PostalProblem::PickupDay { days: 14 })
            ),
            "{day}: {refused:?}"
        );
    }
    apply::save(
        svc,
        &an,
        draft.id,
        inputs(&o, "2026-03-02"),
        Some(Delivery::Post),
        friday,
    )
    .await
    .unwrap();
    // Sent by post, the draft is not submitted online.
    assert!(matches!(
        apply::submit(svc, &an, draft.id, friday).await,
        Err(AppError::Invalid(p)) if p[0].field == "dispatch"
    ));
    // The quote counts the post both ways: the papers' leg adds its J + n
    // to the day the result is expected.
    let both = svc.store.draft(draft.id).await.unwrap().unwrap();
    let version = apply::online_procedure(svc, "1.004873", friday)
        .await
        .unwrap();
    let quoted = quote::quote(svc, &both, &version.procedure, friday)
        .await
        .unwrap()
        .unwrap();
    let pickup_leg = quoted.pickup.clone().unwrap();
    assert!(quoted.delivery.is_some());
    let mut online = both.clone();
    online.inputs.remove("dispatch");
    let one_way = quote::quote(svc, &online, &version.procedure, friday)
        .await
        .unwrap()
        .unwrap();
    assert!(one_way.pickup.is_none());
    let calendar = apply::work_calendar(svc).await.unwrap();
    assert_eq!(
        calendar
            .working_days_between(one_way.ready, quoted.ready)
            .unwrap(),
        pickup_leg.days,
        "{} then {}",
        one_way.ready,
        quoted.ready
    );
    let booked = pickup::book(svc, &an, draft.id, friday).await.unwrap();
    assert!(!booked.already);
    let c = booked.consignment;
    assert_eq!((c.state.leg, c.state.status), (Leg::Pickup, Status::Booked));
    assert_eq!(c.agency, o.commune.id);
    assert_eq!(c.dossier, draft.id);
    let window = c.window.unwrap();
    assert_eq!(
        (window.from, window.to),
        (vn(2026, 3, 2, 7, 30), vn(2026, 3, 2, 11, 30))
    );
    assert!(c.postage_vnd > 0);
    // Asked again: the same booking. The draft is frozen meanwhile.
    let again = pickup::book(svc, &an, draft.id, friday).await.unwrap();
    assert!(again.already && again.consignment.id == c.id);
    assert!(matches!(
        apply::save(
            svc,
            &an,
            draft.id,
            inputs(&o, "2026-03-03"),
            Some(Delivery::Post),
            friday
        )
        .await,
        Err(AppError::Postal(PostalProblem::WithThePost))
    ));
    assert!(matches!(
        apply::discard(svc, &an, draft.id).await,
        Err(AppError::Postal(PostalProblem::WithThePost))
    ));
    assert!(
        messages_to(&o, "an@demo.motcua.vn")
            .await
            .iter()
            .any(|s| s.contains("đã đặt lịch nhận hồ sơ")),
    );

    // Monday morning. A reception officer is no postal worker; the postal
    // worker sees the booking in the queue of the agencies the post office
    // serves, and collects the papers.
    let monday = vn(2026, 3, 2, 9, 30);
    assert!(matches!(
        pickup::pick_up(
            svc,
            &o.reception,
            c.id,
            "EE473124829VN",
            26_000,
            10_000,
            monday
        )
        .await,
        Err(AppError::Postal(PostalProblem::NotServed))
    ));
    let queue = svc
        .store
        .consignments_at(&[o.commune.id], &[Status::Booked], 100)
        .await
        .unwrap();
    assert_eq!(queue.iter().map(|q| q.id).collect::<Vec<_>>(), [c.id]);
    assert!(matches!(
        pickup::pick_up(svc, &postman, c.id, "EE473124828VN", 26_000, 10_000, monday).await,
        Err(AppError::Postal(PostalProblem::Rule(
            ConsignmentError::Waybill { .. }
        )))
    ));
    let c = pickup::pick_up(
        svc,
        &postman,
        c.id,
        "ee 473124829 vn",
        26_000,
        10_000,
        monday,
    )
    .await
    .unwrap();
    assert_eq!(c.state.status, Status::PickedUp);
    assert_eq!(c.state.waybill.as_deref(), Some("EE473124829VN"));
    // Collected, not yet at the agency: the applicant cannot cancel.
    assert!(matches!(
        pickup::cancel(svc, &an, draft.id, monday).await,
        Err(AppError::Postal(PostalProblem::Rule(
            ConsignmentError::NotNow { .. }
        )))
    ));

    // The postal worker lists the papers on a hand-over record; only the
    // agency confirms it, and that moment is the filing time.
    let afternoon = vn(2026, 3, 2, 14, 0);
    let record = handover::draft_pickup(svc, &postman, o.commune.id, &[c.id], afternoon)
        .await
        .unwrap();
    assert_eq!(record.leg, Leg::Pickup);
    assert_eq!(record.number.to_string(), "0001/2026");
    assert!(svc.store.dossier(draft.id).await.unwrap().is_none());
    assert!(matches!(
        handover::confirm(svc, &postman, record.id, &BTreeMap::new(), afternoon).await,
        Err(AppError::Postal(PostalProblem::OtherSide))
    ));
    let counted = afternoon + TimeDelta::minutes(20);
    let confirmed = handover::confirm(svc, &o.reception, record.id, &BTreeMap::new(), counted)
        .await
        .unwrap();
    assert_eq!(confirmed.confirmed, Some((o.reception.user.id, counted)));
    let d = svc.store.dossier(draft.id).await.unwrap().unwrap();
    assert_eq!(d.state.channel, Channel::Post);
    assert_eq!(d.state.entered_at, counted);
    assert_eq!(d.applicant.user, Some(an.id));
    assert_eq!(d.delivery, Delivery::Post);
    // Entered and received at the confirmation: the legal clock starts
    // then (three working days, to the close of Thursday).
    let entry = svc.store.events(d.id).await.unwrap();
    assert_eq!(entry.len(), 2);
    assert_eq!(entry[0].actor, Some(o.reception.user.id));
    assert_eq!(entry[1].event.action, Action::Accept);
    assert_eq!(entry[1].event.at, counted);
    assert_eq!(d.state.stage, Stage::Accepted);
    assert_eq!(d.state.clock.due, Some(vn(2026, 3, 5, 17, 0)));
    assert_eq!(
        svc.store
            .consignment(c.id)
            .await
            .unwrap()
            .unwrap()
            .state
            .status,
        Status::AtAgency
    );
    // The applicant hears of the collection and gets the code and PIN.
    let told = messages_to(&o, "an@demo.motcua.vn").await;
    assert!(
        told.iter().any(|s| s.contains("bưu chính đã nhận hồ sơ")),
        "{told:?}"
    );
    assert!(told.iter().any(|s| s.contains(d.code.as_str())), "{told:?}");
    // Confirmed again: the first confirmation stands, nothing doubles.
    handover::confirm(
        svc,
        &o.reception,
        record.id,
        &BTreeMap::new(),
        counted + TimeDelta::hours(1),
    )
    .await
    .unwrap();
    assert_eq!(svc.store.events(d.id).await.unwrap().len(), 2);
    assert!(matches!(
        svc.store
            .confirm_handover(record.id, o.reception.user.id, counted)
            .await
            .unwrap(),
        Confirmation::Already(_)
    ));
    // The money the post collected is handed over with the record.
    let money = handover::reconcile(svc, &confirmed).await.unwrap();
    assert_eq!((money.postage_vnd, money.fees_vnd), (26_000, 10_000));
    assert_eq!(money.lines[0].waybill.as_deref(), Some("EE473124829VN"));

    // Processed; the result goes out on a record of the return officer,
    // confirmed by the postal worker with the slip's waybill.
    let d = decide(&o, d, vn(2026, 3, 3, 8, 0)).await;
    // The legal clock counts none of the post's time.
    assert_eq!(d.state.clock.due, Some(vn(2026, 3, 5, 17, 0)));
    // The post hears that a result waits for it.
    let told = messages_to(&o, "buudien@demo.motcua.vn").await;
    assert!(
        told.iter()
            .any(|s| s.contains("chờ bưu điện nhận") && s.contains(d.code.as_str())),
        "{told:?}"
    );
    let out = handover::draft_delivery(
        svc,
        &o.returner,
        o.commune.id,
        &[d.id],
        vn(2026, 3, 3, 15, 0),
    )
    .await
    .unwrap();
    assert_eq!(out.leg, Leg::Delivery);
    let result = svc
        .store
        .consignment(out.consignments[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (result.state.leg, result.state.status),
        (Leg::Delivery, Status::AwaitingPost)
    );
    let collected = vn(2026, 3, 3, 16, 0);
    let missing = handover::confirm(svc, &postman, out.id, &BTreeMap::new(), collected)
        .await
        .unwrap_err();
    let input = handover::waybill_input(result.id);
    assert!(
        matches!(&missing, AppError::Invalid(p) if p[0].field == input),
        "{missing:?}"
    );
    assert!(
        svc.store
            .handover(out.id)
            .await
            .unwrap()
            .unwrap()
            .confirmed
            .is_none()
    );
    // The pickup's waybill is not the result's; nothing is confirmed.
    let reused = BTreeMap::from([(input.clone(), "EE473124829VN".to_owned())]);
    assert!(matches!(
        handover::confirm(svc, &postman, out.id, &reused, collected).await,
        Err(AppError::Postal(PostalProblem::WaybillTaken { .. }))
    ));
    assert!(
        svc.store
            .handover(out.id)
            .await
            .unwrap()
            .unwrap()
            .confirmed
            .is_none()
    );
    let typed = BTreeMap::from([(input, "RR123456785VN".to_owned())]);
    handover::confirm(svc, &postman, out.id, &typed, collected)
        .await
        .unwrap();
    // With the post, the result is not handed over again.
    assert!(matches!(
        handover::draft_delivery(svc, &o.returner, o.commune.id, &[d.id], collected).await,
        Err(AppError::Postal(PostalProblem::NotForPost { .. }))
    ));
    let result = svc.store.consignment(result.id).await.unwrap().unwrap();
    assert_eq!(result.state.status, Status::WithPost);
    assert_eq!(
        svc.store.dossier(d.id).await.unwrap().unwrap().state.stage,
        Stage::ResultReady
    );

    // Delivered to the applicant, who showed their card: the result is
    // returned on the dossier by the postal worker, naming them.
    let delivered = vn(2026, 3, 4, 10, 0);
    // Who received it is checked as at the counter.
    let unchecked = Outcome::Delivered {
        recipient: "Nguyễn Văn An".into(),
        identity: "12-34".into(),
    };
    assert!(matches!(
        delivery::report(svc, &postman, result.id, unchecked, delivered).await,
        Err(AppError::Invalid(p)) if p[0].field == "recipient_identity"
    ));
    delivery::report(
        svc,
        &postman,
        result.id,
        Outcome::Delivered {
            recipient: " Nguyễn Văn An ".into(),
            identity: "087095000123".into(),
        },
        delivered,
    )
    .await
    .unwrap();
    let d = svc.store.dossier(d.id).await.unwrap().unwrap();
    assert_eq!(d.state.stage, Stage::Returned);
    assert_eq!(d.state.clock.returned_at, Some(delivered));
    let last = svc.store.events(d.id).await.unwrap().pop().unwrap();
    assert_eq!(last.actor, Some(postman.user.id));
    assert_eq!(last.event.role, Role::PostalWorker);
    assert_eq!(
        last.event.action,
        Action::ReturnResult {
            recipient: Some(Recipient {
                name: "Nguyễn Văn An".into(),
                identity: "087095000123".into(),
            }),
        }
    );
}

#[tokio::test]
async fn a_result_not_delivered_twice_two_working_days_apart_goes_back_to_the_agency() {
    let o = office().await;
    let svc = &o.svc;
    let an = account(&o, "an@demo.motcua.vn").await;
    let postman = postman(&o).await;
    let friday = vn(2026, 2, 27, 20, 0);
    let draft = filled(&o, &an, "2026-03-02", friday).await;
    // Cancelled before the post came, the draft can change again.
    let booked = pickup::book(svc, &an, draft.id, friday).await.unwrap();
    pickup::cancel(svc, &an, draft.id, friday).await.unwrap();
    assert_eq!(
        svc.store
            .consignment(booked.consignment.id)
            .await
            .unwrap()
            .unwrap()
            .state
            .status,
        Status::Cancelled
    );
    let mut typed = inputs(&o, "2026-03-02");
    typed.remove("dispatch");
    apply::save(svc, &an, draft.id, typed, Some(Delivery::Post), friday)
        .await
        .unwrap();
    // Submitted online instead, its result still goes by post.
    let d = apply::submit(svc, &an, draft.id, friday)
        .await
        .unwrap()
        .dossier;
    assert_eq!(d.state.channel, Channel::Online);
    let d = decide(&o, d, vn(2026, 3, 2, 8, 0)).await;
    // Not every dossier goes by post: one collected at the counter is
    // refused by name.
    let counter = o.online(vn(2026, 3, 2, 8, 0), "Trần Văn Bình").await;
    let counter = decide(&o, counter, vn(2026, 3, 2, 9, 0)).await;
    let refused = handover::draft_delivery(
        svc,
        &o.returner,
        o.commune.id,
        &[d.id, counter.id],
        vn(2026, 3, 2, 15, 0),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(refused, AppError::Postal(PostalProblem::NotForPost { ref code }) if code == counter.code.as_str())
    );
    let out = handover::draft_delivery(
        svc,
        &o.returner,
        o.commune.id,
        &[d.id],
        vn(2026, 3, 2, 15, 0),
    )
    .await
    .unwrap();
    let id = out.consignments[0];
    let typed = BTreeMap::from([(handover::waybill_input(id), "RR123456785VN".to_owned())]);
    handover::confirm(svc, &postman, out.id, &typed, vn(2026, 3, 2, 16, 0))
        .await
        .unwrap();

    // Tuesday: nobody home. Wednesday: again; too soon to take it back.
    let failed = |note: &str| Outcome::Failed { note: note.into() };
    delivery::report(
        svc,
        &postman,
        id,
        failed("Không có người nhận"),
        vn(2026, 3, 3, 10, 0),
    )
    .await
    .unwrap();
    let c = delivery::report(svc, &postman, id, failed("Vắng nhà"), vn(2026, 3, 4, 10, 0))
        .await
        .unwrap();
    assert_eq!(c.state.status, Status::NotDelivered);
    assert_eq!(c.state.failed_attempts.len(), 2);
    let soon = delivery::report(svc, &postman, id, Outcome::Returned, vn(2026, 3, 4, 15, 0))
        .await
        .unwrap_err();
    assert!(
        matches!(
            soon,
            AppError::Postal(PostalProblem::Rule(ConsignmentError::TooSoon { next }))
                if next == NaiveDate::from_ymd_opt(2026, 3, 5).unwrap()
        ),
        "{soon:?}"
    );
    // Thursday, two working days after the first: a third attempt fails,
    // and the result goes back; the dossier waits at the counter.
    delivery::report(svc, &postman, id, failed("Vắng nhà"), vn(2026, 3, 5, 9, 0))
        .await
        .unwrap();
    let back = delivery::report(svc, &postman, id, Outcome::Returned, vn(2026, 3, 5, 15, 0))
        .await
        .unwrap();
    assert_eq!(back.state.status, Status::BackAtAgency);
    assert_eq!(
        svc.store.dossier(d.id).await.unwrap().unwrap().state.stage,
        Stage::ResultReady
    );
    let told = messages_to(&o, "an@demo.motcua.vn").await;
    assert!(
        told.iter().any(|s| s.contains("phát chưa thành công")),
        "{told:?}"
    );
    assert!(told.iter().any(|s| s.contains("chuyển hoàn")), "{told:?}");
}

#[tokio::test]
async fn a_post_office_sees_and_hands_over_only_what_it_collected() {
    let o = office().await;
    let svc = &o.svc;
    let an = account(&o, "an@demo.motcua.vn").await;
    let postman = postman(&o).await;
    // A second post office serves the same commune.
    let other = svc
        .store
        .create_agency(motcua_store::NewAgency {
            id: motcua_store::AgencyId::new(),
            parent: None,
            identifier: motcua_domain::code::AgencyId::new("BD.870100").unwrap(),
            name: "Bưu cục Mỹ Trà".into(),
            kind: motcua_store::AgencyKind::PostOffice,
            office_hours: motcua_domain::calendar::OfficeHours::standard(),
            receives_any_procedure: false,
            commune: None,
        })
        .await
        .unwrap();
    svc.store
        .set_served_agencies(other.id, &[o.commune.id])
        .await
        .unwrap();
    let rival =
        super::office::official(svc, &other, "buuta@mytra.example.vn", &[Role::PostalWorker]).await;
    let friday = vn(2026, 2, 27, 20, 0);
    let draft = filled(&o, &an, "2026-03-02", friday).await;
    let c = pickup::book(svc, &an, draft.id, friday)
        .await
        .unwrap()
        .consignment;
    // Both offices see the booking; the first to collect holds the papers.
    for worker in [&postman, &rival] {
        let b = board::board(svc, worker).await.unwrap();
        assert_eq!(b.to_collect.len(), 1);
    }
    let monday = vn(2026, 3, 2, 9, 30);
    pickup::pick_up(svc, &postman, c.id, "EE473124829VN", 26_000, 0, monday)
        .await
        .unwrap();
    let theirs = board::board(svc, &postman).await.unwrap();
    assert_eq!(theirs.collected.len(), 1);
    let not_theirs = board::board(svc, &rival).await.unwrap();
    assert!(not_theirs.collected.is_empty() && not_theirs.to_collect.is_empty());
    assert!(matches!(
        handover::draft_pickup(svc, &rival, o.commune.id, &[c.id], monday).await,
        Err(AppError::Postal(PostalProblem::NotServed))
    ));
    // The papers stay the office's when their collector leaves it: a
    // colleague hands them over.
    let office = svc
        .store
        .agency_by_identifier("BD.870000")
        .await
        .unwrap()
        .unwrap();
    svc.store
        .revoke_role(postman.user.id, office.id, Role::PostalWorker)
        .await
        .unwrap();
    let colleague = super::office::official(
        svc,
        &office,
        "buuta2@buudien.example.vn",
        &[Role::PostalWorker],
    )
    .await;
    handover::draft_pickup(svc, &colleague, o.commune.id, &[c.id], monday)
        .await
        .unwrap();
}

#[tokio::test]
async fn papers_the_agency_cannot_receive_go_back_to_the_applicant() {
    let o = office().await;
    let svc = &o.svc;
    let an = account(&o, "an@demo.motcua.vn").await;
    let postman = postman(&o).await;
    let friday = vn(2026, 2, 27, 20, 0);
    let draft = filled(&o, &an, "2026-03-02", friday).await;
    let c = pickup::book(svc, &an, draft.id, friday)
        .await
        .unwrap()
        .consignment;
    let monday = vn(2026, 3, 2, 9, 30);
    pickup::pick_up(svc, &postman, c.id, "EE473124829VN", 26_000, 0, monday)
        .await
        .unwrap();
    // Listed on a record, the papers stay until it is discarded.
    let record = handover::draft_pickup(svc, &postman, o.commune.id, &[c.id], monday)
        .await
        .unwrap();
    let later = monday + TimeDelta::hours(2);
    assert!(matches!(
        pickup::give_back(svc, &postman, c.id, "Thiếu tờ khai có chữ ký", later).await,
        Err(AppError::Postal(PostalProblem::OnARecord))
    ));
    handover::discard(svc, &postman, record.id).await.unwrap();
    // A reason is required; with one, the papers go back.
    assert!(matches!(
        pickup::give_back(svc, &postman, c.id, " ", later).await,
        Err(AppError::Invalid(p)) if p[0].field == "reason"
    ));
    let back = pickup::give_back(svc, &postman, c.id, "Thiếu tờ khai có chữ ký", later)
        .await
        .unwrap();
    assert_eq!(back.state.status, Status::ReturnedToSender);
    // The applicant hears why, and the draft can change and go again.
    let told = messages_to(&o, "an@demo.motcua.vn").await;
    assert!(
        told.iter()
            .any(|s| s.contains("đã trả hồ sơ cho người gửi")),
        "{told:?}"
    );
    assert!(pickup::active(svc, draft.id).await.unwrap().is_none());
    apply::save(
        svc,
        &an,
        draft.id,
        inputs(&o, "2026-03-04"),
        Some(Delivery::Post),
        later,
    )
    .await
    .unwrap();
    let again = pickup::book(svc, &an, draft.id, later).await.unwrap();
    assert!(!again.already && again.consignment.id != c.id);
}
