//! Who acted and who looked: the audit log names the system user (and the name given with
//! `--operatore` beside it), and every opening of a case, from the console or the command
//! line, is recorded in a log of its own that `alloggi accessi` lists and a backup carries.

use crate::common;

use std::process::Command;

use alloggi::demo::{DemoOptions, populate};
use alloggi::domain::ApplicationId;
use alloggi::office::Channel;
use alloggi::store::Store;
use alloggi::tui::keymap::Keymap;
use alloggi::tui::screens::ScreenId;
use common::console::Console;
use common::office_cli::{Office, fixture_arg};

/// The name the system gives the user running the tests.
fn system_user() -> String {
    let out = Command::new("id").arg("-un").output().expect("id runs");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The lines of label `label` of a full backup written by the binary.
fn backup_lines(office: &Office, file: &str, label: &str) -> Vec<serde_json::Value> {
    let path = office.arg(file);
    office.ok(&["export", &path]);
    std::fs::read_to_string(&path)
        .expect("backup written")
        .lines()
        .filter_map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            value.get(label).cloned()
        })
        .collect()
}

/// A demo office and the protocol of one of its registered applications.
fn demo_with_protocol() -> (Office, String) {
    let office = Office::new();
    office.ok(&["demo", "--applications", "20", "--seed", "7"]);
    let protocol = backup_lines(&office, "demo.jsonl", "application")
        .into_iter()
        .find_map(|app| app["protocol"]["text"].as_str().map(str::to_string))
        .expect("a registered application");
    (office, protocol)
}

#[test]
fn the_audit_log_names_the_system_user_and_the_name_given_beside_it() {
    let office = Office::new();
    // The harness gives `ALLOGGI_OPERATORE=mrossi`, as a shared account would.
    office.ok(&["call", "load", &fixture_arg("bando-2024.toml")]);
    let audit = backup_lines(&office, "copia.jsonl", "audit");
    let event = &audit.last().expect("an audit entry")["event"];
    assert_eq!(event["actor"], system_user().as_str(), "{event}");
    assert_eq!(event["on_behalf_of"], "mrossi", "{event}");

    // `$USER` names nobody: anyone can set it.
    let out = Command::new(env!("CARGO_BIN_EXE_alloggi"))
        .arg("--db")
        .arg(office.path("db"))
        .args(["call", "load", &fixture_arg("bando-2024.toml")])
        .env_remove("ALLOGGI_OPERATORE")
        .env("USER", "qualcun-altro")
        .env("XDG_STATE_HOME", office.path("state"))
        .env("XDG_CONFIG_HOME", office.path("config"))
        .env("XDG_DATA_HOME", office.path("data"))
        .output()
        .expect("the binary runs");
    common::assert_ok(&out);
    let audit = backup_lines(&office, "copia2.jsonl", "audit");
    let event = &audit.last().expect("an audit entry")["event"];
    assert_eq!(event["actor"], system_user().as_str(), "{event}");
    assert!(
        event.get("on_behalf_of").is_none(),
        "acting in person leaves the field out: {event}"
    );
}

#[test]
fn a_reading_from_the_command_line_is_listed_by_accessi_and_survives_a_restore() {
    let (office, protocol) = demo_with_protocol();
    let shown = office.ok(&["show", "--protocollo", &protocol]);
    assert!(shown.contains(&format!("Domanda {protocol}")), "{shown}");
    assert!(shown.contains("Storia ("), "{shown}");

    let listed = office.ok(&["accessi", "--protocollo", &protocol]);
    assert!(listed.contains("1 lettura"), "{listed}");
    let who = format!("{} per conto di mrossi  (riga di comando)", system_user());
    assert!(listed.contains(&who), "{listed}");

    // A second reading comes first; the English name lists the same.
    office.ok(&["mostra", "--protocollo", &protocol]);
    let listed = office.ok(&["access", "--protocollo", &protocol]);
    assert!(listed.contains("2 letture"), "{listed}");
    assert_eq!(listed.matches(&who).count(), 2, "{listed}");
    let times: Vec<&str> = listed.lines().skip(1).collect();
    assert!(times[0] >= times[1], "newest first: {listed}");

    // The readings travel with a backup.
    let backup = office.arg("copia.jsonl");
    office.ok(&["export", &backup]);
    let restored = Office::new();
    restored.ok(&["restore", &backup]);
    assert_eq!(
        restored.ok(&["accessi", "--protocollo", &protocol]),
        listed,
        "the readings after a restore"
    );
    restored.ok(&["check"]);

    let unknown = office.fails(&["accessi", "--protocollo", "1999/999999"]);
    assert!(
        unknown.contains("nessuna domanda con protocollo"),
        "{unknown}"
    );
}

#[test]
fn opening_a_case_in_the_console_records_who_read_it() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(dir.path()).expect("open store");
    let options = DemoOptions {
        applications: 10,
        seed: 3,
    };
    populate(&store, &options, &mut |_, _| {}).expect("demo data");
    let now = chrono::Utc::now();
    let mut console = Console::new(
        store,
        dir,
        Keymap::default_keymap().expect("default keymap"),
        false,
        (100, 30),
        Box::new(move || now),
    );
    let id = ApplicationId(1);
    assert_eq!(console.store().accesses(id, 100).expect("read").total, 0);
    console.app.open_case(id, ScreenId::Inbox);
    console.settle();
    let page = console.store().accesses(id, 100).expect("read");
    assert_eq!(page.total, 1, "{page:?}");
    let entry = &page.entries[0];
    assert_eq!(entry.actor, "mrossi");
    assert_eq!(entry.channel, Channel::Console);
    assert_eq!(entry.at, now);
    // The other applications were not read.
    assert_eq!(
        console
            .store()
            .accesses(ApplicationId(2), 100)
            .expect("read")
            .total,
        0
    );
}

#[test]
fn a_case_read_again_within_the_same_visit_is_recorded_once() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(dir.path()).expect("open store");
    let options = DemoOptions {
        applications: 10,
        seed: 3,
    };
    populate(&store, &options, &mut |_, _| {}).expect("demo data");
    let office = alloggi::office::Office::new(store, Err("nessun Comune".into()));
    let id = ApplicationId(1);
    let start = chrono::Utc::now();
    let at = |minutes: i64, actor: &str| alloggi::domain::Context {
        actor: actor.into(),
        on_behalf_of: None,
        now: start + chrono::Duration::minutes(minutes),
    };
    let read = |ctx| {
        office
            .open_case(&ctx, id, Channel::Console)
            .expect("read")
            .expect("the case");
    };
    read(at(0, "rossi"));
    read(at(5, "rossi"));
    read(at(14, "rossi"));
    assert_eq!(office.accesses(id).expect("read").total, 1, "one visit");
    // Another person, the same minute: a reading of their own.
    read(at(14, "bianchi"));
    // Rossi again, past the window of the last line recorded.
    read(at(30, "rossi"));
    let page = office.accesses(id).expect("read");
    let who: Vec<_> = page.entries.iter().map(|e| e.actor.as_str()).collect();
    assert_eq!(who, ["rossi", "bianchi", "rossi"]);
    // From the command line each is a reading of its own.
    for minute in [31, 31] {
        office
            .open_case(&at(minute, "rossi"), id, Channel::CommandLine)
            .expect("read");
    }
    assert_eq!(office.accesses(id).expect("read").total, 5);
}
