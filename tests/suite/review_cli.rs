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

/// The first application of the fixture in `state`, by protocol.
fn in_state(state: &str) -> Vec<String> {
    let text = std::fs::read_to_string(common::office_cli::fixture(FIXTURE)).unwrap();
    text.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|value| value.get("application").cloned())
        .filter(|app| app["state"] == state)
        .filter_map(|app| app["protocol"]["text"].as_str().map(str::to_string))
        .collect()
}

/// The fixture restored, with the seed's call loaded again as shipped: the notice of the
/// grounds for refusal on.
fn office_with_the_notice_on() -> Office {
    let office = Office::new();
    office.ok(&["restore", &fixture_arg(FIXTURE)]);
    office.ok(&["call", "load", &fixture_arg("bando-2024.toml")]);
    office
}

#[test]
fn the_notice_of_the_grounds_for_refusal_runs_from_the_command_line_and_survives_backup() {
    let office = office_with_the_notice_on();
    let open = in_state("in_istruttoria");
    let (excluded, withdrawn) = (&open[0], &open[1]);
    let comune = fixture_arg("comune.toml");

    let error = office.fails(&[
        "review",
        "notice",
        "--protocollo",
        excluded,
        "--causa",
        "boh",
        "--nota",
        "x",
    ]);
    assert!(error.contains("causa «boh» sconosciuta"), "{error}");
    let out = office.ok(&[
        "--comune",
        &comune,
        "istruttoria",
        "preavviso",
        "--protocollo",
        excluded,
        "--causa",
        "falsa-dichiarazione",
        "--nota",
        "la residenza dichiarata non risulta all'anagrafe",
    ]);
    assert!(out.contains("osservazioni entro il"), "{out}");
    assert!(
        out.contains("testo del Comune, non del catalogo IO"),
        "{out}"
    );
    let listed = office.ok(&["outbox", "list", "--stato", "in-coda"]);
    assert!(
        listed.contains("Comunicazione dei motivi ostativi"),
        "{listed}"
    );

    // Before the deadline and without observations the exclusion waits.
    let error = office.fails(&["review", "confirm-exclusion", "--protocollo", excluded]);
    assert!(error.contains("attendere"), "{error}");
    let today =
        alloggi::domain::time::format_date(alloggi::domain::time::rome_date(chrono::Utc::now()));
    office.ok(&[
        "review",
        "osservazioni",
        "--protocollo",
        excluded,
        "--data",
        &today,
        "--testo",
        "allega un certificato di residenza",
    ]);
    let error = office.fails(&["review", "conferma-esclusione", "--protocollo", excluded]);
    assert!(error.contains("osservazioni"), "{error}");
    office.ok(&[
        "review",
        "confirm-exclusion",
        "--protocollo",
        excluded,
        "--nota",
        "il certificato riguarda un altro comune",
    ]);

    // Without the Comune's file the notice is sent alone, and says so.
    let out = office.ok(&[
        "review",
        "notice",
        "--protocollo",
        withdrawn,
        "--causa",
        "requisito-mancante",
        "--nota",
        "residenza non verificata",
    ]);
    assert!(out.contains("Nessun messaggio IO accodato"), "{out}");
    office.ok(&[
        "review",
        "ritira-preavviso",
        "--protocollo",
        withdrawn,
        "--motivo",
        "la residenza è stata verificata",
    ]);
    office.ok(&["check"]);

    office.ok(&["export", &office.arg("dopo.jsonl")]);
    let gone = application_in_backup(&office, "dopo.jsonl", excluded);
    assert_eq!(gone["state"], "esclusa");
    assert_eq!(gone["decision"]["reason"], "falsa_dichiarazione");
    let back = application_in_backup(&office, "dopo.jsonl", withdrawn);
    assert_eq!(back["state"], "in_istruttoria");
    assert!(back.get("refusal_notice").is_none(), "{back}");
    let restored = Office::new();
    restored.ok(&["restore", &office.arg("dopo.jsonl")]);
    restored.ok(&["check"]);
}

#[test]
fn admission_with_requirements_not_verified_needs_a_waiver_recorded_with_them() {
    let office = Office::new();
    office.ok(&["restore", &fixture_arg(FIXTURE)]);
    // An application under review whose documents are in but whose requirements are not all
    // verified: the admission is refused for the requirements alone.
    let (protocol, refusal) = in_state("in_istruttoria")
        .into_iter()
        .find_map(|protocol| {
            // Those with everything in order are simply admitted along the way.
            let out = office.run(&["review", "admit", "--protocollo", &protocol]);
            let error = common::stderr(&out);
            (out.status.code() == Some(1) && error.contains("requisiti non verificati"))
                .then_some((protocol, error))
        })
        .expect("an application under review with requirements not verified");
    assert!(
        refusal.contains("in deroga"),
        "the way out is named: {refusal}"
    );

    let out = office.ok(&[
        "istruttoria",
        "ammetti",
        "--protocollo",
        &protocol,
        "--deroga",
        "residenza accertata dalla polizia locale, verbale in arrivo",
    ]);
    assert!(out.contains("ammessa in deroga"), "{out}");
    assert!(out.contains("requisiti non verificati:"), "{out}");
    office.ok(&["check"]);
    office.ok(&["export", &office.arg("dopo.jsonl")]);
    let app = application_in_backup(&office, "dopo.jsonl", &protocol);
    assert_eq!(app["state"], "ammessa", "{app}");
    let log = std::fs::read_to_string(office.path("dopo.jsonl")).unwrap();
    let admitted = log
        .lines()
        .find(|line| line.contains("residenza accertata dalla polizia locale"))
        .expect("the waiver is in the audit log");
    assert!(admitted.contains("\"unverified\""), "{admitted}");
}
