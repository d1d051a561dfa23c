//! Collisions: digit strings that two spellings of the plan both accept, so
//! that the number means one thing or another depending on when it was
//! written. Derived from the tables, never listed by hand.

use chrono::NaiveDate;

use super::form::{Form, forms};
use super::plan::Kind;

/// Two spellings that read some of the same digit strings: a number matching
/// [`Collision::pattern`] means one thing in `first` and another in `second`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Collision {
    /// The longer of the two prefixes: every colliding number starts with it.
    pub prefix: &'static str,
    /// Digits of the colliding numbers.
    pub len: usize,
    /// The spelling that was in use first.
    pub first: Form,
    /// The other spelling.
    pub second: Form,
}

impl Collision {
    /// The days both spellings were in use at once, if any: numbers in the
    /// pattern read on such a day stay ambiguous even with a date.
    pub fn overlap(&self) -> Option<(Option<NaiveDate>, Option<NaiveDate>)> {
        let from = later_start(self.first.valid_from(), self.second.valid_from());
        let until = earlier_end(self.first.valid_until(), self.second.valid_until());
        match (from, until) {
            (Some(f), Some(u)) if f > u => None,
            _ => Some((from, until)),
        }
    }

    /// The pattern as text, `x` for any digit: `033[2-9]xxxxxx`.
    pub fn pattern(&self) -> String {
        let mut s = String::from(self.prefix);
        let constrained = [self.first, self.second]
            .iter()
            .filter(|f| f.entry.kind == Kind::Landline)
            .map(|f| f.prefix().len())
            .find(|&at| at == self.prefix.len());
        let mut pos = self.prefix.len();
        while pos < self.len {
            if Some(pos) == constrained {
                s.push_str("[2-9]");
            } else {
                s.push('x');
            }
            pos += 1;
        }
        s
    }
}

fn later_start(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn earlier_end(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// Whether some digit string is accepted by both spellings.
fn overlapping(a: Form, b: Form) -> Option<&'static str> {
    if a.len() != b.len() {
        return None;
    }
    let (pa, pb) = (a.prefix(), b.prefix());
    let (long, short) = if pa.len() >= pb.len() {
        (pa, pb)
    } else {
        (pb, pa)
    };
    if !long.starts_with(short) {
        return None;
    }
    // A landline's first subscriber digit must be 2–9: if that position is
    // fixed by the other prefix, it must agree.
    for f in [a, b] {
        if f.entry.kind == Kind::Landline {
            let at = f.prefix().len();
            if let Some(d) = long.as_bytes().get(at)
                && !(b'2'..=b'9').contains(d)
            {
                return None;
            }
        }
    }
    Some(long)
}

/// Every collision the tables contain, derived from the rows (old landline
/// codes such as Quảng Ninh's 033 against today's mobile 033, and TP.HCM's
/// old 08 + 8 digits against the 08x mobiles).
pub fn collisions() -> Vec<Collision> {
    let all: Vec<Form> = forms().collect();
    let mut out = Vec::new();
    for (i, &a) in all.iter().enumerate() {
        for &b in all.iter().skip(i + 1) {
            if let Some(prefix) = overlapping(a, b) {
                // Earlier start first (no start = earliest); on a tie the
                // old spelling first.
                let key = |f: Form| (f.valid_from().is_some(), f.valid_from(), !f.old);
                let (first, second) = if key(a) <= key(b) { (a, b) } else { (b, a) };
                out.push(Collision {
                    prefix,
                    len: a.len(),
                    first,
                    second,
                });
            }
        }
    }
    out.sort_by(|x, y| (x.prefix, x.len).cmp(&(y.prefix, y.len)));
    out
}
