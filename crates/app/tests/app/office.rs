//! The back office on a real SQLite store with the demo province: who may
//! see and act on a dossier, in which role, what the queue shows, and how
//! the first administrator and officials are made.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use motcua_app::office::admins::{self, OfficialDetails, Province};
use motcua_app::office::inbox::{self, Filter};
use motcua_app::office::{Official, act, capture, reorganise, scope};
use motcua_app::{AppError, Services, Settings, apply, demo};
use motcua_blobs::LocalBlobStore;
use motcua_domain::calendar::{OfficeHours, Period};
use motcua_domain::lifecycle::{
    Action, AgencyStep, CapturedDocument, Channel, Clockwork, Dossier, Handover, LifecycleError,
    Role, Stage,
};
use motcua_store::{
    Agency, Applicant, CodeSource, Delivery, DossierId, DossierRecord, NewDossier, TokenHash,
};

use super::{TestStore, sqlite};

/// An instant in Vietnam's time.
pub(super) fn vn(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    motcua_domain::calendar::to_utc(
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap(),
    )
}

pub(super) struct Office {
    pub(super) svc: Services,
    pub(super) commune: Agency,
    pub(super) other: Agency,
    pub(super) reception: Official,
    pub(super) specialist: Official,
    pub(super) approver: Official,
    pub(super) returner: Official,
    /// A specialist and an approver of the other commune.
    pub(super) other_specialist: Official,
    pub(super) other_approver: Official,
    _db: TestStore,
    _blobs: tempfile::TempDir,
}

pub(super) async fn official(
    svc: &Services,
    agency: &Agency,
    email: &str,
    roles: &[Role],
) -> Official {
    let details = OfficialDetails {
        full_name: format!("Cán bộ {email}"),
        email: email.to_owned(),
        phone: String::new(),
    };
    let user = admins::add_official(svc, None, agency.id, &details, roles, Utc::now())
        .await
        .unwrap();
    Official::of(svc, user).await.unwrap()
}

pub(super) async fn office() -> Office {
    let db = sqlite().await;
    let blobs_dir = tempfile::tempdir().unwrap();
    let svc = Services {
        memo: Default::default(),
        store: Arc::clone(&db.store),
        blobs: Arc::new(LocalBlobStore::open(blobs_dir.path()).unwrap()),
        settings: Settings {
            public_url: "https://dichvucong.example.vn".into(),
            province_name: demo::PROVINCE_NAME.into(),
        },
        renderer: Arc::new(motcua_domain::printout::NoRenderer),
        payments: Arc::new(motcua_app::payments::VnPay::sandbox(
            "https://dichvucong.example.vn",
        )),
    };
    demo::load(&svc, Utc::now()).await.unwrap();
    let agency = |identifier: &'static str| {
        let store = Arc::clone(&svc.store);
        async move {
            store
                .agency_by_identifier(identifier)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let commune = agency("000.41.01.H82").await;
    let other = agency("000.41.03.H82").await;
    Office {
        reception: official(
            &svc,
            &commune,
            "tiepnhan@caolanh.example.vn",
            &[Role::ReceptionOfficer],
        )
        .await,
        specialist: official(
            &svc,
            &commune,
            "chuyenvien@caolanh.example.vn",
            &[Role::Specialist],
        )
        .await,
        approver: official(
            &svc,
            &commune,
            "lanhdao@caolanh.example.vn",
            &[Role::Approver],
        )
        .await,
        returner: official(
            &svc,
            &commune,
            "traketqua@caolanh.example.vn",
            &[Role::ReturnOfficer],
        )
        .await,
        other_specialist: official(
            &svc,
            &other,
            "chuyenvien@sadec.example.vn",
            &[Role::Specialist],
        )
        .await,
        other_approver: official(
            &svc,
            &other,
            "lanhdao@sadec.example.vn",
            &[Role::Approver, Role::ReceptionOfficer],
        )
        .await,
        svc,
        commune,
        other,
        _db: db,
        _blobs: blobs_dir,
    }
}

impl Office {
    /// A dossier filed online at `at` with the commune, for a procedure of
    /// `days` working days (the marital-status certificate: 3).
    pub(super) async fn online(&self, at: DateTime<Utc>, name: &str) -> DossierRecord {
        self.filed_online(&self.commune, None, at, name).await
    }

    /// A dossier filed online at `at` with `agency`, by the account `user`
    /// if any.
    pub(super) async fn filed_online(
        &self,
        agency: &Agency,
        user: Option<motcua_store::UserId>,
        at: DateTime<Utc>,
        name: &str,
    ) -> DossierRecord {
        let calendar = apply::work_calendar(&self.svc).await.unwrap();
        let hours = OfficeHours::standard();
        let (_, entry) = Dossier::enter(
            Channel::Online,
            Period::WorkingDays(3),
            Role::Applicant,
            at,
            Clockwork {
                calendar: &calendar,
                hours: &hours,
            },
        )
        .unwrap();
        self.svc
            .store
            .create_dossier(NewDossier {
                id: DossierId::new(),
                code: CodeSource::Allocate {
                    agency: agency.identifier.clone(),
                },
                procedure_code: "1.004873".into(),
                procedure_version: NaiveDate::from_ymd_opt(2026, 1, 16).unwrap(),
                receiving_unit: agency.id,
                deciding_agency: agency.id,
                applicant: Applicant {
                    user,
                    name: name.into(),
                    identity_number: Some("087095000123".into()),
                    phone: None,
                    email: Some("an@example.vn".into()),
                    address: None,
                },
                delivery: Delivery::Counter,
                pin_hash: TokenHash::of("123456"),
                form: Default::default(),
                actor: None,
                entry,
                attachments: vec![],
                jobs: vec![],
            })
            .await
            .unwrap()
    }

    pub(super) async fn act(
        &self,
        who: &Official,
        d: &DossierRecord,
        action: Action,
        at: DateTime<Utc>,
    ) -> Result<DossierRecord, AppError> {
        act::act(&self.svc, who, d.id, action, Vec::new(), at).await
    }
}

fn role_refused(e: AppError) -> bool {
    matches!(
        e,
        AppError::Lifecycle(LifecycleError::RoleNotAllowed { .. })
    )
}

#[tokio::test]
async fn an_online_dossier_goes_from_reception_to_return() {
    let o = office().await;
    let monday = vn(2026, 3, 2, 9, 0);
    let hour = TimeDelta::hours(1);
    let d = o.online(monday, "Nguyễn Văn An").await;

    // A specialist cannot accept; the reception officer can, and the legal
    // clock starts: 3 working days after Monday, to the close of Thursday.
    let refused = o
        .act(&o.specialist, &d, Action::Accept, monday + hour)
        .await;
    assert!(role_refused(refused.unwrap_err()));
    let d = o
        .act(&o.reception, &d, Action::Accept, monday + hour)
        .await
        .unwrap();
    assert_eq!(d.state.stage, Stage::Accepted);
    assert_eq!(d.state.clock.due, Some(vn(2026, 3, 5, 17, 0)));

    // Only a specialist of the deciding agency can be assigned.
    let wrong = Action::Assign {
        to: Some(o.approver.user.id.to_string()),
    };
    let refused = o.act(&o.reception, &d, wrong, monday + hour * 2).await;
    assert!(matches!(refused.unwrap_err(), AppError::Invalid(p) if p[0].field == "to"));
    let assign = Action::Assign {
        to: Some(o.specialist.user.id.to_string()),
    };
    let d = o
        .act(&o.reception, &d, assign, monday + hour * 2)
        .await
        .unwrap();
    assert_eq!(d.state.stage, Stage::InProcess);
    assert_eq!(d.columns.assignee, Some(o.specialist.user.id.to_string()));
    let mine = inbox::inbox(
        &o.svc,
        &o.specialist,
        &Filter {
            mine: true,
            ..Filter::default()
        },
        monday + hour * 2,
    )
    .await
    .unwrap();
    assert_eq!(
        mine.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![d.id]
    );

    // The specialist cannot approve; the approver can.
    let d = o
        .act(
            &o.specialist,
            &d,
            Action::SubmitForApproval,
            monday + hour * 3,
        )
        .await
        .unwrap();
    let refused = o
        .act(&o.specialist, &d, Action::Approve, monday + hour * 4)
        .await;
    assert!(role_refused(refused.unwrap_err()));
    let d = o
        .act(&o.approver, &d, Action::Approve, monday + hour * 4)
        .await
        .unwrap();
    // At the counter, whoever receives the result is recorded.
    let nobody = o
        .act(
            &o.returner,
            &d,
            Action::ReturnResult { recipient: None },
            monday + hour * 5,
        )
        .await;
    assert!(matches!(nobody.unwrap_err(), AppError::Invalid(p) if p[0].field == "recipient_name"));
    let bad_id = Action::ReturnResult {
        recipient: Some(motcua_domain::lifecycle::Recipient {
            name: "Nguyễn Văn An".into(),
            identity: "12-34".into(),
        }),
    };
    let refused = o.act(&o.returner, &d, bad_id, monday + hour * 5).await;
    assert!(
        matches!(refused.unwrap_err(), AppError::Invalid(p) if p[0].field == "recipient_identity")
    );
    let handed = Action::ReturnResult {
        recipient: Some(motcua_domain::lifecycle::Recipient {
            name: " Nguyễn Văn An ".into(),
            identity: "087095000123".into(),
        }),
    };
    let d = o
        .act(&o.returner, &d, handed, monday + hour * 5)
        .await
        .unwrap();
    assert_eq!(d.state.stage, Stage::Returned);
    let last = o.svc.store.events(d.id).await.unwrap().pop().unwrap();
    assert_eq!(
        last.event.action,
        Action::ReturnResult {
            recipient: Some(motcua_domain::lifecycle::Recipient {
                name: "Nguyễn Văn An".into(),
                identity: "087095000123".into(),
            }),
        }
    );
    // Returned: no longer in anyone's queue; each event names its official.
    let left = inbox::inbox(&o.svc, &o.reception, &Filter::default(), monday + hour * 5)
        .await
        .unwrap();
    assert!(left.rows.is_empty() && left.counts.open == 0);
    let actors: Vec<_> = o
        .svc
        .store
        .events(d.id)
        .await
        .unwrap()
        .iter()
        .map(|e| e.actor)
        .collect();
    assert_eq!(
        actors,
        vec![
            None,
            Some(o.reception.user.id),
            Some(o.reception.user.id),
            Some(o.specialist.user.id),
            Some(o.approver.user.id),
            Some(o.returner.user.id),
        ]
    );
}

#[tokio::test]
async fn the_assigned_specialist_and_the_applicant_are_told() {
    let o = office().await;
    let monday = vn(2026, 3, 2, 9, 0);
    let d = o.online(monday, "Nguyễn Văn An").await;
    let d = o
        .act(
            &o.reception,
            &d,
            Action::Accept,
            monday + TimeDelta::hours(1),
        )
        .await
        .unwrap();
    let assign = Action::Assign {
        to: Some(o.specialist.user.id.to_string()),
    };
    o.act(&o.reception, &d, assign, monday + TimeDelta::hours(2))
        .await
        .unwrap();
    let jobs = o
        .svc
        .store
        .claim_jobs(
            "test",
            Utc::now() + TimeDelta::days(1),
            TimeDelta::minutes(5),
            100,
        )
        .await
        .unwrap();
    let to = |address: &str| {
        jobs.iter()
            .filter(|j| j.payload["to"] == address)
            .map(|j| j.payload["subject"].as_str().unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
    };
    let specialist = to("chuyenvien@caolanh.example.vn");
    assert!(
        specialist
            .iter()
            .any(|s| s.contains(d.code.as_str()) && s.contains("giao")),
        "{specialist:?}"
    );
    // The applicant hears of the acceptance and of the assignment.
    assert_eq!(to("an@example.vn").len(), 2);
}

#[tokio::test]
async fn an_official_of_another_agency_neither_sees_nor_acts() {
    let o = office().await;
    let monday = vn(2026, 3, 2, 9, 0);
    let d = o.online(monday, "Nguyễn Văn An").await;
    let refused = o
        .act(
            &o.other_approver,
            &d,
            Action::Accept,
            monday + TimeDelta::hours(1),
        )
        .await;
    assert!(matches!(
        refused.unwrap_err(),
        AppError::NotFound("dossier")
    ));
    let seen = scope::visible(&o.svc, &o.other_specialist, d.id).await;
    assert!(matches!(seen.unwrap_err(), AppError::NotFound("dossier")));
    let by_code = scope::visible_by_code(&o.svc, &o.other_specialist, d.code.as_str()).await;
    assert!(matches!(
        by_code.unwrap_err(),
        AppError::NotFound("dossier")
    ));
    let queue = inbox::inbox(&o.svc, &o.other_specialist, &Filter::default(), monday)
        .await
        .unwrap();
    assert!(queue.rows.is_empty());
    // Nor does an applicant's account reach the back office.
    let citizen = o
        .svc
        .store
        .user_by_login("an@demo.motcua.vn")
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        Official::of(&o.svc, citizen).await.unwrap_err(),
        AppError::NotFound("official")
    ));
}

#[tokio::test]
async fn an_agency_sent_a_step_sees_it_and_answers_only_its_step() {
    let o = office().await;
    let monday = vn(2026, 3, 2, 9, 0);
    let hour = TimeDelta::hours(1);
    let d = o.online(monday, "Nguyễn Văn An").await;
    let d = o
        .act(&o.reception, &d, Action::Accept, monday + hour)
        .await
        .unwrap();
    let d = o
        .act(
            &o.specialist,
            &d,
            Action::Assign { to: None },
            monday + hour,
        )
        .await
        .unwrap();
    assert_eq!(d.columns.assignee, Some(o.specialist.user.id.to_string()));
    let send = Action::SendToAgency(Handover::single(
        o.other.identifier.as_str().to_owned(),
        "  Xác minh nơi cư trú trước đây  ",
    ));
    let d = o
        .act(&o.specialist, &d, send, monday + hour * 2)
        .await
        .unwrap();
    assert_eq!(d.state.stage, Stage::AtOtherAgency);
    let theirs = inbox::inbox(
        &o.svc,
        &o.other_specialist,
        &Filter::default(),
        monday + hour * 2,
    )
    .await
    .unwrap();
    assert_eq!(
        theirs.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![d.id]
    );
    // Its approver sees the dossier but may not decide it.
    let d = o
        .act(
            &o.other_specialist,
            &d,
            Action::ReturnFromAgency { agency: None },
            monday + hour * 3,
        )
        .await
        .unwrap();
    assert_eq!(d.state.stage, Stage::InProcess);
    let d = o
        .act(
            &o.specialist,
            &d,
            Action::SubmitForApproval,
            monday + hour * 4,
        )
        .await
        .unwrap();
    let refused = o
        .act(&o.other_approver, &d, Action::Approve, monday + hour * 5)
        .await;
    assert!(role_refused(refused.unwrap_err()));
    o.act(&o.approver, &d, Action::Approve, monday + hour * 5)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_parallel_group_waits_for_each_agency_and_each_answers_only_its_own() {
    let o = office().await;
    let monday = vn(2026, 3, 2, 9, 0);
    let hour = TimeDelta::hours(1);
    let third = o
        .svc
        .store
        .agency_by_identifier("000.41.02.H82")
        .await
        .unwrap()
        .unwrap();
    let third_specialist = official(
        &o.svc,
        &third,
        "chuyenvien@thanhbinh.example.vn",
        &[Role::Specialist],
    )
    .await;
    let d = o.online(monday, "Trần Thị Bình").await;
    let d = o
        .act(&o.reception, &d, Action::Accept, monday + hour)
        .await
        .unwrap();
    let d = o
        .act(
            &o.specialist,
            &d,
            Action::Assign { to: None },
            monday + hour,
        )
        .await
        .unwrap();
    // The deciding specialist digitises the applicant's birth certificate.
    let document = CapturedDocument {
        type_code: "GKS".into(),
        number: Some("12/1995".into()),
        title: "Giấy khai sinh".into(),
        summary: "Trần Thị Bình".into(),
        issued_on: None,
        issuer: None,
        valid_until: None,
        scope: None,
    };
    let d = o
        .act(
            &o.specialist,
            &d,
            Action::CaptureData(document),
            monday + hour,
        )
        .await
        .unwrap();
    let group = Handover::new(vec![
        AgencyStep {
            agency: o.other.identifier.as_str().to_owned(),
            task: "Xác minh nơi cư trú".into(),
            time: Some(Period::WorkingDays(2)),
        },
        AgencyStep {
            agency: third.identifier.as_str().to_owned(),
            task: "Xác minh tình trạng hôn nhân".into(),
            time: None,
        },
        // A body outside the system: the deciding agency records it.
        AgencyStep {
            agency: "court".into(),
            task: "Xác minh án tích".into(),
            time: Some(Period::WorkingDays(3)),
        },
    ]);
    let sent_at = monday + hour * 2;
    let d = o
        .act(&o.specialist, &d, Action::SendToAgency(group), sent_at)
        .await
        .unwrap();
    assert_eq!(d.state.stage, Stage::AtOtherAgency);
    let steps = &d.state.open_steps;
    assert_eq!(steps.len(), 3);
    // Sent on Monday: 2 working days end on Wednesday's close, 3 on
    // Thursday's; a step with no time of its own has no due date.
    assert_eq!(steps[0].due, Some(vn(2026, 3, 4, 17, 0)));
    assert_eq!(steps[1].due, None);
    assert_eq!(steps[2].due, Some(vn(2026, 3, 5, 17, 0)));
    // Both agencies of the province see it.
    for who in [&o.other_specialist, &third_specialist] {
        let rows = inbox::inbox(&o.svc, who, &Filter::default(), sent_at)
            .await
            .unwrap()
            .rows;
        assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![d.id]);
    }
    // One agency may not answer for another, named or not.
    let refused = o
        .act(
            &third_specialist,
            &d,
            Action::ReturnFromAgency {
                agency: Some(o.other.identifier.as_str().to_owned()),
            },
            sent_at + hour,
        )
        .await
        .unwrap_err();
    assert!(matches!(refused, AppError::Invalid(_)), "{refused:?}");
    // The deciding agency must say which step answered.
    let unnamed = o
        .act(
            &o.specialist,
            &d,
            Action::ReturnFromAgency { agency: None },
            sent_at + hour,
        )
        .await
        .unwrap_err();
    assert!(matches!(
        unnamed,
        AppError::Lifecycle(LifecycleError::WhichStep)
    ));
    let d = o
        .act(
            &third_specialist,
            &d,
            Action::ReturnFromAgency { agency: None },
            sent_at + hour,
        )
        .await
        .unwrap();
    assert_eq!(d.state.stage, Stage::AtOtherAgency);
    let d = o
        .act(
            &o.specialist,
            &d,
            Action::ReturnFromAgency {
                agency: Some("court".into()),
            },
            sent_at + hour * 2,
        )
        .await
        .unwrap();
    assert_eq!(d.state.stage, Stage::AtOtherAgency);
    assert_eq!(d.state.open_steps.len(), 1);
    let d = o
        .act(
            &o.other_specialist,
            &d,
            Action::ReturnFromAgency { agency: None },
            sent_at + hour * 3,
        )
        .await
        .unwrap();
    assert_eq!(d.state.stage, Stage::InProcess);
    assert!(d.state.open_steps.is_empty());
    // The applicant's papers are for the deciding agency, not for an agency
    // asked for one step.
    let theirs = capture::of_applicant(&o.svc, &o.specialist, &d);
    assert_eq!(theirs.await.unwrap().len(), 1);
    let asked = capture::of_applicant(&o.svc, &o.other_specialist, &d);
    assert!(asked.await.unwrap().is_empty());
    // The whole timeline replays to the state stored.
    let events = o.svc.store.events(d.id).await.unwrap();
    let replayed =
        Dossier::replay(&events.iter().map(|e| e.event.clone()).collect::<Vec<_>>()).unwrap();
    assert_eq!(replayed, d.state);
}

#[tokio::test]
async fn a_merged_commune_hands_its_pending_dossiers_and_officials_to_the_new_one() {
    let o = office().await;
    let monday = vn(2026, 3, 2, 9, 0);
    let hour = TimeDelta::hours(1);
    let pending = o.online(monday, "Lê Thị Cúc").await;
    let pending = o
        .act(&o.reception, &pending, Action::Accept, monday + hour)
        .await
        .unwrap();
    let finished = o.online(monday, "Phan Văn Đức").await;
    let finished = o
        .act(
            &o.reception,
            &finished,
            Action::RefuseAtReception {
                reason: "Không thuộc thẩm quyền".into(),
            },
            monday + hour,
        )
        .await
        .unwrap();
    let admin = o
        .svc
        .store
        .user_by_login("quantri@demo.motcua.vn")
        .await
        .unwrap()
        .unwrap();
    let admin = Official::of(&o.svc, admin).await.unwrap();
    let now = monday + hour * 2;
    let reason = "Nghị quyết sắp xếp đơn vị hành chính cấp xã";
    // Only a system administrator merges; a unit is not merged into itself.
    let refused = reorganise::merge(&o.svc, &o.specialist, o.commune.id, o.other.id, reason, now)
        .await
        .unwrap_err();
    assert!(matches!(refused, AppError::NotFound(_)));
    let itself = reorganise::merge(&o.svc, &admin, o.commune.id, o.commune.id, reason, now)
        .await
        .unwrap_err();
    assert!(matches!(itself, AppError::Invalid(p) if p[0].field == "into"));

    let held = o.svc.store.grants_at(o.commune.id).await.unwrap().len();
    let merged = reorganise::merge(&o.svc, &admin, o.commune.id, o.other.id, reason, now)
        .await
        .unwrap();
    assert_eq!(merged.dossiers, 1);
    assert_eq!(merged.grants, held);
    assert!(
        o.svc
            .store
            .grants_at(o.commune.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(merged.from.merged_into, Some(o.other.id));
    // The pending dossier moved with its clock; the transfer is on its
    // timeline, which still verifies.
    let moved = o.svc.store.dossier(pending.id).await.unwrap().unwrap();
    assert_eq!(moved.receiving_unit, o.other.id);
    assert_eq!(moved.deciding_agency, o.other.id);
    assert_eq!(moved.state.stage, Stage::Accepted);
    assert_eq!(moved.state.clock, pending.state.clock);
    let events = o.svc.store.events(moved.id).await.unwrap();
    let attachments = o.svc.store.attachments(moved.id).await.unwrap();
    assert!(motcua_store::timeline::check(&moved, &events, &attachments).is_empty());
    assert_eq!(events.last().unwrap().reason.as_deref(), Some(reason));
    // The finished one stays where it was decided, in the archive the new
    // commune carries on: its officials, and no one else, see it there.
    let kept = o.svc.store.dossier(finished.id).await.unwrap().unwrap();
    assert_eq!(kept.deciding_agency, o.commune.id);
    let absorbing = Official::of(&o.svc, o.other_specialist.user.clone())
        .await
        .unwrap();
    assert!(absorbing.holds(Role::Specialist, o.commune.id));
    scope::visible(&o.svc, &absorbing, finished.id)
        .await
        .unwrap();
    let elsewhere = o
        .svc
        .store
        .agency_by_identifier("000.41.02.H82")
        .await
        .unwrap()
        .unwrap();
    let outsider = official(
        &o.svc,
        &elsewhere,
        "chuyenvien@thanhbinh.example.vn",
        &[Role::Specialist],
    )
    .await;
    assert!(matches!(
        scope::visible(&o.svc, &outsider, finished.id).await,
        Err(AppError::NotFound(_))
    ));
    // The new commune's specialist, and the merged one's (who now works
    // there), take it up.
    o.act(
        &o.other_specialist,
        &moved,
        Action::Assign { to: None },
        now,
    )
    .await
    .unwrap();
    let specialist = Official::of(&o.svc, o.specialist.user.clone())
        .await
        .unwrap();
    assert!(specialist.holds(Role::Specialist, o.other.id));
    // Their grant moved; the merged commune's work they carry on from the
    // new one.
    assert!(specialist.grants.iter().all(|g| g.agency != o.commune.id));
    assert!(specialist.holds(Role::Specialist, o.commune.id));
    // The merged commune is no longer offered. Merging it again into the
    // same commune finds nothing left to move; into another is refused, as
    // is merging into it.
    let communes = apply::agencies_of_kind(&o.svc, "commune").await.unwrap();
    assert!(communes.iter().all(|a| a.id != o.commune.id));
    let again = reorganise::merge(&o.svc, &admin, o.commune.id, o.other.id, reason, now)
        .await
        .unwrap();
    assert_eq!((again.dossiers, again.grants), (0, 0));
    let third = o
        .svc
        .store
        .agency_by_identifier("000.41.02.H82")
        .await
        .unwrap()
        .unwrap();
    let elsewhere = reorganise::merge(&o.svc, &admin, o.commune.id, third.id, reason, now)
        .await
        .unwrap_err();
    assert!(matches!(elsewhere, AppError::Invalid(p) if p[0].field == "from"));
    let into_merged = reorganise::merge(&o.svc, &admin, third.id, o.commune.id, reason, now)
        .await
        .unwrap_err();
    assert!(matches!(into_merged, AppError::Invalid(p) if p[0].field == "into"));
    assert_eq!(
        apply::agency_now(&o.svc, o.commune.identifier.as_str())
            .await
            .unwrap()
            .map(|a| a.id),
        Some(o.other.id)
    );
}

#[tokio::test]
async fn a_merged_agency_hands_its_open_steps_to_the_agency_that_absorbed_it() {
    let o = office().await;
    let monday = vn(2026, 3, 2, 9, 0);
    let hour = TimeDelta::hours(1);
    let third = o
        .svc
        .store
        .agency_by_identifier("000.41.02.H82")
        .await
        .unwrap()
        .unwrap();
    let d = o.online(monday, "Võ Thị Hạnh").await;
    let d = o
        .act(&o.reception, &d, Action::Accept, monday + hour)
        .await
        .unwrap();
    let d = o
        .act(
            &o.specialist,
            &d,
            Action::Assign { to: None },
            monday + hour,
        )
        .await
        .unwrap();
    let step = AgencyStep {
        agency: o.other.identifier.as_str().to_owned(),
        task: "Xác minh nơi cư trú".into(),
        time: Some(Period::WorkingDays(2)),
    };
    let d = o
        .act(
            &o.specialist,
            &d,
            Action::SendToAgency(Handover::new(vec![step])),
            monday + hour * 2,
        )
        .await
        .unwrap();
    let due = d.state.open_steps[0].due;
    let admin = o
        .svc
        .store
        .user_by_login("quantri@demo.motcua.vn")
        .await
        .unwrap()
        .unwrap();
    let admin = Official::of(&o.svc, admin).await.unwrap();
    let reason = "Nghị quyết sắp xếp đơn vị hành chính cấp xã";
    let now = monday + hour * 3;
    let merged = reorganise::merge(&o.svc, &admin, o.other.id, third.id, reason, now)
        .await
        .unwrap();
    assert_eq!((merged.dossiers, merged.left), (1, 0));
    // The dossier stays with the commune deciding it; only the step moved,
    // with its task and due date.
    let moved = o.svc.store.dossier(d.id).await.unwrap().unwrap();
    assert_eq!(moved.deciding_agency, o.commune.id);
    assert_eq!(moved.state.stage, Stage::AtOtherAgency);
    let step = &moved.state.open_steps[0];
    assert_eq!(step.agency, third.identifier.as_str());
    assert_eq!((step.due, step.task.as_str()), (due, "Xác minh nơi cư trú"));
    let events = o.svc.store.events(moved.id).await.unwrap();
    let attachments = o.svc.store.attachments(moved.id).await.unwrap();
    assert!(motcua_store::timeline::check(&moved, &events, &attachments).is_empty());
    assert!(
        o.svc
            .store
            .dossier_step_agencies(d.id)
            .await
            .unwrap()
            .contains(&third.id)
    );
    // The merged commune's specialist now works for the absorbing one:
    // the step is in their inbox there, and they answer it.
    let specialist = Official::of(&o.svc, o.other_specialist.user.clone())
        .await
        .unwrap();
    let rows = inbox::inbox(&o.svc, &specialist, &Filter::default(), now)
        .await
        .unwrap()
        .rows;
    assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![d.id]);
    let back = o
        .act(
            &specialist,
            &moved,
            Action::ReturnFromAgency { agency: None },
            now + hour,
        )
        .await
        .unwrap();
    assert_eq!(back.state.stage, Stage::InProcess);
    // Merging again finds nothing left to move.
    let again = reorganise::merge(&o.svc, &admin, o.other.id, third.id, reason, now)
        .await
        .unwrap();
    assert_eq!(again.dossiers, 0);
}

#[tokio::test]
async fn reasons_and_items_are_required_and_kept_clean() {
    let o = office().await;
    let monday = vn(2026, 3, 2, 9, 0);
    let d = o.online(monday, "Nguyễn Văn An").await;
    let blank = Action::RequestReceptionSupplement {
        items: vec!["  ".into()],
        reason: "Thiếu giấy tờ".into(),
    };
    let refused = o.act(&o.reception, &d, blank, monday).await;
    assert!(matches!(refused.unwrap_err(), AppError::Invalid(p) if p[0].field == "items"));
    let ask = Action::RequestReceptionSupplement {
        items: vec!["Bản sao CCCD\n  Giấy xác nhận cư trú ".into()],
        reason: " Hồ sơ thiếu hai giấy tờ ".into(),
    };
    let d = o.act(&o.reception, &d, ask, monday).await.unwrap();
    assert_eq!(d.state.stage, Stage::ReceptionSupplement);
    let events = o.svc.store.events(d.id).await.unwrap();
    assert_eq!(
        events[1].event.action,
        Action::RequestReceptionSupplement {
            items: vec!["Bản sao CCCD".into(), "Giấy xác nhận cư trú".into()],
            reason: "Hồ sơ thiếu hai giấy tờ".into(),
        }
    );
    let refuse = Action::RefuseAtReception { reason: "".into() };
    let refused = o.act(&o.reception, &d, refuse, monday).await;
    assert!(matches!(refused.unwrap_err(), AppError::Invalid(p) if p[0].field == "reason"));
}

#[tokio::test]
async fn the_queue_puts_overdue_work_first_and_counts_it() {
    let o = office().await;
    let monday = vn(2026, 3, 2, 9, 0);
    let early = o.online(monday, "Lê Thị Cúc").await;
    let late = o
        .online(monday + TimeDelta::hours(1), "Phạm Văn Dũng")
        .await;
    let early = o
        .act(&o.reception, &early, Action::Accept, monday)
        .await
        .unwrap();
    let late = o
        .act(&o.reception, &late, Action::Accept, vn(2026, 3, 3, 9, 0))
        .await
        .unwrap();
    // Friday 6 March, 09:00: the first is past its due date (Thursday at
    // the close of office), the second falls due within a working day
    // (Friday at the close).
    let now = vn(2026, 3, 6, 9, 0);
    let queue = inbox::inbox(&o.svc, &o.reception, &Filter::default(), now)
        .await
        .unwrap();
    assert_eq!(
        queue.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![early.id, late.id]
    );
    assert_eq!(
        (
            queue.counts.open,
            queue.counts.overdue,
            queue.counts.due_soon
        ),
        (2, 1, 1)
    );
    let found = inbox::inbox(
        &o.svc,
        &o.reception,
        &Filter {
            search: Some("dung".into()),
            ..Filter::default()
        },
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        found.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![late.id]
    );
}

#[tokio::test]
async fn the_first_system_admin_needs_a_province_and_a_good_password() {
    let db = sqlite().await;
    let blobs = tempfile::tempdir().unwrap();
    let svc = Services {
        memo: Default::default(),
        store: Arc::clone(&db.store),
        blobs: Arc::new(LocalBlobStore::open(blobs.path()).unwrap()),
        settings: Settings {
            public_url: String::new(),
            province_name: String::new(),
        },
        renderer: Arc::new(motcua_domain::printout::NoRenderer),
        payments: Arc::new(motcua_app::payments::VnPay::sandbox(
            "https://dichvucong.example.vn",
        )),
    };
    let details = OfficialDetails {
        full_name: "Quản trị".into(),
        email: "quantri@dongthap.gov.vn".into(),
        phone: String::new(),
    };
    let now = Utc::now();
    let weak = admins::create_system_admin(&svc, &details, "short", None, now).await;
    assert!(matches!(weak.unwrap_err(), AppError::Invalid(p) if p[0].field == "password"));
    let no_province =
        admins::create_system_admin(&svc, &details, "a long enough password", None, now).await;
    assert!(matches!(no_province.unwrap_err(), AppError::Invalid(p) if p[0].field == "province"));
    let province = Province {
        name: "Tỉnh Đồng Tháp".into(),
        identifier: "000.00.00.H82".into(),
    };
    let admin = admins::create_system_admin(
        &svc,
        &details,
        "a long enough password",
        Some(&province),
        now,
    )
    .await
    .unwrap();
    let root = admins::province(&svc).await.unwrap().unwrap();
    assert_eq!(root.name, "Tỉnh Đồng Tháp");
    let admin = Official::of(&svc, admin).await.unwrap();
    assert!(admin.holds(Role::SystemAdmin, root.id));
    // It handles no dossier; the same e-mail cannot be used twice.
    assert!(admin.handling_agencies().is_empty());
    let again =
        admins::create_system_admin(&svc, &details, "a long enough password", None, now).await;
    assert!(matches!(again.unwrap_err(), AppError::Invalid(p) if p[0].field == "email"));
    // The system administrator may add officials; an agency administrator
    // only the handling roles at their own agency.
    let chief = admins::add_official(
        &svc,
        Some(&admin),
        root.id,
        &OfficialDetails {
            full_name: "Trưởng phòng".into(),
            email: "truongphong@dongthap.gov.vn".into(),
            phone: String::new(),
        },
        &[Role::AgencyAdmin],
        now,
    )
    .await
    .unwrap();
    let chief = Official::of(&svc, chief).await.unwrap();
    let escalate = admins::add_official(
        &svc,
        Some(&chief),
        root.id,
        &OfficialDetails {
            full_name: "Ai đó".into(),
            email: "aido@dongthap.gov.vn".into(),
            phone: String::new(),
        },
        &[Role::SystemAdmin],
        now,
    )
    .await;
    assert!(matches!(
        escalate.unwrap_err(),
        AppError::NotFound("agency")
    ));
    admins::add_official(
        &svc,
        Some(&chief),
        root.id,
        &OfficialDetails {
            full_name: "Chuyên viên".into(),
            email: "chuyenvien@dongthap.gov.vn".into(),
            phone: "0277 3851 234".into(),
        },
        &[Role::Specialist],
        now,
    )
    .await
    .unwrap();
    let _ = &db;
}

/// A scan stored as the counter's upload does.
async fn scan(svc: &Services, name: &str) -> apply::StoredFile {
    let field = motcua_domain::catalog::FormField {
        id: "files".into(),
        label: String::new(),
        label_en: None,
        kind: motcua_domain::catalog::FieldKind::File {
            accept: vec!["application/pdf".into()],
            max_bytes: 1024 * 1024,
            multiple: true,
        },
        required: false,
        help: None,
    };
    let pdf: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
    let mut reader = pdf;
    apply::store_file(svc, &field, name, &mut reader)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_walk_in_dossier_is_taken_in_with_its_scans_then_accepted() {
    use motcua_app::office::intake::{self, CounterIntake};
    let o = office().await;
    let now = vn(2026, 3, 2, 9, 0);
    // Every problem is listed at once, and nothing is created.
    let refused = intake::take_in(
        &o.svc,
        &o.reception,
        &CounterIntake {
            procedure_code: "9.999999".into(),
            identity: "12345".into(),
            ..CounterIntake::default()
        },
        Vec::new(),
        now,
    )
    .await;
    let AppError::Invalid(problems) = refused.unwrap_err() else {
        panic!("not a form problem")
    };
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        ["procedure", "name", "identity", "delivery", "files"]
    );
    // A specialist has no counter.
    let intake_values = CounterIntake {
        procedure_code: "1.004873".into(),
        name: "  Lê Thị Cúc ".into(),
        identity: "087195000321".into(),
        phone: "0912 345 678".into(),
        delivery: Some(motcua_store::Delivery::Counter),
        ..CounterIntake::default()
    };
    let no_counter = intake::take_in(
        &o.svc,
        &o.specialist,
        &intake_values,
        vec![scan(&o.svc, "a.pdf").await],
        now,
    )
    .await;
    assert!(matches!(no_counter.unwrap_err(), AppError::Invalid(p) if p[0].field == "receiving"));

    let taken = intake::take_in(
        &o.svc,
        &o.reception,
        &intake_values,
        vec![scan(&o.svc, "giay-to.pdf").await],
        now,
    )
    .await
    .unwrap();
    let d = &taken.dossier;
    assert_eq!(d.state.channel, Channel::Counter);
    assert_eq!(d.state.stage, Stage::AwaitingReception);
    assert!(d.code.as_str().starts_with(o.commune.identifier.as_str()));
    assert_eq!(d.applicant.name, "Lê Thị Cúc");
    assert_eq!(d.applicant.phone.as_deref(), Some("0912345678"));
    assert_eq!(d.applicant.user, None);
    assert_eq!(taken.pin.len(), motcua_app::PIN_DIGITS);
    assert_eq!(d.pin_hash, TokenHash::of(&taken.pin));
    // The scan is kept with its hash and the officer who made it.
    let files = o.svc.store.attachments(d.id).await.unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].added_by, Some(o.reception.user.id));
    assert_eq!(files[0].file_name, "giay-to.pdf");
    let events = o.svc.store.events(d.id).await.unwrap();
    assert_eq!(events[0].actor, Some(o.reception.user.id));
    assert_eq!(events[0].role, Role::ReceptionOfficer);
    // The reception officer accepts it: the clock starts.
    let d = o
        .act(&o.reception, d, Action::Accept, now + TimeDelta::minutes(5))
        .await
        .unwrap();
    assert_eq!(d.state.stage, Stage::Accepted);

    // Someone with an account under the number finds it among their own.
    let an = o
        .svc
        .store
        .user_by_login("an@demo.motcua.vn")
        .await
        .unwrap()
        .unwrap();
    let theirs = intake::take_in(
        &o.svc,
        &o.reception,
        &CounterIntake {
            identity: "087095000123".into(),
            ..intake_values.clone()
        },
        vec![scan(&o.svc, "b.pdf").await],
        now,
    )
    .await
    .unwrap();
    assert_eq!(theirs.dossier.applicant.user, Some(an.id));
}

#[tokio::test]
async fn the_daily_digest_goes_once_to_whoever_has_late_work() {
    use motcua_app::office::digest;
    let o = office().await;
    let early = o.online(vn(2026, 3, 2, 8, 0), "Lê Thị Cúc").await;
    let late = o.online(vn(2026, 3, 2, 8, 30), "Phạm Văn Dũng").await;
    let early = o
        .act(&o.reception, &early, Action::Accept, vn(2026, 3, 2, 9, 0))
        .await
        .unwrap();
    o.act(&o.reception, &late, Action::Accept, vn(2026, 3, 3, 9, 0))
        .await
        .unwrap();
    // Friday 6 March: queued once however often asked; none on Saturday.
    let friday = vn(2026, 3, 6, 6, 30);
    assert!(digest::schedule(&o.svc, friday).await.unwrap());
    assert!(
        !digest::schedule(&o.svc, friday + TimeDelta::minutes(10))
            .await
            .unwrap()
    );
    assert!(
        !digest::schedule(&o.svc, vn(2026, 3, 7, 9, 0))
            .await
            .unwrap()
    );

    let day = NaiveDate::from_ymd_opt(2026, 3, 6).unwrap();
    let now = vn(2026, 3, 6, 9, 0);
    let queued = digest::send(&o.svc, day, now).await.unwrap();
    // The commune's four officials and the three demo officials (who hold
    // their roles at every demo commune); not the other commune's.
    assert_eq!(queued, 7);
    assert_eq!(
        digest::send(&o.svc, day, now).await.unwrap(),
        0,
        "sent once"
    );
    let jobs = o
        .svc
        .store
        .claim_jobs("test", now + TimeDelta::days(1), TimeDelta::minutes(5), 500)
        .await
        .unwrap();
    let digests: Vec<_> = jobs
        .iter()
        .filter(|j| {
            j.payload["subject"]
                .as_str()
                .is_some_and(|s| s.starts_with("Hồ sơ cần chú ý hôm nay"))
        })
        .collect();
    assert_eq!(digests.len(), 7);
    assert!(
        !digests
            .iter()
            .any(|j| j.payload["to"] == "chuyenvien@sadec.example.vn")
    );
    let mine = digests
        .iter()
        .find(|j| j.payload["to"] == "tiepnhan@caolanh.example.vn")
        .unwrap();
    assert_eq!(
        mine.payload["subject"],
        "Hồ sơ cần chú ý hôm nay: 1 quá hạn, 1 sắp đến hạn"
    );
    let text = mine.payload["text"].as_str().unwrap();
    assert!(
        text.contains(&format!("{} · Lê Thị Cúc", early.code.as_str())),
        "{text}"
    );
    assert!(text.contains("17:00 05/03/2026 (Quá hạn)"), "{text}");
    assert!(text.contains("Phạm Văn Dũng"), "{text}");
}

/// Sends the digest of the day `at` falls on, at `at`, and claims every job
/// queued by then.
async fn digests_at(o: &Office, at: DateTime<Utc>) -> Vec<motcua_store::Job> {
    use motcua_app::office::digest;
    let day = motcua_domain::calendar::to_local(at).date();
    digest::send(&o.svc, day, at).await.unwrap();
    o.svc
        .store
        .claim_jobs("test", at + TimeDelta::days(1), TimeDelta::minutes(5), 500)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_agency_is_warned_of_its_own_step_before_the_dossier_falls_due() {
    let o = office().await;
    let monday = vn(2026, 3, 2, 8, 0);
    let d = o.online(monday, "Võ Thị Hạnh").await;
    let d = o
        .act(&o.reception, &d, Action::Accept, vn(2026, 3, 2, 9, 0))
        .await
        .unwrap();
    let d = o
        .act(
            &o.specialist,
            &d,
            Action::Assign { to: None },
            vn(2026, 3, 2, 9, 30),
        )
        .await
        .unwrap();
    let step = AgencyStep {
        agency: o.other.identifier.as_str().to_owned(),
        task: "Xác minh nơi cư trú".into(),
        time: Some(Period::WorkingDays(1)),
    };
    o.act(
        &o.specialist,
        &d,
        Action::SendToAgency(Handover::new(vec![step])),
        vn(2026, 3, 2, 10, 0),
    )
    .await
    .unwrap();
    // Tuesday morning: the step ends tonight, the dossier on Thursday.
    let jobs = digests_at(&o, vn(2026, 3, 3, 7, 0)).await;
    let theirs = jobs
        .iter()
        .find(|j| j.payload["to"] == "chuyenvien@sadec.example.vn")
        .expect("the other commune's specialist is warned");
    assert_eq!(
        theirs.payload["subject"],
        "Hồ sơ cần chú ý hôm nay: 0 quá hạn, 1 sắp đến hạn"
    );
    let text = theirs.payload["text"].as_str().unwrap();
    assert!(
        text.contains("Bước phối hợp: Xác minh nơi cư trú · 17:00 03/03/2026 (Sắp đến hạn)"),
        "{text}"
    );
    // The deciding commune's specialist has nothing due yet.
    assert!(
        !jobs
            .iter()
            .any(|j| j.payload["to"] == "chuyenvien@caolanh.example.vn")
    );
    // Wednesday: the step is overdue and the dossier falls due tomorrow.
    // Each agency is told of what it owes, once: the step to the one asked,
    // the dossier to the one deciding it.
    let jobs = digests_at(&o, vn(2026, 3, 4, 7, 0)).await;
    // (Tuesday's jobs, their lease over, are claimed again with these.)
    let subjects_to = |to: &str| -> Vec<&str> {
        jobs.iter()
            .filter(|j| j.payload["to"] == to)
            .filter_map(|j| j.payload["subject"].as_str())
            .collect()
    };
    assert!(
        subjects_to("chuyenvien@sadec.example.vn")
            .contains(&"Hồ sơ cần chú ý hôm nay: 1 quá hạn, 0 sắp đến hạn")
    );
    assert!(
        !subjects_to("chuyenvien@sadec.example.vn")
            .contains(&"Hồ sơ cần chú ý hôm nay: 1 quá hạn, 1 sắp đến hạn")
    );
    assert_eq!(
        subjects_to("chuyenvien@caolanh.example.vn"),
        ["Hồ sơ cần chú ý hôm nay: 0 quá hạn, 1 sắp đến hạn"]
    );
}

#[tokio::test]
async fn a_supplement_that_never_comes_closes_the_dossier() {
    use motcua_app::office::closures;
    let o = office().await;
    let monday = vn(2026, 3, 2, 9, 0);
    let d = o.online(monday, "Nguyễn Văn An").await;
    let d = o
        .act(&o.reception, &d, Action::Accept, monday)
        .await
        .unwrap();
    let d = o
        .act(
            &o.specialist,
            &d,
            Action::Assign { to: None },
            monday + TimeDelta::hours(1),
        )
        .await
        .unwrap();
    let ask = Action::RequestAppraisalSupplement {
        items: vec!["Bản sao giấy khai sinh".into()],
        reason: "Thiếu giấy tờ chứng minh".into(),
    };
    let d = o
        .act(&o.specialist, &d, ask, monday + TimeDelta::hours(2))
        .await
        .unwrap();
    let end = d.state.deadlines.supplement_closure.unwrap();
    // Queued once an hour; nothing to close while the period runs.
    assert!(closures::schedule(&o.svc, end).await.unwrap());
    assert!(!closures::schedule(&o.svc, end).await.unwrap());
    assert_eq!(
        closures::close_due(&o.svc, end - TimeDelta::minutes(1))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        closures::close_due(&o.svc, end + TimeDelta::minutes(1))
            .await
            .unwrap(),
        1
    );
    let closed = o.svc.store.dossier(d.id).await.unwrap().unwrap();
    assert_eq!(closed.state.stage, Stage::ClosedMissingSupplement);
    let last = o.svc.store.events(d.id).await.unwrap().pop().unwrap();
    assert_eq!((last.role, last.actor), (Role::System, None));
    // A second sweep finds nothing more.
    assert_eq!(
        closures::close_due(&o.svc, end + TimeDelta::hours(1))
            .await
            .unwrap(),
        0
    );
    let told = o
        .svc
        .store
        .claim_jobs("test", end + TimeDelta::days(1), TimeDelta::minutes(5), 500)
        .await
        .unwrap()
        .into_iter()
        .filter(|j| j.payload["to"] == "an@example.vn")
        .count();
    // Accepted, assigned, asked, closed.
    assert_eq!(told, 4);
}

#[tokio::test]
async fn a_schedule_published_afterwards_moves_open_due_dates_on_their_timelines() {
    use motcua_app::office::calendar;
    use motcua_domain::calendar::{Holiday, schedule};
    let o = office().await;
    // Accepted Friday 13 February 2026 for 3 working days: after the Tết
    // break (14–22 February), Monday to Wednesday.
    let friday = vn(2026, 2, 13, 9, 0);
    let d = o.online(friday, "Nguyễn Văn An").await;
    let d = o
        .act(&o.reception, &d, Action::Accept, friday)
        .await
        .unwrap();
    assert_eq!(d.state.clock.due, Some(vn(2026, 2, 25, 17, 0)));
    // One still waiting for reception: its 8 working hours run to Monday
    // 23 February, 09:00, after the break.
    let waiting = o.online(friday, "Lê Thị Cúc").await;
    assert_eq!(
        waiting.state.deadlines.reception,
        Some(vn(2026, 2, 23, 9, 0))
    );

    // One waiting for an appraisal supplement asked on Sunday 8 February:
    // fifteen calendar days end on Monday 23, a working day.
    let asked = o.online(vn(2026, 2, 5, 9, 0), "Trần Văn Bình").await;
    let asked = o
        .act(&o.reception, &asked, Action::Accept, vn(2026, 2, 5, 10, 0))
        .await
        .unwrap();
    let asked = o
        .act(
            &o.specialist,
            &asked,
            Action::Assign { to: None },
            vn(2026, 2, 6, 9, 0),
        )
        .await
        .unwrap();
    let asked = o
        .act(
            &o.specialist,
            &asked,
            Action::RequestAppraisalSupplement {
                items: vec!["Giấy xác nhận nơi cư trú".into()],
                reason: "Thông tin nơi cư trú chưa khớp".into(),
            },
            vn(2026, 2, 8, 10, 0),
        )
        .await
        .unwrap();
    let closes = asked.state.deadlines.supplement_closure.unwrap();
    assert_eq!(
        motcua_domain::calendar::to_local(closes).date(),
        NaiveDate::from_ymd_opt(2026, 2, 23).unwrap()
    );

    // The 2026 schedule corrected: the Tết break runs to Monday 23.
    let mut breaks: Vec<_> = schedule::bundled()
        .unwrap()
        .into_iter()
        .filter(|b| b.holiday_year == 2026)
        .collect();
    let tet = breaks
        .iter_mut()
        .find(|b| b.covers.contains(&Holiday::LunarNewYear))
        .unwrap();
    tet.to = NaiveDate::from_ymd_opt(2026, 2, 23).unwrap();
    let now = vn(2026, 2, 16, 8, 0);
    let refused =
        calendar::publish_year(&o.svc, Some(&o.specialist), 2026, breaks.clone(), now).await;
    assert!(matches!(refused.unwrap_err(), AppError::NotFound(_)));
    let published = calendar::publish_year(&o.svc, None, 2026, breaks.clone(), now)
        .await
        .unwrap();
    assert_eq!(published.moved, 3);
    // The period to complete the supplement ends a day later.
    let asked = o.svc.store.dossier(asked.id).await.unwrap().unwrap();
    assert_eq!(
        asked.state.deadlines.supplement_closure,
        Some(closes + TimeDelta::days(1))
    );
    let d = o.svc.store.dossier(d.id).await.unwrap().unwrap();
    assert_eq!(d.state.clock.due, Some(vn(2026, 2, 26, 17, 0)));
    assert_eq!(d.columns.work_due, Some(vn(2026, 2, 26, 17, 0)));
    let last = o.svc.store.events(d.id).await.unwrap().pop().unwrap();
    assert_eq!(
        last.event.action.kind(),
        motcua_domain::lifecycle::ActionKind::RecomputeDue
    );
    assert_eq!((last.role, last.actor), (Role::System, None));
    assert!(last.reason.unwrap().contains("2026"));
    // Publishing the same again moves nothing; the chains still verify.
    let again = calendar::publish_year(&o.svc, None, 2026, breaks, now)
        .await
        .unwrap();
    assert_eq!(again.moved, 0);
    let report = motcua_store::verify::verify(o.svc.store.clone(), |_| {})
        .await
        .unwrap();
    assert!(report.is_ok(), "{report:?}");
    // The answer to the waiting one is due a working day later too, and
    // its queue column says so.
    let waiting = o.svc.store.dossier(waiting.id).await.unwrap().unwrap();
    assert_eq!(waiting.event_count, 2);
    assert_eq!(
        waiting.state.deadlines.reception,
        Some(vn(2026, 2, 24, 9, 0))
    );
    assert_eq!(waiting.columns.work_due, Some(vn(2026, 2, 24, 9, 0)));
}

#[tokio::test]
async fn a_new_official_sets_their_first_password_from_the_welcome_mail() {
    let o = office().await;
    let now = Utc::now();
    let user = admins::add_official(
        &o.svc,
        None,
        o.commune.id,
        &OfficialDetails {
            full_name: "Đặng Thị Mai".into(),
            email: "mai@caolanh.example.vn".into(),
            phone: String::new(),
        },
        &[Role::ReturnOfficer],
        now,
    )
    .await
    .unwrap();
    assert!(user.password_hash.is_none());
    let jobs = o
        .svc
        .store
        .claim_jobs(
            "test",
            now + TimeDelta::minutes(1),
            TimeDelta::minutes(5),
            500,
        )
        .await
        .unwrap();
    let mail = jobs
        .iter()
        .find(|j| j.payload["to"] == "mai@caolanh.example.vn")
        .unwrap();
    assert!(
        mail.payload["subject"]
            .as_str()
            .unwrap()
            .starts_with("Tài khoản cán bộ")
    );
    let text = mail.payload["text"].as_str().unwrap();
    let token = text
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    // Two days later the link still works, once.
    let later = now + TimeDelta::days(2);
    let set = motcua_app::accounts::reset_password(
        &o.svc,
        token,
        "mat-khau-moi-cua-mai",
        "mat-khau-moi-cua-mai",
        later,
    )
    .await
    .unwrap();
    assert_eq!(set, user.id);
    let signed = motcua_app::accounts::sign_in(
        &o.svc,
        "mai@caolanh.example.vn",
        "mat-khau-moi-cua-mai",
        later,
    )
    .await
    .unwrap();
    assert_eq!(signed.user.id, user.id);
}
