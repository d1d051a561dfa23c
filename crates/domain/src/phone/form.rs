//! The spellings the plan accepts: each row's prefix today and, if it was
//! renumbered, the prefix it replaced; and an index that finds the
//! spellings a number may be in by its first digits.

use chrono::NaiveDate;

use super::digits::Digits;
use super::plan::{Kind, PLAN, PLAN_TABLE, PlanEntry};

/// One spelling a plan entry accepts: today's prefix, or the prefix it
/// replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Form {
    /// The plan entry.
    pub entry: &'static PlanEntry,
    /// Whether this is the entry's old (replaced) spelling.
    pub old: bool,
}

impl Form {
    /// The prefix of this spelling, with the trunk `0`.
    pub fn prefix(&self) -> &'static str {
        match (self.old, self.entry.replaced) {
            (true, Some(r)) => r.prefix,
            _ => self.entry.prefix,
        }
    }

    /// Digits of a national number in this spelling.
    pub fn len(&self) -> usize {
        self.prefix().len() + self.entry.subscriber_len()
    }

    /// Always `false`: a spelling has digits.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// First day this spelling was in use (`None`: before the tables).
    pub fn valid_from(&self) -> Option<NaiveDate> {
        if self.old {
            None
        } else {
            self.entry.valid_from
        }
    }

    /// Last day this spelling was in use (`None`: still in use).
    pub fn valid_until(&self) -> Option<NaiveDate> {
        if self.old {
            self.entry.replaced.map(|r| r.valid_until)
        } else {
            None
        }
    }

    /// Whether the spelling was in use on `day`.
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.valid_from().is_none_or(|f| f <= day) && self.valid_until().is_none_or(|u| day <= u)
    }

    /// Whether `national` (digits, trunk `0` first) is a number in this
    /// spelling: right prefix, right length, and for landlines a subscriber
    /// number starting with 2–9 (0 is the trunk prefix and 1 opens service
    /// numbers, so no subscriber number starts with either).
    pub fn matches(&self, national: &[u8]) -> bool {
        let prefix = self.prefix().as_bytes();
        national.len() == self.len()
            && national.starts_with(prefix)
            && (self.entry.kind == Kind::Mobile
                || national
                    .get(prefix.len())
                    .is_some_and(|d| (b'2'..=b'9').contains(d)))
    }

    /// Today's national number for `national` read in this spelling: the
    /// entry's prefix followed by the kept subscriber digits.
    pub fn today(&self, national: &[u8]) -> Digits {
        let mut out = Digits::from_bytes(self.entry.prefix.as_bytes());
        out.extend(national.get(self.prefix().len()..).unwrap_or(&[]));
        out
    }
}

/// Every spelling of every row, current spellings first.
pub fn forms() -> impl Iterator<Item = Form> {
    let current = PLAN.iter().map(|entry| Form { entry, old: false });
    let old = PLAN
        .iter()
        .filter(|e| e.replaced.is_some())
        .map(|entry| Form { entry, old: true });
    current.chain(old)
}

// The reader looks spellings up by the three digits after the trunk `0`. The
// index is built from the tables at compile time: every form id (row × 2 +
// old) whose prefix agrees with those three digits. No key holds more than
// two forms today (e.g. "868": TP.HCM's old 08 and Viettel's 086).

const SLOT: usize = 4;

struct Index {
    ids: [[u8; SLOT]; 1000],
    counts: [u8; 1000],
    overflow: bool,
}

const fn index_add(ix: &mut Index, prefix: &str, id: usize) {
    let bytes = prefix.as_bytes();
    // Digits after the trunk 0 (1 to 3 of them) fix the start of the key.
    let fixed = bytes.len() - 1;
    let mut base = 0usize;
    let mut i = 1;
    while i < bytes.len() && i <= 3 {
        base = base * 10 + (bytes[i] - b'0') as usize;
        i += 1;
    }
    let mut span = 1usize;
    let mut k = fixed;
    while k < 3 {
        base *= 10;
        span *= 10;
        k += 1;
    }
    let mut key = base;
    while key < base + span {
        let c = ix.counts[key] as usize;
        if c < SLOT && id < 256 {
            ix.ids[key][c] = id as u8;
            ix.counts[key] += 1;
        } else {
            ix.overflow = true;
        }
        key += 1;
    }
}

const fn build_index() -> Index {
    let mut ix = Index {
        ids: [[0; SLOT]; 1000],
        counts: [0; 1000],
        overflow: false,
    };
    let mut e = 0;
    while e < PLAN_TABLE.len() {
        let entry = &PLAN_TABLE[e];
        index_add(&mut ix, entry.prefix, e * 2);
        if let Some(r) = entry.replaced {
            index_add(&mut ix, r.prefix, e * 2 + 1);
        }
        e += 1;
    }
    ix
}

static INDEX: Index = build_index();

/// The spellings whose prefix agrees with the first four digits of
/// `national` (trunk `0` first). Empty for fewer than four digits.
pub(crate) fn candidate_forms(national: &[u8]) -> impl Iterator<Item = Form> {
    let key = match national {
        [b'0', a, b, c, ..] if a.is_ascii_digit() && b.is_ascii_digit() && c.is_ascii_digit() => {
            Some(usize::from(a - b'0') * 100 + usize::from(b - b'0') * 10 + usize::from(c - b'0'))
        }
        _ => None,
    };
    let (ids, count): (&[u8; SLOT], usize) = match key {
        Some(k) => (
            INDEX.ids.get(k).unwrap_or(&[0; SLOT]),
            INDEX.counts.get(k).map_or(0, |c| usize::from(*c)),
        ),
        None => (&[0; SLOT], 0),
    };
    ids.iter().take(count).filter_map(|&id| {
        let entry = PLAN.get(usize::from(id) / 2)?;
        Some(Form {
            entry,
            old: id % 2 == 1,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_holds_every_form() {
        assert!(!INDEX.overflow);
        assert!(PLAN.len() < 128);
        for form in forms() {
            let mut sample = form.prefix().as_bytes().to_vec();
            sample.resize(form.len(), b'5');
            assert!(form.matches(&sample), "{form:?}");
            assert!(candidate_forms(&sample).any(|f| f == form), "{form:?}");
        }
    }

    #[test]
    fn prefixes_are_well_formed_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for form in forms() {
            let p = form.prefix();
            assert!(
                p.starts_with('0') && p.bytes().all(|b| b.is_ascii_digit()),
                "{p}"
            );
            assert!((2..=4).contains(&p.len()), "{p}");
            assert!(
                seen.insert((p, form.len(), form.entry.kind)),
                "duplicate spelling {p}"
            );
        }
    }
}
