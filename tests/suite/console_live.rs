//! A console told of what another console committed (`Msg::Elsewhere`, as the shared
//! console's server sends it): it reads again what it shows, its cursor and selection where
//! they were; and the home screen's line of who else is connected.

use crate::common;

use alloggi::domain::{Command, Context};
use alloggi::tui::app::Msg;
use alloggi::tui::screens::ScreenId;
use common::console::Console;
use common::*;
use crossterm::event::KeyCode;

fn bianchi(console: &Console) -> Context {
    Context {
        actor: "bianchi".to_string(),
        on_behalf_of: None,
        now: console.app.now(),
    }
}

/// Runs `command` as another console would, then hands the console the news of it.
fn elsewhere(console: &mut Console, command: Command) {
    let seq = console.office.audit_head_seq().expect("audit head");
    let ctx = bianchi(console);
    console
        .office
        .execute(&ctx, &command)
        .expect("committed elsewhere");
    let news = console.office.news_since(seq).expect("news");
    console.app.update(Msg::Elsewhere(news));
    console.settle();
}

fn cursor_id(console: &Console) -> Option<alloggi::domain::ApplicationId> {
    let inbox = &console.app.screens.inbox;
    inbox.current(&console.app.rows).map(|r| r.id)
}

#[test]
fn a_new_application_from_another_console_shows_in_the_inbox_and_the_search_keeping_cursor_and_selection()
 {
    let mut console = Console::demo(30, (100, 30));
    console.char('2');
    // Newest first: the new application arrives before the cursor.
    console.char('O');
    console.key(KeyCode::Home);
    console.key(KeyCode::Down).key(KeyCode::Down);
    console.key(KeyCode::Char(' '));
    let selected = console.app.screens.inbox.selected.clone();
    assert_eq!(selected.len(), 1);
    let under_cursor = cursor_id(&console).expect("a row under the cursor");
    let place = console.app.screens.inbox.list.cursor;
    let rows = console.app.rows.len();

    let person = five_applicants().remove(2);
    let mut new = new_application(household(vec![person]));
    new.received_at = console.app.now();
    elsewhere(&mut console, Command::ReceiveApplication(Box::new(new)));

    assert_eq!(console.app.rows.len(), rows + 1, "the new row is in");
    let inbox = &console.app.screens.inbox;
    assert_eq!(
        cursor_id(&console),
        Some(under_cursor),
        "the cursor stays on its application"
    );
    assert_eq!(inbox.list.cursor, place + 1, "one row further down");
    assert_eq!(place, 3, "the cursor was near the top: {place}");
    assert_eq!(inbox.selected, selected, "the selection stays");
    let screen = console.text();
    assert!(screen.contains("Bruni Carla"), "{screen}");

    // The search knows it.
    console.char('/').typing("Bruni Carla");
    let screen = console.text();
    assert!(
        screen.lines().any(|l| l.contains("Bruni Carla")),
        "{screen}"
    );
}

#[test]
fn the_open_case_is_read_again_when_another_console_changes_it() {
    let mut console = Console::demo(30, (100, 30));
    let id = console.first_where(|a| a.contact.email.is_some());
    console.app.open_case(id, ScreenId::Inbox);
    console.settle();
    let mut contact = console.store().application(id).unwrap().unwrap().contact;
    contact.email = Some("nuovo.indirizzo@example.it".into());
    elsewhere(&mut console, Command::UpdateContact { id, contact });
    let case = console
        .app
        .screens
        .case
        .current
        .as_ref()
        .expect("case open");
    assert_eq!(
        case.data.application.contact.email.as_deref(),
        Some("nuovo.indirizzo@example.it")
    );
    assert!(console.text().contains("nuovo.indirizzo@example.it"));
}

#[test]
fn the_home_screen_names_who_else_is_connected_at_80_by_24() {
    let mut console = Console::demo(30, (80, 24));
    assert!(
        !console.text().contains("Collegati"),
        "nothing in a console of its own"
    );
    console
        .app
        .update(Msg::Connected(vec!["bianchi".into(), "rossi".into()]));
    let screen = console.text();
    assert!(screen.contains("Collegati: bianchi, rossi"), "{screen}");
    // The counts and the outbox still fit below it.
    assert!(screen.contains("Totale"), "{screen}");
    assert!(screen.contains("Messaggi IO"), "{screen}");
    console.app.update(Msg::Connected(Vec::new()));
    assert!(console.text().contains("Collegati: nessun altro"));
}

/// The cruscotto's figures follow the other consoles: at once when it is shown, and on
/// returning to it when it was not (no console reads them for a screen that does not show
/// them).
#[test]
fn the_cruscotto_figures_follow_a_commit_elsewhere_now_or_once_shown() {
    use alloggi::domain::State;
    let mut console = Console::demo(40, (100, 30));
    let received = |c: &Console| {
        c.app
            .summary
            .as_ref()
            .and_then(|s| s.counts.get(&State::Ricevuta).copied())
            .unwrap_or(0)
    };
    let register = |c: &Console| {
        let id = c.first_where(|a| a.state == State::Ricevuta);
        Command::RegisterApplication {
            id,
            override_reason: None,
        }
    };
    let before = received(&console);
    assert!(before >= 2, "{before}");

    // On the cruscotto: read again at once.
    let command = register(&console);
    elsewhere(&mut console, command);
    assert_eq!(received(&console), before - 1);

    // On Domande: not read for a screen that does not show it…
    console.char('2');
    assert_eq!(console.app.screen, ScreenId::Inbox);
    let command = register(&console);
    elsewhere(&mut console, command);
    assert_eq!(
        received(&console),
        before - 1,
        "read for a screen not showing it"
    );
    // …and read once the cruscotto is shown again.
    console.char('1');
    assert_eq!(console.app.screen, ScreenId::home());
    assert_eq!(received(&console), before - 2);
}

/// The news of the console's own commit, told back a moment later, reads nothing again: the
/// case already shows it. A later commit elsewhere on the same case is read.
#[test]
fn the_news_of_a_commit_the_case_already_shows_reads_nothing_again() {
    use alloggi::office::Request;
    use alloggi::tui::app::Effect;
    let mut console = Console::demo(30, (100, 30));
    let id = console.first_where(|a| a.contact.email.is_some());
    console.app.open_case(id, ScreenId::Inbox);
    console.settle();
    let seq = console.office.audit_head_seq().expect("audit head");
    // Saved here, as the caseworker saves it: the case is read again as of this commit.
    console
        .char('e')
        .press(KeyCode::Char('u'), crossterm::event::KeyModifiers::CONTROL)
        .typing("mio.indirizzo@example.it")
        .save();
    assert!(console.text().contains("mio.indirizzo@example.it"));
    let mut contact = console.store().application(id).unwrap().unwrap().contact;
    assert_eq!(contact.email.as_deref(), Some("mio.indirizzo@example.it"));

    let reads_case = |effects: &[Effect]| {
        effects.iter().any(|effect| {
            matches!(effect, Effect::Ask(ask) if matches!(ask.request, Request::Case { .. }))
        })
    };
    let news = console.office.news_since(seq).expect("news");
    assert_eq!(news.applications, vec![id]);
    console.app.update(Msg::Elsewhere(news));
    assert!(
        !reads_case(&console.app.take_effects()),
        "the case was read again for a commit it shows"
    );

    // Someone else changes it: read again.
    contact.email = Some("altro.indirizzo@example.it".into());
    elsewhere(&mut console, Command::UpdateContact { id, contact });
    assert!(console.text().contains("altro.indirizzo@example.it"));
}

/// A case of many years (a tenancy gathers entries every month) is read with its newest
/// entries only; the timeline's last line says where the older ones are.
#[test]
fn a_long_history_is_read_from_its_newest_entries() {
    let mut console = Console::demo(30, (100, 30));
    let id = console.first_where(|a| a.contact.email.is_some());
    let ctx = bianchi(&console);
    let mut contact = console.store().application(id).unwrap().unwrap().contact;
    let before = console.store().application_events(id).unwrap().len();
    let changes = alloggi::office::CASE_TIMELINE + 10;
    for n in 0..changes {
        contact.email = Some(format!("indirizzo.{n}@example.it"));
        console
            .office
            .execute(
                &ctx,
                &Command::UpdateContact {
                    id,
                    contact: contact.clone(),
                },
            )
            .expect("saved");
    }
    let total = before + changes;
    let (newest, counted) = console
        .store()
        .application_events_newest(id, alloggi::office::CASE_TIMELINE)
        .unwrap();
    assert_eq!(counted, total);
    let all = console.store().application_events(id).unwrap();
    assert_eq!(
        newest,
        all[total - alloggi::office::CASE_TIMELINE..].to_vec()
    );

    console.app.open_case(id, ScreenId::Inbox);
    console.settle();
    let case = console
        .app
        .screens
        .case
        .current
        .as_ref()
        .expect("case open");
    assert_eq!(case.data.events.len(), alloggi::office::CASE_TIMELINE);
    assert_eq!(case.data.events_total, total);
    assert_eq!(
        case.data.version().seq,
        all[total - 1].0,
        "the newest entry is in"
    );
    let screen = console.text();
    assert!(
        screen.contains(&format!("indirizzo.{}@example.it", changes - 1)),
        "{screen}"
    );
    console.key(KeyCode::End);
    let screen = console.text();
    let older = total - alloggi::office::CASE_TIMELINE;
    assert!(
        screen.contains(&format!("… altre {older} voci meno recenti")),
        "{screen}"
    );
}
