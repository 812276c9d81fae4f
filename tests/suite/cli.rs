//! Runs the real `alloggi` binary: the command-line contract later work relies on.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_alloggi");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Runs alloggi on `db` with a private log directory, no terminal, Italian operator name.
fn alloggi(db: &Path, args: &[&str]) -> Output {
    let state = db.with_extension("state");
    Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .env("XDG_STATE_HOME", &state)
        .env("XDG_CONFIG_HOME", db.with_extension("config"))
        .env_remove("ALLOGGI_KEYMAP")
        .env("ALLOGGI_OPERATORE", "mrossi")
        .env_remove("ALLOGGI_DB")
        .output()
        .expect("the binary runs")
}

fn new_db(root: &tempfile::TempDir, name: &str) -> PathBuf {
    root.path().join(name)
}

#[test]
fn help_is_available_on_every_command_in_italian() {
    let root = tempfile::tempdir().unwrap();
    let db = new_db(&root, "db");
    for args in [
        vec!["--help"],
        vec!["demo", "--help"],
        vec!["import", "--help"],
        vec!["import", "applications", "--help"],
        vec!["call", "--help"],
        vec!["call", "load", "--help"],
        vec!["call", "list", "--help"],
        vec!["export", "--help"],
        vec!["restore", "--help"],
        vec!["audit", "--help"],
        vec!["audit", "verify", "--help"],
        vec!["check", "--help"],
    ] {
        let out = alloggi(&db, &args);
        common::assert_ok(&out);
        let text = common::stdout(&out);
        assert!(
            text.contains("Uso") || text.contains("Usage"),
            "{args:?}: {text}"
        );
        assert!(
            text.contains("--db"),
            "{args:?} lacks the global --db: {text}"
        );
    }
    assert!(common::stdout(&alloggi(&db, &["--help"])).contains("Comandi"));
}

#[test]
fn usage_errors_exit_with_2() {
    let root = tempfile::tempdir().unwrap();
    let db = new_db(&root, "db");
    assert_eq!(alloggi(&db, &["nonesiste"]).status.code(), Some(2));
    assert_eq!(
        alloggi(&db, &["demo", "--applications", "tante"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        alloggi(&db, &["import", "applications"]).status.code(),
        Some(2)
    );
}

#[test]
fn console_without_a_terminal_says_so() {
    let root = tempfile::tempdir().unwrap();
    let out = alloggi(&new_db(&root, "db"), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("richiede un terminale"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn import_reports_every_bad_row_and_imports_nothing() {
    let root = tempfile::tempdir().unwrap();
    let db = new_db(&root, "db");
    common::assert_ok(&alloggi(
        &db,
        &["call", "load", fixture("bando-2024.toml").to_str().unwrap()],
    ));

    let bad = alloggi(
        &db,
        &[
            "import",
            "applications",
            fixture("domande-errate.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    let report = common::stderr(&bad);
    let row_lines: Vec<&str> = report.lines().filter(|l| l.starts_with("riga ")).collect();
    assert!(
        row_lines.len() >= 5,
        "expected one line per bad row: {report}"
    );
    for line in &row_lines {
        let parts: Vec<&str> = line.splitn(3, ": ").collect();
        assert_eq!(parts.len(), 3, "not 'riga N: campo: motivo': {line}");
        assert!(parts[0]["riga ".len()..].parse::<usize>().is_ok(), "{line}");
    }
    assert!(report.contains("nessuna domanda importata"), "{report}");

    let check = alloggi(&db, &["check"]);
    common::assert_ok(&check);
    assert!(
        common::stdout(&check).contains(" 0 domande"),
        "{}",
        common::stdout(&check)
    );
}

#[test]
fn importing_the_same_file_twice_adds_nothing() {
    let root = tempfile::tempdir().unwrap();
    let db = new_db(&root, "db");
    common::assert_ok(&alloggi(
        &db,
        &["call", "load", fixture("bando-2024.toml").to_str().unwrap()],
    ));
    let sample = fixture("domande-esempio.csv");

    let first = alloggi(&db, &["import", "applications", sample.to_str().unwrap()]);
    common::assert_ok(&first);
    assert!(
        common::stdout(&first).contains("; 0 già presenti"),
        "{}",
        common::stdout(&first)
    );
    let export_after_first = root.path().join("primo.jsonl");
    common::assert_ok(&alloggi(
        &db,
        &["export", export_after_first.to_str().unwrap()],
    ));

    let second = alloggi(&db, &["import", "applications", sample.to_str().unwrap()]);
    common::assert_ok(&second);
    assert!(
        common::stdout(&second).starts_with("Importate 0 domande"),
        "{}",
        common::stdout(&second)
    );
    let export_after_second = root.path().join("secondo.jsonl");
    common::assert_ok(&alloggi(
        &db,
        &["export", export_after_second.to_str().unwrap()],
    ));
    assert_eq!(
        std::fs::read(&export_after_first).unwrap(),
        std::fs::read(&export_after_second).unwrap(),
        "the second import changed the database"
    );
}

#[test]
fn import_without_an_active_call_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let out = alloggi(
        &new_db(&root, "db"),
        &[
            "import",
            "applications",
            fixture("domande-esempio.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("bando"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn export_restore_export_is_byte_identical() {
    let root = tempfile::tempdir().unwrap();
    let source = new_db(&root, "origine");
    common::assert_ok(&alloggi(
        &source,
        &["demo", "--applications", "60", "--seed", "11"],
    ));
    let first = root.path().join("uno.jsonl");
    common::assert_ok(&alloggi(&source, &["export", first.to_str().unwrap()]));

    let target = new_db(&root, "copia");
    let restored = alloggi(&target, &["restore", first.to_str().unwrap()]);
    common::assert_ok(&restored);
    assert!(
        common::stdout(&restored).contains("120 domande"),
        "{}",
        common::stdout(&restored)
    );
    let second = root.path().join("due.jsonl");
    common::assert_ok(&alloggi(&target, &["export", second.to_str().unwrap()]));
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&second).unwrap()
    );

    common::assert_ok(&alloggi(&target, &["check"]));
    common::assert_ok(&alloggi(&target, &["audit", "verify"]));

    let again = alloggi(&target, &["restore", first.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        common::stderr(&again).contains("non è vuoto"),
        "{}",
        common::stderr(&again)
    );
}

#[test]
fn demo_is_deterministic_for_a_seed() {
    let root = tempfile::tempdir().unwrap();
    let exports: Vec<Vec<u8>> = ["a", "b"]
        .iter()
        .map(|name| {
            let db = new_db(&root, name);
            common::assert_ok(&alloggi(
                &db,
                &["demo", "--applications", "40", "--seed", "5"],
            ));
            let file = root.path().join(format!("{name}.jsonl"));
            common::assert_ok(&alloggi(&db, &["export", file.to_str().unwrap()]));
            std::fs::read(file).unwrap()
        })
        .collect();
    assert_eq!(exports[0], exports[1]);
}

#[test]
fn a_tampered_audit_entry_is_named() {
    let root = tempfile::tempdir().unwrap();
    let db = new_db(&root, "db");
    common::assert_ok(&alloggi(&db, &["demo", "--applications", "20"]));
    let verified = alloggi(&db, &["audit", "verify"]);
    common::assert_ok(&verified);
    assert!(
        common::stdout(&verified).contains("integro"),
        "{}",
        common::stdout(&verified)
    );

    {
        let sled_db = sled::open(&db).unwrap();
        let audit = sled_db.open_tree("audit").unwrap();
        let key = 7u64.to_be_bytes();
        let value = String::from_utf8(audit.get(key).unwrap().unwrap().to_vec()).unwrap();
        let altered = value.replacen("\"actor\":\"", "\"actor\":\"x", 1);
        assert_ne!(value, altered);
        audit.insert(key, altered.as_bytes()).unwrap();
        sled_db.flush().unwrap();
    }

    let out = alloggi(&db, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("alla voce 7"),
        "{}",
        common::stderr(&out)
    );
    assert!(
        common::stderr(&out).contains("6 voci integre"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn a_damaged_index_fails_the_check() {
    let root = tempfile::tempdir().unwrap();
    let db = new_db(&root, "db");
    common::assert_ok(&alloggi(&db, &["demo", "--applications", "20"]));
    common::assert_ok(&alloggi(&db, &["check"]));
    {
        let sled_db = sled::open(&db).unwrap();
        let index = sled_db.open_tree("idx_state").unwrap();
        let first = index.iter().keys().next().unwrap().unwrap();
        index.remove(first).unwrap();
        sled_db.flush().unwrap();
    }
    let out = alloggi(&db, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("indice stato: manca la voce"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn a_second_process_gets_a_clear_message() {
    let root = tempfile::tempdir().unwrap();
    let db = new_db(&root, "db");
    common::assert_ok(&alloggi(
        &db,
        &["call", "load", fixture("bando-2024.toml").to_str().unwrap()],
    ));
    let holder = sled::open(&db).unwrap();
    let out = alloggi(&db, &["check"]);
    drop(holder);
    assert_eq!(out.status.code(), Some(1));
    let message = common::stderr(&out);
    assert!(
        message.contains("già aperto da un altro processo"),
        "{message}"
    );
    assert!(!message.contains("panicked"), "{message}");
}

#[test]
fn call_load_reports_the_line_of_a_bad_value() {
    let root = tempfile::tempdir().unwrap();
    let bad = root.path().join("bando.toml");
    let text = std::fs::read_to_string(fixture("bando-2024.toml"))
        .unwrap()
        .replace(
            "chiusura = \"14/11/2024 23:59\"",
            "chiusura = \"31/11/2024 23:59\"",
        );
    std::fs::write(&bad, &text).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("chiusura"))
        .unwrap()
        + 1;
    let out = alloggi(
        &new_db(&root, "db"),
        &["call", "load", bad.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains(&format!("bando.toml:{line}: chiusura")),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn reading_commands_never_create_a_database_from_a_mistyped_folder() {
    let root = tempfile::tempdir().unwrap();
    let typo = new_db(&root, "typo");
    let out_file = root.path().join("vuoto.jsonl");
    for args in [
        vec!["export", out_file.to_str().unwrap()],
        vec!["check"],
        vec!["audit", "verify"],
        vec!["call", "list"],
    ] {
        let out = alloggi(&typo, &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            common::stderr(&out).contains("non esiste"),
            "{args:?}: {}",
            common::stderr(&out)
        );
    }
    assert!(!typo.exists(), "a database folder was created");
    assert!(!out_file.exists(), "an empty backup was written");

    let missing_backup = root.path().join("manca.jsonl");
    let out = alloggi(&typo, &["restore", missing_backup.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("impossibile aprire"),
        "{}",
        common::stderr(&out)
    );
    assert!(!typo.exists());
}

#[test]
fn a_backup_with_a_repeated_record_is_refused_and_nothing_is_restored() {
    let root = tempfile::tempdir().unwrap();
    let source = new_db(&root, "origine");
    common::assert_ok(&alloggi(&source, &["demo", "--applications", "5"]));
    let file = root.path().join("copia.jsonl");
    common::assert_ok(&alloggi(&source, &["export", file.to_str().unwrap()]));
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let first_app = lines
        .iter()
        .position(|l| l.starts_with("{\"application\":"))
        .unwrap();
    let mut doubled = lines.clone();
    doubled.insert(first_app + 1, lines[first_app]);
    let doubled_file = root.path().join("doppia.jsonl");
    std::fs::write(&doubled_file, doubled.join("\n") + "\n").unwrap();

    let target = new_db(&root, "copia");
    let out = alloggi(&target, &["restore", doubled_file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let message = common::stderr(&out);
    assert!(
        message.contains(&format!(
            "riga {}: dato già presente alla riga {}",
            first_app + 2,
            first_app + 1
        )),
        "{message}"
    );
    // The refused restore left the database empty: a good backup now restores.
    common::assert_ok(&alloggi(&target, &["restore", file.to_str().unwrap()]));
}

#[test]
fn loading_the_first_call_with_activate_records_one_activation() {
    let root = tempfile::tempdir().unwrap();
    let db = new_db(&root, "db");
    let bando = fixture("bando-2024.toml");
    let out = alloggi(
        &db,
        &["call", "load", "--activate", bando.to_str().unwrap()],
    );
    common::assert_ok(&out);
    assert!(
        common::stdout(&out).contains("salvato, attivo"),
        "{}",
        common::stdout(&out)
    );
    let verified = alloggi(&db, &["audit", "verify"]);
    assert!(
        common::stdout(&verified).contains("integro: 2 voci"),
        "{}",
        common::stdout(&verified)
    );
}

#[test]
fn the_console_refuses_a_bad_keymap_with_file_and_line_before_starting() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let keymap = dir.path().join("mia.toml");
    std::fs::write(&keymap, "[domande]\ncerca = [\"/\"]\nordina = [\"/\"]\n").unwrap();
    let out = alloggi(&db, &["--keymap", keymap.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let expected = format!(
        "{}:3: il tasto / è già assegnato a 'cerca' nel contesto 'domande'",
        keymap.display()
    );
    assert!(
        common::stderr(&out).contains(&expected),
        "{}",
        common::stderr(&out)
    );

    // The user's own file in the XDG config directory is checked the same way.
    let user = db.with_extension("config").join("alloggi");
    std::fs::create_dir_all(&user).unwrap();
    std::fs::write(user.join("keymap.toml"), "[scheda]\nvola = [\"v\"]\n").unwrap();
    let out = alloggi(&db, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("keymap.toml:2: azione 'vola' sconosciuta"),
        "{}",
        common::stderr(&out)
    );

    // A good keymap gets past the check and stops only for the missing terminal.
    std::fs::remove_file(user.join("keymap.toml")).unwrap();
    let out = alloggi(&db, &["--keymap", "vim"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("richiede un terminale"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn the_demo_with_the_previous_call_checks_clean_and_restores_byte_for_byte() {
    let root = tempfile::tempdir().unwrap();
    let source = new_db(&root, "storico");
    let made = alloggi(&source, &["demo", "--domande", "60", "--seme", "11"]);
    common::assert_ok(&made);
    assert!(
        common::stdout(&made).contains("Alloggi: 40. Assegnazione del bando"),
        "{}",
        common::stdout(&made)
    );
    common::assert_ok(&alloggi(&source, &["check"]));
    let listed = alloggi(&source, &["assignment", "list"]);
    common::assert_ok(&listed);
    let list = common::stdout(&listed);
    for standing in [
        "in attesa",
        "rifiuto giustificato",
        "gg)",
        "scaduta il",
        "diffidato",
        "accettato",
        "escluso: rifiuto ingiustificato",
        "escluso: requisiti non più posseduti",
        "occupazione scaduta",
    ] {
        assert!(list.contains(standing), "«{standing}» missing:\n{list}");
    }
    let first = root.path().join("uno.jsonl");
    common::assert_ok(&alloggi(&source, &["export", first.to_str().unwrap()]));
    let target = new_db(&root, "copia");
    let restored = alloggi(&target, &["restore", first.to_str().unwrap()]);
    common::assert_ok(&restored);
    assert!(
        common::stdout(&restored).contains("2 bandi, 120 domande"),
        "{}",
        common::stdout(&restored)
    );
    let second = root.path().join("due.jsonl");
    common::assert_ok(&alloggi(&target, &["export", second.to_str().unwrap()]));
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&second).unwrap()
    );
    common::assert_ok(&alloggi(&target, &["check"]));
}
