//! The command line speaks Italian to the caseworker: usage mistakes, missing files and folders
//! given as files, Italian command names, counts that agree with their noun, no progress text
//! when nobody watches.

use crate::common::office_cli::{Office, fixture_arg};

/// clap's and the system's English, as it would reach the caseworker.
const ENGLISH: [&str; 13] = [
    "error:",
    "Usage",
    "OPTIONS",
    "COMMAND",
    "argument",
    "required",
    "provided",
    "unexpected",
    "No such file",
    "directory",
    "os error",
    "found",
    "expected",
];

fn assert_italian(args: &[&str], text: &str) {
    for word in ENGLISH {
        assert!(
            !text.contains(word),
            "{args:?} printed the English «{word}»:\n{text}"
        );
    }
}

#[test]
fn every_command_line_mistake_is_told_in_italian() {
    let office = Office::new();
    office.ok(&["call", "load", &fixture_arg("bando-2024.toml")]);
    let folder = office.arg("una-cartella");
    std::fs::create_dir(&folder).unwrap();
    let missing = office.arg("non-esiste.csv");
    let unwritable = office.arg("manca/copia.jsonl");
    // (arguments, exit code): 2 for a usage mistake, 1 for a fault the caseworker can act on.
    let mistakes: Vec<(Vec<&str>, i32)> = vec![
        (vec!["frobnicate"], 2),
        (vec!["rankng", "show"], 2),
        (vec!["--frob"], 2),
        (vec!["outbox", "list", "--limiet", "3"], 2),
        (vec!["outbox", "list", "--limite", "tre"], 2),
        (vec!["outbox", "list", "--limite"], 2),
        (vec!["outbox", "list", "--limite", "1", "--limite", "2"], 2),
        (vec!["outbox", "send", "--durata-massima", "3 giorni"], 2),
        (vec!["outbox", "requeue", "M1"], 2),
        (vec!["ranking", "export"], 2),
        (vec!["ranking", "draw", "--version", "-1"], 2),
        (
            vec!["ranking", "publish", "--provvisoria", "--definitiva"],
            2,
        ),
        (vec!["ranking", "adjust", "--protocollo", "P1"], 2),
        (
            vec![
                "ranking",
                "adjust",
                "--protocollo",
                "P1",
                "--punti",
                "2",
                "--motivo",
                "x",
            ],
            2,
        ),
        (vec!["audit", "verify", "--checkpoints", "c.jsonl"], 2),
        (vec!["export"], 2),
        (vec!["restore", "a", "b"], 2),
        (vec!["--demo", "check"], 2),
        (vec!["import", "applications", &missing], 1),
        (vec!["import", "applications", &folder], 1),
        (vec!["call", "load", &missing], 1),
        (vec!["call", "load", &folder], 1),
        (vec!["ranking", "rules", &missing], 1),
        (vec!["call", "interested", "import", &folder], 1),
        (vec!["restore", &missing], 1),
        (vec!["restore", &folder], 1),
        (vec!["export", &unwritable], 1),
        (
            vec![
                "outbox",
                "import-receipts",
                &missing,
                "--chiave-pacchetto",
                &missing,
            ],
            1,
        ),
        (
            vec![
                "audit",
                "sign",
                "--chiave",
                &missing,
                "--checkpoint",
                &folder,
            ],
            1,
        ),
    ];
    for (args, code) in mistakes {
        let out = office.run(&args);
        let stderr = crate::common::stderr(&out);
        assert_eq!(out.status.code(), Some(code), "{args:?}\n{stderr}");
        assert!(stderr.starts_with("errore: "), "{args:?}\n{stderr}");
        assert_italian(&args, &stderr);
        assert_italian(&args, &crate::common::stdout(&out));
    }
}

#[test]
fn a_missing_file_and_a_folder_are_named_with_an_italian_reason() {
    let office = Office::new();
    office.ok(&["call", "load", &fixture_arg("bando-2024.toml")]);
    let missing = office.arg("non-esiste.csv");
    let told = office.fails(&["import", "applications", &missing]);
    assert!(
        told.contains(&format!("{missing}: il file o la cartella non esiste")),
        "{told}"
    );
    let folder = office.arg("cartella");
    std::fs::create_dir(&folder).unwrap();
    let told = office.fails(&["restore", &folder]);
    assert!(
        told.contains(&format!("{folder}: è una cartella, non un file")),
        "{told}"
    );
}

#[test]
fn usage_errors_and_help_are_italian_with_exit_code_2() {
    let office = Office::new();
    let out = office.run(&["rankng"]);
    assert_eq!(out.status.code(), Some(2));
    let told = crate::common::stderr(&out);
    assert!(told.contains("il comando «rankng» non esiste"), "{told}");
    assert!(
        told.contains("forse si intendeva il comando «ranking»"),
        "{told}"
    );
    assert!(told.contains("Uso: alloggi [OPZIONI] [COMANDO]"), "{told}");
    let help = office.ok(&["ranking", "show", "--help"]);
    assert!(
        help.contains("Uso: alloggi ranking show [OPZIONI]"),
        "{help}"
    );
    assert_italian(&["ranking", "show", "--help"], &help);
    let help = office.ok(&["demo", "--help"]);
    assert!(help.contains("[predefinito: 300]"), "{help}");
    assert!(help.contains("[variabile ALLOGGI_DB]"), "{help}");
}

#[test]
fn italian_command_names_and_flags_run_like_the_english_ones() {
    let office = Office::new();
    let loaded = office.ok(&[
        "bando",
        "carica",
        &fixture_arg("bando-2024.toml"),
        "--attiva",
    ]);
    assert!(loaded.contains("attivo"), "{loaded}");
    let imported = office.ok(&["importa", "domande", &fixture_arg("domande-esempio.csv")]);
    assert!(imported.starts_with("Importate "), "{imported}");
    office.ok(&[
        "graduatoria",
        "tabella",
        &fixture_arg("rules/esempio-marche.toml"),
    ]);
    let english = office.ok(&["ranking", "show", "--limit", "2"]);
    let italian = office.ok(&["graduatoria", "mostra", "--limite", "2"]);
    assert_eq!(english, italian);
    for args in [
        vec!["bando", "elenca"],
        vec!["controlla"],
        vec!["registro", "verifica"],
        vec!["messaggi", "elenca", "--limite", "1"],
        vec!["appuntamenti"],
        vec!["graduatoria", "versioni"],
        vec!["bando", "interessati", "elenca"],
    ] {
        office.ok(&args);
    }
    let backup = office.arg("copia.jsonl");
    office.ok(&["esporta", &backup]);
    let other = Office::new();
    let restored = other.ok(&["ripristina", &backup]);
    assert!(restored.starts_with("Ripristinati "), "{restored}");
}

#[test]
fn piped_jobs_print_no_progress() {
    let office = Office::new();
    let out = office.run(&["demo", "--domande", "40", "--seme", "7"]);
    assert!(out.status.success(), "{}", crate::common::stderr(&out));
    let backup = office.arg("copia.jsonl");
    office.ok(&["export", &backup]);
    let other = Office::new();
    for (office, args) in [
        (&office, vec!["check"]),
        (&other, vec!["restore", backup.as_str()]),
    ] {
        let out = office.run(&args);
        assert!(out.status.success(), "{args:?}");
        let stderr = crate::common::stderr(&out);
        assert!(!stderr.contains('\r'), "{args:?} drew progress: {stderr:?}");
        assert!(stderr.is_empty(), "{args:?} wrote on stderr: {stderr:?}");
    }
    let stderr = crate::common::stderr(&out);
    assert!(!stderr.contains('\r'), "demo drew progress: {stderr:?}");
}
