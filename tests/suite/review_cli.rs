//! `alloggi review …` run as the office runs it, on the schema 5 backup fixture: decisions
//! with their reason, refused in Italian when the state forbids them, and round-tripping
//! through backup, restore and check (which replays the audit log).

use crate::common;

use common::office_cli::{Office, fixture_arg};
use serde_json::Value;

const FIXTURE: &str = "backup/demo-schema5.jsonl";

/// The application line of the backup `file` with protocol `protocol`.
fn application_in_backup(office: &Office, file: &str, protocol: &str) -> Value {
    let text = std::fs::read_to_string(office.path(file)).unwrap();
    text.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|value| value.get("application").cloned())
        .find(|app| app["protocol"]["text"] == protocol)
        .unwrap_or_else(|| panic!("no application {protocol} in {file}"))
}

/// The first admitted application of the fixture, by protocol.
fn admitted() -> String {
    let text = std::fs::read_to_string(common::office_cli::fixture(FIXTURE)).unwrap();
    text.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|value| value.get("application").cloned())
        .find(|app| app["state"] == "ammessa")
        .and_then(|app| app["protocol"]["text"].as_str().map(str::to_string))
        .expect("an admitted application in the fixture")
}

#[test]
fn a_revoked_admission_survives_backup_restore_and_check() {
    let office = Office::new();
    office.ok(&["restore", &fixture_arg(FIXTURE)]);
    let protocol = admitted();

    let error = office.fails(&[
        "review",
        "revoke-admission",
        "--protocollo",
        &protocol,
        "--motivo",
        " ",
    ]);
    assert!(error.contains("motivazione è obbligatoria"), "{error}");
    let out = office.ok(&[
        "istruttoria",
        "revoca-ammissione",
        "--protocollo",
        &protocol,
        "--motivo",
        "ISEE rettificato dall'INPS dopo l'ammissione",
    ]);
    assert!(
        out.contains(&format!("Ammissione della domanda {protocol} revocata")),
        "{out}"
    );
    // Once only: it is no longer admitted.
    let error = office.fails(&[
        "review",
        "revoke-admission",
        "--protocollo",
        &protocol,
        "--motivo",
        "di nuovo",
    ]);
    assert!(
        error.contains("ammessa") || error.contains("istruttoria"),
        "{error}"
    );
    office.ok(&["check"]);

    office.ok(&["export", &office.arg("dopo.jsonl")]);
    let app = application_in_backup(&office, "dopo.jsonl", &protocol);
    assert_eq!(app["state"], "in_istruttoria", "{app}");
    let log = std::fs::read_to_string(office.path("dopo.jsonl")).unwrap();
    assert!(log.contains("ISEE rettificato dall'INPS"));

    let restored = Office::new();
    restored.ok(&["restore", &office.arg("dopo.jsonl")]);
    restored.ok(&["check"]);
    restored.ok(&["export", &restored.arg("ancora.jsonl")]);
    let again = application_in_backup(&restored, "ancora.jsonl", &protocol);
    assert_eq!(again, app);
}
