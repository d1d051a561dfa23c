//! Reading a spelling: which characters a phone number may be written with,
//! and which national numbers its digits could stand for. This file knows no
//! prefixes; the plan decides what each candidate means.

use super::PhoneError;
use super::digits::Digits;

/// The most digits kept from one input. Anything longer is too long anyway;
/// the count goes on so the error can say how long.
const MAX: usize = 24;

/// The digits of an input, with how it was introduced.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spelling {
    digits: [u8; MAX],
    /// Digits kept in `digits`.
    kept: usize,
    /// Digits typed (may exceed `kept`).
    pub(crate) total: usize,
    /// Written with `+` before the digits.
    plus: bool,
}

/// Characters that may separate groups of digits: spaces (any Unicode
/// space, including the no-break space spreadsheets use), dots, dashes,
/// brackets and slashes, and invisible marks that copy-and-paste leaves
/// (zero-width space, byte-order mark).
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '.' | '-' | '(' | ')' | '[' | ']' | '/' | '\u{2010}'
                ..='\u{2015}' | '\u{2212}' | '\u{200B}' | '\u{FEFF}'
        )
}

/// Reads the characters of `input` into digits. A `+` may come once, before
/// the first digit; so may a `'` (the mark a spreadsheet puts before text).
pub(crate) fn read(input: &str) -> Result<Spelling, PhoneError> {
    let mut s = Spelling {
        digits: [0; MAX],
        kept: 0,
        total: 0,
        plus: false,
    };
    let mut quote = false;
    for ch in input.chars() {
        match ch {
            '0'..='9' => {
                if let Some(slot) = s.digits.get_mut(s.kept) {
                    *slot = ch as u8;
                    s.kept += 1;
                }
                s.total += 1;
            }
            '+' if s.total == 0 && !s.plus => s.plus = true,
            '\'' if s.total == 0 && !s.plus && !quote => quote = true,
            c if is_separator(c) => {}
            c if c.is_alphabetic() => return Err(PhoneError::Letters { ch: c }),
            c => return Err(PhoneError::UnexpectedCharacter { ch: c }),
        }
    }
    if s.total == 0 {
        return Err(PhoneError::Empty);
    }
    Ok(s)
}

impl Spelling {
    /// Every digit kept.
    pub(crate) fn digits(&self) -> &[u8] {
        self.digits.get(..self.kept).unwrap_or(&[])
    }

    /// Written in international form: `+…` or `00…`.
    pub(crate) fn international(&self) -> bool {
        (self.plus && !self.digits().starts_with(b"0"))
            || (!self.plus && self.digits().starts_with(b"00"))
    }

    /// The digits after the international prefix (`+` or `00`).
    fn after_international_prefix(&self) -> &[u8] {
        if self.plus {
            self.digits()
        } else {
            self.digits().get(2..).unwrap_or(&[])
        }
    }

    /// Whether this looks like a service or short number (113, 1080,
    /// 1900xxxx, 1800xxxx …): written without a `0` or a country code,
    /// starting with 1, and short or in a 1800/1900 range.
    pub(crate) fn looks_like_service_number(&self) -> bool {
        let d = self.digits();
        !self.plus
            && d.first() == Some(&b'1')
            && (self.total <= 5
                || ((d.starts_with(b"1800") || d.starts_with(b"1900")) && self.total <= 10))
    }
}

/// A national number the input could stand for, trunk `0` first.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate {
    /// The digits (cut at [`Digits::CAP`], which no valid number reaches).
    pub(crate) national: Digits,
    /// The true number of digits.
    pub(crate) len: usize,
}

impl Candidate {
    fn national(rest: &[u8], total_rest: usize) -> Self {
        let mut national = Digits::new();
        national.push(b'0');
        national.extend(rest);
        Candidate {
            national,
            len: 1 + total_rest,
        }
    }
}

/// One or two candidates, most plausible first.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidates {
    items: [Candidate; 2],
    len: usize,
}

impl Candidates {
    fn one(c: Candidate) -> Self {
        Candidates {
            items: [c, c],
            len: 1,
        }
    }

    fn two(a: Candidate, b: Candidate) -> Self {
        Candidates {
            items: [a, b],
            len: 2,
        }
    }

    pub(crate) fn as_slice(&self) -> &[Candidate] {
        self.items.get(..self.len).unwrap_or(&[])
    }

    /// The candidate to explain a failure with: the first of a plausible
    /// length (10 or 11 digits), else the first.
    pub(crate) fn primary(&self) -> Candidate {
        self.as_slice()
            .iter()
            .find(|c| (10..=11).contains(&c.len))
            .copied()
            .unwrap_or(self.items[0])
    }
}

/// The national numbers the digits could stand for:
/// - `+84…` / `0084…`: the country code, then the national significant
///   number (a `0` written after the country code, as in `+84 (0)91…`, is
///   dropped);
/// - `0…`: already national;
/// - `84…` without `+`: either the country code without its `+`, or a
///   number starting 84 whose leading `0` a spreadsheet dropped — both tried;
/// - anything else: a number whose leading `0` was dropped.
///
/// A `+` directly before a `0` (`+0912…`) is read as national: no country
/// code starts with 0.
pub(crate) fn candidates(s: &Spelling) -> Result<Candidates, PhoneError> {
    let digits = s.digits();
    if s.international() {
        let after = s.after_international_prefix();
        let skipped = if s.plus { 0 } else { 2 };
        let Some(rest) = after.strip_prefix(b"84") else {
            let shown = after.get(..after.len().min(3)).unwrap_or(&[]);
            return Err(PhoneError::NotVietnamese {
                country: Digits::from_bytes(shown),
            });
        };
        let mut total_rest = s.total.saturating_sub(skipped + 2);
        let rest = match rest.strip_prefix(b"0") {
            Some(r) => {
                total_rest = total_rest.saturating_sub(1);
                r
            }
            None => rest,
        };
        return Ok(Candidates::one(Candidate::national(rest, total_rest)));
    }
    if let Some(rest) = digits.strip_prefix(b"0") {
        return Ok(Candidates::one(Candidate::national(rest, s.total - 1)));
    }
    let dropped_zero = Candidate::national(digits, s.total);
    match digits.strip_prefix(b"84") {
        Some(rest) => Ok(Candidates::two(
            Candidate::national(rest, s.total - 2),
            dropped_zero,
        )),
        None => Ok(Candidates::one(dropped_zero)),
    }
}
