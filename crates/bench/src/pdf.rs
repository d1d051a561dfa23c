//! The attachment a simulated applicant uploads: a small valid PDF padded
//! with a comment to the size asked for, and numbered so every upload is a
//! different file (blobs are stored by content; the same bytes twice would
//! skip the write the benchmark is meant to measure).

use bytes::{Bytes, BytesMut};

const HEAD: &[u8] = b"%PDF-1.4\n%";
/// Where the number goes: right after the header's comment mark, 20 digits.
const NUMBER_AT: usize = HEAD.len();
const NUMBER_DIGITS: usize = 20;
const BODY: &[u8] = b"\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n\
2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%";
const TAIL: &[u8] = b"\n%%EOF\n";

/// A PDF of exactly `size` bytes (or its smallest form, if `size` is less),
/// numbered 0.
pub fn padded(size: usize) -> Bytes {
    let mut pdf = BytesMut::with_capacity(size);
    pdf.extend_from_slice(HEAD);
    pdf.extend_from_slice(&[b'0'; NUMBER_DIGITS]);
    pdf.extend_from_slice(BODY);
    let fill = size.saturating_sub(pdf.len() + TAIL.len());
    pdf.extend(std::iter::repeat_n(b'x', fill));
    pdf.extend_from_slice(TAIL);
    pdf.freeze()
}

/// `template` (from [`padded`]) numbered `n`.
pub fn numbered(template: &Bytes, n: u64) -> Bytes {
    let mut pdf = BytesMut::from(template.as_ref());
    let digits = format!("{n:0width$}", width = NUMBER_DIGITS);
    pdf[NUMBER_AT..NUMBER_AT + NUMBER_DIGITS].copy_from_slice(digits.as_bytes());
    pdf.freeze()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attachment_has_the_size_asked_and_differs_by_number() {
        let template = padded(200 * 1024);
        assert_eq!(template.len(), 200 * 1024);
        assert!(template.starts_with(b"%PDF-1.4\n"));
        assert!(template.ends_with(b"%%EOF\n"));
        let (a, b) = (numbered(&template, 1), numbered(&template, 2));
        assert_eq!(a.len(), template.len());
        assert_ne!(a, b);
        assert!(a.starts_with(b"%PDF-1.4\n%00000000000000000001\n1 0 obj"));
    }
}
