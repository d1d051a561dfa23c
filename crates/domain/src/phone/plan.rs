//! The numbering plan as data: which prefixes Vietnam dials today, which ones
//! they replaced and when, and who they belong to. Each row names its source.
//!
//! Nothing here reads a number; [`super::normalize`] does that with these
//! tables, through the spellings they accept (`form.rs`). Everything
//! is a `const`, and the prefix index is built from the tables at compile
//! time, so adding a row is the only thing a change in the plan needs.
//!
//! Lengths are not stored: a current mobile number has 10 digits and a
//! current landline 11 ([`Kind::national_len`]), and a renumbering keeps the
//! subscriber digits, so an old spelling is the old prefix followed by as
//! many digits as follow the new one.

use chrono::NaiveDate;

/// Mobile or landline (fixed) service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// *Di động.*
    Mobile,
    /// *Cố định* (fixed line).
    Landline,
}

impl Kind {
    /// Digits of a number of this kind in today's national form, trunk `0`
    /// included: mobiles 0 + 9 digits, landlines 0 + 10 digits (`02xx` + 7,
    /// or Hà Nội `024` / TP.HCM `028` + 8).
    pub const fn national_len(self) -> usize {
        match self {
            Kind::Mobile => 10,
            Kind::Landline => 11,
        }
    }

    /// A stable lower-case name (`mobile`, `landline`) for files and JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Mobile => "mobile",
            Kind::Landline => "landline",
        }
    }
}

/// The mobile network a prefix was allocated to.
///
/// This is the *original* network only: since mobile number portability
/// (from 16/11/2018) a subscriber keeps the number when changing carrier, so
/// the prefix no longer tells who carries it today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Network {
    /// Viettel (also the former EVN Telecom range 096, merged into Viettel in 2011).
    Viettel,
    /// MobiFone.
    MobiFone,
    /// VinaPhone (VNPT).
    VinaPhone,
    /// Vietnamobile (formerly HT Mobile).
    Vietnamobile,
    /// Gmobile (Gtel; formerly Beeline).
    Gmobile,
    /// iTel (Đông Dương Telecom), a virtual network.
    Itel,
    /// Mobicast, a virtual network (brands Reddi, later Wintel).
    Mobicast,
}

impl Network {
    /// The network's usual name.
    pub const fn name(self) -> &'static str {
        match self {
            Network::Viettel => "Viettel",
            Network::MobiFone => "MobiFone",
            Network::VinaPhone => "VinaPhone",
            Network::Vietnamobile => "Vietnamobile",
            Network::Gmobile => "Gmobile",
            Network::Itel => "iTel",
            Network::Mobicast => "Mobicast (Reddi/Wintel)",
        }
    }
}

/// Who a prefix belongs to: a network for mobiles, a province for landlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Owner {
    /// The network the mobile prefix was allocated to (see [`Network`]).
    Network(Network),
    /// The province whose area code it is, named as in QĐ 2036/QĐ-BTTTT
    /// (before the province mergers of 01/07/2025).
    Province(&'static str),
}

/// The prefix a plan entry replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Replaced {
    /// The old prefix, national form with the trunk `0` (`"067"`, `"0168"`).
    pub prefix: &'static str,
    /// The last day we accept a number spelled with the old prefix as
    /// current: the end of parallel dialling for landlines, the end of the
    /// 2018 window for mobiles.
    pub valid_until: NaiveDate,
}

/// One row of the numbering plan: a prefix in use today, and the prefix it
/// replaced if it was renumbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PlanEntry {
    /// Mobile or landline.
    pub kind: Kind,
    /// Its province or original network.
    pub owner: Owner,
    /// Today's prefix, national form with the trunk `0` (`"0277"`, `"038"`).
    pub prefix: &'static str,
    /// The first day today's prefix could be dialled; `None` when it was in
    /// use before any date these tables cover.
    pub valid_from: Option<NaiveDate>,
    /// The old prefix, if this entry was renumbered.
    pub replaced: Option<Replaced>,
    /// Where the row comes from.
    pub source: &'static str,
}

impl PlanEntry {
    /// Subscriber digits after the prefix, in both spellings.
    pub const fn subscriber_len(&self) -> usize {
        self.kind.national_len() - self.prefix.len()
    }
}

/// A phase of the 2017 landline renumbering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Phase {
    /// 1, 2 or 3.
    pub number: u8,
    /// The first day of the new codes.
    pub starts: NaiveDate,
    /// The last day of parallel dialling (old and new codes both work).
    pub parallel_until: NaiveDate,
}

/// A date written in a table. Invalid dates cannot be written by mistake:
/// the test `every_date_in_the_tables_is_real` checks that none is `MIN`.
const fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => d,
        None => NaiveDate::MIN,
    }
}

// ---------------------------------------------------------------------------
// Landlines: QĐ 2036/QĐ-BTTTT (21/11/2016), "chuyển đổi mã vùng", three
// phases, each with a month of parallel dialling. Pairs and dates from
// DOMAIN §6 (tvxdkg.com.vn, nld.com.vn, kienthuc.net.vn), cross-checked
// against mappings in public code. Subscriber digits are kept.
// ---------------------------------------------------------------------------

/// QĐ 2036/QĐ-BTTTT phase 1: from 11/02/2017, parallel dialling until 13/03/2017.
pub const PHASE_1: Phase = Phase {
    number: 1,
    starts: ymd(2017, 2, 11),
    parallel_until: ymd(2017, 3, 13),
};
/// QĐ 2036/QĐ-BTTTT phase 2: from 15/04/2017, parallel dialling until 14/05/2017.
pub const PHASE_2: Phase = Phase {
    number: 2,
    starts: ymd(2017, 4, 15),
    parallel_until: ymd(2017, 5, 14),
};
/// QĐ 2036/QĐ-BTTTT phase 3: from 17/06/2017, parallel dialling until 16/07/2017.
pub const PHASE_3: Phase = Phase {
    number: 3,
    starts: ymd(2017, 6, 17),
    parallel_until: ymd(2017, 7, 16),
};

const SOURCE_2036: [&str; 3] = [
    "QĐ 2036/QĐ-BTTTT (21/11/2016), phase 1",
    "QĐ 2036/QĐ-BTTTT (21/11/2016), phase 2",
    "QĐ 2036/QĐ-BTTTT (21/11/2016), phase 3",
];

const fn area(
    old: &'static str,
    new: &'static str,
    province: &'static str,
    phase: Phase,
) -> PlanEntry {
    let source = match phase.number {
        1 => SOURCE_2036[0],
        2 => SOURCE_2036[1],
        _ => SOURCE_2036[2],
    };
    PlanEntry {
        kind: Kind::Landline,
        owner: Owner::Province(province),
        prefix: new,
        valid_from: Some(phase.starts),
        replaced: Some(Replaced {
            prefix: old,
            valid_until: phase.parallel_until,
        }),
        source,
    }
}

/// QĐ 2036/QĐ-BTTTT: every area code that changed (59 provinces).
#[rustfmt::skip]
pub const LANDLINE_2017: [PlanEntry; 59] = [
    // Phase 1 — 11/02/2017
    area("022",  "0212", "Sơn La", PHASE_1),
    area("0231", "0213", "Lai Châu", PHASE_1),
    area("020",  "0214", "Lào Cai", PHASE_1),
    area("0230", "0215", "Điện Biên", PHASE_1),
    area("029",  "0216", "Yên Bái", PHASE_1),
    area("052",  "0232", "Quảng Bình", PHASE_1),
    area("053",  "0233", "Quảng Trị", PHASE_1),
    area("054",  "0234", "Thừa Thiên Huế", PHASE_1),
    area("0510", "0235", "Quảng Nam", PHASE_1),
    area("0511", "0236", "Đà Nẵng", PHASE_1),
    area("037",  "0237", "Thanh Hóa", PHASE_1),
    area("038",  "0238", "Nghệ An", PHASE_1),
    area("039",  "0239", "Hà Tĩnh", PHASE_1),
    // Phase 2 — 15/04/2017
    area("033",  "0203", "Quảng Ninh", PHASE_2),
    area("0240", "0204", "Bắc Giang", PHASE_2),
    area("025",  "0205", "Lạng Sơn", PHASE_2),
    area("026",  "0206", "Cao Bằng", PHASE_2),
    area("027",  "0207", "Tuyên Quang", PHASE_2),
    area("0280", "0208", "Thái Nguyên", PHASE_2),
    area("0281", "0209", "Bắc Kạn", PHASE_2),
    area("0320", "0220", "Hải Dương", PHASE_2),
    area("0321", "0221", "Hưng Yên", PHASE_2),
    area("0241", "0222", "Bắc Ninh", PHASE_2),
    area("031",  "0225", "Hải Phòng", PHASE_2),
    area("0351", "0226", "Hà Nam", PHASE_2),
    area("036",  "0227", "Thái Bình", PHASE_2),
    area("0350", "0228", "Nam Định", PHASE_2),
    area("030",  "0229", "Ninh Bình", PHASE_2),
    area("0780", "0290", "Cà Mau", PHASE_2),
    area("0781", "0291", "Bạc Liêu", PHASE_2),
    area("0710", "0292", "Cần Thơ", PHASE_2),
    area("0711", "0293", "Hậu Giang", PHASE_2),
    area("074",  "0294", "Trà Vinh", PHASE_2),
    area("076",  "0296", "An Giang", PHASE_2),
    area("077",  "0297", "Kiên Giang", PHASE_2),
    area("079",  "0299", "Sóc Trăng", PHASE_2),
    // Phase 3 — 17/06/2017 (Hà Nội and TP.HCM have 8 subscriber digits)
    area("04",   "024",  "Hà Nội", PHASE_3),
    area("08",   "028",  "TP. Hồ Chí Minh", PHASE_3),
    area("061",  "0251", "Đồng Nai", PHASE_3),
    area("062",  "0252", "Bình Thuận", PHASE_3),
    area("064",  "0254", "Bà Rịa – Vũng Tàu", PHASE_3),
    area("055",  "0255", "Quảng Ngãi", PHASE_3),
    area("056",  "0256", "Bình Định", PHASE_3),
    area("057",  "0257", "Phú Yên", PHASE_3),
    area("058",  "0258", "Khánh Hòa", PHASE_3),
    area("068",  "0259", "Ninh Thuận", PHASE_3),
    area("060",  "0260", "Kon Tum", PHASE_3),
    area("0501", "0261", "Đắk Nông", PHASE_3),
    area("0500", "0262", "Đắk Lắk", PHASE_3),
    area("063",  "0263", "Lâm Đồng", PHASE_3),
    area("059",  "0269", "Gia Lai", PHASE_3),
    area("070",  "0270", "Vĩnh Long", PHASE_3),
    area("0651", "0271", "Bình Phước", PHASE_3),
    area("072",  "0272", "Long An", PHASE_3),
    area("073",  "0273", "Tiền Giang", PHASE_3),
    area("0650", "0274", "Bình Dương", PHASE_3),
    area("075",  "0275", "Bến Tre", PHASE_3),
    area("066",  "0276", "Tây Ninh", PHASE_3),
    area("067",  "0277", "Đồng Tháp", PHASE_3),
];

const fn kept_area(code: &'static str, province: &'static str) -> PlanEntry {
    PlanEntry {
        kind: Kind::Landline,
        owner: Owner::Province(province),
        prefix: code,
        valid_from: None,
        replaced: None,
        source: "QĐ 2036/QĐ-BTTTT (21/11/2016): code kept",
    }
}

/// QĐ 2036/QĐ-BTTTT: the four area codes that did not change.
#[rustfmt::skip]
pub const LANDLINE_KEPT: [PlanEntry; 4] = [
    kept_area("0210", "Phú Thọ"),
    kept_area("0211", "Vĩnh Phúc"),
    kept_area("0218", "Hòa Bình"),
    kept_area("0219", "Hà Giang"),
];

// ---------------------------------------------------------------------------
// Mobiles: QĐ 798/QĐ-BTTTT (25/05/2018), 11-digit numbers become 10-digit
// ones. From 00:00 15/09/2018; parallel dialling until 14/11/2018, then an
// announcement tone until 23:59 30/06/2019, the end of the window — the last
// day we accept the old spelling as current. The last 7 digits are kept.
// Pairs from DOMAIN §6 (chiakhoaphapluat.vn, thaibinh.gov.vn), matching the
// operators' published lists.
// ---------------------------------------------------------------------------

/// QĐ 798/QĐ-BTTTT: the first day of the 10-digit prefixes.
pub const MOBILE_2018_STARTS: NaiveDate = ymd(2018, 9, 15);
/// QĐ 798/QĐ-BTTTT: the last day of parallel dialling.
pub const MOBILE_2018_PARALLEL_UNTIL: NaiveDate = ymd(2018, 11, 14);
/// QĐ 798/QĐ-BTTTT: the last day of the window (old spelling still connected
/// with an announcement).
pub const MOBILE_2018_WINDOW_UNTIL: NaiveDate = ymd(2019, 6, 30);

const fn mobile(old: &'static str, new: &'static str, network: Network) -> PlanEntry {
    PlanEntry {
        kind: Kind::Mobile,
        owner: Owner::Network(network),
        prefix: new,
        valid_from: Some(MOBILE_2018_STARTS),
        replaced: Some(Replaced {
            prefix: old,
            valid_until: MOBILE_2018_WINDOW_UNTIL,
        }),
        source: "QĐ 798/QĐ-BTTTT (25/05/2018)",
    }
}

/// QĐ 798/QĐ-BTTTT: every 11-digit mobile prefix and its 10-digit successor.
#[rustfmt::skip]
pub const MOBILE_2018: [PlanEntry; 21] = [
    mobile("0162", "032", Network::Viettel),
    mobile("0163", "033", Network::Viettel),
    mobile("0164", "034", Network::Viettel),
    mobile("0165", "035", Network::Viettel),
    mobile("0166", "036", Network::Viettel),
    mobile("0167", "037", Network::Viettel),
    mobile("0168", "038", Network::Viettel),
    mobile("0169", "039", Network::Viettel),
    mobile("0120", "070", Network::MobiFone),
    mobile("0121", "079", Network::MobiFone),
    mobile("0122", "077", Network::MobiFone),
    mobile("0126", "076", Network::MobiFone),
    mobile("0128", "078", Network::MobiFone),
    mobile("0123", "083", Network::VinaPhone),
    mobile("0124", "084", Network::VinaPhone),
    mobile("0125", "085", Network::VinaPhone),
    mobile("0127", "081", Network::VinaPhone),
    mobile("0129", "082", Network::VinaPhone),
    mobile("0186", "056", Network::Vietnamobile),
    mobile("0188", "058", Network::Vietnamobile),
    mobile("0199", "059", Network::Gmobile),
];

// ---------------------------------------------------------------------------
// Mobiles that were already 10 digits before 2018 and were not renumbered.
// These come from operator prefix lists in the press, not from an allocation
// decision we have read. A start date matters only where a prefix collides
// with an old landline spelling (TP.HCM's 08 + 8 digits vs 086/088/089), and
// there the earliest date any source gives is kept: starting too early can
// only make a number ambiguous, never guess it wrong.
//
// An unknown start is written `None` ("always"): that too can only add
// ambiguity. 087 is such a row: its operator sells 087 numbers (itel.vn),
// but we have no allocation date.
//
// Omitted because not confirmed here: 052 and 055 (reported as later
// allocations), 095 (S-Fone, closed). Until a row is added, 095 reads as an
// unknown prefix, and 052 / 055 read as the old Quảng Bình / Quảng Ngãi
// area codes (adding the rows makes them collisions automatically).
// ---------------------------------------------------------------------------

const PRESS_LISTS: &str = "operator prefix lists in the press (cand.com.vn 23/01/2015, \
     simso.com.vn, fptcorp.com.vn); in use before 2015, start not verified";

const fn allocated(
    prefix: &'static str,
    network: Network,
    from: Option<NaiveDate>,
    source: &'static str,
) -> PlanEntry {
    PlanEntry {
        kind: Kind::Mobile,
        owner: Owner::Network(network),
        prefix,
        valid_from: from,
        replaced: None,
        source,
    }
}

/// 10-digit mobile prefixes in use before 2018 that kept their form.
#[rustfmt::skip]
pub const MOBILE_KEPT: [PlanEntry; 15] = [
    allocated("090", Network::MobiFone, None, PRESS_LISTS),
    allocated("093", Network::MobiFone, None, PRESS_LISTS),
    allocated("091", Network::VinaPhone, None, PRESS_LISTS),
    allocated("094", Network::VinaPhone, None, PRESS_LISTS),
    allocated("092", Network::Vietnamobile, None, PRESS_LISTS),
    // 096 was EVN Telecom's range until EVN Telecom merged into Viettel (2011).
    allocated("096", Network::Viettel, None, PRESS_LISTS),
    allocated("097", Network::Viettel, None, PRESS_LISTS),
    allocated("098", Network::Viettel, None, PRESS_LISTS),
    allocated("099", Network::Gmobile, None, PRESS_LISTS),
    // nss.vn (03/2016): on sale from 05/03 — the article says 2016 in one
    // place and 2015 in another; the earlier date is kept.
    allocated("086", Network::Viettel, Some(ymd(2015, 3, 5)),
        "nss.vn (03/2016): Viettel 086 on sale from 05/03/2015 or 2016; earlier kept"),
    // viettimes.vn (VNN, 02/2016): allocated "late December" 2015, first
    // sold end of 02/2016; the first of December is kept as the earliest.
    allocated("088", Network::VinaPhone, Some(ymd(2015, 12, 1)),
        "viettimes.vn (02/2016): VinaPhone 088 allocated late 12/2015; 01/12/2015 kept"),
    // viettimes.vn: Cục Viễn thông allocated 089 to MobiFone from 04/02/2016.
    allocated("089", Network::MobiFone, Some(ymd(2016, 2, 4)),
        "viettimes.vn (02/2016): Cục Viễn thông allocated 089 to MobiFone from 04/02/2016"),
    // itel.vn (policy of 01/07/2020) sells 087 numbers; start not known.
    allocated("087", Network::Itel, None,
        "itel.vn: iTel (Đông Dương Telecom) sells 087 numbers (2020); allocation date not verified"),
    // 052 and 055 are sold as mobile numbers today (press reports, not
    // verified against an allocation decision). Without a row they would be
    // silently read as the old Quảng Bình / Quảng Ngãi codes. They are not
    // in QĐ 798's table, so they came after the 2018 renumbering: its first
    // day is kept as the earliest possible start, like the 2018 prefixes.
    allocated("052", Network::Vietnamobile, Some(ymd(2018, 9, 15)),
        "press reports: Vietnamobile 052 (about 2020); allocation date not verified, not before QĐ 798"),
    allocated("055", Network::Mobicast, Some(ymd(2018, 9, 15)),
        "press reports: Mobicast (Reddi, later Wintel) 055; allocation date not verified, not before QĐ 798"),
];

// ---------------------------------------------------------------------------
// The whole plan.
// ---------------------------------------------------------------------------

const PLAN_LEN: usize =
    LANDLINE_2017.len() + LANDLINE_KEPT.len() + MOBILE_2018.len() + MOBILE_KEPT.len();

const fn concat_plan() -> [PlanEntry; PLAN_LEN] {
    let mut out = [LANDLINE_KEPT[0]; PLAN_LEN];
    let mut n = 0;
    let mut i = 0;
    while i < LANDLINE_2017.len() {
        out[n] = LANDLINE_2017[i];
        n += 1;
        i += 1;
    }
    i = 0;
    while i < LANDLINE_KEPT.len() {
        out[n] = LANDLINE_KEPT[i];
        n += 1;
        i += 1;
    }
    i = 0;
    while i < MOBILE_2018.len() {
        out[n] = MOBILE_2018[i];
        n += 1;
        i += 1;
    }
    i = 0;
    while i < MOBILE_KEPT.len() {
        out[n] = MOBILE_KEPT[i];
        n += 1;
        i += 1;
    }
    out
}

pub(super) const PLAN_TABLE: [PlanEntry; PLAN_LEN] = concat_plan();

/// Every row of the plan: changed and kept landline codes, renumbered and
/// kept mobile prefixes.
pub static PLAN: [PlanEntry; PLAN_LEN] = PLAN_TABLE;

/// The plan's rows.
pub fn entries() -> &'static [PlanEntry] {
    &PLAN
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_date_in_the_tables_is_real() {
        for e in entries() {
            assert_ne!(e.valid_from, Some(NaiveDate::MIN), "{e:?}");
            if let Some(r) = e.replaced {
                assert_ne!(r.valid_until, NaiveDate::MIN, "{e:?}");
            }
        }
        for p in [PHASE_1, PHASE_2, PHASE_3] {
            assert!(p.starts < p.parallel_until);
        }
    }

    #[test]
    fn every_province_appears_once() {
        assert_eq!(PLAN.len(), 99);
        let provinces: std::collections::HashSet<_> = PLAN
            .iter()
            .filter_map(|e| match e.owner {
                Owner::Province(p) => Some(p),
                Owner::Network(_) => None,
            })
            .collect();
        assert_eq!(provinces.len(), 63);
    }
}
