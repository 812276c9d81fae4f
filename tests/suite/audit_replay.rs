//! Records that disagree with the audit log: a backup whose application lines were edited is
//! refused by `alloggi restore`, and a record changed in the database behind the log fails
//! `alloggi check`, each naming the record and the field. The real binary, on the schema 5
//! backup fixture.

use crate::common;

use common::office_cli::{Office, fixture, fixture_arg};
use serde_json::Value;

const FIXTURE: &str = "backup/demo-schema5.jsonl";

/// The fixture with the application `id`'s line changed by `edit`, written into the office's
/// folder; returns its path as an argument.
fn edited_backup(office: &Office, id: u64, edit: impl Fn(&mut Value)) -> String {
    let text = std::fs::read_to_string(fixture(FIXTURE)).unwrap();
    let mut edited = false;
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            let mut value: Value = serde_json::from_str(line).unwrap();
            match value.get_mut("application") {
                Some(app) if app["id"] == id => {
                    edit(app);
                    edited = true;
                    serde_json::to_string(&value).unwrap()
                }
                _ => line.to_string(),
            }
        })
        .collect();
    assert!(edited, "no application {id} in the fixture");
    let path = office.path("edited.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    office.arg("edited.jsonl")
}

/// The first application of the fixture in `state`.
fn application_in(state: &str) -> u64 {
    let text = std::fs::read_to_string(fixture(FIXTURE)).unwrap();
    text.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|value| value.get("application").cloned())
        .find(|app| app["state"] == state)
        .and_then(|app| app["id"].as_u64())
        .unwrap()
}

/// The restore of `backup` is refused naming the application and every field; nothing is
/// left: the untouched fixture then restores into the same database.
fn assert_refused(office: &Office, backup: &str, id: u64, fields: &[&str]) {
    let error = office.fails(&["restore", backup]);
    assert!(error.contains(&format!("domanda #{id}:")), "{error}");
    for field in fields {
        assert!(error.contains(field), "{field} not named: {error}");
    }
    assert!(error.contains("registro di controllo"), "{error}");
    office.ok(&["restore", &fixture_arg(FIXTURE)]);
    office.ok(&["check"]);
}

#[test]
fn a_backup_with_an_edited_isee_is_refused_naming_the_field() {
    let office = Office::new();
    let backup = edited_backup(&office, 1, |app| {
        app["declaration"]["isee"] = Value::from(100);
    });
    assert_refused(&office, &backup, 1, &["declaration.isee"]);
}

#[test]
fn a_backup_with_an_exclusion_flipped_to_admission_is_refused() {
    let office = Office::new();
    let id = application_in("esclusa");
    let backup = edited_backup(&office, id, |app| {
        app["state"] = Value::from("ammessa");
        app["decision"]["admitted"] = Value::from(true);
        app["decision"]["reason"] = Value::Null;
    });
    assert_refused(
        &office,
        &backup,
        id,
        &["state", "decision.admitted", "decision.reason"],
    );
}

#[test]
fn a_backup_with_a_changed_surname_is_refused() {
    let office = Office::new();
    let backup = edited_backup(&office, 1, |app| {
        app["household"][0]["surname"] = Value::from("Rossi");
    });
    assert_refused(&office, &backup, 1, &["household[0].surname"]);
}

#[test]
fn a_backup_with_an_application_the_log_never_created_is_refused() {
    let office = Office::new();
    let backup = edited_backup(&office, 1, |app| {
        app["id"] = Value::from(999);
    });
    let error = office.fails(&["restore", &backup]);
    assert!(error.contains("domanda #999: presente nei dati"), "{error}");
    assert!(
        error.contains("domanda #1: presente nel registro"),
        "{error}"
    );
}

#[test]
fn a_record_changed_behind_the_log_fails_the_check() {
    let office = Office::new();
    office.ok(&["restore", &fixture_arg(FIXTURE)]);
    office.ok(&["check"]);
    {
        let db = common::raw(&office.path("db"));
        let applications = db.open_tree("applications").unwrap();
        let key = 1u64.to_be_bytes();
        let mut app: Value =
            serde_json::from_slice(&applications.get(key).unwrap().unwrap()).unwrap();
        app["declaration"]["isee"] = Value::from(100);
        applications
            .insert(key, serde_json::to_vec(&app).unwrap())
            .unwrap();
        db.flush().unwrap();
    }
    common::wait_released(&office.path("db"));
    let out = office.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let error = common::stderr(&out);
    assert!(
        error.contains("domanda #1: il campo declaration.isee non corrisponde al registro"),
        "{error}"
    );
}
