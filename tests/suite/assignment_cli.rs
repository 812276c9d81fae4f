//! The assignment round from the command line, through the real binary on a database with a
//! definitive ranking: open (preview first), next with the skipped, an offer that needs the
//! requirements confirmed, a justified refusal, the next applicant, acceptance, the decree and
//! its message; every refusal in Italian.

use crate::common;

use common::assignment::ranked_office;
use common::office_cli::{Office, fixture_arg};

/// An office whose database holds a call with its definitive ranking and seven dwellings.
fn ranked() -> Office {
    let office = Office::new();
    drop(ranked_office(&office.path("db")));
    common::wait_released(&office.path("db"));
    office
}

fn today() -> String {
    alloggi::domain::time::rome_date(chrono::Utc::now())
        .format("%d/%m/%Y")
        .to_string()
}

/// The protocol on the line «Primo adatto: posizione P, NOME (PROTOCOLLO), …».
fn first_fit(next: &str) -> String {
    let line = next
        .lines()
        .find(|l| l.starts_with("Primo adatto"))
        .unwrap_or_else(|| panic!("nobody chosen:\n{next}"));
    let open = line.find('(').expect("(");
    let close = line[open..].find(')').expect(")");
    line[open + 1..open + close].to_string()
}

fn queued(office: &Office) -> usize {
    office
        .ok(&["outbox", "list", "--limite", "100000"])
        .lines()
        .filter(|l| l.contains("in coda") || l.contains("accodato"))
        .count()
}

#[test]
fn a_round_from_opening_to_decree_on_the_command_line() {
    let office = ranked();
    let comune = fixture_arg("comune.toml");
    let day = today();

    let preview = office.ok(&[
        "assignment",
        "open",
        "--dal",
        &day,
        "--comune",
        &comune,
        "--anteprima",
    ]);
    assert!(
        preview.contains("Anteprima: nulla è stato scritto"),
        "{preview}"
    );
    assert!(
        preview.contains("Apertura assegnazione alloggi"),
        "{preview}"
    );
    let err = office.fails(&["assignment", "list"]);
    assert!(err.contains("nessuna assegnazione aperta"), "{err}");

    let opened = office.ok(&["assignment", "open", "--dal", &day, "--comune", &comune]);
    assert!(
        opened.contains("Assegnazione aperta per il bando"),
        "{opened}"
    );
    assert!(
        opened.contains("«Apertura assegnazione alloggi»"),
        "{opened}"
    );
    let err = office.fails(&["assignment", "open", "--dal", &day, "--comune", &comune]);
    assert!(err.contains("già aperta"), "{err}");

    let next = office.ok(&["assignment", "next", "--alloggio", "fm-002"]);
    assert!(next.contains("Alloggio FM-002"), "{next}");
    assert!(next.contains("Da verificare di nuovo oggi"), "{next}");
    let first = first_fit(&next);

    let err = office.fails(&[
        "assignment",
        "offer",
        "--alloggio",
        "FM-002",
        "--protocollo",
        &first,
    ]);
    assert!(err.contains("verificati di nuovo oggi"), "{err}");
    let offered = office.ok(&[
        "assignment",
        "offer",
        "--alloggio",
        "FM-002",
        "--protocollo",
        &first,
        "--requisiti-confermati",
    ]);
    assert!(offered.contains("risposta entro il"), "{offered}");
    let busy = office.ok(&["assignment", "next", "--alloggio", "FM-002"]);
    assert!(busy.contains("Non proponibile"), "{busy}");

    let err = office.fails(&["assignment", "reply", "--protocollo", &first, "--rifiuta"]);
    assert!(err.contains("--giustificato o --ingiustificato"), "{err}");
    let err = office.fails(&[
        "assignment",
        "reply",
        "--protocollo",
        &first,
        "--rifiuta",
        "--giustificato",
    ]);
    assert!(err.contains("motivazione è obbligatoria"), "{err}");
    office.ok(&[
        "assignment",
        "reply",
        "--protocollo",
        &first,
        "--rifiuta",
        "--giustificato",
        "--motivo",
        "lavoro in altra provincia, contratto allegato",
    ]);

    let next = office.ok(&["assignment", "next", "--alloggio", "FM-002"]);
    assert!(next.contains("ha già rifiutato questo alloggio"), "{next}");
    let second = first_fit(&next);
    assert_ne!(second, first);
    office.ok(&[
        "assignment",
        "offer",
        "--alloggio",
        "FM-002",
        "--protocollo",
        &second,
        "--requisiti-confermati",
    ]);
    office.ok(&["assignment", "reply", "--protocollo", &second, "--accetta"]);
    let before = queued(&office);
    let decreed = office.ok(&[
        "assignment",
        "decree",
        "--protocollo",
        &second,
        "--dal",
        &day,
        "--comune",
        &comune,
    ]);
    assert!(
        decreed.contains("contratto e occupazione entro il"),
        "{decreed}"
    );
    assert!(
        decreed.contains("«Assegnazione definitiva: dettagli»"),
        "{decreed}"
    );
    assert_eq!(queued(&office), before + 1);

    let case = office.ok(&["show", "--protocollo", &first]);
    assert!(
        case.contains("in attesa (rifiuto giustificato FM-002)"),
        "{case}"
    );
    assert!(case.contains("adeguati al nucleo"), "{case}");
    assert!(case.contains("FM-006 100,00 m² — troppo grande"), "{case}");
    let list = office.ok(&["assignment", "list"]);
    assert!(list.contains("assegnato FM-002"), "{list}");
    assert!(list.contains("rifiuto giustificato FM-002"), "{list}");
    office.ok(&["check"]);
    let audit = office.ok(&["audit", "verify"]);
    assert!(!audit.is_empty());
}
