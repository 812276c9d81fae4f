//! What the command line reads and prints is bounded and clean: a text over its length is
//! refused without being echoed; control characters from a file never reach the terminal; a
//! file with thousands of errors lists the first hundred and counts the rest; a UTF-16 file is
//! named as such; parser faults are told in Italian.

use crate::common;

use common::office_cli::{Office, fixture, fixture_arg};

const CONTROL: [char; 4] = ['\u{1b}', '\u{7}', '\0', '\u{9b}'];

fn with_call() -> Office {
    let office = Office::new();
    office.ok(&["call", "load", &fixture_arg("bando-2024.toml")]);
    office
}

/// The example file's header and its first application row.
fn example_rows() -> (String, String) {
    let text = std::fs::read_to_string(fixture("domande-esempio.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().to_string();
    let first = lines.next().unwrap().to_string();
    (header, first)
}

fn with_cell(row: &str, column: usize, value: &str) -> String {
    let mut cells: Vec<String> = row.split(';').map(str::to_string).collect();
    cells[column] = value.to_string();
    cells.join(";")
}

fn import(office: &Office, name: &str, bytes: &[u8]) -> std::process::Output {
    std::fs::write(office.path(name), bytes).unwrap();
    office.run(&["import", "applications", &office.arg(name)])
}

fn assert_clean(text: &str) {
    assert!(
        !text.chars().any(|c| CONTROL.contains(&c)),
        "control characters in {text:?}"
    );
}

#[test]
fn a_surname_of_megabytes_is_refused_without_being_echoed() {
    let office = with_call();
    let (header, row) = example_rows();
    let huge = "R".repeat(2_000_000);
    let out = import(
        &office,
        "lungo.csv",
        format!("{header}\n{}\n", with_cell(&row, 3, &huge)).as_bytes(),
    );

    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(
        err.contains("riga 2: cognome: testo troppo lungo"),
        "{err:.400}"
    );
    assert!(err.contains("al massimo 1.000"), "{err:.400}");
    assert!(err.len() < 2_000, "{} bytes of errors", err.len());
    // A name just over its own bound is refused by the domain's rule.
    let out = import(
        &office,
        "nome.csv",
        format!("{header}\n{}\n", with_cell(&row, 3, &"R".repeat(101))).as_bytes(),
    );
    let err = common::stderr(&out);
    assert!(
        err.contains("cognome: testo troppo lungo: 101 caratteri, al massimo 100"),
        "{err}"
    );
    let checked = office.ok(&["check"]);
    assert!(checked.contains(": 0 domande controllate"), "{checked}");
}

#[test]
fn control_characters_from_a_file_never_reach_the_terminal() {
    let office = with_call();
    let (header, row) = example_rows();
    // A bad e-mail is quoted in its error: with an escape sequence, a bell and a NUL in it.
    let bad = with_cell(&row, 10, "mario\u{1b}[2J\u{7}\0@x");
    let out = import(
        &office,
        "controllo.csv",
        format!("{header}\n{bad}\n").as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(err.contains("riga 2"), "{err}");
    assert_clean(&err);
    assert_clean(&common::stdout(&out));

    // A point table's name is printed when it is checked.
    let rules = std::fs::read_to_string(fixture("rules/esempio-marche.toml"))
        .unwrap()
        .replace(
            "nome = \"Esempio — tabella punteggi ERP (Marche)\"",
            "nome = \"Tabella\\u001b]0;titolo\\u0007\\u001b[31m rossa\"",
        );
    std::fs::write(office.path("regole.toml"), rules).unwrap();
    let out = office.run(&[
        "ranking",
        "rules",
        &office.arg("regole.toml"),
        "--controlla",
    ]);
    let all = format!("{}{}", common::stdout(&out), common::stderr(&out));
    assert!(all.contains("Tabella"), "{all}");
    assert_clean(&all);
}

#[test]
fn thousands_of_bad_rows_list_the_first_hundred_and_count_the_rest() {
    let office = with_call();
    let (header, row) = example_rows();
    let mut text = format!("{header}\n");
    for n in 0..5_000 {
        let id = format!("PORT-X-{n:06}");
        let bad = with_cell(&with_cell(&row, 0, &id), 2, "NONVALIDO");
        text.push_str(&bad);
        text.push('\n');
    }
    let out = import(&office, "errate.csv", text.as_bytes());

    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines.len() <= 102, "{} lines", lines.len());
    assert!(lines[0].starts_with("riga 2:"), "{}", lines[0]);
    assert!(err.contains("non mostrati"), "{err}");
    assert!(err.contains("nessuna domanda importata"), "{err}");

    // A header of ten thousand unknown columns.
    let columns: Vec<String> = (0..10_000).map(|n| format!("colonna_{n}")).collect();
    let out = import(
        &office,
        "colonne.csv",
        format!("{}\n", columns.join(";")).as_bytes(),
    );
    let err = common::stderr(&out);
    assert!(err.lines().count() <= 102, "{} lines", err.lines().count());
    assert!(err.contains("non mostrati"), "{err:.300}");
}

#[test]
fn a_utf16_file_is_named_as_such() {
    let office = with_call();
    let text = std::fs::read_to_string(fixture("domande-esempio.csv")).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let out = import(&office, "unicode.csv", &utf16);
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(err.contains("UTF-16"), "{err}");
    assert!(err.lines().count() <= 3, "{err}");

    let codes = std::fs::read_to_string(fixture("interessati-esempio.csv")).unwrap();
    let utf16: Vec<u8> = codes.encode_utf16().flat_map(u16::to_le_bytes).collect();
    std::fs::write(office.path("interessati.csv"), utf16).unwrap();
    let err = office.fails(&[
        "call",
        "interested",
        "import",
        &office.arg("interessati.csv"),
    ]);
    assert!(err.contains("UTF-16"), "{err}");
}

#[test]
fn toml_faults_are_told_in_italian() {
    let office = with_call();
    std::fs::write(office.path("bando.toml"), "[bando\ncodice = \"X\"\n").unwrap();
    let err = office.fails(&["call", "load", &office.arg("bando.toml")]);
    assert!(
        err.contains("bando.toml:1: intestazione non chiusa"),
        "{err}"
    );
    assert!(!err.contains("unclosed"), "{err}");
}

#[test]
fn a_reader_that_goes_away_ends_the_listing_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let office = Office::new();
    // More than a pipe holds (64 KiB), so the listing outlives its reader.
    office.ok(&["demo", "--applications", "1000", "--seed", "7"]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_alloggi"))
        .arg("--db")
        .arg(office.path("db"))
        .args(["outbox", "list", "--limite", "100000"])
        .env("XDG_STATE_HOME", office.path("state"))
        .env("XDG_CONFIG_HOME", office.path("config"))
        .env("ALLOGGI_OPERATORE", "mrossi")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is gone: `alloggi outbox list | head -1`.
    let out = child.wait_with_output().unwrap();
    assert!(first.starts_with("In coda"), "{first}");
    let err = common::stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(141), "{err}");
}
