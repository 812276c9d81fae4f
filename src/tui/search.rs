//! Fuzzy search over name, codice fiscale and protocol number (`/` in the console).
//!
//! The matcher is `nucleo-matcher` (the fzf algorithm, as in helix). `fuzzy-matcher` (skim v2),
//! the crate the design named, was measured first with the same index, narrowing and threads and
//! could not hold 16 ms per keystroke on 100.000 applications (p99 35–57 ms, against 9 ms with
//! nucleo): see BENCHMARKS.md, section "Ricerca fuzzy", and `benches/search.rs`, which keeps it for
//! comparison.
//!
//! Semantics:
//! - the query is split on whitespace into words; a row matches when **every** word matches, as a
//!   fuzzy subsequence, in **one** of its fields (name, codice fiscale, protocol). So "rossi mar"
//!   finds "Rossi Maria" and "Maria Rossi", "RSSMRA" a codice fiscale, "2024/0004" a protocol;
//! - case-insensitive; accented letters in the data are also found by their plain letter
//!   ("nicolo" finds "Nicolò"); no special syntax (`'`, `^`, `!`, `$` are ordinary characters);
//! - a row's score is that of its best field; hits are sorted by score, best first, ties by row;
//! - typo tolerance on names ([`typo`]): a row none of whose fields matches every word is still a
//!   hit when every word either is a subsequence of its name or is within a small edit distance of
//!   one of the name's words, at least one being only near ("Rosso" finds "Russo", "Mracantoni"
//!   "Marcantoni"). These hits have score 0 and come after all the others, fewest typos first, ties
//!   by row;
//! - an empty (or all-blank) query filters nothing: every row, in row order, with score 0.
//!
//! Speed: typing narrows incrementally ([`SearchSession`] keeps the hits of every prefix, so each
//! new character rescans only the previous hits and Backspace is a lookup); each field carries a
//! bitmask of its characters so that most non-matching fields are skipped without running the
//! matcher; large scans are split over rayon's threads. [`SearchIndex::new`] takes about 18 ms for
//! 100.000 rows and keeps 8,5 MiB (a session with its cached prefixes a few MiB more): build it off
//! the UI thread so that the first frame never waits for it.

mod typo;

use std::cell::RefCell;
use std::sync::Arc;

use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher, Utf32Str, chars};
use rayon::prelude::*;
use typo::{FAR, NameWords, Near};

/// The field of an application a query matched in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    FiscalCode,
    Protocol,
}

/// Order of the fields in a row; on equal scores the earlier field is the one highlighted.
const FIELDS: [Field; 3] = [Field::Name, Field::FiscalCode, Field::Protocol];

/// One searchable row, as the console shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// "Cognome Nome", as displayed.
    pub name: String,
    pub fiscal_code: String,
    /// Empty for applications not registered yet.
    pub protocol: String,
}

/// A matching row: `row` indexes the entries given to [`SearchIndex::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub row: u32,
    pub score: u32,
}

/// Longest field indexed, in characters; longer values are searched on their first part only.
const MAX_FIELD_CHARS: usize = u16::MAX as usize;

/// Where a field's text lives: in the ASCII arena (bytes) or, when it has other characters, in
/// the wide arena (one `char` each, so that match positions are char indices of the value).
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    /// Characters the field can match (see [`data_char_bits`]).
    mask: u64,
    start: u32,
    len: u16,
    wide: bool,
}

/// The searchable text of all rows, packed: about 16 bytes per field plus the text itself.
/// Immutable once built; share it with `Arc`.
pub struct SearchIndex {
    ascii: Vec<u8>,
    wide: Vec<char>,
    spans: Vec<[Span; 3]>,
    /// The words of the names, for typo tolerance.
    names: NameWords,
}

/// Bit of a character in a field's mask: ASCII letters case-folded, digits, and other ASCII
/// characters folded onto the remaining bits. Non-ASCII characters have no bit: a query made of
/// them is never filtered by the mask.
fn char_bit(c: char) -> u64 {
    match c {
        'a'..='z' => 1 << (c as u32 - 'a' as u32),
        'A'..='Z' => 1 << (c as u32 - 'A' as u32),
        '0'..='9' => 1 << (26 + c as u32 - '0' as u32),
        c if c.is_ascii() => 1 << (36 + c as u32 % 28),
        _ => 0,
    }
}

/// Bits of the ASCII characters a character of the data can match, case-folded or normalized as
/// the matcher does ("ò" matches "o", the Kelvin sign "k").
fn data_char_bits(c: char) -> u64 {
    if c.is_ascii() {
        return char_bit(c);
    }
    let normalized = chars::normalize(c);
    [
        c,
        chars::to_lower_case(c),
        normalized,
        chars::to_lower_case(normalized),
    ]
    .into_iter()
    .fold(0, |m, c| m | char_bit(c))
}

impl SearchIndex {
    /// Row `i` is `entries[i]`. About 18 ms for 100.000 entries; also starts rayon's threads so
    /// that the first keystroke does not pay for it.
    pub fn new(entries: Vec<Entry>) -> SearchIndex {
        let rows = entries.len().min(u32::MAX as usize);
        let text: usize = entries
            .iter()
            .take(rows)
            .map(|e| e.name.len() + e.fiscal_code.len() + e.protocol.len())
            .sum();
        let mut index = SearchIndex {
            ascii: Vec::with_capacity(text),
            wide: Vec::new(),
            spans: Vec::with_capacity(rows),
            names: NameWords::new(entries.iter().take(rows).map(|e| e.name.as_str())),
        };
        for entry in entries.iter().take(rows) {
            let row = [
                index.push_field(&entry.name),
                index.push_field(&entry.fiscal_code),
                index.push_field(&entry.protocol),
            ];
            index.spans.push(row);
        }
        index.ascii.shrink_to_fit();
        index.wide.shrink_to_fit();
        let _ = rayon::current_num_threads();
        typo::prepare();
        index
    }

    fn push_field(&mut self, value: &str) -> Span {
        if value.is_ascii() {
            let bytes = &value.as_bytes()[..value.len().min(MAX_FIELD_CHARS)];
            let Ok(start) = u32::try_from(self.ascii.len()) else {
                return Span::default();
            };
            self.ascii.extend_from_slice(bytes);
            Span {
                mask: bytes.iter().fold(0, |m, &b| m | char_bit(char::from(b))),
                start,
                len: bytes.len() as u16,
                wide: false,
            }
        } else {
            let Ok(start) = u32::try_from(self.wide.len()) else {
                return Span::default();
            };
            self.wide.extend(value.chars().take(MAX_FIELD_CHARS));
            Span {
                mask: value
                    .chars()
                    .take(MAX_FIELD_CHARS)
                    .fold(0, |m, c| m | data_char_bits(c)),
                start,
                len: (self.wide.len() - start as usize) as u16,
                wide: true,
            }
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    fn haystack(&self, span: Span) -> Utf32Str<'_> {
        let range = span.start as usize..span.start as usize + span.len as usize;
        if span.wide {
            Utf32Str::Unicode(self.wide.get(range).unwrap_or_default())
        } else {
            Utf32Str::Ascii(self.ascii.get(range).unwrap_or_default())
        }
    }

    /// Best score of the row over its fields, and the field that gave it.
    fn score_row(&self, row: u32, query: &Query, matcher: &mut Matcher) -> Option<(u32, Field)> {
        let spans = self.spans.get(row as usize)?;
        let mut best: Option<(u32, Field)> = None;
        for (span, field) in spans.iter().zip(FIELDS) {
            if span.mask & query.mask != query.mask {
                continue;
            }
            let haystack = self.haystack(*span);
            let mut total = 0u32;
            let all = query
                .atoms
                .iter()
                .all(|atom| match atom.score(haystack, matcher) {
                    Some(score) => {
                        total = total.saturating_add(u32::from(score));
                        true
                    }
                    None => false,
                });
            if all && best.is_none_or(|(b, _)| total > b) {
                best = Some((total, field));
            }
        }
        best
    }
}

/// A prepared query: its words as matcher atoms and the characters they need.
struct Query {
    words: Vec<String>,
    atoms: Vec<Atom>,
    mask: u64,
    /// The words folded as name words are, for typo tolerance.
    folded: Vec<String>,
}

/// One word of a query as nucleo matches it: fuzzy, case-insensitive, accents folded, no syntax.
fn fuzzy_atom(word: &str) -> Atom {
    Atom::new(
        word,
        CaseMatching::Ignore,
        Normalization::Smart,
        AtomKind::Fuzzy,
        false,
    )
}

impl Query {
    fn new(query: &str) -> Query {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        let atoms = words.iter().map(|w| fuzzy_atom(w)).collect();
        let mask = words.iter().map(|w| word_mask(w)).fold(0, |m, w| m | w);
        let folded = words.iter().map(|w| typo::fold(w)).collect();
        Query {
            words,
            atoms,
            mask,
            folded,
        }
    }
}

/// Characters a query word needs in a field (see [`char_bit`]).
fn word_mask(word: &str) -> u64 {
    word.chars().fold(0, |m, c| m | char_bit(c))
}

thread_local! {
    /// One matcher per thread: it owns a scratch matrix of about 135 KB.
    static MATCHER: RefCell<Matcher> = RefCell::new(Matcher::new(Config::DEFAULT));
}

/// Rows scored per task; scans of fewer candidates stay on the calling thread.
const CHUNK: usize = 4096;

/// Scores `candidates` (all rows when `None`), which are in row order, and returns the hits in
/// row order.
fn scan(index: &SearchIndex, query: &Query, candidates: Option<&[u32]>) -> Vec<Hit> {
    let len = candidates.map_or(index.len(), <[u32]>::len);
    let score_range = |range: std::ops::Range<usize>| -> Vec<Hit> {
        MATCHER.with_borrow_mut(|matcher| {
            let mut out = Vec::with_capacity(range.len());
            for i in range {
                let row = candidates.map_or(i as u32, |c| c[i]);
                if let Some((score, _)) = index.score_row(row, query, matcher) {
                    out.push(Hit { row, score });
                }
            }
            out
        })
    };
    if len <= CHUNK {
        return score_range(0..len);
    }
    let parts: Vec<Vec<Hit>> = (0..len.div_ceil(CHUNK))
        .into_par_iter()
        .map(|chunk| score_range(chunk * CHUNK..len.min((chunk + 1) * CHUNK)))
        .collect();
    let mut hits = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for part in parts {
        hits.extend(part);
    }
    hits
}

/// Rows that match only with typos, nearest first (fewest typos over all words), ties in row
/// order, each with score 0: every word is near a word of the row's name or is a subsequence of
/// the name, and the row is not in `exact` (the ascending rows of the ordinary hits).
fn typo_hits(
    index: &SearchIndex,
    query: &Query,
    exact: &[u32],
    recent: &mut RecentNear,
) -> Vec<Hit> {
    let near: Vec<Option<Arc<Near>>> = query
        .words
        .iter()
        .zip(&query.folded)
        .map(|(typed, folded)| recent.near(index, folded, typed.is_ascii()))
        .collect();
    let mut candidates: Vec<u32> = near
        .iter()
        .flatten()
        .flat_map(|n| n.rows.iter().copied())
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    candidates.sort_unstable();
    candidates.dedup();
    candidates.retain(|row| exact.binary_search(row).is_err());
    let masks: Vec<u64> = query.words.iter().map(|w| word_mask(w)).collect();
    // Typos of a row over all words, or `None` when a word neither is near nor matches its name.
    let typos = |row: u32, matcher: &mut Matcher| -> Option<u32> {
        let name = index.spans.get(row as usize)?[0];
        let mut total = 0u32;
        for ((atom, near), mask) in query.atoms.iter().zip(&near).zip(&masks) {
            match near.as_ref().and_then(|n| n.distance.get(row as usize)) {
                Some(&d) if d != FAR => total += u32::from(d),
                _ if name.mask & mask != *mask => return None,
                _ => {
                    atom.score(index.haystack(name), matcher)?;
                }
            }
        }
        Some(total)
    };
    let score_range = |range: &[u32]| -> Vec<u64> {
        MATCHER.with_borrow_mut(|matcher| {
            range
                .iter()
                .filter_map(|&row| {
                    typos(row, matcher).map(|t| (u64::from(t) << 32) | u64::from(row))
                })
                .collect()
        })
    };
    let mut found: Vec<u64> = if candidates.len() <= CHUNK {
        score_range(&candidates)
    } else {
        candidates
            .par_chunks(CHUNK)
            .map(score_range)
            .flatten_iter()
            .collect()
    };
    found.sort_unstable();
    found
        .into_iter()
        .map(|key| Hit {
            row: key as u32,
            score: 0,
        })
        .collect()
}

/// Query words kept with their near rows: while typing, only the last word changes, so the
/// others' rows are not searched for again.
const RECENT_NEAR: usize = 8;

/// The near rows of the last query words looked up (`None`: the word gets no typo tolerance),
/// by folded word and whether it was typed in ASCII.
#[derive(Default)]
struct RecentNear(Vec<(NearKey, Option<Arc<Near>>)>);

/// A folded query word and whether it was typed in ASCII.
type NearKey = (String, bool);

impl RecentNear {
    fn near(&mut self, index: &SearchIndex, folded: &str, ascii: bool) -> Option<Arc<Near>> {
        let key = (folded.to_owned(), ascii);
        if let Some((_, near)) = self.0.iter().find(|(k, _)| *k == key) {
            return near.clone();
        }
        let near = index.names.near(folded, ascii, index.len()).map(Arc::new);
        if self.0.len() >= RECENT_NEAR {
            self.0.remove(0);
        }
        self.0.push((key, near.clone()));
        near
    }
}

/// Sorts hits given in row order by score, best first; being stable, equal scores stay in row
/// order. A byte-wise LSD radix sort: two passes for the usual scores below 65.536.
fn rank(mut hits: Vec<Hit>) -> Vec<Hit> {
    let max = hits.iter().map(|h| h.score).max().unwrap_or(0);
    let mut other = vec![Hit { row: 0, score: 0 }; hits.len()];
    let mut shift = 0;
    while shift < 32 && (max >> shift) > 0 {
        let digit = |h: &Hit| (((u32::MAX - h.score) >> shift) & 0xff) as usize;
        let mut offsets = [0usize; 256];
        for h in &hits {
            offsets[digit(h)] += 1;
        }
        let mut total = 0;
        for slot in offsets.iter_mut() {
            let count = *slot;
            *slot = total;
            total += count;
        }
        for h in &hits {
            let d = digit(h);
            other[offsets[d]] = *h;
            offsets[d] += 1;
        }
        std::mem::swap(&mut hits, &mut other);
        shift += 8;
    }
    hits
}

/// The hits of one query prefix.
struct Level {
    /// Lowercased query text this level was computed for.
    key: String,
    words: Vec<String>,
    /// Matching rows in row order, typo hits left out: the candidates of the next, longer query.
    rows: Vec<u32>,
    /// The same rows as hits, best first, then the typo hits.
    hits: Vec<Hit>,
}

/// An incremental typing session: keeps the results of each prefix so that extending the query
/// only rescans the previous hits and Backspace returns cached results.
///
/// Narrowing is sound because a row matching a query also matches every prefix of it: each word
/// of the prefix is a prefix of a word of the query, and a subsequence's prefix is a subsequence.
pub struct SearchSession {
    index: Arc<SearchIndex>,
    query: String,
    /// Every row in row order: the result of the empty query.
    all: Vec<Hit>,
    /// Levels of increasingly long prefixes of the current query (each key a prefix of the next).
    levels: Vec<Level>,
    filtering: bool,
    recent_near: RecentNear,
}

impl SearchSession {
    pub fn new(index: Arc<SearchIndex>) -> SearchSession {
        let all = (0..index.len() as u32)
            .map(|row| Hit { row, score: 0 })
            .collect();
        SearchSession {
            index,
            query: String::new(),
            all,
            levels: Vec::new(),
            filtering: false,
            recent_near: RecentNear::default(),
        }
    }

    /// Sets the query text (after any edit) and returns the hits. Appending rescans the previous
    /// hits, Backspace returns the cached hits of the prefix, other edits restart from the longest
    /// cached prefix.
    pub fn set_query(&mut self, query: &str) -> &[Hit] {
        self.query.clear();
        self.query.push_str(query);
        let key = query.to_lowercase();
        while self.levels.last().is_some_and(|l| !key.starts_with(&l.key)) {
            self.levels.pop();
        }
        let prepared = Query::new(&key);
        self.filtering = !prepared.words.is_empty();
        // A level whose words are the same (e.g. the query only gained a trailing space) serves as is.
        if self.filtering && self.levels.last().is_none_or(|l| l.words != prepared.words) {
            let previous = self.levels.last().map(|l| l.rows.as_slice());
            let found = scan(&self.index, &prepared, previous);
            let rows: Vec<u32> = found.iter().map(|h| h.row).collect();
            let mut hits = rank(found);
            // Typo hits are not narrowed: a typo in a prefix may be the right letter of the word.
            hits.extend(typo_hits(
                &self.index,
                &prepared,
                &rows,
                &mut self.recent_near,
            ));
            self.levels.push(Level {
                key,
                words: prepared.words,
                rows,
                hits,
            });
        }
        self.hits()
    }

    /// Hits of the current query, best first (all rows in row order for an empty query).
    pub fn hits(&self) -> &[Hit] {
        match self.levels.last() {
            Some(level) if self.filtering => &level.hits,
            _ => &self.all,
        }
    }

    /// The query as last set (not lowercased).
    pub fn query(&self) -> &str {
        &self.query
    }
}

/// For highlighting the visible rows only: the field that matched best and the char indices
/// (in `value.chars()`) of the characters matched in it, ascending. `None` when the query is
/// empty or the row does not match.
pub fn highlight(index: &SearchIndex, row: u32, query: &str) -> Option<(Field, Vec<usize>)> {
    let query = Query::new(query);
    if query.atoms.is_empty() {
        return None;
    }
    MATCHER.with_borrow_mut(|matcher| {
        let Some((_, field)) = index.score_row(row, &query, matcher) else {
            return typo_marks(index, row, &query, matcher).map(|marks| (Field::Name, marks));
        };
        let span = index.spans.get(row as usize)?[field as usize];
        let haystack = index.haystack(span);
        let mut indices = Vec::new();
        for atom in &query.atoms {
            atom.indices(haystack, matcher, &mut indices)?;
        }
        let mut indices: Vec<usize> = indices.into_iter().map(|i| i as usize).collect();
        indices.sort_unstable();
        indices.dedup();
        Some((field, indices))
    })
}

/// The highlight of a typo hit, in its name: each name word near a query word, whole, and the
/// characters matched by the other query words. `None` when the row is not a typo hit.
fn typo_marks(
    index: &SearchIndex,
    row: u32,
    query: &Query,
    matcher: &mut Matcher,
) -> Option<Vec<usize>> {
    let span = index.spans.get(row as usize)?[0];
    let haystack = index.haystack(span);
    let name: Vec<char> = haystack.chars().collect();
    // The name's words as char ranges, with their folded text.
    let mut words: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut start = None;
    for (i, c) in name.iter().chain([' '].iter()).enumerate() {
        match (c.is_whitespace(), start) {
            (true, Some(from)) => {
                let text: String = name.get(from..i).unwrap_or_default().iter().collect();
                words.push((from..i, typo::fold(&text)));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    let mut marks = Vec::new();
    let mut typos = 0;
    for (atom, folded) in query.atoms.iter().zip(&query.folded) {
        let nearest = words
            .iter()
            .filter_map(|(range, word)| typo::distance(folded, word).map(|d| (d, range)))
            .min_by_key(|(d, _)| *d);
        match nearest {
            Some((d, range)) => {
                typos += d;
                marks.extend(range.clone());
            }
            None => {
                let mut indices = Vec::new();
                atom.indices(haystack, matcher, &mut indices)?;
                marks.extend(indices.into_iter().map(|i| i as usize));
            }
        }
    }
    if typos == 0 {
        return None;
    }
    marks.sort_unstable();
    marks.dedup();
    Some(marks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(name: &str, fiscal_code: &str, protocol: &str) -> Entry {
        Entry {
            name: name.into(),
            fiscal_code: fiscal_code.into(),
            protocol: protocol.into(),
        }
    }

    fn sample() -> Arc<SearchIndex> {
        Arc::new(SearchIndex::new(vec![
            entry("Russo Simone", "RSSSMN85C10D542K", "2024/000001"),
            entry("Ferri Ornella Sisti", "FRRRLL70A41D542Q", "2024/000002"),
            entry("Marino Rossi", "MRNRSS60B01A462T", "2024/000040"),
            entry("Rossi Maria", "RSSMRA80A41D542X", "2024/000004"),
            entry("Bianchi Anna", "BNCNNA75E45H501W", ""),
            entry("Rossi Mario", "RSSMRA62C03F051Z", "2024/000400"),
            entry("Lucà Niccolò", "LCUNCC90D10D542B", "2024/000005"),
            entry("Esposito Giuseppe", "SPSGPP55H12F839Y", "2024/000006"),
        ]))
    }

    fn rows(hits: &[Hit]) -> Vec<u32> {
        hits.iter().map(|h| h.row).collect()
    }

    fn fresh(index: &Arc<SearchIndex>, query: &str) -> Vec<Hit> {
        SearchSession::new(index.clone()).set_query(query).to_vec()
    }

    #[test]
    fn index_is_send_sync_and_counts_rows() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<SearchIndex>();
        assert_send_sync::<SearchSession>();
        let index = sample();
        assert_eq!(index.len(), 8);
        assert!(!index.is_empty());
        assert!(SearchIndex::new(Vec::new()).is_empty());
    }

    #[test]
    fn empty_query_returns_all_rows_in_order() {
        let index = sample();
        let mut session = SearchSession::new(index);
        assert_eq!(rows(session.set_query("")), (0..8).collect::<Vec<_>>());
        assert!(session.hits().iter().all(|h| h.score == 0));
        assert_eq!(rows(session.set_query("   ")), (0..8).collect::<Vec<_>>());
        assert_eq!(session.query(), "   ");
    }

    #[test]
    fn name_words_match_in_any_order_and_rank_contiguous_first() {
        let index = sample();
        let hits = fresh(&index, "rossi mar");
        let found = rows(&hits);
        // Whole words at word starts come first, whatever their order in the name ("Marino Rossi"
        // too), with equal scores and so in row order; scattered matches ("Ferri Ornella Sisti") follow.
        assert_eq!(&found[..3], &[2, 3, 5]);
        assert_eq!(hits.len(), 3);
        assert!(hits[0].score == hits[2].score);
        let rossi = fresh(&index, "rossi");
        assert_eq!(rows(&rossi), vec![2, 3, 5, 1]);
        assert!(rossi[2].score > rossi[3].score, "scattered match last");
        assert!(!found.contains(&4) && !found.contains(&7));
        assert!(
            hits.windows(2)
                .all(|w| w[0].score > w[1].score
                    || (w[0].score == w[1].score && w[0].row < w[1].row))
        );
        // Then "Rossi Mario", one typo away.
        assert_eq!(rows(&fresh(&index, "maria rossi")), vec![3, 5]);
        assert_eq!(rows(&fresh(&index, "ROSSI MAR")), found);
    }

    #[test]
    fn fiscal_code_and_protocol_queries_match_their_fields() {
        let index = sample();
        let hits = rows(&fresh(&index, "RSSMRA"));
        assert_eq!(&hits[..2], &[3, 5]);
        assert_eq!(
            highlight(&index, 3, "RSSMRA"),
            Some((Field::FiscalCode, vec![0, 1, 2, 3, 4, 5]))
        );

        let hits = rows(&fresh(&index, "2024/0004"));
        // A contiguous match first ("2024/000400"), then the gapped ones; names never match.
        assert_eq!(hits[0], 5);
        assert!(hits.contains(&3) && hits.contains(&2));
        assert!(
            !hits.contains(&4),
            "an unregistered application has no protocol"
        );
        assert_eq!(
            highlight(&index, 5, "2024/0004").map(|h| h.0),
            Some(Field::Protocol)
        );
        assert_eq!(rows(&fresh(&index, "2024/000004")), vec![3]);
    }

    #[test]
    fn accents_are_found_by_plain_letters() {
        let index = sample();
        assert_eq!(rows(&fresh(&index, "luca nicco")), vec![6]);
        assert_eq!(
            highlight(&index, 6, "nicolo"),
            Some((Field::Name, vec![5, 6, 7, 9, 10, 11]))
        );
        assert_eq!(rows(&fresh(&index, "niccolò")), vec![6]);
    }

    #[test]
    fn highlight_positions_are_char_indices_of_the_best_field() {
        let index = sample();
        assert_eq!(
            highlight(&index, 3, "rossi mar"),
            Some((Field::Name, vec![0, 1, 2, 3, 4, 6, 7, 8]))
        );
        assert_eq!(highlight(&index, 4, "rossi"), None);
        assert_eq!(highlight(&index, 3, ""), None);
        assert_eq!(highlight(&index, 99, "rossi"), None);
    }

    fn people() -> Arc<SearchIndex> {
        Arc::new(SearchIndex::new(vec![
            entry("Marcantoni Giuseppe", "MRCGPP50A01D542X", "2024/000010"),
            entry("Marchetti Antonio", "MRCNTN61B02D542Y", "2024/000011"),
            entry("Russo Simone", "RSSSMN85C10D542K", "2024/000012"),
            entry("Rosso Anna", "RSSNNA70A41D542Q", "2024/000013"),
            entry("Rossi Leonardo", "RSSLRD72A01D542Z", "2024/000014"),
            entry("Mancini Antonio", "MNCNTN80A01D542W", "2024/000015"),
            entry("Marcantonio Luca", "MRCLCU90A01D542V", "2024/000016"),
        ]))
    }

    #[test]
    fn a_wrong_swapped_or_doubled_letter_finds_the_person() {
        let index = people();
        // Marcantonio (row 6) is two typos away from each, Marcantoni one.
        for typo in ["Marcantini", "Mracantoni", "Marcantonni"] {
            assert_eq!(rows(&fresh(&index, typo)), vec![0, 6], "{typo}");
        }
        for typo in [
            "Marcantini",
            "Mracantoni",
            "Marcantonni",
            "marcantoni giusepe",
        ] {
            assert_eq!(
                highlight(&index, 0, typo).map(|h| h.0),
                Some(Field::Name),
                "{typo}"
            );
        }
        assert_eq!(
            highlight(&index, 0, "Mracantoni"),
            Some((Field::Name, (0..10).collect()))
        );
        // A wrong letter and a subsequence together, in any order.
        assert_eq!(rows(&fresh(&index, "rosso sim")), vec![2]);
        assert_eq!(rows(&fresh(&index, "simone rsuso")), vec![2]);
        assert_eq!(
            rows(&fresh(&index, "russo")),
            vec![2, 3],
            "then Rosso, a typo away"
        );
    }

    #[test]
    fn a_word_typed_with_accents_finds_the_same_name_folded() {
        // The ordinary matcher does not fold a query with accents, so "Kò/A" misses "kò/À"
        // there; the folded name word is the same, so the typo pass finds it.
        let index = Arc::new(SearchIndex::new(vec![entry("kò/À", "", "")]));
        assert_eq!(rows(&fresh(&index, "Kò/A")), vec![0]);
    }

    #[test]
    fn typo_hits_come_after_exact_and_subsequence_hits() {
        let index = people();
        let hits = fresh(&index, "Rosso");
        // Rosso Anna exactly, Rossi Leonardo as a subsequence ("Ross… Leo…"), Russo with a typo.
        assert_eq!(rows(&hits), vec![3, 4, 2]);
        assert!(hits[0].score > hits[1].score && hits[1].score > 0);
        assert_eq!(hits[2].score, 0);
        // Fewest typos first: "marcantonuo" is one typo from Marcantonio, two from Marcantoni.
        assert_eq!(rows(&fresh(&index, "marcantonuo")), vec![6, 0]);
        assert_eq!(
            rows(&fresh(&index, "mancinni")),
            vec![5],
            "a doubled letter"
        );
        // Short words and codes get no typos.
        assert!(fresh(&index, "ross").iter().all(|h| h.score > 0));
        assert!(fresh(&index, "RSSNNA79").is_empty());
    }

    #[test]
    fn typing_narrows_and_backspace_returns_cached_hits() {
        let index = sample();
        let mut session = SearchSession::new(index.clone());
        let query = "rossi mari";
        let mut seen = Vec::new();
        for end in 1..=query.len() {
            let hits = session.set_query(&query[..end]).to_vec();
            assert_eq!(
                hits,
                fresh(&index, &query[..end]),
                "prefix {:?}",
                &query[..end]
            );
            seen.push(hits);
        }
        for end in (1..query.len()).rev() {
            assert_eq!(session.set_query(&query[..end]), seen[end - 1].as_slice());
        }
        assert_eq!(session.set_query("").len(), 8);
        // An edit in the middle restarts from the longest cached prefix.
        session.set_query("rossi");
        assert_eq!(
            session.set_query("russo"),
            fresh(&index, "russo").as_slice()
        );
        assert_eq!(session.query(), "russo");
    }

    /// Independent reference for ASCII data: every word is a case-insensitive subsequence of one
    /// and the same field.
    fn reference(entries: &[Entry], query: &str) -> Vec<u32> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        if words.is_empty() {
            return (0..entries.len() as u32).collect();
        }
        let subsequence = |needle: &str, hay: &str| {
            let mut hay = hay.chars().map(|c| c.to_ascii_lowercase());
            needle.chars().all(|n| hay.any(|h| h == n))
        };
        let mut rows: Vec<u32> = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                [&e.name, &e.fiscal_code, &e.protocol]
                    .iter()
                    .any(|f| words.iter().all(|w| subsequence(w, f)))
            })
            .map(|(i, _)| i as u32)
            .collect();
        rows.sort_unstable();
        rows
    }

    /// Independent reference for any data: the matcher run on every field of every row, without
    /// the index's masks, narrowing or threads.
    fn reference_hits(entries: &[Entry], query: &str) -> Vec<Hit> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        if words.is_empty() {
            return (0..entries.len() as u32)
                .map(|row| Hit { row, score: 0 })
                .collect();
        }
        let atoms: Vec<Atom> = words.iter().map(|w| fuzzy_atom(w)).collect();
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut hits = Vec::new();
        for (row, e) in entries.iter().enumerate() {
            let mut best: Option<u32> = None;
            for field in [&e.name, &e.fiscal_code, &e.protocol] {
                let chars: Vec<char> = field.chars().collect();
                let haystack = if field.is_ascii() {
                    Utf32Str::Ascii(field.as_bytes())
                } else {
                    Utf32Str::Unicode(&chars)
                };
                let scores: Option<Vec<u16>> = atoms
                    .iter()
                    .map(|a| a.score(haystack, &mut matcher))
                    .collect();
                if let Some(scores) = scores {
                    let total = scores.iter().map(|&s| u32::from(s)).sum();
                    best = Some(best.map_or(total, |b: u32| b.max(total)));
                }
            }
            if let Some(score) = best {
                hits.push(Hit {
                    row: row as u32,
                    score,
                });
            }
        }
        hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.row.cmp(&b.row)));
        let exact: Vec<u32> = hits.iter().map(|h| h.row).collect();
        hits.extend(reference_typo_hits(entries, query, &exact));
        hits
    }

    /// Independent reference for typo hits: the rows not in `exact` where every word is within
    /// its allowance (`strsim`'s restricted Damerau-Levenshtein distance) of a name word, or
    /// is matched in the name by the plain matcher; fewest typos first, then row order.
    fn reference_typo_hits(entries: &[Entry], query: &str, exact: &[u32]) -> Vec<Hit> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        let allowed = |word: &str| match word.chars().count() {
            _ if word.chars().any(|c| c.is_ascii_digit()) => 0,
            0..=3 => 0,
            4..=7 => 1,
            _ => 2,
        };
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut found: Vec<(usize, u32)> = Vec::new();
        for (row, e) in (0u32..).zip(entries) {
            if words.is_empty() || exact.contains(&row) {
                continue;
            }
            let name_words: Vec<String> = e.name.split_whitespace().map(typo::fold).collect();
            let chars: Vec<char> = e.name.chars().collect();
            let haystack = if e.name.is_ascii() {
                Utf32Str::Ascii(e.name.as_bytes())
            } else {
                Utf32Str::Unicode(&chars)
            };
            let mut total = 0;
            let all = words.iter().all(|word| {
                let folded = typo::fold(word);
                let allowance = allowed(&folded);
                let near = name_words
                    .iter()
                    .map(|n| strsim::osa_distance(&folded, n))
                    .filter(|&d| allowance > 0 && d <= allowance)
                    .min();
                match near {
                    Some(d) => {
                        total += d;
                        true
                    }
                    None => fuzzy_atom(word).score(haystack, &mut matcher).is_some(),
                }
            });
            if all {
                found.push((total, row));
            }
        }
        found.sort_unstable();
        found
            .into_iter()
            .map(|(_, row)| Hit { row, score: 0 })
            .collect()
    }

    fn sorted_rows(hits: &[Hit]) -> Vec<u32> {
        let mut rows = rows(hits);
        rows.sort_unstable();
        rows
    }

    fn entries_strategy(alphabet: &'static str) -> impl Strategy<Value = Vec<Entry>> {
        proptest::collection::vec(
            (alphabet, alphabet, alphabet).prop_map(|(name, fiscal_code, protocol)| Entry {
                name,
                fiscal_code,
                protocol,
            }),
            0..60,
        )
    }

    proptest! {
        #[test]
        fn rank_orders_by_score_then_row(scores in proptest::collection::vec(0u32..70_000, 0..300)) {
            let hits: Vec<Hit> = scores
                .iter()
                .enumerate()
                .map(|(row, &score)| Hit { row: row as u32, score })
                .collect();
            let mut expected = hits.clone();
            expected.sort_by(|a, b| b.score.cmp(&a.score).then(a.row.cmp(&b.row)));
            prop_assert_eq!(rank(hits), expected);
        }

        #[test]
        fn incremental_typing_equals_fresh_search_and_reference(
            entries in entries_strategy("[abrsRSM0-4/ ]{0,12}"),
            query in "[abrsRSM0-4/ ]{0,8}",
        ) {
            let index = Arc::new(SearchIndex::new(entries.clone()));
            let mut session = SearchSession::new(index.clone());
            let mut previous: Option<Vec<u32>> = None;
            for (i, c) in query.char_indices() {
                let prefix = &query[..i + c.len_utf8()];
                let incremental = session.set_query(prefix).to_vec();
                prop_assert_eq!(&incremental, &fresh(&index, prefix));
                // The ordinary hits first, narrowing as the query grows; then the typo hits.
                let exact = reference(&entries, prefix);
                let (first, typos) = incremental.split_at(exact.len().min(incremental.len()));
                let found = sorted_rows(first);
                prop_assert_eq!(&found, &exact);
                let expected = reference_typo_hits(&entries, prefix, &exact);
                prop_assert_eq!(typos, expected.as_slice());
                if let Some(previous) = &previous {
                    prop_assert!(found.iter().all(|r| previous.contains(r)));
                }
                previous = Some(found);
            }
        }

        #[test]
        fn any_edit_sequence_equals_fresh_search_and_plain_matcher(
            // Accents, capitals, the Kelvin sign (which folds to "k") and "ß".
            entries in entries_strategy("[a-ekàèòÀÒRSK\u{212A}ß1/ ]{0,10}"),
            queries in proptest::collection::vec("[a-ekàèòAEKRS\u{212A}ß1/ ]{0,6}", 1..8),
        ) {
            let index = Arc::new(SearchIndex::new(entries.clone()));
            let mut session = SearchSession::new(index.clone());
            for query in &queries {
                // Type the query after the current one, then replace it, then delete back.
                let appended = format!("{}{query}", session.query());
                prop_assert_eq!(session.set_query(&appended).to_vec(), fresh(&index, &appended));
                prop_assert_eq!(session.hits().to_vec(), reference_hits(&entries, &appended));
                prop_assert_eq!(session.set_query(query).to_vec(), fresh(&index, query));
                prop_assert_eq!(session.hits().to_vec(), reference_hits(&entries, query));
                for (i, _) in query.char_indices().rev() {
                    prop_assert_eq!(session.set_query(&query[..i]).to_vec(), fresh(&index, &query[..i]));
                }
            }
        }
    }
}
