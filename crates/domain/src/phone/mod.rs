//! Vietnamese phone numbers across the 2017 and 2018 renumberings.
//!
//! This room reads a phone number as people wrote it — in a form, a
//! spreadsheet, a vCard, years ago — and says what number it is today. It is
//! pure: no I/O, no clock (the recording date is an argument), and reading a
//! number allocates nothing but the list of candidates of an ambiguous one
//! (the tables and their index are compile-time constants; digits are held
//! inline).
//!
//! # The plan ([`plan`]; its spellings in `form.rs`, their collisions in `collision.rs`)
//! - **Landlines**, QĐ 2036/QĐ-BTTTT (21/11/2016): every area code but four
//!   changed in three phases — 11/02/2017, 15/04/2017, 17/06/2017 — each
//!   with a month of parallel dialling. Subscriber digits are kept
//!   (`067 3 851234` → `0277 3 851234`). Today every landline has 11 digits:
//!   `02xx` + 7, or Hà Nội `024` / TP.HCM `028` + 8. Before, the code had 2
//!   to 4 digits (Hà Nội `04` and TP.HCM `08` + 8).
//! - **Mobiles**, QĐ 798/QĐ-BTTTT (25/05/2018): the 11-digit prefixes `01xx`
//!   became 10-digit ones from 15/09/2018, parallel dialling until
//!   14/11/2018; we accept the old spelling as current until 30/06/2019, the
//!   end of the window. The last 7 digits are kept (`0168 912 3456` →
//!   `038 912 3456`).
//! - The 10-digit mobile prefixes that kept their form (09x, 086, 087, 088,
//!   089) are rows too, with their dates where a source gives one.
//! - A landline subscriber number never starts with 0 or 1.
//!
//! For a mobile the plan names the **original** network only. Since mobile
//! number portability (16/11/2018) a subscriber may keep the number on
//! another carrier: the prefix does not tell who carries it now.
//!
//! # Reading
//! 1. Spelling (`parse.rs`): digits with spaces, dots, dashes, brackets or
//!    slashes between them; `+84…` or `0084…` (country code), `0…`
//!    (national), or no `0` at all (a spreadsheet dropped it: `912345678`,
//!    `1689123456`, `2773123456`). A bare `84…` is tried both as the country
//!    code and as a number starting `084`.
//! 2. Every meaning each candidate has in the plan ([`Reading`]): a current
//!    or an old spelling, mobile or landline, with the days it was in use and
//!    what it is today.
//! 3. The recording information ([`Recorded`]) keeps the meanings possible
//!    then:
//!    - `On(day)`: those in use that day; if none, those that had begun by
//!      then (an old spelling still typed after the change: `067 3 123456`
//!      written in 2020 is an old Đồng Tháp landline, `0277 3 123456`);
//!    - `Before(day)`: those in use at some time before that day;
//!    - `Unknown`: every meaning there ever was.
//!
//! # Ambiguity policy
//! If the remaining meanings all give one number today, that is the answer
//! ([`PhoneNumber`], saying whether and by which rule it was renumbered). If
//! they give different numbers, the answer is [`PhoneError::Ambiguous`] with
//! every candidate: **never a guess**. Many 10-digit numbers are old
//! landlines and today's mobiles at once ([`collisions`]: Quảng Ninh's old
//! `033` vs Viettel's `033`, TP.HCM's old `08` + 8 digits vs the `08x`
//! mobiles…). A date usually settles them, but not always: `086`, `088` and
//! `089` mobiles already existed while TP.HCM still dialled `08` (and `087`
//! has no known start), so `0868 123 456` recorded in 2016 stays ambiguous.
//!
//! # Sources
//! QĐ 2036/QĐ-BTTTT (21/11/2016) and QĐ 798/QĐ-BTTTT (25/05/2018), as
//! summarised in DOMAIN §6; the pre-2018 mobile prefixes from operator lists
//! in the press, named on each row.

mod collision;
mod digits;
mod error;
mod form;
mod parse;
pub mod plan;
mod readings;

use std::fmt;

use chrono::NaiveDate;

pub use collision::{Collision, collisions};
pub use digits::Digits;
pub use error::PhoneError;
pub use form::Form;
pub use plan::{Kind, Network, Owner, PlanEntry, Replaced};
pub use readings::{Reading, Readings};

/// What we know of when a number was written down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Recorded {
    /// Nothing: every meaning the number ever had counts.
    #[default]
    Unknown,
    /// On this day.
    On(NaiveDate),
    /// Some time before this day.
    Before(NaiveDate),
}

impl fmt::Display for Recorded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Recorded::Unknown => f.write_str("recording date unknown"),
            Recorded::On(d) => write!(f, "recorded on {d}"),
            Recorded::Before(d) => write!(f, "recorded before {d}"),
        }
    }
}

impl Recorded {
    /// Whether a meaning is possible for a number recorded so.
    fn admits(self, r: &Reading) -> bool {
        match self {
            Recorded::Unknown => true,
            Recorded::On(day) => r.form().valid_on(day),
            Recorded::Before(day) => r.valid_from().is_none_or(|from| from < day),
        }
    }

    /// For `On(day)` when nothing was in use that day: the meanings that had
    /// begun by then (an old spelling typed after it changed).
    fn admits_late(self, r: &Reading) -> bool {
        match self {
            Recorded::On(day) => r.valid_from().is_none_or(|from| from <= day),
            Recorded::Unknown | Recorded::Before(_) => false,
        }
    }
}

/// A renumbering applied to reach today's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Conversion {
    /// The national number as read, in the old spelling (`01689123456`).
    pub from: Digits,
    /// The plan row that renumbered it (its `source` names the QĐ).
    pub entry: &'static PlanEntry,
}

impl Conversion {
    /// The old prefix (`0168`).
    pub fn old_prefix(&self) -> &'static str {
        self.entry.replaced.map_or(self.entry.prefix, |r| r.prefix)
    }

    /// The new prefix (`038`).
    pub fn new_prefix(&self) -> &'static str {
        self.entry.prefix
    }
}

/// A phone number as it is dialled today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PhoneNumber {
    national: Digits,
    e164: Digits,
    reading: Reading,
}

impl PhoneNumber {
    fn new(reading: Reading) -> Self {
        let national = reading.today();
        let mut e164 = Digits::from_bytes(b"+84");
        e164.extend(national.as_bytes().get(1..).unwrap_or(&[]));
        PhoneNumber {
            national,
            e164,
            reading,
        }
    }

    /// Today's national form: `0912345678`, `02773851234`.
    pub fn national(&self) -> &str {
        self.national.as_str()
    }

    /// Today's international form (E.164): `+84912345678`.
    pub fn e164(&self) -> &str {
        self.e164.as_str()
    }

    /// Mobile or landline.
    pub fn kind(&self) -> Kind {
        self.reading.kind()
    }

    /// Province or original network.
    pub fn owner(&self) -> Owner {
        self.reading.owner()
    }

    /// The network the prefix was allocated to, for a mobile. Not
    /// necessarily today's carrier (number portability).
    pub fn network(&self) -> Option<Network> {
        self.reading.network()
    }

    /// The province of the area code, for a landline.
    pub fn province(&self) -> Option<&'static str> {
        self.reading.province()
    }

    /// The plan row of today's prefix.
    pub fn entry(&self) -> &'static PlanEntry {
        self.reading.entry()
    }

    /// The reading that gave this number.
    pub fn reading(&self) -> &Reading {
        &self.reading
    }

    /// The renumbering applied, if the input was in an old spelling.
    pub fn conversion(&self) -> Option<Conversion> {
        self.reading.is_renumbered().then(|| Conversion {
            from: self.reading.read_as(),
            entry: self.reading.entry(),
        })
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.national())
    }
}

/// Reads `input` as a Vietnamese phone number and gives today's number, or
/// why there is none (invalid, or ambiguous with its candidates).
///
/// ```
/// use motcua_domain::phone::{normalize, Recorded};
/// use chrono::NaiveDate;
///
/// let n = normalize("0168 912 3456", Recorded::Unknown).unwrap();
/// assert_eq!(n.national(), "0389123456");
/// assert_eq!(n.e164(), "+84389123456");
///
/// // An old Đồng Tháp landline typed in 2020.
/// let on = Recorded::On(NaiveDate::from_ymd_opt(2020, 1, 2).unwrap());
/// assert_eq!(normalize("067 3 851234", on).unwrap().national(), "02773851234");
///
/// // Quảng Ninh's old 033 or Viettel's 033? Without a date: not guessed.
/// assert!(normalize("033 3 123456", Recorded::Unknown).unwrap_err().is_ambiguous());
/// ```
pub fn normalize(input: &str, recorded: Recorded) -> Result<PhoneNumber, PhoneError> {
    let all = readings(input)?;
    let mut kept = all.filtered(|r| recorded.admits(r));
    if kept.is_empty() {
        kept = all.filtered(|r| recorded.admits_late(r));
    }
    let Some(first) = kept.as_slice().first().copied() else {
        return Err(not_in_use(&all, recorded));
    };
    let today = first.today();
    if kept.as_slice().iter().all(|r| r.today() == today) {
        return Ok(PhoneNumber::new(first));
    }
    // One reading per number today, in plan order.
    let mut distinct = Readings::new();
    for r in &kept {
        if !distinct.as_slice().iter().any(|d| d.today() == r.today()) {
            distinct.push(*r);
        }
    }
    Err(PhoneError::Ambiguous {
        national: first.read_as(),
        readings: Box::new(distinct),
    })
}

/// Every meaning `input` ever had in the plan, whatever the date; an error
/// when it has none.
pub fn readings(input: &str) -> Result<Readings, PhoneError> {
    let spelling = parse::read(input)?;
    let candidates = parse::candidates(&spelling)?;
    let mut found = Readings::new();
    for c in candidates.as_slice() {
        let national = c.national.as_bytes();
        if c.len != national.len() {
            continue;
        }
        for spelling in form::candidate_forms(national) {
            if spelling.matches(national) {
                found.push(Reading::new(c.national, spelling));
            }
        }
    }
    if found.is_empty() {
        return Err(explain(&spelling, &candidates));
    }
    Ok(found)
}

/// Why digits that read as nothing in the plan are not a number.
fn explain(spelling: &parse::Spelling, candidates: &parse::Candidates) -> PhoneError {
    if spelling.looks_like_service_number() {
        return PhoneError::ServiceNumber {
            number: Digits::from_bytes(spelling.digits()),
        };
    }
    let c = candidates.primary();
    if c.len < 10 {
        return PhoneError::TooShort {
            national: c.national,
        };
    }
    if c.len > 11 {
        return PhoneError::TooLong { digits: c.len };
    }
    let national = c.national.as_bytes();
    let same_prefix =
        || form::candidate_forms(national).filter(|f| national.starts_with(f.prefix().as_bytes()));
    match same_prefix().find(|f| f.len() == c.len) {
        Some(f) => PhoneError::BadSubscriber {
            national: c.national,
            prefix: f.prefix(),
        },
        None => match same_prefix().next() {
            Some(f) => PhoneError::WrongLength {
                national: c.national,
                kind: f.entry.kind,
                prefix: f.prefix(),
                expected: f.len(),
            },
            None => PhoneError::UnknownPrefix {
                national: c.national,
            },
        },
    }
}

/// The error when the recording date excludes every reading: they all
/// began later. Names the earliest.
fn not_in_use(all: &Readings, recorded: Recorded) -> PhoneError {
    let earliest = all
        .as_slice()
        .iter()
        .filter_map(|r| r.valid_from().map(|from| (from, r)))
        .min_by_key(|(from, _)| *from);
    match earliest {
        Some((from, r)) => PhoneError::NotInUse {
            national: r.read_as(),
            prefix: r.form().prefix(),
            from,
            recorded,
        },
        // Unreachable: a reading without a start date is always admitted.
        None => PhoneError::UnknownPrefix {
            national: all
                .as_slice()
                .first()
                .map(|r| r.read_as())
                .unwrap_or_default(),
        },
    }
}
