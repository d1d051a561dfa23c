//! `domain::phone`: every pair of both renumberings, every collision, every
//! accepted spelling, the invalid inputs, and round trips.
//!
//! The expected tables below are written out again from DOMAIN §6 rather than
//! read from the code, so a typo in either shows up.

use chrono::NaiveDate;
use motcua_domain::message::Message;
use motcua_domain::phone::{
    Kind, Network, Owner, PhoneError, PhoneNumber, Recorded, collisions, normalize, plan, readings,
};
use proptest::prelude::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn ok(input: &str, recorded: Recorded) -> PhoneNumber {
    match normalize(input, recorded) {
        Ok(n) => n,
        Err(e) => panic!("{input:?} ({recorded:?}): {e}"),
    }
}

fn err(input: &str, recorded: Recorded) -> PhoneError {
    match normalize(input, recorded) {
        Ok(n) => panic!("{input:?} ({recorded:?}) gave {}", n.national()),
        Err(e) => e,
    }
}

/// Today's numbers an ambiguous input could be, sorted.
fn candidates(input: &str, recorded: Recorded) -> Vec<String> {
    let e = err(input, recorded);
    assert!(e.is_ambiguous(), "{input:?} ({recorded:?}): {e}");
    let mut v: Vec<String> = e.readings().iter().map(|r| r.today().to_string()).collect();
    v.sort();
    v
}

// ---------------------------------------------------------------------------
// The tables, transcribed from DOMAIN §6.
// ---------------------------------------------------------------------------

/// (old, new, province, phase) — QĐ 2036/QĐ-BTTTT.
const LANDLINE_PAIRS: [(&str, &str, &str, u8); 59] = [
    ("022", "0212", "Sơn La", 1),
    ("0231", "0213", "Lai Châu", 1),
    ("020", "0214", "Lào Cai", 1),
    ("0230", "0215", "Điện Biên", 1),
    ("029", "0216", "Yên Bái", 1),
    ("052", "0232", "Quảng Bình", 1),
    ("053", "0233", "Quảng Trị", 1),
    ("054", "0234", "Thừa Thiên Huế", 1),
    ("0510", "0235", "Quảng Nam", 1),
    ("0511", "0236", "Đà Nẵng", 1),
    ("037", "0237", "Thanh Hóa", 1),
    ("038", "0238", "Nghệ An", 1),
    ("039", "0239", "Hà Tĩnh", 1),
    ("033", "0203", "Quảng Ninh", 2),
    ("0240", "0204", "Bắc Giang", 2),
    ("025", "0205", "Lạng Sơn", 2),
    ("026", "0206", "Cao Bằng", 2),
    ("027", "0207", "Tuyên Quang", 2),
    ("0280", "0208", "Thái Nguyên", 2),
    ("0281", "0209", "Bắc Kạn", 2),
    ("0320", "0220", "Hải Dương", 2),
    ("0321", "0221", "Hưng Yên", 2),
    ("0241", "0222", "Bắc Ninh", 2),
    ("031", "0225", "Hải Phòng", 2),
    ("0351", "0226", "Hà Nam", 2),
    ("036", "0227", "Thái Bình", 2),
    ("0350", "0228", "Nam Định", 2),
    ("030", "0229", "Ninh Bình", 2),
    ("0780", "0290", "Cà Mau", 2),
    ("0781", "0291", "Bạc Liêu", 2),
    ("0710", "0292", "Cần Thơ", 2),
    ("0711", "0293", "Hậu Giang", 2),
    ("074", "0294", "Trà Vinh", 2),
    ("076", "0296", "An Giang", 2),
    ("077", "0297", "Kiên Giang", 2),
    ("079", "0299", "Sóc Trăng", 2),
    ("04", "024", "Hà Nội", 3),
    ("08", "028", "TP. Hồ Chí Minh", 3),
    ("061", "0251", "Đồng Nai", 3),
    ("062", "0252", "Bình Thuận", 3),
    ("064", "0254", "Bà Rịa – Vũng Tàu", 3),
    ("055", "0255", "Quảng Ngãi", 3),
    ("056", "0256", "Bình Định", 3),
    ("057", "0257", "Phú Yên", 3),
    ("058", "0258", "Khánh Hòa", 3),
    ("068", "0259", "Ninh Thuận", 3),
    ("060", "0260", "Kon Tum", 3),
    ("0501", "0261", "Đắk Nông", 3),
    ("0500", "0262", "Đắk Lắk", 3),
    ("063", "0263", "Lâm Đồng", 3),
    ("059", "0269", "Gia Lai", 3),
    ("070", "0270", "Vĩnh Long", 3),
    ("0651", "0271", "Bình Phước", 3),
    ("072", "0272", "Long An", 3),
    ("073", "0273", "Tiền Giang", 3),
    ("0650", "0274", "Bình Dương", 3),
    ("075", "0275", "Bến Tre", 3),
    ("066", "0276", "Tây Ninh", 3),
    ("067", "0277", "Đồng Tháp", 3),
];

/// (start, last day of parallel dialling) of each phase.
fn phase(n: u8) -> (NaiveDate, NaiveDate) {
    match n {
        1 => (day(2017, 2, 11), day(2017, 3, 13)),
        2 => (day(2017, 4, 15), day(2017, 5, 14)),
        _ => (day(2017, 6, 17), day(2017, 7, 16)),
    }
}

/// (old, new, network) — QĐ 798/QĐ-BTTTT.
const MOBILE_PAIRS: [(&str, &str, Network); 21] = [
    ("0162", "032", Network::Viettel),
    ("0163", "033", Network::Viettel),
    ("0164", "034", Network::Viettel),
    ("0165", "035", Network::Viettel),
    ("0166", "036", Network::Viettel),
    ("0167", "037", Network::Viettel),
    ("0168", "038", Network::Viettel),
    ("0169", "039", Network::Viettel),
    ("0120", "070", Network::MobiFone),
    ("0121", "079", Network::MobiFone),
    ("0122", "077", Network::MobiFone),
    ("0126", "076", Network::MobiFone),
    ("0128", "078", Network::MobiFone),
    ("0123", "083", Network::VinaPhone),
    ("0124", "084", Network::VinaPhone),
    ("0125", "085", Network::VinaPhone),
    ("0127", "081", Network::VinaPhone),
    ("0129", "082", Network::VinaPhone),
    ("0186", "056", Network::Vietnamobile),
    ("0188", "058", Network::Vietnamobile),
    ("0199", "059", Network::Gmobile),
];

const MOBILE_START: (i32, u32, u32) = (2018, 9, 15);

fn mobile_start() -> NaiveDate {
    day(MOBILE_START.0, MOBILE_START.1, MOBILE_START.2)
}

/// Old landline codes that are also today's mobile prefixes (10 digits),
/// and the 08x mobiles against TP.HCM's old 08 + 8 digits.
const EXPECTED_COLLISIONS: [&str; 22] = [
    "033", "036", "037", "038", "039", "052", "055", "056", "058", "059", "070", "076", "077",
    "079", // area codes
    "082", "083", "084", "085", "086", "087", "088", "089", // TP.HCM 08 + [2-9]…
];

/// A subscriber number of the right length for a landline code.
fn subscriber(old_or_new: &str, kind_len: usize) -> String {
    let digits = "38512345";
    digits[..kind_len - old_or_new.len()].to_owned()
}

fn collides(national: &str) -> bool {
    national.len() == 10 && EXPECTED_COLLISIONS.iter().any(|p| national.starts_with(p))
}

// ---------------------------------------------------------------------------
// Landlines, QĐ 2036/QĐ-BTTTT.
// ---------------------------------------------------------------------------

#[test]
fn the_landline_table_matches_domain_section_6() {
    let mut rows: Vec<_> = plan::LANDLINE_2017
        .iter()
        .map(|e| {
            let Owner::Province(p) = e.owner else {
                panic!("{e:?}")
            };
            (
                e.replaced.unwrap().prefix,
                e.prefix,
                p,
                e.valid_from.unwrap(),
                e.replaced.unwrap().valid_until,
            )
        })
        .collect();
    rows.sort();
    let mut expected: Vec<_> = LANDLINE_PAIRS
        .iter()
        .map(|&(old, new, p, ph)| (old, new, p, phase(ph).0, phase(ph).1))
        .collect();
    expected.sort();
    assert_eq!(rows, expected);
    let kept: Vec<_> = plan::LANDLINE_KEPT.iter().map(|e| e.prefix).collect();
    assert_eq!(kept, ["0210", "0211", "0218", "0219"]);
}

#[test]
fn every_old_area_code_converts_without_a_date() {
    for (old, new, province, _) in LANDLINE_PAIRS {
        let sub = subscriber(new, 11);
        let input = format!("{old}{sub}");
        if collides(&input) {
            continue; // checked in the collision tests
        }
        let n = ok(&input, Recorded::Unknown);
        assert_eq!(n.national(), format!("{new}{sub}"), "{input}");
        assert_eq!(n.kind(), Kind::Landline);
        assert_eq!(n.province(), Some(province));
        let c = n.conversion().unwrap();
        assert_eq!(c.from.as_str(), input);
        assert_eq!((c.old_prefix(), c.new_prefix()), (old, new));
        assert!(c.entry.source.contains("QĐ 2036/QĐ-BTTTT"));
    }
}

#[test]
fn every_old_area_code_converts_across_its_phase_dates() {
    for (old, new, province, ph) in LANDLINE_PAIRS {
        let (starts, parallel_until) = phase(ph);
        let sub = subscriber(new, 11);
        let input = format!("{old}{sub}");
        let expected = format!("{new}{sub}");
        let dates = [
            starts.pred_opt().unwrap(),         // the day before the phase
            starts,                             // first day of parallel dialling
            parallel_until,                     // last day of parallel dialling
            parallel_until.succ_opt().unwrap(), // typed after the change
            day(2018, 1, 1),                    // still before the 2018 mobiles
        ];
        for d in dates {
            let n = ok(&input, Recorded::On(d));
            assert_eq!(n.national(), expected, "{input} on {d}");
            assert_eq!(n.province(), Some(province));
            assert!(n.conversion().is_some());
        }
        for d in [starts, parallel_until.succ_opt().unwrap()] {
            assert_eq!(
                ok(&input, Recorded::Before(d)).national(),
                expected,
                "{input} before {d}"
            );
        }
        // Long after, the old spelling still reads as the landline unless it
        // is also a mobile number by then.
        let later = ok(&input, Recorded::On(day(2021, 3, 1)));
        if collides(&input) {
            assert_eq!(later.kind(), Kind::Mobile, "{input}");
            assert_eq!(later.national(), input);
        } else {
            assert_eq!(later.national(), expected, "{input}");
        }
    }
}

#[test]
fn every_new_area_code_is_valid_from_its_phase_on() {
    for (_, new, province, ph) in LANDLINE_PAIRS {
        let (starts, parallel_until) = phase(ph);
        let input = format!("{new}{}", subscriber(new, 11));
        for recorded in [
            Recorded::Unknown,
            Recorded::On(starts),
            Recorded::On(parallel_until),
            Recorded::On(day(2025, 1, 1)),
            Recorded::Before(starts.succ_opt().unwrap()),
        ] {
            let n = ok(&input, recorded);
            assert_eq!(n.national(), input);
            assert_eq!(n.province(), Some(province));
            assert!(n.conversion().is_none());
        }
        // Not dialled yet the day before its phase.
        for recorded in [
            Recorded::On(starts.pred_opt().unwrap()),
            Recorded::Before(starts),
        ] {
            match err(&input, recorded) {
                PhoneError::NotInUse { from, prefix, .. } => {
                    assert_eq!((from, prefix), (starts, new), "{input}");
                }
                other => panic!("{input}: {other}"),
            }
        }
    }
}

#[test]
fn the_four_kept_area_codes_are_valid_at_any_date() {
    for code in ["0210", "0211", "0218", "0219"] {
        let input = format!("{code}3851234");
        for recorded in [
            Recorded::Unknown,
            Recorded::On(day(2010, 1, 1)),
            Recorded::On(day(2025, 1, 1)),
        ] {
            let n = ok(&input, recorded);
            assert_eq!(n.national(), input);
            assert!(n.conversion().is_none());
        }
    }
}

#[test]
fn dong_thap_old_code_typed_in_2020() {
    let n = ok("067 3 123456", Recorded::On(day(2020, 5, 4)));
    assert_eq!(n.national(), "02773123456");
    assert_eq!(n.e164(), "+842773123456");
    assert_eq!(n.province(), Some("Đồng Tháp"));
    assert_eq!(n.conversion().unwrap().from.as_str(), "0673123456");
}

// ---------------------------------------------------------------------------
// Mobiles, QĐ 798/QĐ-BTTTT.
// ---------------------------------------------------------------------------

#[test]
fn the_mobile_table_matches_domain_section_6() {
    let rows: Vec<_> = plan::MOBILE_2018
        .iter()
        .map(|e| (e.replaced.unwrap().prefix, e.prefix, e.owner))
        .collect();
    let expected: Vec<_> = MOBILE_PAIRS
        .iter()
        .map(|&(o, n, net)| (o, n, Owner::Network(net)))
        .collect();
    assert_eq!(rows, expected);
    for e in plan::MOBILE_2018 {
        assert_eq!(e.valid_from, Some(mobile_start()));
        assert_eq!(e.replaced.unwrap().valid_until, day(2019, 6, 30));
    }
}

#[test]
fn every_old_mobile_prefix_converts_with_and_without_a_date() {
    for (old, new, network) in MOBILE_PAIRS {
        let input = format!("{old}9123456");
        let expected = format!("{new}9123456");
        for recorded in [
            Recorded::Unknown,
            Recorded::On(day(2016, 1, 1)), // long before
            Recorded::On(mobile_start().pred_opt().unwrap()), // the day before
            Recorded::On(mobile_start()),  // parallel dialling
            Recorded::On(day(2018, 11, 14)), // its last day
            Recorded::On(day(2019, 6, 30)), // last day of the window
            Recorded::On(day(2019, 7, 1)), // typed after the window
            Recorded::On(day(2024, 1, 1)),
            Recorded::Before(mobile_start()),
            Recorded::Before(day(2030, 1, 1)),
        ] {
            let n = ok(&input, recorded);
            assert_eq!(n.national(), expected, "{input} {recorded:?}");
            assert_eq!(n.e164(), format!("+84{}", &expected[1..]));
            assert_eq!(n.kind(), Kind::Mobile);
            assert_eq!(n.network(), Some(network));
            let c = n.conversion().unwrap();
            assert_eq!((c.old_prefix(), c.new_prefix()), (old, new));
            assert!(c.entry.source.contains("QĐ 798/QĐ-BTTTT"));
        }
    }
}

#[test]
fn every_new_mobile_prefix_is_valid_from_15_09_2018() {
    for (_, new, network) in MOBILE_PAIRS {
        let input = format!("{new}9123456");
        for recorded in [
            Recorded::On(mobile_start()),
            Recorded::On(day(2018, 11, 15)),
            Recorded::On(day(2019, 7, 1)),
        ] {
            let n = ok(&input, recorded);
            assert_eq!(n.national(), input, "{recorded:?}");
            assert_eq!(n.network(), Some(network));
            assert!(n.conversion().is_none());
        }
        // Before the switch: an old landline if the digits were one, else
        // not in use yet.
        let before = Recorded::On(mobile_start().pred_opt().unwrap());
        let some_time_before = Recorded::Before(mobile_start().succ_opt().unwrap());
        if collides(&input) {
            assert_eq!(ok(&input, before).kind(), Kind::Landline, "{input}");
            assert!(err(&input, some_time_before).is_ambiguous(), "{input}");
        } else {
            assert_eq!(ok(&input, some_time_before).national(), input);
            assert!(
                matches!(err(&input, before), PhoneError::NotInUse { .. }),
                "{input}"
            );
            assert!(matches!(
                err(&input, Recorded::Before(mobile_start())),
                PhoneError::NotInUse { .. }
            ));
            assert_eq!(ok(&input, Recorded::Unknown).national(), input);
        }
    }
}

#[test]
fn mobile_prefixes_that_predate_2018_keep_their_network() {
    let expected = [
        ("086", Network::Viettel),
        ("088", Network::VinaPhone),
        ("089", Network::MobiFone),
        ("090", Network::MobiFone),
        ("091", Network::VinaPhone),
        ("092", Network::Vietnamobile),
        ("093", Network::MobiFone),
        ("094", Network::VinaPhone),
        ("096", Network::Viettel),
        ("097", Network::Viettel),
        ("098", Network::Viettel),
        ("099", Network::Gmobile),
        ("087", Network::Itel),
    ];
    for (prefix, network) in expected {
        // Recorded today: 086/088/089 also read as TP.HCM's old 08 + 8 digits
        // without a date.
        let input = format!("{prefix}1234567");
        let n = ok(&input, Recorded::On(day(2020, 1, 1)));
        assert_eq!(n.national(), input);
        assert_eq!(n.network(), Some(network), "{prefix}");
        assert!(n.conversion().is_none());
        assert!(!n.entry().source.is_empty());
    }
    // Not in the plan: S-Fone's closed 095.
    assert!(matches!(
        err("0951234567", Recorded::Unknown),
        PhoneError::UnknownPrefix { .. }
    ));
    // 087 has no known start: with TP.HCM's old 08 7…, ambiguous until 08 ended.
    assert!(err("0871234567", Recorded::On(day(2010, 1, 1))).is_ambiguous());
    // 052 / 055 came after the 2018 renumbering: the old Quảng Bình /
    // Quảng Ngãi codes before, mobiles after, ambiguous without a date.
    for (input, province) in [("0523851234", "Quảng Bình"), ("0553851234", "Quảng Ngãi")] {
        assert!(err(input, Recorded::Unknown).is_ambiguous());
        assert_eq!(
            ok(input, Recorded::On(day(2016, 6, 1))).province(),
            Some(province)
        );
        let mobile = ok(input, Recorded::On(day(2021, 6, 1)));
        assert_eq!(mobile.kind(), Kind::Mobile, "{province}");
        assert_eq!(mobile.national(), input);
    }
    assert_eq!(
        ok("0553851234", Recorded::On(day(2021, 6, 1))).network(),
        Some(Network::Mobicast)
    );
}

// ---------------------------------------------------------------------------
// Collisions.
// ---------------------------------------------------------------------------

#[test]
fn the_derived_collisions_are_exactly_the_known_ones() {
    let found = collisions();
    let mut prefixes: Vec<&str> = found.iter().map(|c| c.prefix).collect();
    prefixes.sort();
    assert_eq!(prefixes, EXPECTED_COLLISIONS);
    for c in &found {
        assert_eq!(c.len, 10);
        assert_eq!(c.first.entry.kind, Kind::Landline, "{c:?}");
        assert!(c.first.old);
        assert_eq!(c.second.entry.kind, Kind::Mobile);
        // Only TP.HCM's 08 against the 086/088/089 that existed before
        // 17/06/2017 (and 087, whose start is unknown) were both in use at once.
        let both_at_once = c.overlap().is_some();
        assert_eq!(
            both_at_once,
            ["086", "087", "088", "089"].contains(&c.prefix),
            "{c:?}"
        );
    }
    let quang_ninh = found.iter().find(|c| c.prefix == "033").unwrap();
    assert_eq!(quang_ninh.pattern(), "033[2-9]xxxxxx");
    let hcm = found.iter().find(|c| c.prefix == "086").unwrap();
    assert_eq!(hcm.pattern(), "086xxxxxxx");
    assert_eq!(
        hcm.overlap(),
        Some((Some(day(2015, 3, 5)), Some(day(2017, 7, 16))))
    );
}

#[test]
fn area_code_collisions_are_ambiguous_without_a_date_and_resolved_with_one() {
    let area: [(&str, &str, Network); 12] = [
        ("033", "0203", Network::Viettel),
        ("036", "0227", Network::Viettel),
        ("037", "0237", Network::Viettel),
        ("038", "0238", Network::Viettel),
        ("039", "0239", Network::Viettel),
        ("056", "0256", Network::Vietnamobile),
        ("058", "0258", Network::Vietnamobile),
        ("059", "0269", Network::Gmobile),
        ("070", "0270", Network::MobiFone),
        ("076", "0296", Network::MobiFone),
        ("077", "0297", Network::MobiFone),
        ("079", "0299", Network::MobiFone),
    ];
    for (prefix, landline, network) in area {
        let input = format!("{prefix}3851234");
        let as_landline = format!("{landline}3851234");
        assert_eq!(candidates(&input, Recorded::Unknown), {
            let mut v = vec![input.clone(), as_landline.clone()];
            v.sort();
            v
        });
        assert!(err(&input, Recorded::Before(day(2019, 1, 1))).is_ambiguous());
        // Recorded while the area code was dialled: the landline.
        let n = ok(&input, Recorded::On(day(2016, 6, 1)));
        assert_eq!(n.national(), as_landline);
        assert_eq!(n.kind(), Kind::Landline);
        assert_eq!(
            ok(&input, Recorded::Before(day(2017, 1, 1))).national(),
            as_landline
        );
        // In the gap between the two renumberings: still the landline.
        assert_eq!(
            ok(&input, Recorded::On(day(2018, 3, 1))).national(),
            as_landline
        );
        // Recorded once the mobile prefix existed: the mobile.
        let n = ok(&input, Recorded::On(day(2018, 10, 1)));
        assert_eq!(n.national(), input);
        assert_eq!(n.network(), Some(network));
        // A subscriber digit of 0 or 1 cannot be a landline: no collision.
        assert_eq!(
            ok(&format!("{prefix}1851234"), Recorded::Unknown).kind(),
            Kind::Mobile
        );
    }
}

#[test]
fn ho_chi_minh_city_collisions() {
    // 082–085 came in 2018, after TP.HCM's 08 ended: a date settles them.
    for prefix in ["082", "083", "084", "085"] {
        let input = format!("{prefix}8123456");
        let as_landline = format!("028{}", &input[2..]);
        assert_eq!(candidates(&input, Recorded::Unknown).len(), 2);
        let n = ok(&input, Recorded::On(day(2017, 1, 1)));
        assert_eq!(
            (n.national(), n.province()),
            (as_landline.as_str(), Some("TP. Hồ Chí Minh"))
        );
        assert_eq!(
            ok(&input, Recorded::On(day(2019, 1, 1))).kind(),
            Kind::Mobile
        );
    }
    // 086/088/089 existed while TP.HCM still dialled 08.
    for (prefix, since) in [
        ("086", day(2015, 3, 5)),
        ("088", day(2015, 12, 1)),
        ("089", day(2016, 2, 4)),
    ] {
        let input = format!("{prefix}8123456");
        let as_landline = format!("028{}", &input[2..]);
        assert_eq!(
            candidates(&input, Recorded::Unknown),
            vec![as_landline.clone(), input.clone()]
        );
        // Before the mobile prefix: TP.HCM.
        assert_eq!(
            ok(&input, Recorded::On(since.pred_opt().unwrap())).national(),
            as_landline
        );
        assert_eq!(ok(&input, Recorded::Before(since)).national(), as_landline);
        // Both in use: ambiguous even with a date.
        assert!(err(&input, Recorded::On(since)).is_ambiguous());
        assert!(err(&input, Recorded::On(day(2016, 6, 1))).is_ambiguous());
        assert!(err(&input, Recorded::On(day(2017, 7, 16))).is_ambiguous());
        assert!(err(&input, Recorded::Before(day(2017, 6, 17))).is_ambiguous());
        // After parallel dialling ended: the mobile.
        assert_eq!(ok(&input, Recorded::On(day(2017, 7, 17))).national(), input);
    }
    // 081: TP.HCM subscriber numbers never started with 1.
    assert_eq!(ok("0818123456", Recorded::Unknown).kind(), Kind::Mobile);
    assert!(matches!(
        err("0813123456", Recorded::On(day(2016, 1, 1))),
        PhoneError::NotInUse { prefix: "081", .. }
    ));
}

#[test]
fn hanoi_and_hcmc_old_numbers_convert() {
    assert_eq!(
        ok("04 3825 1234", Recorded::Unknown).national(),
        "02438251234"
    );
    assert_eq!(
        ok("(04) 3.825.1234", Recorded::Unknown).province(),
        Some("Hà Nội")
    );
    assert_eq!(
        ok("08 3829 5678", Recorded::On(day(2016, 1, 1))).national(),
        "02838295678"
    );
    // 0240 is Bắc Giang's old code, not Hà Nội 024 + 0…: subscriber digits never start with 0.
    assert_eq!(
        ok("0240 3 851234", Recorded::Unknown).national(),
        "02043851234"
    );
    assert_eq!(
        ok("0281 3 851234", Recorded::Unknown).province(),
        Some("Bắc Kạn")
    );
    assert_eq!(
        ok("024 3825 1234", Recorded::Unknown).province(),
        Some("Hà Nội")
    );
}

// ---------------------------------------------------------------------------
// Spellings.
// ---------------------------------------------------------------------------

#[test]
fn every_accepted_spelling_of_a_mobile() {
    let spellings = [
        "0912345678",
        "0912 345 678",
        "091 234 5678",
        "0912.345.678",
        "0912-345-678",
        "(091) 234-5678",
        "[091] 2345678",
        "091/234/5678",
        "0912\u{a0}345\u{a0}678",
        "  0912345678\t",
        "+84912345678",
        "+84 91 234 5678",
        "+84-91-234-5678",
        "+84.912.345.678",
        "(+84) 912 345 678",
        "+84 (0) 912 345 678",
        "+840912345678",
        "84912345678",
        "84 912 345 678",
        "0084912345678",
        "00 84 912 345 678",
        "912345678",
        "912 345 678",
        "'0912345678",
        "'912345678",
        "0912–345–678",
        "\u{feff}0912345678",
    ];
    for s in spellings {
        let n = ok(s, Recorded::Unknown);
        assert_eq!(n.national(), "0912345678", "{s:?}");
        assert_eq!(n.e164(), "+84912345678", "{s:?}");
        assert_eq!(n.network(), Some(Network::VinaPhone));
        assert!(n.conversion().is_none(), "{s:?}");
    }
}

#[test]
fn every_accepted_spelling_of_an_old_mobile_and_a_landline() {
    for s in [
        "01689123456",
        "0168 912 3456",
        "1689123456",
        "+84 168 912 3456",
        "841689123456",
        "0084 1689 123 456",
    ] {
        let n = ok(s, Recorded::Unknown);
        assert_eq!(n.national(), "0389123456", "{s:?}");
        assert_eq!(n.conversion().unwrap().from.as_str(), "01689123456");
    }
    for s in [
        "02773123456",
        "0277 3 123456",
        "(0277) 3.123.456",
        "0277/3123456",
        "0277-3123-456",
        "2773123456",
        "+84 277 3123456",
        "+84 (0)277 3123456",
        "842773123456",
        "0084 277 3123 456",
    ] {
        let n = ok(s, Recorded::Unknown);
        assert_eq!(n.national(), "02773123456", "{s:?}");
        assert_eq!(n.e164(), "+842773123456");
        assert_eq!(n.province(), Some("Đồng Tháp"));
    }
    // A number starting 084 whose 0 a spreadsheet dropped (recorded in
    // 2020: without a date 084… is also TP.HCM's old 08 4…).
    let in_2020 = Recorded::On(day(2020, 1, 1));
    assert_eq!(ok("841234567", in_2020).national(), "0841234567");
    assert_eq!(
        ok("84 1234567", in_2020).network(),
        Some(Network::VinaPhone)
    );
    assert!(err("841234567", Recorded::Unknown).is_ambiguous());
    // And the 84 of an old VinaPhone 0124 number.
    assert_eq!(ok("1241234567", Recorded::Unknown).national(), "0841234567");
}

// ---------------------------------------------------------------------------
// Invalid inputs.
// ---------------------------------------------------------------------------

#[test]
fn invalid_inputs_say_why() {
    let u = Recorded::Unknown;
    assert_eq!(err("", u), PhoneError::Empty);
    assert_eq!(err("   ", u), PhoneError::Empty);
    assert_eq!(err("-().", u), PhoneError::Empty);
    assert_eq!(err("abc", u), PhoneError::Letters { ch: 'a' });
    assert_eq!(
        err("0912 345 678 máy lẻ 12", u),
        PhoneError::Letters { ch: 'm' }
    );
    assert_eq!(err("ĐT 0912345678", u), PhoneError::Letters { ch: 'Đ' });
    assert_eq!(
        err("0912#345678", u),
        PhoneError::UnexpectedCharacter { ch: '#' }
    );
    assert_eq!(
        err("0912345678; 0987654321", u),
        PhoneError::UnexpectedCharacter { ch: ';' }
    );
    assert_eq!(
        err("091+2345678", u),
        PhoneError::UnexpectedCharacter { ch: '+' }
    );
    assert_eq!(
        err("++84912345678", u),
        PhoneError::UnexpectedCharacter { ch: '+' }
    );
    assert!(matches!(err("091234", u), PhoneError::TooShort { national } if national == "091234"));
    assert!(matches!(err("091234567", u), PhoneError::TooShort { .. }));
    assert!(
        matches!(err("+84 91234567", u), PhoneError::TooShort { national } if national == "091234567")
    );
    assert_eq!(
        err("091234567890123", u),
        PhoneError::TooLong { digits: 15 }
    );
    assert_eq!(
        err("0912345678 0987654321", u),
        PhoneError::TooLong { digits: 20 }
    );
    assert_eq!(
        err("1".repeat(40).as_str(), u),
        PhoneError::TooLong { digits: 41 }
    );
    for s in [
        "+1 212 555 1234",
        "001 212 555 1234",
        "+855 12 345 678",
        "+86 138 0013 8000",
    ] {
        assert!(matches!(err(s, u), PhoneError::NotVietnamese { .. }), "{s}");
    }
    assert!(
        matches!(err("+855 12 345 678", u), PhoneError::NotVietnamese { country } if country == "855")
    );
    for s in [
        "113",
        "114",
        "115",
        "1080",
        "18001091",
        "1800 1234",
        "1900 1234",
        "1900 123 456",
        "19001234",
    ] {
        assert!(matches!(err(s, u), PhoneError::ServiceNumber { .. }), "{s}");
    }
    assert!(matches!(
        err("0951234567", u),
        PhoneError::UnknownPrefix { .. }
    ));
    assert!(matches!(
        err("0112345678", u),
        PhoneError::UnknownPrefix { .. }
    ));
    assert!(matches!(
        err("09123456789", u),
        PhoneError::WrongLength {
            kind: Kind::Mobile,
            prefix: "091",
            expected: 10,
            ..
        }
    ));
    assert!(matches!(
        err("02771234567", u),
        PhoneError::BadSubscriber { prefix: "0277", .. }
    ));
    assert!(matches!(
        err("02801234567", u),
        PhoneError::BadSubscriber { .. }
    ));
    assert!(matches!(
        err("0321234567", Recorded::On(day(2015, 1, 1))),
        PhoneError::NotInUse { prefix: "032", .. }
    ));
}

#[test]
fn error_messages_have_stable_keys_and_arguments() {
    let e = err("0321234567", Recorded::On(day(2015, 1, 1)));
    assert_eq!(e.message_key(), "phone-error-not-in-use-on");
    let names: Vec<_> = e.message_args().iter().map(|(k, _)| *k).collect();
    assert_eq!(names, ["national", "prefix", "from", "date"]);
    let e = err("0321234567", Recorded::Before(day(2015, 1, 1)));
    assert_eq!(e.message_key(), "phone-error-not-in-use-before");
    let e = err("0333851234", Recorded::Unknown);
    assert_eq!(e.message_key(), "phone-error-ambiguous");
    assert_eq!(e.readings().len(), 2);
    assert!(e.to_string().contains("ambiguous"));
    assert_eq!(
        err("abc", Recorded::Unknown).message_key(),
        "phone-error-letters"
    );
}

#[test]
fn readings_lists_every_meaning() {
    let all = readings("0333851234").unwrap();
    let mut kinds: Vec<_> = all
        .as_slice()
        .iter()
        .map(|r| (r.kind(), r.is_renumbered()))
        .collect();
    kinds.sort_by_key(|k| format!("{k:?}"));
    assert_eq!(kinds, [(Kind::Landline, true), (Kind::Mobile, false)]);
}

// ---------------------------------------------------------------------------
// Round trips.
// ---------------------------------------------------------------------------

/// Today's valid numbers: any current prefix of the plan with random
/// subscriber digits (a landline's first one 2–9).
fn current_number() -> impl Strategy<Value = String> {
    let current: Vec<_> = plan::entries().iter().collect();
    (proptest::sample::select(current), "[2-9][0-9]{7}").prop_map(|(e, digits)| {
        let sub_len = e.kind.national_len() - e.prefix.len();
        format!("{}{}", e.prefix, &digits[..sub_len])
    })
}

/// Separators a person might put between groups of digits.
fn separator() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(vec!["", " ", ".", "-", "\u{a0}"])
}

proptest! {
    #[test]
    fn a_current_number_round_trips_through_every_spelling(n in current_number(), sep in separator()) {
        // Today, only current spellings are in use: no ambiguity.
        let today = Recorded::On(day(2025, 6, 1));
        let significant = &n[1..];
        let grouped = |s: &str| -> String {
            s.as_bytes().chunks(3).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join(sep)
        };
        let spellings = [
            n.clone(),
            grouped(&n),
            format!("+84{significant}"),
            format!("+84{sep}{}", grouped(significant)),
            format!("0084{significant}"),
            format!("84{significant}"),
            significant.to_owned(),
            grouped(significant),
        ];
        for s in &spellings {
            let got = normalize(s, today).map_err(|e| TestCaseError::fail(format!("{s:?}: {e}")))?;
            prop_assert_eq!(got.national(), n.as_str(), "{:?}", s);
            prop_assert_eq!(got.e164(), format!("+84{significant}"));
            prop_assert!(got.conversion().is_none());
        }
        // And the E.164 form reads back to the same number.
        let back = normalize(normalize(&n, today).unwrap().e164(), today).unwrap();
        prop_assert_eq!(back.national(), n.as_str());
    }

    #[test]
    fn any_input_gives_an_answer_without_panicking(s in "\\PC{0,30}") {
        let _ = normalize(&s, Recorded::Unknown);
        let _ = normalize(&s, Recorded::On(day(2017, 5, 1)));
    }

    #[test]
    fn digit_strings_never_panic_and_answers_are_well_formed(s in "[+]?[0-9 .-]{0,20}") {
        if let Ok(n) = normalize(&s, Recorded::Unknown) {
            prop_assert!(n.national().len() == 10 || n.national().len() == 11);
            prop_assert!(n.national().starts_with('0'));
            prop_assert_eq!(&n.e164()[3..], &n.national()[1..]);
        }
    }
}
