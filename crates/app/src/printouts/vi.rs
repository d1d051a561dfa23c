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

#[cfg(test)]
mod tests {
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
