//! Filling an application form: typed values out, every problem named next
//! to its field.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use motcua_domain::address::{Address, Units};
use motcua_domain::catalog::{FieldKind, FormField};
use motcua_domain::forms::{self, FieldValue, Problem, RawForm};
use motcua_domain::identity::IdentityError;

fn field(id: &str, kind: FieldKind, required: bool) -> FormField {
    FormField {
        id: id.into(),
        label: id.into(),
        label_en: None,
        kind,
        required,
        help: None,
    }
}

fn form() -> Vec<FormField> {
    vec![
        field("full_name", FieldKind::Text { max: 20 }, true),
        field("identity", FieldKind::IdentityNumber, true),
        field("phone", FieldKind::Phone, false),
        field("email", FieldKind::Email, false),
        field("born", FieldKind::Date, false),
        field("copies", FieldKind::Number { min: 1, max: 10 }, false),
        field(
            "purpose",
            FieldKind::Choice {
                options: vec!["Học tập".into(), "Việc làm".into()],
            },
            false,
        ),
        field("home", FieldKind::Address, true),
        field(
            "scan",
            FieldKind::File {
                accept: vec!["application/pdf".into()],
                max_bytes: 1024 * 1024,
                multiple: false,
            },
            true,
        ),
    ]
}

fn raw(pairs: &[(&str, &str)]) -> RawForm {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn one_file() -> BTreeMap<String, usize> {
    BTreeMap::from([("scan".to_owned(), 1)])
}

fn units() -> &'static Units {
    Units::bundled().unwrap()
}

/// A commune of Đồng Tháp from the bundled list.
fn a_commune() -> String {
    let province = units()
        .provinces()
        .iter()
        .find(|p| p.short_name == "Đồng Tháp")
        .unwrap()
        .code;
    units().communes_of(province)[0].code.to_string()
}

#[test]
fn a_good_form_gives_typed_values() {
    let commune = a_commune();
    let values = forms::fill(
        &form(),
        &raw(&[
            ("full_name", "  Nguyễn Văn An "),
            ("identity", "087 095 000 123"),
            ("phone", "0168 912 3456"),
            ("email", "An@Example.VN"),
            ("born", "05/03/1995"),
            ("copies", "2"),
            ("purpose", "Học tập"),
            ("home.province", "82"),
            ("home.commune", &commune),
            ("home.detail", "số 12   đường Lý Thường Kiệt"),
        ]),
        &one_file(),
        units(),
    )
    .unwrap();
    let text = |id: &str| match values.get(id) {
        Some(FieldValue::Text(t)) => t.clone(),
        other => panic!("{id}: {other:?}"),
    };
    assert_eq!(text("full_name"), "Nguyễn Văn An");
    assert_eq!(text("identity"), "087095000123");
    assert_eq!(
        text("phone"),
        "0389123456",
        "the 2018 mobile prefix is converted"
    );
    assert_eq!(text("email"), "an@example.vn");
    assert_eq!(
        values.get("born"),
        Some(&FieldValue::Date(
            NaiveDate::from_ymd_opt(1995, 3, 5).unwrap()
        ))
    );
    assert_eq!(values.get("copies"), Some(&FieldValue::Number(2)));
    match values.get("home") {
        Some(FieldValue::Address(Address::Unit { commune: c, detail })) => {
            assert_eq!(c.to_string(), commune);
            assert_eq!(detail, "số 12 đường Lý Thường Kiệt");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        values.get("scan").is_none(),
        "files are attachments, not values"
    );
    // The values survive a round trip through their stored form.
    let json = serde_json::to_string(&values).unwrap();
    assert_eq!(
        serde_json::from_str::<forms::FormValues>(&json).unwrap(),
        values
    );
}

#[test]
fn an_old_address_is_kept_as_written() {
    let values = forms::fill(
        &form(),
        &raw(&[
            ("full_name", "Trần Thị Bình"),
            ("identity", "087195000456"),
            ("home.legacy", "Phường 1, TP Cao Lãnh, Đồng Tháp"),
        ]),
        &one_file(),
        units(),
    )
    .unwrap();
    assert_eq!(
        values.get("home"),
        Some(&FieldValue::Address(Address::Legacy(
            "Phường 1, TP Cao Lãnh, Đồng Tháp".into()
        )))
    );
}

#[test]
fn every_problem_is_named_at_its_field() {
    let problems = forms::fill(
        &form(),
        &raw(&[
            ("full_name", "Một cái tên dài hơn hai mươi ký tự"),
            ("identity", "12345"),
            ("phone", "12"),
            ("email", "not an address"),
            ("born", "31/02/2000"),
            ("copies", "11"),
            ("purpose", "Du lịch"),
            ("home.province", "82"),
            ("nickname", "Bé"),
        ]),
        &BTreeMap::from([("scan".to_owned(), 2), ("photo".to_owned(), 1)]),
        units(),
    )
    .unwrap_err();
    let by_field: BTreeMap<&str, &Problem> = problems
        .iter()
        .map(|p| (p.field.as_str(), &p.problem))
        .collect();
    assert_eq!(by_field["full_name"], &Problem::TooLong { max: 20 });
    assert_eq!(
        by_field["identity"],
        &Problem::Identity(IdentityError::PersonalLength)
    );
    assert!(matches!(by_field["phone"], Problem::Phone(_)));
    assert_eq!(by_field["email"], &Problem::Email);
    assert_eq!(by_field["born"], &Problem::NotADate);
    assert_eq!(by_field["copies"], &Problem::OutOfRange { min: 1, max: 10 });
    assert_eq!(by_field["purpose"], &Problem::NotAnOption);
    assert_eq!(by_field["home"], &Problem::CommuneMissing);
    assert_eq!(by_field["scan"], &Problem::TooManyFiles);
    assert_eq!(by_field["nickname"], &Problem::UnknownField);
    assert_eq!(by_field["photo"], &Problem::NotAFileField);
    assert_eq!(problems.len(), 11);
}

#[test]
fn required_fields_left_empty() {
    let problems = forms::fill(
        &form(),
        &raw(&[("full_name", "   ")]),
        &BTreeMap::new(),
        units(),
    )
    .unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["full_name", "identity", "home", "scan"]);
    assert!(problems.iter().all(|p| p.problem == Problem::Required));
}

#[test]
fn uploads_are_checked_by_content_type_and_size() {
    let scan = &form()[8];
    assert_eq!(
        forms::check_upload(scan, Some("application/pdf"), 1000),
        Ok(())
    );
    assert_eq!(
        forms::check_upload(scan, Some("image/png"), 1000),
        Err(Problem::FileType {
            accepted: "PDF".into()
        })
    );
    assert_eq!(
        forms::check_upload(scan, None, 10),
        Err(Problem::FileType {
            accepted: "PDF".into()
        })
    );
    assert_eq!(
        forms::check_upload(scan, Some("application/pdf"), 1024 * 1024 + 1),
        Err(Problem::FileTooLarge {
            max_bytes: 1024 * 1024
        })
    );
    assert_eq!(
        forms::check_upload(&form()[0], Some("application/pdf"), 1),
        Err(Problem::NotAFileField)
    );
}

#[test]
fn dates_are_read_as_people_write_them() {
    let d = |s| forms::parse_date(s);
    let march5 = NaiveDate::from_ymd_opt(1995, 3, 5);
    assert_eq!(d("05/03/1995"), march5);
    assert_eq!(d("5/3/1995"), march5);
    assert_eq!(d("1995-03-05"), march5);
    assert_eq!(d("05-03-1995"), march5);
    assert_eq!(d("05/03/95"), None);
    assert_eq!(d("29/02/2023"), None);
    assert_eq!(d(""), None);
}
