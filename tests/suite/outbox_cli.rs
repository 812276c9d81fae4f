//! `alloggi outbox …` run as the office runs it: the real binary, a database in a temporary
//! folder, IO played by a local stand-in. Data come from `alloggi demo` or are prepared with
//! the library, whose store is closed before the binary opens the database.

use crate::common;
use crate::support::io_stand_in;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use alloggi::domain::household::{Member, Relation};
use alloggi::domain::{ApplicationId, Command as DomainCommand};
use alloggi::messages::outbox::OutboxId;
use alloggi::messages::{Catalogue, ComuneConfig, Order, Values};
use alloggi::store::Store;
use io_stand_in::{StandIn, StandInConfig};

const BIN: &str = env!("CARGO_BIN_EXE_alloggi");
pub(super) const KEY: &str = "chiave-di-prova";

/// An office: a database folder, a log folder, and the commands run on them.
pub(super) struct Office {
    pub(super) root: tempfile::TempDir,
    db: PathBuf,
}

impl Office {
    pub(super) fn new() -> Office {
        let root = tempfile::tempdir().unwrap();
        let db = root.path().join("db");
        Office { root, db }
    }

    pub(super) fn path(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    fn log_file(&self) -> PathBuf {
        self.path("state").join("alloggi").join("alloggi.log")
    }

    /// The binary with a clean environment, `vars` set, and no database chosen.
    pub(super) fn bare(&self, args: &[&str], vars: &[(&str, &str)]) -> Command {
        let mut command = Command::new(BIN);
        command.args(args);
        for name in common::CLEARED {
            command.env_remove(name);
        }
        command
            .env("XDG_STATE_HOME", self.path("state"))
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("XDG_DATA_HOME", self.path("data"))
            .env("ALLOGGI_OPERATORE", "mrossi");
        for (name, value) in vars {
            command.env(name, value);
        }
        command
    }

    /// The binary on this office's database.
    fn command(&self, args: &[&str], vars: &[(&str, &str)]) -> Command {
        let mut command = self.bare(args, vars);
        command.arg("--db").arg(&self.db);
        command
    }

    pub(super) fn run(&self, args: &[&str], vars: &[(&str, &str)]) -> Output {
        self.command(args, vars).output().expect("the binary runs")
    }

    /// The full backup, as `alloggi export` writes it.
    pub(super) fn backup(&self, name: &str) -> Vec<u8> {
        let file = self.path(name);
        let out = self.run(&["export", file.to_str().unwrap()], &[]);
        common::assert_ok(&out);
        std::fs::read(file).unwrap()
    }

    /// With the library: the 2024 call, `n` applications of different citizens and one
    /// message for each. Returns the entries and their fiscal codes.
    pub(super) fn prepare(&self, n: usize) -> Vec<(OutboxId, String)> {
        let store = Store::open(&self.db).expect("open");
        common::run(&store, DomainCommand::SaveCall(Box::new(common::call())));
        let people = [
            common::applicant(),
            common::other_applicant(),
            single("Bruni", "Carla", common::date(1990, 5, 6), true),
            single("Conti", "Paolo", common::date(1968, 2, 11), false),
            single("Galli", "Sara", common::date(1995, 9, 23), true),
        ];
        assert!(n <= people.len());
        let mut ids = Vec::new();
        for (i, person) in people.into_iter().take(n).enumerate() {
            let household = common::household(vec![person]);
            common::run(
                &store,
                DomainCommand::ReceiveApplication(Box::new(common::new_application(household))),
            );
            ids.push(ApplicationId(i as u64 + 1));
        }
        let config = ComuneConfig::example();
        let order = Order {
            template: Catalogue::builtin().get("graduatoria_provvisoria").unwrap(),
            config: &config,
            typed: Values::new(),
            recipient: None,
        };
        let report = store
            .queue_batch(&ids, &common::ctx(), &order)
            .expect("queued");
        assert_eq!(report.queued.len(), n, "{report:?}");
        report
            .queued
            .iter()
            .map(|id| {
                let entry = store.outbox_entry(*id).unwrap().unwrap();
                (*id, entry.addressee.fiscal_code)
            })
            .collect()
    }
}

fn single(surname: &str, name: &str, birth: chrono::NaiveDate, female: bool) -> Member {
    common::member(surname, name, birth, female, Relation::Richiedente)
}

pub(super) fn assert_fails(o: &Output) {
    assert_eq!(
        o.status.code(),
        Some(1),
        "stdout: {}\nstderr: {}",
        common::stdout(o),
        common::stderr(o)
    );
}

fn io_vars(stand_in: &StandIn) -> Vec<(&'static str, String)> {
    vec![
        ("ALLOGGI_IO_API_KEY", KEY.to_string()),
        ("ALLOGGI_IO_BASE_URL", stand_in.base_url()),
    ]
}

fn borrowed<'a>(vars: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    vars.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The lines of `outbox list --stato <tab>` that describe entries, and the header.
pub(super) fn list(office: &Office, tab: &str) -> (String, Vec<String>) {
    let out = office.run(&["outbox", "list", "--stato", tab], &[]);
    common::assert_ok(&out);
    let text = common::stdout(&out);
    let mut lines = text.lines().map(str::to_string);
    let header = lines.next().unwrap_or_default();
    (header, lines.collect())
}

pub(super) fn listed(lines: &[String], id: OutboxId) -> bool {
    lines
        .iter()
        .any(|l| l.split_whitespace().next() == Some(&id.to_string()))
}

/// Waits until the stand-in holds the POST for `fiscal_code`, then kills `child` with SIGKILL:
/// the request has left, and the program cannot know what became of it.
pub(super) fn kill_once_posted(
    child: &mut std::process::Child,
    stand_in: &StandIn,
    fiscal_code: &str,
) {
    let deadline = Instant::now() + Duration::from_secs(8);
    while stand_in.posts_for(fiscal_code) == 0 {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the message never reached the stand-in");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("kill");
    child.wait().expect("wait");
}

/// Every file under `dir` whose bytes contain `needle`.
pub(super) fn files_containing(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            for item in std::fs::read_dir(&path).unwrap() {
                pending.push(item.unwrap().path());
            }
        } else if let Ok(bytes) = std::fs::read(&path)
            && bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
        {
            found.push(path);
        }
    }
    found
}

fn file_count(dir: &Path) -> usize {
    let mut count = 0;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            for item in std::fs::read_dir(&path).unwrap() {
                pending.push(item.unwrap().path());
            }
        } else {
            count += 1;
        }
    }
    count
}

// ---- sending -------------------------------------------------------------------------------------

/// The number in the list's header after `label`, e.g. "In coda 15".
fn header_count(header: &str, label: &str) -> usize {
    header
        .split(" │ ")
        .find_map(|part| part.strip_prefix(label)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no «{label}» in {header}"))
}

#[test]
fn send_drains_the_demo_queue_and_the_list_shows_the_sent_messages() {
    let office = Office::new();
    common::assert_ok(&office.run(
        &["demo", "--applications", "30", "--solo-bando-corrente"],
        &[],
    ));
    let (header, queued) = list(&office, "in-coda");
    let n = header_count(&header, "In coda");
    assert!(n > 0, "the demo queues messages: {header}");
    assert_eq!(queued.len(), n);
    let stand_in = StandIn::start(StandInConfig::default());
    let vars = io_vars(&stand_in);

    let out = office.run(&["outbox", "send"], &borrowed(&vars));
    common::assert_ok(&out);
    assert!(
        common::stdout(&out).contains(&format!(
            "Invio a IO: inviati {n} · respinti 0 · non raggiungibili 0 · incerti 0 · da riprovare 0"
        )),
        "{}",
        common::stdout(&out)
    );
    assert_eq!(stand_in.created().len(), n);

    let (header, sent) = list(&office, "inviati");
    assert_eq!(header_count(&header, "Inviati"), n, "{header}");
    assert_eq!(header_count(&header, "In coda"), 0, "{header}");
    assert_eq!(sent.len(), n);
    for line in &queued {
        let id = line.split_whitespace().next().unwrap();
        assert!(
            sent.iter()
                .any(|l| l.split_whitespace().next() == Some(id) && l.contains("inviato")),
            "{id} not listed as sent: {sent:?}"
        );
    }

    // Sending again finds nothing to send, and sends nothing.
    let out = office.run(&["outbox", "send"], &borrowed(&vars));
    common::assert_ok(&out);
    assert!(
        common::stdout(&out).contains("inviati 0"),
        "{}",
        common::stdout(&out)
    );
    assert_eq!(stand_in.created().len(), n);
}

#[test]
fn a_wrong_key_is_refused_in_italian_and_never_written_anywhere() {
    let office = Office::new();
    let entries = office.prepare(3);
    let stand_in = StandIn::start(StandInConfig::default());
    let wrong = "chiave-errata-7f3c9a1e5b";
    let base_url = stand_in.base_url();
    let vars = [
        ("ALLOGGI_IO_API_KEY", wrong),
        ("ALLOGGI_IO_BASE_URL", base_url.as_str()),
        // The most talkative log there is: still no key in it.
        ("ALLOGGI_LOG", "trace"),
    ];

    let out = office.run(&["outbox", "send"], &vars);
    assert_fails(&out);
    assert!(
        common::stderr(&out).contains("IO ha rifiutato la chiave (401)"),
        "{}",
        common::stderr(&out)
    );
    assert!(!common::stdout(&out).contains(wrong) && !common::stderr(&out).contains(wrong));
    assert!(stand_in.created().is_empty());
    let (header, lines) = list(&office, "in-coda");
    assert!(header.contains("In coda 3"), "{header}");
    assert_eq!(lines.len(), entries.len());

    // And with the right key, once more at the most talkative log level.
    let vars = [
        ("ALLOGGI_IO_API_KEY", KEY),
        ("ALLOGGI_IO_BASE_URL", base_url.as_str()),
        ("ALLOGGI_LOG", "trace"),
    ];
    let out = office.run(&["outbox", "send"], &vars);
    common::assert_ok(&out);
    assert!(
        common::stdout(&out).contains("inviati 3"),
        "{}",
        common::stdout(&out)
    );
    assert!(!common::stdout(&out).contains(KEY) && !common::stderr(&out).contains(KEY));

    assert!(office.log_file().is_file(), "the log file was written");
    assert!(file_count(&office.db) > 0);
    for key in [wrong, KEY] {
        assert_eq!(files_containing(&office.db, key), Vec::<PathBuf>::new());
        assert_eq!(
            files_containing(&office.path("state"), key),
            Vec::<PathBuf>::new()
        );
    }
}

#[cfg(unix)]
#[test]
fn a_key_file_readable_by_others_is_refused() {
    use std::os::unix::fs::PermissionsExt;

    let office = Office::new();
    office.prepare(2);
    let stand_in = StandIn::start(StandInConfig::default());
    let key_file = office.path("chiave-io");
    std::fs::write(&key_file, format!("{KEY}\n")).unwrap();
    let base_url = stand_in.base_url();
    let vars = [
        ("ALLOGGI_IO_API_KEY_FILE", key_file.to_str().unwrap()),
        ("ALLOGGI_IO_BASE_URL", base_url.as_str()),
    ];

    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = office.run(&["outbox", "send"], &vars);
    assert_fails(&out);
    assert!(
        common::stderr(&out).contains("permessi"),
        "{}",
        common::stderr(&out)
    );
    assert!(stand_in.requests().is_empty(), "nothing asked of IO");

    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = office.run(&["outbox", "send"], &vars);
    common::assert_ok(&out);
    assert!(
        common::stdout(&out).contains("inviati 2"),
        "{}",
        common::stdout(&out)
    );
    assert_eq!(stand_in.created().len(), 2);
}

#[test]
fn a_send_killed_midway_becomes_uncertain_and_is_never_repeated_by_itself() {
    let office = Office::new();
    let entries = office.prepare(1);
    let (id, fiscal_code) = entries[0].clone();
    let slow = StandIn::start(StandInConfig {
        slow: vec![fiscal_code.clone()],
        slow_delay: Duration::from_secs(5),
        ..StandInConfig::default()
    });
    let vars = io_vars(&slow);
    let mut vars = borrowed(&vars);
    vars.push(("ALLOGGI_IO_TIMEOUT_MS", "10000"));

    let mut child = office
        .command(&["outbox", "send"], &vars)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // Killed while IO holds the answer: the message exists, the program cannot know it.
    kill_once_posted(&mut child, &slow, &fiscal_code);
    assert_eq!(slow.created().len(), 1);

    let stand_in = StandIn::start(StandInConfig::default());
    let vars = io_vars(&stand_in);
    let out = office.run(&["outbox", "send"], &borrowed(&vars));
    common::assert_ok(&out);
    let text = common::stdout(&out);
    assert!(text.contains("1 invii interrotti resi incerti"), "{text}");
    assert!(text.contains("inviati 0"), "{text}");
    assert!(text.contains("Attenzione"), "{text}");
    assert_eq!(slow.posts_for(&fiscal_code), 1);
    assert_eq!(stand_in.posts_for(&fiscal_code), 0, "never sent twice");
    let (header, lines) = list(&office, "incerti");
    assert!(header.contains("Incerti 1"), "{header}");
    assert!(listed(&lines, id), "{lines:?}");

    // A reason is required to send it again.
    let out = office.run(
        &["outbox", "requeue", &id.to_string(), "--motivo", " "],
        &[],
    );
    assert_fails(&out);
    let out = office.run(
        &[
            "outbox",
            "requeue",
            &id.to_string(),
            "--motivo",
            "il cittadino non ha ricevuto il messaggio",
        ],
        &[],
    );
    common::assert_ok(&out);
    assert!(
        common::stdout(&out).contains("rimesso in coda"),
        "{}",
        common::stdout(&out)
    );
    let out = office.run(&["outbox", "send"], &borrowed(&vars));
    common::assert_ok(&out);
    assert!(
        common::stdout(&out).contains("inviati 1"),
        "{}",
        common::stdout(&out)
    );
    assert_eq!(stand_in.posts_for(&fiscal_code), 1);
    let (_, lines) = list(&office, "inviati");
    assert!(listed(&lines, id), "{lines:?}");
}

#[test]
fn send_honours_the_http_proxy() {
    let office = Office::new();
    office.prepare(2);
    let stand_in = StandIn::start(StandInConfig::default());
    let proxy = stand_in.proxy_url();
    let vars = [
        ("ALLOGGI_IO_API_KEY", KEY),
        // A name that resolves nowhere: only the proxy can reach it.
        ("ALLOGGI_IO_BASE_URL", "http://io.invalid/api/v1"),
        ("HTTP_PROXY", proxy.as_str()),
    ];
    let out = office.run(&["outbox", "send"], &vars);
    common::assert_ok(&out);
    assert!(
        common::stdout(&out).contains("inviati 2"),
        "{}",
        common::stdout(&out)
    );
    let requests = stand_in.requests();
    assert!(!requests.is_empty());
    for request in &requests {
        assert_eq!(request.host.as_deref(), Some("io.invalid"), "{request:?}");
    }
    assert_eq!(stand_in.created().len(), 2);
}

#[test]
fn cleartext_to_another_computer_is_refused_before_any_request() {
    let office = Office::new();
    office.prepare(2);
    let (before, queued) = list(&office, "in-coda");
    assert_eq!(queued.len(), 2, "{before}");
    // Were the address accepted, the request would go through this proxy and be seen here,
    // instead of waiting on an address (TEST-NET-1) that nobody answers.
    let stand_in = StandIn::start(StandInConfig::default());
    let proxy = stand_in.proxy_url();
    let bases = ["http://192.0.2.1/api/v1", "http://io.example.org/api/v1"];
    let vars = |base| {
        [
            ("ALLOGGI_IO_API_KEY", KEY),
            ("ALLOGGI_IO_BASE_URL", base),
            ("HTTP_PROXY", proxy.as_str()),
        ]
    };
    let refused = |out: &Output| {
        assert_fails(out);
        let stderr = common::stderr(out);
        assert!(
            stderr.contains("ALLOGGI_IO_BASE_URL non valido") && stderr.contains("in chiaro"),
            "{stderr}"
        );
        assert!(!stderr.contains(KEY), "{stderr}");
    };
    for base in bases {
        refused(&office.run(&["outbox", "send"], &vars(base)));
    }
    let (after, still) = list(&office, "in-coda");
    assert_eq!(still, queued, "{after}");

    let bundle = office.path("pacchetto.json");
    let bundle_key = office.path("chiave-pacchetti");
    common::assert_ok(&office.run(&["outbox", "keygen", bundle_key.to_str().unwrap()], &[]));
    let with_key = ["--chiave-pacchetto", bundle_key.to_str().unwrap()];
    let export = ["outbox", "export", bundle.to_str().unwrap()];
    common::assert_ok(&office.run(&[&export[..], &with_key].concat(), &[]));
    let receipts = office.path("ricevute.jsonl");
    for base in bases {
        let args = [
            "outbox",
            "send-bundle",
            bundle.to_str().unwrap(),
            "--receipts",
            receipts.to_str().unwrap(),
            with_key[0],
            with_key[1],
        ];
        refused(&office.bare(&args, &vars(base)).output().unwrap());
    }
    assert!(!receipts.exists());
    assert!(stand_in.requests().is_empty(), "{:?}", stand_in.requests());
}

#[test]
fn under_429_everywhere_send_stops_at_its_time_limit_and_fails_counting_messages() {
    let office = Office::new();
    office.prepare(5);
    // Every request refused with a 429 asking to wait a second.
    let stand_in = StandIn::start(StandInConfig {
        rate: Some((0, Duration::from_secs(1))),
        retry_after_secs: Some(1),
        ..StandInConfig::default()
    });
    let vars = io_vars(&stand_in);
    let started = Instant::now();
    let out = office.run(
        &["outbox", "send", "--durata-massima", "4s"],
        &borrowed(&vars),
    );
    let took = started.elapsed();
    assert!(took < Duration::from_secs(8), "took {took:?}");
    assert_fails(&out);
    let stdout = common::stdout(&out);
    let stderr = common::stderr(&out);
    // Each message was tried more than once; each counts once.
    assert!(
        stand_in.requests().len() > 5,
        "{}",
        stand_in.requests().len()
    );
    assert!(
        stdout
            .contains("inviati 0 · respinti 0 · non raggiungibili 0 · incerti 0 · da riprovare 5"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Tempo massimo raggiunto (4s): 5 messaggi restano in coda"),
        "{stdout}"
    );
    assert!(
        stderr.contains("nessun messaggio è partito: 5 messaggi restano in coda")
            && stderr.contains("429"),
        "{stderr}"
    );
    let (header, lines) = list(&office, "in-coda");
    assert!(header.contains("In coda 5"), "{header}");
    assert!(!lines.iter().any(|l| l.contains("in invio")), "{lines:?}");
    assert!(stand_in.created().is_empty());

    // A duration that is not one is refused before anything is asked of IO.
    let out = office.run(
        &["outbox", "send", "--durata-massima", "5 minuti"],
        &borrowed(&vars),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("durata «5 minuti» non valida"),
        "{}",
        common::stderr(&out)
    );
}

/// `outbox send` started with `vars`, returned once one of `entries` has reached IO.
#[cfg(unix)]
fn send_held(
    office: &Office,
    entries: &[(OutboxId, String)],
    stand_in: &StandIn,
    vars: &[(&str, &str)],
) -> std::process::Child {
    let child = office
        .command(&["outbox", "send"], vars)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(15);
    while !entries.iter().any(|(_, code)| stand_in.posts_for(code) > 0) {
        assert!(Instant::now() < deadline, "no message reached IO");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

/// `outbox send` stopped by `signal` once its first message request is held by IO: its
/// exit code, its summary with the numbers blanked, and how many messages were sent.
#[cfg(unix)]
fn send_stopped_by(signal: rustix::process::Signal) -> (Option<i32>, String, String, usize) {
    let office = Office::new();
    let entries = office.prepare(5);
    let stand_in = StandIn::start(StandInConfig {
        slow: entries.iter().map(|(_, code)| code.clone()).collect(),
        slow_delay: Duration::from_millis(1500),
        ..StandInConfig::default()
    });
    let vars = io_vars(&stand_in);
    let mut vars = borrowed(&vars);
    // Two requests a second: when the signal comes, some messages have not left yet.
    vars.push(("ALLOGGI_IO_RATE", "3/1"));
    let child = send_held(&office, &entries, &stand_in, &vars);
    rustix::process::kill_process(rustix::process::Pid::from_child(&child), signal).unwrap();
    let started = Instant::now();
    let out = child.wait_with_output().expect("wait");
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    let stdout = common::stdout(&out);
    let stderr = common::stderr(&out);
    assert!(stdout.contains("Interrotto"), "{stdout}");
    assert!(stderr.contains("invio interrotto"), "{stderr}");

    // What left was answered and recorded; what did not leave is still in the queue.
    let (header, queued) = list(&office, "in-coda");
    assert!(!queued.iter().any(|l| l.contains("in invio")), "{queued:?}");
    let (_, sent) = list(&office, "inviati");
    let created = stand_in.created().len();
    assert_eq!(sent.len(), created, "{header}");
    assert!(stdout.contains(&format!("inviati {created} ")), "{stdout}");
    assert_eq!(queued.len() + created, 5, "{header}");
    for (id, code) in &entries {
        let posts = stand_in.posts_for(code);
        assert!(posts <= 1, "{code} posted {posts} times");
        assert_eq!(listed(&queued, *id), posts == 0, "{id}: {queued:?}");
    }
    let blank = |text: &str| -> String {
        text.lines()
            .filter(|l| l.starts_with("Invio a IO") || l.starts_with("Interrotto"))
            .map(|l| l.replace(|c: char| c.is_ascii_digit(), "#"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    (out.status.code(), blank(&stdout), blank(&stderr), created)
}

#[cfg(unix)]
#[test]
fn sigterm_and_sighup_stop_a_send_as_gracefully_as_ctrl_c() {
    use rustix::process::Signal;
    let (code, summary, _, sent) = send_stopped_by(Signal::INT);
    assert_eq!(code, Some(1));
    assert!(sent < 5, "the signal came after every message had left");
    for signal in [Signal::TERM, Signal::HUP] {
        let (other_code, other_summary, _, _) = send_stopped_by(signal);
        assert_eq!(other_code, code, "{signal:?}");
        assert_eq!(other_summary, summary, "{signal:?}");
    }
}

#[cfg(unix)]
#[test]
fn a_second_signal_stops_a_send_at_once_and_what_was_in_flight_is_never_sent_twice() {
    use rustix::process::{Pid, Signal, kill_process};
    let office = Office::new();
    let entries = office.prepare(3);
    let stand_in = StandIn::start(StandInConfig {
        slow: entries.iter().map(|(_, code)| code.clone()).collect(),
        slow_delay: Duration::from_secs(6),
        ..StandInConfig::default()
    });
    let vars = io_vars(&stand_in);
    let child = send_held(&office, &entries, &stand_in, &borrowed(&vars));
    let pid = Pid::from_child(&child);
    kill_process(pid, Signal::INT).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    kill_process(pid, Signal::INT).unwrap();
    let started = Instant::now();
    let out = child.wait_with_output().expect("wait");

    // Well before IO answers the requests it holds.
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(130));
    assert!(
        common::stderr(&out).contains("Interrotto subito"),
        "{}",
        common::stderr(&out)
    );
    // The next run finds the held messages uncertain and sends none of them again.
    let posted: Vec<usize> = entries.iter().map(|(_, c)| stand_in.posts_for(c)).collect();
    office
        .command(&["outbox", "send"], &borrowed(&vars))
        .output()
        .expect("second run");
    for ((id, code), before) in entries.iter().zip(posted) {
        let posts = stand_in.posts_for(code);
        assert!(posts <= 1, "{id} posted {posts} times");
        if before == 1 {
            assert_eq!(posts, 1, "{id} sent again");
        }
    }
    let (_, uncertain) = list(&office, "incerti");
    assert!(!uncertain.is_empty(), "the held requests are uncertain");
}
