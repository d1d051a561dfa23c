//! `motcua calendar …` end to end: the formats scripts rely on, and one clear
//! line for every bad argument.

use std::process::{Command, Output};

fn motcua(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args(args)
        .env_remove("MOTCUA_LANG")
        .output()
        .unwrap()
}

fn stdout(args: &[&str]) -> String {
    let out = motcua(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A failing run: non-zero, nothing on stdout, one line on stderr.
fn error_line(args: &[&str]) -> String {
    let out = motcua(args);
    assert!(!out.status.success(), "{args:?} should fail");
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}

#[test]
fn tet_prints_the_gregorian_date() {
    assert_eq!(stdout(&["calendar", "tet", "2026"]), "2026-02-17\n");
    assert_eq!(stdout(&["calendar", "tet", "1985"]), "1985-01-21\n");
    assert_eq!(stdout(&["calendar", "tet", "2030"]), "2030-02-02\n");
}

#[test]
fn lunar_prints_text_or_json() {
    assert_eq!(
        stdout(&["calendar", "lunar", "2025-07-25", "--json"]),
        "{\"year\":2025,\"month\":6,\"day\":1,\"leap\":true}\n"
    );
    assert_eq!(
        stdout(&["calendar", "lunar", "2025-01-28"]),
        "ngày 29 tháng 12 năm 2024 âm lịch\n"
    );
    assert_eq!(
        stdout(&["--lang", "en", "calendar", "lunar", "2025-07-25"]),
        "day 1 of leap month 6, lunar year 2025\n"
    );
}

#[test]
fn holidays_list_days_off_and_worked_saturdays_with_their_origin() {
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&["calendar", "holidays", "2025", "--json"])).unwrap();
    let rows = json.as_array().unwrap();
    let off: Vec<&str> = rows
        .iter()
        .filter(|r| r["kind"] == "day-off")
        .map(|r| r["date"].as_str().unwrap())
        .collect();
    assert_eq!(off.len(), 12, "{off:?}");
    let sat = rows.iter().find(|r| r["date"] == "2025-04-26").unwrap();
    assert_eq!(sat["kind"], "worked-saturday");
    assert_eq!(sat["origin"], "official");
    assert_eq!(sat["status"], "verified");
    let swap = rows.iter().find(|r| r["date"] == "2025-05-02").unwrap();
    assert_eq!(
        swap["holidays"],
        serde_json::json!(["reunification-day", "labour-day"])
    );

    // 2026's National Day is not announced: generated, and said so.
    let text = stdout(&["calendar", "holidays", "2026"]);
    let sep1 = text.lines().find(|l| l.starts_with("2026-09-01")).unwrap();
    assert!(
        sep1.contains("Quốc khánh") && sep1.contains("mặc định theo luật"),
        "{sep1}"
    );
    let tet = text.lines().find(|l| l.starts_with("2026-02-16")).unwrap();
    assert!(tet.contains("lịch chính thức"), "{tet}");
}

#[test]
fn due_prints_rfc3339_in_vietnam_time() {
    let due = |args: &[&str]| {
        let mut all = vec!["calendar", "due"];
        all.extend_from_slice(args);
        stdout(&all)
    };
    assert_eq!(
        due(&["--received", "2025-01-24T10:00", "--days", "5"]),
        "2025-02-07T17:00:00+07:00\n"
    );
    assert_eq!(
        due(&["--received", "2025-03-07T15:00", "--hours", "8"]),
        "2025-03-10T15:00:00+07:00\n"
    );
    assert_eq!(
        due(&["--received", "2025-02-22T10:00", "--calendar-days", "15"]),
        "2025-03-10T23:59:59+07:00\n"
    );
    // An instant with an offset is read in Vietnam's time.
    assert_eq!(
        due(&["--received", "2025-01-24T03:00:00Z", "--days", "5"]),
        "2025-02-07T17:00:00+07:00\n"
    );
}

#[test]
fn bad_arguments_get_one_clear_line_in_the_users_language() {
    let err = error_line(&[
        "calendar",
        "due",
        "--received",
        "2025-02-30T10:00",
        "--days",
        "1",
    ]);
    assert!(err.contains("thời điểm không hợp lệ"), "{err}");
    let err = error_line(&[
        "--lang",
        "en",
        "calendar",
        "due",
        "--received",
        "2025-02-03T10:00",
        "--days",
        "-1",
    ]);
    assert!(err.contains("--days needs a whole number"), "{err}");
    let err = error_line(&["calendar", "holidays", "2010"]);
    assert!(err.contains("chỉ tính được ngày làm việc"), "{err}");
    let err = error_line(&["--lang", "en", "calendar", "tet", "2200"]);
    assert!(err.contains("outside the lunar calendar"), "{err}");
    let err = error_line(&["calendar", "lunar", "25/07/2025"]);
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    let err = error_line(&["calendar", "tet", "năm"]);
    assert!(err.contains("năm không hợp lệ"), "{err}");
}
