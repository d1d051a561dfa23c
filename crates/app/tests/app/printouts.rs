//! The legal forms of both regimes, filled from real timelines on the demo
//! province and typeset to PDF by `motcua-reports`; each PDF's text read
//! back with poppler's `pdftotext` and compared field by field, its page
//! size read with `pdfinfo`, and the receipt's QR code decoded from the
//! page rendered by `pdftoppm`.
//!
//! Poppler comes from Debian (`poppler-utils`). Without it these tests say
//! so and pass, unless `MOTCUA_REQUIRE_POPPLER` is set (CI sets it).

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use motcua_app::printouts::{self, Paperwork};
use motcua_app::{AppError, Services};
use motcua_domain::lifecycle::{Action, Handover, Recipient};
use motcua_domain::printout::Printout;
use motcua_domain::regime::{FormKind, Paper};
use motcua_store::DossierRecord;

use super::office::{Office, office, vn};

fn poppler() -> bool {
    let found = Command::new("pdftotext").arg("-v").output().is_ok();
    if !found {
        assert!(
            std::env::var_os("MOTCUA_REQUIRE_POPPLER").is_none(),
            "pdftotext is missing: apt-get install poppler-utils"
        );
        eprintln!("skipped: poppler-utils (pdftotext, pdfinfo, pdftoppm) is not installed");
    }
    found
}

/// The office with the real renderer wired in, as the binary does.
async fn office_with_reports() -> (Office, Services) {
    let o = office().await;
    let svc = Services {
        memo: Default::default(),
        renderer: Arc::new(motcua_reports::Reports::new()),
        payments: Arc::new(motcua_app::payments::VnPay::sandbox(
            "https://dichvucong.example.vn",
        )),
        ..o.svc.clone()
    };
    (o, svc)
}

async fn paperwork(svc: &Services, d: &DossierRecord) -> Paperwork {
    let d = svc.store.dossier(d.id).await.unwrap().unwrap();
    printouts::load(svc, d).await.unwrap()
}

/// Runs a poppler tool on `pdf` and returns what it printed.
fn run(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "{tool} failed: {:?}", out);
    String::from_utf8(out.stdout).unwrap()
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A PDF made of `printout`, and what poppler reads back from it.
struct Typeset {
    text: String,
    /// Width and height in points.
    size: (f64, f64),
    pages: u32,
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

async fn typeset(svc: &Services, printout: &Printout) -> Typeset {
    let bytes = printouts::pdf(svc, printout.clone()).await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{}.pdf", printout.file_stem));
    std::fs::write(&path, &bytes).unwrap();
    // To look at the forms: MOTCUA_KEEP_PDF=/some/folder cargo test …
    if let Some(keep) = std::env::var_os("MOTCUA_KEEP_PDF") {
        std::fs::write(Path::new(&keep).join(path.file_name().unwrap()), &bytes).unwrap();
    }
    let text = run("pdftotext", &["-enc", "UTF-8"], &path);
    let info = Command::new("pdfinfo").arg(&path).output().unwrap();
    let info = String::from_utf8(info.stdout).unwrap();
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
            .unwrap_or_default()
            .to_owned()
    };
    let size = field("Page size:");
    let mut numbers = size
        .split_whitespace()
        .filter_map(|w| w.parse::<f64>().ok());
    let size = (numbers.next().unwrap(), numbers.next().unwrap());
    let pages = field("Pages:").parse().unwrap();
    Typeset {
        text,
        size,
        pages,
        _dir: dir,
        path,
    }
}

/// Every text of the printout is in the PDF whole, with its diacritics
/// exactly (NFC), the title in capitals, on the paper of the form.
///
/// Text outside tables must read back whole and in order. A table's cells
/// wrap inside narrow columns and poppler interleaves neighbouring cells,
/// so each cell is checked word by word: every word of every cell is on
/// the page (as many times as the cells hold it), none is lost.
fn assert_faithful(printout: &Printout, pdf: &Typeset) {
    let text = squash(&pdf.text);
    assert!(
        unicode_normalization::is_nfc(&pdf.text),
        "{}: the PDF's text is not NFC",
        printout.file_stem
    );
    let cells: Vec<&String> = match printout.table() {
        Some((columns, rows)) => columns.iter().chain(rows.iter().flatten()).collect(),
        None => Vec::new(),
    };
    let in_table = |t: &str| cells.iter().any(|c| c.as_str() == t);
    for expected in printout
        .texts()
        .into_iter()
        .chain([printout.title.as_str()])
    {
        if in_table(expected) {
            continue;
        }
        let expected = squash(expected);
        assert!(
            text.contains(&expected),
            "{}: `{expected}` is missing or cut in the PDF text:\n{text}",
            printout.file_stem
        );
    }
    let mut words: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for w in pdf.text.split_whitespace() {
        *words.entry(w).or_default() += 1;
    }
    for cell in &cells {
        for w in cell.split_whitespace() {
            let left = words.get_mut(w).filter(|n| **n > 0);
            assert!(
                left.is_some(),
                "{}: the word `{w}` of the cell `{cell}` is missing from the PDF text:\n{text}",
                printout.file_stem
            );
            if let Some(n) = left {
                *n -= 1;
            }
        }
    }
    let (w, h) = match (printout.paper, printout.landscape) {
        (Paper::A5, _) => (419.53, 595.28),
        (Paper::A4, false) => (595.28, 841.89),
        (Paper::A4, true) => (841.89, 595.28),
    };
    assert!(
        (pdf.size.0 - w).abs() < 0.5 && (pdf.size.1 - h).abs() < 0.5,
        "{}: page is {:?}, not {:?}",
        printout.file_stem,
        pdf.size,
        (w, h)
    );
}

/// The QR codes on the first page, decoded.
fn qr_codes(pdf: &Typeset) -> Vec<String> {
    let stem = pdf._dir.path().join("page");
    let out = Command::new("pdftoppm")
        .args(["-r", "200", "-gray", "-singlefile", "-f", "1", "-l", "1"])
        .arg(&pdf.path)
        .arg(&stem)
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftoppm failed: {out:?}");
    let pgm = std::fs::read(stem.with_extension("pgm")).unwrap();
    // Binary PGM: "P5", width, height, maximum value, one byte per pixel.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8(pgm[start..at].to_vec()).unwrap());
    }
    at += 1;
    assert_eq!(fields[0], "P5");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = &pgm[at..];
    assert_eq!(pixels.len(), w * h);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    image
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, content)| content))
        .collect()
}

fn hours(n: i64) -> TimeDelta {
    TimeDelta::hours(n)
}

/// An ND 61 dossier that goes the whole way: a supplement at reception, a
/// step at another agency, an apology, the decision and the return.
async fn nd61_full_course(o: &Office, start: DateTime<Utc>) -> DossierRecord {
    let d = o.online(start, "Trần Thị Bích Ngọc").await;
    let ask = Action::RequestReceptionSupplement {
        items: vec![
            "Bản sao Giấy khai sinh có chứng thực".into(),
            "Tờ khai ghi rõ nơi cư trú trước khi chuyển đến Phường Mỹ Phú".into(),
        ],
        reason: "Hồ sơ chưa có giấy tờ chứng minh quan hệ nhân thân".into(),
    };
    let d = o
        .act(&o.reception, &d, ask, start + hours(1))
        .await
        .unwrap();
    let d = o
        .act(
            &o.reception,
            &d,
            Action::CompleteReceptionSupplement,
            start + hours(24),
        )
        .await
        .unwrap();
    let d = o
        .act(&o.reception, &d, Action::Accept, start + hours(25))
        .await
        .unwrap();
    let assign = Action::Assign {
        to: Some(o.specialist.user.id.to_string()),
    };
    let d = o
        .act(&o.reception, &d, assign, start + hours(26))
        .await
        .unwrap();
    let send = Action::SendToAgency(Handover::single(
        o.other.identifier.as_str(),
        "Xác minh nơi cư trú của người yêu cầu",
    ));
    let d = o
        .act(&o.specialist, &d, send, start + hours(27))
        .await
        .unwrap();
    let back = Action::ReturnFromAgency {
        agency: Some(o.other.identifier.as_str().to_owned()),
    };
    let d = o
        .act(&o.specialist, &d, back, start + hours(28))
        .await
        .unwrap();
    let due = d.state.clock.due.unwrap();
    let apology = Action::Apologize {
        reason: "Phải xác minh thêm thông tin tại nơi cư trú cũ".into(),
        new_due: due + TimeDelta::days(5),
    };
    let d = o
        .act(&o.approver, &d, apology, start + hours(29))
        .await
        .unwrap();
    let d = o
        .act(
            &o.specialist,
            &d,
            Action::SubmitForApproval,
            start + hours(30),
        )
        .await
        .unwrap();
    let d = o
        .act(&o.approver, &d, Action::Approve, start + hours(31))
        .await
        .unwrap();
    let back = Action::ReturnResult {
        recipient: Some(Recipient {
            name: "Trần Thị Bích Ngọc".into(),
            identity: "087095000123".into(),
        }),
    };
    o.act(&o.returner, &d, back, start + hours(32))
        .await
        .unwrap()
}

#[tokio::test]
async fn every_form_of_tt01_is_typeset_whole() {
    if !poppler() {
        return;
    }
    let (o, svc) = office_with_reports().await;
    // Monday 3 March 2025: ND 61/2018 and TT 01/2018.
    let d = nd61_full_course(&o, vn(2025, 3, 3, 8, 0)).await;
    let p = paperwork(&svc, &d).await;
    assert_eq!(
        p.issued(),
        vec![
            FormKind::Receipt,
            FormKind::SupplementRequest,
            FormKind::Apology,
            FormKind::ControlSheet
        ]
    );
    for kind in p.issued() {
        let printout = p.printout(kind, None).unwrap();
        assert!(printout.form_label.ends_with("Thông tư 01/2018/TT-VPCP"));
        let pdf = typeset(&svc, &printout).await;
        assert_faithful(&printout, &pdf);
    }

    // The receipt: its number, its fields, its signatures.
    let receipt = p.printout(FormKind::Receipt, Some("246810")).unwrap();
    assert_eq!(receipt.form_label, "Mẫu số 01 — Thông tư 01/2018/TT-VPCP");
    assert_eq!(receipt.title, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
    let text = squash(&typeset(&svc, &receipt).await.text);
    for field in [
        format!("Mã hồ sơ: {}", d.code.as_str()),
        "Ông/Bà: Trần Thị Bích Ngọc".to_owned(),
        "3. Thời gian giải quyết hồ sơ theo quy định: 3 ngày làm việc".to_owned(),
        "4. Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 04 tháng 03 năm 2025".to_owned(),
        "Mã tra cứu (PIN): 246810".to_owned(),
        "NGƯỜI TIẾP NHẬN HỒ SƠ".to_owned(),
        "Cán bộ tiepnhan@caolanh.example.vn".to_owned(),
    ] {
        assert!(
            text.contains(&field),
            "`{field}` not in the receipt:\n{text}"
        );
    }

    // The apology of ND 61 promises a new date; it is not a request to
    // extend.
    let apology = p.printout(FormKind::Apology, None).unwrap();
    assert_eq!(apology.title, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ");
    assert!(squash(&typeset(&svc, &apology).await.text).contains("sẽ trả kết quả"));

    // The control sheet: one row per hand-over, each judged.
    let sheet = p.printout(FormKind::ControlSheet, None).unwrap();
    let (_, rows) = sheet.table().unwrap();
    let notes: Vec<&str> = rows.iter().map(|r| r[3].as_str()).collect();
    assert_eq!(
        notes,
        vec![
            "Tiếp nhận hồ sơ",
            "Chuyển xử lý",
            "Xác minh nơi cư trú của người yêu cầu",
            "Trả kết quả phối hợp",
            "Trình phê duyệt",
            "Phê duyệt, chuyển trả kết quả",
            "Trả kết quả",
        ]
    );
    // Everything happened within the three days: early, except the
    // reception, which no due date judges yet.
    assert_eq!(rows[0][2], "—");
    assert!(rows[1..].iter().all(|r| r[2] == "Trước hạn"), "{rows:?}");
    assert!(rows[2][0].contains(&o.other.name));
}

#[tokio::test]
async fn refusal_and_nd61_stop_have_their_forms_and_no_other() {
    if !poppler() {
        return;
    }
    let (o, svc) = office_with_reports().await;
    let monday = vn(2025, 3, 3, 8, 0);

    let refused = o.online(monday, "Lê Văn Đức").await;
    let refuse = Action::RefuseAtReception {
        reason: "Thủ tục không thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã".into(),
    };
    let refused = o
        .act(&o.reception, &refused, refuse, monday + hours(1))
        .await
        .unwrap();
    let p = paperwork(&svc, &refused).await;
    assert_eq!(p.issued(), vec![FormKind::Refusal]);
    let printout = p.printout(FormKind::Refusal, None).unwrap();
    assert_eq!(printout.form_label, "Mẫu số 03 — Thông tư 01/2018/TT-VPCP");
    assert_faithful(&printout, &typeset(&svc, &printout).await);
    // No receipt for a dossier never accepted.
    assert!(matches!(
        p.printout(FormKind::Receipt, None),
        Err(AppError::NotFound("form"))
    ));

    // A sector law stops an ND 61 dossier: the stop notice is ND 118's
    // (Art. 21), so it has none.
    let stopped = o.online(monday, "Phạm Thị Hoa").await;
    let stopped = o
        .act(&o.reception, &stopped, Action::Accept, monday + hours(1))
        .await
        .unwrap();
    let stop = Action::StopUnderSectorLaw {
        reason: "Tòa án đang giải quyết tranh chấp liên quan".into(),
    };
    let stopped = o
        .act(&o.approver, &stopped, stop, monday + hours(2))
        .await
        .unwrap();
    let p = paperwork(&svc, &stopped).await;
    assert_eq!(p.issued(), vec![FormKind::Receipt, FormKind::ControlSheet]);
    assert!(matches!(
        p.printout(FormKind::StopNotice, None),
        Err(AppError::NotFound("form"))
    ));
}

#[tokio::test]
async fn every_form_of_tt03_is_typeset_whole() {
    if !poppler() {
        return;
    }
    let (o, svc) = office_with_reports().await;
    // Monday 2 March 2026: ND 118/2025 and TT 03/2025.
    let monday = vn(2026, 3, 2, 8, 0);
    let d = o.online(monday, "Nguyễn Hoàng Yến").await;
    let d = o
        .act(&o.reception, &d, Action::Accept, monday + hours(1))
        .await
        .unwrap();
    let due = d.state.clock.due.unwrap();
    let apology = Action::Apologize {
        reason: "Cần lấy ý kiến của cơ quan thuế".into(),
        new_due: due + TimeDelta::days(3),
    };
    let d = o
        .act(&o.approver, &d, apology, monday + hours(2))
        .await
        .unwrap();
    let stop = Action::StopUnderSectorLaw {
        reason: "Cơ quan có thẩm quyền yêu cầu tạm dừng theo luật chuyên ngành".into(),
    };
    let d = o
        .act(&o.approver, &d, stop, monday + hours(3))
        .await
        .unwrap();

    let supplement = o.online(monday, "Võ Minh Khang").await;
    let ask = Action::RequestReceptionSupplement {
        items: vec!["Ảnh chân dung 4x6 chụp trong 6 tháng gần nhất".into()],
        reason: "Ảnh đã nộp không rõ mặt".into(),
    };
    let supplement = o
        .act(&o.reception, &supplement, ask, monday + hours(1))
        .await
        .unwrap();
    let refuse = Action::RefuseAtReception {
        reason: "Quá thời hạn bổ sung mà không bổ sung".into(),
    };
    let supplement = o
        .act(&o.reception, &supplement, refuse, monday + hours(2))
        .await
        .unwrap();

    let stopped = paperwork(&svc, &d).await;
    assert_eq!(
        stopped.issued(),
        vec![
            FormKind::Receipt,
            FormKind::Apology,
            FormKind::StopNotice,
            FormKind::ControlSheet
        ]
    );
    let refused = paperwork(&svc, &supplement).await;
    assert_eq!(
        refused.issued(),
        vec![FormKind::SupplementRequest, FormKind::Refusal]
    );
    let mut numbers = Vec::new();
    for (p, kind) in stopped
        .issued()
        .into_iter()
        .map(|k| (&stopped, k))
        .chain(refused.issued().into_iter().map(|k| (&refused, k)))
    {
        let printout = p.printout(kind, None).unwrap();
        assert!(printout.form_label.ends_with("Thông tư 03/2025/TT-VPCP"));
        numbers.push(printout.form_label.split(" — ").next().unwrap().to_owned());
        assert_faithful(&printout, &typeset(&svc, &printout).await);
    }
    numbers.sort();
    assert_eq!(
        numbers,
        [
            "Mẫu số 01",
            "Mẫu số 02",
            "Mẫu số 03",
            "Mẫu số 04",
            "Mẫu số 05",
            "Mẫu số 06"
        ]
    );

    // Under ND 118 the apology asks to extend the time.
    let apology = stopped.printout(FormKind::Apology, None).unwrap();
    assert_eq!(
        apology.title,
        "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"
    );
    assert!(squash(&typeset(&svc, &apology).await.text).contains("đề nghị gia hạn"));
    let stop = stopped.printout(FormKind::StopNotice, None).unwrap();
    assert_eq!(stop.title, "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ");
}

#[tokio::test]
async fn the_receipt_qr_code_leads_to_the_public_look_up() {
    if !poppler() {
        return;
    }
    let (o, svc) = office_with_reports().await;
    let monday = vn(2026, 3, 2, 8, 0);
    let d = o.online(monday, "Đặng Thu Trang").await;
    let d = o
        .act(&o.reception, &d, Action::Accept, monday + hours(1))
        .await
        .unwrap();
    let p = paperwork(&svc, &d).await;
    let look_up = format!(
        "https://dichvucong.example.vn/tra-cuu?ma={}",
        d.code.as_str()
    );

    let with_pin = p.printout(FormKind::Receipt, Some("135790")).unwrap();
    let pdf = typeset(&svc, &with_pin).await;
    assert_eq!(qr_codes(&pdf), vec![format!("{look_up}&pin=135790")]);
    assert_eq!(pdf.pages, 1, "the receipt fits on one A5 page");

    let without = p.printout(FormKind::Receipt, None).unwrap();
    assert_eq!(qr_codes(&typeset(&svc, &without).await), vec![look_up]);
}

#[tokio::test]
async fn the_logbook_lists_a_months_dossiers_in_the_order_they_came() {
    use motcua_app::printouts::logbook::{self, BookPeriod};
    if !poppler() {
        return;
    }
    let (o, svc) = office_with_reports().await;
    let done = nd61_full_course(&o, vn(2025, 3, 3, 8, 0)).await;
    let refused = o.online(vn(2025, 3, 4, 8, 0), "Lê Văn Đức").await;
    let refuse = Action::RefuseAtReception {
        reason: "Không thuộc thẩm quyền".into(),
    };
    let refused = o
        .act(&o.reception, &refused, refuse, vn(2025, 3, 4, 9, 0))
        .await
        .unwrap();
    // Vietnam's midnights bound the month: the first instant of March is
    // in it, the first of April is not.
    let first = o.online(vn(2025, 3, 1, 0, 0), "Nộp lúc nửa đêm").await;
    o.online(vn(2025, 4, 1, 0, 0), "Hồ sơ tháng Tư").await;

    let march = BookPeriod {
        year: 2025,
        month: Some(3),
    };
    let book = logbook::logbook(&svc, &o.reception, o.commune.id, march, Utc::now())
        .await
        .unwrap();
    assert_eq!(book.form_label, "Mẫu số 06 — Thông tư 01/2018/TT-VPCP");
    assert!(book.landscape);
    let (columns, rows) = book.table().unwrap();
    assert_eq!(columns.len(), 14);
    let codes: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        codes,
        vec![
            first.code.as_str(),
            done.code.as_str(),
            refused.code.as_str()
        ]
    );
    assert_eq!(rows[1][0], "2");
    assert_eq!(rows[1][7], "09:00 04/03/2025");
    assert_eq!(rows[1][13], "Giải quyết trước hạn");
    assert_eq!(rows[2][13], "Từ chối tiếp nhận");
    assert_eq!(book.place_and_date, "Đồng Tháp, ngày 31 tháng 03 năm 2025");
    let pdf = typeset(&svc, &book).await;
    assert_faithful(&book, &pdf);

    let xlsx = svc.renderer.xlsx(&book).unwrap();
    assert!(xlsx.starts_with(b"PK"));

    // The whole year holds April's too; another commune's official sees
    // none of it.
    let year = BookPeriod {
        year: 2025,
        month: None,
    };
    let book = logbook::logbook(&svc, &o.reception, o.commune.id, year, Utc::now())
        .await
        .unwrap();
    assert_eq!(book.table().unwrap().1.len(), 4);
    // Its agency administrator does not handle dossiers: no book.
    let admin = super::office::official(
        &svc,
        &o.commune,
        "quantri@caolanh.example.vn",
        &[motcua_domain::lifecycle::Role::AgencyAdmin],
    )
    .await;
    assert!(matches!(
        logbook::logbook(&svc, &admin, o.commune.id, march, Utc::now()).await,
        Err(AppError::NotFound("agency"))
    ));
    // Before the first circular there is no form to keep it in.
    let early = BookPeriod {
        year: 2018,
        month: None,
    };
    assert!(matches!(
        logbook::logbook(&svc, &o.reception, o.commune.id, early, Utc::now()).await,
        Err(AppError::Invalid(p)) if p[0].field == "nam"
    ));
    assert!(matches!(
        logbook::logbook(&svc, &o.other_specialist, o.commune.id, march, Utc::now()).await,
        Err(AppError::NotFound("agency"))
    ));
}
