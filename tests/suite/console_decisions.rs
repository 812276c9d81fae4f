//! The console's guards on decisions over a demo database: a step whose message cannot be
//! composed asks before going on without it; the exclusion's check window says which data the
//! cause contradicts; the notice of the grounds for refusal (art. 10-bis) on the case.

use crate::common;

use alloggi::domain::{ApplicationId, State};
use alloggi::messages::outbox::OutboxTab;
use alloggi::tui::app::Overlay;
use alloggi::tui::messaging::Messaging;
use alloggi::tui::screens::ScreenId;
use common::console::Console;
use crossterm::event::KeyCode;

const MISSING: &str =
    "configurazione del Comune mancante: indicare il file con --comune o ALLOGGI_COMUNE";

fn console(size: (u16, u16)) -> Console {
    Console::demo(120, size)
}

fn without_comune(c: &mut Console) {
    c.app.set_messaging(Messaging {
        config: Err(MISSING.into()),
        sender_off: Some("invio a IO non attivo in questa console".into()),
    });
}

fn open(c: &mut Console, id: ApplicationId) {
    c.app.open_case(id, ScreenId::Inbox);
    c.settle();
}

fn queued(c: &Console) -> usize {
    c.store().outbox_counts().expect("counts")[&OutboxTab::Queued]
}

#[test]
fn registering_without_the_comunes_file_says_why_no_message_and_asks() {
    let mut c = console((80, 24));
    without_comune(&mut c);
    let id = c.first_where(|a| a.state == State::Ricevuta && !a.late);
    open(&mut c, id);
    let before = queued(&c);
    c.char('p');
    assert!(
        matches!(c.app.overlay, Some(Overlay::Check(_))),
        "{}",
        c.text()
    );
    let screen = c.text();
    assert!(screen.contains("non si può comporre"), "{screen}");
    // The reason whole, not cut at the window's edge.
    assert!(screen.contains("ALLOGGI_COMUNE"), "{screen}");
    assert!(screen.contains("Procedere senza messaggio?"), "{screen}");
    insta::assert_snapshot!("register_without_comune_80x24", screen);

    // No: nothing registered.
    c.key(KeyCode::Esc);
    assert!(c.app.overlay.is_none());
    let app = c.store().application(id).unwrap().unwrap();
    assert_eq!(app.state, State::Ricevuta);

    // Yes: registered, nothing queued, and the status says so.
    c.char('p').key(KeyCode::Enter);
    let app = c.store().application(id).unwrap().unwrap();
    assert_eq!(app.state, State::Protocollata);
    assert_eq!(queued(&c), before);
    let status = c.app.status.clone().unwrap();
    assert!(status.0.contains("messaggio IO non accodato"), "{status:?}");
    assert!(status.1, "said as a warning");
}

#[test]
fn an_exclusion_the_data_contradict_shows_which_data_before_it_commits() {
    use alloggi::domain::application::ExclusionReason;
    use alloggi::domain::workflows::review::exclusion_contradiction;
    let mut c = console((80, 24));
    let call = c.store().active_call().unwrap().unwrap();
    let id = c.first_where(|a| {
        a.state == State::InIstruttoria
            && exclusion_contradiction(a, &call, ExclusionReason::IseeSuperiore).is_some()
    });
    open(&mut c, id);
    c.char('x');
    // The third cause: ISEE above the limit, which this household's ISEE is not.
    c.key(KeyCode::Right)
        .key(KeyCode::Right)
        .key(KeyCode::Tab)
        .typing("ISEE rettificato dall'INPS")
        .key(KeyCode::Enter);
    assert!(
        matches!(c.app.overlay, Some(Overlay::Check(_))),
        "{}",
        c.text()
    );
    let screen = c.text();
    assert!(
        screen.contains("ISEE dichiarato 4.360,45 € entro il limite di 16.438,80 €"),
        "{screen}"
    );
    assert!(
        screen.contains("Nota: ISEE rettificato dall'INPS"),
        "{screen}"
    );
    insta::assert_snapshot!("exclusion_contradicted_80x24", screen);
    assert_eq!(
        c.store().application(id).unwrap().unwrap().state,
        State::InIstruttoria
    );

    // No returns to the form as it was; Yes then commits, with the note.
    c.key(KeyCode::Esc);
    assert!(
        matches!(c.app.overlay, Some(Overlay::Form { .. })),
        "{}",
        c.text()
    );
    // Still on the note, as left: Enter submits it again.
    c.key(KeyCode::Enter);
    assert!(
        matches!(c.app.overlay, Some(Overlay::Check(_))),
        "{}",
        c.text()
    );
    c.key(KeyCode::Enter);
    assert!(c.app.overlay.is_none(), "{}", c.text());
    let app = c.store().application(id).unwrap().unwrap();
    assert_eq!(app.state, State::Esclusa);
    let decision = app.decision.unwrap();
    assert_eq!(decision.reason, Some(ExclusionReason::IseeSuperiore));
    assert_eq!(decision.note, "ISEE rettificato dall'INPS");
}

#[test]
fn an_exclusion_the_data_agree_with_commits_at_once() {
    use alloggi::domain::application::ExclusionReason;
    use alloggi::domain::workflows::review::exclusion_contradiction;
    let mut c = console((80, 24));
    let call = c.store().active_call().unwrap().unwrap();
    let id = c.first_where(|a| {
        a.state == State::InIstruttoria
            && exclusion_contradiction(a, &call, ExclusionReason::FalsaDichiarazione).is_none()
    });
    open(&mut c, id);
    c.char('x');
    for _ in 0..3 {
        c.key(KeyCode::Right);
    }
    c.key(KeyCode::Tab)
        .typing("dichiarazione non veritiera")
        .key(KeyCode::Enter);
    assert!(c.app.overlay.is_none(), "{}", c.text());
    assert_eq!(
        c.store().application(id).unwrap().unwrap().state,
        State::Esclusa
    );
}

#[test]
fn an_admission_with_requirements_not_verified_asks_for_a_waiver_and_records_it() {
    use alloggi::domain::workflows::review::unverified_requirements;
    let mut c = console((80, 24));
    let call = c.store().active_call().unwrap().unwrap();
    let id = c.first_where(|a| {
        a.state == State::InIstruttoria
            && !unverified_requirements(a).is_empty()
            && a.missing_documents(&call).is_empty()
    });
    open(&mut c, id);
    c.char('a');
    let form = c.text();
    assert!(form.contains("Deroga: motivo"), "{form}");
    assert!(form.contains("requisiti non verificati:"), "{form}");
    insta::assert_snapshot!("admission_waiver_80x24", form);
    // Without a reason the office refuses, naming the requirements; the form stays.
    c.key(KeyCode::Tab).key(KeyCode::Enter);
    assert!(c.app.overlay.is_some(), "{}", c.text());
    assert_eq!(
        c.store().application(id).unwrap().unwrap().state,
        State::InIstruttoria
    );
    c.typing("residenza accertata dalla polizia locale")
        .key(KeyCode::Enter);
    assert!(c.app.overlay.is_none(), "{}", c.text());
    let app = c.store().application(id).unwrap().unwrap();
    assert_eq!(app.state, State::Ammessa);
    let page = c.store().audit_page(None, 1, &Default::default()).unwrap();
    let last = format!("{page:?}");
    assert!(
        last.contains("residenza accertata dalla polizia locale"),
        "{last}"
    );
}

/// The demo's console with its call switched to the notice of the grounds for refusal.
fn console_with_the_notice_on() -> Console {
    let c = console((80, 24));
    let mut call = c.store().active_call().unwrap().unwrap();
    call.params.refusal_notice = true;
    c.store()
        .execute(
            &alloggi::domain::Command::SaveCall(Box::new(call)),
            &common::ctx_at(c.app.now()),
        )
        .unwrap();
    c
}

#[test]
fn the_notice_of_the_grounds_for_refusal_from_the_case_to_the_confirmed_exclusion() {
    use alloggi::domain::application::ExclusionReason;
    let mut c = console_with_the_notice_on();
    let id = c.first_where(|a| a.state == State::InIstruttoria);
    open(&mut c, id);
    let before = queued(&c);

    // A direct exclusion is refused, naming the step.
    c.char('x')
        .key(KeyCode::Right)
        .key(KeyCode::Right)
        .key(KeyCode::Right);
    c.key(KeyCode::Tab)
        .typing("dichiarazione non veritiera")
        .key(KeyCode::Enter);
    assert!(c.text().contains("preavviso di rigetto"), "{}", c.text());
    assert_eq!(
        c.store().application(id).unwrap().unwrap().state,
        State::InIstruttoria
    );
    assert!(
        c.text()
            .contains("serve prima il preavviso di rigetto (art. 10-bis)")
    );
    // Discarding what was typed asks first.
    c.key(KeyCode::Esc).char('s');
    assert!(c.app.overlay.is_none(), "{}", c.text());

    // The notice: cause and grounds, previewed as the Comune's own text, then committed.
    c.char('X');
    for _ in 0..3 {
        c.key(KeyCode::Right);
    }
    c.key(KeyCode::Tab)
        .typing("la residenza dichiarata non risulta all'anagrafe")
        .key(KeyCode::Enter);
    assert!(
        matches!(c.app.overlay, Some(Overlay::Preview(_))),
        "{}",
        c.text()
    );
    let preview = c.text();
    assert!(
        preview.contains("Testo del Comune, non del catalogo IO"),
        "{preview}"
    );
    insta::assert_snapshot!("refusal_notice_preview_80x24", preview);
    c.key(KeyCode::Enter);
    assert!(c.app.overlay.is_none(), "{}", c.text());
    assert_eq!(queued(&c), before + 1);
    let app = c.store().application(id).unwrap().unwrap();
    assert_eq!(app.state, State::InIstruttoria);
    assert!(app.refusal_notice.is_some());
    let screen = c.text();
    assert!(
        screen.contains("Preavviso di rigetto del 28/04 · osservazioni entro il 08/05 (10 giorni)"),
        "{screen}"
    );
    assert!(screen.contains("osservazioni entro il"), "{screen}");
    insta::assert_snapshot!("case_in_the_refusal_notice_80x24", screen);

    // Observations, then the confirmation with the note that answers them.
    c.char('w')
        .key(KeyCode::Tab)
        .typing("allega un certificato")
        .key(KeyCode::Enter);
    assert!(c.app.overlay.is_none(), "{}", c.text());
    assert!(
        c.text().contains("osservazioni ricevute il"),
        "{}",
        c.text()
    );
    c.char('C')
        .typing("il certificato riguarda un altro comune")
        .key(KeyCode::Enter);
    assert!(c.app.overlay.is_none(), "{}", c.text());
    let app = c.store().application(id).unwrap().unwrap();
    assert_eq!(app.state, State::Esclusa);
    assert_eq!(
        app.decision.unwrap().reason,
        Some(ExclusionReason::FalsaDichiarazione)
    );
    let report = c.store().check().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

/// The demo's console with the notice step on, and the first application under review given
/// its notice from the case (first cause, the preview confirmed).
fn under_notice() -> (Console, ApplicationId) {
    let mut c = console_with_the_notice_on();
    let id = c.first_where(|a| a.state == State::InIstruttoria);
    open(&mut c, id);
    c.char('X')
        .key(KeyCode::Tab)
        .typing("residenza non verificata")
        .key(KeyCode::Enter)
        .key(KeyCode::Enter);
    assert!(
        c.store()
            .application(id)
            .unwrap()
            .unwrap()
            .refusal_notice
            .is_some()
    );
    (c, id)
}

#[test]
fn a_notice_withdrawn_from_the_case_leaves_the_review_open() {
    let (mut c, id) = under_notice();
    c.char('W')
        .typing("residenza verificata in anagrafe")
        .key(KeyCode::Enter);
    assert!(c.app.overlay.is_none(), "{}", c.text());
    let app = c.store().application(id).unwrap().unwrap();
    assert!(app.refusal_notice.is_none());
    assert_eq!(app.state, State::InIstruttoria);
}

fn withdrawn(c: &Console) -> usize {
    c.store().outbox_counts().expect("counts")[&OutboxTab::Withdrawn]
}

#[test]
fn a_queued_message_is_withdrawn_from_the_case_with_a_reason() {
    let mut c = console((80, 24));
    let id = c.first_where(|a| a.state == State::InIstruttoria);
    open(&mut c, id);
    let before = (queued(&c), withdrawn(&c));
    c.char('m')
        .typing("graduatoria definitiva")
        .key(KeyCode::Enter)
        .key(KeyCode::Enter);
    assert_eq!(queued(&c), before.0 + 1, "{}", c.text());
    // The same message again: the preview says it is queued and offers to withdraw it.
    c.char('m')
        .typing("graduatoria definitiva")
        .key(KeyCode::Enter);
    let text = c.text();
    assert!(text.contains("già in coda"), "{text}");
    assert!(text.contains("X ritira"), "{text}");
    c.char('X');
    assert!(
        matches!(c.app.overlay, Some(Overlay::Form { .. })),
        "{}",
        c.text()
    );
    c.typing("inviato per errore").key(KeyCode::Enter);
    assert!(c.app.overlay.is_none(), "{}", c.text());
    assert_eq!((queued(&c), withdrawn(&c)), (before.0, before.1 + 1));
    assert!(c.text().contains("ritirato"), "{}", c.text());
}

#[test]
fn the_notice_opened_in_messaggi_is_marked_as_the_comunes_own_text() {
    let (mut c, _) = under_notice();
    c.char('4').key(KeyCode::Home).key(KeyCode::Enter);
    let text = c.text();
    assert!(text.contains("motivi ostativi"), "{text}");
    assert!(text.contains(alloggi::tui::strings::COMUNE_TEXT), "{text}");
    insta::assert_snapshot!("preavviso_in_messaggi_80x24", text);
}
