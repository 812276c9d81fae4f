//! The lease from the command line, through the real binary on a database with an applicant
//! assigned FM-002 by decree today: the contract ready and the signing appointment, each with
//! its message in one transaction (previews first, writing nothing), the signature, the
//! lease read back; every refusal in Italian.

use alloggi::domain::ApplicationId;
use alloggi::messages::outbox::{OutboxEntry, OutboxTab};

use crate::common;

use common::assignment::decreed_office;
use common::office_cli::{Office, fixture_arg};

/// An office whose database holds an applicant assigned FM-002 by decree today: their id and
/// protocol.
fn decreed() -> (Office, ApplicationId, String) {
    let office = Office::new();
    let (open, id, protocol) = decreed_office(&office.path("db"));
    drop(open);
    common::wait_released(&office.path("db"));
    (office, id, protocol)
}

/// The queued messages about application `id`, oldest first, read from the database.
fn messages_about(office: &Office, id: ApplicationId) -> Vec<OutboxEntry> {
    common::wait_released(&office.path("db"));
    let store = common::open(&office.path("db"));
    let mut found: Vec<OutboxEntry> = store
        .outbox_page(OutboxTab::Queued, None, 100_000)
        .expect("outbox")
        .into_iter()
        .filter(|entry| entry.application == Some(id))
        .collect();
    found.sort_by_key(|entry| entry.id);
    drop(store);
    common::wait_released(&office.path("db"));
    found
}

fn rome_day(offset: u64) -> chrono::NaiveDate {
    alloggi::domain::time::rome_date(chrono::Utc::now()) + chrono::Days::new(offset)
}

fn day(offset: u64) -> String {
    rome_day(offset).format("%d/%m/%Y").to_string()
}

#[test]
fn ready_and_appointment_queue_exactly_their_two_messages() {
    let (office, id, protocol) = decreed();
    let comune = fixture_arg("comune.toml");
    let before = messages_about(&office, id).len();

    let preview = office.ok(&[
        "contract",
        "ready",
        "--protocollo",
        &protocol,
        "--comune",
        &comune,
        "--anteprima",
    ]);
    assert!(
        preview.contains("Il contratto è pronto per la firma"),
        "{preview}"
    );
    assert!(preview.contains("FM-002 (scala A)"), "{preview}");
    assert!(preview.contains("Via del Borgo 002, Fermo"), "{preview}");
    assert!(
        preview.contains("Anteprima: nulla è stato scritto"),
        "{preview}"
    );
    assert_eq!(messages_about(&office, id).len(), before);

    let ready = office.ok(&[
        "contract",
        "ready",
        "--protocollo",
        &protocol,
        "--comune",
        &comune,
    ]);
    assert!(ready.contains("pronto per la firma"), "{ready}");
    assert!(
        ready.contains("«Contratto di alloggio disponibile per la firma»"),
        "{ready}"
    );

    let when = format!("{} 10:30", day(3));
    let place = "Ufficio Casa, piazza del Popolo 1, Fermo";
    let preview = office.ok(&[
        "contract",
        "appointment",
        "--protocollo",
        &protocol,
        "--quando",
        &when,
        "--dove",
        place,
        "--comune",
        &comune,
        "--anteprima",
    ]);
    assert!(preview.contains("Il tuo appuntamento"), "{preview}");
    assert!(preview.contains(place), "{preview}");
    assert!(
        preview.contains("Anteprima: nulla è stato scritto"),
        "{preview}"
    );
    let agenda = office.ok(&["appointments", "--giorno", &day(3)]);
    assert!(!agenda.contains("firma del contratto"), "{agenda}");
    assert_eq!(messages_about(&office, id).len(), before + 1);

    let booked = office.ok(&[
        "contract",
        "appointment",
        "--protocollo",
        &protocol,
        "--quando",
        &when,
        "--dove",
        place,
        "--comune",
        &comune,
    ]);
    assert!(booked.contains("Appuntamento "), "{booked}");
    assert!(
        booked.contains("«Appuntamento per la firma del contratto»"),
        "{booked}"
    );
    let number = booked
        .split_whitespace()
        .nth(1)
        .expect("the booking number")
        .to_string();
    let agenda = office.ok(&["appointments", "--giorno", &day(3)]);
    assert!(agenda.contains("firma del contratto"), "{agenda}");

    let messages = messages_about(&office, id);
    assert_eq!(messages.len(), before + 2, "{messages:#?}");
    let [ready_message, booking_message] = &messages[before..] else {
        panic!("two messages");
    };
    assert_eq!(ready_message.template, "contratto_firma");
    let body = &ready_message.message.content.markdown;
    assert!(body.contains("FM-002"), "{body}");
    assert!(body.contains("Via del Borgo 002, Fermo"), "{body}");
    assert_eq!(booking_message.template, "appuntamento_firma");
    let body = &booking_message.message.content.markdown;
    assert!(body.contains(&number), "{body}");
    assert!(body.contains(place), "{body}");
    assert!(body.contains(&day(3)), "{body}");
    assert!(body.contains("10:30"), "{body}");
    assert!(
        body.contains("la firma del contratto di locazione"),
        "{body}"
    );

    let shown = office.ok(&["contract", "show", "--protocollo", &protocol]);
    assert!(shown.contains("non ancora firmato"), "{shown}");
    let case = office.ok(&["show", "--protocollo", &protocol]);
    assert!(
        case.contains("Contratto: alloggio FM-002, non ancora firmato"),
        "{case}"
    );
    office.ok(&["check"]);
}

#[test]
fn every_bad_input_is_refused_in_italian() {
    let (office, _, protocol) = decreed();
    let comune = fixture_arg("comune.toml");
    let err = office.fails(&[
        "contract",
        "ready",
        "--protocollo",
        "2099/999999",
        "--comune",
        &comune,
    ]);
    assert!(
        err.contains("nessuna domanda con protocollo «2099/999999»"),
        "{err}"
    );

    let when = format!("{} 10:30", day(3));
    for (quando, dove, expected) in [
        (day(3), "Ufficio Casa", "indicare giorno e ora"),
        ("31/02/2026 10:00".to_string(), "Ufficio Casa", "--quando"),
        ("01/01/2020 10:30".to_string(), "Ufficio Casa", "nel futuro"),
        (when.clone(), "   ", "luogo"),
        (
            format!("{} 10:30", day(60)),
            "Ufficio Casa",
            "oltre il termine",
        ),
    ] {
        let err = office.fails(&[
            "contract",
            "appointment",
            "--protocollo",
            &protocol,
            "--quando",
            &quando,
            "--dove",
            dove,
            "--comune",
            &comune,
        ]);
        assert!(err.contains(expected), "{quando} {dove}: {err}");
    }

    let err = office.fails(&[
        "contract",
        "sign",
        "--protocollo",
        &protocol,
        "--numero",
        "ERAP-1",
        "--data",
        &day(0),
    ]);
    assert!(
        err.contains("nessuna tabella dei canoni in vigore"),
        "{err}"
    );
    let err = office.fails(&[
        "contract",
        "sign",
        "--protocollo",
        &protocol,
        "--numero",
        "ERAP-1",
        "--data",
        "32/13/2026",
    ]);
    assert!(err.contains("--data"), "{err}");
    let err = office.fails(&["contract", "show", "--protocollo", &protocol]);
    assert!(err.contains("nessun contratto"), "{err}");

    // An applicant with no decree: the first one still waiting in the round.
    let list = office.ok(&["assignment", "list"]);
    let waiting = list
        .lines()
        .find(|l| l.contains("in attesa"))
        .and_then(|l| l.split_whitespace().nth(1))
        .expect("someone waiting")
        .to_string();
    let err = office.fails(&[
        "contract",
        "ready",
        "--protocollo",
        &waiting,
        "--comune",
        &comune,
    ]);
    assert!(
        err.contains("il contratto segue il provvedimento di assegnazione"),
        "{err}"
    );
}

#[test]
fn the_signature_prints_the_lease_and_the_lists_show_it() {
    let (office, _, protocol) = decreed();
    let err = office.fails(&[
        "contract",
        "sign",
        "--protocollo",
        &protocol,
        "--numero",
        "ERAP-1",
        "--data",
        &day(0),
    ]);
    assert!(
        err.contains(
            "nessuna tabella dei canoni in vigore: caricarla con alloggi rent rules FILE.toml"
        ),
        "{err}"
    );
    office.ok(&["rent", "rules", &fixture_arg("rent/esempio.toml")]);

    let sign = |args: &[&str]| {
        let mut all = vec!["contract", "sign", "--protocollo", &protocol];
        all.extend_from_slice(args);
        all.iter().map(|a| a.to_string()).collect::<Vec<_>>()
    };
    let run_fails = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        office.fails(&args)
    };
    let err = run_fails(sign(&["--numero", "ERAP-1", "--data", &day(1)]));
    assert!(
        err.contains("la firma non può essere in un giorno futuro"),
        "{err}"
    );
    let yesterday = (rome_day(0) - chrono::Days::new(1))
        .format("%d/%m/%Y")
        .to_string();
    let err = run_fails(sign(&["--numero", "ERAP-1", "--data", &yesterday]));
    assert!(
        err.contains("prima del provvedimento di assegnazione"),
        "{err}"
    );
    let err = run_fails(sign(&["--numero", &"N".repeat(31), "--data", &day(0)]));
    assert!(err.contains("al massimo 30 caratteri"), "{err}");
    let err = run_fails(sign(&[
        "--numero",
        "ERAP-1",
        "--data",
        &day(0),
        "--decorrenza",
        &yesterday,
    ]));
    assert!(err.contains("decorrenza"), "{err}");

    let args = sign(&[
        "--numero",
        "ERAP-2025/0042",
        "--data",
        &day(0),
        "--firmatario",
        "Bianchi Carla",
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // The preview shows the lease the signature would record, and records nothing.
    let mut preview_args = args.clone();
    preview_args.push("--anteprima");
    let preview = office.ok(&preview_args);
    assert!(preview.contains("Contratto n. ERAP-2025/0042"), "{preview}");
    assert!(
        preview.contains("1. Canone oggettivo: 52 m² × 4,80 €/m² (zona media) = 249,60 €"),
        "{preview}"
    );
    assert!(
        preview.ends_with("Anteprima: nulla è stato scritto.\n"),
        "{preview}"
    );
    let list = office.ok(&["contract", "list"]);
    assert!(!list.contains("ERAP-2025/0042"), "{list}");
    let signed = office.ok(&args);
    let end = (rome_day(0) + chrono::Months::new(36))
        .format("%d/%m/%Y")
        .to_string();
    for expected in [
        "Contratto firmato.",
        "Contratto n. ERAP-2025/0042",
        "Firmato per l'ente da: Bianchi Carla",
        "Alloggio FM-002: Via del Borgo 002, Fermo",
        &format!("decorrenza {}, scadenza {end} (3 anni)", day(0)),
        "Rinnovo tacito: 3 anni",
        "Deposito cauzionale:",
        "(3 mensilità)",
        "tabella esempio-2026",
        "Calcolo del canone:",
        "1. Canone oggettivo: 52 m² × 4,80 €/m² (zona media) = 249,60 €",
    ] {
        assert!(signed.contains(expected), "{expected}\n{signed}");
    }

    let err = office.fails(&args);
    assert!(err.contains("già firmato"), "{err}");

    let shown = office.ok(&["contract", "show", "--protocollo", &protocol]);
    assert!(shown.contains("Contratto n. ERAP-2025/0042"), "{shown}");
    let list = office.ok(&["contract", "list"]);
    assert!(list.starts_with("ERAP-2025/0042"), "{list}");
    assert!(list.contains("1 contratto firmato."), "{list}");
    let case = office.ok(&["show", "--protocollo", &protocol]);
    assert!(case.contains("Contratto: n. ERAP-2025/0042"), "{case}");
    assert!(case.contains("Calcolo del canone:"), "{case}");
    assert!(
        case.contains("contratto n. ERAP-2025/0042 firmato"),
        "{case}"
    );
    office.ok(&["check"]);
}

#[test]
fn the_lease_is_the_responsabiles_and_reading_it_anyones() {
    let (office, _, protocol) = decreed();
    let out = std::process::Command::new("id")
        .arg("-un")
        .output()
        .expect("id runs");
    let me = String::from_utf8_lossy(&out.stdout).trim().to_string();
    std::fs::write(
        office.path("db").join("ruoli.toml"),
        format!("[utenti]\n{me} = \"operatore\"\n"),
    )
    .expect("roles file");
    let comune = fixture_arg("comune.toml");
    for args in [
        vec![
            "contract",
            "ready",
            "--protocollo",
            &protocol,
            "--comune",
            &comune,
        ],
        vec![
            "contract",
            "sign",
            "--protocollo",
            &protocol,
            "--numero",
            "ERAP-1",
            "--data",
            "01/01/2026",
        ],
    ] {
        let err = office.fails(&args);
        assert!(
            err.contains(&format!("serve il ruolo responsabile: {me} è operatore")),
            "{err}"
        );
    }
    let list = office.ok(&["contract", "list"]);
    assert!(list.contains("0 contratti firmati."), "{list}");
}
