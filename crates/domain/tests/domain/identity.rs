//! Personal identification numbers and tax codes.

use motcua_domain::identity::{IdentityError, PersonalNumber, TaxCode};

#[test]
fn personal_numbers() {
    let ok = |s: &str| PersonalNumber::parse(s).map(|n| n.to_string());
    assert_eq!(ok("087095000123"), Ok("087095000123".into()));
    assert_eq!(ok(" 087 095 000 123 "), Ok("087095000123".into()));
    assert_eq!(ok("087.095.000.123"), Ok("087095000123".into()));
    // Born abroad: a country code above the province range is accepted.
    assert!(ok("704195000123").is_ok());
    assert_eq!(ok("08709500012"), Err(IdentityError::PersonalLength));
    assert_eq!(ok("0870950001234"), Err(IdentityError::PersonalLength));
    assert_eq!(ok("08709500012a"), Err(IdentityError::PersonalLength));
    assert_eq!(ok("000095000123"), Err(IdentityError::PersonalPlace));
    assert_eq!(
        ok("003095000123"),
        Err(IdentityError::PersonalPlace),
        "no province has code 003"
    );
    assert_eq!(ok("087495000123"), Err(IdentityError::PersonalCentury));
    // Every province code of TT 07/2016 Annex 1 is a place.
    for code in [1, 2, 4, 46, 79, 87, 96] {
        assert!(ok(&format!("{code:03}095000123")).is_ok(), "{code}");
    }
}

#[test]
fn tax_codes() {
    let ok = |s: &str| TaxCode::parse(s).map(|n| n.to_string());
    assert_eq!(ok("1400100123"), Ok("1400100123".into()));
    assert_eq!(ok("1400100123-001"), Ok("1400100123-001".into()));
    assert_eq!(ok(" 1400100123 - 001 "), Ok("1400100123-001".into()));
    assert_eq!(
        ok("087095000123"),
        Ok("087095000123".into()),
        "a person's tax code since 07/2025"
    );
    assert_eq!(ok("140010012"), Err(IdentityError::TaxCodeShape));
    assert_eq!(ok("1400100123-01"), Err(IdentityError::TaxCodeShape));
    assert_eq!(ok("003095000123"), Err(IdentityError::TaxCodeShape));
    assert_eq!(ok("MST1400100123"), Err(IdentityError::TaxCodeShape));
}
