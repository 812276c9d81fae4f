//! The console's screens, drawn whole on ratatui's TestBackend from a demo database at a fixed
//! instant: insta snapshots at 80×24, 120×40 and with NO_COLOR, and the behaviour behind them.

use crate::common;

use alloggi::demo::{DemoOptions, populate};
use alloggi::domain::fiscal_code::PersonFiscalCode;
use alloggi::domain::time::Timestamp;
use alloggi::domain::{ApplicationId, State};
use alloggi::messages::outbox::OutboxTab;
use alloggi::store::Store;
use alloggi::tui::app::{Msg, Overlay};
use alloggi::tui::keymap::{Choice, Keymap, load};
use alloggi::tui::screens::ScreenId;
use alloggi::tui::view;
use chrono::{TimeZone, Utc};
use common::console::Console;
use crossterm::event::{KeyCode, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

const APPLICATIONS: usize = 120;

fn now() -> Timestamp {
    Utc.with_ymd_and_hms(2024, 12, 2, 9, 0, 0)
        .single()
        .expect("valid instant")
}

fn console_with(keymap: Keymap, color: bool, size: (u16, u16)) -> Console {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(dir.path()).expect("open store");
    populate(
        &store,
        &DemoOptions {
            applications: APPLICATIONS,
            seed: 2024,
        },
        &mut |_, _| {},
    )
    .expect("demo data");
    Console::new(store, dir, keymap, color, size, Box::new(now))
}

fn console(color: bool, size: (u16, u16)) -> Console {
    console_with(
        Keymap::default_keymap().expect("default keymap"),
        color,
        size,
    )
}

impl Console {}

/// The three renderings every screen is checked in.
const SIZES: [(&str, bool, (u16, u16)); 3] = [
    ("80x24", true, (80, 24)),
    ("120x40", true, (120, 40)),
    ("nocolor", false, (80, 24)),
];

fn assert_no_colour(buffer: &Buffer) {
    for cell in &buffer.content {
        assert!(
            matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset),
            "a coloured cell with NO_COLOR: {cell:?}"
        );
    }
}

/// Only the 16 basic colours, so that a 16-colour terminal shows what was meant.
fn assert_sixteen_colours(buffer: &Buffer) {
    for cell in &buffer.content {
        for color in [cell.fg, cell.bg] {
            assert!(
                !matches!(color, Color::Rgb(..) | Color::Indexed(..)),
                "colour outside the 16 basic ones: {color:?}"
            );
        }
    }
}

fn shoot(name: &str, steps: impl Fn(&mut Console)) {
    for (variant, color, size) in SIZES {
        let mut console = console(color, size);
        steps(&mut console);
        let buffer = console.buffer();
        if color {
            assert_sixteen_colours(&buffer);
        } else {
            assert_no_colour(&buffer);
        }
        insta::assert_snapshot!(format!("{name}_{variant}"), console.text());
    }
}

#[test]
fn dashboard() {
    shoot("cruscotto", |_| {});
}

#[test]
fn inbox_with_cursor_and_selection() {
    shoot("domande", |c| {
        c.char('2').key(KeyCode::Down).key(KeyCode::Down).char(' ');
    });
}

#[test]
fn inbox_filtered_by_state() {
    shoot("domande_integrazione", |c| {
        c.char('2')
            .key(KeyCode::Right)
            .key(KeyCode::Right)
            .key(KeyCode::Right)
            .key(KeyCode::Right);
    });
}

#[test]
fn inbox_search() {
    shoot("ricerca", |c| {
        c.char('2').char('/').typing("ross");
    });
}

#[test]
fn case() {
    shoot("scheda", |c| {
        c.char('2').key(KeyCode::Enter);
    });
}

#[test]
fn audit_log() {
    shoot("registro", |c| {
        c.char('3');
    });
}

#[test]
fn help() {
    shoot("aiuto", |c| {
        c.char('2').char('?');
    });
}

#[test]
fn palette() {
    shoot("comandi", |c| {
        c.char('2').char(':').typing("prot");
    });
}

#[test]
fn member_form_with_inline_error() {
    shoot("modulo_componente", |c| {
        c.char('2')
            .key(KeyCode::Enter)
            .char('n')
            .typing(&wrong_check_character());
    });
}

#[test]
fn discard_confirmation() {
    shoot("conferma_scarto", |c| {
        c.char('2')
            .key(KeyCode::Enter)
            .char('e')
            .typing("x")
            .key(KeyCode::Esc);
    });
}

#[test]
fn window_too_small() {
    let console = console(true, (60, 20));
    insta::assert_snapshot!("troppo_piccola", console.text());
    assert!(console.text().contains("Finestra troppo piccola: 60×20"));
}

#[test]
fn below_the_minimum_size_only_quitting_acts() {
    let mut small = console(true, (70, 20));
    let mut untouched = console(true, (70, 20));
    let audit_before = small.store().audit_len();

    // Unseen: the list, its cursor, a review started, a confirmation.
    small
        .char('2')
        .key(KeyCode::Down)
        .char('i')
        .char('p')
        .key(KeyCode::Enter);
    assert!(small.text().contains("Finestra troppo piccola"));
    for console in [&mut small, &mut untouched] {
        console.app.update(Msg::Resize(80, 24));
        console.settle();
    }
    assert_eq!(
        small.text(),
        untouched.text(),
        "nothing acted behind the notice"
    );
    assert_eq!(small.store().audit_len(), audit_before);
    assert!(!small.app.quit);

    small.app.update(Msg::Resize(70, 20));
    small.press(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(small.app.quit, "quitting still works");
}

/// A valid codice fiscale with its check character changed.
fn wrong_check_character() -> String {
    let valid = "RSSMRA80A41D542";
    let check = PersonFiscalCode::check_char(valid).expect("check character");
    let wrong = if check == 'A' { 'B' } else { 'A' };
    format!("{valid}{wrong}")
}

// ---- behaviour ------------------------------------------------------------------------------

fn cursor_row(console: &Console) -> Option<ApplicationId> {
    console
        .app
        .screens
        .inbox
        .current(&console.app.rows)
        .map(|r| r.id)
}

#[test]
fn the_cursor_row_is_visible_without_colour() {
    let mut console = console(false, (80, 24));
    console.char('2').key(KeyCode::Down);
    let buffer = console.buffer();
    let width = usize::from(buffer.area.width);
    let row = buffer
        .content
        .chunks(width)
        .find(|line| line.first().is_some_and(|c| c.symbol() == "▶"))
        .expect("a row marked ▶");
    assert!(
        row.iter()
            .take(60)
            .all(|c| c.modifier.contains(Modifier::REVERSED)),
        "the cursor row is drawn in reverse video"
    );
}

#[test]
fn escape_leaves_the_search_and_restores_list_and_cursor() {
    let mut console = console(true, (80, 24));
    console.char('2').key(KeyCode::Down).key(KeyCode::Down);
    let before_row = cursor_row(&console);
    let before_view = console.app.screens.inbox.view.clone();
    console.char('/').typing("ross");
    assert!(console.app.screens.inbox.view.len() < before_view.len());
    assert!(
        console
            .app
            .screens
            .inbox
            .view
            .iter()
            .filter_map(|i| console.app.rows.row(*i))
            .take(3)
            .all(|r| r.name.to_lowercase().contains('r'))
    );
    console.key(KeyCode::Esc);
    assert!(console.app.screens.inbox.search.is_none());
    assert_eq!(console.app.screens.inbox.view, before_view);
    assert_eq!(cursor_row(&console), before_row);
}

#[test]
fn a_search_by_fiscal_code_finds_the_application() {
    let mut console = console(true, (80, 24));
    console.char('2');
    let target = console.app.rows[57].clone();
    console.char('/').typing(&target.fiscal_code);
    assert_eq!(
        console
            .app
            .screens
            .inbox
            .current(&console.app.rows)
            .map(|r| r.id),
        Some(target.id),
        "the exact codice fiscale ranks first"
    );
    console.key(KeyCode::Enter).key(KeyCode::Enter);
    assert_eq!(console.app.screen, ScreenId::Case);
}

#[test]
fn batch_registration_of_the_selected_applications() {
    let mut console = console(true, (80, 24));
    console.char('2').key(KeyCode::Right); // Ricevute
    let received = console.app.screens.inbox.view.len();
    assert!(received >= 2, "the demo has received applications");
    let ids: Vec<ApplicationId> = console.app.screens.inbox.view[..2]
        .iter()
        .filter_map(|i| console.app.rows.row(*i).map(|r| r.id))
        .collect();
    console.char(' ').char(' ').char('p');
    // Nothing happens before the count is confirmed.
    assert!(
        console.text().contains("Protocollare 2 domande?"),
        "{}",
        console.text()
    );
    assert_eq!(console.app.rows.count_in(Some(State::Ricevuta)), received);
    console.char('s');
    let store = console.store();
    for id in &ids {
        let application = store.application(*id).expect("read").expect("exists");
        // Late applications need a reason and are refused in a batch; the others are registered.
        if application.late {
            assert_eq!(application.state, State::Ricevuta);
        } else {
            assert_eq!(application.state, State::Protocollata);
            assert!(application.protocol.is_some());
        }
    }
    let (message, _) = console.app.status.clone().expect("a report");
    assert!(message.contains("aggiornate"), "{message}");
    assert!(console.app.screens.inbox.selected.is_empty() || message.contains("rifiutate"));
    // The tab counts follow the commands without reloading.
    assert!(console.app.rows.count_in(Some(State::Ricevuta)) < received);
}

#[test]
fn the_contact_form_saves_through_a_command_and_the_audit_log() {
    let mut console = console(true, (80, 24));
    console.char('2').key(KeyCode::Enter);
    let id = console
        .app
        .screens
        .case
        .current
        .as_ref()
        .expect("case open")
        .data
        .application
        .id;
    let audit_before = console.store().audit_len();
    console.char('e');
    // Replace the email: Ctrl+u clears the field.
    console
        .press(KeyCode::Char('u'), KeyModifiers::CONTROL)
        .typing("maria.rossi@example.it")
        .press(KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(
        console.app.overlay.is_none(),
        "the form closed after saving"
    );
    let saved = console
        .store()
        .application(id)
        .expect("read")
        .expect("exists");
    assert_eq!(
        saved.contact.email.as_deref(),
        Some("maria.rossi@example.it")
    );
    assert_eq!(console.store().audit_len(), audit_before + 1);
    assert!(console.text().contains("recapiti modificati"));
}

#[test]
fn an_invalid_field_blocks_saving_and_says_why() {
    let mut console = console(true, (80, 24));
    console.char('2').key(KeyCode::Enter).char('e');
    let audit_before = console.store().audit_len();
    console
        .press(KeyCode::Char('u'), KeyModifiers::CONTROL)
        .typing("non-una-email")
        .press(KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(matches!(console.app.overlay, Some(Overlay::Form { .. })));
    assert!(console.text().contains("non è un indirizzo valido"));
    assert_eq!(console.store().audit_len(), audit_before);
}

#[test]
fn unsaved_input_is_discarded_only_after_confirmation() {
    let mut console = console(true, (80, 24));
    console
        .char('2')
        .key(KeyCode::Enter)
        .char('n')
        .typing("Ros");
    console.key(KeyCode::Esc);
    assert!(console.text().contains("modifiche non salvate"));
    console.char('n');
    assert!(
        matches!(&console.app.overlay, Some(Overlay::Form { confirming: false, form }) if form.dirty),
        "No keeps the form and its input"
    );
    console.key(KeyCode::Esc).char('s');
    assert!(console.app.overlay.is_none());
    // An untouched form closes at once.
    console.char('n').key(KeyCode::Esc);
    assert!(console.app.overlay.is_none());
}

#[test]
fn the_palette_runs_the_chosen_action() {
    let mut console = console(true, (80, 24));
    console.char(':').typing("registro").key(KeyCode::Enter);
    assert_eq!(console.app.screen, ScreenId::Audit);
    assert!(console.app.overlay.is_none());
    console
        .press(KeyCode::Char('p'), KeyModifiers::CONTROL)
        .typing("domande")
        .key(KeyCode::Enter);
    assert_eq!(console.app.screen, ScreenId::Inbox);
}

#[test]
fn enter_in_the_palette_does_not_quit_and_quitting_from_it_asks() {
    let mut console = console(true, (80, 24));
    console.char(':');
    assert_ne!(
        console.app.palette_entries("").first().map(|(a, _)| *a),
        Some(alloggi::tui::actions::Action::Quit),
        "the palette does not offer leaving first"
    );
    console.key(KeyCode::Enter);
    assert!(!console.app.quit);
    console.key(KeyCode::Esc);
    console.char(':').typing("esci").key(KeyCode::Enter);
    assert!(!console.app.quit, "asked first");
    assert!(
        console.text().contains("Uscire dalla console?"),
        "{}",
        console.text()
    );
    console.char('n');
    assert!(!console.app.quit);
    assert!(console.app.overlay.is_none());
    console
        .char(':')
        .typing("esci")
        .key(KeyCode::Enter)
        .char('s');
    assert!(console.app.quit);
}

/// With nothing selected, a list step acts on the cursor row, after saying so and asking.
#[test]
fn a_list_step_says_how_many_applications_it_touches_and_asks() {
    let mut console = console(true, (80, 24));
    console.char('2').key(KeyCode::Right); // Ricevute
    let id = cursor_at(&console).1.expect("a received application");
    console.char('p');
    assert!(
        console.text().contains("Protocollare 1 domanda?"),
        "{}",
        console.text()
    );
    console.char('n');
    assert_eq!(
        console.store().application(id).unwrap().unwrap().state,
        State::Ricevuta
    );
    shoot("domande_conferma_passo", |c| {
        c.char('2')
            .key(KeyCode::Right)
            .char(' ')
            .char(' ')
            .char(' ')
            .char('p');
    });
}

#[test]
fn help_lists_every_key_of_the_screen_from_the_keymap() {
    let mut console = console(true, (120, 40));
    console.char('2').char('?');
    let entries = view::help_entries(&console.app);
    let keymap = &console.app.keymap;
    let inbox = alloggi::tui::keymap::Context::Screen(ScreenId::Inbox);
    for action in inbox.actions() {
        for key in keymap.keys_for(inbox, action) {
            let label = alloggi::tui::keymap::key_label(&key);
            assert!(
                entries
                    .iter()
                    .any(|(_, keys, d)| keys.contains(&label) && d == action.description()),
                "help misses {label} for {}",
                action.name()
            );
        }
    }
    // Typing filters the help.
    console.typing("cerca");
    let text = console.text();
    assert!(text.contains("cerca"));
    assert!(!text.contains("esci"), "{text}");
}

#[test]
fn the_vim_keymap_moves_with_hjkl_and_gg() {
    let keymap = load(&Choice::Vim, None).expect("vim keymap");
    let mut console = console_with(keymap, true, (80, 24));
    console.char('2').char('j').char('j').char('j');
    assert_eq!(console.app.screens.inbox.list.cursor, 3);
    console.char('k');
    assert_eq!(console.app.screens.inbox.list.cursor, 2);
    console.char('G');
    assert_eq!(console.app.screens.inbox.list.cursor, APPLICATIONS - 1);
    console.char('g');
    assert_eq!(
        console.app.screens.inbox.list.cursor,
        APPLICATIONS - 1,
        "g alone waits"
    );
    console.char('g');
    assert_eq!(console.app.screens.inbox.list.cursor, 0);
    console.char('l');
    assert_eq!(console.app.screen, ScreenId::Case);
    console.char('h');
    assert_eq!(console.app.screen, ScreenId::Inbox);
}

#[test]
fn the_audit_log_opens_the_case_of_an_event_and_filters_by_kind() {
    let mut console = console(true, (80, 24));
    console.char('3');
    assert!(!console.app.screens.audit.page.is_empty());
    let newest = console.app.screens.audit.page[0].0;
    assert!(
        console
            .app
            .screens
            .audit
            .page
            .windows(2)
            .all(|w| w[0].0 > w[1].0)
    );
    assert_eq!(newest as usize, console.store().audit_len());
    console.char('f');
    // Choose the kind field and cycle to "domanda_ammessa".
    console.key(KeyCode::Tab).key(KeyCode::Tab);
    while console
        .app
        .overlay
        .as_ref()
        .and_then(|o| match o {
            Overlay::Form { form, .. } => form.focused().map(|f| f.value().to_string()),
            _ => None,
        })
        .is_some_and(|v| v != "domanda_ammessa")
    {
        console.key(KeyCode::Right);
    }
    console.key(KeyCode::Enter);
    assert!(!console.app.screens.audit.page.is_empty());
    assert!(
        console
            .app
            .screens
            .audit
            .page
            .iter()
            .all(|(_, e)| e.kind_name() == "domanda_ammessa")
    );
    console.key(KeyCode::Enter);
    assert_eq!(console.app.screen, ScreenId::Case);
}

#[test]
fn resizing_relays_out_the_screen() {
    let mut console = console(true, (80, 24));
    console.char('2');
    let small = console.text();
    console.app.update(Msg::Resize(120, 40));
    let large = console.text();
    assert_eq!(large.lines().count(), 40);
    assert!(
        large.lines().any(|l| l.contains("Nucleo")),
        "wider terminals show more columns"
    );
    assert!(!small.lines().any(|l| l.contains("Nucleo")));
    console.app.update(Msg::Resize(70, 20));
    assert!(console.text().contains("Finestra troppo piccola: 70×20"));
}

#[test]
fn every_kind_in_the_audit_log_can_be_chosen_in_the_filter() {
    let console = console(true, (80, 24));
    let store = console.store();
    let events = store.audit_events(1, store.audit_len()).expect("audit log");
    for (_, event) in events {
        assert!(
            alloggi::domain::command::EVENT_KIND_NAMES.contains(&event.kind_name()),
            "{} missing from the filter's list",
            event.kind_name()
        );
    }
}

#[test]
fn a_protocol_given_in_the_case_is_found_by_the_search() {
    let mut console = console(true, (80, 24));
    console.char('2').key(KeyCode::Right); // Ricevute
    let id = console
        .app
        .screens
        .inbox
        .view
        .iter()
        .filter_map(|i| console.app.rows.row(*i))
        .find(|r| !r.flagged)
        .map(|r| r.id)
        .expect("a received application in the window");
    console.app.open_case(id, ScreenId::Inbox);
    console.settle();
    // Registering shows the message it fires; Enter commits both.
    console.char('p').key(KeyCode::Enter);
    let protocol = console
        .store()
        .application(id)
        .expect("read")
        .and_then(|a| a.protocol)
        .expect("registered")
        .to_string();
    console
        .key(KeyCode::Esc)
        .key(KeyCode::Left)
        .char('/')
        .typing(&protocol);
    assert_eq!(
        console
            .app
            .screens
            .inbox
            .current(&console.app.rows)
            .map(|r| r.id),
        Some(id)
    );
}

// ---- IO messages ---------------------------------------------------------------------------

fn first_in(console: &Console, state: State) -> ApplicationId {
    console.store().ids_in_state(state).expect("state index")[0]
}

fn open_first(console: &mut Console, state: State) -> ApplicationId {
    let id = first_in(console, state);
    console.app.open_case(id, ScreenId::Inbox);
    console.settle();
    id
}

#[test]
fn message_preview_before_registering() {
    shoot("anteprima_presa_in_carico", |c| {
        open_first(c, State::Ricevuta);
        c.char('p');
    });
}

#[test]
fn outbox_screen() {
    shoot("messaggi", |c| {
        c.char('4');
    });
}

#[test]
fn registering_shows_the_exact_message_and_enter_commits_both() {
    let mut c = console(true, (80, 24));
    let id = open_first(&mut c, State::Ricevuta);
    let audit_before = c.store().audit_len();
    let queued_before = c.store().outbox_counts().unwrap()[&OutboxTab::Queued];
    c.char('p');
    assert!(matches!(c.app.overlay, Some(Overlay::Preview(_))));
    // Nothing is written while the preview is open.
    assert_eq!(c.store().audit_len(), audit_before);
    assert_eq!(
        c.store().application(id).unwrap().unwrap().state,
        State::Ricevuta
    );
    let shown = c.text();
    c.key(KeyCode::Enter);
    let app = c.store().application(id).unwrap().unwrap();
    assert_eq!(app.state, State::Protocollata);
    let protocol = app.protocol.expect("protocol").to_string();
    assert!(
        shown.contains(&protocol),
        "the preview showed {protocol}: {shown}"
    );
    // The state change and the message: two audit entries, one outbox entry.
    assert_eq!(c.store().audit_len(), audit_before + 2);
    let counts = c.store().outbox_counts().unwrap();
    assert_eq!(counts[&OutboxTab::Queued], queued_before + 1);
    let entry = c
        .store()
        .outbox_page(OutboxTab::Queued, None, 1)
        .unwrap()
        .remove(0);
    assert_eq!(entry.application, Some(id));
    assert!(entry.message.content.markdown.contains(&protocol));
}

#[test]
fn escaping_a_preview_changes_nothing() {
    let mut c = console(true, (80, 24));
    let id = open_first(&mut c, State::Ricevuta);
    let audit_before = c.store().audit_len();
    c.char('p').key(KeyCode::Esc);
    assert!(c.app.overlay.is_none());
    assert_eq!(c.store().audit_len(), audit_before);
    assert_eq!(
        c.store().application(id).unwrap().unwrap().state,
        State::Ricevuta
    );
}

#[test]
fn a_batch_to_selected_applications_is_queued_once_even_when_repeated() {
    let mut c = console(true, (80, 24));
    c.char('2');
    let chosen: Vec<ApplicationId> = c.app.rows.iter().take(3).map(|r| r.id).collect();
    let select = |c: &mut Console| {
        for id in &chosen {
            c.app.screens.inbox.selected.insert(*id);
        }
    };
    select(&mut c);
    let fire = |c: &mut Console| {
        c.char('m').typing("graduatoria provvisoria");
        c.key(KeyCode::Enter);
        assert!(
            matches!(c.app.overlay, Some(Overlay::Preview(_))),
            "{}",
            c.text()
        );
        assert!(c.text().contains("3 destinatari"), "{}", c.text());
        c.key(KeyCode::Enter);
    };
    let before = c.store().outbox_counts().unwrap()[&OutboxTab::Queued];
    fire(&mut c);
    assert!(c.app.batch.is_none());
    assert_eq!(
        c.store().outbox_counts().unwrap()[&OutboxTab::Queued],
        before + 3
    );
    let status = c.app.status.clone().unwrap().0;
    assert!(status.contains("accodati 3"), "{status}");
    // Selecting the same three again and firing again queues nothing new.
    assert!(c.app.screens.inbox.selected.is_empty());
    select(&mut c);
    fire(&mut c);
    assert_eq!(
        c.store().outbox_counts().unwrap()[&OutboxTab::Queued],
        before + 3
    );
    let status = c.app.status.clone().unwrap().0;
    assert!(status.contains("già in coda 3"), "{status}");
}

#[test]
fn an_uncertain_message_is_requeued_only_with_a_reason() {
    use alloggi::domain::Context;
    use alloggi::store::Outcome;
    let mut c = console(true, (80, 24));
    let store = c.store().clone();
    let ctx = Context {
        actor: "mrossi".into(),
        on_behalf_of: None,
        now: now(),
    };
    let entry = store
        .outbox_page(OutboxTab::Queued, None, 1)
        .unwrap()
        .remove(0);
    store.outbox_mark_sending(&[entry.id], &ctx).unwrap();
    store
        .outbox_record(
            &[(
                entry.id,
                Outcome::Uncertain {
                    detail: "tempo scaduto".into(),
                },
            )],
            &ctx,
        )
        .unwrap();
    c.char('4');
    while c.app.screens.outbox.tab != OutboxTab::Uncertain {
        c.key(KeyCode::Right);
    }
    assert_eq!(c.app.screens.outbox.entries.len(), 1);
    c.char('R');
    // An empty reason is refused inside the form.
    c.press(KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(matches!(c.app.overlay, Some(Overlay::Form { .. })));
    c.typing("il cittadino non ha ricevuto nulla")
        .key(KeyCode::Enter);
    assert!(c.app.overlay.is_none(), "{}", c.text());
    let entry = store.outbox_entry(entry.id).unwrap().unwrap();
    assert!(entry.state.is_due(now()));
    let last = store.audit_events(store.audit_len() as u64, 1).unwrap();
    assert_eq!(last[0].1.kind_name(), "messaggio_riaccodato");
    assert_eq!(
        last[0].1.reason.as_deref(),
        Some("il cittadino non ha ricevuto nulla")
    );
}

/// Every screen's key bar, help and palette come from its own list of actions: the key bar
/// offers its own actions and shared ones only, the help's section of the screen lists what it
/// declares, and the palette offers the global actions and its own that can be done now.
#[test]
fn each_screen_offers_its_own_actions_in_key_bar_help_and_palette() {
    use alloggi::tui::actions::Action;
    use alloggi::tui::keymap::{Context, key_label};
    use alloggi::tui::screens::Screen;

    let mut console = console(true, (120, 40));
    let mut screens: Vec<ScreenId> = ScreenId::tabs().collect();
    screens.push(ScreenId::Case);
    for id in screens {
        if id == ScreenId::Case {
            let row = console.app.rows[0].id;
            console.app.open_case(row, ScreenId::Inbox);
            console.settle();
        } else {
            let key = console
                .app
                .keymap
                .first_key(Context::Global, Action::Go(id))
                .expect("a key for every tab");
            console.typing(&key);
        }
        assert_eq!(console.app.screen, id);
        let info = id.info();
        let own = Context::Screen(id).actions();
        assert_eq!(own, info.actions);
        let app = &console.app;
        let screen: &dyn Screen = app.screens.get(id);

        for action in view::key_bar_actions(app) {
            assert!(
                !matches!(action, Action::Screen(_)) || own.contains(&action),
                "{}: the key bar offers {}, which it does not declare",
                info.title,
                action.name()
            );
        }

        let help = view::help_entries(app);
        let section: Vec<&(String, String, String)> = help
            .iter()
            .filter(|(s, _, _)| s == info.help_heading)
            .collect();
        for (_, _, description) in &section {
            assert!(
                own.iter().any(|a| a.description() == description),
                "{}: help lists «{description}», which it does not declare",
                info.title
            );
        }
        for action in own.iter().filter(|a| matches!(a, Action::Screen(_))) {
            for key in app.keymap.keys_for(Context::Screen(id), *action) {
                let label = key_label(&key);
                assert!(
                    section
                        .iter()
                        .any(|(_, keys, d)| keys.contains(&label) && d == action.description()),
                    "{}: help misses {label} for {}",
                    info.title,
                    action.name()
                );
            }
        }

        let global = Context::Global.actions();
        let view = app.view();
        let offered: Vec<Action> = app
            .palette_entries("")
            .into_iter()
            .map(|(a, _)| a)
            .collect();
        for action in &offered {
            assert!(
                global.contains(action) || own.contains(action),
                "{}: the palette offers {}, which is neither global nor its own",
                info.title,
                action.name()
            );
        }
        for action in &own {
            assert_eq!(
                offered.contains(action),
                screen.available(*action, &view),
                "{}: the palette and what the screen offers now disagree on {}",
                info.title,
                action.name()
            );
        }
    }
}

/// An office whose answer to the Graduatoria's read is held back until the test opens the
/// gate: a slow read of a large database, on demand.
struct Gated {
    office: alloggi::office::Office,
    open: std::sync::Mutex<bool>,
    opened: std::sync::Condvar,
    /// Reads of the ranking that reached the office.
    held: std::sync::atomic::AtomicUsize,
}

impl Gated {
    fn open(&self) {
        *self.open.lock().expect("gate") = true;
        self.opened.notify_all();
    }

    fn held(&self) -> usize {
        self.held.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl alloggi::office::Serve for Gated {
    fn serve(
        &self,
        ctx: &alloggi::domain::Context,
        request: alloggi::office::Request,
        stop: &std::sync::atomic::AtomicBool,
        progress: &mut dyn FnMut(alloggi::office::Progress),
    ) -> alloggi::office::Reply {
        if request == alloggi::office::Request::RankingData {
            self.held.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let open = self.open.lock().expect("gate");
            // Bounded, so that a console that waits for this read fails the test, not hangs it.
            let _open = self
                .opened
                .wait_timeout_while(open, std::time::Duration::from_secs(30), |open| !*open)
                .expect("gate");
        }
        self.office.serve(ctx, request, stop, progress)
    }
}

/// `update` never waits for a slow read: while the office, reached through the console's own
/// adapter on tokio's blocking pool, still holds the Graduatoria's figures back, keys are
/// handled at once and the screen says it is waiting; the answer arriving late is applied and
/// moves nobody.
#[test]
fn a_key_is_handled_at_once_while_a_slow_read_runs() {
    use alloggi::office::Local;
    use alloggi::tui::run_effects;
    use crossterm::event::KeyEvent;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    let mut console = console(true, (120, 40));
    let gate = Arc::new(Gated {
        office: console.office.clone(),
        open: std::sync::Mutex::new(false),
        opened: std::sync::Condvar::new(),
        held: std::sync::atomic::AtomicUsize::new(0),
    });
    let office = Local::new(gate.clone());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_time()
        .build()
        .expect("runtime");
    let _inside = runtime.enter();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let wake = tokio::sync::Notify::new();
    let press = |c: &mut Console, code: KeyCode| {
        c.app
            .update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        run_effects(c.app.take_effects(), &office, &tx, &wake);
    };

    press(&mut console, KeyCode::Char('7'));
    assert_eq!(console.app.screen, ScreenId::Ranking);
    let started = Instant::now();
    while gate.held() == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the read reaches the office"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(console.app.screens.ranking.data.is_none());
    assert!(
        console.text().contains("caricamento…"),
        "the screen says it is waiting:\n{}",
        console.text()
    );

    // The read is still held in the office: the keys are handled at once all the same.
    press(&mut console, KeyCode::Char('?'));
    assert!(matches!(console.app.overlay, Some(Overlay::Help(_))));
    press(&mut console, KeyCode::Esc);
    assert!(console.app.overlay.is_none());
    press(&mut console, KeyCode::Char('1'));
    assert_eq!(console.app.screen, ScreenId::Dashboard);
    assert!(console.app.screens.ranking.data.is_none());
    assert_eq!(gate.held(), 1, "the read was not asked again");

    gate.open();
    let started = Instant::now();
    while console.app.screens.ranking.data.is_none() {
        let left = Duration::from_secs(10).saturating_sub(started.elapsed());
        let message = runtime
            .block_on(tokio::time::timeout(left, rx.recv()))
            .expect("the reply arrives")
            .expect("the channel is open");
        console.app.update(message);
        run_effects(console.app.take_effects(), &office, &tx, &wake);
    }
    assert_eq!(console.app.screen, ScreenId::Dashboard);
    assert!(!console.text().contains("caricamento…"));
}

/// Paging the log quickly: the reply to an older request arriving after a newer one's is
/// stale, and never replaces the page asked last.
#[test]
fn a_stale_page_of_the_audit_log_never_overwrites_a_newer_one() {
    use alloggi::tui::app::Effect;
    use crossterm::event::KeyEvent;

    let mut console = console(true, (80, 24));
    console.char('3');
    let newest = console.app.screens.audit.page.clone();
    assert!(!newest.is_empty());
    let press = |c: &mut Console, code: KeyCode| -> Vec<Effect> {
        c.app
            .update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        c.app.take_effects()
    };
    // An older page asked, then the newest asked again before the first reply came.
    let older = press(&mut console, KeyCode::PageDown);
    let again = press(&mut console, KeyCode::Home);
    assert_eq!((older.len(), again.len()), (1, 1));
    let office = console.office.clone();
    let deliver = |c: &mut Console, effects: Vec<Effect>| {
        for effect in effects {
            alloggi::tui::perform(effect, &office, &mut |m| {
                c.app.update(m);
            });
        }
    };
    deliver(&mut console, again);
    assert_eq!(console.app.screens.audit.page, newest);
    deliver(&mut console, older);
    assert_eq!(
        console.app.screens.audit.page, newest,
        "the older page's late reply is dropped"
    );
    assert_eq!(console.app.screens.audit.pages, vec![None]);
}

// ---- the cursor follows its application ----------------------------------------------------

/// Position of the cursor in the list and the application under it.
fn cursor_at(console: &Console) -> (usize, Option<ApplicationId>) {
    (console.app.screens.inbox.list.cursor, cursor_row(console))
}

fn is_late(console: &Console, id: ApplicationId) -> bool {
    console
        .store()
        .application(id)
        .expect("read")
        .is_some_and(|a| a.late)
}

#[test]
fn back_from_the_case_the_cursor_is_on_the_same_application_where_the_list_moved_it() {
    let mut c = console(true, (80, 24));
    // Every application, sorted by state: registering one moves it to the registered ones.
    c.char('2').char('o').char('o').char('o');
    let target = c
        .app
        .screens
        .inbox
        .view
        .iter()
        .filter_map(|i| c.app.rows.row(*i))
        .position(|r| r.state == State::Ricevuta && !is_late(&c, r.id))
        .expect("a received application on time");
    // Sorting kept the cursor on its application: go up to the first row, then down.
    for _ in 0..c.app.screens.inbox.list.cursor {
        c.key(KeyCode::Up);
    }
    for _ in 0..target {
        c.key(KeyCode::Down);
    }
    let (before, id) = cursor_at(&c);
    let id = id.expect("a received application");
    c.key(KeyCode::Enter);
    assert_eq!(c.app.screen, ScreenId::Case);
    c.char('p').key(KeyCode::Enter);
    assert_eq!(
        c.store().application(id).unwrap().unwrap().state,
        State::Protocollata
    );
    c.key(KeyCode::Esc);
    assert_eq!(c.app.screen, ScreenId::Inbox);
    let (after, under) = cursor_at(&c);
    assert_eq!(under, Some(id), "the cursor follows the application");
    assert_ne!(
        after, before,
        "the list is sorted again: the application moved"
    );
    let name = c
        .app
        .rows
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.name.clone())
        .expect("its row");
    assert!(c.text().contains(&name), "and is on screen: {name}");
}

#[test]
fn an_application_leaving_the_list_leaves_the_cursor_on_the_nearest_row() {
    let mut c = console(true, (80, 24));
    c.char('2').key(KeyCode::Right); // Ricevute
    let view = c.app.screens.inbox.view.clone();
    let ids: Vec<ApplicationId> = view
        .iter()
        .filter_map(|i| c.app.rows.row(*i).map(|r| r.id))
        .collect();
    // A registrable application with others after it.
    let place = (2..ids.len().saturating_sub(1))
        .find(|p| !is_late(&c, ids[*p]))
        .expect("a received application on time");
    for _ in 0..place {
        c.key(KeyCode::Down);
    }
    assert_eq!(cursor_at(&c), (place, Some(ids[place])));
    c.char('p').char('s');
    assert_eq!(
        c.store().application(ids[place]).unwrap().unwrap().state,
        State::Protocollata
    );
    // It left «Ricevute»: the cursor stays at its place, on the application that followed it.
    assert_eq!(cursor_at(&c), (place, Some(ids[place + 1])));
}

// ---- nothing cut at 80×24 ------------------------------------------------------------------

#[test]
fn the_header_shows_the_determina_whole_or_leaves_it_to_the_calls_screen() {
    let mut c = console(true, (80, 24));
    let text = c.text();
    insta::assert_snapshot!("intestazione_senza_determina_80x24", text);
    let header = text.lines().next().unwrap_or_default();
    assert!(!header.contains('…'), "{header}");
    assert!(header.contains("mrossi"), "{header}");
    // Where there is room it is whole, and the Bandi screen always has it.
    let wide = console(true, (120, 40));
    let header = wide.text().lines().next().unwrap_or_default().to_string();
    assert!(
        header.contains("Determina n. 1514 del 10/09/2024"),
        "{header}"
    );
    c.char('6');
    assert!(c.text().contains("Determina n. 1514 del 10/09/2024"));
}

#[test]
fn the_outbox_tabs_scroll_rather_than_cut_a_count() {
    let mut c = console(true, (80, 24));
    c.char('4');
    // Counts of a busy office: every tab's number one digit longer than the demo's.
    for (tab, n) in [
        (OutboxTab::Queued, 1_215),
        (OutboxTab::Sent, 48_310),
        (OutboxTab::Unreachable, 12),
        (OutboxTab::Uncertain, 3),
        (OutboxTab::Failed, 10),
        (OutboxTab::Exported, 250),
    ] {
        c.app.screens.outbox.counts.insert(tab, n);
    }
    c.app.screens.outbox.tab = OutboxTab::Exported;
    let text = c.text();
    insta::assert_snapshot!("messaggi_schede_esportati_80x24", text);
    let tabs = text.lines().nth(2).unwrap_or_default();
    assert!(tabs.contains("[Esportati 250]"), "{tabs}");
    assert!(tabs.starts_with('…'), "{tabs}");
    c.app.screens.outbox.tab = OutboxTab::Queued;
    let text = c.text();
    let tabs = text.lines().nth(2).unwrap_or_default();
    assert!(tabs.contains("[In coda 1.215]"), "{tabs}");
    assert!(tabs.ends_with("│ …"), "{tabs}");
}

#[test]
fn the_dashboard_wraps_the_call_and_its_last_day() {
    let c = console(true, (80, 24));
    let text = c.text();
    insta::assert_snapshot!("cruscotto_a_capo_80x24", text);
    let top: Vec<&str> = text.lines().skip(3).take(7).collect();
    assert!(top.iter().all(|l| !l.contains('…')), "{text}");
    let joined = top.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
    assert!(
        joined.contains("Assegnazione di alloggi di edilizia residenziale pubblica sovvenzionata"),
        "{text}"
    );
    assert!(
        joined.contains("Determina n. 1514 del 10/09/2024"),
        "{text}"
    );
    assert!(joined.contains("termine 12/06/2025"), "{text}");
}

#[test]
fn registro_shows_the_whole_summary_of_the_event_under_the_cursor_at_80x24() {
    let mut c = console(true, (80, 24));
    c.char('3');
    let summary = {
        let audit = &c.app.screens.audit;
        let (_, event) = &audit.page[audit.list.cursor];
        event.summary()
    };
    assert!(summary.chars().count() > 40, "{summary}");
    let text = c.text();
    let joined = text.lines().map(str::trim).collect::<Vec<_>>().join(" ");
    assert!(joined.contains(&summary), "{summary}\n{text}");
    insta::assert_snapshot!("registro_dettaglio_80x24", text);
}

#[test]
fn messaggi_enter_shows_the_whole_title_cut_in_the_list_at_80x24() {
    let mut c = console(true, (80, 24));
    c.char('4');
    let title = {
        let outbox = &c.app.screens.outbox;
        outbox.entries[outbox.list.cursor + 1].title.clone()
    };
    let list = c.text();
    assert!(!list.contains(&title), "cut in the list: {list}");
    c.key(KeyCode::Down).key(KeyCode::Enter);
    let text = c.text();
    assert!(text.contains(&title), "{title}\n{text}");
    insta::assert_snapshot!("messaggi_titolo_intero_80x24", text);
}
