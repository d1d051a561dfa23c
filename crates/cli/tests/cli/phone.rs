//! `motcua phone normalize` and `motcua phone convert` end to end: the real
//! binary on small real files (CSV, XLSX written with rust_xlsxwriter and
//! read back with calamine, vCard 3.0 with folded lines).
#![allow(clippy::panic)]

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook};

/// `motcua --lang LANG phone ARGS` in `dir`.
fn motcua(lang: &str, dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .current_dir(dir)
        .args(["--lang", lang, "phone"])
        .args(args)
        .env_remove("MOTCUA_LANG")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// The files in `dir`, sorted (temporary files included, to catch leftovers).
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// ---------------------------------------------------------------------------
// normalize
// ---------------------------------------------------------------------------

#[test]
fn normalize_prints_one_line_per_input_and_exits_1_if_any_is_not_a_number() {
    let dir = tempfile::tempdir().unwrap();
    let o = motcua(
        "vi",
        dir.path(),
        &[
            "normalize",
            "0168 912 3456",
            "+84 912 345 678",
            "067 3 851234",
            "abc",
            "0333851234",
            "113",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6, "{out}");
    assert_eq!(lines[0], "0389123456");
    assert_eq!(lines[1], "0912345678");
    assert_eq!(lines[2], "02773851234");
    assert!(lines[3].starts_with("abc: không hợp lệ"), "{}", lines[3]);
    assert!(lines[4].starts_with("0333851234: chưa rõ"), "{}", lines[4]);
    assert!(
        lines[4].contains("02033851234") && lines[4].contains("Quảng Ninh"),
        "{}",
        lines[4]
    );
    assert!(lines[5].contains("số dịch vụ"), "{}", lines[5]);
    assert!(stderr(&o).is_empty());

    let o = motcua(
        "en",
        dir.path(),
        &["normalize", "0912345678", "01689123456"],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "0912345678\n0389123456\n");

    let o = motcua("en", dir.path(), &["normalize", "09123456789"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("invalid") && stdout(&o).contains("mobile"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn normalize_uses_the_recording_date_to_settle_collisions() {
    let dir = tempfile::tempdir().unwrap();
    let o = motcua(
        "en",
        dir.path(),
        &[
            "normalize",
            "0333851234",
            "0868123456",
            "--recorded-before",
            "2017-01-01",
        ],
    );
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "02033851234");
    // Viettel's 086 already existed before 2017: still ambiguous.
    assert!(lines[1].starts_with("0868123456: ambiguous"), "{out}");
    assert_eq!(o.status.code(), Some(1));

    let o = motcua(
        "en",
        dir.path(),
        &["normalize", "0333851234", "--recorded-before", "2017-13-01"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).is_empty());
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("--recorded-before") && err.contains("2017-13-01"),
        "{err}"
    );
}

#[test]
fn normalize_json_gives_one_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let o = motcua(
        "en",
        dir.path(),
        &[
            "normalize",
            "--json",
            "0168 912 3456",
            "067 3851234",
            "0333851234",
            "x",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let rows: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0]["input"], "0168 912 3456");
    assert_eq!(rows[0]["status"], "ok");
    assert_eq!(rows[0]["national"], "0389123456");
    assert_eq!(rows[0]["e164"], "+84389123456");
    assert_eq!(rows[0]["kind"], "mobile");
    assert_eq!(rows[0]["network"], "Viettel");
    assert_eq!(rows[0]["converted_from"], "01689123456");
    assert!(
        rows[0]["rule"]
            .as_str()
            .unwrap()
            .contains("QĐ 798/QĐ-BTTTT")
    );
    assert_eq!(rows[1]["province"], "Đồng Tháp");
    assert_eq!(rows[1]["national"], "02773851234");
    assert_eq!(rows[2]["status"], "ambiguous");
    assert_eq!(rows[2]["error"], "phone-error-ambiguous");
    let candidates = rows[2]["candidates"].as_array().unwrap();
    let mut nationals: Vec<&str> = candidates
        .iter()
        .map(|c| c["national"].as_str().unwrap())
        .collect();
    nationals.sort();
    assert_eq!(nationals, ["02033851234", "0333851234"]);
    assert_eq!(rows[3]["status"], "invalid");
    assert_eq!(rows[3]["error"], "phone-error-letters");
    assert!(rows[3]["reason"].as_str().unwrap().contains("letter"));
    assert!(rows[3]["national"].is_null());
}

// ---------------------------------------------------------------------------
// convert: CSV
// ---------------------------------------------------------------------------

/// A CSV as a spreadsheet exports it: byte-order mark, CRLF, quotes, commas
/// and a line break inside quoted cells, Vietnamese names.
const CSV_IN: &str = "\u{feff}Họ tên,\"Điện thoại\",Ngày ghi,Ghi chú\r\n\
\"Nguyễn Văn An, con\",\"0168 912 3456\",2016-05-01,\"nói \"\"xin chào\"\"\r\nhai dòng\"\r\n\
Trần Thị Bình,0333851234,01/06/2016,ở Quảng Ninh\r\n\
Lê Văn Cường,0333851234,2020-01-01,\r\n\
Phạm Đức,abc,2020-01-01,sai\r\n\
Hồ Thị Em,0912345678,,đã đúng\r\n\
Võ Phú,,2020-01-01,trống\r\n\
Đỗ Giang,067 3 851234,hôm qua,ngày hỏng\r\n\
Bùi Hà,912345678,2021-03-04,mất số 0\r\n";

#[test]
fn convert_csv_keeps_every_other_byte_and_lists_rejects() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("in.csv"), CSV_IN).unwrap();
    let o = motcua(
        "vi",
        dir.path(),
        &[
            "convert",
            "in.csv",
            "--column",
            "Điện thoại",
            "--date-column",
            "Ngày ghi",
            "-o",
            "out.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let expected = CSV_IN
        .replace("\"0168 912 3456\"", "\"0389123456\"")
        .replace("Bình,0333851234", "Bình,02033851234")
        .replace("Hà,912345678", "Hà,0912345678");
    assert_eq!(
        fs::read_to_string(dir.path().join("out.csv")).unwrap(),
        expected
    );
    // The input is untouched.
    assert_eq!(
        fs::read_to_string(dir.path().join("in.csv")).unwrap(),
        CSV_IN
    );

    let summary = stdout(&o);
    assert_eq!(summary.lines().count(), 1, "{summary}");
    assert!(summary.contains("3 số đã chuyển"), "{summary}");
    assert!(summary.contains("2 giữ nguyên"), "{summary}");
    assert!(summary.contains("2 không hợp lệ"), "{summary}");
    assert!(summary.contains("0 chưa rõ"), "{summary}");
    assert!(summary.contains("1 ô trống"), "{summary}");
    assert!(summary.contains("out.csv.rejects.csv"), "{summary}");

    let mut rejects = csv::Reader::from_path(dir.path().join("out.csv.rejects.csv")).unwrap();
    assert_eq!(
        rejects.headers().unwrap(),
        vec!["row", "value", "status", "reason"]
    );
    let rows: Vec<csv::StringRecord> = rejects.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    // Spreadsheet rows: the header is row 1 (the quoted line break does not count).
    assert_eq!(
        (&rows[0][0], &rows[0][1], &rows[0][2]),
        ("5", "abc", "invalid")
    );
    assert!(rows[0][3].contains("chữ cái"));
    assert_eq!(
        (&rows[1][0], &rows[1][1], &rows[1][2]),
        ("8", "067 3 851234", "invalid")
    );
    assert!(rows[1][3].contains("hôm qua"), "{}", &rows[1][3]);
    assert_eq!(
        listing(dir.path()),
        ["in.csv", "out.csv", "out.csv.rejects.csv"]
    );
}

#[test]
fn convert_csv_without_dates_rejects_collisions_as_ambiguous() {
    let dir = tempfile::tempdir().unwrap();
    let input = "id;phone;note\n1;0333851234;a\n2;\"01689123456\";\"b;c\"\n3;+84 277 3851234;d\n";
    fs::write(dir.path().join("in.csv"), input).unwrap();
    let o = motcua(
        "en",
        dir.path(),
        &["convert", "in.csv", "--column", "phone", "-o", "out.csv"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        fs::read_to_string(dir.path().join("out.csv")).unwrap(),
        "id;phone;note\n1;0333851234;a\n2;\"0389123456\";\"b;c\"\n3;02773851234;d\n"
    );
    let summary = stdout(&o);
    assert!(
        summary.starts_with("Done: 2 converted, 0 unchanged, 0 invalid, 1 ambiguous, 0 empty"),
        "{summary}"
    );
    let rejects = fs::read_to_string(dir.path().join("out.csv.rejects.csv")).unwrap();
    assert!(
        rejects.starts_with("row,value,status,reason\n2,0333851234,ambiguous,"),
        "{rejects}"
    );

    // Recorded before 2017: the Quảng Ninh landline.
    let o = motcua(
        "en",
        dir.path(),
        &[
            "convert",
            "in.csv",
            "--column",
            "phone",
            "--recorded-before",
            "2017-01-01",
            "-o",
            "out2.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = fs::read_to_string(dir.path().join("out2.csv")).unwrap();
    assert!(out.contains("1;02033851234;a\n"), "{out}");
    // … and a number in today's Đồng Tháp form contradicts the date: flagged.
    assert!(out.contains("3;+84 277 3851234;d\n"), "{out}");
    let rejects = fs::read_to_string(dir.path().join("out2.csv.rejects.csv")).unwrap();
    assert!(
        rejects.contains("\n4,+84 277 3851234,invalid,"),
        "{rejects}"
    );
    assert!(rejects.contains("not before 01/01/2017"), "{rejects}");
}

// ---------------------------------------------------------------------------
// convert: XLSX
// ---------------------------------------------------------------------------

/// Excel's serial number of a day (1900 system).
fn serial(y: i32, m: u32, d: u32) -> f64 {
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    (chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap() - epoch).num_days() as f64
}

fn make_workbook(path: &Path) {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let ws = book.add_worksheet();
    ws.set_name("Công dân").unwrap();
    for (c, h) in ["Họ tên", "Điện thoại", "Ngày", "Số hồ sơ"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let rows: [(&str, Option<&str>, Option<f64>, f64); 5] = [
        (
            "Nguyễn Văn An",
            Some("0168 912 3456"),
            Some(serial(2016, 5, 1)),
            1.0,
        ),
        (
            "Trần Thị Bình",
            Some("0333851234"),
            Some(serial(2016, 6, 1)),
            2.0,
        ),
        ("Lê Văn Cường", None, Some(serial(2020, 1, 1)), 3.0),
        ("Phạm Đức", Some("abc"), Some(serial(2020, 1, 1)), 4.0),
        ("Hồ Thị Em", Some("0912345678"), None, 5.5),
    ];
    for (i, (name, phone, day, n)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, *name).unwrap();
        if let Some(p) = phone {
            ws.write_string(r, 1, *p).unwrap();
        }
        if let Some(d) = day {
            ws.write_number_with_format(r, 2, *d, &date).unwrap();
        }
        ws.write_number(r, 3, *n).unwrap();
    }
    // Typed as a number: the spreadsheet dropped the leading zero.
    ws.write_number(3, 1, 912_345_678.0).unwrap();
    let second = book.add_worksheet();
    second.set_name("Ghi chú").unwrap();
    second.write_string(0, 0, "Điện thoại").unwrap();
    second.write_string(1, 0, "01689123456").unwrap();
    book.save(path).unwrap();
}

fn read_sheet(path: &Path, index: usize) -> (String, Vec<Vec<Data>>) {
    let mut book: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let name = book.sheet_names()[index].clone();
    let range = book.worksheet_range(&name).unwrap();
    (name, range.rows().map(<[Data]>::to_vec).collect())
}

#[test]
fn convert_xlsx_converts_the_column_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    make_workbook(&dir.path().join("in.xlsx"));
    let before = fs::read(dir.path().join("in.xlsx")).unwrap();
    let o = motcua(
        "en",
        dir.path(),
        &[
            "convert",
            "in.xlsx",
            "--column",
            "Điện thoại",
            "--date-column",
            "Ngày",
            "-o",
            "out.xlsx",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(fs::read(dir.path().join("in.xlsx")).unwrap(), before);
    let summary = stdout(&o);
    assert!(
        summary.starts_with("Done: 3 converted, 1 unchanged, 1 invalid, 0 ambiguous, 0 empty"),
        "{summary}"
    );

    let (name, rows) = read_sheet(&dir.path().join("out.xlsx"), 0);
    assert_eq!(name, "Công dân");
    let phones: Vec<&Data> = rows.iter().map(|r| &r[1]).collect();
    assert_eq!(
        phones,
        [
            &Data::String("Điện thoại".into()),
            &Data::String("0389123456".into()),
            &Data::String("02033851234".into()),
            &Data::String("0912345678".into()),
            &Data::String("abc".into()),
            &Data::String("0912345678".into()),
        ]
    );
    assert_eq!(rows[1][0], Data::String("Nguyễn Văn An".into()));
    assert_eq!(rows[5][3], Data::Float(5.5));
    match &rows[2][2] {
        Data::DateTime(d) => assert_eq!(d.as_f64(), serial(2016, 6, 1)),
        other => panic!("date cell became {other:?}"),
    }
    // The other sheet is copied as it was.
    let (name, rows) = read_sheet(&dir.path().join("out.xlsx"), 1);
    assert_eq!(name, "Ghi chú");
    assert_eq!(rows[1][0], Data::String("01689123456".into()));

    let rejects = fs::read_to_string(dir.path().join("out.xlsx.rejects.csv")).unwrap();
    assert!(
        rejects.starts_with("row,value,status,reason\n5,abc,invalid,"),
        "{rejects}"
    );
    assert_eq!(rejects.lines().count(), 2);
}

// ---------------------------------------------------------------------------
// convert: vCard
// ---------------------------------------------------------------------------

const VCARD_IN: &str = "BEGIN:VCARD\r\n\
VERSION:3.0\r\n\
N:Nguyễn;Văn An;;;\r\n\
FN:Nguyễn Văn An\r\n\
NOTE:Ghi chú dài được gấp lại theo quy tắc vCard\\, số 0168 912 3456 ở đây k\r\n hông phải là TEL nên giữ nguyên\r\n\
TEL;TYPE=CELL:0168 912 3456\r\n\
item1.TEL;TYPE=\"home,voice\":+84 67 3851234\r\n\
TEL;TYPE=WORK:0333\r\n 851234\r\n\
TEL:0912345678\r\n\
END:VCARD\r\n\
BEGIN:VCARD\r\n\
VERSION:3.0\r\n\
FN:Trần Thị Bình\r\n\
ADR;TYPE=HOME:;;12 Nguyễn Huệ;Cao Lãnh;Đồng Tháp;;Việt Nam\r\n\
TEL;TYPE=HOME:máy bàn\r\n\
END:VCARD\r\n";

#[test]
fn convert_vcard_changes_only_tel_values() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("in.vcf"), VCARD_IN).unwrap();
    let o = motcua(
        "vi",
        dir.path(),
        &["convert", "in.vcf", "--vcard", "-o", "out.vcf"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let expected = VCARD_IN
        .replace("TEL;TYPE=CELL:0168 912 3456", "TEL;TYPE=CELL:0389123456")
        .replace(
            "item1.TEL;TYPE=\"home,voice\":+84 67 3851234",
            "item1.TEL;TYPE=\"home,voice\":02773851234",
        );
    assert_eq!(
        fs::read_to_string(dir.path().join("out.vcf")).unwrap(),
        expected
    );
    let summary = stdout(&o);
    assert!(
        summary.contains("2 số đã chuyển") && summary.contains("1 chưa rõ"),
        "{summary}"
    );
    let rejects = fs::read_to_string(dir.path().join("out.vcf.rejects.csv")).unwrap();
    let lines: Vec<&str> = rejects.lines().collect();
    assert_eq!(lines.len(), 3, "{rejects}");
    // Line numbers of the (folded) TEL lines in the input.
    assert!(lines[1].starts_with("9,0333851234,ambiguous,"), "{rejects}");
    assert!(lines[2].starts_with("17,máy bàn,invalid,"), "{rejects}");

    // With a date, the folded TEL is resolved and written on one line.
    let o = motcua(
        "vi",
        dir.path(),
        &[
            "convert",
            "in.vcf",
            "--vcard",
            "--recorded-before",
            "2017-01-01",
            "-o",
            "dated.vcf",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = fs::read_to_string(dir.path().join("dated.vcf")).unwrap();
    assert!(
        out.contains("\r\nTEL;TYPE=WORK:02033851234\r\nTEL:0912345678\r\n"),
        "{out}"
    );
    assert!(
        out.contains("k\r\n hông phải là TEL"),
        "the NOTE stays folded"
    );
}

// ---------------------------------------------------------------------------
// convert: failures write nothing
// ---------------------------------------------------------------------------

/// Runs a convert that must fail: exit 1, one line on stderr, nothing on
/// stdout, and the folder exactly as before.
fn fails(dir: &Path, args: &[&str], needle: &str) {
    let before = listing(dir);
    let o = motcua("en", dir, args);
    assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(err.contains(needle), "{args:?}: {err}");
    assert!(stdout(&o).is_empty());
    assert_eq!(listing(dir), before, "{args:?} left files behind");
}

#[test]
fn a_failing_convert_leaves_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("in.csv"), CSV_IN).unwrap();
    fs::write(d.join("in.vcf"), VCARD_IN).unwrap();
    // An existing OUT is left as it was.
    fs::write(d.join("old.csv"), "old").unwrap();
    fs::create_dir(d.join("sub")).unwrap();

    fails(
        d,
        &["convert", "in.csv", "--column", "Email", "-o", "old.csv"],
        "no column “Email”",
    );
    assert_eq!(fs::read_to_string(d.join("old.csv")).unwrap(), "old");
    fails(
        d,
        &[
            "convert",
            "in.csv",
            "--column",
            "Điện thoại",
            "--date-column",
            "Ngày",
            "-o",
            "out.csv",
        ],
        "no column “Ngày”",
    );
    fails(
        d,
        &["convert", "missing.csv", "--column", "x", "-o", "out.csv"],
        "missing.csv",
    );
    fails(
        d,
        &[
            "convert",
            "in.csv",
            "--column",
            "Điện thoại",
            "-o",
            "in.csv",
        ],
        "input file itself",
    );
    fails(
        d,
        &[
            "convert",
            "in.csv",
            "--column",
            "Điện thoại",
            "-o",
            "./sub/../in.csv",
        ],
        "input file itself",
    );
    fails(
        d,
        &[
            "convert",
            "in.csv",
            "--column",
            "Điện thoại",
            "-o",
            "no/such/dir/out.csv",
        ],
        "no/such/dir",
    );
    fails(
        d,
        &["convert", "in.csv", "-o", "out.csv"],
        "exactly one of --column NAME or --vcard",
    );
    fails(
        d,
        &[
            "convert", "in.csv", "--column", "x", "--vcard", "-o", "out.csv",
        ],
        "exactly one of",
    );
    fails(
        d,
        &[
            "convert",
            "in.csv",
            "--column",
            "x",
            "--date-column",
            "y",
            "--recorded-before",
            "2017-01-01",
            "-o",
            "o.csv",
        ],
        "cannot be used together",
    );
    fails(
        d,
        &[
            "convert",
            "in.vcf",
            "--vcard",
            "--date-column",
            "y",
            "-o",
            "o.vcf",
        ],
        "not for --vcard",
    );
    fails(
        d,
        &[
            "convert",
            "in.csv",
            "--column",
            "x",
            "--recorded-before",
            "hôm qua",
            "-o",
            "o.csv",
        ],
        "hôm qua",
    );
    fails(d, &["convert", "in.csv", "--column", "Điện thoại"], "-o");
    fails(
        d,
        &["convert", "in.vcf", "--column", "TEL", "-o", "o.vcf"],
        "use --vcard",
    );
    fails(
        d,
        &["convert", "in.csv", "--vcard", "-o", "o.vcf"],
        "not a vCard file",
    );
    fails(
        d,
        &[
            "convert",
            "in.csv",
            "--column",
            "Điện thoại",
            "-o",
            "out.xlsx",
        ],
        "(.csv)",
    );
    assert_eq!(fs::read_to_string(d.join("in.csv")).unwrap(), CSV_IN);

    // A folder that is a file's name: cannot be written; nothing left.
    fs::create_dir(d.join("taken.csv")).unwrap();
    let before = listing(d);
    let o = motcua(
        "en",
        d,
        &[
            "convert",
            "in.csv",
            "--column",
            "Điện thoại",
            "-o",
            "taken.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(listing(d), before);
    assert!(!d.join("taken.csv.rejects.csv").exists());
}

#[test]
fn the_vietnamese_errors_are_one_line_too() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("in.csv"), CSV_IN).unwrap();
    let o = motcua(
        "vi",
        dir.path(),
        &["convert", "in.csv", "--column", "Email", "-o", "out.csv"],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1);
    assert!(
        err.contains("không có cột “Email”") && err.contains("Họ tên, Điện thoại"),
        "{err}"
    );
    assert!(!dir.path().join("out.csv").exists());
}
