//! The public statistics: the dashboard with its chart and table, the
//! drill-down, the open data, wrong periods and agencies told plainly, and
//! the review for the officials who administer.

use chrono::{Days, Utc};
use motcua_app::generate::{self, Plan};
use motcua_app::statistics;
use motcua_domain::calendar;
use motcua_domain::statistics::{Column, CutOff, PeriodKind, PeriodSpec};

use super::{Browser, Portal, portal};

/// The demo province with a generated year of dossiers.
async fn with_record() -> Portal {
    let portal = portal().await;
    let today = calendar::to_local(Utc::now()).date();
    let plan = Plan {
        dossiers: 300,
        from: today.checked_sub_days(Days::new(300)).unwrap(),
        to: today,
        seed: 3,
    };
    generate::run(&portal.services, &plan, Utc::now(), &mut |_| {})
        .await
        .unwrap();
    portal
}

/// The last whole quarter (ND 09 cut-off), and its figures.
async fn last_quarter(portal: &Portal) -> (PeriodSpec, statistics::Statistics) {
    let today = calendar::to_local(Utc::now()).date();
    let spec = PeriodSpec::containing(today, CutOff::ND09, PeriodKind::Quarter).previous();
    let stats = statistics::compute(&portal.services, spec, CutOff::ND09, Utc::now())
        .await
        .unwrap();
    (spec, stats)
}

#[tokio::test]
async fn the_dashboard_shows_each_agency_with_a_chart_and_the_same_numbers_in_a_table() {
    let portal = with_record().await;
    let (spec, stats) = last_quarter(&portal).await;
    let total = stats.total(None);
    assert!(total.get(Column::Received) > 0);
    let mut browser = Browser::new(&portal);
    let reply = browser.get(&format!("/thong-ke?ky={spec}")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = &reply.body;
    assert!(body.contains("<svg"), "a chart");
    assert!(body.contains("aria-labelledby=\"bieu-do-title bieu-do-desc\""));
    assert!(body.contains("id=\"bang-so-lieu\""));
    // The dossiers are under ND 118: its criteria, with what is not
    // recorded said so.
    assert!(body.contains("Đánh giá theo quy định"));
    assert!(body.contains("CKMB"));
    assert!(body.contains("Chưa đo được"));
    // The total row carries the province's eleven figures in order.
    let cells: String = total
        .columns
        .iter()
        .map(|v| format!("<td class=\"n\">{v}</td>"))
        .collect::<Vec<_>>()
        .join("\n        ");
    assert!(body.contains(&cells), "{cells}\n{body}");
    let agencies = stats.agencies(&portal.services).await.unwrap();
    let first = &agencies[0];
    assert!(body.contains(&first.agency.name));
    // Down to the agency: its procedures, and its total.
    let href = format!(
        "/thong-ke?ky={spec}&co-quan={}",
        first.agency.identifier.as_str()
    );
    assert!(body.contains(&href.replace('&', "&#38;")), "{href}\n{body}");
    let agency = browser.get(&href).await;
    assert_eq!(agency.status, 200);
    for p in stats.procedures(first.agency.id) {
        assert!(
            agency.body.contains(&format!("/thu-tuc/{}", p.code)),
            "{}",
            p.code
        );
    }
    let received = first.figures.get(Column::Received);
    assert!(
        agency
            .body
            .contains(&format!("<td class=\"n\">{received}</td>"))
    );
    // In English too.
    browser.cookies.insert("lang".into(), "en".into());
    let english = browser.get(&format!("/thong-ke?ky={spec}")).await;
    assert_eq!(english.status, 200);
    assert!(
        english
            .body
            .contains("Dossiers resolved: early, on time, late")
    );
}

#[tokio::test]
async fn open_data_carry_the_dashboards_figures() {
    let portal = with_record().await;
    let (spec, stats) = last_quarter(&portal).await;
    let mut browser = Browser::new(&portal);
    let json = browser
        .get(&format!("/thong-ke/du-lieu.json?ky={spec}"))
        .await;
    assert_eq!(json.status, 200);
    assert!(json.header("content-type").starts_with("application/json"));
    let value = json.json();
    assert_eq!(value["period"]["period"], spec.to_string());
    for column in Column::ALL {
        let name = motcua_app::statistics::open_data::column_name(column);
        assert_eq!(
            value["province"][name],
            stats.total(None).get(column),
            "{name}"
        );
    }
    let csv = browser
        .get(&format!("/thong-ke/du-lieu.csv?ky={spec}"))
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").starts_with("text/csv"));
    assert!(
        csv.header("content-disposition")
            .contains(&format!("thong-ke-{spec}.csv"))
    );
    let province = csv.body.lines().nth(1).unwrap();
    assert!(province.contains(",province,"), "{province}");
}

#[tokio::test]
async fn a_wrong_period_or_agency_is_told_plainly() {
    let portal = portal().await;
    let mut browser = Browser::new(&portal);
    let bad = browser.get("/thong-ke?ky=2025-H3").await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains("không phải là kỳ báo cáo"),
        "{}",
        bad.body
    );
    browser.cookies.insert("lang".into(), "en".into());
    let english = browser.get("/thong-ke?ky=2025-H3").await;
    browser.cookies.remove("lang");
    assert!(
        english.body.contains("is not a reporting period"),
        "{}",
        english.body
    );
    let future = browser.get("/thong-ke?ky=2999").await;
    assert_eq!(future.status, 422);
    assert!(future.body.contains("chưa có ngày nào kết thúc"));
    // Ranges of days are for officials, and at most a year.
    let days = browser.get("/thong-ke?ky=2026-01-01..2026-01-31").await;
    assert_eq!(days.status, 422);
    let cheeky = browser
        .get("/thong-ke/du-lieu.csv?ky=2026-01-01..2026-01-02")
        .await;
    assert_eq!(cheeky.status, 422);
    browser.sign_in("tiepnhan@demo.motcua.vn").await;
    let month = browser.get("/thong-ke?ky=01/01/2026..31/01/2026").await;
    assert_eq!(month.status, 200, "{}", month.body);
    assert!(
        month
            .body
            .contains("Từ ngày 01/01/2026 đến ngày 31/01/2026.")
    );
    let long = browser.get("/thong-ke?ky=2024-01-01..2026-01-31").await;
    assert_eq!(long.status, 422);
    let unknown = browser.get("/thong-ke?co-quan=KHONG.CO").await;
    assert_eq!(unknown.status, 404);
    // A period before the modelled law is shown with a note.
    let early = browser.get("/thong-ke?ky=2017").await;
    assert_eq!(early.status, 200);
    assert!(
        early.body.contains("ngày sớm nhất hệ thống áp dụng"),
        "{}",
        early.body
    );
}

#[tokio::test]
async fn the_review_is_for_officials() {
    let portal = with_record().await;
    let (spec, _) = last_quarter(&portal).await;
    let path = format!("/can-bo/bao-cao-thong-ke?ky={spec}");
    let mut anonymous = Browser::new(&portal);
    let reply = anonymous.get(&path).await;
    assert!(
        reply.status == 303 || reply.status == 401,
        "{}",
        reply.status
    );
    let mut citizen = Browser::new(&portal);
    citizen.sign_in("an@demo.motcua.vn").await;
    assert_eq!(citizen.get(&path).await.status, 403);
    let mut officer = Browser::new(&portal);
    officer.sign_in("tiepnhan@demo.motcua.vn").await;
    assert_eq!(officer.get(&path).await.status, 200);
    let mut admin = Browser::new(&portal);
    admin.sign_in("quantri@demo.motcua.vn").await;
    let html = admin.get(&path).await;
    assert_eq!(html.status, 200, "{}", html.body);
    assert!(html.body.contains("Biểu số II.06a/VPCP/KSTT"));
    assert!(html.body.contains("ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP"));
    assert!(html.body.contains("Đồng Tháp, ngày"));
    assert!(html.body.contains("I. Theo lĩnh vực"));
    assert!(
        !html.body.contains("<style>"),
        "the page keeps to the site's CSP"
    );
    // This test server has no drawing engine: said so, not a broken file.
    let xlsx = admin.get(&format!("{path}&dinh-dang=xlsx")).await;
    assert_eq!(xlsx.status, 503);
    let odd = admin.get(&format!("{path}&dinh-dang=doc")).await;
    assert_eq!(odd.status, 400);
    // Officials see the link on the dashboard; citizens do not.
    assert!(
        admin
            .get(&format!("/thong-ke?ky={spec}"))
            .await
            .body
            .contains("/can-bo/bao-cao-thong-ke")
    );
    assert!(
        !anonymous
            .get(&format!("/thong-ke?ky={spec}"))
            .await
            .body
            .contains("/can-bo/bao-cao-thong-ke")
    );
}
