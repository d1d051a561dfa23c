//! A reading: one meaning a digit string has in the plan (a spelling of one
//! plan entry), and a small inline list of them.

use chrono::NaiveDate;

use super::digits::Digits;
use super::form::Form;
use super::plan::{Kind, Network, Owner, PLAN, PlanEntry};

/// One meaning of a number: the national digits as read, in one spelling of
/// one plan entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Reading {
    read_as: Digits,
    form: Form,
}

impl Reading {
    pub(crate) fn new(read_as: Digits, form: Form) -> Self {
        Reading { read_as, form }
    }

    /// The national digits as read (`01689123456`, `0673123456`).
    pub fn read_as(&self) -> Digits {
        self.read_as
    }

    /// The number today, national form (`0389123456`, `02773123456`).
    pub fn today(&self) -> Digits {
        self.form.today(self.read_as.as_bytes())
    }

    /// The spelling it was read in.
    pub fn form(&self) -> Form {
        self.form
    }

    /// The plan entry.
    pub fn entry(&self) -> &'static PlanEntry {
        self.form.entry
    }

    /// Mobile or landline.
    pub fn kind(&self) -> Kind {
        self.form.entry.kind
    }

    /// Province or original network.
    pub fn owner(&self) -> Owner {
        self.form.entry.owner
    }

    /// The original network, for a mobile.
    pub fn network(&self) -> Option<Network> {
        match self.owner() {
            Owner::Network(n) => Some(n),
            Owner::Province(_) => None,
        }
    }

    /// The province, for a landline.
    pub fn province(&self) -> Option<&'static str> {
        match self.owner() {
            Owner::Province(p) => Some(p),
            Owner::Network(_) => None,
        }
    }

    /// Whether it was read in an old spelling and renumbered.
    pub fn is_renumbered(&self) -> bool {
        self.form.old
    }

    /// First day this spelling was in use (`None`: before the tables).
    pub fn valid_from(&self) -> Option<NaiveDate> {
        self.form.valid_from()
    }

    /// Last day this spelling was in use (`None`: still in use).
    pub fn valid_until(&self) -> Option<NaiveDate> {
        self.form.valid_until()
    }
}

/// Up to [`Readings::CAP`] readings, held inline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Readings {
    items: [Reading; Readings::CAP],
    len: usize,
}

impl Readings {
    /// More readings than one input can have: at most two candidates, each
    /// matching at most two spellings.
    pub const CAP: usize = 8;

    pub(crate) fn new() -> Self {
        let filler = Reading {
            read_as: Digits::new(),
            form: Form {
                entry: &PLAN[0],
                old: false,
            },
        };
        Readings {
            items: [filler; Readings::CAP],
            len: 0,
        }
    }

    /// Adds `r` (ignored when full, which the plan cannot cause).
    pub(crate) fn push(&mut self, r: Reading) {
        if let Some(slot) = self.items.get_mut(self.len) {
            *slot = r;
            self.len += 1;
        }
    }

    /// The readings.
    pub fn as_slice(&self) -> &[Reading] {
        self.items.get(..self.len).unwrap_or(&[])
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The readings `keep` accepts.
    pub(crate) fn filtered(&self, keep: impl Fn(&Reading) -> bool) -> Readings {
        let mut out = Readings::new();
        for r in self.as_slice().iter().filter(|r| keep(r)) {
            out.push(*r);
        }
        out
    }
}

impl<'a> IntoIterator for &'a Readings {
    type Item = &'a Reading;
    type IntoIter = std::slice::Iter<'a, Reading>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}
