//! The administrative units in force: the bundled list, look-ups, search
//! without diacritics, and address values (checks, display, storage).

use motcua_domain::address::{
    Address, AddressError, CodeKind, Commune, CommuneCode, CommuneKind, MAX_DETAIL_CHARS,
    MAX_LEGACY_CHARS, ProvinceCode, ProvinceKind, Units,
};
use motcua_domain::message::Message;
use proptest::prelude::*;

fn units() -> &'static Units {
    Units::bundled().unwrap()
}

fn p(code: &str) -> ProvinceCode {
    code.parse().unwrap()
}

fn c(code: &str) -> CommuneCode {
    code.parse().unwrap()
}

fn names(found: &[&Commune]) -> Vec<String> {
    found.iter().map(|c| c.name.clone()).collect()
}

const DONG_THAP: &str = "82";
const CAO_LANH: &str = "29869";

#[test]
fn the_list_has_34_provinces_and_3321_communes() {
    let u = units();
    assert_eq!(u.provinces().len(), 34);
    assert_eq!(u.communes().len(), 3321);
    let count = |k: CommuneKind| u.communes().iter().filter(|c| c.kind == k).count();
    assert_eq!(count(CommuneKind::Commune), 2621);
    assert_eq!(count(CommuneKind::Ward), 687);
    assert_eq!(count(CommuneKind::SpecialZone), 13);
    let cities = u
        .provinces()
        .iter()
        .filter(|p| p.kind == ProvinceKind::City)
        .count();
    // Six since 2025 plus Quảng Ninh, Bắc Ninh and Đồng Nai in the source's
    // 2026.9.0 tables (data/addresses/README.md, caveat 1).
    assert_eq!(cities, 9);
    // Every commune is listed under its province, once.
    let listed: usize = u
        .provinces()
        .iter()
        .map(|p| u.communes_of(p.code).len())
        .sum();
    assert_eq!(listed, 3321);
}

#[test]
fn known_provinces() {
    let u = units();
    let ha_noi = u.province(p("01")).unwrap();
    assert_eq!(ha_noi.name, "Thành phố Hà Nội");
    assert_eq!(ha_noi.short_name, "Hà Nội");
    assert_eq!(ha_noi.kind, ProvinceKind::City);
    let hcm = u.province(p("79")).unwrap();
    assert_eq!(hcm.name, "Thành phố Hồ Chí Minh");
    assert_eq!(hcm.kind, ProvinceKind::City);
    let dong_thap = u.province(p(DONG_THAP)).unwrap();
    assert_eq!(dong_thap.name, "Tỉnh Đồng Tháp");
    assert_eq!(dong_thap.kind, ProvinceKind::Province);
    // Provinces merged away in 2025 have no code any more.
    assert!(u.province(p("87")).is_none(), "old Đồng Tháp code");
    assert!(u.province(p("83")).is_none(), "old Bến Tre code");
}

#[test]
fn dong_thap_and_some_of_its_communes() {
    let u = units();
    let communes = u.communes_of(p(DONG_THAP));
    assert_eq!(communes.len(), 102);
    assert_eq!(
        communes
            .iter()
            .filter(|c| c.kind == CommuneKind::Ward)
            .count(),
        20
    );
    assert!(communes.windows(2).all(|w| w[0].code < w[1].code));
    let cao_lanh = u.commune(c(CAO_LANH)).unwrap();
    assert_eq!(cao_lanh.name, "Phường Cao Lãnh");
    assert_eq!(cao_lanh.short_name, "Cao Lãnh");
    assert_eq!(cao_lanh.kind, CommuneKind::Ward);
    assert_eq!(u.province_of(cao_lanh).unwrap().short_name, "Đồng Tháp");
    // Tiền Giang merged into Đồng Tháp: Mỹ Tho is now one of its wards.
    let my_tho = u.commune(c("28261")).unwrap();
    assert_eq!(my_tho.name, "Phường Mỹ Tho");
    assert_eq!(my_tho.province, p(DONG_THAP));
    assert_eq!(u.commune(c("29905")).unwrap().name, "Phường Sa Đéc");
    // Hà Nội's first ward, and an island special zone.
    assert_eq!(u.commune(c("00004")).unwrap().name, "Phường Ba Đình");
    let special = u
        .communes()
        .iter()
        .find(|c| c.name == "Đặc khu Phú Quốc")
        .unwrap();
    assert_eq!(special.kind, CommuneKind::SpecialZone);
    assert!(u.commune(c("99999")).is_none());
    assert!(u.communes_of(p("99")).is_empty());
}

#[test]
fn search_ignores_diacritics_case_and_spacing() {
    let u = units();
    let found = u.search("cao lanh", None, 10);
    assert_eq!(found.first().unwrap().name, "Phường Cao Lãnh");
    for query in [
        "CAO LÃNH",
        "  cao   lanh ",
        "caolanh",
        "Phuong Cao Lanh",
        "phường cao lãnh",
    ] {
        let found = u.search(query, None, 10);
        assert_eq!(
            found.first().map(|c| c.code),
            Some(c(CAO_LANH)),
            "{query:?}: {:?}",
            names(&found)
        );
    }
    // Decomposed input folds like precomposed.
    let found = u.search("Cao La\u{0303}nh", None, 1);
    assert_eq!(names(&found), ["Phường Cao Lãnh"]);
    assert!(u.search("", None, 10).is_empty());
    assert!(u.search("  ' ", None, 10).is_empty());
    assert!(u.search("cao lanh", None, 0).is_empty());
    assert!(u.search("zzzz", None, 10).is_empty());
}

#[test]
fn search_ranks_exact_then_prefix_then_contains() {
    let u = units();
    // "hoa lu": Hoa Lư itself, names that start with it, names containing
    // it, in that order.
    let found = u.search("hoa lu", None, 200);
    let rank = |c: &Commune| {
        let short = motcua_domain::text::fold(&c.short_name);
        if short == "hoa lu" {
            0
        } else if short.starts_with("hoa lu") {
            1
        } else {
            2
        }
    };
    let ranks: Vec<u8> = found.iter().map(|c| rank(c)).collect();
    assert!(ranks.first() == Some(&0), "{:?}", names(&found));
    assert!(ranks.contains(&1) && ranks.contains(&2), "{ranks:?}");
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    // The limit keeps the best.
    assert_eq!(u.search("hoa lu", None, 2), found[..2].to_vec());
}

#[test]
fn search_within_a_province() {
    let u = units();
    let all = u.search("my", None, 10_000);
    let in_dong_thap = u.search("my", Some(p(DONG_THAP)), 10_000);
    assert!(in_dong_thap.len() < all.len());
    assert!(in_dong_thap.iter().all(|c| c.province == p(DONG_THAP)));
    assert!(names(&in_dong_thap).contains(&"Phường Mỹ Tho".to_owned()));
}

#[test]
fn search_provinces() {
    let u = units();
    let found = u.search_provinces("dong thap", 5);
    assert_eq!(found.first().unwrap().name, "Tỉnh Đồng Tháp");
    let found = u.search_provinces("ho chi minh", 5);
    assert_eq!(found.first().unwrap().code, p("79"));
    let found = u.search_provinces("ha", 50);
    assert_eq!(found.first().unwrap().short_name, "Hà Nội", "prefix first");
}

#[test]
fn codes_are_fixed_width_digits() {
    assert_eq!(c("00004").to_string(), "00004");
    assert_eq!(p("01").to_string(), "01");
    assert_eq!(CommuneCode::new(4), Some(c("00004")));
    assert_eq!(ProvinceCode::new(0), None);
    for bad in ["4", "0004", "000004", "00000", "0000a", " 0004", "-0004"] {
        assert_eq!(
            bad.parse::<CommuneCode>(),
            Err(AddressError::BadCode {
                what: CodeKind::Commune,
                text: bad.into()
            }),
            "{bad:?}"
        );
    }
    for bad in ["1", "001", "00", "x1"] {
        assert!(bad.parse::<ProvinceCode>().is_err(), "{bad:?}");
    }
}

#[test]
fn a_unit_address_is_checked_and_displayed() {
    let u = units();
    let a = Address::unit(u, c(CAO_LANH), "  số 12   đường Lý Thường Kiệt ").unwrap();
    assert_eq!(
        a,
        Address::Unit {
            commune: c(CAO_LANH),
            detail: "số 12 đường Lý Thường Kiệt".into()
        }
    );
    assert_eq!(a.commune(), Some(c(CAO_LANH)));
    assert!(!a.is_legacy());
    assert_eq!(a.check(u), Ok(()));
    assert_eq!(
        a.display(u).unwrap(),
        "số 12 đường Lý Thường Kiệt, Phường Cao Lãnh, Tỉnh Đồng Tháp"
    );
    // Decomposed input is stored precomposed.
    let a = Address::unit(u, c(CAO_LANH), "ấp Ta\u{0302}\u{0301}n").unwrap();
    assert_eq!(a, Address::unit(u, c(CAO_LANH), "ấp Tấn").unwrap());
}

#[test]
fn a_bad_unit_address_is_refused_with_a_typed_error() {
    let u = units();
    assert_eq!(
        Address::unit(u, c("99999"), "số 1"),
        Err(AddressError::UnknownCommune { code: c("99999") })
    );
    assert_eq!(
        Address::unit(u, c(CAO_LANH), " \t\n "),
        Err(AddressError::EmptyDetail)
    );
    let long = "a".repeat(MAX_DETAIL_CHARS + 1);
    assert_eq!(
        Address::unit(u, c(CAO_LANH), &long),
        Err(AddressError::DetailTooLong {
            chars: MAX_DETAIL_CHARS + 1,
            max: MAX_DETAIL_CHARS
        })
    );
    // Characters, not bytes: 200 Vietnamese letters fit.
    assert!(Address::unit(u, c(CAO_LANH), &"ễ".repeat(MAX_DETAIL_CHARS)).is_ok());
    assert_eq!(
        Address::unit(u, c(CAO_LANH), "số 1\u{0}"),
        Err(AddressError::ControlCharacter)
    );
    // An address built by hand with a code no longer in the list.
    let stale = Address::Unit {
        commune: c("99999"),
        detail: "số 1".into(),
    };
    assert!(stale.check(u).is_err());
    assert!(stale.display(u).is_err());
}

#[test]
fn an_old_three_tier_address_is_kept_as_text() {
    let u = units();
    let a = Address::legacy("Phường 1,  TP Cao Lãnh, Đồng Tháp").unwrap();
    assert_eq!(
        a,
        Address::Legacy("Phường 1, TP Cao Lãnh, Đồng Tháp".into())
    );
    assert!(a.is_legacy());
    assert_eq!(a.commune(), None);
    assert_eq!(a.check(u), Ok(()));
    assert_eq!(a.display(u).unwrap(), "Phường 1, TP Cao Lãnh, Đồng Tháp");
    assert_eq!(Address::legacy("   "), Err(AddressError::EmptyLegacy));
    assert_eq!(
        Address::legacy(&"x".repeat(MAX_LEGACY_CHARS + 1)),
        Err(AddressError::LegacyTooLong {
            chars: MAX_LEGACY_CHARS + 1,
            max: MAX_LEGACY_CHARS
        })
    );
}

#[test]
fn addresses_round_trip_through_json() {
    let u = units();
    let unit = Address::unit(u, c(CAO_LANH), "số 12 đường Lý Thường Kiệt").unwrap();
    let json = serde_json::to_string(&unit).unwrap();
    assert_eq!(
        json,
        r#"{"unit":{"commune":"29869","detail":"số 12 đường Lý Thường Kiệt"}}"#
    );
    assert_eq!(serde_json::from_str::<Address>(&json).unwrap(), unit);
    let legacy = Address::legacy("Phường 1, TP Cao Lãnh, Đồng Tháp").unwrap();
    let json = serde_json::to_string(&legacy).unwrap();
    assert_eq!(json, r#"{"legacy":"Phường 1, TP Cao Lãnh, Đồng Tháp"}"#);
    assert_eq!(serde_json::from_str::<Address>(&json).unwrap(), legacy);
    // A stored commune that left the list still loads (check says so).
    let stale: Address =
        serde_json::from_str(r#"{"unit":{"commune":"99999","detail":"số 1"}}"#).unwrap();
    assert!(stale.check(u).is_err());
    // Reading checks the text and the code's form.
    for bad in [
        r#"{"unit":{"commune":"29869","detail":"  "}}"#,
        r#"{"unit":{"commune":"2986","detail":"số 1"}}"#,
        r#"{"unit":{"commune":"29869","detail":"số 1","ward":"x"}}"#,
        r#"{"legacy":""}"#,
        r#"{"street":"x"}"#,
    ] {
        assert!(serde_json::from_str::<Address>(bad).is_err(), "{bad}");
    }
}

#[test]
fn the_loader_refuses_a_broken_list() {
    let provinces = "code,name,short_name,kind\n82,Tỉnh Đồng Tháp,Đồng Tháp,tinh\n";
    let communes = "code,name,short_name,kind,province\n29869,Phường Cao Lãnh,Cao Lãnh,phuong,82\n";
    let ok = Units::parse(provinces, communes).unwrap();
    assert_eq!(ok.communes().len(), 1);
    let broken = |p: &str, c: &str| match Units::parse(p, c) {
        Err(AddressError::Data { file, line, reason }) => format!("{file}:{line}: {reason}"),
        other => panic!("expected a data error, got {other:?}"),
    };
    let cases = [
        (
            provinces.replace("code,", "id,"),
            communes.to_owned(),
            "provinces.csv:1",
        ),
        (
            provinces.replace(",tinh", ",bang"),
            communes.to_owned(),
            "unknown kind",
        ),
        (
            provinces.replace("Tỉnh Đồng", "Tinh Đồng"),
            communes.to_owned(),
            "is not",
        ),
        (
            provinces.to_owned(),
            communes.replace(",82\n", ",83\n"),
            "unknown province",
        ),
        (
            provinces.to_owned(),
            communes.replace("29869", "2986"),
            "5-digit",
        ),
        (
            provinces.to_owned(),
            communes.replace(",phuong,", ",phuong,extra,"),
            "5 columns",
        ),
        (
            provinces.to_owned(),
            communes.replace("Lãnh,Cao Lãnh", "La\u{0303}nh,Cao La\u{0303}nh"),
            "NFC",
        ),
        (
            provinces.to_owned(),
            format!("{communes}29869,Phường Sa Đéc,Sa Đéc,phuong,82\n"),
            "ascending",
        ),
        (
            format!("{provinces}83,Tỉnh Bến Tre,Bến Tre,tinh\n"),
            communes.to_owned(),
            "provinces.csv:3: province 83 has no commune",
        ),
    ];
    for (p, c, expected) in cases {
        let got = broken(&p, &c);
        assert!(got.contains(expected), "{got} (expected {expected})");
    }
}

#[test]
fn address_errors_name_their_message_keys() {
    let errors = [
        AddressError::BadCode {
            what: CodeKind::Commune,
            text: "1".into(),
        },
        AddressError::UnknownProvince { code: p("99") },
        AddressError::UnknownCommune { code: c("99999") },
        AddressError::EmptyDetail,
        AddressError::DetailTooLong {
            chars: 201,
            max: 200,
        },
        AddressError::EmptyLegacy,
        AddressError::LegacyTooLong {
            chars: 301,
            max: 300,
        },
        AddressError::ControlCharacter,
        AddressError::Data {
            file: "communes.csv",
            line: 2,
            reason: "x".into(),
        },
    ];
    let mut keys: Vec<&str> = errors.iter().map(|e| e.message_key()).collect();
    assert!(keys.iter().all(|k| k.starts_with("address-error-")));
    keys.dedup();
    assert_eq!(keys.len(), errors.len());
    assert_eq!(
        AddressError::BadCode {
            what: CodeKind::Commune,
            text: "1".into()
        }
        .to_string(),
        "\"1\" is not a 5-digit commune code"
    );
}

proptest! {
    /// Any detail text that is accepted comes back the same from storage,
    /// and normalising it again changes nothing.
    #[test]
    fn accepted_details_round_trip(detail in "\\PC{0,250}") {
        let u = units();
        if let Ok(a) = Address::unit(u, c(CAO_LANH), &detail) {
            let json = serde_json::to_string(&a).unwrap();
            prop_assert_eq!(serde_json::from_str::<Address>(&json).unwrap(), a.clone());
            let Address::Unit { detail: stored, .. } = &a else { unreachable!() };
            prop_assert_eq!(Address::unit(u, c(CAO_LANH), stored).unwrap(), a.clone());
        }
    }

    /// Every commune is found by its own short name typed without marks, in
    /// the first results of its province.
    #[test]
    fn every_commune_is_found_by_its_folded_name(i in 0usize..3321) {
        let u = units();
        let commune = &u.communes()[i];
        let query = motcua_domain::text::fold(&commune.name);
        let found = u.search(&query, Some(commune.province), 3);
        prop_assert!(found.iter().any(|c| c.code == commune.code), "{} {:?}", query, names(&found));
    }
}
