//! Name search over the units: folded keys and the ranking.

use crate::text::fold;

/// The two forms a name is compared in: folded ([`fold`]: no marks, `đ` →
/// `d`, lower case, single spaces) and compact (folded, letters and digits
/// only), so "caolanh", "cao  lanh" and "ea hleo" (for "Ea H'Leo") match
/// too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SearchKey {
    folded: String,
    compact: String,
}

impl SearchKey {
    pub(super) fn new(text: &str) -> Self {
        let folded = fold(text);
        let compact = folded.chars().filter(|c| c.is_alphanumeric()).collect();
        SearchKey { folded, compact }
    }

    fn is_empty(&self) -> bool {
        self.compact.is_empty()
    }

    /// How well `self` (a name) matches `query`: 0 equal, 1 starts with it,
    /// 2 contains it, `None` not at all.
    fn rank(&self, query: &SearchKey) -> Option<u8> {
        let both = |f: fn(&str, &str) -> bool| {
            f(&self.folded, &query.folded) || f(&self.compact, &query.compact)
        };
        if both(|a, b| a == b) {
            Some(0)
        } else if both(|a, b| a.starts_with(b)) {
            Some(1)
        } else if both(|a, b| a.contains(b)) {
            Some(2)
        } else {
            None
        }
    }
}

/// The items whose keys (full name, short name) match `query`, best rank
/// first, then by folded short name, then in their given (code) order.
pub(super) fn ranked<'a, T: 'a>(
    query: &SearchKey,
    candidates: impl Iterator<Item = (&'a T, &'a [SearchKey; 2])>,
    short_name: impl Fn(&T) -> &str,
    limit: usize,
) -> Vec<&'a T> {
    if query.is_empty() || limit == 0 {
        return Vec::new();
    }
    let mut hits: Vec<(u8, String, usize, &'a T)> = candidates
        .enumerate()
        .filter_map(|(order, (item, keys))| {
            let rank = keys.iter().filter_map(|k| k.rank(query)).min()?;
            Some((rank, fold(short_name(item)), order, item))
        })
        .collect();
    hits.sort_by(|a, b| (a.0, &a.1, a.2).cmp(&(b.0, &b.1, b.2)));
    hits.into_iter()
        .take(limit)
        .map(|(_, _, _, item)| item)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_equal_then_prefix_then_contains() {
        let name = SearchKey::new("Phường Cao Lãnh");
        assert_eq!(name.rank(&SearchKey::new("phuong cao lanh")), Some(0));
        assert_eq!(name.rank(&SearchKey::new("PHƯỜNG  CAO")), Some(1));
        assert_eq!(name.rank(&SearchKey::new("cao lanh")), Some(2));
        assert_eq!(name.rank(&SearchKey::new("phuongcaolanh")), Some(0));
        assert_eq!(name.rank(&SearchKey::new("sa dec")), None);
    }

    #[test]
    fn punctuation_is_ignored_in_the_compact_form() {
        let name = SearchKey::new("Xã Ea H'Leo");
        assert_eq!(name.rank(&SearchKey::new("xa ea hleo")), Some(0));
        assert!(SearchKey::new(" ' - ").is_empty());
    }
}
