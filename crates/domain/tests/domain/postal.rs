//! Public-post legs: TT 17/2017 Art. 7 classes and their J + n in working
//! days, the route rule between real communes, the tariff, the estimate, and
//! data files that must be refused.

use std::sync::LazyLock;

use chrono::{NaiveDate, NaiveDateTime};
use motcua_domain::address::{CommuneCode, ProvinceCode, ProvinceKind, Units};
use motcua_domain::calendar::{OfficeHours, Period, Verification, WorkCalendar};
use motcua_domain::message::Message;
use motcua_domain::postal::{
    self, Estimate, EstimateRequest, PostalError, Route, RouteClass, RouteRules, RuleCondition,
    SpecialAreaTime, Tariff, Vnd,
};

static CALENDAR: LazyLock<WorkCalendar> = LazyLock::new(|| WorkCalendar::bundled().unwrap());

fn units() -> &'static Units {
    Units::bundled().unwrap()
}

fn rules() -> &'static RouteRules {
    RouteRules::bundled().unwrap()
}

fn tariff() -> &'static Tariff {
    Tariff::bundled().unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn at(y: i32, m: u32, day: u32, h: u32, min: u32) -> NaiveDateTime {
    d(y, m, day).and_hms_opt(h, min, 0).unwrap()
}

fn c(code: &str) -> CommuneCode {
    code.parse().unwrap()
}

fn class(from: &str, to: &str) -> RouteClass {
    rules()
        .route_between(units(), c(from), c(to))
        .unwrap()
        .class
}

// Real communes (data/addresses/communes.csv).
const CAO_LANH: &str = "29869"; // Phường Cao Lãnh, Đồng Tháp
const MY_THO: &str = "28261"; // Phường Mỹ Tho, Đồng Tháp (formerly Tiền Giang)
const BA_DINH: &str = "00004"; // Phường Ba Đình, Hà Nội
const SOC_SON: &str = "00376"; // Xã Sóc Sơn, Hà Nội (rural)
const SAI_GON: &str = "26740"; // Phường Sài Gòn, TP. Hồ Chí Minh
const HAI_CHAU: &str = "20242"; // Phường Hải Châu, Đà Nẵng
const NINH_KIEU: &str = "31135"; // Phường Ninh Kiều, Cần Thơ
const NHA_TRANG: &str = "22366"; // Phường Nha Trang, Khánh Hòa

#[test]
fn every_class_has_the_j_plus_n_of_tt17_article_7() {
    // TT 17/2017 Art. 7(2)(đ)–(e): plain, and until the citizen has the
    // appointment slip (7(2)(b)).
    let table = [
        (RouteClass::WithinDistrict, 1, 2),
        (RouteClass::BetweenDistricts, 2, 4),
        (RouteClass::BetweenMajorUrbanAreas, 3, 6),
        (RouteClass::InterProvince, 4, 8),
    ];
    assert_eq!(table.map(|t| t.0), RouteClass::ALL);
    for (class, plain, slip) in table {
        assert_eq!(postal::delivery_days(class, false), plain, "{class}");
        assert_eq!(postal::delivery_days(class, true), slip, "{class}");
        assert_eq!(class.days(), plain);
        assert_eq!(class.days_with_appointment_slip(), slip);
        assert_eq!(Route::of_class(class).days(false), plain);
        assert_eq!(Route::of_class(class).days(true), slip);
    }
}

#[test]
fn j_plus_n_counts_working_days_across_a_weekend() {
    let cal = &*CALENDAR;
    // J = Friday 07/03/2025.
    let j = d(2025, 3, 7);
    let due = |class, slip| postal::delivery_due(cal, j, class, slip).unwrap();
    assert_eq!(due(RouteClass::WithinDistrict, false), d(2025, 3, 10)); // Mon
    assert_eq!(due(RouteClass::WithinDistrict, true), d(2025, 3, 11));
    assert_eq!(due(RouteClass::BetweenDistricts, false), d(2025, 3, 11));
    assert_eq!(due(RouteClass::BetweenDistricts, true), d(2025, 3, 13));
    assert_eq!(
        due(RouteClass::BetweenMajorUrbanAreas, false),
        d(2025, 3, 12)
    );
    assert_eq!(
        due(RouteClass::BetweenMajorUrbanAreas, true),
        d(2025, 3, 17)
    );
    assert_eq!(due(RouteClass::InterProvince, false), d(2025, 3, 13));
    assert_eq!(due(RouteClass::InterProvince, true), d(2025, 3, 19));
    // J on a Saturday (the post collects on Saturdays): Monday is J + 1.
    let saturday = d(2025, 3, 8);
    assert_eq!(
        postal::delivery_due(cal, saturday, RouteClass::WithinDistrict, false).unwrap(),
        d(2025, 3, 10)
    );
}

#[test]
fn j_plus_n_skips_tet() {
    let cal = &*CALENDAR;
    // Tết 2026: days off Sat 14/02 to Sun 22/02 (data/holidays/2026.toml).
    let j = d(2026, 2, 13); // Friday before the break
    let due = |class, slip| postal::delivery_due(cal, j, class, slip).unwrap();
    assert_eq!(due(RouteClass::WithinDistrict, false), d(2026, 2, 23));
    assert_eq!(due(RouteClass::BetweenDistricts, false), d(2026, 2, 24));
    assert_eq!(due(RouteClass::InterProvince, false), d(2026, 2, 26));
    assert_eq!(due(RouteClass::InterProvince, true), d(2026, 3, 4));
    // J inside the break.
    assert_eq!(
        postal::delivery_due(cal, d(2026, 2, 17), RouteClass::WithinDistrict, false).unwrap(),
        d(2026, 2, 23)
    );
}

#[test]
fn the_route_rule_on_real_communes() {
    // Same commune: "within a district".
    assert_eq!(class(CAO_LANH, CAO_LANH), RouteClass::WithinDistrict);
    // Same province (Đồng Tháp, with former Tiền Giang): "between districts".
    assert_eq!(class(CAO_LANH, MY_THO), RouteClass::BetweenDistricts);
    assert_eq!(class(BA_DINH, SOC_SON), RouteClass::BetweenDistricts);
    // Two centrally-run cities: J + 3, rural communes of Hà Nội included.
    assert_eq!(class(BA_DINH, SAI_GON), RouteClass::BetweenMajorUrbanAreas);
    assert_eq!(
        class(SOC_SON, NINH_KIEU),
        RouteClass::BetweenMajorUrbanAreas
    );
    assert_eq!(class(HAI_CHAU, SAI_GON), RouteClass::BetweenMajorUrbanAreas);
    // A province and a city, or two provinces: J + 4.
    assert_eq!(class(CAO_LANH, SAI_GON), RouteClass::InterProvince);
    assert_eq!(class(CAO_LANH, NHA_TRANG), RouteClass::InterProvince);
    // Direction does not matter.
    for (a, b) in [
        (CAO_LANH, MY_THO),
        (BA_DINH, SAI_GON),
        (CAO_LANH, NHA_TRANG),
    ] {
        assert_eq!(class(a, b), class(b, a));
    }
    // No special area is listed, so the class's time applies.
    let route = rules()
        .route_between(units(), c(CAO_LANH), c(SAI_GON))
        .unwrap();
    assert_eq!(route, Route::of_class(RouteClass::InterProvince));
    assert_eq!(route.days(false), 4);
}

#[test]
fn an_unknown_commune_is_refused() {
    assert_eq!(
        rules().route_between(units(), c("99999"), c(CAO_LANH)),
        Err(PostalError::UnknownCommune { code: c("99999") })
    );
    assert_eq!(
        rules().route_between(units(), c(CAO_LANH), c("00001")),
        Err(PostalError::UnknownCommune { code: c("00001") })
    );
}

#[test]
fn the_shipped_rule_is_marked_as_our_interpretation() {
    let r = rules();
    assert_eq!(r.status(), Verification::Unverified);
    assert!(r.basis().contains("TT 17/2017"));
    let order: Vec<_> = r
        .rules()
        .iter()
        .map(|rule| (rule.when, rule.class))
        .collect();
    assert_eq!(
        order,
        [
            (RuleCondition::SameCommune, RouteClass::WithinDistrict),
            (RuleCondition::SameProvince, RouteClass::BetweenDistricts),
            (
                RuleCondition::BothMajorUrban,
                RouteClass::BetweenMajorUrbanAreas
            ),
            (RuleCondition::Always, RouteClass::InterProvince),
        ]
    );
}

#[test]
fn the_major_urban_areas_are_the_centrally_run_cities_of_the_address_list() {
    let cities: Vec<ProvinceCode> = units()
        .provinces()
        .iter()
        .filter(|p| p.kind == ProvinceKind::City)
        .map(|p| p.code)
        .collect();
    let listed: Vec<ProvinceCode> = rules().major_provinces().iter().copied().collect();
    assert_eq!(listed, cities);
    // The six of 2025 are verified as cities; the three newer ones are not.
    let unverified: Vec<&str> = rules()
        .major_urban_areas()
        .iter()
        .filter(|a| a.status == Verification::Unverified)
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(
        unverified,
        [
            "Thành phố Quảng Ninh",
            "Thành phố Bắc Ninh",
            "Thành phố Đồng Nai"
        ]
    );
}

const RULES_HEAD: &str = "status = \"unverified\"\nbasis = \"TT 17/2017 Art. 7\"\n";
const RULES_BODY: &str = r#"
[[rule]]
when = "same-commune"
class = "within-district"

[[rule]]
when = "always"
class = "inter-province"
"#;

fn parse_rules(text: &str) -> Result<RouteRules, PostalError> {
    RouteRules::parse(text, units())
}

#[test]
fn a_special_area_replaces_the_class_time() {
    let text = format!(
        "{RULES_HEAD}{RULES_BODY}\n[[special-area]]\ncommune = \"{NHA_TRANG}\"\ndays = 6\ndays-with-slip = 12\nstatus = \"unverified\"\nsources = [\"test\"]\n"
    );
    let r = parse_rules(&text).unwrap();
    let route = r.route_between(units(), c(CAO_LANH), c(NHA_TRANG)).unwrap();
    assert_eq!(route.class, RouteClass::InterProvince);
    assert_eq!(
        route.special_area,
        Some(SpecialAreaTime {
            days: 6,
            days_with_slip: 12
        })
    );
    assert_eq!(route.days(false), 6);
    assert_eq!(route.days(true), 12);
    assert_eq!(
        route.due(&CALENDAR, d(2025, 3, 7), false).unwrap(),
        d(2025, 3, 17)
    );
    // Reordered rules are data too: here the same province is not special.
    let route = r.route_between(units(), c(CAO_LANH), c(MY_THO)).unwrap();
    assert_eq!(route, Route::of_class(RouteClass::InterProvince));
}

#[test]
fn a_broken_rules_file_is_refused() {
    let cases = [
        ("status = \"unverified\"\n".to_owned() + RULES_BODY, "basis"),
        (RULES_HEAD.to_owned(), "rule"),
        (
            format!("{RULES_HEAD}[[rule]]\nwhen = \"same-commune\"\nclass = \"within-district\"\n"),
            "last rule must be `always`",
        ),
        (
            format!(
                "{RULES_HEAD}{RULES_BODY}[[rule]]\nwhen = \"same-province\"\nclass = \"between-districts\"\n"
            ),
            "never reached",
        ),
        (
            format!(
                "{RULES_HEAD}[[rule]]\nwhen = \"always\"\nclass = \"inter-province\"\n[[rule]]\nwhen = \"always\"\nclass = \"within-district\"\n"
            ),
            "twice",
        ),
        (
            format!(
                "{RULES_HEAD}[[rule]]\nwhen = \"same-district\"\nclass = \"within-district\"\n"
            ),
            "unknown variant",
        ),
        (
            format!("{RULES_HEAD}[[rule]]\nwhen = \"always\"\nclass = \"express\"\n"),
            "unknown variant",
        ),
        (
            format!(
                "{RULES_HEAD}{RULES_BODY}[[major-urban-area]]\nname = \"x\"\nprovince = \"87\"\nstatus = \"verified\"\nsources = [\"x\"]\n"
            ),
            "unknown province 87",
        ),
        (
            format!(
                "{RULES_HEAD}{RULES_BODY}[[major-urban-area]]\nname = \"x\"\ncommunes = [\"99999\"]\nstatus = \"verified\"\nsources = [\"x\"]\n"
            ),
            "unknown commune 99999",
        ),
        (
            format!(
                "{RULES_HEAD}{RULES_BODY}[[major-urban-area]]\nname = \"x\"\nprovince = \"01\"\ncommunes = [\"{CAO_LANH}\"]\nstatus = \"verified\"\nsources = [\"x\"]\n"
            ),
            "either a province or communes",
        ),
        (
            format!(
                "{RULES_HEAD}{RULES_BODY}[[major-urban-area]]\nname = \"x\"\nprovince = \"01\"\nstatus = \"verified\"\nsources = []\n"
            ),
            "no sources",
        ),
        (
            format!(
                "{RULES_HEAD}{RULES_BODY}[[special-area]]\ncommune = \"{CAO_LANH}\"\ndays = 5\ndays-with-slip = 4\nstatus = \"verified\"\nsources = [\"x\"]\n"
            ),
            "days-with-slip",
        ),
        (
            format!(
                "{RULES_HEAD}{RULES_BODY}[[special-area]]\ncommune = \"2986\"\ndays = 5\ndays-with-slip = 10\nstatus = \"verified\"\nsources = [\"x\"]\n"
            ),
            "5-digit commune code",
        ),
        (
            format!("{RULES_HEAD}colour = \"red\"\n{RULES_BODY}"),
            "unknown field",
        ),
    ];
    for (text, expected) in cases {
        match parse_rules(&text) {
            Err(PostalError::Data { file, reason }) => {
                assert_eq!(file, "routes.toml");
                assert!(reason.contains(expected), "{reason} (expected {expected})");
            }
            other => panic!("expected {expected:?}, got {other:?}\n{text}"),
        }
    }
}

#[test]
fn the_tariff_prices_each_class_up_to_100_grams() {
    let t = tariff();
    assert_eq!(t.status(), Verification::Weak);
    assert!(t.source().contains("vnpost.vn"));
    assert!(t.scope().contains("Khánh Hòa"));
    let price = |class, grams| t.postage(class, grams).unwrap();
    assert_eq!(price(RouteClass::WithinDistrict, 0), Vnd(26_000));
    assert_eq!(price(RouteClass::WithinDistrict, 100), Vnd(26_000));
    assert_eq!(price(RouteClass::BetweenDistricts, 50), Vnd(30_000));
    assert_eq!(price(RouteClass::BetweenMajorUrbanAreas, 100), Vnd(31_500));
    assert_eq!(price(RouteClass::InterProvince, 1), Vnd(31_500));
    assert_eq!(
        postal::postage(RouteClass::InterProvince, 20, t).unwrap(),
        Vnd(31_500)
    );
    // No band above 100 g: no price rather than a guess.
    assert_eq!(
        t.postage(RouteClass::WithinDistrict, 101),
        Err(PostalError::NoPrice {
            class: RouteClass::WithinDistrict,
            grams: 101
        })
    );
    assert_eq!(t.fee_transfer(), Some(Vnd(8_000)));
    // A two-way service is the sum of its legs.
    let both: Vnd = [RouteClass::WithinDistrict, RouteClass::InterProvince]
        .into_iter()
        .map(|class| price(class, 100))
        .sum();
    assert_eq!(both, Vnd(57_500));
    assert_eq!(both.to_string(), "57.500 đ");
    assert_eq!(Vnd(0).to_string(), "0 đ");
    assert_eq!(Vnd(999).to_string(), "999 đ");
    assert_eq!(Vnd(1_234_567).to_string(), "1.234.567 đ");
}

#[test]
fn weight_bands_pick_the_lightest_that_holds() {
    let mut text = String::from(
        "status = \"unverified\"\ncurrency = \"VND\"\nsource = \"test\"\nscope = \"test\"\n",
    );
    for class in RouteClass::ALL {
        text += &format!("[[price]]\nclass = \"{class}\"\nup-to-grams = 100\nvnd = 20000\n");
    }
    text += "[[price]]\nclass = \"inter-province\"\nup-to-grams = 500\nvnd = 40000\n";
    let t = Tariff::parse(&text).unwrap();
    assert_eq!(t.fee_transfer(), None);
    assert_eq!(t.postage(RouteClass::InterProvince, 100), Ok(Vnd(20_000)));
    assert_eq!(t.postage(RouteClass::InterProvince, 101), Ok(Vnd(40_000)));
    assert_eq!(t.postage(RouteClass::InterProvince, 500), Ok(Vnd(40_000)));
    assert!(t.postage(RouteClass::InterProvince, 501).is_err());
    assert!(t.postage(RouteClass::WithinDistrict, 101).is_err());
}

#[test]
fn a_broken_tariff_is_refused() {
    let head = "status = \"weak\"\ncurrency = \"VND\"\nsource = \"s\"\nscope = \"s\"\n";
    let band = |class: &str, grams: u32, vnd: u64| {
        format!("[[price]]\nclass = \"{class}\"\nup-to-grams = {grams}\nvnd = {vnd}\n")
    };
    let all: String = RouteClass::ALL
        .iter()
        .map(|c| band(c.key(), 100, 1000))
        .collect();
    let cases = [
        (head.replace("VND", "USD") + &all, "currency"),
        (
            head.replace("source = \"s\"", "source = \" \"") + &all,
            "source",
        ),
        (
            head.to_owned() + &band("within-district", 100, 1000),
            "no price for between-districts",
        ),
        (
            head.to_owned() + &all + &band("inter-province", 50, 900),
            "go up in weight",
        ),
        (
            head.to_owned() + &band("within-district", 0, 1000) + &all,
            "above 0",
        ),
        (
            head.to_owned() + &band("within-district", 10, 0) + &all,
            "above 0",
        ),
        (
            head.to_owned() + &band("by-air", 10, 10) + &all,
            "unknown variant",
        ),
        (format!("{head}fee-transfer-vnd = 0\n{all}"), "fee-transfer"),
        (
            head.replace("status = \"weak\"", "status = \"maybe\"") + &all,
            "unknown variant",
        ),
    ];
    for (text, expected) in cases {
        match Tariff::parse(&text) {
            Err(PostalError::Data { file, reason }) => {
                assert_eq!(file, "tariff.toml");
                assert!(reason.contains(expected), "{reason} (expected {expected})");
            }
            other => panic!("expected {expected:?}, got {other:?}\n{text}"),
        }
    }
}

fn estimate(request: EstimateRequest) -> Estimate {
    postal::estimate(&CALENDAR, &OfficeHours::standard(), &request).unwrap()
}

#[test]
fn an_estimate_without_postal_legs_is_the_processing_time() {
    // Submitted Monday 03/03/2025 09:00; 5 working days.
    let e = estimate(EstimateRequest {
        submitted: at(2025, 3, 3, 9, 0),
        processing: Period::WorkingDays(5),
        pickup: None,
        delivery: None,
    });
    assert_eq!(e.collected, None);
    assert_eq!(e.at_agency, None);
    assert_eq!(e.clock_starts, at(2025, 3, 3, 9, 0));
    assert_eq!(e.decision_due, at(2025, 3, 10, 17, 0));
    assert_eq!(e.delivered, None);
    assert_eq!(e.ready, d(2025, 3, 10));
}

#[test]
fn an_estimate_adds_the_legs_the_applicant_chose() {
    let route = rules()
        .route_between(units(), c(MY_THO), c(CAO_LANH))
        .unwrap();
    assert_eq!(route.class, RouteClass::BetweenDistricts);
    // Submitted Thursday 06/03/2025: collected that day (J), at the agency
    // by Monday 10/03 (J + 2), decided 5 working days later (Mon 17/03),
    // delivered by Wednesday 19/03 (J + 2 from the decision).
    let e = estimate(EstimateRequest {
        submitted: at(2025, 3, 6, 14, 0),
        processing: Period::WorkingDays(5),
        pickup: Some(route),
        delivery: Some(route),
    });
    assert_eq!(e.collected, Some(d(2025, 3, 6)));
    assert_eq!(e.at_agency, Some(d(2025, 3, 10)));
    assert_eq!(e.clock_starts, at(2025, 3, 10, 17, 0));
    assert_eq!(e.decision_due, at(2025, 3, 17, 17, 0));
    assert_eq!(e.delivered, Some(d(2025, 3, 19)));
    assert_eq!(e.ready, d(2025, 3, 19));
    // Only the return leg.
    let e = estimate(EstimateRequest {
        submitted: at(2025, 3, 6, 14, 0),
        processing: Period::WorkingDays(5),
        pickup: None,
        delivery: Some(Route::of_class(RouteClass::InterProvince)),
    });
    assert_eq!(e.decision_due, at(2025, 3, 13, 17, 0));
    assert_eq!(e.ready, d(2025, 3, 19));
}

#[test]
fn an_estimate_across_tet_and_in_working_hours() {
    // Picked up Thursday 12/02/2026 within one commune (J + 1 = Fri 13/02),
    // 8 working hours from the close of 13/02: Tết puts the decision on Mon
    // 23/02 at 17:00, and the return leg (J + 1) on Tue 24/02.
    let within = Route::of_class(RouteClass::WithinDistrict);
    let e = estimate(EstimateRequest {
        submitted: at(2026, 2, 12, 10, 0),
        processing: Period::WorkingHours(8),
        pickup: Some(within),
        delivery: Some(within),
    });
    assert_eq!(e.at_agency, Some(d(2026, 2, 13)));
    assert_eq!(e.decision_due, at(2026, 2, 23, 17, 0));
    assert_eq!(e.ready, d(2026, 2, 24));
    // Out of the calendar's range: the calendar's error, not a guess.
    assert!(
        postal::estimate(
            &CALENDAR,
            &OfficeHours::standard(),
            &EstimateRequest {
                submitted: at(2199, 12, 30, 9, 0),
                processing: Period::WorkingDays(5),
                pickup: None,
                delivery: None,
            }
        )
        .is_err()
    );
}

#[test]
fn postal_errors_name_their_message_keys() {
    let errors = [
        PostalError::UnknownCommune { code: c("99999") },
        PostalError::NoPrice {
            class: RouteClass::InterProvince,
            grams: 101,
        },
        PostalError::Data {
            file: "tariff.toml",
            reason: "x".into(),
        },
    ];
    let keys: Vec<&str> = errors.iter().map(|e| e.message_key()).collect();
    assert_eq!(
        keys,
        [
            "postal-error-unknown-commune",
            "postal-error-no-price",
            "postal-error-data"
        ]
    );
    assert_eq!(
        errors[1].to_string(),
        "the tariff has no price for 101 g on route class inter-province"
    );
}
