//! Text at the boundary: NFC normalisation for what we store and show, and
//! search folding for what we compare.
//!
//! Vietnamese arrives in many byte forms — precomposed (NFC) from most
//! keyboards, decomposed (NFD) from macOS file names and some PDFs, with tone
//! marks placed on different vowels ("hoà" / "hòa"). Everything stored is NFC.
//! Search compares the *folded* form, computed here in Rust so SQLite and
//! PostgreSQL search alike: marks stripped, `đ` → `d`, lower case, runs of
//! white space collapsed to one space. "Đồng Tháp", "dong thap" and
//! "ĐỒNG  THÁP" fold to the same key.

use std::borrow::Cow;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// The NFC form of `s`; borrowed when it already is NFC.
pub fn nfc(s: &str) -> Cow<'_, str> {
    match is_nfc_quick(s.chars()) {
        IsNormalized::Yes => Cow::Borrowed(s),
        _ => Cow::Owned(s.nfc().collect()),
    }
}

/// The search key of `s`: no diacritics, `đ` → `d`, lower case, single
/// spaces, trimmed.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Whether `haystack` contains `needle`, ignoring diacritics, case and
/// spacing.
pub fn contains_folded(haystack: &str, needle: &str) -> bool {
    fold(haystack).contains(&fold(needle))
}

/// An amount with its thousands grouped by dots, as Vietnamese writes
/// money ("1.234.567").
pub fn thousands(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_marks_and_d_stroke() {
        assert_eq!(fold("Đồng Tháp"), "dong thap");
        assert_eq!(fold("  ĐỒNG \t THÁP "), "dong thap");
        assert_eq!(fold("Nguyễn Thị Ánh Tuyết"), "nguyen thi anh tuyet");
        assert_eq!(fold("Ủy ban nhân dân"), "uy ban nhan dan");
    }

    #[test]
    fn both_tone_placements_fold_alike() {
        assert_eq!(fold("hoà"), fold("hòa"));
        assert_eq!(fold("thuỷ"), fold("thủy"));
    }

    #[test]
    fn decomposed_input_becomes_precomposed() {
        let decomposed = "Tha\u{301}p"; // a + combining acute
        assert_eq!(nfc(decomposed), "Tháp");
        assert!(matches!(nfc("Tháp"), Cow::Borrowed(_)));
        assert_eq!(fold(decomposed), "thap");
    }

    #[test]
    fn search_ignores_diacritics() {
        assert!(contains_folded(
            "Chứng thực bản sao từ bản chính",
            "chung thuc"
        ));
        assert!(!contains_folded("Đăng ký khai sinh", "ket hon"));
    }
}
