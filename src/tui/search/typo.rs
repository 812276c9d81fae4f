//! Typo tolerance on names: a query word also finds the name words within a small edit distance of
//! it, so that a wrong, swapped, missing or doubled letter ("Marcantini", "Mracantoni",
//! "Marcantonni", "Rosso") still finds the person.
//!
//! The distance is Damerau-Levenshtein (restricted: a swap of two neighbouring letters costs 1, as a
//! wrong letter does), at most 1 for words of 4 to 7 letters and 2 from 8 letters; shorter words and
//! words with digits (codes, protocol numbers) get none. The distinct words of all names, folded
//! as the matcher folds them (lowercase, accents removed), are the keys of an `fst` map, each with
//! the rows whose name has it; a query word becomes a Levenshtein automaton
//! (`levenshtein_automata`) that walks the map, visiting only the words within reach.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::LazyLock;

use fst::{IntoStreamer, Streamer};
use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder};
use nucleo_matcher::chars;

/// Shorter words get no typo tolerance: one edit in three letters is just another word.
const MIN_TYPO_CHARS: usize = 4;
/// From this length a word may have two typos.
const TWO_TYPOS_CHARS: usize = 8;

/// Distance of a row with no name word near the query word.
pub(super) const FAR: u8 = u8::MAX;

/// The automaton factories for 1 and 2 typos (a few milliseconds to make, so made once).
static AUTOMATA: LazyLock<[LevenshteinAutomatonBuilder; 2]> = LazyLock::new(|| {
    [
        LevenshteinAutomatonBuilder::new(1, true),
        LevenshteinAutomatonBuilder::new(2, true),
    ]
});

/// Makes the automaton factories now, so that the first keystroke does not wait for them.
pub(super) fn prepare() {
    LazyLock::force(&AUTOMATA);
}

/// How many typos a (lowercase) query word may have.
pub(super) fn allowed_typos(word: &str) -> u8 {
    if word.chars().any(|c| c.is_ascii_digit()) {
        return 0;
    }
    match word.chars().count() {
        n if n >= TWO_TYPOS_CHARS => 2,
        n if n >= MIN_TYPO_CHARS => 1,
        _ => 0,
    }
}

/// A word folded as the matcher compares it: lowercase, accents removed ("Lucà" is "luca").
pub(super) fn fold(word: &str) -> String {
    word.chars()
        .map(|c| chars::to_lower_case(chars::normalize(c)))
        .collect()
}

/// The words of a name, split as the query is: on whitespace.
pub(super) fn name_words(name: &str) -> impl Iterator<Item = &str> {
    name.split_whitespace()
}

/// Automata kept by [`distance`] on each thread.
const RECENT_AUTOMATA: usize = 4;

thread_local! {
    /// The automata of the last query words [`distance`] was asked about: a frame highlights
    /// every visible row for the same words, and making an automaton costs more than running it.
    static RECENT: RefCell<Vec<(String, DFA)>> = const { RefCell::new(Vec::new()) };
}

/// Distance between a query word and a name word, both folded, when within the word's allowance.
pub(super) fn distance(word: &str, name_word: &str) -> Option<u8> {
    let typos = allowed_typos(word);
    let builder = AUTOMATA.get(usize::from(typos).checked_sub(1)?)?;
    RECENT.with_borrow_mut(|recent| {
        let at = match recent.iter().position(|(w, _)| w == word) {
            Some(at) => at,
            None => {
                if recent.len() >= RECENT_AUTOMATA {
                    recent.remove(0);
                }
                recent.push((word.to_owned(), builder.build_dfa(word)));
                recent.len() - 1
            }
        };
        match recent.get(at)?.1.eval(name_word) {
            Distance::Exact(d) => Some(d),
            Distance::AtLeast(_) => None,
        }
    })
}

/// The rows near one query word: for every row, the distance of its nearest name word (`FAR`
/// when none is within reach), and the rows whose nearest name word is at least one typo away,
/// ascending; see [`NameWords::near`] for the rows at distance 0.
pub(super) struct Near {
    pub distance: Vec<u8>,
    pub rows: Vec<u32>,
}

/// The distinct folded words of all names and, for each, the rows whose name has it.
pub(super) struct NameWords {
    /// Folded word → its id.
    words: fst::Map<Vec<u8>>,
    /// The rows of word `id` are `rows[starts[id]..starts[id + 1]]`, ascending.
    starts: Vec<u32>,
    rows: Vec<u32>,
}

impl NameWords {
    /// `names[i]` is the name of row `i`.
    pub(super) fn new<'a>(names: impl Iterator<Item = &'a str>) -> NameWords {
        let mut by_word: HashMap<String, Vec<u32>> = HashMap::new();
        let mut count = 0u32;
        for (row, name) in (0..u32::MAX).zip(names) {
            count = row + 1;
            for word in name_words(name) {
                let rows = by_word.entry(fold(word)).or_default();
                if rows.last() != Some(&row) {
                    rows.push(row);
                }
            }
        }
        let mut sorted: Vec<(String, Vec<u32>)> = by_word.into_iter().collect();
        sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut builder = fst::MapBuilder::memory();
        let mut starts = Vec::with_capacity(sorted.len() + 1);
        let mut rows = Vec::with_capacity(count as usize * 2);
        for (word, word_rows) in sorted {
            // Keys are distinct and sorted, so the map accepts each; one it refused would only
            // not be found with a typo.
            if builder.insert(&word, starts.len() as u64).is_ok() {
                starts.push(rows.len() as u32);
                rows.extend(word_rows);
            }
        }
        starts.push(rows.len() as u32);
        rows.shrink_to_fit();
        NameWords {
            words: builder.into_map(),
            starts,
            rows,
        }
    }

    fn rows_of(&self, id: u64) -> &[u32] {
        let id = id as usize;
        match (self.starts.get(id), self.starts.get(id + 1)) {
            (Some(&from), Some(&to)) => self.rows.get(from as usize..to as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The rows (of `len`) whose name has a word near the folded query `word`; `None` when the
    /// word gets no typo tolerance. With `matched_unfolded` (the query word as typed is ASCII), a
    /// row with the word itself in its name is left out of the rows: the word is a subsequence of
    /// its name, so the ordinary matcher finds it. A word typed with accents is matched there
    /// without folding ("kò/a" does not find "kò/À"), so its rows at distance 0 stay.
    pub(super) fn near(&self, word: &str, matched_unfolded: bool, len: usize) -> Option<Near> {
        let typos = allowed_typos(word);
        let builder = AUTOMATA.get(usize::from(typos).checked_sub(1)?)?;
        let dfa = builder.build_dfa(word);
        let mut near = Near {
            distance: vec![FAR; len],
            rows: Vec::new(),
        };
        let mut stream = self.words.search_with_state(&dfa).into_stream();
        while let Some((_, id, state)) = stream.next() {
            let Distance::Exact(d) = dfa.distance(state) else {
                continue;
            };
            for &row in self.rows_of(id) {
                if let Some(slot) = near.distance.get_mut(row as usize) {
                    if *slot == FAR {
                        near.rows.push(row);
                    }
                    *slot = (*slot).min(d);
                }
            }
        }
        if matched_unfolded {
            near.rows
                .retain(|&row| near.distance.get(row as usize).is_some_and(|&d| d > 0));
        }
        near.rows.sort_unstable();
        Some(near)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_allowed_grow_with_the_word_and_skip_codes() {
        assert_eq!(allowed_typos("ros"), 0);
        assert_eq!(allowed_typos("rosso"), 1);
        assert_eq!(allowed_typos("marcanti"), 2);
        assert_eq!(allowed_typos("rssmra80"), 0, "a codice fiscale");
        assert_eq!(allowed_typos("2024/0004"), 0, "a protocol");
    }

    #[test]
    fn a_swap_costs_one_like_a_wrong_missing_or_doubled_letter() {
        assert_eq!(distance("rosso", "russo"), Some(1));
        assert_eq!(distance("rsuso", "russo"), Some(1), "swap");
        assert_eq!(distance("marcantini", "marcantoni"), Some(1));
        assert_eq!(distance("mracantoni", "marcantoni"), Some(1), "swap");
        assert_eq!(distance("marcantonni", "marcantoni"), Some(1), "doubled");
        assert_eq!(distance("mrcantni", "marcantoni"), Some(2));
        assert_eq!(distance("rosso", "rossa"), Some(1));
        assert_eq!(distance("rosso", "rizzo"), None);
        assert_eq!(distance("ros", "rosa"), None, "too short for a typo");
    }

    #[test]
    fn near_finds_rows_by_folded_name_words() {
        let words = NameWords::new(
            ["Russo Simone", "Lucà Niccolò", "Rossi Maria", "Russo Russa"].into_iter(),
        );
        let near = words.near("rosso", true, 4).map(|n| (n.rows, n.distance));
        assert_eq!(near, Some((vec![0, 2, 3], vec![1, FAR, 1, 1])));
        let near = words.near("russa", true, 4).map(|n| (n.rows, n.distance));
        assert_eq!(
            near,
            Some((vec![0], vec![1, FAR, FAR, 0])),
            "rows with the word itself are left to the ordinary matcher"
        );
        let near = words.near("nicolo", true, 4).map(|n| n.rows);
        assert_eq!(near, Some(vec![1]), "accents folded, a letter missing");
        assert!(words.near("ros", true, 4).is_none());
        let accented = NameWords::new(["kò/À"].into_iter());
        let near = accented.near("ko/a", false, 1).map(|n| n.rows);
        assert_eq!(
            near,
            Some(vec![0]),
            "a word typed with accents keeps its exact rows"
        );
    }
}
