//! `alloggi call interested …`, `alloggi call publish` and `alloggi appointments`, run as the
//! office runs them: the real binary on a database in a temporary folder.

use crate::common;

use common::office_cli::{Office, fixture, fixture_arg};

/// The offices these tests start from.
trait IntakeOffice {
    /// An office with the 2024 call loaded.
    fn with_call() -> Office;
}

impl IntakeOffice for Office {
    fn with_call() -> Office {
        let office = Office::new();
        office.ok(&["call", "load", &fixture_arg("bando-2024.toml")]);
        office
    }
}

/// The codes of the example file, in file order.
fn example_codes() -> Vec<String> {
    std::fs::read_to_string(fixture("interessati-esempio.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| l.split(';').next())
        .map(str::to_string)
        .collect()
}

/// The lines of `outbox list --stato in-coda` that describe entries.
fn queued(office: &Office) -> Vec<String> {
    office
        .ok(&["outbox", "list", "--stato", "in-coda", "--limite", "1000"])
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

#[test]
fn a_good_list_is_imported_listed_and_not_doubled_by_a_second_import() {
    let office = Office::with_call();
    let file = fixture_arg("interessati-esempio.csv");
    let first = office.ok(&["call", "interested", "import", &file]);
    assert!(
        first.contains("Aggiunti 12 cittadini interessati al bando erp-2024; 0 già presenti"),
        "{first}"
    );

    let listed = office.ok(&["call", "interested", "list"]);
    assert!(
        listed.starts_with("Bando erp-2024: 12 cittadini interessati."),
        "{listed}"
    );
    for code in example_codes() {
        assert!(
            listed
                .lines()
                .any(|l| l.starts_with(&code)
                    && l.ends_with(&format!("da {}", common::system_user()))),
            "{code} non elencato:\n{listed}"
        );
    }

    let again = office.ok(&["call", "interested", "import", "--bando", "erp-2024", &file]);
    assert!(
        again.contains("Aggiunti 0 cittadini interessati al bando erp-2024; 12 già presenti"),
        "{again}"
    );
    let calls = office.ok(&["call", "list"]);
    assert!(calls.contains("non pubblicato, 12 interessati"), "{calls}");
}

#[test]
fn a_bad_list_names_every_bad_line_and_adds_nothing() {
    let office = Office::with_call();
    let file = fixture_arg("interessati-errati.csv");
    let errors = office.fails(&["call", "interested", "import", &file]);
    let bad: Vec<&str> = errors
        .lines()
        .filter(|l| l.starts_with(file.as_str()))
        .collect();
    assert_eq!(bad.len(), 4, "{errors}");
    for (line, reason) in [
        (3, "carattere di controllo errato"),
        (4, "lunghezza errata: 15 caratteri invece di 16"),
        (7, "carattere non valido 'Z' in posizione 15"),
        (8, "MRCLGU58D12D542P ripetuto, già alla riga 2"),
    ] {
        let prefix = format!("{file}:{line}: ");
        assert!(
            bad.iter()
                .any(|l| l.starts_with(&prefix) && l.contains(reason)),
            "riga {line} ({reason}) non segnalata:\n{errors}"
        );
    }
    assert!(
        errors.contains(
            "errore: importazione annullata, nessun interessato aggiunto: 4 righe errate"
        ),
        "{errors}"
    );
    let listed = office.ok(&["call", "interested", "list"]);
    assert!(
        listed.starts_with("Bando erp-2024: 0 cittadini interessati."),
        "{listed}"
    );
}

#[test]
fn an_empty_or_missing_list_and_an_unknown_call_are_refused() {
    let office = Office::with_call();
    let empty = office.path("vuoto.csv");
    std::fs::write(&empty, "codice_fiscale\n\n").unwrap();
    let errors = office.fails(&["call", "interested", "import", empty.to_str().unwrap()]);
    assert!(
        errors.contains("nessun codice fiscale nel file"),
        "{errors}"
    );

    let missing = office.path("manca.csv");
    let errors = office.fails(&["call", "interested", "import", missing.to_str().unwrap()]);
    assert!(errors.contains("impossibile leggere"), "{errors}");

    let file = fixture_arg("interessati-esempio.csv");
    let errors = office.fails(&["call", "interested", "import", "--bando", "erp-1999", &file]);
    assert!(errors.contains("bando «erp-1999» inesistente"), "{errors}");
    let errors = office.fails(&[
        "call",
        "publish",
        "erp-1999",
        "--comune",
        &fixture_arg("comune.toml"),
    ]);
    assert!(errors.contains("bando «erp-1999» inesistente"), "{errors}");
}

#[test]
fn a_citizen_is_removed_once_and_a_bad_code_is_named() {
    let office = Office::with_call();
    office.ok(&[
        "call",
        "interested",
        "import",
        &fixture_arg("interessati-esempio.csv"),
    ]);
    let code = example_codes()[0].clone();
    let removed = office.ok(&["call", "interested", "remove", &code.to_lowercase()]);
    assert!(
        removed.contains(&format!(
            "{code} tolto dai cittadini interessati al bando erp-2024"
        )),
        "{removed}"
    );
    let listed = office.ok(&["call", "interested", "list"]);
    assert!(
        listed.starts_with("Bando erp-2024: 11 cittadini"),
        "{listed}"
    );
    assert!(!listed.contains(&code), "{listed}");

    let again = office.fails(&["call", "interested", "remove", &code]);
    assert!(again.contains("non è nell'elenco"), "{again}");
    let bad = office.fails(&["call", "interested", "remove", "RSSMRA80"]);
    assert!(
        bad.contains("«RSSMRA80» non è un codice fiscale valido: lunghezza errata"),
        "{bad}"
    );
}

#[test]
fn publishing_queues_one_message_per_interested_citizen_and_only_once() {
    let office = Office::with_call();
    office.ok(&[
        "call",
        "interested",
        "import",
        &fixture_arg("interessati-esempio.csv"),
    ]);

    // Without the Comune's values nobody could be told: nothing happens.
    let refused = office.fails(&["call", "publish"]);
    assert!(
        refused.contains("configurazione del Comune mancante"),
        "{refused}"
    );
    assert!(queued(&office).is_empty());
    assert!(office.ok(&["call", "list"]).contains("non pubblicato"));

    let comune = fixture_arg("comune.toml");
    let published = office.ok(&["call", "publish", "--comune", &comune]);
    assert!(
        published.contains("Bando erp-2024 pubblicato il ")
            && published.contains(": 12 messaggi accodati"),
        "{published}"
    );
    let lines = queued(&office);
    assert_eq!(lines.len(), 12, "{lines:#?}");
    for code in example_codes() {
        let mine: Vec<&String> = lines.iter().filter(|l| l.contains(&code)).collect();
        assert_eq!(mine.len(), 1, "{code}: {lines:#?}");
        assert!(mine[0].contains("Pubblicazione del bando"), "{}", mine[0]);
    }
    let calls = office.ok(&["call", "list"]);
    assert!(calls.contains("pubblicato il "), "{calls}");
    assert!(!calls.contains("non pubblicato"), "{calls}");

    let twice = office.fails(&["call", "publish", "erp-2024", "--comune", &comune]);
    assert!(twice.contains("già pubblicato il "), "{twice}");
    assert_eq!(queued(&office).len(), 12);

    let audit = office.ok(&["audit", "verify"]);
    assert!(audit.contains("integro"), "{audit}");
}

#[test]
fn the_demo_books_appointments_for_today_and_lists_them() {
    let office = Office::new();
    let demo = office.ok(&["demo", "--applications", "40", "--seed", "3"]);
    assert!(
        demo.contains("Cittadini interessati al bando: 30"),
        "{demo}"
    );
    assert!(demo.contains("Appuntamenti allo sportello: 12"), "{demo}");

    let today = office.ok(&["appointments"]);
    let mut lines = today.lines();
    let heading = lines.next().unwrap_or_default();
    assert!(
        heading.starts_with("Appuntamenti di ") && heading.ends_with(": 3 prenotati, 1 annullato."),
        "{today}"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 4, "{today}");
    assert!(
        rows.iter()
            .all(|r| r.contains("Sportello ERP, Cortile delle Magnolie")),
        "{today}"
    );
    assert_eq!(rows.iter().filter(|r| r.ends_with("prenotato")).count(), 3);
    assert_eq!(
        rows.iter()
            .filter(|r| r.contains("annullato: il cittadino ha disdetto per telefono"))
            .count(),
        1,
        "{today}"
    );
    // Time order, and each row starts with hh:mm then the booking number.
    let times: Vec<&str> = rows.iter().map(|r| &r[..5]).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    assert!(
        rows.iter()
            .all(|r| r.as_bytes()[2] == b':' && r[7..].starts_with("20")),
        "{today}"
    );

    let none = office.ok(&["appointments", "--giorno", "01/01/2000"]);
    assert_eq!(none.trim(), "Nessun appuntamento per sabato 01/01/2000.");
    let bad = office.fails(&["appointments", "--giorno", "31/02/2026"]);
    assert!(bad.contains("data inesistente"), "{bad}");

    let calls = office.ok(&["call", "list"]);
    assert!(calls.contains("non pubblicato, 30 interessati"), "{calls}");
    office.ok(&["check"]);
    office.ok(&["audit", "verify"]);
}

#[test]
fn the_new_commands_have_italian_help() {
    let office = Office::new();
    for args in [
        vec!["call", "interested", "--help"],
        vec!["call", "interested", "import", "--help"],
        vec!["call", "interested", "list", "--help"],
        vec!["call", "interested", "remove", "--help"],
        vec!["call", "publish", "--help"],
        vec!["appointments", "--help"],
    ] {
        let help = office.ok(&args);
        assert!(help.contains("Uso:"), "{args:?}: {help}");
        assert!(!help.contains("Usage:"), "{args:?}: {help}");
    }
}
