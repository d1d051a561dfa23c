//! `motcua catalog import | export`: a checked file goes in whole, a bad one
//! not at all, with every problem said in the user's language.

use std::path::Path;
use std::process::{Command, Output};

fn motcua(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_motcua"))
        .current_dir(dir)
        .args(args)
        .env_remove("MOTCUA_LANG")
        .env_remove("MOTCUA_DATABASE_URL")
        .output()
        .unwrap()
}

const GOOD: &str = r#"
version: 1
procedures:
  - code: "1.001193"
    name: Đăng ký khai sinh
    competent: { level: commune }
    field: Hộ tịch
    level: full
    legal_basis: [Luật Hộ tịch 2014]
    processing_time: { unit: working-days, value: 0 }
    fees: [{ name: Lệ phí đăng ký khai sinh, amount_vnd: 0, note: miễn khi đăng ký đúng hạn }]
    documents:
      - { name: Tờ khai đăng ký khai sinh, form: original, upload: to_khai }
    form:
      - { id: ho_ten_tre, label: Họ tên trẻ, label_en: Child's full name, type: text, max: 100, required: true }
      - { id: to_khai, label: Tờ khai, type: file, accept: [application/pdf], max_bytes: 10485760, required: true }
    result: Giấy khai sinh (bản chính)
    steps:
      - { id: tiep_nhan, name: Tiếp nhận, role: reception-officer, time: { unit: working-days, value: 0 } }
    effective_from: 2025-07-01
    status: unverified
    sources: [test]
"#;

#[test]
fn a_good_catalog_is_imported_and_exported_back() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.yaml"), GOOD).unwrap();
    let o = motcua(dir.path(), &["--lang", "en", "catalog", "import", "c.yaml"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Imported 1 procedure versions"));
    let o = motcua(dir.path(), &["catalog", "export", "--format", "json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let exported: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(exported["procedures"][0]["name"], "Đăng ký khai sinh");
    assert_eq!(exported["procedures"][0]["form"][1]["type"], "file");
    // Exported to a file, it imports again unchanged.
    let o = motcua(dir.path(), &["catalog", "export", "-o", "back.yaml"]);
    assert!(o.status.success());
    let o = motcua(dir.path(), &["catalog", "import", "back.yaml"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_bad_catalog_is_refused_whole_with_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let bad = GOOD
        .replace("max: 100", "max: 0")
        .replace("upload: to_khai", "upload: khong_co")
        .replace("sources: [test]", "sources: []");
    std::fs::write(dir.path().join("bad.yaml"), &bad).unwrap();
    let o = motcua(dir.path(), &["catalog", "import", "bad.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("độ dài tối đa phải lớn hơn 0"), "{err}");
    assert!(err.contains("biểu mẫu không có trường “khong_co”"), "{err}");
    assert!(err.contains("chưa nêu nguồn thông tin"), "{err}");
    assert!(err.contains("Danh mục có 3 lỗi; chưa nhập gì."), "{err}");
    // Nothing was stored: not even a database was needed.
    assert!(!dir.path().join("motcua-data").exists());
    std::fs::write(dir.path().join("broken.json"), "{ not json").unwrap();
    let o = motcua(
        dir.path(),
        &["--lang", "en", "catalog", "import", "broken.json"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("the catalog cannot be read"));
}
