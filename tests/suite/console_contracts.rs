//! The Contratti screen on a round whose FM-002 and FM-003 were assigned by decree on
//! 1 September 2025, drawn whole at 80×24: the assignees with their contract's state, the
//! contract said ready and the signature booked (each message previewed, then queued), the
//! signature with the lease and its rent computed step by step, a refusal in Italian, the
//! list following a commit made elsewhere, and the case's «Contratto e canone» block.

use crate::common;

use alloggi::domain::ApplicationId;
use alloggi::domain::Context;
use alloggi::domain::time::Timestamp;
use alloggi::messages::outbox::{OutboxEntry, OutboxTab};
use alloggi::office::{ContractState, Office, contract_ready_step};
use alloggi::tui::app::{Msg, Overlay};
use alloggi::tui::screens::ScreenId;
use common::assignment::{
    decree_on_round_day, ranked_office, save_example_rent_rules, sign_leases,
};
use common::console::Console;
use common::ts;
use crossterm::event::KeyCode;

/// The ranked call with FM-002 and FM-003 assigned by decree, set up further by `prepare`,
/// then a console on the Contratti screen whose clock says `now`.
fn console_with(
    prepare: impl FnOnce(&Office, &[(ApplicationId, String)]),
    now: Timestamp,
) -> (Console, Vec<(ApplicationId, String)>) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let office = ranked_office(dir.path());
    let decreed = decree_on_round_day(&office, &["FM-002", "FM-003"]);
    prepare(&office, &decreed);
    let mut console = Console::over_office(office, dir, now);
    console.char('0');
    assert_eq!(console.app.screen, ScreenId::Contracts);
    (console, decreed)
}

/// The lease recorded for application `id`, if signed.
fn signed_lease(console: &Console, id: ApplicationId) -> Option<alloggi::domain::lease::Lease> {
    console
        .office
        .contract_file(id)
        .expect("file")
        .and_then(|f| f.lease)
}

fn third_september() -> Timestamp {
    ts(2025, 9, 3, 10, 0, 0)
}

fn queued(console: &Console) -> Vec<OutboxEntry> {
    console
        .office
        .outbox_page(OutboxTab::Queued, None, 10_000)
        .expect("outbox")
}

fn queued_about(console: &Console, id: ApplicationId, template: &str) -> usize {
    queued(console)
        .iter()
        .filter(|e| e.application == Some(id) && e.template == template)
        .count()
}

fn state_of(console: &Console, id: ApplicationId) -> ContractState {
    console
        .office
        .contracts()
        .expect("contracts")
        .into_iter()
        .find(|r| r.id == id)
        .expect("listed")
        .state
}

fn form_error(console: &Console) -> Option<String> {
    match &console.app.overlay {
        Some(Overlay::Form { form, .. }) => form.error.clone(),
        _ => None,
    }
}

#[test]
fn the_assignees_by_decree_with_their_contracts_state() {
    let (console, decreed) = console_with(|_, _| {}, third_september());
    let screen = console.text();
    assert!(
        screen.contains("2 assegnatari · 2 da preparare"),
        "{screen}"
    );
    assert!(screen.contains(&decreed[0].1), "{screen}");
    assert!(screen.contains("FM-003"), "{screen}");
    insta::assert_snapshot!("contratti_80x24", screen);
}

#[test]
fn contract_ready_previews_its_message_then_queues_exactly_it() {
    let (mut console, decreed) = console_with(|_, _| {}, third_september());
    let (id, _) = decreed[0].clone();
    let before = queued(&console).len();
    console.char('p');
    assert!(matches!(console.app.overlay, Some(Overlay::Preview(_))));
    assert_eq!(queued(&console).len(), before, "a preview writes nothing");
    let preview = console.text();
    assert!(
        preview.contains("Il contratto è pronto per la firma"),
        "{preview}"
    );
    insta::assert_snapshot!("contratti_pronto_anteprima_80x24", preview);

    console.key(KeyCode::Enter);
    assert_eq!(queued(&console).len(), before + 1);
    assert_eq!(queued_about(&console, id, "contratto_firma"), 1);
    assert!(matches!(
        state_of(&console, id),
        ContractState::Ready { .. }
    ));
    assert!(console.text().contains("pronto"), "{}", console.text());

    // Said ready once: the key does nothing more, the office would refuse it.
    console.char('p');
    assert!(console.app.overlay.is_none());
}

#[test]
fn the_signing_appointment_form_previews_its_message_and_books_it() {
    let (mut console, decreed) = console_with(
        |office, decreed| {
            office
                .step(
                    &Context::new("mrossi", ts(2025, 9, 2, 9, 0, 0)),
                    &contract_ready_step(decreed[0].0),
                )
                .expect("ready");
        },
        third_september(),
    );
    let (id, _) = decreed[0].clone();
    console.char('a');
    assert!(matches!(console.app.overlay, Some(Overlay::Form { .. })));
    console
        .typing("10/09/2025 10:30")
        .key(KeyCode::Tab)
        .typing("Ufficio Casa, piazza del Popolo 1");
    insta::assert_snapshot!("contratti_appuntamento_80x24", console.text());
    let before = queued(&console).len();
    console.save();
    assert!(
        matches!(console.app.overlay, Some(Overlay::Preview(_))),
        "{:?}",
        form_error(&console)
    );
    assert_eq!(queued(&console).len(), before, "a preview writes nothing");
    assert!(
        console.text().contains("Ufficio Casa"),
        "{}",
        console.text()
    );

    console.key(KeyCode::Enter);
    assert_eq!(queued_about(&console, id, "appuntamento_firma"), 1);
    assert!(matches!(
        state_of(&console, id),
        ContractState::Booked { .. }
    ));
    let screen = console.text();
    assert!(screen.contains("appuntamento 10/09 10:30"), "{screen}");
}

#[test]
fn the_signature_records_the_lease_and_shows_its_rent_step_by_step() {
    let (mut console, decreed) = console_with(
        |office, _| save_example_rent_rules(office),
        ts(2025, 9, 5, 9, 0, 0),
    );
    let (id, protocol) = decreed[0].clone();
    console.char('f');
    console.typing("L-2025-001");
    insta::assert_snapshot!("contratti_firma_80x24", console.text());
    // The lease shows, its rent computed step by step, before anything is recorded; No
    // returns to the form as it was.
    console.save();
    assert!(
        matches!(console.app.overlay, Some(Overlay::Check(_))),
        "{:?}",
        form_error(&console)
    );
    insta::assert_snapshot!("contratti_firma_anteprima_80x24", console.text());
    assert!(signed_lease(&console, id).is_none(), "recorded before Yes");
    console.char('n');
    assert!(console.text().contains("L-2025-001"), "back to the form");
    console.save().char('s');
    assert!(console.app.overlay.is_none(), "{:?}", form_error(&console));
    assert!(
        console
            .text()
            .contains("contratto n. L-2025-001 della domanda"),
        "{}",
        console.text()
    );
    console.key(KeyCode::Enter);
    let lease = signed_lease(&console, id).expect("lease signed");
    assert_eq!(lease.number.as_str(), "L-2025-001");
    assert!(!lease.rent.steps.is_empty());
    let screen = console.text();
    assert!(
        screen.contains(&format!("Contratto n. L-2025-001 — domanda {protocol}")),
        "{screen}"
    );
    assert!(screen.contains("Calcolo del canone:"), "{screen}");
    assert!(screen.contains(&lease.rent.steps[0].text), "{screen}");
    insta::assert_snapshot!("contratti_firmato_80x24", screen);

    // Esc returns to the list, which says it is signed.
    console.key(KeyCode::Esc);
    assert!(console.text().contains("firmato n. L-2025-001"));
}

#[test]
fn a_refused_signature_says_why_in_italian_under_the_form() {
    let (mut console, decreed) = console_with(|_, _| {}, third_september());
    console.char('f').typing("L-2025-001").save();
    let error = form_error(&console).expect("refused under the form");
    assert!(
        error.contains("nessuna tabella dei canoni in vigore"),
        "{error}"
    );
    assert!(signed_lease(&console, decreed[0].0).is_none());
}

#[test]
fn the_list_follows_a_commit_made_elsewhere() {
    let (mut console, decreed) = console_with(|_, _| {}, third_september());
    let seq = console.office.audit_head_seq().expect("audit head");
    console
        .office
        .step(
            &Context::new("bianchi", third_september()),
            &contract_ready_step(decreed[1].0),
        )
        .expect("ready elsewhere");
    let news = console.office.news_since(seq).expect("news");
    console.app.update(Msg::Elsewhere(news));
    console.settle();
    let screen = console.text();
    assert!(screen.contains("1 da preparare · 1 pronti"), "{screen}");
}

#[test]
fn the_case_shows_the_lease_and_its_rent() {
    let (mut console, decreed) = console_with(
        |office, decreed| {
            save_example_rent_rules(office);
            sign_leases(office, &[decreed[0].0]);
        },
        ts(2025, 9, 20, 9, 0, 0),
    );
    let (id, _) = decreed[0].clone();
    console.app.open_case(id, ScreenId::Contracts);
    console.settle();
    assert_eq!(console.app.screen, ScreenId::Case);
    let screen = console.text();
    assert!(screen.contains("Contratto e canone"), "{screen}");
    assert!(screen.contains("Contratto n. L-2025-001"), "{screen}");
    assert!(screen.contains("tabella esempio-2025"), "{screen}");
    insta::assert_snapshot!("contratti_scheda_80x24", screen);
}

/// The case of the first assignee, opened with Enter on the Contratti list.
fn open_first_case(console: &mut Console) {
    console.key(KeyCode::Enter);
    console.settle();
    assert_eq!(console.app.screen, ScreenId::Case);
}

fn key_bar(console: &Console) -> String {
    console
        .text()
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_case_takes_the_contract_steps_each_with_its_preview() {
    let (mut console, decreed) = console_with(
        |office, _| save_example_rent_rules(office),
        ts(2025, 9, 5, 9, 0, 0),
    );
    let (id, protocol) = decreed[0].clone();
    open_first_case(&mut console);
    let screen = console.text();
    assert!(screen.contains("Contratto: da preparare"), "{screen}");
    let keys = key_bar(&console);
    assert!(keys.contains("c contratto pronto"), "{keys}");
    assert!(keys.contains("F firma contratto"), "{keys}");
    assert!(
        !keys.contains("B appuntamento firma"),
        "not before it is ready: {keys}"
    );
    insta::assert_snapshot!("scheda_contratto_80x24", screen);

    // Ready: the message shows first, nothing is queued before Enter.
    let before = queued(&console).len();
    console.char('c');
    assert!(matches!(console.app.overlay, Some(Overlay::Preview(_))));
    assert_eq!(queued(&console).len(), before, "a preview writes nothing");
    let preview = console.text();
    assert!(
        preview.contains("Il contratto è pronto per la firma"),
        "{preview}"
    );
    insta::assert_snapshot!("scheda_contratto_pronto_anteprima_80x24", preview);
    console.key(KeyCode::Enter);
    assert_eq!(queued_about(&console, id, "contratto_firma"), 1);
    assert!(matches!(
        state_of(&console, id),
        ContractState::Ready { .. }
    ));
    assert_eq!(console.app.screen, ScreenId::Case);
    assert!(
        console.text().contains("Contratto: pronto"),
        "{}",
        console.text()
    );
    // Said ready once: the key does nothing more; the appointment is offered now.
    console.char('c');
    assert!(console.app.overlay.is_none());
    let keys = key_bar(&console);
    assert!(!keys.contains("contratto pronto"), "{keys}");
    assert!(keys.contains("B appuntamento firma"), "{keys}");

    // The appointment: the Contratti form, its message previewed, then booked in the Agenda.
    console.char('B');
    assert!(matches!(console.app.overlay, Some(Overlay::Form { .. })));
    console
        .typing("10/09/2025 10:30")
        .key(KeyCode::Tab)
        .typing("Ufficio Casa, piazza del Popolo 1")
        .save();
    assert!(
        matches!(console.app.overlay, Some(Overlay::Preview(_))),
        "{:?}",
        form_error(&console)
    );
    assert_eq!(queued_about(&console, id, "appuntamento_firma"), 0);
    console.key(KeyCode::Enter);
    assert_eq!(queued_about(&console, id, "appuntamento_firma"), 1);
    let booked = console
        .office
        .appointments_on(chrono::NaiveDate::from_ymd_opt(2025, 9, 10).expect("day"))
        .expect("agenda");
    assert!(
        booked
            .iter()
            .any(|a| a.application == Some(id) && a.slot.place.starts_with("Ufficio Casa")),
        "{booked:?}"
    );
    assert!(matches!(
        state_of(&console, id),
        ContractState::Booked { .. }
    ));
    let screen = console.text();
    assert!(
        screen.contains("Contratto: appuntamento 10/09 10:30 · Ufficio Casa"),
        "{screen}"
    );

    // The signature: the lease shows before Yes, nothing recorded until then.
    console.char('F').typing("L-2025-001").save();
    assert!(
        matches!(console.app.overlay, Some(Overlay::Check(_))),
        "{:?}",
        form_error(&console)
    );
    let check = console.text();
    assert!(check.contains("Contratto da firmare"), "{check}");
    assert!(check.contains("Calcolo del canone:"), "{check}");
    insta::assert_snapshot!("scheda_contratto_firma_anteprima_80x24", check);
    assert!(signed_lease(&console, id).is_none(), "recorded before Yes");
    console.char('s');
    assert!(console.app.overlay.is_none(), "{:?}", form_error(&console));
    let lease = signed_lease(&console, id).expect("lease signed");
    assert_eq!(lease.number.as_str(), "L-2025-001");
    let screen = console.text();
    assert!(
        screen.contains(&format!("contratto n. L-2025-001 della domanda {protocol}")),
        "{screen}"
    );
    assert!(screen.contains("Contratto e canone"), "{screen}");
    assert!(screen.contains("Contratto n. L-2025-001"), "{screen}");
    assert!(!key_bar(&console).contains("firma contratto"));

    // Back on Contratti, the list says it is signed.
    console.key(KeyCode::Esc);
    assert_eq!(console.app.screen, ScreenId::Contracts);
    assert!(
        console.text().contains("firmato n. L-2025-001"),
        "{}",
        console.text()
    );
}

#[test]
fn a_signature_refused_from_the_case_says_why_under_the_form() {
    let (mut console, decreed) = console_with(|_, _| {}, third_september());
    open_first_case(&mut console);
    console.char('F').typing("L-2025-001").save();
    let error = form_error(&console).expect("refused under the form");
    assert!(
        error.contains("nessuna tabella dei canoni in vigore"),
        "{error}"
    );
    assert!(signed_lease(&console, decreed[0].0).is_none());
}

/// The contract's steps are the responsabile's: an operatore sees them dimmed, on the case as
/// on Contratti.
#[test]
fn the_contract_steps_are_dimmed_for_an_operatore() {
    let (mut console, _) = console_with(|_, _| {}, third_september());
    console.app.role = Some(alloggi::domain::roles::Role::Operatore);
    let colour_of = |console: &Console, text: &str| {
        let buffer = console.buffer();
        let last = buffer.area.height - 1;
        let line: String = (0..buffer.area.width)
            .map(|x| buffer[(x, last)].symbol().to_string())
            .collect();
        let at = line.find(text).expect("in the key bar");
        let column = line[..at].chars().count() as u16;
        buffer[(column, last)].fg
    };
    let dim = ratatui::style::Color::DarkGray;
    assert_eq!(colour_of(&console, "p contratto pronto"), dim);
    open_first_case(&mut console);
    assert_eq!(colour_of(&console, "c contratto pronto"), dim);
    assert_eq!(colour_of(&console, "F firma contratto"), dim);
}
