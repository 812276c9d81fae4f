//! `alloggi units …` run as the office runs it: the agency's register imported all or
//! nothing and idempotent by code, the lists' filters, a state change with its reason in the
//! audit log, the dwellings through backup and restore, and `check` on a damaged index.

use crate::common;

use alloggi::domain::time::{parse_date, rome_date};
use common::office_cli::{Office, fixture, fixture_arg};

const EXAMPLE: &str = "alloggi-esempio.csv";
const WRONG: &str = "alloggi-errato.csv";

/// The example's rows as (code, cells by column name).
fn example_rows() -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(fixture(EXAMPLE)).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(';')
        .map(str::to_string)
        .collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(';').map(str::to_string))
                .collect()
        })
        .collect()
}

/// The codes a list printed, in order: the first word of every line but the closing count.
fn listed(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| l.starts_with("FM-"))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

fn expected(keep: impl Fn(&std::collections::HashMap<String, String>) -> bool) -> Vec<String> {
    let mut codes: Vec<String> = example_rows()
        .iter()
        .filter(|row| keep(row))
        .map(|row| row["codice"].clone())
        .collect();
    codes.sort();
    codes
}

fn imported() -> Office {
    let office = Office::new();
    let out = office.ok(&["units", "import", &fixture_arg(EXAMPLE)]);
    assert!(
        out.contains("44 aggiunti, 0 modificati, 0 invariati"),
        "{out}"
    );
    office
}

#[test]
fn the_example_is_imported_once_and_a_second_run_changes_nothing() {
    let office = imported();
    let again = office.ok(&["alloggi", "importa", &fixture_arg(EXAMPLE)]);
    assert!(
        again.contains("0 aggiunti, 0 modificati, 44 invariati"),
        "{again}"
    );
    assert_eq!(listed(&office.ok(&["units", "list"])).len(), 44);

    // One row changed in the register: only that dwelling changes.
    let text = std::fs::read_to_string(fixture(EXAMPLE)).unwrap();
    let changed = text.replace(
        "FM-002;ERAP;Via Giovanni XXIII 14;A;1;no;44,00",
        "FM-002;ERAP;Via Giovanni XXIII 14;A;1;sì;44,00",
    );
    assert_ne!(text, changed);
    std::fs::write(office.path("nuovo.csv"), changed).unwrap();
    let out = office.ok(&["units", "import", &office.arg("nuovo.csv")]);
    assert!(
        out.contains("0 aggiunti, 1 modificato, 43 invariati"),
        "{out}"
    );
    let shown = office.ok(&["units", "show", "fm-002"]);
    assert!(shown.contains("ascensore:                 sì"), "{shown}");
    office.ok(&["check"]);
}

#[test]
fn the_erroneous_file_names_every_bad_row_and_imports_nothing() {
    let office = Office::new();
    let err = office.fails(&["units", "import", &fixture_arg(WRONG)]);
    let name = fixture(WRONG).display().to_string();
    for (line, field) in [
        (3, "codice"),
        (4, "proprietario"),
        (5, "indirizzo"),
        (6, "piano"),
        (7, "ascensore"),
        (8, "superficie_utile"),
        (9, "vani"),
        (10, "classe_energetica"),
        (11, "anno"),
        (12, "zona"),
        (13, "stato"),
        (14, "libero_dal"),
        (15, "codice"),
        (16, "libero_dal"),
        (17, "piano"),
        (18, "riga"),
    ] {
        let wanted = format!("{name}:{line}: {field}: ");
        assert!(err.contains(&wanted), "manca «{wanted}» in\n{err}");
    }
    for good in [2, 19] {
        assert!(!err.contains(&format!("{name}:{good}:")), "{err}");
    }
    assert!(
        err.contains("16 righe errate") && err.contains("nessun alloggio importato"),
        "{err}"
    );
    let list = office.ok(&["units", "list"]);
    assert!(list.contains("Nessun alloggio"), "{list}");
}

#[test]
fn each_filter_of_the_list_keeps_only_what_it_names() {
    let office = imported();
    let all = listed(&office.ok(&["units", "list"]));
    assert_eq!(all, expected(|_| true));

    let let_out = listed(&office.ok(&["units", "list", "--stato", "locato"]));
    assert_eq!(let_out, expected(|row| row["stato"] == "locato"));
    assert!(!let_out.is_empty());

    let area = |row: &std::collections::HashMap<String, String>| {
        row["superficie_utile"]
            .replace(',', ".")
            .parse::<f64>()
            .unwrap()
    };
    let single = listed(&office.ok(&["units", "list", "--nucleo", "1"]));
    assert_eq!(single, expected(|row| (30.0..=44.0).contains(&area(row))));
    assert!(!single.is_empty());
    let large = listed(&office.ok(&["units", "list", "--nucleo", "7"]));
    assert_eq!(large, expected(|row| area(row) >= 90.0));

    let accessible = listed(&office.ok(&["units", "list", "--accessibili"]));
    assert_eq!(accessible, expected(|row| row["accessibile"] == "sì"));
    assert!(!accessible.is_empty() && accessible.len() < all.len());

    let today = rome_date(chrono::Utc::now());
    let days = 400;
    let vacant = listed(&office.ok(&["units", "list", "--vuoti-da", "400"]));
    assert_eq!(
        vacant,
        expected(|row| row["stato"] != "locato"
            && parse_date(&row["libero_dal"]).is_ok_and(|d| (today - d).num_days() >= days))
    );
    assert!(!vacant.is_empty() && vacant.len() < all.len());

    let combined = listed(&office.ok(&[
        "units",
        "list",
        "--stato",
        "libero",
        "--accessibili",
        "--nucleo",
        "2",
    ]));
    assert_eq!(
        combined,
        expected(|row| row["stato"] == "libero"
            && row["accessibile"] == "sì"
            && (45.0..=59.0).contains(&area(row)))
    );

    let bad = office.fails(&["units", "list", "--stato", "occupato"]);
    assert!(bad.contains("ammessi: libero"), "{bad}");
}

#[test]
fn a_state_change_keeps_its_reason_in_the_audit_log() {
    let office = imported();
    let out = office.ok(&[
        "units",
        "state",
        "FM-001",
        "--stato",
        "in-lavori",
        "--motivo",
        "infiltrazioni dal tetto",
    ]);
    assert!(out.contains("FM-001 ora in lavori"), "{out}");
    let shown = office.ok(&["units", "show", "FM-001"]);
    assert!(
        shown.contains("stato:                     in lavori"),
        "{shown}"
    );
    assert!(
        shown.contains("mrossi")
            && shown.contains("da libero a in lavori — infiltrazioni dal tetto"),
        "{shown}"
    );
    let listed_now = office.ok(&["units", "list", "--stato", "in-lavori"]);
    assert!(listed(&listed_now).contains(&"FM-001".to_string()));

    // The reason is required, and «locato» is the assignment's to give.
    let err = office.fails(&[
        "units",
        "state",
        "FM-002",
        "--stato",
        "in-lavori",
        "--motivo",
        " ",
    ]);
    assert!(err.contains("motivazione"), "{err}");
    let err = office.fails(&[
        "units", "state", "FM-002", "--stato", "locato", "--motivo", "x",
    ]);
    assert!(err.contains("assegnazione"), "{err}");
    let err = office.fails(&["units", "show", "FM-999"]);
    assert!(err.contains("FM-999 non trovato"), "{err}");

    // The log replays to the records: `check` compares them.
    office.ok(&["check"]);
    office.ok(&["audit", "verify"]);
    office.ok(&["export", &office.arg("copia.jsonl")]);
    let backup = std::fs::read_to_string(office.path("copia.jsonl")).unwrap();
    assert!(
        backup
            .lines()
            .any(|l| l.contains("stato_alloggio_cambiato") || l.contains("infiltrazioni dal tetto")),
        "the reason is in the backup's audit lines"
    );
}

#[test]
fn dwellings_survive_backup_and_restore_byte_for_byte() {
    let office = imported();
    office.ok(&[
        "units",
        "state",
        "FM-003",
        "--stato",
        "libero",
        "--motivo",
        "disdetta dell'inquilino",
    ]);
    office.ok(&["export", &office.arg("uno.jsonl")]);
    let first = std::fs::read(office.path("uno.jsonl")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&first)
            .lines()
            .filter(|l| l.starts_with("{\"dwelling\""))
            .count(),
        44
    );

    let restored = Office::new();
    restored.ok(&["restore", &office.arg("uno.jsonl")]);
    restored.ok(&["check"]);
    restored.ok(&["export", &restored.arg("due.jsonl")]);
    assert_eq!(first, std::fs::read(restored.path("due.jsonl")).unwrap());
    assert_eq!(
        restored.ok(&["units", "list"]),
        office.ok(&["units", "list"])
    );
    let again = restored.ok(&["units", "import", &fixture_arg(EXAMPLE)]);
    // FM-003 was freed since: the register, which says let, changes it back.
    assert!(
        again.contains("0 aggiunti, 1 modificato, 43 invariati"),
        "{again}"
    );
}

#[test]
fn check_reports_a_damaged_state_index() {
    let office = imported();
    office.ok(&["check"]);
    {
        let db = sled::open(office.path("db")).unwrap();
        let index = db.open_tree("idx_dwelling_state").unwrap();
        let removed = index.remove(b"libero\0FM-001").unwrap();
        assert!(removed.is_some(), "the state index key layout changed");
        index.insert(b"locato\0FM-002", &[] as &[u8]).unwrap();
        db.flush().unwrap();
    }
    let err = office.fails(&["check"]);
    assert!(
        err.contains("indice alloggi per stato: manca la voce"),
        "{err}"
    );
    assert!(err.contains("FM-001"), "{err}");
    assert!(err.contains("FM-002"), "{err}");
    assert!(err.contains("2 incoerenze"), "{err}");
}

#[test]
fn the_household_filter_follows_the_active_calls_area_bands() {
    let office = imported();
    let before = listed(&office.ok(&["units", "list", "--nucleo", "1"]));
    assert!(!before.contains(&"FM-020".to_string()), "45 m² is above 44");
    let text = std::fs::read_to_string(fixture("bando-2024.toml"))
        .unwrap()
        .replacen(
            "[parametri]\n",
            "[parametri]\nsuperfici_massime = [50, 60, 70, 80, 100]\n",
            1,
        );
    std::fs::write(office.path("bando.toml"), text).unwrap();
    office.ok(&["call", "load", &office.arg("bando.toml"), "--attiva"]);
    let after = listed(&office.ok(&["units", "list", "--nucleo", "1"]));
    assert!(after.contains(&"FM-020".to_string()), "{after:?}");
    assert!(after.len() > before.len());
}
