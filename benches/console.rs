//! Console benchmarks: the real `alloggi` binary in a pseudo-terminal of 80×24, on a database of N
//! demo applications, read back through a terminal emulator (vt100).
//!
//! cargo bench --bench console                               (100.000 domande)
//! ALLOGGI_BENCH_APPLICATIONS=10000 cargo bench --bench console
//! ALLOGGI_BENCH_DB=DIR cargo bench --bench console          (reuse a demo database of that size)
//! ALLOGGI_BENCH_RUNS=7                                      (start-up runs, after one discarded)
//!
//! Measures: spawn → first frame and → first frame with data; spawn → inbox rows loaded; bytes
//! written per ↓ in the inbox; CPU while idle; resident memory after loading and after a search.
//! Linux only (/proc). Figures go to BENCHMARKS.md, section "Console".

use std::path::Path;
use std::time::{Duration, Instant};

use alloggi::domain::number::count;

mod support;
use support::session::{HEIGHT, Session, WIDTH, log_ms};
use support::{Result, dashboard_complete, position};

const DEFAULT_APPLICATIONS: usize = 100_000;
const DEFAULT_RUNS: usize = 7;
/// ↓ presses in the inbox: enough to cross the bottom of the table and scroll for a while.
const PRESSES: usize = 48;
const IDLE: Duration = Duration::from_secs(10);

const DOWN: &[u8] = b"\x1b[B";
const ESC: &[u8] = b"\x1b";

/// The inbox shows its rows with the cursor at `at` (of `total`).
fn inbox_at(rows: &[String], at: usize, total: usize) -> bool {
    position(rows) == Some((at, total))
        && rows.iter().any(|r| r.contains("Protocollo"))
        && rows.iter().any(|r| r.starts_with('▶'))
}

/// The first table row under the header (marker column dropped): changes when the table scrolls.
fn first_table_row(rows: &[String]) -> Option<String> {
    let header = rows.iter().position(|r| r.contains("Protocollo"))?;
    rows.get(header + 1)
        .map(|r| r.trim_start_matches(['▶', ' ']).to_string())
}

fn median<T: Copy + Ord>(values: &[T]) -> Option<T> {
    let mut sorted = values.to_vec();
    sorted.sort();
    sorted.get(sorted.len().checked_sub(1)? / 2).copied()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn summary(values: &[Duration]) -> String {
    match (median(values), values.iter().min(), values.iter().max()) {
        (Some(m), Some(lo), Some(hi)) => format!(
            "mediana {} (min {}, max {}, n={})",
            ms(m),
            ms(*lo),
            ms(*hi),
            values.len()
        ),
        _ => "—".into(),
    }
}

fn summary_f64(values: &[f64]) -> String {
    let as_durations: Vec<Duration> = values
        .iter()
        .filter(|v| v.is_finite() && **v >= 0.0)
        .map(|v| Duration::from_secs_f64(v / 1000.0))
        .collect();
    summary(&as_durations)
}

fn bytes_summary(values: &[usize]) -> String {
    match (median(values), values.iter().max()) {
        (Some(m), Some(hi)) => format!("mediana {m} B, max {hi} B (n={})", values.len()),
        _ => "—".into(),
    }
}

#[derive(Default)]
struct Startup {
    first_frame: Vec<Duration>,
    data_frame: Vec<Duration>,
    rows_loaded: Vec<Duration>,
    quit: Vec<Duration>,
    log_first_frame: Vec<f64>,
    log_opened: Vec<f64>,
    log_rows: Vec<f64>,
    log_index: Vec<f64>,
    queries: Vec<&'static str>,
}

/// One start: spawn → header → dashboard with data → `2` → rows loaded → index ready → `q`.
fn startup_run(db: &Path, dir: &Path, applications: usize, into: &mut Startup) -> Result<()> {
    let mut s = Session::spawn(db, dir, &[])?;
    let first = s.wait_until("intestazione « alloggi»", |rows| {
        rows.first().is_some_and(|r| r.starts_with(" alloggi"))
    })?;
    let data = s.wait_until("cruscotto con il totale", |rows| {
        dashboard_complete(rows, applications)
    })?;
    s.send(b"2")?;
    let loaded = s.wait_until("domande caricate (1/N)", |rows| {
        inbox_at(rows, 1, applications)
    })?;
    let log_index = s.wait_log("indice di ricerca pronto")?;
    let log = s.log();
    into.first_frame
        .push(first.saturating_duration_since(s.spawned));
    into.data_frame
        .push(data.saturating_duration_since(s.spawned));
    into.rows_loaded
        .push(loaded.saturating_duration_since(s.spawned));
    into.log_index.push(log_index);
    into.log_first_frame
        .extend(log_ms(&log, "primo fotogramma"));
    into.log_opened.extend(log_ms(&log, "archivio aperto"));
    into.log_rows.extend(log_ms(&log, "domande caricate"));
    if let Ok(seen) = s.queries.lock() {
        into.queries.extend(seen.iter().copied());
    }
    let (quit, status) = s.quit()?;
    if !status.success() {
        return Err(format!("la console è uscita con {status}").into());
    }
    into.quit.push(quit);
    Ok(())
}

struct Presses {
    moved: Vec<usize>,
    scrolled: Vec<usize>,
    latency: Vec<Duration>,
}

/// In the inbox with the cursor on row 1: ↓ one at a time, bytes written for each.
fn down_presses(s: &mut Session, applications: usize) -> Result<Presses> {
    let mut out = Presses {
        moved: Vec::new(),
        scrolled: Vec::new(),
        latency: Vec::new(),
    };
    for i in 0..PRESSES.min(applications.saturating_sub(1)) {
        let top = first_table_row(&s.rows());
        let sent = s.send(DOWN)?;
        let burst = s.settle(Duration::from_secs(2))?;
        let rows = s.rows();
        if !inbox_at(&rows, i + 2, applications) {
            return Err(s.failure(&format!("dopo {} ↓ il cursore non è a {}", i + 1, i + 2)));
        }
        if first_table_row(&rows) == top {
            out.moved.push(burst.bytes);
        } else {
            out.scrolled.push(burst.bytes);
        }
        if let Some(last) = burst.last {
            out.latency.push(last.saturating_duration_since(sent));
        }
    }
    Ok(out)
}

/// Goes to the inbox and waits for its rows and the search index.
fn to_loaded_inbox(s: &mut Session, applications: usize) -> Result<()> {
    s.wait_until("cruscotto con il totale", |rows| {
        dashboard_complete(rows, applications)
    })?;
    s.send(b"2")?;
    s.wait_until("domande caricate (1/N)", |rows| {
        inbox_at(rows, 1, applications)
    })?;
    s.wait_log("indice di ricerca pronto")?;
    s.settle(Duration::from_millis(300))?;
    Ok(())
}

fn kib(k: u64) -> String {
    format!("{:.1} MiB", k as f64 / 1024.0)
}

fn main() -> Result<()> {
    // `cargo bench` passes `--bench`; nothing else is read from the command line.
    let applications: usize = std::env::var("ALLOGGI_BENCH_APPLICATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_APPLICATIONS);
    let runs: usize = std::env::var("ALLOGGI_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_RUNS)
        .max(1);
    let bin = env!("CARGO_BIN_EXE_alloggi");
    let work = tempfile::tempdir()?;
    let db = support::database("console", bin, work.path(), applications)?;

    // a, e: start-up, one discarded run first (page cache, first sled recovery).
    let mut discarded = Startup::default();
    startup_run(
        &db,
        &work.path().join("run-0"),
        applications,
        &mut discarded,
    )?;
    let mut startup = Startup::default();
    for run in 1..=runs {
        startup_run(
            &db,
            &work.path().join(format!("run-{run}")),
            applications,
            &mut startup,
        )?;
    }

    // b, c, d: one long session.
    let mut s = Session::spawn(&db, &work.path().join("session"), &[])?;
    to_loaded_inbox(&mut s, applications)?;
    let loaded_memory = s.memory()?;
    let presses = down_presses(&mut s, applications)?;

    s.settle(Duration::from_millis(500))?;
    let cpu_before = s.cpu()?;
    let wakeups_before = s.wakeups()?;
    let run_before = s.run_time()?;
    let idle_started = Instant::now();
    let mut idle_bytes = 0;
    while idle_started.elapsed() < IDLE {
        idle_bytes += s.settle(IDLE.saturating_sub(idle_started.elapsed()))?.bytes;
    }
    let idle_cpu = s.cpu()?.saturating_sub(cpu_before);
    let idle_wakeups = s.wakeups()?.saturating_sub(wakeups_before);
    let idle_run = s.run_time()?.saturating_sub(run_before);
    let idle_elapsed = idle_started.elapsed();

    // A search for the surname in the first row, typed one letter at a time.
    let rows = s.rows();
    let header = rows
        .iter()
        .position(|r| r.contains("Protocollo"))
        .ok_or("intestazione della tabella non trovata")?;
    let surname = rows
        .iter()
        .skip(header + 1)
        .filter_map(|r| {
            let columns: Vec<&str> = r
                .trim_start_matches(['▶', ' '])
                .split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect();
            columns.get(1)?.split(' ').next().map(str::to_string)
        })
        .find(|w| w.chars().count() >= 5 && w.chars().all(char::is_alphabetic))
        .ok_or("nessun cognome adatto nella tabella")?;
    s.send(b"/")?;
    s.settle(Duration::from_secs(2))?;
    let mut keystroke = Vec::new();
    for c in surname.chars() {
        let mut buf = [0u8; 4];
        let sent = s.send(c.encode_utf8(&mut buf).as_bytes())?;
        let burst = s.settle(Duration::from_secs(5))?;
        if let Some(last) = burst.last {
            keystroke.push(last.saturating_duration_since(sent));
        }
    }
    let typed = format!(" / {surname}");
    s.wait_until("risultati della ricerca", |rows| {
        rows.iter().any(|r| r.contains(&typed))
    })?;
    let search_memory = s.memory()?;
    s.send(ESC)?;
    s.settle(Duration::from_secs(2))?;
    let mut queries: Vec<&str> = startup.queries.clone();
    if let Ok(seen) = s.queries.lock() {
        queries.extend(seen.iter().copied());
    }
    let (_, status) = s.quit()?;
    if !status.success() {
        return Err(format!("la console è uscita con {status}").into());
    }

    // b again without colour: what NO_COLOR=1 costs or saves per ↓.
    let mut plain = Session::spawn(&db, &work.path().join("no-color"), &[("NO_COLOR", "1")])?;
    to_loaded_inbox(&mut plain, applications)?;
    let plain_presses = down_presses(&mut plain, applications)?;
    plain.quit()?;

    let all: Vec<usize> = presses
        .moved
        .iter()
        .chain(&presses.scrolled)
        .copied()
        .collect();
    let plain_all: Vec<usize> = plain_presses
        .moved
        .iter()
        .chain(&plain_presses.scrolled)
        .copied()
        .collect();
    queries.sort();
    queries.dedup();

    println!();
    println!(
        "Console {WIDTH}×{HEIGHT}, {} domande, {runs} avvii (più uno scartato)",
        count(applications)
    );
    println!("{}", "─".repeat(100));
    let line = |what: &str, figure: String| println!("{what:<52} {figure}");
    line(
        "a. avvio → primo fotogramma (« alloggi»)",
        summary(&startup.first_frame),
    );
    line(
        "a. avvio → cruscotto completo (Totale N)",
        summary(&startup.data_frame),
    );
    line(
        "   log «primo fotogramma» (da tui::run)",
        summary_f64(&startup.log_first_frame),
    );
    line(
        "   log «archivio aperto» (da tui::run)",
        summary_f64(&startup.log_opened),
    );
    line(
        "   avvio scartato: primo fotogramma / cruscotto",
        format!(
            "{} / {}",
            discarded.first_frame.first().map_or("—".into(), |d| ms(*d)),
            discarded.data_frame.first().map_or("—".into(), |d| ms(*d))
        ),
    );
    line(
        "e. avvio → righe caricate (1/N, «2» a cruscotto pronto)",
        summary(&startup.rows_loaded),
    );
    line("   log «domande caricate»", summary_f64(&startup.log_rows));
    line(
        "   log «indice di ricerca pronto»",
        summary_f64(&startup.log_index),
    );
    line("   «q» → processo terminato", summary(&startup.quit));
    line(
        "b. byte per ↓, cursore che si sposta",
        bytes_summary(&presses.moved),
    );
    line(
        "b. byte per ↓, tabella che scorre",
        bytes_summary(&presses.scrolled),
    );
    line("b. byte per ↓, tutti", bytes_summary(&all));
    line(
        "b. ↓ → ultimo byte del fotogramma",
        summary(&presses.latency),
    );
    line(
        "b. NO_COLOR=1: si sposta / scorre",
        format!(
            "{} / {}",
            bytes_summary(&plain_presses.moved),
            bytes_summary(&plain_presses.scrolled)
        ),
    );
    line("b. NO_COLOR=1: tutti", bytes_summary(&plain_all));
    line(
        "c. CPU a riposo, utime+stime",
        format!(
            "{} in {:.1} s (risoluzione {} ms)",
            ms(idle_cpu),
            idle_elapsed.as_secs_f64(),
            1000 / rustix::param::clock_ticks_per_second().max(1)
        ),
    );
    line(
        "c. CPU a riposo, schedstat di tutti i thread",
        format!(
            "{:.3} ms ({:.4} %), {idle_wakeups} cambi di contesto, {idle_bytes} B scritti",
            idle_run.as_secs_f64() * 1000.0,
            idle_run.as_secs_f64() / idle_elapsed.as_secs_f64() * 100.0
        ),
    );
    line(
        "d. memoria con le righe caricate (VmRSS / VmHWM)",
        format!("{} / {}", kib(loaded_memory.0), kib(loaded_memory.1)),
    );
    line(
        &format!("d. memoria dopo la ricerca «{surname}»"),
        format!("{} / {}", kib(search_memory.0), kib(search_memory.1)),
    );
    line("   tasto nella ricerca → ultimo byte", summary(&keystroke));
    line(
        "   domande al terminale viste (e risposte)",
        if queries.is_empty() {
            "nessuna".into()
        } else {
            queries.join(", ")
        },
    );
    Ok(())
}
