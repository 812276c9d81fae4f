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

use std::fs::File;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::os::fd::BorrowedFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alloggi::domain::number::count;

mod support;
use support::{Chunk, Error, Result, dashboard_complete, open_pty, position};

const WIDTH: u16 = 80;
const HEIGHT: u16 = 24;
const WIDTH_NZ: NonZeroU16 = NonZeroU16::new(WIDTH).expect("80 columns");
const HEIGHT_NZ: NonZeroU16 = NonZeroU16::new(HEIGHT).expect("24 rows");
const DEFAULT_APPLICATIONS: usize = 100_000;
const DEFAULT_RUNS: usize = 7;
/// ↓ presses in the inbox: enough to cross the bottom of the table and scroll for a while.
const PRESSES: usize = 48;
const IDLE: Duration = Duration::from_secs(10);
/// Output is taken as complete when nothing more arrives for this long.
const QUIET: Duration = Duration::from_millis(100);
/// Longest wait for one screen state (loading 100.000 rows included).
const TIMEOUT: Duration = Duration::from_secs(120);

const DOWN: &[u8] = b"\x1b[B";
const ESC: &[u8] = b"\x1b";

/// Queries a terminal answers, as crossterm or ratatui might send them, with the answer of a
/// plain VT100 at the top left. Each one seen is recorded for the report.
const QUERIES: [(&[u8], &[u8], &str); 4] = [
    (b"\x1b[6n", b"\x1b[1;1R", "ESC[6n (posizione del cursore)"),
    (b"\x1b[c", b"\x1b[?1;2c", "ESC[c (attributi del terminale)"),
    (
        b"\x1b[0c",
        b"\x1b[?1;2c",
        "ESC[0c (attributi del terminale)",
    ),
    // A terminal without the kitty keyboard protocol stays silent; crossterm then relies on ESC[c.
    (b"\x1b[?u", b"", "ESC[?u (protocollo tastiera kitty)"),
];

/// One console process on its own pseudo-terminal.
struct Session {
    child: Child,
    pid: u32,
    spawned: Instant,
    writer: File,
    rx: Receiver<Chunk>,
    parser: vt100::Parser,
    queries: Arc<Mutex<Vec<&'static str>>>,
    total_bytes: usize,
    dir: PathBuf,
}

impl Session {
    /// Starts the console on `db` with a fresh home, config and state under `dir`.
    fn spawn(db: &Path, dir: &Path, extra_env: &[(&str, &str)]) -> Result<Session> {
        for sub in ["home", "config", "state", "data"] {
            std::fs::create_dir_all(dir.join(sub))?;
        }
        let (master, slave) = open_pty(WIDTH, HEIGHT)?;
        let mut command = Command::new(env!("CARGO_BIN_EXE_alloggi"));
        command
            .arg("--db")
            .arg(db)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir.join("home"))
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("XDG_STATE_HOME", dir.join("state"))
            .env("XDG_DATA_HOME", dir.join("data"))
            .env("TERM", "xterm-256color")
            .env("LANG", "C.UTF-8")
            .env("ALLOGGI_OPERATORE", "bench")
            .envs(extra_env.iter().copied())
            .stdin(Stdio::from(slave.try_clone()?))
            .stdout(Stdio::from(slave.try_clone()?))
            .stderr(Stdio::from(File::create(dir.join("stderr.txt"))?));
        // SAFETY: between fork and exec only async-signal-safe system calls are made (setsid,
        // ioctl), and nothing is allocated. They give the console a session whose controlling
        // terminal is the pty, as a terminal emulator would.
        unsafe {
            command.pre_exec(|| {
                rustix::process::setsid()?;
                rustix::process::ioctl_tiocsctty(BorrowedFd::borrow_raw(0))?;
                Ok(())
            });
        }
        let spawned = Instant::now();
        let child = command.spawn()?;
        // Only the child holds the terminal side now: its exit ends the reader with EIO.
        drop(command);
        drop(slave);
        let pid = child.id();
        let (tx, rx) = mpsc::channel();
        let queries = Arc::new(Mutex::new(Vec::new()));
        let reader = master.try_clone()?;
        let answerer = master.try_clone()?;
        let seen = Arc::clone(&queries);
        std::thread::Builder::new()
            .name("pty-reader".into())
            .spawn(move || read_pty(reader, answerer, &tx, &seen))?;
        Ok(Session {
            child,
            pid,
            spawned,
            writer: master,
            rx,
            parser: vt100::Parser::new(HEIGHT_NZ, WIDTH_NZ, 0),
            queries,
            total_bytes: 0,
            dir: dir.to_path_buf(),
        })
    }

    fn feed(&mut self, chunk: &Chunk) {
        self.parser.process(&chunk.bytes);
        self.total_bytes += chunk.bytes.len();
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    fn rows(&self) -> Vec<String> {
        self.parser.screen().rows(0, WIDTH).collect()
    }

    fn failure(&self, what: &str) -> Error {
        let stderr = std::fs::read_to_string(self.dir.join("stderr.txt")).unwrap_or_default();
        format!(
            "{what}\n--- schermo ---\n{}\n--- stderr ---\n{stderr}",
            self.screen()
        )
        .into()
    }

    /// Reads output until `done` holds for the emulated screen; returns when the chunk that made
    /// it hold was read.
    fn wait_until(&mut self, what: &str, done: impl Fn(&[String]) -> bool) -> Result<Instant> {
        if done(&self.rows()) {
            return Ok(Instant::now());
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(chunk) => {
                    self.feed(&chunk);
                    if done(&self.rows()) {
                        return Ok(chunk.at);
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    return Err(self.failure(&format!("{what}: non arrivato in {TIMEOUT:?}")));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(self.failure(&format!("{what}: la console è uscita prima")));
                }
            }
        }
    }

    /// Reads output until it has been quiet for `QUIET` (or nothing came within `first_wait`).
    fn settle(&mut self, first_wait: Duration) -> Result<Burst> {
        let started = Instant::now();
        let mut burst = Burst::default();
        loop {
            let wait = match burst.last {
                None => first_wait.saturating_sub(started.elapsed()),
                Some(last) => QUIET.saturating_sub(last.elapsed()),
            };
            if wait.is_zero() {
                return Ok(burst);
            }
            match self.rx.recv_timeout(wait) {
                Ok(chunk) => {
                    self.feed(&chunk);
                    burst.bytes += chunk.bytes.len();
                    burst.first.get_or_insert(chunk.at);
                    burst.last = Some(chunk.at);
                }
                Err(RecvTimeoutError::Timeout) => return Ok(burst),
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(self.failure("la console è uscita mentre scriveva"));
                }
            }
        }
    }

    fn send(&mut self, bytes: &[u8]) -> Result<Instant> {
        self.writer.write_all(bytes)?;
        self.writer.flush()?;
        Ok(Instant::now())
    }

    /// user + system CPU time of the whole process (all threads).
    fn cpu(&self) -> Result<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid))?;
        // The command name may hold spaces; fields are counted after its closing parenthesis.
        let after = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest)
            .ok_or("formato di /proc/PID/stat inatteso")?;
        let fields: Vec<&str> = after.split_whitespace().collect();
        // utime and stime are fields 14 and 15 of stat(5); `after` starts at field 3.
        let ticks = |i: usize| -> Result<u64> {
            Ok(fields
                .get(i - 3)
                .ok_or("campo mancante in /proc/PID/stat")?
                .parse::<u64>()?)
        };
        let total = ticks(14)? + ticks(15)?;
        let per_second = rustix::param::clock_ticks_per_second().max(1);
        Ok(Duration::from_secs_f64(total as f64 / per_second as f64))
    }

    /// Time on CPU of all the process's threads, from the scheduler (nanosecond resolution,
    /// where utime+stime move by whole clock ticks).
    fn run_time(&self) -> Result<Duration> {
        let mut total = 0u64;
        for task in std::fs::read_dir(format!("/proc/{}/task", self.pid))? {
            let schedstat = std::fs::read_to_string(task?.path().join("schedstat"))?;
            total += schedstat
                .split_whitespace()
                .next()
                .ok_or("/proc/PID/task/TID/schedstat vuoto")?
                .parse::<u64>()?;
        }
        Ok(Duration::from_nanos(total))
    }

    /// Context switches of all the process's threads (voluntary + involuntary): wake-ups.
    fn wakeups(&self) -> Result<u64> {
        let mut total = 0;
        for task in std::fs::read_dir(format!("/proc/{}/task", self.pid))? {
            let status = std::fs::read_to_string(task?.path().join("status"))?;
            total += status
                .lines()
                .filter(|l| {
                    l.starts_with("voluntary_ctxt_switches")
                        || l.starts_with("nonvoluntary_ctxt_switches")
                })
                .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
                .sum::<u64>();
        }
        Ok(total)
    }

    /// (VmRSS, VmHWM) in KiB.
    fn memory(&self) -> Result<(u64, u64)> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))?;
        let field = |name: &str| -> Result<u64> {
            Ok(status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .ok_or_else(|| format!("{name} mancante in /proc/PID/status"))?
                .parse::<u64>()?)
        };
        Ok((field("VmRSS:")?, field("VmHWM:")?))
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("state/alloggi/alloggi.log")).unwrap_or_default()
    }

    /// Waits for the info line `message ms=…` in the console's log and returns its figure.
    fn wait_log(&mut self, message: &str) -> Result<f64> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(ms) = log_ms(&self.log(), message) {
                return Ok(ms);
            }
            if Instant::now() > deadline {
                return Err(self.failure(&format!("riga «{message}» assente dal log")));
            }
            // Keep the pty drained meanwhile.
            self.settle(Duration::from_millis(20))?;
        }
    }

    /// `q`, then waits for the process to end; the screen must have left the alternate screen.
    fn quit(mut self) -> Result<(Duration, ExitStatus)> {
        let sent = self.send(b"q")?;
        let deadline = sent + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait()? {
                let exited = sent.elapsed();
                // What it wrote last (leaving the alternate screen), up to the reader's end.
                let drained = Instant::now() + Duration::from_secs(2);
                while let Ok(chunk) = self
                    .rx
                    .recv_timeout(drained.saturating_duration_since(Instant::now()))
                {
                    self.feed(&chunk);
                }
                if self.parser.screen().alternate_screen() {
                    return Err(self
                        .failure("dopo l'uscita il terminale è ancora sullo schermo alternativo"));
                }
                return Ok((exited, status));
            }
            if Instant::now() > deadline {
                return Err(self.failure("la console non è uscita entro 10 s da «q»"));
            }
            // Drains output so the console never blocks on a full pty.
            while let Ok(chunk) = self.rx.try_recv() {
                self.feed(&chunk);
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // Only if still running (a failed run): our own child, by its handle.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[derive(Default)]
struct Burst {
    bytes: usize,
    first: Option<Instant>,
    last: Option<Instant>,
}

/// Forwards everything the console writes, stamped with the time it was read, and answers the
/// terminal queries in it at once, as a terminal would.
fn read_pty(
    mut reader: File,
    mut answerer: File,
    tx: &Sender<Chunk>,
    seen: &Mutex<Vec<&'static str>>,
) {
    let mut buf = vec![0u8; 1 << 16];
    // The end of the previous read, so a query split between two reads is still found.
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            // EIO: the console and every holder of the terminal side are gone.
            Err(_) => return,
        };
        let at = Instant::now();
        let bytes = buf.get(..n).unwrap_or_default().to_vec();
        let mut window = std::mem::take(&mut carry);
        let old = window.len();
        window.extend_from_slice(&bytes);
        for (query, answer, name) in QUERIES {
            let found = window
                .windows(query.len())
                .enumerate()
                .filter(|(i, w)| *w == query && i + query.len() > old)
                .count();
            for _ in 0..found {
                if !answer.is_empty() {
                    let _ = answerer.write_all(answer);
                }
                if let Ok(mut seen) = seen.lock() {
                    seen.push(name);
                }
            }
        }
        let keep = window.len().saturating_sub(8);
        carry = window.split_off(keep);
        if tx.send(Chunk { at, bytes }).is_err() {
            return;
        }
    }
}

/// The figure of the last log line with `message`, from its `ms=` field.
fn log_ms(log: &str, message: &str) -> Option<f64> {
    log.lines()
        .rev()
        .filter(|l| l.contains(message))
        .find_map(|l| {
            l.split_whitespace()
                .find_map(|w| w.strip_prefix("ms=")?.parse().ok())
        })
}

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
