//! How the forms write dates, times and periods: in words, as the annexes
//! do ("14 giờ 05 phút, ngày 07 tháng 12 năm 2026"), in Vietnam's time.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use motcua_domain::calendar::{self, Period};
use motcua_domain::catalog::DocumentForm;

/// "ngày 07 tháng 12 năm 2026".
pub fn day(date: NaiveDate) -> String {
    format!(
        "ngày {:02} tháng {:02} năm {}",
        date.day(),
        date.month(),
        date.year()
    )
}

/// The day of an instant, in Vietnam.
pub fn day_of(instant: DateTime<Utc>) -> String {
    day(calendar::to_local(instant).date())
}

/// "14 giờ 05 phút, ngày 07 tháng 12 năm 2026".
pub fn moment(instant: DateTime<Utc>) -> String {
    let local = calendar::to_local(instant);
    format!(
        "{:02} giờ {:02} phút, {}",
        local.hour(),
        local.minute(),
        day(local.date())
    )
}

/// "14 giờ 05 phút, 07/12/2026": the short form, for table cells.
pub fn moment_short(instant: DateTime<Utc>) -> String {
    let local = calendar::to_local(instant);
    format!(
        "{:02} giờ {:02} phút, {}",
        local.hour(),
        local.minute(),
        local.date().format("%d/%m/%Y")
    )
}

/// "15 ngày làm việc".
pub fn period(p: Period) -> String {
    match p {
        Period::WorkingDays(0) => "trong ngày".to_owned(),
        Period::WorkingDays(n) => format!("{n} ngày làm việc"),
        Period::WorkingHours(n) => format!("{n} giờ làm việc"),
        Period::CalendarDays(n) => format!("{n} ngày"),
    }
}

pub fn document_form(form: DocumentForm) -> &'static str {
    match form {
        DocumentForm::Original => "bản chính",
        DocumentForm::CertifiedCopy => "bản sao có chứng thực",
        DocumentForm::Copy => "bản sao",
        DocumentForm::OriginalOrCertifiedCopy => "bản chính hoặc bản sao có chứng thực",
    }
}

/// The place before a document's date: the province's name without its
/// kind ("Tỉnh Đồng Tháp" is dated "Đồng Tháp, ngày …", ND 30/2020).
pub fn place(province: &str) -> &str {
    ["Tỉnh ", "Thành phố ", "tỉnh ", "thành phố "]
        .iter()
        .find_map(|kind| province.strip_prefix(kind))
        .unwrap_or(province)
}

/// Upper case as the annexes set names and titles (Unicode-aware: "Sở Tư
/// pháp" becomes "SỞ TƯ PHÁP").
pub fn caps(text: &str) -> String {
    text.to_uppercase()
}

/// An amount of money in words, as receipts write it ("Hai trăm lẻ tám
/// nghìn đồng").
pub fn amount_in_words(vnd: u64) -> String {
    const DIGITS: [&str; 10] = [
        "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
    ];
    const SCALES: [&str; 7] = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ", "tỷ tỷ"];
    // A group of three digits; `inner` when a higher group was read, so its
    // hundreds and a lone unit are said ("không trăm lẻ năm").
    let group = |n: u64, inner: bool| -> Vec<&str> {
        let (h, t, u) = (
            (n / 100) as usize,
            (n / 10 % 10) as usize,
            (n % 10) as usize,
        );
        let mut words = Vec::new();
        if h > 0 || inner {
            words.extend([DIGITS[h], "trăm"]);
        }
        match t {
            0 if u > 0 && (h > 0 || inner) => words.push("lẻ"),
            0 => {}
            1 => words.push("mười"),
            _ => words.extend([DIGITS[t], "mươi"]),
        }
        match u {
            0 => {}
            1 if t >= 2 => words.push("mốt"),
            5 if t >= 1 => words.push("lăm"),
            _ => words.push(DIGITS[u]),
        }
        words
    };
    let mut groups = Vec::new();
    let mut rest = vnd;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    let mut words: Vec<&str> = Vec::new();
    for (i, n) in groups.iter().enumerate().rev() {
        if *n == 0 {
            continue;
        }
        words.extend(group(*n, !words.is_empty()));
        if !SCALES[i].is_empty() {
            words.push(SCALES[i]);
        }
    }
    if words.is_empty() {
        words.push("không");
    }
    let text = words.join(" ");
    let mut chars = text.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
    format!("{}{} đồng", first.unwrap_or_default(), chars.as_str())
}

#[cfg(test)]
mod tests {
    #[test]
    fn amounts_read_as_receipts_write_them() {
        let cases = [
            (0, "Không đồng"),
            (5, "Năm đồng"),
            (15, "Mười lăm đồng"),
            (21, "Hai mươi mốt đồng"),
            (105, "Một trăm lẻ năm đồng"),
            (8_000, "Tám nghìn đồng"),
            (10_000, "Mười nghìn đồng"),
            (208_000, "Hai trăm lẻ tám nghìn đồng"),
            (1_005_000, "Một triệu không trăm lẻ năm nghìn đồng"),
            (1_000_001, "Một triệu không trăm lẻ một đồng"),
            (2_500_000_000, "Hai tỷ năm trăm triệu đồng"),
        ];
        for (n, words) in cases {
            assert_eq!(super::amount_in_words(n), words, "{n}");
        }
    }

    use super::*;
    use chrono::TimeZone;

    #[test]
    fn instants_are_written_in_vietnam_time() {
        // 07:05 UTC is 14:05 in Vietnam.
        let at = Utc.with_ymd_and_hms(2026, 12, 7, 7, 5, 0).single();
        let at = at.unwrap_or_default();
        assert_eq!(moment(at), "14 giờ 05 phút, ngày 07 tháng 12 năm 2026");
        assert_eq!(moment_short(at), "14 giờ 05 phút, 07/12/2026");
        // 20:00 UTC is already the next day there.
        let late = at + chrono::TimeDelta::hours(13);
        assert_eq!(day_of(late), "ngày 08 tháng 12 năm 2026");
    }

    #[test]
    fn the_place_is_the_name_without_its_kind() {
        assert_eq!(place("Tỉnh Đồng Tháp"), "Đồng Tháp");
        assert_eq!(place("Thành phố Cần Thơ"), "Cần Thơ");
        assert_eq!(place("Đồng Tháp"), "Đồng Tháp");
    }

    #[test]
    fn capitals_keep_the_diacritics() {
        assert_eq!(
            caps("Sở Tư pháp tỉnh Đồng Tháp"),
            "SỞ TƯ PHÁP TỈNH ĐỒNG THÁP"
        );
    }
}
