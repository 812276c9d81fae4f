//! Subcommands while the console server runs: they find it and run inside it as the caller,
//! with their output, exit code and files as if they had opened the database themselves.

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use alloggi::serve::client::Connection;
use alloggi::serve::protocol::{Hello, version};
use rustix::process::{Pid, Signal, kill_process};

use crate::common::office_cli::{Office, fixture, fixture_arg};
use crate::common::{self, CLEARED};
use crate::support::gpd_stand_in::{GpdStandIn, GpdStandInConfig};
use crate::support::io_stand_in::{StandIn, StandInConfig};

const BIN: &str = env!("CARGO_BIN_EXE_alloggi");
const TIMEOUT: Duration = Duration::from_secs(30);
const KEY: &str = "chiave-di-prova";

/// `alloggi serve` on the office's database, with `vars`; killed when dropped.
struct Server {
    child: Child,
    socket: PathBuf,
}

impl Server {
    fn start(office: &Office, cwd: &Path, vars: &[(&str, String)]) -> Server {
        let mut command = Command::new(BIN);
        command
            .arg("--db")
            .arg(office.path("db"))
            .args(["--comune", &fixture_arg("comune.toml"), "serve"])
            .current_dir(cwd)
            .env("XDG_STATE_HOME", office.path("state"))
            .env("XDG_CONFIG_HOME", office.path("config"))
            .env("XDG_DATA_HOME", office.path("data"))
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        for name in CLEARED {
            command.env_remove(name);
        }
        command
            .env_remove("ALLOGGI_OPERATORE")
            .env_remove("ALLOGGI_COMUNE");
        for (name, value) in vars {
            command.env(name, value);
        }
        let server = Server {
            child: command.spawn().expect("alloggi serve starts"),
            socket: office.path("db").join("console.sock"),
        };
        let started = Instant::now();
        while std::os::unix::net::UnixStream::connect(&server.socket).is_err() {
            assert!(started.elapsed() < TIMEOUT, "the server never listened");
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    /// A console connected, its screens read and dropped on a thread of its own.
    fn console(&self) {
        let hello = Hello {
            version: version(),
            width: 100,
            height: 30,
            term: Some("xterm-256color".into()),
            no_color: true,
            keymap: Vec::new(),
            on_behalf_of: None,
        };
        let mut connection = Connection::connect(&self.socket, &hello).expect("a console");
        std::thread::spawn(move || while connection.receive().is_ok() {});
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The program on the office's database from the folder `cwd`, as a caseworker runs it.
fn command(office: &Office, cwd: &Path, args: &[&str], vars: &[(&str, &str)]) -> Command {
    let mut command = Command::new(BIN);
    command
        .arg("--db")
        .arg(office.path("db"))
        .args(args)
        .current_dir(cwd)
        .env("XDG_STATE_HOME", office.path("state"))
        .env("XDG_CONFIG_HOME", office.path("config"))
        .env("XDG_DATA_HOME", office.path("data"));
    for name in CLEARED {
        command.env_remove(name);
    }
    command.env_remove("ALLOGGI_OPERATORE");
    for (name, value) in vars {
        command.env(name, value);
    }
    command
}

fn run(office: &Office, cwd: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    command(office, cwd, args, vars)
        .output()
        .expect("the binary runs")
}

fn ok(office: &Office, cwd: &Path, args: &[&str]) -> String {
    let out = run(office, cwd, args, &[]);
    common::assert_ok(&out);
    common::stdout(&out)
}

fn folder(office: &Office, name: &str) -> PathBuf {
    let dir = office.path(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn system_user() -> String {
    let out = Command::new("id").arg("-un").output().expect("id runs");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The protocol of the first row of the live ranking.
fn first_protocol(office: &Office, cwd: &Path) -> String {
    let shown = ok(office, cwd, &["ranking", "show", "--limite", "1"]);
    let row = shown.lines().nth(1).expect("a row");
    row.split_whitespace()
        .find(|word| word.contains('/'))
        .expect("a protocol")
        .to_string()
}

#[test]
fn subcommands_run_inside_the_server_as_they_run_alone_and_write_the_callers_files() {
    let office = Office::new();
    office.ok(&["demo", "--domande", "30"]);
    let here = folder(&office, "qui");
    let alone = folder(&office, "da-solo");
    // What the commands print with no server, and the files they write.
    let check_alone = run(&office, &alone, &["check"], &[]);
    let versions_alone = run(&office, &alone, &["ranking", "versions"], &[]);
    let export_args = [
        "ranking",
        "export",
        "--versione",
        "1",
        "--pubblico",
        "pubblico.csv",
        "--interno",
        "interno.csv",
    ];
    let exported_alone = ok(&office, &alone, &export_args);
    let wrong_alone = run(
        &office,
        &alone,
        &["ranking", "show", "--bando", "nessuno"],
        &[],
    );

    let server_home = folder(&office, "servizio");
    let server = Server::start(&office, &server_home, &[]);
    server.console();

    for (args, alone) in [
        (&["check"][..], &check_alone),
        (&["ranking", "versions"][..], &versions_alone),
        (&["ranking", "show", "--bando", "nessuno"][..], &wrong_alone),
    ] {
        let inside = run(&office, &here, args, &[]);
        assert_eq!(inside.status.code(), alone.status.code(), "{args:?}");
        assert_eq!(common::stdout(&inside), common::stdout(alone), "{args:?}");
        assert_eq!(common::stderr(&inside), common::stderr(alone), "{args:?}");
    }
    assert!(
        common::stderr(&wrong_alone).starts_with("errore: bando «nessuno» inesistente"),
        "{}",
        common::stderr(&wrong_alone)
    );

    // Files named relative to the caller's folder are written there, by the caller, with the
    // modes the command gives them alone.
    assert_eq!(ok(&office, &here, &export_args), exported_alone);
    for name in ["pubblico.csv", "interno.csv"] {
        assert_eq!(
            std::fs::read(here.join(name)).unwrap(),
            std::fs::read(alone.join(name)).unwrap(),
            "{name}"
        );
        assert_eq!(mode(&here.join(name)), mode(&alone.join(name)), "{name}");
        assert!(!server_home.join(name).exists(), "{name}");
    }
    assert_eq!(mode(&here.join("interno.csv")), 0o600);

    let exported = ok(&office, &here, &["export", "copia.jsonl"]);
    assert!(
        exported.starts_with("Esportati 2 bandi, 90 domande"),
        "{exported}"
    );
    assert!(exported.ends_with("in copia.jsonl.\n"), "{exported}");
    assert_eq!(mode(&here.join("copia.jsonl")), 0o600);
    let backup = std::fs::read_to_string(here.join("copia.jsonl")).unwrap();
    assert!(backup.lines().count() > 30);

    // A publication, with its messages queued, recorded as the system user.
    let published = ok(
        &office,
        &here,
        &["ranking", "publish", "--provvisoria", "--seme", "7"],
    );
    assert!(
        published.starts_with("Pubblicata la graduatoria provvisoria"),
        "{published}"
    );
    assert!(published.contains("messaggi accodati"), "{published}");
    assert!(ok(&office, &here, &["ranking", "versions"]).contains("n. 2"));

    // What needs the database closed is refused, saying what to do.
    let restore = run(&office, &here, &["restore", "copia.jsonl"], &[]);
    assert_eq!(restore.status.code(), Some(1));
    assert!(
        common::stderr(&restore)
            .contains("chiudere le console e fermare il servizio della console"),
        "{}",
        common::stderr(&restore)
    );
    // A usage error is the same as alone: exit code 2.
    let usage = run(&office, &here, &["ranking", "nulla"], &[]);
    assert_eq!(usage.status.code(), Some(2));
    drop(server);
}

#[test]
fn an_import_reads_the_file_in_the_callers_folder_not_the_servers() {
    let office = Office::new();
    office.ok(&["call", "load", &fixture_arg("bando-2024.toml")]);
    let here = folder(&office, "qui");
    let server_home = folder(&office, "servizio");
    std::fs::copy(fixture("domande-esempio.csv"), here.join("domande.csv")).unwrap();
    // The server could read a file of that name in its own folder: a wrong one.
    std::fs::copy(
        fixture("domande-errate.csv"),
        server_home.join("domande.csv"),
    )
    .unwrap();
    // The same import alone, on another database, for the output to compare.
    let other = Office::new();
    other.ok(&["call", "load", &fixture_arg("bando-2024.toml")]);
    let alone = ok(&other, &here, &["import", "applications", "domande.csv"]);

    let server = Server::start(&office, &server_home, &[]);
    server.console();
    let inside = ok(&office, &here, &["import", "applications", "domande.csv"]);
    assert_eq!(inside, alone);
    assert!(inside.starts_with("Importate"), "{inside}");

    // A file missing in the caller's folder is missing, whatever the server's folder holds.
    std::fs::copy(fixture("bando-2024.toml"), server_home.join("bando.toml")).unwrap();
    let missing = run(&office, &here, &["call", "load", "bando.toml"], &[]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        common::stderr(&missing).contains(
            "bando.toml:0: impossibile leggere il file: il file o la cartella non esiste"
        ),
        "{}",
        common::stderr(&missing)
    );
}

#[test]
fn the_register_of_dwellings_is_read_in_the_callers_folder_not_the_servers() {
    let office = Office::new();
    office.ok(&["call", "load", &fixture_arg("bando-2024.toml")]);
    let here = folder(&office, "qui");
    let server_home = folder(&office, "servizio");
    std::fs::copy(fixture("alloggi-esempio.csv"), here.join("alloggi.csv")).unwrap();
    std::fs::copy(
        fixture("alloggi-errato.csv"),
        server_home.join("alloggi.csv"),
    )
    .unwrap();
    let other = Office::new();
    let alone = ok(&other, &here, &["units", "import", "alloggi.csv"]);

    let server = Server::start(&office, &server_home, &[]);
    server.console();
    let inside = ok(&office, &here, &["units", "import", "alloggi.csv"]);
    assert_eq!(inside, alone);
    assert!(inside.contains("44 aggiunti"), "{inside}");
    let listed = ok(&office, &here, &["units", "list", "--stato", "locato"]);
    assert_eq!(
        listed,
        ok(&other, &here, &["units", "list", "--stato", "locato"])
    );
}

#[test]
fn the_audit_records_the_system_user_and_a_name_given_only_for_an_administrator() {
    let me = system_user();
    let office = Office::new();
    office.ok(&["demo", "--domande", "20"]);
    let here = folder(&office, "qui");
    let protocol = first_protocol(&office, &here);
    let server = Server::start(&office, &here, &[]);
    server.console();

    // With no roles file everyone administers: the name given is recorded beside the user.
    let out = run(
        &office,
        &here,
        &["show", "--protocollo", &protocol],
        &[("ALLOGGI_OPERATORE", "mrossi")],
    );
    common::assert_ok(&out);
    let out = run(&office, &here, &["show", "--protocollo", &protocol], &[]);
    common::assert_ok(&out);
    let accesses = ok(&office, &here, &["accessi", "--protocollo", &protocol]);
    assert!(
        accesses.contains(&format!("{me} per conto di mrossi  (riga di comando)")),
        "{accesses}"
    );
    assert!(
        accesses.contains(&format!("  {me}  (riga di comando)")),
        "{accesses}"
    );
    drop(server);

    // An operatore may not act under another name in a shared database.
    std::fs::write(
        office.path("db").join("ruoli.toml"),
        format!("[utenti]\n{me} = \"operatore\"\n"),
    )
    .unwrap();
    let server = Server::start(&office, &here, &[]);
    server.console();
    let refused = run(
        &office,
        &here,
        &["outbox", "list"],
        &[("ALLOGGI_OPERATORE", "mrossi")],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        common::stderr(&refused).contains("--operatore «mrossi» rifiutato"),
        "{}",
        common::stderr(&refused)
    );
    assert!(common::stdout(&refused).is_empty());
    ok(&office, &here, &["outbox", "list"]);
    // The role is the server's file's, whatever file the caller names.
    let admin = office.path("admin.toml");
    std::fs::write(&admin, format!("[utenti]\n{me} = \"amministratore\"\n")).unwrap();
    let out = run(
        &office,
        &here,
        &["--ruoli", admin.to_str().unwrap(), "export", "copia.jsonl"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("serve il ruolo amministratore"),
        "{}",
        common::stderr(&out)
    );
    assert!(!here.join("copia.jsonl").exists());
}

/// A demo database, its messages queued; how many.
fn office_with_a_queue() -> (Office, usize) {
    let office = Office::new();
    office.ok(&["demo", "--domande", "30"]);
    let listed = office.ok(&["outbox", "list", "--stato", "in-coda", "--limite", "1000"]);
    let queued = listed.lines().count() - 1;
    assert!(queued > 5, "{listed}");
    (office, queued)
}

fn io_vars(stand_in: &StandIn, rate: &str) -> Vec<(&'static str, String)> {
    vec![
        ("ALLOGGI_IO_API_KEY", KEY.to_string()),
        ("ALLOGGI_IO_BASE_URL", stand_in.base_url()),
        ("ALLOGGI_IO_RATE", rate.to_string()),
    ]
}

fn wait_for_posts(stand_in: &StandIn, at_least: usize) {
    let started = Instant::now();
    while stand_in.count("/messages", 201) < at_least {
        assert!(started.elapsed() < TIMEOUT, "no message reached IO");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn outbox_send_inside_the_server_with_three_consoles_sends_each_message_once() {
    let (office, queued) = office_with_a_queue();
    let here = folder(&office, "qui");
    let stand_in = StandIn::start(StandInConfig {
        latency: Duration::from_millis(50),
        ..StandInConfig::default()
    });
    // The server's own sender starts draining the queue as the server starts.
    let server = Server::start(&office, &here, &io_vars(&stand_in, "150/5"));
    for _ in 0..3 {
        server.console();
    }
    let sends: Vec<Child> = (0..2)
        .map(|_| {
            command(&office, &here, &["outbox", "send"], &[])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for send in sends {
        let out = send.wait_with_output().unwrap();
        common::assert_ok(&out);
        assert!(
            common::stdout(&out).starts_with("Invio a IO:"),
            "{}",
            common::stdout(&out)
        );
    }
    let listed = ok(&office, &here, &["outbox", "list", "--stato", "in-coda"]);
    assert!(listed.starts_with("In coda 0 "), "{listed}");
    assert!(stand_in.count("/messages", 201) > 0);
    let created = stand_in.created();
    let bodies: BTreeSet<String> = created.iter().map(|(_, body)| body.to_string()).collect();
    assert_eq!(bodies.len(), created.len(), "a message was sent twice");
    assert_eq!(stand_in.count("/messages", 201), created.len());
    assert!(created.len() <= queued, "{} of {queued}", created.len());
    drop(server);
}

#[test]
fn an_interrupt_stops_outbox_send_inside_the_server_as_it_stops_alone() {
    let (office, queued) = office_with_a_queue();
    let here = folder(&office, "qui");
    let stand_in = StandIn::start(StandInConfig::default());
    let server = Server::start(&office, &here, &io_vars(&stand_in, "2/1"));
    server.console();
    let send = command(&office, &here, &["outbox", "send"], &[])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_posts(&stand_in, 1);
    kill_process(Pid::from_child(&send), Signal::INT).unwrap();
    let started = Instant::now();
    let out = send.wait_with_output().unwrap();
    assert!(started.elapsed() < Duration::from_secs(8));
    assert_eq!(out.status.code(), Some(1));
    let stdout = common::stdout(&out);
    let stderr = common::stderr(&out);
    assert!(
        stdout.contains("Interrotto: i messaggi non ancora inviati restano in coda."),
        "{stdout}"
    );
    assert!(stderr.contains("errore: invio interrotto"), "{stderr}");
    let sent = stand_in.count("/messages", 201);
    assert!(sent < queued, "{sent} of {queued}");
    // The server goes on: the next command is served.
    ok(&office, &here, &["check"]);
    drop(server);
}

#[test]
fn a_server_killed_during_a_command_is_told_and_the_command_fails() {
    let (office, _) = office_with_a_queue();
    let here = folder(&office, "qui");
    let stand_in = StandIn::start(StandInConfig {
        latency: Duration::from_secs(5),
        ..StandInConfig::default()
    });
    let mut server = Server::start(&office, &here, &io_vars(&stand_in, "150/5"));
    server.console();
    let send = command(&office, &here, &["outbox", "send"], &[])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while stand_in
        .requests()
        .iter()
        .all(|r| !r.path.ends_with("/messages"))
    {
        assert!(started.elapsed() < TIMEOUT, "no message left");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Killed only once the command runs inside: before, the command would find no server
    // and run alone.
    let log = office.path("state").join("alloggi").join("alloggi.log");
    while !std::fs::read_to_string(&log)
        .unwrap_or_default()
        .contains("comando dalla riga di comando")
    {
        assert!(
            started.elapsed() < TIMEOUT,
            "the command never reached the server"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    server.child.kill().unwrap(); // SIGKILL
    let out = send.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out)
            .contains("il servizio della console si è interrotto durante il comando"),
        "{}",
        common::stderr(&out)
    );
}

fn same_output(inside: &Output, alone: &Output, what: &str) {
    assert_eq!(inside.status.code(), alone.status.code(), "{what}");
    assert_eq!(common::stdout(inside), common::stdout(alone), "{what}");
    assert_eq!(common::stderr(inside), common::stderr(alone), "{what}");
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A bundle key made by `keygen` in `dir` and copied as `chiave` to each folder of `to`.
fn shared_bundle_key(dir: &Path, to: &[&Path]) -> alloggi::io::BundleKey {
    let key = dir.join("chiave-originale");
    let out = Command::new(BIN)
        .args(["outbox", "keygen"])
        .arg(&key)
        .output()
        .unwrap();
    common::assert_ok(&out);
    for folder in to {
        std::fs::copy(&key, folder.join("chiave")).unwrap();
        chmod(&folder.join("chiave"), 0o600);
    }
    alloggi::io::BundleKey::load(&key).unwrap()
}

/// `send-bundle` from `cwd` against the stand-in, with no database.
fn send_bundle(cwd: &Path, stand_in: &StandIn) {
    let out = Command::new(BIN)
        .args([
            "outbox",
            "send-bundle",
            "pacchetto.json",
            "--receipts",
            "ricevute.jsonl",
            "--chiave-pacchetto",
            "chiave",
        ])
        .current_dir(cwd)
        .env("ALLOGGI_IO_API_KEY", KEY)
        .env("ALLOGGI_IO_BASE_URL", stand_in.base_url())
        .env("ALLOGGI_DB", cwd.join("nessun-database"))
        .output()
        .unwrap();
    common::assert_ok(&out);
}

#[test]
fn bundles_and_receipts_are_exported_and_imported_inside_the_server_as_alone() {
    // Two offices with the same queue: one works alone, the other with its server running.
    let (alone_office, _) = office_with_a_queue();
    let (office, _) = office_with_a_queue();
    let alone = folder(&alone_office, "da-solo");
    let here = folder(&office, "qui");
    let key = shared_bundle_key(&alone, &[&alone, &here]);
    let export = [
        "outbox",
        "export",
        "pacchetto.json",
        "--chiave-pacchetto",
        "chiave",
    ];
    let import = [
        "outbox",
        "import-receipts",
        "ricevute.jsonl",
        "--chiave-pacchetto",
        "chiave",
    ];
    let exported_alone = run(&alone_office, &alone, &export, &[]);
    common::assert_ok(&exported_alone);
    let again_alone = run(&alone_office, &alone, &export, &[]);

    let server_home = folder(&office, "servizio");
    let server = Server::start(&office, &server_home, &[]);
    server.console();
    let exported = run(&office, &here, &export, &[]);
    // The bundle's name carries the time of its export: compared without it.
    let bundle_alone =
        alloggi::io::bundle::Bundle::read(&alone.join("pacchetto.json"), &key).unwrap();
    let bundle = alloggi::io::bundle::Bundle::read(&here.join("pacchetto.json"), &key).unwrap();
    let named = |out: &Output, id: &str| common::stdout(out).replace(id, "ID");
    assert_eq!(
        named(&exported, &bundle.id),
        named(&exported_alone, &bundle_alone.id)
    );
    assert_eq!(common::stderr(&exported), common::stderr(&exported_alone));
    assert_eq!(exported.status.code(), Some(0));
    assert_eq!(bundle.voci, bundle_alone.voci);
    assert_eq!(mode(&here.join("pacchetto.json")), 0o600);
    assert_eq!(mode(&alone.join("pacchetto.json")), 0o600);
    assert!(!here.join("pacchetto.parziale").exists());
    assert!(!server_home.join("pacchetto.json").exists());
    // A second export finds the queue empty and leaves the file as it is.
    let written = std::fs::read(here.join("pacchetto.json")).unwrap();
    same_output(&run(&office, &here, &export, &[]), &again_alone, "again");
    assert_eq!(std::fs::read(here.join("pacchetto.json")).unwrap(), written);

    let stand_in = StandIn::start(StandInConfig::default());
    send_bundle(&alone, &stand_in);
    send_bundle(&here, &stand_in);
    let imported_alone = run(&alone_office, &alone, &import, &[]);
    common::assert_ok(&imported_alone);
    let imported = run(&office, &here, &import, &[]);
    assert_eq!(
        named(&imported, &bundle.id),
        named(&imported_alone, &bundle_alone.id)
    );
    assert_eq!(common::stderr(&imported), common::stderr(&imported_alone));
    assert_eq!(imported.status.code(), Some(0));
    assert_eq!(
        ok(&office, &here, &["outbox", "list", "--stato", "inviati"]),
        ok(
            &alone_office,
            &alone,
            &["outbox", "list", "--stato", "inviati"]
        )
        .replace(&bundle_alone.id, &bundle.id)
    );
    drop(server);
}

#[test]
fn checkpoints_are_signed_and_verified_inside_the_server_as_alone() {
    let office = Office::new();
    office.ok(&["demo", "--domande", "5"]);
    let here = folder(&office, "qui");
    ok(&office, &here, &["audit", "keygen", "firma.key"]);
    let sign = [
        "audit",
        "sign",
        "--chiave",
        "firma.key",
        "--checkpoint",
        "checkpoint.jsonl",
    ];
    let verify = [
        "audit",
        "verify",
        "--checkpoints",
        "checkpoint.jsonl",
        "--chiave-pubblica",
        "firma.key.pub",
    ];
    let signed_alone = run(&office, &here, &sign, &[]);
    common::assert_ok(&signed_alone);
    let verified_alone = run(&office, &here, &verify, &[]);
    common::assert_ok(&verified_alone);

    let server_home = folder(&office, "servizio");
    let server = Server::start(&office, &server_home, &[]);
    server.console();
    same_output(
        &run(&office, &here, &verify, &[]),
        &verified_alone,
        "verify",
    );
    same_output(&run(&office, &here, &sign, &[]), &signed_alone, "sign");
    assert_eq!(mode(&here.join("checkpoint.jsonl")), 0o600);
    assert!(!server_home.join("checkpoint.jsonl").exists());
    // The second line signs the same entry with the same key; only the time may differ.
    let text = std::fs::read_to_string(here.join("checkpoint.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    for field in ["formato", "voce", "impronta", "chiave"] {
        assert_eq!(lines[0][field], lines[1][field], "{field}");
    }
    let verified = run(&office, &here, &verify, &[]);
    common::assert_ok(&verified);
    assert!(
        common::stdout(&verified).contains("Checkpoint confermati"),
        "{}",
        common::stdout(&verified)
    );
    drop(server);
}

#[test]
fn a_key_file_others_can_read_is_refused_inside_the_server_as_alone() {
    let (office, _) = office_with_a_queue();
    let here = folder(&office, "qui");
    shared_bundle_key(&here, &[&here]);
    chmod(&here.join("chiave"), 0o644);
    ok(&office, &here, &["audit", "keygen", "firma.key"]);
    chmod(&here.join("firma.key"), 0o640);
    let commands: [&[&str]; 3] = [
        &[
            "outbox",
            "export",
            "pacchetto.json",
            "--chiave-pacchetto",
            "chiave",
        ],
        &[
            "outbox",
            "import-receipts",
            "ricevute.jsonl",
            "--chiave-pacchetto",
            "chiave",
        ],
        &[
            "audit",
            "sign",
            "--chiave",
            "firma.key",
            "--checkpoint",
            "checkpoint.jsonl",
        ],
    ];
    let alone: Vec<Output> = commands
        .iter()
        .map(|args| run(&office, &here, args, &[]))
        .collect();
    assert!(
        common::stderr(&alone[0]).contains("i permessi 0644 di «chiave» sono troppo aperti"),
        "{}",
        common::stderr(&alone[0])
    );
    assert!(
        common::stderr(&alone[2]).contains("i permessi 0640 di «firma.key» sono troppo aperti"),
        "{}",
        common::stderr(&alone[2])
    );

    let server_home = folder(&office, "servizio");
    // The server could read keys of those names in its own folder, owner-only: never used.
    shared_bundle_key(&server_home, &[&server_home]);
    let server = Server::start(&office, &server_home, &[]);
    server.console();
    for (args, alone) in commands.iter().zip(&alone) {
        same_output(&run(&office, &here, args, &[]), alone, &args.join(" "));
    }
    for name in ["pacchetto.json", "pacchetto.parziale", "checkpoint.jsonl"] {
        assert!(!here.join(name).exists(), "{name}");
    }
    drop(server);
}

/// GET requests listing the positions paid: one per sync that has published notices to ask
/// about.
fn payment_reads(stand_in: &GpdStandIn) -> usize {
    stand_in
        .requests()
        .iter()
        .filter(|r| {
            r.method == "GET"
                && r.path.ends_with("/debtpositions")
                && r.query
                    .as_deref()
                    .is_some_and(|q| q.contains("payment_date_from"))
        })
        .count()
}

fn gpd_vars(stand_in: &GpdStandIn, every: &str) -> Vec<(&'static str, String)> {
    vec![
        ("ALLOGGI_GPD_API_KEY", stand_in.key().to_string()),
        ("ALLOGGI_GPD_BASE_URL", stand_in.base_url()),
        ("ALLOGGI_GPD_RITMO", "1000/1".to_string()),
        ("ALLOGGI_GPD_OGNI", every.to_string()),
    ]
}

#[test]
fn the_server_syncs_with_pagopa_every_period_when_gpd_is_configured() {
    use super::rent_sync::{
        assert_published, issue_next_month, notice, office_with_applications, pending,
    };
    let (office, store, ids) = office_with_applications(4);
    let month = issue_next_month(&store, &ids);
    let paid_in_app = notice(&store, ids[2], month).iupd;
    drop(store);
    common::wait_released(&office.path("db"));
    let here = folder(&office, "qui");
    let stand_in = GpdStandIn::start(GpdStandInConfig::default());

    let server = Server::start(&office, &here, &gpd_vars(&stand_in, "1s"));
    let started = Instant::now();
    while stand_in.position_count() < ids.len() || payment_reads(&stand_in) < 1 {
        assert!(started.elapsed() < TIMEOUT, "the server never synced");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The citizen pays in the app: a later run, on its own, reads it back.
    let today = alloggi::domain::time::rome_date(chrono::Utc::now());
    stand_in.pay(
        &paid_in_app,
        &format!("{}T09:30:00Z", today.format("%Y-%m-%d")),
    );
    let reads = payment_reads(&stand_in);
    while payment_reads(&stand_in) < reads + 1 {
        assert!(started.elapsed() < TIMEOUT, "the server synced only once");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Through the server, a `rent sync` waits for its turn and finds nothing left to send.
    let out = run(
        &office,
        &here,
        &["rent", "sync"],
        &[("ALLOGGI_COMUNE", &fixture_arg("comune.toml"))],
    );
    common::assert_ok(&out);
    drop(server);
    common::wait_released(&office.path("db"));

    assert_eq!(stand_in.position_count(), ids.len());
    for iupd in stand_in.positions().iter().map(|p| &p.iupd) {
        assert_eq!(stand_in.create_attempts(iupd), 1, "{iupd}");
    }
    let store = common::open(&office.path("db"));
    for id in &ids {
        assert_published(&notice(&store, *id, month));
    }
    let paid = notice(&store, ids[2], month).payment.expect("read back");
    assert_eq!(paid.channel, alloggi::domain::rent::PaymentChannel::PagoPa);
    assert_eq!(pending(&store), 0);
}

#[test]
fn without_a_gpd_key_the_server_never_syncs() {
    use super::rent_sync::{issue_next_month, office_with_applications, pending};
    let (office, store, ids) = office_with_applications(2);
    issue_next_month(&store, &ids);
    drop(store);
    common::wait_released(&office.path("db"));
    let here = folder(&office, "qui");
    let stand_in = GpdStandIn::start(GpdStandInConfig::default());
    let mut vars = gpd_vars(&stand_in, "1s");
    vars.retain(|(name, _)| *name != "ALLOGGI_GPD_API_KEY");

    let server = Server::start(&office, &here, &vars);
    std::thread::sleep(Duration::from_millis(2500));
    drop(server);
    assert!(stand_in.requests().is_empty(), "{:?}", stand_in.requests());
    common::wait_released(&office.path("db"));
    let store = common::open(&office.path("db"));
    assert_eq!(pending(&store), ids.len());
}
