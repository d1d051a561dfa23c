//! The list of units: codes, kinds, and the two CSV files that carry them.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::search::{self, SearchKey};
use super::{AddressError, CodeKind};
use crate::text;

/// The bundled list (see `data/addresses/README.md`).
const PROVINCES_CSV: &str = include_str!("../../../../data/addresses/provinces.csv");
const COMMUNES_CSV: &str = include_str!("../../../../data/addresses/communes.csv");
const PROVINCES_HEADER: &str = "code,name,short_name,kind";
const COMMUNES_HEADER: &str = "code,name,short_name,kind,province";

/// A province's official code: two digits ("01" Hà Nội, "82" Đồng Tháp).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProvinceCode(u8);

/// A commune's official code: five digits ("29869" Phường Cao Lãnh).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommuneCode(u32);

/// Parse exactly `digits` ASCII digits, not all zeros.
fn parse_code(text: &str, what: CodeKind) -> Result<u32, AddressError> {
    let bad = || AddressError::BadCode {
        what,
        text: text.to_owned(),
    };
    if text.len() != what.digits() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    match text.parse::<u32>() {
        Ok(0) | Err(_) => Err(bad()),
        Ok(n) => Ok(n),
    }
}

impl ProvinceCode {
    /// The code with this number (1–99).
    pub fn new(number: u8) -> Option<Self> {
        (1..=99).contains(&number).then_some(ProvinceCode(number))
    }

    pub fn number(self) -> u8 {
        self.0
    }
}

impl CommuneCode {
    /// The code with this number (1–99,999).
    pub fn new(number: u32) -> Option<Self> {
        (1..=99_999)
            .contains(&number)
            .then_some(CommuneCode(number))
    }

    pub fn number(self) -> u32 {
        self.0
    }
}

impl FromStr for ProvinceCode {
    type Err = AddressError;

    /// Exactly two digits, as the official list writes them ("01").
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let n = parse_code(s, CodeKind::Province)?;
        u8::try_from(n)
            .ok()
            .and_then(ProvinceCode::new)
            .ok_or_else(|| AddressError::BadCode {
                what: CodeKind::Province,
                text: s.to_owned(),
            })
    }
}

impl FromStr for CommuneCode {
    type Err = AddressError;

    /// Exactly five digits, as the official list writes them ("00004").
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let n = parse_code(s, CodeKind::Commune)?;
        CommuneCode::new(n).ok_or_else(|| AddressError::BadCode {
            what: CodeKind::Commune,
            text: s.to_owned(),
        })
    }
}

impl fmt::Display for ProvinceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

impl fmt::Display for CommuneCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:05}", self.0)
    }
}

macro_rules! serde_as_text {
    ($ty:ty) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

serde_as_text!(ProvinceCode);
serde_as_text!(CommuneCode);

/// What a province is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProvinceKind {
    /// *Tỉnh*.
    #[serde(rename = "tinh")]
    Province,
    /// *Thành phố trực thuộc trung ương* (a centrally-run city).
    #[serde(rename = "thanh-pho")]
    City,
}

impl ProvinceKind {
    /// The key used in the data file.
    pub fn key(self) -> &'static str {
        match self {
            ProvinceKind::Province => "tinh",
            ProvinceKind::City => "thanh-pho",
        }
    }

    /// The word that starts the official name.
    pub fn prefix(self) -> &'static str {
        match self {
            ProvinceKind::Province => "Tỉnh",
            ProvinceKind::City => "Thành phố",
        }
    }

    fn from_key(key: &str) -> Option<Self> {
        [ProvinceKind::Province, ProvinceKind::City]
            .into_iter()
            .find(|k| k.key() == key)
    }
}

/// What a commune-level unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CommuneKind {
    /// *Xã* (rural commune).
    #[serde(rename = "xa")]
    Commune,
    /// *Phường* (urban ward).
    #[serde(rename = "phuong")]
    Ward,
    /// *Đặc khu* (special zone: islands such as Phú Quốc, Côn Đảo).
    #[serde(rename = "dac-khu")]
    SpecialZone,
}

impl CommuneKind {
    /// The key used in the data file.
    pub fn key(self) -> &'static str {
        match self {
            CommuneKind::Commune => "xa",
            CommuneKind::Ward => "phuong",
            CommuneKind::SpecialZone => "dac-khu",
        }
    }

    /// The word that starts the official name.
    pub fn prefix(self) -> &'static str {
        match self {
            CommuneKind::Commune => "Xã",
            CommuneKind::Ward => "Phường",
            CommuneKind::SpecialZone => "Đặc khu",
        }
    }

    fn from_key(key: &str) -> Option<Self> {
        [
            CommuneKind::Commune,
            CommuneKind::Ward,
            CommuneKind::SpecialZone,
        ]
        .into_iter()
        .find(|k| k.key() == key)
    }
}

/// A province or centrally-run city.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Province {
    pub code: ProvinceCode,
    /// The official name, kind word included ("Tỉnh Đồng Tháp").
    pub name: String,
    /// The name without its kind word ("Đồng Tháp").
    pub short_name: String,
    pub kind: ProvinceKind,
}

/// A commune-level unit (*xã*, *phường*, *đặc khu*).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commune {
    pub code: CommuneCode,
    /// The official name, kind word included ("Phường Cao Lãnh").
    pub name: String,
    /// The name without its kind word ("Cao Lãnh").
    pub short_name: String,
    pub kind: CommuneKind,
    pub province: ProvinceCode,
}

/// The administrative units in force: every province and commune, looked up
/// by code, listed by province and searched by name.
#[derive(Debug)]
pub struct Units {
    /// By code.
    provinces: Vec<Province>,
    /// By code.
    communes: Vec<Commune>,
    /// Indexes into `communes`, in code order, for each province.
    by_province: BTreeMap<ProvinceCode, Vec<usize>>,
    province_keys: Vec<[SearchKey; 2]>,
    commune_keys: Vec<[SearchKey; 2]>,
}

impl Units {
    /// The list shipped in `data/addresses/`, read and checked once.
    pub fn bundled() -> Result<&'static Units, AddressError> {
        static BUNDLED: OnceLock<Result<Units, AddressError>> = OnceLock::new();
        BUNDLED
            .get_or_init(|| Units::parse(PROVINCES_CSV, COMMUNES_CSV))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// A list from the two CSV texts (`data/addresses/README.md` gives the
    /// columns), checked whole: the header, the column count, codes in
    /// strictly ascending order, known kinds, each name made of its kind
    /// word and short name, NFC text, every commune in a known province and
    /// every province with at least one commune.
    pub fn parse(provinces_csv: &str, communes_csv: &str) -> Result<Units, AddressError> {
        const PF: &str = "provinces.csv";
        const CF: &str = "communes.csv";
        let mut provinces: Vec<Province> = Vec::new();
        for (line, fields) in rows(PF, provinces_csv, PROVINCES_HEADER)? {
            let [code, name, short_name, kind] = fields[..] else {
                return Err(data(PF, line, "expected 4 columns"));
            };
            let code: ProvinceCode = code.parse().map_err(|e| data(PF, line, e))?;
            let kind = ProvinceKind::from_key(kind)
                .ok_or_else(|| data(PF, line, format!("unknown kind {kind:?}")))?;
            check_name(PF, line, name, kind.prefix(), short_name)?;
            if provinces.last().is_some_and(|p| p.code >= code) {
                return Err(data(PF, line, "codes must be in ascending order"));
            }
            provinces.push(Province {
                code,
                name: name.to_owned(),
                short_name: short_name.to_owned(),
                kind,
            });
        }
        let mut communes: Vec<Commune> = Vec::new();
        let mut by_province: BTreeMap<ProvinceCode, Vec<usize>> = BTreeMap::new();
        for (line, fields) in rows(CF, communes_csv, COMMUNES_HEADER)? {
            let [code, name, short_name, kind, province] = fields[..] else {
                return Err(data(CF, line, "expected 5 columns"));
            };
            let code: CommuneCode = code.parse().map_err(|e| data(CF, line, e))?;
            let kind = CommuneKind::from_key(kind)
                .ok_or_else(|| data(CF, line, format!("unknown kind {kind:?}")))?;
            check_name(CF, line, name, kind.prefix(), short_name)?;
            let province: ProvinceCode = province.parse().map_err(|e| data(CF, line, e))?;
            if provinces
                .binary_search_by_key(&province, |p| p.code)
                .is_err()
            {
                return Err(data(CF, line, format!("unknown province {province}")));
            }
            if communes.last().is_some_and(|c| c.code >= code) {
                return Err(data(CF, line, "codes must be in ascending order"));
            }
            by_province
                .entry(province)
                .or_default()
                .push(communes.len());
            communes.push(Commune {
                code,
                name: name.to_owned(),
                short_name: short_name.to_owned(),
                kind,
                province,
            });
        }
        if let Some((i, empty)) = provinces
            .iter()
            .enumerate()
            .find(|(_, p)| !by_province.contains_key(&p.code))
        {
            // Line 1 is the header.
            return Err(data(
                PF,
                i + 2,
                format!("province {} has no commune", empty.code),
            ));
        }
        let province_keys = provinces
            .iter()
            .map(|p| [SearchKey::new(&p.name), SearchKey::new(&p.short_name)])
            .collect();
        let commune_keys = communes
            .iter()
            .map(|c| [SearchKey::new(&c.name), SearchKey::new(&c.short_name)])
            .collect();
        Ok(Units {
            provinces,
            communes,
            by_province,
            province_keys,
            commune_keys,
        })
    }

    /// Every province, by code.
    pub fn provinces(&self) -> &[Province] {
        &self.provinces
    }

    /// Every commune, by code.
    pub fn communes(&self) -> &[Commune] {
        &self.communes
    }

    pub fn province(&self, code: ProvinceCode) -> Option<&Province> {
        self.provinces
            .binary_search_by_key(&code, |p| p.code)
            .ok()
            .and_then(|i| self.provinces.get(i))
    }

    pub fn commune(&self, code: CommuneCode) -> Option<&Commune> {
        self.communes
            .binary_search_by_key(&code, |c| c.code)
            .ok()
            .and_then(|i| self.communes.get(i))
    }

    /// The province a commune belongs to.
    pub fn province_of(&self, commune: &Commune) -> Option<&Province> {
        self.province(commune.province)
    }

    /// The communes of a province, in code order (the official list's
    /// order); empty for an unknown province.
    pub fn communes_of(&self, province: ProvinceCode) -> Vec<&Commune> {
        self.by_province
            .get(&province)
            .map(|indexes| {
                indexes
                    .iter()
                    .filter_map(|&i| self.communes.get(i))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Communes whose name matches `query`, ignoring diacritics, case and
    /// spacing, best first, at most `limit`; only those of `province` when
    /// given. Ranking: the whole name (with or without its kind word) equal
    /// to the query, then names that start with it, then names that contain
    /// it; ties by short name, then code. An empty query finds nothing.
    pub fn search(
        &self,
        query: &str,
        province: Option<ProvinceCode>,
        limit: usize,
    ) -> Vec<&Commune> {
        let query = SearchKey::new(query);
        let candidates = self
            .communes
            .iter()
            .zip(&self.commune_keys)
            .filter(|(c, _)| province.is_none_or(|p| c.province == p));
        search::ranked(&query, candidates, |c| &c.short_name, limit)
    }

    /// Provinces whose name matches `query`, ranked as [`Units::search`].
    pub fn search_provinces(&self, query: &str, limit: usize) -> Vec<&Province> {
        let query = SearchKey::new(query);
        let candidates = self.provinces.iter().zip(&self.province_keys);
        search::ranked(&query, candidates, |p| &p.short_name, limit)
    }
}

fn data(file: &'static str, line: usize, reason: impl fmt::Display) -> AddressError {
    AddressError::Data {
        file,
        line,
        reason: reason.to_string(),
    }
}

/// The data rows of a plain CSV text (no quoting), each with its 1-based
/// line number, after checking the header and that every field is
/// non-empty, trimmed NFC text.
fn rows<'a>(
    file: &'static str,
    csv: &'a str,
    header: &str,
) -> Result<Vec<(usize, Vec<&'a str>)>, AddressError> {
    let mut lines = csv.lines().enumerate().map(|(i, l)| (i + 1, l));
    match lines.next() {
        Some((_, first)) if first == header => {}
        _ => return Err(data(file, 1, format!("the header must be {header:?}"))),
    }
    let mut out = Vec::new();
    for (line, text) in lines {
        let fields: Vec<&str> = text.split(',').collect();
        for field in &fields {
            if field.is_empty() || field.trim() != *field {
                return Err(data(file, line, "empty field or surrounding spaces"));
            }
            if text::nfc(field) != *field {
                return Err(data(file, line, "text is not NFC"));
            }
            if field.contains('"') {
                return Err(data(file, line, "quoted fields are not supported"));
            }
        }
        out.push((line, fields));
    }
    Ok(out)
}

/// The official name is the kind word, a space and the short name.
fn check_name(
    file: &'static str,
    line: usize,
    name: &str,
    prefix: &str,
    short_name: &str,
) -> Result<(), AddressError> {
    let matches = name
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix(' '))
        .is_some_and(|rest| rest == short_name);
    if matches {
        Ok(())
    } else {
        Err(data(
            file,
            line,
            format!("{name:?} is not {prefix:?} followed by {short_name:?}"),
        ))
    }
}
