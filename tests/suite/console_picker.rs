//! The message picker (`m` on the case and on the Domande list) over a demo database: typing
//! filters the catalogue's messages, ↑ ↓ move, Enter opens the preview of the one under the
//! cursor, Esc closes; the messages fitting the application's state come first.

use crate::common;

use alloggi::domain::{ApplicationId, State};
use alloggi::tui::app::Overlay;
use alloggi::tui::screens::ScreenId;
use alloggi::tui::screens::inbox::Filter;
use common::console::Console;
use crossterm::event::KeyCode;

/// A console over the demo at 80×24, its clock at 08:30 of the demo's today.
fn console() -> Console {
    Console::demo(120, (80, 24))
}

/// An application in review with documents the call needs still missing, and no fee due.
fn missing_documents(console: &Console) -> ApplicationId {
    console.first_where(|app| {
        let call = console
            .store()
            .call(&app.call)
            .expect("read call")
            .expect("call");
        app.state == State::InIstruttoria
            && app.fee.is_none()
            && !app.missing_documents(&call).is_empty()
    })
}

fn open(console: &mut Console, id: ApplicationId) {
    console.app.open_case(id, ScreenId::Inbox);
    console.settle();
}

/// The entries the open picker shows, in order: (title, offered first).
fn shown(console: &Console) -> Vec<(String, bool)> {
    let Some(Overlay::Form { form, .. }) = &console.app.overlay else {
        panic!("no picker open:\n{}", console.text());
    };
    let picker = form.fields[0].picker.as_ref().expect("a picker");
    picker
        .shown()
        .iter()
        .map(|e| (e.text.clone(), e.fits))
        .collect()
}

/// The subject of the preview open.
fn preview_subject(console: &Console) -> String {
    match &console.app.overlay {
        Some(Overlay::Preview(preview)) => preview.subject.clone(),
        _ => panic!("no preview open:\n{}", console.text()),
    }
}

#[test]
fn missing_documents_put_the_integration_request_first() {
    let mut c = console();
    let id = missing_documents(&c);
    open(&mut c, id);
    c.char('m');
    let shown = shown(&c);
    assert_eq!(shown.len(), 15, "the whole catalogue");
    assert_eq!(
        shown[0],
        ("Richiesta di integrazione documentale".to_string(), true)
    );
    assert!(shown[1..].iter().all(|(_, fits)| !fits));
    assert_eq!(
        shown[1].0, "Pubblicazione del bando",
        "then catalogue order"
    );
    insta::assert_snapshot!("scelta_messaggio_80x24", c.text());
}

#[test]
fn typing_filters_to_one_and_enter_opens_its_preview() {
    let mut c = console();
    let id = missing_documents(&c);
    open(&mut c, id);
    c.char('m').typing("GRADUATORIA DEFINITIVA");
    assert_eq!(
        shown(&c),
        vec![("Pubblicazione graduatoria definitiva".to_string(), false)]
    );
    insta::assert_snapshot!("scelta_messaggio_filtrata_80x24", c.text());
    c.key(KeyCode::Enter);
    assert_eq!(preview_subject(&c), "Pubblicata la graduatoria definitiva");
}

#[test]
fn arrows_move_through_what_the_filter_leaves() {
    let mut c = console();
    let id = missing_documents(&c);
    open(&mut c, id);
    c.char('m').typing("graduatoria");
    let titles: Vec<String> = shown(&c).into_iter().map(|(t, _)| t).collect();
    assert_eq!(
        titles,
        vec![
            "Pubblicazione graduatoria provvisoria",
            "Pubblicazione graduatoria definitiva"
        ]
    );
    // Down past the last stays on it; Up comes back.
    c.key(KeyCode::Down).key(KeyCode::Down).key(KeyCode::Up);
    c.key(KeyCode::Enter);
    assert_eq!(preview_subject(&c), "Pubblicata la graduatoria provvisoria");
}

#[test]
fn a_filter_matching_nothing_opens_nothing() {
    let mut c = console();
    let id = missing_documents(&c);
    open(&mut c, id);
    c.char('m').typing("zzz");
    assert!(shown(&c).is_empty());
    assert!(c.text().contains("Nessun risultato"), "{}", c.text());
    c.key(KeyCode::Enter);
    assert!(
        matches!(c.app.overlay, Some(Overlay::Form { .. })),
        "still picking"
    );
    assert!(
        c.text().contains("nessuna voce corrisponde"),
        "{}",
        c.text()
    );
    // Backspace widens it again.
    for _ in 0..3 {
        c.key(KeyCode::Backspace);
    }
    assert_eq!(shown(&c).len(), 15);
}

#[test]
fn esc_closes_the_picker_even_after_typing() {
    let mut c = console();
    let id = missing_documents(&c);
    open(&mut c, id);
    c.char('m').typing("canone").key(KeyCode::Esc);
    assert!(c.app.overlay.is_none(), "{}", c.text());
}

#[test]
fn the_list_offers_first_what_fits_the_admitted_applications() {
    let mut c = console();
    c.char('2');
    for _ in 0..20 {
        if c.app.screens.inbox.filter == Filter::State(State::Ammessa) {
            break;
        }
        c.key(KeyCode::Right);
    }
    assert_eq!(c.app.screens.inbox.filter, Filter::State(State::Ammessa));
    c.char('m');
    let shown = shown(&c);
    let first: Vec<&str> = shown
        .iter()
        .take_while(|(_, fits)| *fits)
        .map(|(t, _)| t.as_str())
        .collect();
    assert_eq!(
        first[..2],
        [
            "Pubblicazione graduatoria provvisoria",
            "Pubblicazione graduatoria definitiva"
        ]
    );
    assert_eq!(shown.len(), 15);
}
