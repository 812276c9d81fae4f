//! Fuzzy search benchmark: latency of one keystroke of the console's `/` search over N applicants.
//!
//! cargo bench --bench search                        (100.000 domande)
//! ALLOGGI_BENCH_APPLICATIONS=10000 cargo bench --bench search
//! ALLOGGI_BENCH_MATCHER=nucleo (or skim) cargo bench --bench search   (one matcher only)
//! ALLOGGI_BENCH_VERBOSE=1 cargo bench --bench search                    (each keystroke of run 1)
//! ALLOGGI_BENCH_QUERIES="2024/0004,rossi" cargo bench --bench search     (other queries)
//!
//! Types several queries character by character into a fresh `SearchSession` and times each
//! `set_query` call (hits included); reports p50/p99/max over all keystrokes of all runs, then
//! Backspace (cached prefixes) and the build time of the index. Figures go to BENCHMARKS.md.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use alloggi::domain::fiscal_code::PersonFiscalCode;
use alloggi::tui::search::{Entry, SearchIndex, SearchSession, highlight};
use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The first version of the search module, kept for comparison: the same packed index, character
/// masks, incremental narrowing and rayon split, with fuzzy-matcher's skim v2 matcher (plus an
/// ASCII subsequence check so that the matcher runs on true matches only).
mod skim {
    use std::sync::Arc;

    use alloggi::tui::search::{Entry, Hit};
    use fuzzy_matcher::skim::SkimMatcherV2;
    use rayon::prelude::*;

    #[derive(Clone, Copy, Default)]
    struct Span {
        mask: u64,
        start: u32,
        len: u32,
    }

    pub struct Index {
        text: String,
        spans: Vec<[Span; 3]>,
    }

    fn char_bit(c: char) -> u64 {
        match c {
            'a'..='z' => 1 << (c as u32 - 'a' as u32),
            'A'..='Z' => 1 << (c as u32 - 'A' as u32),
            '0'..='9' => 1 << (26 + c as u32 - '0' as u32),
            c if c.is_ascii() => 1 << (36 + c as u32 % 28),
            _ => 0,
        }
    }

    fn text_mask(s: &str) -> u64 {
        if !s.is_ascii() {
            return u64::MAX;
        }
        s.chars().fold(0, |m, c| m | char_bit(c))
    }

    /// Case-insensitive subsequence test for ASCII text (non-ASCII text always passes).
    fn maybe_subsequence(needle: &str, hay: &str) -> bool {
        if !hay.is_ascii() || !needle.is_ascii() {
            return true;
        }
        let mut hay = hay.bytes();
        needle
            .bytes()
            .all(|n| hay.any(|h| h.to_ascii_lowercase() == n))
    }

    impl Index {
        pub fn new(entries: Vec<Entry>) -> Index {
            let mut text = String::new();
            let mut spans = Vec::with_capacity(entries.len());
            for entry in &entries {
                let mut row = [Span::default(); 3];
                for (slot, value) in
                    row.iter_mut()
                        .zip([&entry.name, &entry.fiscal_code, &entry.protocol])
                {
                    let (Ok(start), Ok(len)) =
                        (u32::try_from(text.len()), u32::try_from(value.len()))
                    else {
                        continue;
                    };
                    text.push_str(value);
                    *slot = Span {
                        mask: text_mask(value),
                        start,
                        len,
                    };
                }
                spans.push(row);
            }
            text.shrink_to_fit();
            Index { text, spans }
        }

        fn score_row(&self, row: u32, query: &Query, matcher: &SkimMatcherV2) -> Option<u32> {
            let spans = self.spans.get(row as usize)?;
            let mut best: Option<u32> = None;
            for span in spans {
                if span.mask & query.mask != query.mask {
                    continue;
                }
                let start = span.start as usize;
                let hay = self
                    .text
                    .get(start..start + span.len as usize)
                    .unwrap_or("");
                if !query.words.iter().all(|w| maybe_subsequence(w, hay)) {
                    continue;
                }
                let mut total = 0u32;
                let all = query
                    .words
                    .iter()
                    .all(|w| match matcher.fuzzy(hay, w, false) {
                        Some((score, _)) => {
                            total = total.saturating_add(u32::try_from(score.max(0)).unwrap_or(0));
                            true
                        }
                        None => false,
                    });
                if all && best.is_none_or(|b| total > b) {
                    best = Some(total);
                }
            }
            best
        }
    }

    struct Query {
        words: Vec<String>,
        mask: u64,
    }

    impl Query {
        fn new(key: &str) -> Query {
            let words: Vec<String> = key.split_whitespace().map(str::to_owned).collect();
            let mask = words
                .iter()
                .flat_map(|w| w.chars())
                .fold(0, |m, c| m | char_bit(c));
            Query { words, mask }
        }
    }

    const CHUNK: usize = 4096;

    fn scan(index: &Index, query: &Query, candidates: Option<&[Hit]>) -> Vec<Hit> {
        let len = candidates.map_or(index.spans.len(), <[Hit]>::len);
        let matcher = SkimMatcherV2::default().ignore_case();
        let parts: Vec<Vec<Hit>> = (0..len.div_ceil(CHUNK))
            .into_par_iter()
            .map(|chunk| {
                let mut out = Vec::new();
                for i in chunk * CHUNK..len.min((chunk + 1) * CHUNK) {
                    let row = candidates.map_or(i as u32, |c| c[i].row);
                    if let Some(score) = index.score_row(row, query, &matcher) {
                        out.push(Hit { row, score });
                    }
                }
                out
            })
            .collect();
        let mut hits: Vec<Hit> = parts.into_iter().flatten().collect();
        hits.par_sort_unstable_by_key(|h| (u64::from(u32::MAX - h.score) << 32) | u64::from(h.row));
        hits
    }

    pub struct Session {
        index: Arc<Index>,
        all: Vec<Hit>,
        levels: Vec<(String, Vec<String>, Vec<Hit>)>,
        filtering: bool,
    }

    impl Session {
        pub fn new(index: Arc<Index>) -> Session {
            let all = (0..index.spans.len() as u32)
                .map(|row| Hit { row, score: 0 })
                .collect();
            Session {
                index,
                all,
                levels: Vec::new(),
                filtering: false,
            }
        }

        pub fn set_query(&mut self, query: &str) -> &[Hit] {
            let key = query.to_lowercase();
            while self.levels.last().is_some_and(|l| !key.starts_with(&l.0)) {
                self.levels.pop();
            }
            let prepared = Query::new(&key);
            self.filtering = !prepared.words.is_empty();
            if self.filtering && self.levels.last().is_none_or(|l| l.1 != prepared.words) {
                let previous = self.levels.last().map(|l| l.2.as_slice());
                let hits = scan(&self.index, &prepared, previous);
                self.levels.push((key, prepared.words, hits));
            }
            match self.levels.last() {
                Some(level) if self.filtering => &level.2,
                _ => &self.all,
            }
        }
    }
}

const RUNS: usize = 7;
const BUILD_RUNS: usize = 5;
/// Queries as a caseworker types them: name parts, a fiscal-code prefix, a protocol, a typo; then
/// wrong, swapped and doubled letters that only typo tolerance finds.
const QUERIES: [&str; 10] = [
    "rossi maria",
    "RSSMRA80",
    "2024/0004",
    "esposito g",
    "bianci an",
    "mrc frm",
    "Marcantini",
    "Mracantoni",
    "Marcantonni",
    "Rosso",
];

/// Common surnames first: they are drawn with a Zipf-like weight, as in a real register.
#[rustfmt::skip]
const SURNAMES: [&str; 60] = [
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
    "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo",
    "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso",
    "Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile", "Martinelli", "Vitale", "Serra",
    "Coppola", "De Santis", "D'Angelo", "Marchetti", "Parisi", "Marcantoni", "Properzi", "Cognigni",
    "Ferracuti", "Cesetti", "Marinangeli", "Ortenzi", "Mercuri", "Pompei", "Ercoli", "Nicolò",
    "Lucà", "Santarelli", "Ripani", "Sabbatini", "Vallesi", "Ruffini", "Cruciani", "Pierantozzi",
    "Ciarrocchi",
];
#[rustfmt::skip]
const MALE: [&str; 30] = [
    "Giuseppe", "Giovanni", "Antonio", "Mario", "Luigi", "Francesco", "Angelo", "Vincenzo",
    "Pietro", "Salvatore", "Carlo", "Franco", "Domenico", "Paolo", "Michele", "Marco", "Andrea",
    "Alessandro", "Luca", "Stefano", "Roberto", "Massimo", "Fabio", "Simone", "Matteo", "Lorenzo",
    "Davide", "Niccolò", "Gabriele", "Emidio",
];
#[rustfmt::skip]
const FEMALE: [&str; 30] = [
    "Maria", "Anna", "Giuseppina", "Rosa", "Angela", "Giovanna", "Teresa", "Lucia", "Carmela",
    "Caterina", "Francesca", "Antonietta", "Paola", "Laura", "Giulia", "Chiara", "Sara", "Martina",
    "Valentina", "Elena", "Silvia", "Federica", "Alessandra", "Roberta", "Marta", "Ilaria",
    "Gloria", "Noemi", "Aurora", "Annalisa",
];
const BELFIORE: [&str; 12] = [
    "D542", "A462", "E783", "F051", "H501", "F205", "F839", "L219", "G273", "A662", "Z133", "Z600",
];

fn zipf(rng: &mut ChaCha8Rng, n: usize) -> usize {
    // Weight 1/(k+1): a few surnames are very common, most are rare.
    let total: f64 = (1..=n).map(|k| 1.0 / k as f64).sum();
    let mut x = rng.random::<f64>() * total;
    for k in 0..n {
        x -= 1.0 / (k + 1) as f64;
        if x <= 0.0 {
            return k;
        }
    }
    n - 1
}

fn entries(n: usize) -> Vec<Entry> {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let start = NaiveDate::from_ymd_opt(1935, 1, 1).unwrap_or_default();
    (0..n)
        .map(|i| {
            let surname = SURNAMES[zipf(&mut rng, SURNAMES.len())];
            let female = rng.random_bool(0.5);
            let names = if female { &FEMALE } else { &MALE };
            let mut name = names[rng.random_range(0..names.len())].to_string();
            if rng.random_bool(0.1) {
                name.push(' ');
                name.push_str(names[rng.random_range(0..names.len())]);
            }
            let birth = start + chrono::Days::new(rng.random_range(0..25_000));
            let belfiore = BELFIORE[rng.random_range(0..BELFIORE.len())];
            let fiscal_code = PersonFiscalCode::build(surname, &name, birth, female, belfiore)
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default();
            // One application in ten is still being filled in: no protocol yet.
            let protocol = if rng.random_bool(0.9) {
                format!("2024/{:06}", i + 1)
            } else {
                String::new()
            };
            Entry {
                name: format!("{surname} {name}"),
                fiscal_code,
                protocol,
            }
        })
        .collect()
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() - 1) as f64 * p).round() as usize;
    samples[index]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Counts the bytes the program holds on the heap, to measure the index and a session.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only keeps a count.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live_mib() -> f64 {
    LIVE.load(Ordering::Relaxed) as f64 / (1024.0 * 1024.0)
}

struct Figures {
    typing: Vec<Duration>,
    first_key: Vec<Duration>,
    backspace: Vec<Duration>,
    per_query: Vec<(String, Vec<Duration>, usize)>,
}

/// Types every query character by character into a fresh session, then deletes it with Backspace.
fn measure<S>(
    runs: usize,
    mut new_session: impl FnMut() -> S,
    mut set: impl FnMut(&mut S, &str) -> usize,
) -> Figures {
    // ALLOGGI_BENCH_QUERIES="a,b" replaces the standard queries (for profiling one of them).
    let custom = std::env::var("ALLOGGI_BENCH_QUERIES").ok();
    let queries: Vec<&str> = match &custom {
        Some(list) => list.split(',').filter(|q| !q.is_empty()).collect(),
        None => QUERIES.to_vec(),
    };
    let mut figures = Figures {
        typing: Vec::new(),
        first_key: Vec::new(),
        backspace: Vec::new(),
        per_query: queries
            .iter()
            .map(|q| (q.to_string(), Vec::new(), 0))
            .collect(),
    };
    let verbose = std::env::var_os("ALLOGGI_BENCH_VERBOSE").is_some();
    for run in 0..runs {
        for (q, query) in queries.iter().enumerate() {
            let mut session = new_session();
            let chars: Vec<(usize, char)> = query.char_indices().collect();
            for (k, (i, c)) in chars.iter().enumerate() {
                let prefix = &query[..i + c.len_utf8()];
                let t = Instant::now();
                let n = black_box(set(&mut session, prefix));
                let elapsed = t.elapsed();
                if verbose && run == 0 {
                    println!("    {prefix:>12}: {} ({n} risultati)", ms(elapsed));
                }
                figures.typing.push(elapsed);
                figures.per_query[q].1.push(elapsed);
                if k == 0 {
                    figures.first_key.push(elapsed);
                }
                if k + 1 == chars.len() {
                    figures.per_query[q].2 = n;
                }
            }
            for (i, _) in chars.iter().rev() {
                let t = Instant::now();
                black_box(set(&mut session, &query[..*i]));
                figures.backspace.push(t.elapsed());
            }
        }
    }
    figures
}

fn report(label: &str, mut f: Figures) {
    println!("== {label}");
    println!(
        "  per tasto ({} tasti): p50 {}, p90 {}, p99 {}, max {}",
        f.typing.len(),
        ms(percentile(&mut f.typing, 0.5)),
        ms(percentile(&mut f.typing, 0.9)),
        ms(percentile(&mut f.typing, 0.99)),
        ms(percentile(&mut f.typing, 1.0)),
    );
    println!(
        "  primo tasto: p50 {}, max {}",
        ms(percentile(&mut f.first_key, 0.5)),
        ms(percentile(&mut f.first_key, 1.0)),
    );
    println!(
        "  Backspace: p50 {}, p99 {}",
        ms(percentile(&mut f.backspace, 0.5)),
        ms(percentile(&mut f.backspace, 0.99)),
    );
    for (query, mut samples, hits) in f.per_query {
        println!(
            "  {query:>12}: p50 {}, max {}, risultati finali {hits}",
            ms(percentile(&mut samples, 0.5)),
            ms(percentile(&mut samples, 1.0)),
        );
    }
}

fn main() {
    let applications: usize = std::env::var("ALLOGGI_BENCH_APPLICATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    println!(
        "alloggi search bench: {applications} domande, {} thread rayon",
        rayon::current_num_threads()
    );
    let before = live_mib();
    let data = entries(applications);
    let input_mib = live_mib() - before;
    let text: usize = data
        .iter()
        .map(|e| e.name.len() + e.fiscal_code.len() + e.protocol.len())
        .sum();
    println!(
        "testo medio per riga: {:.1} caratteri",
        text as f64 / applications as f64
    );

    let before = live_mib();
    let index = Arc::new(SearchIndex::new(data.clone()));
    let index_mib = live_mib() - before;
    let mut build = Vec::new();
    for _ in 0..BUILD_RUNS {
        let input = data.clone();
        let t = Instant::now();
        let index = SearchIndex::new(input);
        build.push(t.elapsed());
        black_box(index.len());
    }
    println!(
        "SearchIndex::new: mediana {}, max {}; memoria dell'indice {index_mib:.1} MiB \
         (le {applications} Entry in ingresso: {input_mib:.1} MiB)",
        ms(percentile(&mut build, 0.5)),
        ms(percentile(&mut build, 1.0)),
    );
    let before = live_mib();
    let mut session = SearchSession::new(index.clone());
    for (i, c) in "rossi maria".char_indices() {
        session.set_query(&"rossi maria"[..i + c.len_utf8()]);
    }
    println!(
        "memoria di una sessione dopo \"rossi maria\" (tutti i prefissi in cache): {:.1} MiB",
        live_mib() - before
    );
    drop(session);

    // Highlighting the 40 visible rows of a frame, for a query found by subsequence and for
    // one found with typos only.
    let mut session = SearchSession::new(index.clone());
    for (query, what) in [
        ("rossi mar", ""),
        ("mracantoni", " (\"mracantoni\", errori di battitura)"),
    ] {
        let visible: Vec<u32> = session
            .set_query(query)
            .iter()
            .take(40)
            .map(|h| h.row)
            .collect();
        let t = Instant::now();
        for &row in &visible {
            black_box(highlight(&index, row, query));
        }
        println!(
            "highlight di {} righe visibili{what}: {}",
            visible.len(),
            ms(t.elapsed())
        );
    }

    let only = std::env::var("ALLOGGI_BENCH_MATCHER").unwrap_or_default();
    if only != "skim" {
        let figures = measure(
            RUNS,
            || SearchSession::new(index.clone()),
            |s, q| s.set_query(q).len(),
        );
        report("nucleo-matcher (modulo alloggi::tui::search)", figures);
    }
    if only == "nucleo" {
        return;
    }

    let mut build = Vec::new();
    for _ in 0..BUILD_RUNS {
        let input = data.clone();
        let t = Instant::now();
        black_box(skim::Index::new(input));
        build.push(t.elapsed());
    }
    println!(
        "skim::Index::new: mediana {}",
        ms(percentile(&mut build, 0.5))
    );
    let skim_index = Arc::new(skim::Index::new(data.clone()));
    let figures = measure(
        RUNS,
        || skim::Session::new(skim_index.clone()),
        |s, q| s.set_query(q).len(),
    );
    report("fuzzy-matcher skim v2 (stesso indice, confronto)", figures);

    // The starting point of the issue: every keystroke scans all rows, one string per row, on one
    // thread. One run only: it is slow.
    let lines: Vec<String> = data
        .iter()
        .map(|e| format!("{} {} {}", e.name, e.fiscal_code, e.protocol))
        .collect();
    let matcher = fuzzy_matcher::skim::SkimMatcherV2::default().ignore_case();
    let figures = measure(
        1,
        || (),
        |_, q| {
            let mut hits: Vec<(i64, usize)> = lines
                .iter()
                .enumerate()
                .filter_map(|(row, line)| {
                    fuzzy_matcher::FuzzyMatcher::fuzzy_match(&matcher, line, q).map(|s| (s, row))
                })
                .collect();
            hits.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            hits.len()
        },
    );
    report(
        "fuzzy-matcher skim v2, scansione semplice (una stringa per riga, 1 thread)",
        figures,
    );
}
