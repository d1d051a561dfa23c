//! The statistics on generated data: every column counted on its own still
//! satisfies the form's identities, a period carries over what the one
//! before left open, SQLite and PostgreSQL give identical figures, and the
//! review's workbook reads back with the page's numbers.

use std::sync::Arc;

use calamine::{Data, DataType, Reader, Xlsx};
use chrono::{NaiveDate, TimeZone, Utc};
use motcua_app::generate::{self, Plan};
use motcua_app::statistics::{self, Statistics, open_data};
use motcua_app::{Services, Settings, demo};
use motcua_blobs::LocalBlobStore;
use motcua_domain::statistics::{Column, CutOff, Figures, PeriodSpec};
use motcua_store::Store;
use sqlx::{Connection, PgConnection};

use super::sqlite;

fn services(store: Arc<dyn Store>, blobs: &std::path::Path) -> Services {
    Services {
        memo: Default::default(),
        store,
        blobs: Arc::new(LocalBlobStore::open(blobs).unwrap()),
        settings: Settings {
            public_url: "https://dichvucong.example.vn".into(),
            province_name: demo::PROVINCE_NAME.into(),
        },
        renderer: Arc::new(motcua_reports::Reports::new()),
        payments: Arc::new(motcua_app::payments::VnPay::sandbox(
            "https://dichvucong.example.vn",
        )),
    }
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 3, 0, 0).unwrap()
}

/// The demo province with a generated record of `count` dossiers.
async fn generated(svc: &Services, count: u64) {
    // The official calendar, as `motcua` seeds it: processing times are
    // counted on it.
    let breaks = motcua_domain::calendar::schedule::bundled().unwrap();
    svc.store.seed_holidays(&breaks).await.unwrap();
    demo::load(svc, now()).await.unwrap();
    let plan = Plan {
        dossiers: count,
        from: NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        seed: 9,
    };
    generate::run(svc, &plan, now(), &mut |_| {}).await.unwrap();
}

fn identities_hold(f: &Figures, what: &str) {
    let c = |col| f.get(col);
    use Column::*;
    assert_eq!(
        c(Received),
        c(ReceivedOnline) + c(ReceivedInPerson) + c(CarriedOver),
        "3 = 4+5+6 {what}"
    );
    assert_eq!(
        c(Resolved),
        c(Early) + c(OnTime) + c(Late),
        "7 = 8+9+10 {what}"
    );
    assert_eq!(c(Pending), c(WithinLimit) + c(Overdue), "11 = 12+13 {what}");
    assert_eq!(c(Received), c(Resolved) + c(Pending), "3 = 7+11 {what}");
    assert_eq!(f.new, c(ReceivedOnline) + c(ReceivedInPerson), "new {what}");
}

fn periods() -> Vec<PeriodSpec> {
    let mut out: Vec<PeriodSpec> = (8..=12)
        .map(|month| PeriodSpec::Month { year: 2025, month })
        .chain((1..=11).map(|month| PeriodSpec::Month { year: 2026, month }))
        .collect();
    out.extend([
        PeriodSpec::Quarter {
            year: 2026,
            quarter: 1,
        },
        PeriodSpec::Quarter {
            year: 2026,
            quarter: 2,
        },
        PeriodSpec::Half {
            year: 2026,
            half: 1,
        },
        PeriodSpec::Half {
            year: 2026,
            half: 2,
        },
        PeriodSpec::Year { year: 2026 },
    ]);
    out
}

/// Each of `stats` (read from the kept sums) is what counting the record
/// gives, cell by cell.
async fn same_as_the_record(svc: &Services, stats: &[Statistics], cut_off: CutOff) {
    for s in stats {
        let counted = statistics::compute_from_record(svc, s.spec, cut_off, now())
            .await
            .unwrap();
        assert_eq!(*s, counted, "{} kept and counted", s.spec);
    }
}

async fn all(svc: &Services, cut_off: CutOff) -> Vec<Statistics> {
    let mut out = Vec::new();
    for spec in periods() {
        out.push(
            statistics::compute(svc, spec, cut_off, now())
                .await
                .unwrap(),
        );
    }
    out
}

#[tokio::test]
async fn generated_figures_satisfy_the_forms_identities_and_carry_over() {
    let db = sqlite().await;
    let blobs = tempfile::tempdir().unwrap();
    let svc = services(Arc::clone(&db.store), blobs.path());
    generated(&svc, 1_500).await;

    for cut_off in [CutOff::ND09, CutOff::CALENDAR] {
        let stats = all(&svc, cut_off).await;
        let mut busy = 0;
        for s in &stats {
            let total = s.total(None);
            identities_hold(&total, &format!("{} province", s.spec));
            for cell in &s.cells {
                identities_hold(&cell.figures, &format!("{} {}", s.spec, cell.procedure));
            }
            // The levels add up the same dossiers.
            let mut by_field = Figures::default();
            for (_, f) in s.fields(None) {
                by_field.merge(&f);
            }
            assert_eq!(by_field, total, "{}", s.spec);
            let mut by_agency = Figures::default();
            for row in s.agencies(&svc).await.unwrap() {
                by_agency.merge(&row.figures);
            }
            assert_eq!(by_agency, total, "{}", s.spec);
            if total.get(Column::Received) > 50
                && total.get(Column::Overdue) + total.get(Column::Late) > 0
            {
                busy += 1;
            }
        }
        // The record is rich enough for the checks to mean something.
        assert!(busy >= 10, "only {busy} busy periods");
        let carried: u64 = stats
            .iter()
            .map(|s| s.total(None).get(Column::CarriedOver))
            .sum();
        assert!(carried > 20, "carried {carried}");
        // The kept sums give what counting every dossier gives.
        same_as_the_record(&svc, &stats, cut_off).await;
        // Each month carries over what the month before left open: its
        // pending and those awaiting a supplement (counted in column 9).
        for pair in stats.windows(2) {
            let (before, after) = (&pair[0], &pair[1]);
            if after.spec.previous() != before.spec {
                continue;
            }
            let b = before.total(None);
            assert_eq!(
                after.total(None).get(Column::CarriedOver),
                b.get(Column::Pending) + b.awaiting_supplement,
                "{} after {}",
                after.spec,
                before.spec
            );
        }
    }
    // The half carries over what the quarter ending the day before left
    // open (same end under any cut-off).
    let h2 = statistics::compute(
        &svc,
        PeriodSpec::Half {
            year: 2026,
            half: 2,
        },
        CutOff::ND09,
        now(),
    )
    .await
    .unwrap();
    let q2 = statistics::compute(
        &svc,
        PeriodSpec::Quarter {
            year: 2026,
            quarter: 2,
        },
        CutOff::ND09,
        now(),
    )
    .await
    .unwrap();
    let q2 = q2.total(None);
    assert_eq!(
        h2.total(None).get(Column::CarriedOver),
        q2.get(Column::Pending) + q2.awaiting_supplement
    );
}

#[tokio::test]
async fn the_review_workbook_reads_back_with_the_figures() {
    let db = sqlite().await;
    let blobs = tempfile::tempdir().unwrap();
    let svc = services(Arc::clone(&db.store), blobs.path());
    generated(&svc, 400).await;
    let stats = statistics::compute(
        &svc,
        PeriodSpec::Half {
            year: 2026,
            half: 1,
        },
        CutOff::ND09,
        now(),
    )
    .await
    .unwrap();
    let review = statistics::review::build(&svc, &stats, now())
        .await
        .unwrap();
    assert_eq!(
        review.period_label,
        "Kỳ báo cáo: 6 tháng đầu năm 2026 (từ ngày 15/12/2025 đến ngày 14/06/2026)"
    );
    let bytes = svc.renderer.review_xlsx(&review).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let fields = stats.fields(None);
    let sheet = book.worksheet_range("Biểu 1").unwrap();
    // Find each field's row by its label and compare the eleven counts.
    let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    let find = |label: &str| {
        rows.iter()
            .find(|r| {
                r.get(1)
                    .is_some_and(|c| c.as_string().as_deref() == Some(label))
            })
            .unwrap_or_else(|| panic!("no row {label}"))
            .clone()
    };
    let mut expected: Vec<(String, Figures)> = fields
        .iter()
        .map(|(field, f)| {
            (
                if field.is_empty() {
                    "Khác".to_owned()
                } else {
                    field.clone()
                },
                *f,
            )
        })
        .collect();
    expected.push(("Tổng cộng".to_owned(), stats.total(None)));
    assert!(expected.len() > 2, "{expected:?}");
    for (label, figures) in &expected {
        let row = find(label);
        for col in Column::ALL {
            let cell = &row[col.index() + 2];
            assert_eq!(
                cell,
                &Data::Float(figures.get(col) as f64),
                "{label} column {}",
                col.number()
            );
        }
    }
    let agencies = book.worksheet_range("Biểu 2").unwrap();
    let total_row = agencies
        .rows()
        .find(|r| {
            r.get(1)
                .is_some_and(|c| c.as_string().as_deref() == Some("Tổng cộng"))
        })
        .unwrap();
    assert_eq!(
        total_row[2],
        Data::Float(stats.total(None).get(Column::Received) as f64)
    );
    // The open data carry the same figures.
    let json = open_data::json(&svc, &stats).await.unwrap();
    assert_eq!(
        json["province"]["received"],
        stats.total(None).get(Column::Received)
    );
    let csv = String::from_utf8(open_data::csv(&svc, &stats).await.unwrap()).unwrap();
    assert!(csv.starts_with("period,first_day,last_day,counted_until,level,"));
    assert_eq!(
        csv.lines().filter(|l| l.contains(",agency,")).count(),
        stats.agencies(&svc).await.unwrap().len()
    );
}

/// A fresh PostgreSQL database on `MOTCUA_TEST_POSTGRES_URL`, or `None`.
async fn postgres() -> Option<(String, String)> {
    let base = std::env::var("MOTCUA_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())?;
    let name = format!("motcua_test_{}", uuid::Uuid::now_v7().simple());
    let mut admin = PgConnection::connect(&base).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut admin)
        .await
        .unwrap();
    admin.close().await.ok();
    let mut url = url::Url::parse(&base).unwrap();
    url.set_path(&format!("/{name}"));
    Some((base, url.to_string()))
}

/// Each cell under its agency's identifier, in a stable order.
async fn named(svc: &Services, stats: &Statistics) -> Vec<(String, String, String, Figures)> {
    let mut out = Vec::new();
    for c in &stats.cells {
        let agency = svc.store.agency(c.agency).await.unwrap().unwrap();
        out.push((
            agency.identifier.to_string(),
            c.procedure.clone(),
            c.field.clone(),
            c.figures,
        ));
    }
    out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    out
}

#[tokio::test]
async fn sqlite_and_postgres_give_identical_figures() {
    let Some((base, url)) = postgres().await else {
        eprintln!("skipped: set MOTCUA_TEST_POSTGRES_URL to compare with PostgreSQL");
        return;
    };
    let lite = sqlite().await;
    let blobs = tempfile::tempdir().unwrap();
    let a = services(Arc::clone(&lite.store), blobs.path());
    let pg: Arc<dyn Store> = Arc::new(motcua_store_postgres::PgStore::connect(&url).await.unwrap());
    let b = services(Arc::clone(&pg), blobs.path());
    generated(&a, 600).await;
    generated(&b, 600).await;
    for spec in [
        PeriodSpec::Quarter {
            year: 2025,
            quarter: 4,
        },
        PeriodSpec::Half {
            year: 2026,
            half: 1,
        },
        PeriodSpec::Month {
            year: 2026,
            month: 9,
        },
    ] {
        let x = statistics::compute(&a, spec, CutOff::ND09, now())
            .await
            .unwrap();
        let y = statistics::compute(&b, spec, CutOff::ND09, now())
            .await
            .unwrap();
        assert!(!x.cells.is_empty());
        // Each engine's kept sums are its record counted.
        same_as_the_record(&b, std::slice::from_ref(&y), CutOff::ND09).await;
        // The agencies' ids are the demo's, made afresh on each engine:
        // compare by their identifiers.
        assert_eq!(named(&a, &x).await, named(&b, &y).await, "{spec}");
        assert_eq!(
            (x.first, x.last, x.before_law),
            (y.first, y.last, y.before_law)
        );
    }
    pg.close().await;
    let name = url.rsplit('/').next().unwrap().to_owned();
    let mut admin = PgConnection::connect(&base).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .ok();
}

/// The dossiers counted from 1 January of `year` that are decided and not
/// rated.
async fn decided_unrated(store: &dyn Store, year: i32) -> Vec<motcua_store::CountedDossier> {
    use motcua_store::{Page, Span};
    let span = Span {
        from: Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0).unwrap(),
        to: now(),
    };
    store
        .counted_dossiers(span, Page::first(1000))
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.record.state.clock.decided_at.is_some() && c.rating.is_none())
        .collect()
}

/// `user`'s rating of `counted`, `overall` on every count.
fn rating(
    counted: &motcua_store::CountedDossier,
    user: &motcua_store::User,
    overall: motcua_store::Satisfaction,
) -> motcua_store::Rating {
    motcua_store::Rating {
        dossier: counted.record.id,
        user: user.id,
        overall,
        convenience: overall,
        timeliness: overall,
        attitude: overall,
        comment: None,
        rated_at: now(),
    }
}

#[tokio::test]
async fn the_kept_sums_follow_what_changes_after_they_were_counted() {
    use chrono::NaiveTime;
    use motcua_domain::calendar::{OfficeHours, Session};
    use motcua_store::Satisfaction;

    let db = sqlite().await;
    let blobs = tempfile::tempdir().unwrap();
    let svc = services(Arc::clone(&db.store), blobs.path());
    generated(&svc, 400).await;
    let before = all(&svc, CutOff::ND09).await;
    let store = &svc.store;

    // Dossiers decided in 2026, from the record.
    let decided = decided_unrated(store.as_ref(), 2026).await;
    assert!(decided.len() > 10);

    // A shorter holiday schedule for 2026: every processing time counted
    // across the break it lost changes.
    let breaks: Vec<_> = store
        .holiday_breaks()
        .await
        .unwrap()
        .into_iter()
        .filter(|b| b.holiday_year == 2026)
        .collect();
    store
        .replace_holiday_year(2026, &breaks[1..])
        .await
        .unwrap();
    let shorter_holidays = all(&svc, CutOff::ND09).await;
    assert!(
        before != shorter_holidays,
        "a shorter holiday schedule changes processing times"
    );
    same_as_the_record(&svc, &shorter_holidays, CutOff::ND09).await;
    // A receiving unit's office hours: its dossiers' processing times.
    let mut unit = store
        .agency(decided[0].record.receiving_unit)
        .await
        .unwrap()
        .unwrap();
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    unit.office_hours = OfficeHours::new(vec![Session {
        start: t(7, 0),
        end: t(15, 0),
    }])
    .unwrap();
    store.update_agency(&unit).await.unwrap();
    let longer_days = all(&svc, CutOff::ND09).await;
    assert!(
        shorter_holidays != longer_days,
        "longer office days change processing times"
    );
    same_as_the_record(&svc, &longer_days, CutOff::ND09).await;
    // Ratings, recorded beside the dossiers.
    let rater = super::citizen(store.as_ref(), "Trần Thị Bé", "be@example.vn").await;
    for (i, c) in decided.iter().take(8).enumerate() {
        let overall = if i % 2 == 0 {
            Satisfaction::VerySatisfied
        } else {
            Satisfaction::NotYetSatisfied
        };
        store
            .rate_dossier(&rating(c, &rater, overall))
            .await
            .unwrap();
    }

    let rated = all(&svc, CutOff::ND09).await;
    assert!(
        longer_days != rated,
        "ratings change the satisfaction figures"
    );
    same_as_the_record(&svc, &rated, CutOff::ND09).await;
}

#[tokio::test]
async fn a_page_reads_the_kept_sums_as_they_are_while_a_long_recount_waits() {
    use motcua_app::statistics::kept::{self, Behind};
    use motcua_store::Satisfaction;

    let db = sqlite().await;
    let blobs = tempfile::tempdir().unwrap();
    let svc = services(Arc::clone(&db.store), blobs.path());
    generated(&svc, 200).await;
    let store = &svc.store;

    // Nothing is counted yet: every dossier is to be counted, more than a
    // page may wait for.
    assert_eq!(
        kept::catch_up_within(&svc, 150).await.unwrap(),
        Some(Behind::Everything)
    );
    assert_eq!(
        store.statistics_basis().await.unwrap(),
        None,
        "nothing done"
    );
    // Within what it may wait for, it counts them all.
    assert_eq!(kept::catch_up_within(&svc, 200).await.unwrap(), None);
    assert_eq!(store.recount_backlog().await.unwrap(), 0);
    let spec: PeriodSpec = "2026-Q1".parse().unwrap();
    let counted = statistics::compute_promptly(&svc, spec, CutOff::ND09, now())
        .await
        .unwrap();
    assert_eq!(counted.behind, None);
    same_as_the_record(&svc, std::slice::from_ref(&counted), CutOff::ND09).await;

    // Eight ratings mark eight dossiers.
    let decided: Vec<_> = decided_unrated(store.as_ref(), 2025)
        .await
        .into_iter()
        .take(8)
        .collect();
    assert_eq!(decided.len(), 8);
    let rater = super::citizen(store.as_ref(), "Lê Văn Tám", "tam@example.vn").await;
    for c in &decided {
        store
            .rate_dossier(&rating(c, &rater, Satisfaction::VerySatisfied))
            .await
            .unwrap();
    }
    assert_eq!(
        kept::catch_up_within(&svc, 7).await.unwrap(),
        Some(Behind::MoreThan(7))
    );
    assert_eq!(store.recount_backlog().await.unwrap(), 8, "left for later");
    assert_eq!(kept::catch_up_within(&svc, 8).await.unwrap(), None);
    assert_eq!(store.recount_backlog().await.unwrap(), 0);
}
