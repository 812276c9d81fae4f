//! A form saved on a case someone else changed since it opened: the office refuses its step
//! with who and when, the form keeps what was typed, and a second save goes through.

use crate::common;

use std::sync::atomic::AtomicBool;

use alloggi::domain::{ApplicationId, Command, Context};
use alloggi::messages::ComuneConfig;
use alloggi::office::{Office, OfficeError, Reply, Request};
use alloggi::tui::app::Overlay;
use common::console::Console;
use common::*;
use crossterm::event::{KeyCode, KeyModifiers};

const A1: ApplicationId = ApplicationId(1);

fn as_user(actor: &str, now: alloggi::domain::time::Timestamp) -> Context {
    Context {
        actor: actor.to_string(),
        on_behalf_of: None,
        now,
    }
}

fn new_email(id: ApplicationId, office: &Office, email: &str) -> Command {
    let mut contact = office
        .store()
        .application(id)
        .expect("read")
        .expect("exists")
        .contact;
    contact.email = Some(email.to_string());
    Command::UpdateContact { id, contact }
}

fn execute_seen(
    office: &Office,
    ctx: &Context,
    command: Command,
    seen: alloggi::office::reads::CaseVersion,
) -> Result<(), OfficeError> {
    match office.handle(
        ctx,
        Request::ExecuteSeen { command, seen },
        &AtomicBool::new(false),
        &mut |_| {},
    ) {
        Reply::Execute(result) => result.map(|_| ()),
        other => panic!("unexpected reply {other:?}"),
    }
}

#[test]
fn a_step_on_a_case_changed_since_its_form_opened_is_refused_with_who_and_when() {
    let dir = tempfile::tempdir().unwrap();
    let office = Office::new(open(dir.path()), Ok(ComuneConfig::example()));
    office
        .execute(&ctx(), &Command::SaveCall(Box::new(call())))
        .expect("call saved");
    office
        .execute(
            &ctx(),
            &Command::ReceiveApplication(Box::new(new_application(family()))),
        )
        .expect("received");
    // bianchi opens the form at 10:00 (Rome); rossi changes the case at 10:32.
    let seen = office.case(A1).expect("read").expect("exists").version();
    let rossi = as_user("rossi", ts(2024, 12, 2, 9, 32, 0));
    office
        .execute(&rossi, &new_email(A1, &office, "rossi@example.it"))
        .expect("rossi's change");
    let audit = office.store().audit_len();

    let bianchi = as_user("bianchi", ts(2024, 12, 2, 9, 40, 0));
    let typed = new_email(A1, &office, "bianchi@example.it");
    let err = execute_seen(&office, &bianchi, typed.clone(), seen).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(
            "la domanda è stata modificata da rossi alle 10:32 dopo l'apertura del modulo"
        ),
        "{text}"
    );
    let OfficeError::Stale { seq, .. } = err else {
        panic!("a stale form's refusal: {err:?}");
    };
    assert_eq!(office.store().audit_len(), audit, "nothing written");
    let email = |office: &Office| {
        office
            .store()
            .application(A1)
            .expect("read")
            .expect("exists")
            .contact
            .email
    };
    assert_eq!(email(&office).as_deref(), Some("rossi@example.it"));

    // Told, bianchi saves again on the version the refusal named: it goes through.
    let fresh = alloggi::office::reads::CaseVersion { id: A1, seq };
    execute_seen(&office, &bianchi, typed, fresh).expect("a fresh version is accepted");
    assert_eq!(email(&office).as_deref(), Some("bianchi@example.it"));
    assert_eq!(office.store().audit_len(), audit + 1);

    // Messages about the case are no change of it: a message queued with a registration and
    // then withdrawn after the form opened lets the form's step through.
    let registered = office
        .step(
            &rossi,
            &alloggi::office::Step {
                command: Some(register(A1)),
                application: None,
                template: "presa_in_carico".to_string(),
                typed: alloggi::messages::Values::new(),
            },
        )
        .expect("registered with its message");
    let opened = office.case(A1).expect("read").expect("exists").version();
    office
        .withdraw(&rossi, registered.queued, "inviata per posta")
        .expect("withdrawn");
    execute_seen(
        &office,
        &bianchi,
        new_email(A1, &office, "b2@example.it"),
        opened,
    )
    .expect("a message withdrawn is no change of the case");

    // A step on another day names the day too.
    let stale = opened;
    let tomorrow = as_user("bianchi", ts(2024, 12, 3, 9, 0, 0));
    let err = execute_seen(
        &office,
        &tomorrow,
        new_email(A1, &office, "x@example.it"),
        stale,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("modificata da bianchi il 02/12/2024 alle 10:40"),
        "{err}"
    );
}

#[test]
fn the_form_stays_open_with_its_text_when_the_case_changed_and_a_second_save_goes_through() {
    let mut console = Console::demo(30, (100, 30));
    let id = console.first_where(|a| a.contact.email.is_some());
    console
        .app
        .open_case(id, alloggi::tui::screens::ScreenId::Inbox);
    console.settle();
    console.char('e');
    console
        .press(KeyCode::Char('u'), KeyModifiers::CONTROL)
        .typing("mia.scelta@example.it");

    // Meanwhile, in another console, rossi changes the same case.
    let now = console.app.now();
    let rossi = as_user("rossi", now);
    let other = new_email(id, &console.office, "rossi@example.it");
    console
        .office
        .execute(&rossi, &other)
        .expect("rossi's change");
    let when = alloggi::domain::time::format_ts_time(now);

    console.save();
    let Some(Overlay::Form { form, .. }) = &console.app.overlay else {
        panic!("the form stays open:\n{}", console.text());
    };
    let error = form.error.clone().unwrap_or_default();
    assert!(
        error.contains(&format!("modificata da rossi alle {when}")),
        "{error}"
    );
    assert_eq!(form.fields[0].input.value(), "mia.scelta@example.it");
    let stored = |c: &Console| c.store().application(id).unwrap().unwrap().contact.email;
    assert_eq!(stored(&console).as_deref(), Some("rossi@example.it"));

    // Seen the message, a second save goes through.
    console.save();
    assert!(console.app.overlay.is_none(), "{}", console.text());
    assert_eq!(stored(&console).as_deref(), Some("mia.scelta@example.it"));
}

/// A step whose message is previewed before it commits (an integration request): the case
/// changed by someone else between the form's opening and Enter on the preview refuses the
/// step, nothing is written, the form comes back with what was ticked and the reason, and the
/// second time it goes through.
#[test]
fn a_previewed_step_on_a_case_changed_since_its_form_opened_comes_back_to_the_form() {
    let mut console = Console::demo(30, (100, 30));
    let id = console.first_where(|a| a.state == alloggi::domain::State::InIstruttoria);
    console
        .app
        .open_case(id, alloggi::tui::screens::ScreenId::Inbox);
    console.settle();
    console.char('d').char(' ').save();
    assert!(
        matches!(console.app.overlay, Some(Overlay::Preview(_))),
        "{}",
        console.text()
    );

    // Meanwhile, in another console, rossi changes the same case.
    let now = console.app.now();
    let rossi = as_user("rossi", now);
    let other = new_email(id, &console.office, "rossi@example.it");
    console
        .office
        .execute(&rossi, &other)
        .expect("rossi's change");
    let when = alloggi::domain::time::format_ts_time(now);
    let audit = console.store().audit_len();
    let outbox = console.store().outbox_counts().expect("outbox counts");

    console.key(KeyCode::Enter);
    let Some(Overlay::Form { form, .. }) = &console.app.overlay else {
        panic!("the form comes back:\n{}", console.text());
    };
    let error = form.error.clone().unwrap_or_default();
    assert!(
        error.contains(&format!("modificata da rossi alle {when}")),
        "{error}"
    );
    let state = |c: &Console| c.store().application(id).unwrap().unwrap().state;
    assert_eq!(state(&console), alloggi::domain::State::InIstruttoria);
    assert_eq!(console.store().audit_len(), audit, "nothing written");
    assert_eq!(
        console.store().outbox_counts().expect("outbox counts"),
        outbox,
        "no message queued"
    );

    // Seen the message, the caseworker saves again, sees the message again, and it goes.
    console.save();
    assert!(
        matches!(console.app.overlay, Some(Overlay::Preview(_))),
        "{}",
        console.text()
    );
    console.key(KeyCode::Enter);
    assert!(console.app.overlay.is_none(), "{}", console.text());
    assert_eq!(
        state(&console),
        alloggi::domain::State::IntegrazioneRichiesta
    );
}

/// A caseworker's own save is no change «by someone else»: the form opened again on the case
/// just saved goes through, however quickly.
#[test]
fn saving_the_same_case_twice_in_a_row_is_no_conflict() {
    let mut console = Console::demo(30, (100, 30));
    let id = console.first_where(|a| a.contact.email.is_some());
    console
        .app
        .open_case(id, alloggi::tui::screens::ScreenId::Inbox);
    console.settle();
    for email in ["prima@example.it", "seconda@example.it", "terza@example.it"] {
        console.char('e');
        console
            .press(KeyCode::Char('u'), KeyModifiers::CONTROL)
            .typing(email);
        console.save();
        assert!(
            console.app.overlay.is_none(),
            "{email}:\n{}",
            console.text()
        );
        let stored = console
            .store()
            .application(id)
            .unwrap()
            .unwrap()
            .contact
            .email;
        assert_eq!(stored.as_deref(), Some(email));
    }
}
