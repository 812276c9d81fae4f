//! One console process on its own pseudo-terminal of 80×24, read back through a terminal
//! emulator (vt100): what the benches that drive the real binary's screens share.

// Each bench uses the part of it that it measures.
#![allow(dead_code)]

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

use super::{Chunk, Error, Result, open_pty};

pub const WIDTH: u16 = 80;
pub const HEIGHT: u16 = 24;
const WIDTH_NZ: NonZeroU16 = NonZeroU16::new(WIDTH).expect("80 columns");
const HEIGHT_NZ: NonZeroU16 = NonZeroU16::new(HEIGHT).expect("24 rows");
/// Output is taken as complete when nothing more arrives for this long.
pub const QUIET: Duration = Duration::from_millis(100);
/// Longest wait for one screen state (loading 100.000 rows included).
pub const TIMEOUT: Duration = Duration::from_secs(120);

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
pub struct Session {
    pub child: Child,
    pub pid: u32,
    pub spawned: Instant,
    pub writer: File,
    pub rx: Receiver<Chunk>,
    pub parser: vt100::Parser,
    pub queries: Arc<Mutex<Vec<&'static str>>>,
    pub total_bytes: usize,
    pub dir: PathBuf,
}

impl Session {
    /// Starts the console on `db` with a fresh home, config and state under `dir`.
    pub fn spawn(db: &Path, dir: &Path, extra_env: &[(&str, &str)]) -> Result<Session> {
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

    pub fn feed(&mut self, chunk: &Chunk) {
        self.parser.process(&chunk.bytes);
        self.total_bytes += chunk.bytes.len();
    }

    pub fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    pub fn rows(&self) -> Vec<String> {
        self.parser.screen().rows(0, WIDTH).collect()
    }

    pub fn failure(&self, what: &str) -> Error {
        let stderr = std::fs::read_to_string(self.dir.join("stderr.txt")).unwrap_or_default();
        format!(
            "{what}\n--- schermo ---\n{}\n--- stderr ---\n{stderr}",
            self.screen()
        )
        .into()
    }

    /// Reads output until `done` holds for the emulated screen; returns when the chunk that made
    /// it hold was read.
    pub fn wait_until(&mut self, what: &str, done: impl Fn(&[String]) -> bool) -> Result<Instant> {
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
    pub fn settle(&mut self, first_wait: Duration) -> Result<Burst> {
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

    pub fn send(&mut self, bytes: &[u8]) -> Result<Instant> {
        self.writer.write_all(bytes)?;
        self.writer.flush()?;
        Ok(Instant::now())
    }

    /// user + system CPU time of the whole process (all threads).
    pub fn cpu(&self) -> Result<Duration> {
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
    pub fn run_time(&self) -> Result<Duration> {
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
    pub fn wakeups(&self) -> Result<u64> {
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
    pub fn memory(&self) -> Result<(u64, u64)> {
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

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("state/alloggi/alloggi.log")).unwrap_or_default()
    }

    /// Waits for the info line `message ms=…` in the console's log and returns its figure.
    pub fn wait_log(&mut self, message: &str) -> Result<f64> {
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
    pub fn quit(mut self) -> Result<(Duration, ExitStatus)> {
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
pub struct Burst {
    pub bytes: usize,
    pub first: Option<Instant>,
    pub last: Option<Instant>,
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
pub fn log_ms(log: &str, message: &str) -> Option<f64> {
    log.lines()
        .rev()
        .filter(|l| l.contains(message))
        .find_map(|l| {
            l.split_whitespace()
                .find_map(|w| w.strip_prefix("ms=")?.parse().ok())
        })
}
