//! The back office's pages in process: the demo officials receive the
//! citizen's dossier, take it through to its return, and are refused what
//! their roles do not allow — with the reason on the page.

use motcua_domain::lifecycle::{Role, Stage};

use crate::portal::{Browser, Portal, between, pdf_bytes, portal, submitted};

async fn dossier_path(portal: &Portal, code: &str) -> String {
    let d = portal
        .services
        .store
        .dossier_by_code(code)
        .await
        .unwrap()
        .unwrap();
    format!("/can-bo/ho-so/{}", d.id)
}

async fn stage_of(portal: &Portal, code: &str) -> Stage {
    portal
        .services
        .store
        .dossier_by_code(code)
        .await
        .unwrap()
        .unwrap()
        .state
        .stage
}

#[tokio::test]
async fn officials_take_a_citizens_dossier_from_reception_to_return() {
    let portal = portal().await;
    let mut citizen = Browser::new(&portal);
    let (code, _) = submitted(&mut citizen).await;

    // The reception officer lands on the queue, which lists the dossier.
    let mut reception = Browser::new(&portal);
    let signed = reception
        .post(
            "/dang-nhap",
            &[
                ("login", "tiepnhan@demo.motcua.vn"),
                ("password", motcua_app::demo::PASSWORD),
            ],
        )
        .await;
    assert_eq!(signed.header("location"), "/can-bo");
    let queue = reception.get("/can-bo").await;
    assert_eq!(queue.status, 200, "{}", queue.body);
    assert!(queue.body.contains(&code), "{}", queue.body);
    assert!(queue.body.contains("Nguyễn Văn An"));
    // Found by the applicant's name without its marks.
    let found = reception.get("/can-bo?q=nguyen+van+an").await;
    assert!(found.body.contains(&code));
    let none = reception.get("/can-bo?q=khong+ai").await;
    assert!(!none.body.contains(&code));

    let path = dossier_path(&portal, &code).await;
    let page = reception.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("action=\"".to_owned().as_str()));
    assert!(
        page.body.contains(&format!("{path}/accept\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains("Chuỗi băm của hồ sơ khớp"));
    // A reception officer is not offered what a specialist does.
    assert!(!page.body.contains(&format!("{path}/submit-for-approval\"")));

    // Accepted with the scan of the papers checked at the counter.
    let accepted = reception
        .post_multipart(
            &format!("{path}/accept"),
            &[],
            &[("files", "kiem-tra.pdf", "application/pdf", pdf_bytes())],
        )
        .await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    assert_eq!(stage_of(&portal, &code).await, Stage::Accepted);

    // Assigned to the specialist, who submits it; the approver approves
    // with the signed result; the return officer hands it over.
    let page = reception.get(&path).await;
    let specialist_id = between(&page.body, "<option value=\"", "\">Lê Văn Minh")
        .unwrap()
        .to_owned();
    let assigned = reception
        .post_multipart(&format!("{path}/assign"), &[("to", &specialist_id)], &[])
        .await;
    assert_eq!(assigned.status, 303, "{}", assigned.body);

    let mut specialist = Browser::new(&portal);
    specialist.sign_in("chuyenvien@demo.motcua.vn").await;
    let mine = specialist.get("/can-bo?cua_toi=1").await;
    assert!(mine.body.contains(&code));
    // Not theirs to approve: the page says why.
    let refused = specialist
        .post_multipart(&format!("{path}/approve"), &[], &[])
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("Chuyên viên không được phê duyệt"),
        "{}",
        refused.body
    );
    let unknown = specialist
        .post_multipart(&format!("{path}/enter"), &[], &[])
        .await;
    assert_eq!(
        unknown.status, 404,
        "entering is not an action of the office"
    );
    let submitted_for_approval = specialist
        .post_multipart(&format!("{path}/submit-for-approval"), &[], &[])
        .await;
    assert_eq!(submitted_for_approval.status, 303);
    let refused = specialist
        .post_multipart(&format!("{path}/send-back"), &[("reason", "x")], &[])
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("Chuyên viên không được trả lại để xử lý tiếp"),
        "{}",
        refused.body
    );

    let mut approver = Browser::new(&portal);
    approver.sign_in("lanhdao@demo.motcua.vn").await;
    let approved = approver
        .post_multipart(
            &format!("{path}/approve"),
            &[],
            &[("files", "ban-sao.pdf", "application/pdf", pdf_bytes())],
        )
        .await;
    assert_eq!(approved.status, 303, "{}", approved.body);
    let nobody = reception
        .post_multipart(&format!("{path}/return-result"), &[], &[])
        .await;
    assert_eq!(nobody.status, 422);
    assert!(
        nobody
            .body
            .contains("href=\"#return-result-recipient_name\"")
    );
    let returned = reception
        .post_multipart(
            &format!("{path}/return-result"),
            &[
                ("recipient_name", "Nguyễn Văn An"),
                ("recipient_identity", "087095000123"),
            ],
            &[],
        )
        .await;
    assert_eq!(returned.status, 303, "{}", returned.body);
    assert_eq!(stage_of(&portal, &code).await, Stage::Returned);

    // The timeline names each official; the result is downloadable.
    let page = reception.get(&path).await;
    assert!(
        page.body
            .contains("Người nhận: Nguyễn Văn An (giấy tờ số 087095000123)")
    );
    for name in ["Trần Thị Hoa", "Lê Văn Minh", "Phạm Quốc Hùng"] {
        assert!(page.body.contains(name), "{name}");
    }
    let end = page.body.find("\">ban-sao.pdf").unwrap();
    let start = page.body[..end].rfind("href=\"").unwrap() + "href=\"".len();
    let link = page.body[start..end].to_owned();
    let file = reception.get(&link).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.header("content-type"), "application/pdf");
    // The citizen sees the result on their own page.
    let mine = citizen.get("/ho-so").await;
    assert!(mine.body.contains(&code));
}

#[tokio::test]
async fn a_missing_reason_is_shown_at_its_input_and_nothing_changes() {
    let portal = portal().await;
    let mut citizen = Browser::new(&portal);
    let (code, _) = submitted(&mut citizen).await;
    let path = dossier_path(&portal, &code).await;
    let mut reception = Browser::new(&portal);
    reception.sign_in("tiepnhan@demo.motcua.vn").await;
    let refused = reception
        .post_multipart(
            &format!("{path}/refuse-at-reception"),
            &[("reason", "  ")],
            &[],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .body
            .contains("href=\"#refuse-at-reception-reason\""),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains("id=\"refuse-at-reception-reason-error\"")
    );
    assert_eq!(stage_of(&portal, &code).await, Stage::AwaitingReception);
    let bad_date = reception
        .post_multipart(
            &format!("{path}/request-reception-supplement"),
            &[("items", ""), ("reason", "Thiếu bản sao")],
            &[],
        )
        .await;
    assert_eq!(bad_date.status, 422);
    assert!(
        bad_date
            .body
            .contains("#request-reception-supplement-items")
    );
    assert_eq!(stage_of(&portal, &code).await, Stage::AwaitingReception);
}

#[tokio::test]
async fn citizens_and_strangers_cannot_reach_a_dossier_in_the_back_office() {
    let portal = portal().await;
    let mut citizen = Browser::new(&portal);
    let (code, _) = submitted(&mut citizen).await;
    let path = dossier_path(&portal, &code).await;
    assert_eq!(citizen.get(&path).await.status, 403);
    assert_eq!(citizen.get("/can-bo").await.status, 403);
    let mut anonymous = Browser::new(&portal);
    let to_sign_in = anonymous.get(&path).await;
    assert_eq!(to_sign_in.status, 303);
    // An administrator handles no dossier: it does not exist for them.
    let mut admin = Browser::new(&portal);
    admin.sign_in("quantri@demo.motcua.vn").await;
    assert_eq!(admin.get(&path).await.status, 404);
    let queue = admin.get("/can-bo").await;
    assert!(queue.body.contains("chưa được giao vai trò xử lý"));
}

#[tokio::test]
async fn a_reception_officer_takes_in_a_walk_in_dossier_and_prints_its_pin() {
    let portal = portal().await;
    let mut reception = Browser::new(&portal);
    reception.sign_in("tiepnhan@demo.motcua.vn").await;
    let queue = reception.get("/can-bo").await;
    assert!(queue.body.contains("href=\"/can-bo/tiep-nhan\""));
    let form = reception.get("/can-bo/tiep-nhan").await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("<option value=\"2.000815\""));
    // Nothing filled in: every problem, each linked to its input.
    let refused = reception
        .post_multipart("/can-bo/tiep-nhan", &[], &[])
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    for input in ["#procedure", "#name", "#identity", "#delivery", "#files"] {
        assert!(
            refused.body.contains(&format!("href=\"{input}\"")),
            "{input}"
        );
    }
    let centre = portal
        .services
        .store
        .agency_by_identifier("000.41.02.H82")
        .await
        .unwrap()
        .unwrap();
    let taken = reception
        .post_multipart(
            "/can-bo/tiep-nhan",
            &[
                ("receiving", &centre.id.to_string()),
                ("procedure", "2.000815"),
                ("name", "Võ Văn Tài"),
                ("identity", "087090001234"),
                ("phone", "0918 111 222"),
                ("delivery", "counter"),
            ],
            &[(
                "files",
                "giay-khai-sinh.pdf",
                "application/pdf",
                pdf_bytes(),
            )],
        )
        .await;
    assert_eq!(taken.status, 201, "{}", taken.body);
    let pin = between(&taken.body, "<strong class=\"pin\">", "</strong>").unwrap();
    assert_eq!(pin.len(), motcua_app::PIN_DIGITS);
    let code = between(&taken.body, "<dd><strong>", "</strong>")
        .unwrap()
        .to_owned();
    assert!(code.starts_with("000.41.02.H82-"), "{code}");
    assert_eq!(stage_of(&portal, &code).await, Stage::AwaitingReception);
    // The dossier page offers to accept it.
    let path = dossier_path(&portal, &code).await;
    let page = reception.get(&path).await;
    assert!(page.body.contains(&format!("{path}/accept\"")));
    assert!(page.body.contains("giay-khai-sinh.pdf"));
}

#[tokio::test]
async fn an_administrator_adds_an_official_who_is_mailed_a_link() {
    let portal = portal().await;
    let commune = portal
        .services
        .store
        .agency_by_identifier("000.41.01.H82")
        .await
        .unwrap()
        .unwrap();
    let mut admin = Browser::new(&portal);
    admin.sign_in("quantri@demo.motcua.vn").await;
    let queue = admin.get("/can-bo").await;
    assert!(queue.body.contains("href=\"/quan-tri/can-bo\""));
    let page = admin
        .get(&format!("/quan-tri/can-bo?co_quan={}", commune.id))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Trần Thị Hoa"));
    assert!(page.body.contains("Cán bộ tiếp nhận"));
    // No role ticked: refused at its input, nobody added.
    let agency = commune.id.to_string();
    let refused = admin
        .post(
            "/quan-tri/can-bo",
            &[
                ("agency", agency.as_str()),
                ("full_name", "Đặng Thị Mai"),
                ("email", "mai@caolanh.dongthap.gov.vn"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("href=\"#roles\""));
    let added = admin
        .post(
            "/quan-tri/can-bo",
            &[
                ("agency", agency.as_str()),
                ("full_name", "Đặng Thị Mai"),
                ("email", "mai@caolanh.dongthap.gov.vn"),
                ("role-specialist", "1"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let after = admin.get(added.header("location")).await;
    assert!(
        after.body.contains("Đã thêm cán bộ Đặng Thị Mai"),
        "{}",
        after.body
    );
    assert!(after.body.contains("mai@caolanh.dongthap.gov.vn"));
    // An official who administers nothing finds nothing here.
    let mut reception = Browser::new(&portal);
    reception.sign_in("tiepnhan@demo.motcua.vn").await;
    assert_eq!(reception.get("/quan-tri/can-bo").await.status, 404);
}

#[tokio::test]
async fn an_administrator_changes_roles_locks_an_account_and_sets_office_hours() {
    let portal = portal().await;
    let store = &portal.services.store;
    let commune = store
        .agency_by_identifier("000.41.01.H82")
        .await
        .unwrap()
        .unwrap();
    let agency = commune.id.to_string();
    let user =
        |login: &'static str| async move { store.user_by_login(login).await.unwrap().unwrap() };
    let tiepnhan = user("tiepnhan@demo.motcua.vn").await;
    let chuyenvien = user("chuyenvien@demo.motcua.vn").await;
    let mut admin = Browser::new(&portal);
    admin.sign_in("quantri@demo.motcua.vn").await;
    let page = admin
        .get(&format!("/quan-tri/can-bo?co_quan={agency}"))
        .await;
    assert!(
        page.body
            .contains(&format!("/quan-tri/can-bo/{}/vai-tro", tiepnhan.id))
    );

    // The reception officer keeps reception and loses the return desk, at
    // this commune only.
    let saved = admin
        .post(
            &format!("/quan-tri/can-bo/{}/vai-tro", tiepnhan.id),
            &[("agency", agency.as_str()), ("role-reception-officer", "1")],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert!(
        admin
            .get(saved.header("location"))
            .await
            .body
            .contains("Đã lưu vai trò")
    );
    let roles = store.roles(tiepnhan.id).await.unwrap();
    let here: Vec<Role> = roles
        .iter()
        .filter(|g| g.agency == commune.id)
        .map(|g| g.role)
        .collect();
    assert_eq!(here, vec![Role::ReceptionOfficer]);
    assert!(
        roles
            .iter()
            .any(|g| g.agency != commune.id && g.role == Role::ReturnOfficer),
        "other agencies keep their grants"
    );

    // A locked specialist's session ends at once; unlocked, they sign in.
    let mut specialist = Browser::new(&portal);
    specialist.sign_in("chuyenvien@demo.motcua.vn").await;
    assert_eq!(specialist.get("/can-bo").await.status, 200);
    let locked = admin
        .post(
            &format!("/quan-tri/can-bo/{}/khoa", chuyenvien.id),
            &[("agency", agency.as_str()), ("locked", "1")],
        )
        .await;
    assert_eq!(locked.status, 303, "{}", locked.body);
    assert_ne!(specialist.get("/can-bo").await.status, 200);
    assert!(user("chuyenvien@demo.motcua.vn").await.disabled);
    admin
        .post(
            &format!("/quan-tri/can-bo/{}/khoa", chuyenvien.id),
            &[("agency", agency.as_str()), ("locked", "0")],
        )
        .await;
    assert!(!user("chuyenvien@demo.motcua.vn").await.disabled);

    // Office hours: refused at the input when unreadable, saved otherwise.
    let refused = admin
        .post(
            "/quan-tri/co-quan/gio-lam-viec",
            &[
                ("agency", agency.as_str()),
                ("office_hours", "13:30-17:00, 07:00-11:30"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("href=\"#office_hours\""));
    let saved = admin
        .post(
            "/quan-tri/co-quan/gio-lam-viec",
            &[
                ("agency", agency.as_str()),
                ("office_hours", "07:30-11:30, 13:00-17:00"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let hours = store
        .agency(commune.id)
        .await
        .unwrap()
        .unwrap()
        .office_hours;
    assert_eq!(
        motcua_app::office::admins::office_hours_text(&hours),
        "07:30-11:30, 13:00-17:00"
    );

    // The system administrator renames the commune after a
    // reorganisation; its dossiers keep pointing at it.
    let blank = admin
        .post(
            "/quan-tri/co-quan/ten",
            &[("agency", agency.as_str()), ("agency_name", "  ")],
        )
        .await;
    assert_eq!(blank.status, 422, "{}", blank.body);
    assert!(blank.body.contains("href=\"#agency_name\""));
    let renamed = admin
        .post(
            "/quan-tri/co-quan/ten",
            &[
                ("agency", agency.as_str()),
                ("agency_name", "Ủy ban nhân dân phường Cao Lãnh mới"),
            ],
        )
        .await;
    assert_eq!(renamed.status, 303, "{}", renamed.body);
    let after = store.agency(commune.id).await.unwrap().unwrap();
    assert_eq!(after.name, "Ủy ban nhân dân phường Cao Lãnh mới");
    assert_eq!(after.identifier, commune.identifier);

    // Nobody else may: an official who administers nothing, or the
    // administrator on their own account.
    let mut reception = Browser::new(&portal);
    reception.sign_in("tiepnhan@demo.motcua.vn").await;
    let denied = reception
        .post(
            &format!("/quan-tri/can-bo/{}/khoa", chuyenvien.id),
            &[("agency", agency.as_str()), ("locked", "1")],
        )
        .await;
    assert_eq!(denied.status, 404);
    let not_theirs = reception
        .post(
            "/quan-tri/co-quan/ten",
            &[("agency", agency.as_str()), ("agency_name", "Tên khác")],
        )
        .await;
    assert_eq!(not_theirs.status, 404);
    let quantri = user("quantri@demo.motcua.vn").await;
    let province = store.roles(quantri.id).await.unwrap()[0].agency.to_string();
    let own = admin
        .post(
            &format!("/quan-tri/can-bo/{}/khoa", quantri.id),
            &[("agency", province.as_str()), ("locked", "1")],
        )
        .await;
    assert_eq!(own.status, 404);
    assert!(!user("quantri@demo.motcua.vn").await.disabled);
}

#[tokio::test]
async fn ticked_dossiers_are_accepted_and_taken_up_together() {
    let portal = portal().await;
    let mut citizen = Browser::new(&portal);
    let (first, _) = submitted(&mut citizen).await;
    let (second, _) = submitted(&mut citizen).await;
    let id_of = |code: String| {
        let store = &portal.services.store;
        async move {
            store
                .dossier_by_code(&code)
                .await
                .unwrap()
                .unwrap()
                .id
                .to_string()
        }
    };
    let (a, b) = (id_of(first.clone()).await, id_of(second.clone()).await);

    let mut reception = Browser::new(&portal);
    reception.sign_in("tiepnhan@demo.motcua.vn").await;
    let queue = reception.get("/can-bo").await;
    assert!(
        queue.body.contains(&format!("value=\"{a}\" form=\"bulk\"")),
        "{}",
        queue.body
    );
    // Two of the queue and one nobody may see: two done, one not, and the
    // unknown one is not named.
    let unknown = motcua_store::DossierId::new().to_string();
    let done = reception
        .post(
            "/can-bo/hang-loat",
            &[
                ("action", "accept"),
                ("ids", a.as_str()),
                ("ids", b.as_str()),
                ("ids", unknown.as_str()),
            ],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(
        done.body
            .contains("2 hồ sơ đã thực hiện, 1 hồ sơ không thực hiện được"),
        "{}",
        done.body
    );
    assert!(done.body.contains("hẹn trả kết quả"));
    assert_eq!(stage_of(&portal, &first).await, Stage::Accepted);
    assert_eq!(stage_of(&portal, &second).await, Stage::Accepted);
    // Again: each refused with its reason, nothing changed.
    let again = reception
        .post(
            "/can-bo/hang-loat",
            &[("action", "accept"), ("ids", a.as_str())],
        )
        .await;
    assert!(
        again
            .body
            .contains("0 hồ sơ đã thực hiện, 1 hồ sơ không thực hiện được"),
        "{}",
        again.body
    );

    // The specialist takes both up: assigned to them.
    let mut specialist = Browser::new(&portal);
    specialist.sign_in("chuyenvien@demo.motcua.vn").await;
    let taken = specialist
        .post(
            "/can-bo/hang-loat",
            &[
                ("action", "take-up"),
                ("ids", a.as_str()),
                ("ids", b.as_str()),
            ],
        )
        .await;
    assert!(
        taken.body.contains("2 hồ sơ đã thực hiện, 0"),
        "{}",
        taken.body
    );
    let me = portal
        .services
        .store
        .user_by_login("chuyenvien@demo.motcua.vn")
        .await
        .unwrap()
        .unwrap();
    let d = portal
        .services
        .store
        .dossier_by_code(&first)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.state.stage, Stage::InProcess);
    assert_eq!(d.state.assignee, Some(me.id.to_string()));
    // Nothing ticked is said as such.
    let none = specialist
        .post("/can-bo/hang-loat", &[("action", "take-up")])
        .await;
    assert_eq!(none.status, 422);
    assert!(none.body.contains("Chưa chọn hồ sơ nào"), "{}", none.body);
    // An action that is not offered in bulk is refused whole.
    let refused = specialist
        .post(
            "/can-bo/hang-loat",
            &[("action", "approve"), ("ids", a.as_str())],
        )
        .await;
    assert_eq!(refused.status, 400);
}

#[tokio::test]
async fn a_specialist_digitises_a_document_which_is_then_offered_for_reuse() {
    let portal = portal().await;
    let mut citizen = Browser::new(&portal);
    let (code, _) = submitted(&mut citizen).await;
    let path = dossier_path(&portal, &code).await;
    let mut reception = Browser::new(&portal);
    reception.sign_in("tiepnhan@demo.motcua.vn").await;
    let accepted = reception
        .post_multipart(&format!("{path}/accept"), &[], &[])
        .await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);

    let mut specialist = Browser::new(&portal);
    specialist.sign_in("chuyenvien@demo.motcua.vn").await;
    let page = specialist.get(&path).await;
    assert!(page.body.contains(&format!("{path}/capture-data\"")));
    assert!(page.body.contains("Nội dung tóm tắt"), "its own label");
    // Neither a number nor the issue date and issuer: said at each input,
    // and nothing is recorded.
    let events_before = portal
        .services
        .store
        .dossier_by_code(&code)
        .await
        .unwrap()
        .unwrap()
        .event_count;
    let refused = specialist
        .post_multipart(
            &format!("{path}/capture-data"),
            &[
                ("type_code", "GKS"),
                ("title", "Giấy khai sinh"),
                ("summary", "Nguyễn Văn An, sinh 01/02/1995"),
                ("valid_until", "31/02/2030"),
            ],
            &[],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("href=\"#capture-data-valid_until\""));
    let refused = specialist
        .post_multipart(
            &format!("{path}/capture-data"),
            &[
                ("type_code", "GKS"),
                ("title", "Giấy khai sinh"),
                ("summary", "Nguyễn Văn An, sinh 01/02/1995"),
                ("issued_on", "10/02/1995"),
                ("valid_until", "01/01/1990"),
            ],
            &[],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    for field in ["issuer", "valid_until"] {
        assert!(
            refused
                .body
                .contains(&format!("href=\"#capture-data-{field}\"")),
            "{field}: {}",
            refused.body
        );
    }
    let after = portal
        .services
        .store
        .dossier_by_code(&code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.event_count, events_before);

    let done = specialist
        .post_multipart(
            &format!("{path}/capture-data"),
            &[
                ("type_code", " gks "),
                ("number", "12/1995"),
                ("title", "Giấy khai sinh"),
                ("summary", "Nguyễn Văn An, sinh 01/02/1995"),
                ("issued_on", "10/02/1995"),
                ("issuer", "UBND xã Mỹ Trà"),
            ],
            &[("files", "khai-sinh.pdf", "application/pdf", pdf_bytes())],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let page = specialist.get(&path).await;
    assert!(page.body.contains("Giấy tờ đã số hóa của người nộp"));
    assert!(
        page.body
            .contains("Giấy khai sinh (GKS, số 12/1995, cấp ngày 10/02/1995 bởi UBND xã Mỹ Trà, không thời hạn)"),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!("số hóa trên hồ sơ {code}")));
    assert!(page.body.contains("khai-sinh.pdf"));
}

#[tokio::test]
async fn a_system_administrator_merges_a_commune_and_its_dossiers_follow() {
    let portal = portal().await;
    let store = &portal.services.store;
    let mut citizen = Browser::new(&portal);
    let (code, _) = submitted(&mut citizen).await;
    let agency = |identifier: &'static str| async move {
        store
            .agency_by_identifier(identifier)
            .await
            .unwrap()
            .unwrap()
    };
    let from = agency("000.41.02.H82").await;
    let into = agency("000.41.01.H82").await;
    let before = store.dossier_by_code(&code).await.unwrap().unwrap();
    assert_eq!(before.deciding_agency, from.id);

    let mut admin = Browser::new(&portal);
    admin.sign_in("quantri@demo.motcua.vn").await;
    let page = admin
        .get(&format!("/quan-tri/can-bo?co_quan={}", from.id))
        .await;
    assert!(
        page.body.contains("/quan-tri/co-quan/sap-nhap"),
        "{}",
        page.body
    );
    let (from_id, into_id) = (from.id.to_string(), into.id.to_string());
    let no_reason = admin
        .post(
            "/quan-tri/co-quan/sap-nhap",
            &[
                ("agency", from_id.as_str()),
                ("into", into_id.as_str()),
                ("reason", " "),
            ],
        )
        .await;
    assert_eq!(no_reason.status, 422, "{}", no_reason.body);
    assert!(no_reason.body.contains("href=\"#reason\""));
    assert!(
        store
            .agency(from.id)
            .await
            .unwrap()
            .unwrap()
            .merged_into
            .is_none()
    );

    let merged = admin
        .post(
            "/quan-tri/co-quan/sap-nhap",
            &[
                ("agency", from_id.as_str()),
                ("into", into_id.as_str()),
                (
                    "reason",
                    "Nghị quyết số 1/2026 về sắp xếp đơn vị hành chính",
                ),
            ],
        )
        .await;
    assert_eq!(merged.status, 303, "{}", merged.body);
    assert!(merged.header("location").contains(&into_id));
    let after = store.dossier_by_code(&code).await.unwrap().unwrap();
    assert_eq!(after.deciding_agency, into.id);
    assert_eq!(after.receiving_unit, into.id);
    let page = admin
        .get(&format!("/quan-tri/can-bo?co_quan={}", from.id))
        .await;
    assert!(
        page.body
            .contains(&format!("Đơn vị này đã được sáp nhập vào {}", into.name)),
        "{}",
        page.body
    );
    // Only the same merger is offered again (to finish one cut short).
    let select = between(
        &page.body,
        "<select id=\"into\" name=\"into\">",
        "</select>",
    )
    .unwrap();
    assert_eq!(select.matches("<option").count(), 1, "{select}");
    assert!(select.contains(&into_id));
    // The citizen still finds it among theirs.
    let mine = citizen.get("/ho-so").await;
    assert!(mine.body.contains(&code));
}

#[tokio::test]
async fn the_forms_issued_are_printed_for_whom_they_are_addressed() {
    let portal = portal().await;
    let mut citizen = Browser::new(&portal);
    let (code, _) = submitted(&mut citizen).await;
    let path = dossier_path(&portal, &code).await;
    let id = path.trim_start_matches("/can-bo/ho-so/").to_owned();
    let mut reception = Browser::new(&portal);
    reception.sign_in("tiepnhan@demo.motcua.vn").await;

    // Nothing is issued before acceptance.
    let page = reception.get(&path).await;
    assert!(!page.body.contains("/mau/giay-tiep-nhan"));
    let early = reception.get(&format!("{path}/mau/giay-tiep-nhan")).await;
    assert_eq!(early.status, 404);

    let accepted = reception
        .post_multipart(&format!("{path}/accept"), &[], &[])
        .await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    let page = reception.get(&path).await;
    for link in ["/mau/giay-tiep-nhan\"", "/mau/phieu-kiem-soat\""] {
        assert!(page.body.contains(&format!("{path}{link}")), "{link}");
    }

    // The receipt as a page: the form alone, on A5, in Vietnamese.
    let receipt = reception.get(&format!("{path}/mau/giay-tiep-nhan")).await;
    assert_eq!(receipt.status, 200, "{}", receipt.body);
    for text in [
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Mẫu số 01 — Thông tư 03/2025/TT-VPCP",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "paper-a5",
        "Nguyễn Văn An",
        &code,
    ] {
        assert!(receipt.body.contains(text), "{text}: {}", receipt.body);
    }
    assert!(!receipt.body.contains("site-header"));
    // This build wires no PDF engine: the download says so, nothing else.
    let pdf = reception
        .get(&format!("{path}/mau/giay-tiep-nhan/pdf"))
        .await;
    assert_eq!(pdf.status, 503, "{}", pdf.body);
    assert!(pdf.body.contains("không tạo được tệp"), "{}", pdf.body);

    // The applicant gets the receipt, with the PIN while the draft is kept,
    // but not the office's control sheet; nobody else gets anything.
    let own = citizen
        .get(&format!("/ho-so/{id}/mau/giay-tiep-nhan"))
        .await;
    assert_eq!(own.status, 200, "{}", own.body);
    assert!(own.body.contains("Mã tra cứu (PIN)"));
    let mine = citizen.get(&format!("/ho-so/{id}")).await;
    assert!(
        mine.body
            .contains(&format!("/ho-so/{id}/mau/giay-tiep-nhan\""))
    );
    assert!(!mine.body.contains("phieu-kiem-soat"));
    let sheet = citizen
        .get(&format!("/ho-so/{id}/mau/phieu-kiem-soat"))
        .await;
    assert_eq!(sheet.status, 404);
    let unknown = citizen.get(&format!("/ho-so/{id}/mau/khong-co")).await;
    assert_eq!(unknown.status, 404);
    let mut stranger = Browser::new(&portal);
    stranger.sign_in("senhong@demo.motcua.vn").await;
    let theirs = stranger
        .get(&format!("/ho-so/{id}/mau/giay-tiep-nhan"))
        .await;
    assert_eq!(theirs.status, 404);

    // The logbook: a form to choose, the problems shown at their inputs,
    // then the book of the year holding the dossier.
    let chooser = reception.get("/can-bo/so-theo-doi").await;
    assert_eq!(chooser.status, 200, "{}", chooser.body);
    assert!(chooser.body.contains("name=\"nam\""));
    let wrong = reception.get("/can-bo/so-theo-doi?nam=hai&thang=13").await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    assert!(wrong.body.contains("id=\"nam-error\""), "{}", wrong.body);
    assert!(wrong.body.contains("id=\"thang-error\""), "{}", wrong.body);
    let d = portal
        .services
        .store
        .dossier_by_code(&code)
        .await
        .unwrap()
        .unwrap();
    let year = motcua_domain::calendar::to_local(d.state.entered_at).format("%Y");
    let book = reception
        .get(&format!(
            "/can-bo/so-theo-doi?don_vi={}&nam={year}&dang=html",
            d.receiving_unit
        ))
        .await;
    assert_eq!(book.status, 200, "{}", book.body);
    assert!(book.body.contains("SỔ THEO DÕI HỒ SƠ"));
    assert!(book.body.contains(&code));
    assert!(book.body.contains("paper-a4-landscape"));
}

#[tokio::test]
async fn an_administrator_staffs_a_post_office_and_sets_whom_it_serves() {
    let portal = portal().await;
    let store = &portal.services.store;
    let agency = |identifier: &'static str| async move {
        store
            .agency_by_identifier(identifier)
            .await
            .unwrap()
            .unwrap()
    };
    let office = agency("BD.870000").await;
    let commune = agency("000.41.01.H82").await;
    let mut admin = Browser::new(&portal);
    admin.sign_in("quantri@demo.motcua.vn").await;
    let page = admin
        .get(&format!("/quan-tri/can-bo?co_quan={}", office.id))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    // A post office has postal workers, not reception officers.
    assert!(page.body.contains("role-postal-worker"), "{}", page.body);
    assert!(!page.body.contains("role-reception-officer"));
    assert!(page.body.contains("Cơ quan bưu cục phục vụ"));
    let office_id = office.id.to_string();
    let refused = admin
        .post(
            "/quan-tri/can-bo",
            &[
                ("agency", office_id.as_str()),
                ("full_name", "Lý Văn Bưu"),
                ("email", "buu@buudien.example.vn"),
                ("role-reception-officer", "1"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let added = admin
        .post(
            "/quan-tri/can-bo",
            &[
                ("agency", office_id.as_str()),
                ("full_name", "Lý Văn Bưu"),
                ("email", "buu@buudien.example.vn"),
                ("role-postal-worker", "1"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    // The office now serves the commune alone.
    let commune_id = commune.id.to_string();
    let saved = admin
        .post(
            "/quan-tri/co-quan/phuc-vu",
            &[
                ("agency", office_id.as_str()),
                ("serves", commune_id.as_str()),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(
        store.served_agencies(office.id).await.unwrap(),
        [commune.id]
    );
    let after = admin.get(saved.header("location")).await;
    assert!(after.body.contains("Đã lưu các cơ quan bưu cục phục vụ"));
    // Only a system administrator sets it.
    let mut postman = Browser::new(&portal);
    postman.sign_in("buudien@demo.motcua.vn").await;
    let denied = postman
        .post(
            "/quan-tri/co-quan/phuc-vu",
            &[("agency", office_id.as_str())],
        )
        .await;
    assert_eq!(denied.status, 404);
    assert_eq!(
        store.served_agencies(office.id).await.unwrap(),
        [commune.id]
    );
}
