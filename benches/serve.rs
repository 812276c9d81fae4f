//! Shared console benchmarks: the release `alloggi serve` on a database of N demo applications,
//! with consoles connected through its socket (`console.sock`), each read back through a
//! terminal emulator (vt100) at 80×24.
//!
//! cargo bench --bench serve                                  (100.000 domande)
//! ALLOGGI_BENCH_APPLICATIONS=10000 cargo bench --bench serve
//! ALLOGGI_BENCH_DB=DIR cargo bench --bench serve             (reuse a demo database of that size)
//! ALLOGGI_BENCH_RUNS=7                                       (client start-ups, after one discarded)
//! ALLOGGI_BENCH_COMMIT_SECONDS=60, ALLOGGI_BENCH_COMMITTERS=20
//! ALLOGGI_BENCH_MALLOC_ARENA_MAX=N                           (glibc's arenas of the server, capped)
//!
//! Measures, in this order on one server:
//! 1. resident memory of the server with 1 and with 11 consoles showing the loaded inbox;
//! 2. key → last byte of its frame with 10 consoles connected, one console pressing at a time
//!    and all ten at once;
//! 3. spawn of the real `alloggi` client (in a pseudo-terminal) → first frame, → dashboard with
//!    data, → inbox rows, while the server runs;
//! 4. 20 consoles each saving a contact (the form `e`, `Ctrl+s`: one `UpdateContact` command)
//!    once a second for 60 s; afterwards the server is stopped and every saved contact is looked
//!    for in the audit log.
//!
//! Linux only (/proc). Figures go to BENCHMARKS.md, section "Console condivisa".

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeSet;
use std::fs::File;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::os::fd::BorrowedFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Barrier;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use alloggi::domain::event::EventKind;
use alloggi::domain::number::count;
use alloggi::office::Office;
use alloggi::serve::client::{Connection, Said};
use alloggi::serve::protocol::{ClientFrame, Hello, version};
use alloggi::store::{AuditFilter, Store};
use alloggi::tui::rows::Rows;
use alloggi::tui::search::SearchIndex;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

mod support;
use support::{Chunk, Error, Result, dashboard_complete, open_pty, position};

const BIN: &str = env!("CARGO_BIN_EXE_alloggi");
const WIDTH: u16 = 80;
const HEIGHT: u16 = 24;
const WIDTH_NZ: NonZeroU16 = NonZeroU16::new(WIDTH).expect("80 columns");
const HEIGHT_NZ: NonZeroU16 = NonZeroU16::new(HEIGHT).expect("24 rows");
const DEFAULT_APPLICATIONS: usize = 100_000;
const DEFAULT_RUNS: usize = 7;
const DEFAULT_COMMIT_SECONDS: usize = 60;
const DEFAULT_COMMITTERS: usize = 20;
/// Consoles connected while keys are timed (and added for the memory figure).
const CONSOLES: usize = 10;
/// ↓ presses per console, in each of the two key runs.
const PRESSES: usize = 20;
/// A frame is taken as complete when nothing more arrives for this long.
const QUIET: Duration = Duration::from_millis(30);
/// Longest wait for one screen state (loading 100.000 rows under load included).
const TIMEOUT: Duration = Duration::from_secs(120);
/// Longest wait for a saved contact to show: beyond it the commit counts as an error.
const COMMIT_TIMEOUT: Duration = Duration::from_secs(10);
/// The server's log line once a console's search index is built.
const INDEX_READY: &str = "indice di ricerca pronto";

// ---- the server ----

struct Server {
    child: Child,
    pid: u32,
    socket: PathBuf,
    log: PathBuf,
}

impl Server {
    fn start(db: &Path, dir: &Path) -> Result<Server> {
        for sub in ["home", "config", "state", "data"] {
            std::fs::create_dir_all(dir.join(sub))?;
        }
        let child = Command::new(BIN)
            .arg("--db")
            .arg(db)
            .args(["serve", "--inattivo", "10m"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir.join("home"))
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("XDG_STATE_HOME", dir.join("state"))
            .env("XDG_DATA_HOME", dir.join("data"))
            .env("LANG", "C.UTF-8")
            .envs(
                std::env::var_os("ALLOGGI_BENCH_MALLOC_ARENA_MAX").map(|n| ("MALLOC_ARENA_MAX", n)),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(File::create(dir.join("server-stderr.txt"))?))
            .spawn()?;
        let pid = child.id();
        let server = Server {
            child,
            pid,
            socket: db.join("console.sock"),
            log: dir.join("state/alloggi/alloggi.log"),
        };
        let started = Instant::now();
        while std::os::unix::net::UnixStream::connect(&server.socket).is_err() {
            if started.elapsed() > TIMEOUT {
                return Err("il servizio non ha aperto il socket".into());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(server)
    }

    fn wait_logged(&self, message: &str, times: usize) -> Result<()> {
        wait_logged(&self.log, message, times)
    }

    /// CPU time of the server, all threads (utime + stime).
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

    /// Waits until the server used under 20 ms of CPU in half a second (rows read, indexes
    /// built); returns how long that took.
    fn wait_at_rest(&self) -> Result<Duration> {
        let started = Instant::now();
        let mut before = self.cpu()?;
        loop {
            std::thread::sleep(Duration::from_millis(500));
            let now = self.cpu()?;
            if now.saturating_sub(before) < Duration::from_millis(20) {
                return Ok(started.elapsed());
            }
            if started.elapsed() > TIMEOUT {
                return Err("il servizio non si è fermato entro 120 s".into());
            }
            before = now;
        }
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

    /// SIGTERM, as at the end of a working day; waits for the server to close the database.
    fn stop(mut self) -> Result<()> {
        let pid = rustix::process::Pid::from_raw(i32::try_from(self.pid)?)
            .ok_or("pid del servizio non valido")?;
        rustix::process::kill_process(pid, rustix::process::Signal::TERM)?;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait()? {
                return if status.success() {
                    Ok(())
                } else {
                    Err(format!("il servizio è uscito con {status}").into())
                };
            }
            if Instant::now() > deadline {
                return Err("il servizio non è terminato entro 30 s da SIGTERM".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// How many times the server's log says `message`.
fn logged(log: &Path, message: &str) -> usize {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains(message))
        .count()
}

fn wait_logged(log: &Path, message: &str, times: usize) -> Result<()> {
    let deadline = Instant::now() + TIMEOUT;
    while logged(log, message) < times {
        if Instant::now() > deadline {
            return Err(format!("«{message}» non registrato {times} volte").into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

impl Drop for Server {
    fn drop(&mut self) {
        // Only if still running (a failed run): our own child, by its handle.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

// ---- a console connected through the socket ----

enum Heard {
    Output(Instant, Vec<u8>),
    Ended(String),
}

/// A console as a client sees it: what the server drew, stamped when it arrived.
struct Console {
    connection: Connection,
    rx: Receiver<Heard>,
    parser: vt100::Parser,
    ended: Option<String>,
}

#[derive(Default)]
struct Burst {
    bytes: usize,
    last: Option<Instant>,
}

impl Console {
    fn connect(socket: &Path) -> Result<Console> {
        let hello = Hello {
            version: version(),
            width: WIDTH,
            height: HEIGHT,
            term: Some("xterm-256color".into()),
            no_color: false,
            keymap: Vec::new(),
            on_behalf_of: None,
        };
        let connection = Connection::connect(socket, &hello)?;
        let mut reader = connection.try_clone()?;
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("console-reader".into())
            .spawn(move || {
                loop {
                    let heard = match reader.receive() {
                        Ok(Said::Output(bytes)) => Heard::Output(Instant::now(), bytes),
                        Ok(Said::Closed { message, code }) => {
                            Heard::Ended(format!("chiusa ({code}) {message}"))
                        }
                        Err(e) => Heard::Ended(e),
                    };
                    let last = matches!(heard, Heard::Ended(_));
                    if tx.send(heard).is_err() || last {
                        return;
                    }
                }
            })?;
        Ok(Console {
            connection,
            rx,
            parser: vt100::Parser::new(HEIGHT_NZ, WIDTH_NZ, 0),
            ended: None,
        })
    }

    fn rows(&self) -> Vec<String> {
        self.parser.screen().rows(0, WIDTH).collect()
    }

    fn failure(&self, what: &str) -> Error {
        format!(
            "{what}{}\n--- schermo ---\n{}",
            self.ended
                .as_ref()
                .map(|e| format!(" (console terminata: {e})"))
                .unwrap_or_default(),
            self.parser.screen().contents()
        )
        .into()
    }

    /// Sends a key; the time is taken before the write, as the answer may be read (on the
    /// reader thread) before this thread runs again.
    fn press(&mut self, code: KeyCode, modifiers: KeyModifiers) -> Result<Instant> {
        let sent = Instant::now();
        self.connection
            .send(&ClientFrame::Key(KeyEvent::new(code, modifiers)))?;
        Ok(sent)
    }

    fn key(&mut self, code: KeyCode) -> Result<Instant> {
        self.press(code, KeyModifiers::NONE)
    }

    fn typing(&mut self, text: &str) -> Result<()> {
        for c in text.chars() {
            self.key(KeyCode::Char(c))?;
        }
        Ok(())
    }

    /// Takes one thing heard; false once the console has ended.
    fn take(&mut self, heard: Heard) -> Option<Instant> {
        match heard {
            Heard::Output(at, bytes) => {
                self.parser.process(&bytes);
                Some(at)
            }
            Heard::Ended(why) => {
                self.ended = Some(why);
                None
            }
        }
    }

    /// Reads frames until `done` holds for the screen; returns when the frame that made it
    /// hold arrived.
    fn wait_until(
        &mut self,
        what: &str,
        limit: Duration,
        done: impl Fn(&[String]) -> bool,
    ) -> Result<Instant> {
        if done(&self.rows()) {
            return Ok(Instant::now());
        }
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(heard) => {
                    let Some(at) = self.take(heard) else {
                        return Err(self.failure(what));
                    };
                    if done(&self.rows()) {
                        return Ok(at);
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    return Err(self.failure(&format!("{what}: non arrivato in {limit:?}")));
                }
                Err(RecvTimeoutError::Disconnected) => return Err(self.failure(what)),
            }
        }
    }

    /// Takes what already arrived, without waiting: frames of no key (a redraw of the clock).
    fn drain(&mut self) -> Result<()> {
        while let Ok(heard) = self.rx.try_recv() {
            if self.take(heard).is_none() {
                return Err(self.failure("la console si è chiusa"));
            }
        }
        Ok(())
    }

    /// ↓, and the time from sending it to the last byte of the frames it caused.
    fn down(&mut self, applications: usize) -> Result<Duration> {
        self.drain()?;
        let at = position(&self.rows()).map_or(0, |(at, _)| at);
        let sent = self.key(KeyCode::Down)?;
        let burst = self.settle(Duration::from_secs(5))?;
        if position(&self.rows()) != Some((at + 1, applications)) {
            return Err(self.failure("il cursore non è sceso di una riga"));
        }
        let last = burst.last.ok_or("nessun fotogramma dopo ↓")?;
        Ok(last.saturating_duration_since(sent))
    }

    /// Reads frames until none came for `QUIET` (or none at all within `first_wait`).
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
                Ok(Heard::Output(at, bytes)) => {
                    self.parser.process(&bytes);
                    burst.bytes += bytes.len();
                    burst.last = Some(at);
                }
                Ok(Heard::Ended(why)) => {
                    self.ended = Some(why);
                    return Err(self.failure("la console si è chiusa"));
                }
                Err(RecvTimeoutError::Timeout) => return Ok(burst),
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(self.failure("la console si è chiusa"));
                }
            }
        }
    }

    /// Dashboard with data, then `2`, then the inbox with its rows and the cursor on the first.
    fn open_inbox(&mut self, applications: usize) -> Result<()> {
        self.wait_until("cruscotto con il totale", TIMEOUT, |rows| {
            dashboard_complete(rows, applications)
        })?;
        self.key(KeyCode::Char('2'))?;
        self.wait_until("domande caricate (1/N)", TIMEOUT, |rows| {
            inbox_at(rows, 1, applications)
        })?;
        Ok(())
    }

    /// `q`, and the server's word that the console closed normally.
    fn quit(mut self) -> Result<()> {
        self.key(KeyCode::Char('q'))?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.ended.is_none() {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(heard) => {
                    self.take(heard);
                }
                Err(_) => return Err(self.failure("nessuna chiusura dopo «q»")),
            }
        }
        match self.ended.as_deref() {
            Some("chiusa (0) ") => Ok(()),
            _ => Err(self.failure("chiusura inattesa")),
        }
    }
}

// ---- the real client in a pseudo-terminal ----

/// One `alloggi` client process on its own pseudo-terminal, connecting to the running server.
struct Terminal {
    child: Child,
    spawned: Instant,
    writer: File,
    rx: Receiver<Chunk>,
    parser: vt100::Parser,
}

impl Terminal {
    fn spawn(db: &Path, dir: &Path) -> Result<Terminal> {
        for sub in ["home", "config", "state", "data"] {
            std::fs::create_dir_all(dir.join(sub))?;
        }
        let (master, slave) = open_pty(WIDTH, HEIGHT)?;
        let mut command = Command::new(BIN);
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
            .stdin(Stdio::from(slave.try_clone()?))
            .stdout(Stdio::from(slave.try_clone()?))
            .stderr(Stdio::from(File::create(dir.join("stderr.txt"))?));
        // SAFETY: between fork and exec only async-signal-safe system calls are made (setsid,
        // ioctl), and nothing is allocated. They give the client a session whose controlling
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
        let (tx, rx) = mpsc::channel();
        let mut reader = master.try_clone()?;
        std::thread::Builder::new()
            .name("pty-reader".into())
            .spawn(move || {
                let mut buf = vec![0u8; 1 << 16];
                loop {
                    let n = match reader.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    let chunk = Chunk {
                        at: Instant::now(),
                        bytes: buf.get(..n).unwrap_or_default().to_vec(),
                    };
                    if tx.send(chunk).is_err() {
                        return;
                    }
                }
            })?;
        Ok(Terminal {
            child,
            spawned,
            writer: master,
            rx,
            parser: vt100::Parser::new(HEIGHT_NZ, WIDTH_NZ, 0),
        })
    }

    fn rows(&self) -> Vec<String> {
        self.parser.screen().rows(0, WIDTH).collect()
    }

    fn wait_until(&mut self, what: &str, done: impl Fn(&[String]) -> bool) -> Result<Instant> {
        if done(&self.rows()) {
            return Ok(Instant::now());
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(chunk) => {
                    self.parser.process(&chunk.bytes);
                    if done(&self.rows()) {
                        return Ok(chunk.at);
                    }
                }
                Err(_) => {
                    return Err(format!(
                        "{what}: non arrivato\n{}",
                        self.parser.screen().contents()
                    )
                    .into());
                }
            }
        }
    }

    fn send(&mut self, bytes: &[u8]) -> Result<()> {
        self.writer.write_all(bytes)?;
        self.writer.flush()?;
        Ok(())
    }

    /// `q`, then waits for the client to end.
    fn quit(mut self) -> Result<()> {
        self.send(b"q")?;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait()? {
                return if status.success() {
                    Ok(())
                } else {
                    Err(format!("il client è uscito con {status}").into())
                };
            }
            if Instant::now() > deadline {
                return Err("il client non è uscito entro 10 s da «q»".into());
            }
            while self.rx.try_recv().is_ok() {}
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

// ---- screens ----

/// A protocol number of the demo data: `2026/000012`.
fn is_protocol(word: &str) -> bool {
    let bytes = word.as_bytes();
    bytes.len() == 11
        && bytes[4] == b'/'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || b.is_ascii_digit())
}

/// The inbox shows its rows (protocol numbers of the demo data drawn) with the cursor at `at`
/// (of `total`).
fn inbox_at(rows: &[String], at: usize, total: usize) -> bool {
    position(rows) == Some((at, total))
        && rows.iter().any(|r| r.contains("Protocollo"))
        && rows.iter().any(|r| r.starts_with('▶'))
        && rows.iter().any(|r| r.split_whitespace().any(is_protocol))
}

/// The protocol of the row under the cursor.
fn marked_protocol(rows: &[String]) -> Option<String> {
    rows.iter()
        .find(|r| r.starts_with('▶'))?
        .split_whitespace()
        .find(|w| is_protocol(w))
        .map(str::to_string)
}

// ---- what one console holds, counted in this process ----

/// Bytes allocated and not yet freed in this process, for the breakdown of a console's memory.
static LIVE: AtomicUsize = AtomicUsize::new(0);

struct Counting;

// SAFETY: every call is passed to the system allocator as it came; the counter is a side effect.
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

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> isize {
    LIVE.load(Ordering::Relaxed) as isize
}

/// What the consoles keep of the database, built the way a console builds it: the rows read
/// through the office, the rows with their counters, the search index over them. A server holds
/// them once in its pool for all its consoles.
struct Held {
    /// The rows' bytes as allocated: the vector and the three texts of each row.
    rows_heap: usize,
    /// What reading them through the office leaves allocated, sled's cache already warm.
    rows_read: isize,
    rows_kept: isize,
    entries: isize,
    index: isize,
    row_size: usize,
    rows: usize,
}

fn held_by_a_console(office: &Office) -> Result<Held> {
    // A first read fills sled's page cache, which the server holds once for all its consoles.
    drop(office.rows(&mut |_, _| {})?);
    let before = live();
    let read = office.rows(&mut |_, _| {})?;
    let rows_read = live() - before;
    let rows_heap = read.capacity() * std::mem::size_of::<alloggi::office::reads::Row>()
        + read
            .iter()
            .map(|r| r.protocol.capacity() + r.name.capacity() + r.fiscal_code.capacity())
            .sum::<usize>();
    let count = read.len();
    let before = live();
    let mut rows = Rows::default();
    rows.set(read);
    let rows_kept = live() - before + rows_read;
    let before = live();
    let entries = rows.search_entries();
    let entries_size = live() - before;
    let before = live();
    let index = SearchIndex::new(entries);
    let index_size = live() - before + entries_size;
    drop(index);
    drop(rows);
    Ok(Held {
        rows_heap,
        rows_read,
        rows_kept,
        entries: entries_size,
        index: index_size,
        row_size: std::mem::size_of::<alloggi::office::reads::Row>(),
        rows: count,
    })
}

// ---- figures ----

/// The value at rank ⌈p·n⌉ of the sorted values (nearest rank).
fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    let rank = ((p * sorted.len() as f64).ceil() as usize).max(1);
    sorted.get(rank - 1).copied()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn summary(values: &[Duration]) -> String {
    let mut sorted = values.to_vec();
    sorted.sort();
    match (
        percentile(&sorted, 0.5),
        percentile(&sorted, 0.99),
        sorted.first(),
        sorted.last(),
    ) {
        (Some(p50), Some(p99), Some(lo), Some(hi)) => format!(
            "mediana {}, p99 {} (min {}, max {}, n={})",
            ms(p50),
            ms(p99),
            ms(*lo),
            ms(*hi),
            sorted.len()
        ),
        _ => "—".into(),
    }
}

fn p99(values: &[Duration]) -> Option<Duration> {
    let mut sorted = values.to_vec();
    sorted.sort();
    percentile(&sorted, 0.99)
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn verdict(met: bool) -> &'static str {
    if met { "RAGGIUNTO" } else { "MANCATO" }
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

// ---- the parts ----

/// ↓ on each console in turn, `PRESSES` rounds: send → last byte of its frame.
fn keys_one_at_a_time(consoles: &mut [Console], applications: usize) -> Result<Vec<Duration>> {
    let mut latency = Vec::new();
    for _ in 0..PRESSES {
        for console in consoles.iter_mut() {
            latency.push(console.down(applications)?);
        }
    }
    Ok(latency)
}

/// ↓ on all consoles at once, each from its own thread, `PRESSES` times each.
fn keys_all_at_once(consoles: &mut [Console], applications: usize) -> Result<Vec<Duration>> {
    let barrier = Barrier::new(consoles.len());
    let results: Vec<Result<Vec<Duration>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = consoles
            .iter_mut()
            .map(|console| {
                let barrier = &barrier;
                scope.spawn(move || -> Result<Vec<Duration>> {
                    barrier.wait();
                    let mut latency = Vec::new();
                    for _ in 0..PRESSES {
                        latency.push(console.down(applications)?);
                    }
                    Ok(latency)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("thread fallito".into())))
            .collect()
    });
    let mut all = Vec::new();
    for result in results {
        all.extend(result?);
    }
    Ok(all)
}

#[derive(Default)]
struct Startup {
    first_frame: Vec<Duration>,
    dashboard: Vec<Duration>,
    rows: Vec<Duration>,
}

/// The real client while the server runs: spawn → « alloggi» → dashboard with data → `2` at
/// once → inbox rows with a protocol number → `q`.
fn client_start(db: &Path, dir: &Path, applications: usize, into: &mut Startup) -> Result<()> {
    let mut t = Terminal::spawn(db, dir)?;
    let first = t.wait_until("intestazione « alloggi»", |rows| {
        rows.first().is_some_and(|r| r.starts_with(" alloggi"))
    })?;
    let dashboard = t.wait_until("cruscotto con il totale", |rows| {
        dashboard_complete(rows, applications)
    })?;
    t.send(b"2")?;
    let loaded = t.wait_until("righe della posta (1/N)", |rows| {
        inbox_at(rows, 1, applications)
    })?;
    into.first_frame.push(first - t.spawned);
    into.dashboard.push(dashboard - t.spawned);
    into.rows.push(loaded - t.spawned);
    t.quit()
}

struct Committed {
    protocol: String,
    /// The e-mail addresses seen saved on the screen, in order.
    saved: Vec<String>,
    latency: Vec<Duration>,
    errors: Vec<String>,
}

/// What the committing consoles share.
struct CommitPlan<'a> {
    socket: &'a Path,
    applications: usize,
    commits: usize,
    /// Makes this run's addresses its own.
    tag: u64,
    /// Every console at its case; then the main thread waits for the server at rest.
    ready: &'a Barrier,
    /// The commits start.
    go: &'a Barrier,
}

/// One console: its own application (the `index`-th registered row), then one saved contact a
/// second from `stagger` on.
fn committer(plan: &CommitPlan, index: usize, stagger: Duration) -> Result<Committed> {
    let CommitPlan {
        socket,
        applications,
        commits,
        tag,
        ..
    } = *plan;
    let mut c = Console::connect(socket)?;
    let setup = (|| -> Result<String> {
        c.open_inbox(applications)?;
        // The tab of registered applications: each row has its protocol, which names the
        // application when the audit log is read afterwards.
        c.key(KeyCode::Right)?;
        c.key(KeyCode::Right)?;
        c.wait_until("la scheda Protocollata", TIMEOUT, |rows| {
            rows.iter().any(|r| r.contains("[Protocollata"))
                && position(rows).map(|p| p.0) == Some(1)
        })?;
        for _ in 0..index {
            c.key(KeyCode::Down)?;
        }
        c.wait_until("la riga della console", TIMEOUT, |rows| {
            position(rows).map(|p| p.0) == Some(index + 1)
        })?;
        let protocol = marked_protocol(&c.rows())
            .ok_or_else(|| c.failure("protocollo della riga non trovato"))?;
        c.key(KeyCode::Enter)?;
        c.wait_until("la scheda", TIMEOUT, |rows| {
            rows.first().is_some_and(|r| r.contains(&protocol))
                && rows.iter().any(|r| r.starts_with(" Recapiti:"))
        })?;
        Ok(protocol)
    })();
    plan.ready.wait();
    plan.go.wait();
    let protocol = setup?;
    let mut done = Committed {
        protocol,
        saved: Vec::new(),
        latency: Vec::new(),
        errors: Vec::new(),
    };
    let start = Instant::now() + stagger;
    for n in 0..commits {
        let due = start + Duration::from_secs(n as u64);
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        let email = format!("b{index}.{n}.{tag}@esempio.it");
        let shown = format!(" Recapiti: {email} ");
        let outcome = (|| -> Result<Duration> {
            c.key(KeyCode::Char('e'))?;
            c.wait_until("il modulo dei recapiti", COMMIT_TIMEOUT, |rows| {
                rows.iter()
                    .any(|r| r.contains("Modifica recapiti") && !r.contains("salvato"))
            })?;
            c.press(KeyCode::Char('u'), KeyModifiers::CONTROL)?;
            c.typing(&email)?;
            // The address drawn in the form first: Ctrl+s alone is timed, not the typing.
            c.wait_until("l'indirizzo nel modulo", COMMIT_TIMEOUT, |rows| {
                rows.iter().any(|r| r.contains(&email))
            })?;
            let sent = c.press(KeyCode::Char('s'), KeyModifiers::CONTROL)?;
            let at = c.wait_until("i recapiti salvati", COMMIT_TIMEOUT, |rows| {
                rows.iter().any(|r| r.starts_with(&shown))
            })?;
            Ok(at - sent)
        })();
        match outcome {
            Ok(latency) => {
                done.latency.push(latency);
                done.saved.push(email);
            }
            Err(e) => {
                done.errors
                    .push(format!("console {index}, comando {n}: {e}"));
                // Back to the case for the next one.
                let _ = c.key(KeyCode::Esc);
                let _ = c.settle(Duration::from_millis(500));
            }
        }
    }
    c.quit()?;
    Ok(done)
}

/// The e-mail addresses of every `recapiti modificati` entry of the application's audit log.
fn audited_emails(store: &Store, protocol: &str) -> Result<BTreeSet<String>> {
    let application = store
        .application_by_protocol(protocol)?
        .ok_or_else(|| format!("domanda {protocol} non trovata"))?;
    let filter = AuditFilter {
        case: Some(application.id),
        actor: None,
        kind: None,
    };
    Ok(store
        .audit_page(None, 1_000_000, &filter)?
        .into_iter()
        .filter_map(|(_, event)| match event.kind {
            EventKind::ContactUpdated { contact, .. } => contact.email,
            _ => None,
        })
        .collect())
}

fn main() -> Result<()> {
    // `cargo bench` passes `--bench`; nothing else is read from the command line.
    let applications = env_number("ALLOGGI_BENCH_APPLICATIONS", DEFAULT_APPLICATIONS);
    let runs = env_number("ALLOGGI_BENCH_RUNS", DEFAULT_RUNS).max(1);
    let commit_seconds = env_number("ALLOGGI_BENCH_COMMIT_SECONDS", DEFAULT_COMMIT_SECONDS);
    let committers = env_number("ALLOGGI_BENCH_COMMITTERS", DEFAULT_COMMITTERS).max(1);
    let work = tempfile::tempdir()?;
    let db = support::database("serve", BIN, work.path(), applications)?;
    let server = Server::start(&db, &work.path().join("server"))?;
    let idle_memory = server.memory()?;

    // 1. Memory: one console with its rows and search index, then ten more.
    let mut first = Console::connect(&server.socket)?;
    first.open_inbox(applications)?;
    server.wait_logged(INDEX_READY, 1)?;
    server.wait_at_rest()?;
    first.settle(Duration::from_millis(100))?;
    let one_memory = server.memory()?;
    let mut consoles = Vec::new();
    for _ in 0..CONSOLES {
        let mut console = Console::connect(&server.socket)?;
        console.open_inbox(applications)?;
        consoles.push(console);
    }
    server.wait_at_rest()?;
    for console in &mut consoles {
        console.settle(Duration::from_millis(100))?;
    }
    let eleven_memory = server.memory()?;
    first.quit()?;

    // 2. Keys with ten consoles connected.
    let one_at_a_time = keys_one_at_a_time(&mut consoles, applications)?;
    let all_at_once = keys_all_at_once(&mut consoles, applications)?;

    // 3. The real client starting while the server runs (the ten consoles still connected).
    let mut discarded = Startup::default();
    client_start(
        &db,
        &work.path().join("client-0"),
        applications,
        &mut discarded,
    )?;
    let mut startup = Startup::default();
    for run in 1..=runs {
        client_start(
            &db,
            &work.path().join(format!("client-{run}")),
            applications,
            &mut startup,
        )?;
    }
    for console in consoles {
        console.quit()?;
    }

    // 4. Commits: each console saves a contact once a second.
    let tag = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs()
        % 100_000;
    let ready = Barrier::new(committers + 1);
    let go = Barrier::new(committers + 1);
    let plan = CommitPlan {
        socket: &server.socket,
        applications,
        commits: commit_seconds,
        tag,
        ready: &ready,
        go: &go,
    };
    let mut at_rest = None;
    let mut commit_started = None;
    let results: Vec<Result<Committed>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..committers)
            .map(|index| {
                let plan = &plan;
                // Spread over the second, as people do not press together.
                let stagger = Duration::from_millis((index * 1000 / committers) as u64);
                scope.spawn(move || committer(plan, index, stagger))
            })
            .collect();
        // The commits are timed on a server at rest: rows read, search index built.
        ready.wait();
        at_rest = Some(server.wait_at_rest());
        commit_started = Some(Instant::now());
        go.wait();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("thread fallito".into())))
            .collect()
    });
    at_rest.ok_or("nessuna attesa del servizio")??;
    let commit_elapsed = commit_started.map(|t| t.elapsed()).unwrap_or_default();
    let mut committed = Vec::new();
    for result in results {
        committed.push(result?);
    }
    let committers_memory = server.memory()?;
    server.stop()?;

    // Every contact seen saved must have its audit entry.
    // One opening for both reads: sled lets go of its lock only some time after a drop.
    let office = Office::open(&db, Err("non serve".into()))?;
    let store = office.store();
    let mut lost = Vec::new();
    let mut audited = 0;
    for done in &committed {
        let emails = audited_emails(store, &done.protocol)?;
        for email in &done.saved {
            if emails.contains(email) {
                audited += 1;
            } else {
                lost.push(format!("{} {email}", done.protocol));
            }
        }
    }
    let held = held_by_a_console(&office)?;
    drop(office);
    let latency: Vec<Duration> = committed.iter().flat_map(|d| d.latency.clone()).collect();
    let errors: Vec<&String> = committed.iter().flat_map(|d| &d.errors).collect();
    let saved: usize = committed.iter().map(|d| d.saved.len()).sum();
    let protocols: BTreeSet<&str> = committed.iter().map(|d| d.protocol.as_str()).collect();

    let per_console = eleven_memory.0.saturating_sub(one_memory.0) / CONSOLES as u64;
    let key_p99 = p99(&one_at_a_time)
        .into_iter()
        .chain(p99(&all_at_once))
        .max()
        .unwrap_or(Duration::MAX);
    let rows_median = {
        let mut sorted = startup.rows.clone();
        sorted.sort();
        percentile(&sorted, 0.5).unwrap_or(Duration::MAX)
    };
    let commit_p99 = p99(&latency).unwrap_or(Duration::MAX);

    println!();
    println!(
        "Console condivisa {WIDTH}×{HEIGHT}, {} domande",
        count(applications)
    );
    println!("{}", "─".repeat(100));
    let line = |what: &str, figure: String| println!("{what:<58} {figure}");
    line(
        "1. memoria del servizio senza console (VmRSS / VmHWM)",
        format!("{} / {}", mib(idle_memory.0), mib(idle_memory.1)),
    );
    line(
        "1. con 1 console, righe e indice caricati",
        format!("{} / {}", mib(one_memory.0), mib(one_memory.1)),
    );
    line(
        &format!("1. con {} console", 1 + CONSOLES),
        format!("{} / {}", mib(eleven_memory.0), mib(eleven_memory.1)),
    );
    line(
        "1. per console in più ((11 − 1) / 10), obiettivo ≤ 20 MB",
        format!(
            "{} — {}",
            mib(per_console),
            verdict(per_console * 1024 <= 20_000_000)
        ),
    );
    line(
        &format!("2. ↓ → ultimo byte, {CONSOLES} console, una alla volta"),
        summary(&one_at_a_time),
    );
    line(
        &format!("2. ↓ → ultimo byte, {CONSOLES} console insieme"),
        summary(&all_at_once),
    );
    line(
        "2. obiettivo p99 ≤ 5 ms",
        verdict(key_p99 <= Duration::from_millis(5)).into(),
    );
    line(
        &format!("3. avvio client → primo fotogramma ({runs} avvii)"),
        summary(&startup.first_frame),
    );
    line(
        "3. avvio client → cruscotto con i dati",
        summary(&startup.dashboard),
    );
    line(
        "3. avvio client → righe della posta («2» subito)",
        summary(&startup.rows),
    );
    line(
        "3. obiettivo righe ≤ 50 ms (mediana)",
        verdict(rows_median <= Duration::from_millis(50)).into(),
    );
    line(
        "   avvio scartato: primo fotogramma / cruscotto / righe",
        format!(
            "{} / {} / {}",
            discarded.first_frame.first().map_or("—".into(), |d| ms(*d)),
            discarded.dashboard.first().map_or("—".into(), |d| ms(*d)),
            discarded.rows.first().map_or("—".into(), |d| ms(*d))
        ),
    );
    line(
        &format!("4. {committers} console × {commit_seconds} s, un comando al secondo"),
        format!(
            "{saved} salvati in {:.1} s, {} errori, {} persi ({audited} nel registro), {} domande",
            commit_elapsed.as_secs_f64(),
            errors.len(),
            lost.len(),
            protocols.len()
        ),
    );
    line("4. Ctrl+s → recapiti salvati a schermo", summary(&latency));
    line(
        "4. obiettivo 0 persi, 0 errori, p99 ≤ 20 ms",
        verdict(
            lost.is_empty()
                && errors.is_empty()
                && saved == committers * commit_seconds
                && commit_p99 <= Duration::from_millis(20),
        )
        .into(),
    );
    line(
        &format!("4. memoria con {committers} console (VmRSS / VmHWM)"),
        format!(
            "{} / {}",
            mib(committers_memory.0),
            mib(committers_memory.1)
        ),
    );
    let mib_of = |bytes: isize| format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0));
    line(
        "1. una volta per servizio: righe lette (Vec<Row>)",
        format!(
            "{} ({} righe; {} B per Row, con i tre testi {} allocati)",
            mib_of(held.rows_read),
            count(held.rows),
            held.row_size,
            mib_of(held.rows_heap as isize)
        ),
    );
    line(
        "1. una volta per servizio: righe tenute (Rows a blocchi)",
        mib_of(held.rows_kept),
    );
    line(
        "1. una volta per servizio: indice (SearchIndex::new)",
        format!(
            "{} (le voci date a new, {}, sono liberate)",
            mib_of(held.index),
            mib_of(held.entries)
        ),
    );
    for error in errors.iter().take(5) {
        println!("   errore: {error}");
    }
    for missing in lost.iter().take(5) {
        println!("   perso: {missing}");
    }
    Ok(())
}
