//! Made-up applicants and the forms they fill: Vietnamese names, identity
//! numbers of the right shape for the province, phone numbers in today's
//! mobile plan, addresses in the province's communes. Nobody here is real;
//! e-mail addresses are at `example.com` (RFC 2606), so nothing generated can
//! reach a person.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, TimeDelta};
use motcua_domain::address::{Commune, Units};
use motcua_domain::catalog::{FieldKind, FormField};
use motcua_domain::forms::{self, FormValues, RawForm};
use motcua_store::Applicant;

const SURNAMES: [&str; 16] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Phan", "Trương", "Bùi", "Đặng", "Đỗ",
    "Ngô", "Hồ", "Dương", "Lý",
];
const MIDDLE_MALE: [&str; 6] = ["Văn", "Minh", "Hữu", "Đức", "Quốc", "Thanh"];
const MIDDLE_FEMALE: [&str; 6] = ["Thị", "Ngọc", "Kim", "Thanh", "Mỹ", "Thu"];
const GIVEN_MALE: [&str; 16] = [
    "An", "Bình", "Cường", "Dũng", "Hải", "Hiếu", "Hùng", "Khánh", "Long", "Minh", "Nam", "Phong",
    "Phúc", "Quân", "Sơn", "Tuấn",
];
const GIVEN_FEMALE: [&str; 16] = [
    "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Ngọc", "Nhung", "Phương",
    "Thảo", "Trang", "Vân", "Yến",
];
/// Mobile prefixes that no landline code before the 2017 renumbering
/// shares (a 03x, 07x or 08x number can also be read as an old landline,
/// and the portal asks which was meant).
const MOBILE: [&str; 7] = ["090", "091", "093", "094", "096", "097", "098"];
const HAMLETS: [&str; 8] = [
    "ấp Tân Hòa",
    "ấp Mỹ Phú",
    "ấp Bình Thạnh",
    "khóm 2",
    "khóm 4",
    "ấp Long Hưng",
    "ấp An Lợi",
    "ấp Phú Điền",
];
/// Identity-number place codes of the people who file here: the two
/// provinces merged into Đồng Tháp, and a few from elsewhere.
const PLACES: [u16; 10] = [87, 87, 87, 87, 82, 82, 82, 86, 89, 79];

/// A made-up person.
#[derive(Debug, Clone)]
pub struct Person {
    pub name: String,
    pub identity_number: String,
    pub born: NaiveDate,
    pub female: bool,
    pub phone: String,
    pub email: Option<String>,
    pub commune: &'static Commune,
    pub street: String,
}

impl Person {
    pub fn applicant(&self, units: &Units) -> Applicant {
        Applicant {
            user: None,
            name: self.name.clone(),
            identity_number: Some(self.identity_number.clone()),
            phone: Some(self.phone.clone()),
            email: self.email.clone(),
            address: Some(self.address(units)),
        }
    }

    fn address(&self, units: &Units) -> String {
        let province = units
            .province_of(self.commune)
            .map(|p| p.name.as_str())
            .unwrap_or_default();
        format!("{}, {}, {province}", self.street, self.commune.name)
    }
}

/// Picks from a non-empty list.
fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

fn digits(rng: &mut fastrand::Rng, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + rng.u8(0..10))).collect()
}

/// Someone living in one of `communes` (not empty), adult on `on`.
pub fn person(rng: &mut fastrand::Rng, communes: &[&'static Commune], on: NaiveDate) -> Person {
    let female = rng.bool();
    let (middle, given) = if female {
        (pick(rng, &MIDDLE_FEMALE), pick(rng, &GIVEN_FEMALE))
    } else {
        (pick(rng, &MIDDLE_MALE), pick(rng, &GIVEN_MALE))
    };
    let name = format!("{} {middle} {given}", pick(rng, &SURNAMES));
    let born = birth_date(rng, on, 18, 80);
    let identity_number = identity_number(rng, born, female);
    let email = (rng.f64() < 0.3).then(|| {
        let folded = motcua_domain::text::fold(given).replace(' ', "");
        format!("{folded}{}@example.com", digits(rng, 4))
    });
    Person {
        name,
        identity_number,
        born,
        female,
        phone: format!("{}{}", pick(rng, &MOBILE), digits(rng, 7)),
        email,
        commune: communes[rng.usize(..communes.len())],
        street: format!("Số {}, {}", rng.u16(1..300), pick(rng, &HAMLETS)),
    }
}

/// A day between `min` and `max` years before `on`.
fn birth_date(rng: &mut fastrand::Rng, on: NaiveDate, min: i64, max: i64) -> NaiveDate {
    let days = rng.i64(min * 365..max * 365);
    on - TimeDelta::days(days)
}

/// A 12-digit personal number: the place code, the century-and-sex digit,
/// the year of birth, six more digits (Decree 137/2015 Art. 7).
fn identity_number(rng: &mut fastrand::Rng, born: NaiveDate, female: bool) -> String {
    let century = if born.year() >= 2000 { 2 } else { 0 } + u8::from(female);
    format!(
        "{:03}{century}{:02}{}",
        pick(rng, &PLACES),
        born.year() % 100,
        digits(rng, 6)
    )
}

/// Plausible text for a text field, by what its identifier says it holds.
fn text_for(rng: &mut fastrand::Rng, field: &FormField, who: &Person) -> String {
    let id = field.id.as_str();
    if id.contains("ho_ten") {
        if id.starts_with("nguoi_yeu_cau") || id == "ho_ten" || id.starts_with("chu_") {
            return who.name.clone();
        }
        let other = person(rng, &[who.commune], who.born);
        return other.name;
    }
    if id.contains("dan_toc") {
        return "Kinh".into();
    }
    if id.contains("quoc_tich") {
        return "Việt Nam".into();
    }
    if id.starts_with("noi_") || id.contains("_noi_") || id.contains("que_quan") {
        return who.commune.name.clone();
    }
    if id.starts_with("so_") || id.starts_with("to_") {
        return rng.u32(1..999).to_string();
    }
    "Theo giấy tờ kèm theo".into()
}

/// The raw inputs a person would type into `fields`, checked by the same
/// `forms::fill` as the portal's. File fields are left out: the generator
/// makes no scans.
pub fn form(
    rng: &mut fastrand::Rng,
    fields: &[FormField],
    who: &Person,
    on: NaiveDate,
    units: &Units,
) -> Result<FormValues, String> {
    let mut raw = RawForm::new();
    let mut typed = Vec::new();
    for field in fields {
        if matches!(field.kind, FieldKind::File { .. }) {
            continue;
        }
        typed.push(field.clone());
        let id = field.id.clone();
        let value = match &field.kind {
            FieldKind::Text { max } => {
                let text = text_for(rng, field, who);
                text.chars().take(*max as usize).collect()
            }
            FieldKind::LongText { .. } => "Theo giấy tờ kèm theo.".into(),
            FieldKind::Number { min, max } => {
                let top = (*max).min(min.saturating_add(9));
                rng.i64(*min..=top.max(*min)).to_string()
            }
            FieldKind::Date => {
                let date = if field.id.contains("sinh") {
                    who.born
                } else {
                    birth_date(rng, on, 0, 5)
                };
                date.format("%d/%m/%Y").to_string()
            }
            FieldKind::Choice { options } if !options.is_empty() => pick(rng, options).clone(),
            FieldKind::Choice { .. } => continue,
            FieldKind::IdentityNumber => {
                if field.id.starts_with("nguoi_yeu_cau") || field.id.starts_with("chu_") {
                    who.identity_number.clone()
                } else {
                    let born = birth_date(rng, on, 0, 80);
                    let female = rng.bool();
                    identity_number(rng, born, female)
                }
            }
            FieldKind::Phone => who.phone.clone(),
            FieldKind::Email => match &who.email {
                Some(e) => e.clone(),
                None if field.required => format!("nguoi{}@example.com", digits(rng, 6)),
                None => continue,
            },
            FieldKind::Address => {
                raw.insert(format!("{id}.commune"), who.commune.code.to_string());
                raw.insert(format!("{id}.detail"), who.street.clone());
                continue;
            }
            FieldKind::File { .. } => continue,
        };
        raw.insert(id, value);
    }
    forms::fill(&typed, &raw, &BTreeMap::new(), units).map_err(|problems| {
        problems
            .iter()
            .map(|p| format!("{p:?}"))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

#[cfg(test)]
mod tests {
    use motcua_domain::identity::PersonalNumber;

    use super::*;

    #[test]
    fn made_up_people_fill_every_demo_form_as_the_portal_checks_it() {
        let units = Units::bundled().unwrap();
        let communes: Vec<&'static Commune> = units.communes().iter().take(20).collect();
        let on = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let procedures =
            crate::catalog::parse(crate::demo::CATALOG_YAML, crate::catalog::Format::Yaml)
                .unwrap()
                .procedures;
        let mut rng = fastrand::Rng::with_seed(7);
        for i in 0..300 {
            let p = person(&mut rng, &communes, on);
            PersonalNumber::parse(&p.identity_number).unwrap();
            assert!(p.email.as_ref().is_none_or(|e| e.ends_with("@example.com")));
            assert_eq!(p.name.split(' ').count(), 3);
            let procedure = &procedures[i % procedures.len()];
            let values = form(&mut rng, &procedure.form, &p, on, units)
                .unwrap_or_else(|e| panic!("{}: {e}", procedure.code));
            assert!(!values.is_empty());
        }
    }
}
