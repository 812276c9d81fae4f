//! The Agenda screen: a day of counter appointments drawn whole on ratatui's TestBackend at a
//! fixed instant, and booking, moving and cancelling through its forms, each booking and move
//! with its IO confirmation previewed and committed together.

use crate::common;

use alloggi::domain::appointment::{Appointment, AppointmentState, Citizen, Slot};
use alloggi::domain::command::NewAppointment;
use alloggi::domain::time::Timestamp;
use alloggi::domain::{ApplicationId, Command};
use alloggi::messages::outbox::{OutboxEntry, OutboxTab};
use alloggi::store::Store;
use alloggi::tui::app::Overlay;
use alloggi::tui::keymap::Keymap;
use alloggi::tui::messaging::Messaging;
use alloggi::tui::screens::ScreenId;
use chrono::NaiveDate;
use common::console::Console;
use common::*;
use crossterm::event::{KeyCode, KeyModifiers};
use ratatui::style::{Color, Modifier};

const A1: ApplicationId = ApplicationId(1);
const A2: ApplicationId = ApplicationId(2);

/// The counter of `ComuneConfig::example()`, the booking form's default place.
const COUNTER: &str = "Via Mazzini 4, 63900 Fermo (FM)";

/// Monday 02/12/2024, 10:00 in Rome.
fn now() -> Timestamp {
    office_time()
}

fn today() -> NaiveDate {
    date(2024, 12, 2)
}

/// A time of `day` in Rome (UTC+1 in winter).
fn rome(day: NaiveDate, hour: u32, minute: u32) -> Timestamp {
    use chrono::Datelike;
    ts(day.year(), day.month(), day.day(), hour - 1, minute, 0)
}

fn neri() -> Citizen {
    Citizen {
        fiscal_code: cf("Neri", "Carla", date(1990, 5, 12), true),
        name: "Neri Carla".to_string(),
    }
}

fn book(store: &Store, citizen: Citizen, application: Option<ApplicationId>, at: Timestamp) {
    let command = Command::BookAppointment(Box::new(NewAppointment {
        citizen,
        application,
        subject: "presentare la domanda di assegnazione".to_string(),
        slot: Slot {
            at,
            place: COUNTER.to_string(),
        },
    }));
    run(store, command);
}

/// The call; Rossi Mario's application 2024/000001 and Verdi Giulia's 2024/000002; today three
/// bookings: Rossi at 11:00 (linked), Verdi at 11:30 (cancelled), Neri, with no application,
/// at 12:15.
fn seed(store: &Store) {
    run(store, Command::SaveCall(Box::new(call())));
    for household in [family(), household(vec![other_applicant()])] {
        run(
            store,
            Command::ReceiveApplication(Box::new(new_application(household))),
        );
    }
    run(store, register(A1));
    run(store, register(A2));
    let verdi = other_applicant();
    book(
        store,
        Citizen {
            fiscal_code: applicant().fiscal_code,
            name: "Rossi Mario".to_string(),
        },
        Some(A1),
        rome(today(), 11, 0),
    );
    book(
        store,
        Citizen {
            fiscal_code: verdi.fiscal_code,
            name: "Verdi Giulia".to_string(),
        },
        None,
        rome(today(), 11, 30),
    );
    book(store, neri(), None, rome(today(), 12, 15));
    let cancelled = store.appointments_on(today()).expect("today")[1].id;
    run(
        store,
        Command::CancelAppointment {
            id: cancelled,
            reason: "non può venire".to_string(),
        },
    );
}

fn console_sized(color: bool, size: (u16, u16)) -> Console {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(dir.path()).expect("open store");
    seed(&store);
    Console::new(
        store,
        dir,
        Keymap::default_keymap().expect("default keymap"),
        color,
        size,
        Box::new(now),
    )
}

/// On the Agenda screen, at 80×24.
fn console() -> Console {
    let mut console = console_sized(true, (80, 24));
    console.char('5');
    console
}

/// What the agenda tests read and do on the console beyond the shared harness.
trait AgendaConsole {
    fn retype(&mut self, text: &str) -> &mut Self;
    fn day(&self, day: NaiveDate) -> Vec<Appointment>;
    fn queued(&self) -> Vec<OutboxEntry>;
    fn kinds_since(&self, audit_before: usize) -> Vec<&'static str>;
    fn form_error(&self) -> Option<String>;
    fn field_errors(&self) -> Vec<(&'static str, String)>;
    fn showing_form(&self) -> bool;
    fn showing_preview(&self) -> bool;
    fn fill_booking(&mut self, fiscal_code: &str, name: &str, time: &str) -> &mut Self;
    fn form_values(&self) -> Vec<String>;
    fn form_focus(&self) -> Option<usize>;
}

impl AgendaConsole for Console {
    /// Replaces the focused field's text.
    fn retype(&mut self, text: &str) -> &mut Self {
        self.press(KeyCode::Char('u'), KeyModifiers::CONTROL)
            .typing(text)
    }

    fn day(&self, day: NaiveDate) -> Vec<Appointment> {
        self.store().appointments_on(day).expect("appointments")
    }

    fn queued(&self) -> Vec<OutboxEntry> {
        self.store()
            .outbox_page(OutboxTab::Queued, None, 100)
            .expect("outbox")
    }

    fn kinds_since(&self, audit_before: usize) -> Vec<&'static str> {
        let len = self.store().audit_len();
        self.store()
            .audit_events(audit_before as u64 + 1, len - audit_before)
            .expect("audit")
            .iter()
            .map(|(_, event)| event.kind_name())
            .collect()
    }

    fn form_error(&self) -> Option<String> {
        match &self.app.overlay {
            Some(Overlay::Form { form, .. }) => form.error.clone(),
            _ => None,
        }
    }

    fn field_errors(&self) -> Vec<(&'static str, String)> {
        match &self.app.overlay {
            Some(Overlay::Form { form, .. }) => form
                .fields
                .iter()
                .filter_map(|f| f.error.clone().map(|e| (f.label, e)))
                .collect(),
            _ => Vec::new(),
        }
    }

    fn form_values(&self) -> Vec<String> {
        match &self.app.overlay {
            Some(Overlay::Form { form, .. }) => {
                form.fields.iter().map(|f| f.value().to_string()).collect()
            }
            _ => Vec::new(),
        }
    }

    fn form_focus(&self) -> Option<usize> {
        match &self.app.overlay {
            Some(Overlay::Form { form, .. }) => Some(form.focus),
            _ => None,
        }
    }

    fn showing_form(&self) -> bool {
        matches!(self.app.overlay, Some(Overlay::Form { .. }))
    }

    fn showing_preview(&self) -> bool {
        matches!(self.app.overlay, Some(Overlay::Preview(_)))
    }

    /// `n`, then the citizen and the time; the other fields keep their defaults.
    fn fill_booking(&mut self, fiscal_code: &str, name: &str, time: &str) -> &mut Self {
        self.char('n')
            .typing(fiscal_code)
            .key(KeyCode::Tab)
            .typing(name)
            .key(KeyCode::Tab)
            .key(KeyCode::Tab)
            .key(KeyCode::Tab)
            .key(KeyCode::Tab)
            .typing(time)
    }
}

fn bianchi_cf() -> String {
    spouse().fiscal_code.as_str().to_string()
}

/// Rossi's linked booking under the cursor, Verdi's struck with its reason, Neri's without a
/// protocol; the day line counts them.
#[test]
fn a_day_with_three_bookings_one_cancelled() {
    for (variant, size) in [("80x24", (80, 24)), ("120x40", (120, 40))] {
        let mut console = console_sized(true, size);
        console.char('5');
        insta::assert_snapshot!(format!("agenda_{variant}"), console.text());
    }
}

#[test]
fn the_cancelled_booking_is_struck_and_named_without_colour() {
    let mut c = console_sized(false, (80, 24));
    c.char('5');
    let text = c.text();
    assert!(text.contains("11:30  2024-000002  Verdi Giulia"), "{text}");
    assert!(text.contains("annullato — non pu"), "{text}");
    assert!(text.contains("3 appuntamenti · 1 annullato"), "{text}");
    let buffer = c.buffer();
    let struck = buffer
        .content
        .iter()
        .filter(|cell| cell.modifier.contains(Modifier::CROSSED_OUT))
        .count();
    assert!(struck > 0, "the cancelled row is struck through");
    assert!(
        buffer
            .content
            .iter()
            .all(|cell| matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset)),
        "no colour with NO_COLOR"
    );
}

#[test]
fn the_booking_form() {
    for (variant, size) in [("80x24", (80, 24)), ("120x40", (120, 40))] {
        let mut console = console_sized(true, size);
        console.char('5').char('n').typing("RSSMRA");
        insta::assert_snapshot!(format!("agenda_prenota_{variant}"), console.text());
    }
}

#[test]
fn the_confirmation_preview() {
    for (variant, size) in [("80x24", (80, 24)), ("120x40", (120, 40))] {
        let mut console = console_sized(true, size);
        console
            .char('5')
            .fill_booking(&bianchi_cf(), "Bianchi Anna", "16:45")
            .key(KeyCode::Enter);
        assert!(console.showing_preview(), "{}", console.text());
        insta::assert_snapshot!(format!("agenda_anteprima_{variant}"), console.text());
    }
}

#[test]
fn booking_through_the_form_commits_the_appointment_and_its_message_together() {
    let mut c = console();
    let audit_before = c.store().audit_len();
    c.fill_booking(&bianchi_cf(), "Bianchi Anna", "16:45")
        .key(KeyCode::Enter);
    assert!(c.showing_preview());
    // Nothing is written before Enter on the preview.
    assert_eq!(c.store().audit_len(), audit_before);
    assert_eq!(c.day(today()).len(), 3);

    c.key(KeyCode::Enter);
    assert!(c.app.overlay.is_none());
    let day = c.day(today());
    assert_eq!(day.len(), 4);
    let booked = &day[3];
    assert_eq!(booked.citizen.fiscal_code.as_str(), bianchi_cf());
    assert_eq!(booked.citizen.name, "Bianchi Anna");
    assert_eq!(booked.application, None);
    assert_eq!(booked.subject, "presentare la domanda di assegnazione");
    assert_eq!(booked.slot.place, COUNTER);
    assert_eq!(booked.slot.at, rome(today(), 16, 45));
    assert_eq!(booked.booked_by, ACTOR);

    let queued = c.queued();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].template, "appuntamento_domanda");
    assert_eq!(queued[0].addressee.fiscal_code, bianchi_cf());
    assert!(
        queued[0].message.content.markdown.contains("16:45"),
        "{}",
        queued[0].message.content.markdown
    );
    assert_eq!(
        c.kinds_since(audit_before),
        ["appuntamento_prenotato", "messaggio_accodato"]
    );
    // The new booking is listed, under the cursor.
    assert_eq!(c.app.screens.agenda.appointments.len(), 4);
    assert_eq!(
        c.app.screens.agenda.current().map(|a| a.id),
        Some(booked.id)
    );
}

#[test]
fn escaping_the_preview_returns_to_the_form_with_what_was_typed_and_writes_nothing() {
    let mut c = console();
    let audit_before = c.store().audit_len();
    c.fill_booking(&bianchi_cf(), "Bianchi Anna", "16:45")
        .key(KeyCode::Enter)
        .key(KeyCode::Esc);
    assert!(c.showing_form(), "{}", c.text());
    assert_eq!(
        c.form_values(),
        [
            bianchi_cf().as_str(),
            "Bianchi Anna",
            "presentare la domanda di assegnazione",
            COUNTER,
            "02/12/2024",
            "16:45"
        ]
    );
    assert_eq!(c.store().audit_len(), audit_before);
    assert!(c.queued().is_empty());
    assert_eq!(c.day(today()).len(), 3);

    // The time changed, the message is shown again and Enter commits it.
    c.retype("17:00").key(KeyCode::Enter);
    assert!(c.showing_preview(), "{}", c.text());
    c.key(KeyCode::Enter);
    assert_eq!(c.day(today())[3].slot.at, rome(today(), 17, 0));
}

#[test]
fn a_fiscal_code_with_an_application_fills_the_name_and_links_the_booking() {
    let mut c = console();
    let verdi = other_applicant().fiscal_code.as_str().to_string();
    c.char('n').typing(&verdi);
    assert_eq!(c.form_values()[1], "Verdi Giulia");
    let text = c.text();
    assert!(
        text.contains("sarà collegato alla domanda 2024/000002"),
        "{text}"
    );
    insta::assert_snapshot!("agenda_prenota_domanda_trovata_80x24", text);
    // Codice fiscale, four Tabs to the time, the time, Enter for the message, Enter.
    c.key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .typing("16:45")
        .key(KeyCode::Enter);
    assert!(c.showing_preview(), "{}", c.text());
    c.key(KeyCode::Enter);
    let booked = &c.day(today())[3];
    assert_eq!(booked.citizen.name, "Verdi Giulia");
    assert_eq!(booked.application, Some(A2));
}

#[test]
fn a_name_typed_by_hand_stays_and_a_code_without_application_links_nothing() {
    let mut c = console();
    let verdi = other_applicant().fiscal_code.as_str().to_string();
    c.char('n')
        .key(KeyCode::Tab)
        .typing("Verdi G.")
        .press(KeyCode::BackTab, KeyModifiers::SHIFT)
        .typing(&verdi);
    assert_eq!(c.form_values()[1], "Verdi G.");
    // Another code: the application found before is no longer linked.
    c.retype(&bianchi_cf());
    assert!(!c.text().contains("sarà collegato"), "{}", c.text());
    c.key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .typing("16:45")
        .key(KeyCode::Enter)
        .key(KeyCode::Enter);
    let booked = &c.day(today())[3];
    assert_eq!(booked.citizen.name, "Verdi G.");
    assert_eq!(booked.application, None);
}

#[test]
fn shift_tab_moves_to_the_previous_field() {
    let mut c = console();
    c.char('n').key(KeyCode::Tab).key(KeyCode::Tab);
    assert_eq!(c.form_focus(), Some(2));
    // As terminals send it: BackTab with Shift held.
    c.press(KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(c.form_focus(), Some(1));
    c.press(KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(c.form_focus(), Some(0));
}

#[test]
fn the_default_day_is_never_a_sunday_or_a_national_holiday() {
    // Sunday 08/12/2024, also the Immaculate Conception: Monday 09/12/2024 is proposed.
    let mut c = console();
    for _ in 0..6 {
        c.key(KeyCode::Right);
    }
    c.char('n');
    assert_eq!(c.form_values()[4], "09/12/2024");
    // Christmas, then Saint Stephen: Friday 27/12/2024.
    let mut c = console();
    for _ in 0..23 {
        c.key(KeyCode::Right);
    }
    c.char('n');
    assert_eq!(c.form_values()[4], "27/12/2024");
    // A Saturday is a working day.
    let mut c = console();
    for _ in 0..5 {
        c.key(KeyCode::Right);
    }
    c.char('n');
    assert_eq!(c.form_values()[4], "07/12/2024");
}

#[test]
fn a_slot_already_held_is_refused_in_the_form_with_the_domain_message() {
    let mut c = console();
    let audit_before = c.store().audit_len();
    c.fill_booking(&bianchi_cf(), "Bianchi Anna", "11:00")
        .key(KeyCode::Enter);
    assert!(c.showing_form(), "the form stays open to change the time");
    let error = c.form_error().expect("a refusal");
    assert!(
        error.contains("è già occupato il 02/12/2024 alle 11:00"),
        "{error}"
    );
    assert!(c.text().contains("già occupato"), "{}", c.text());
    assert_eq!(c.store().audit_len(), audit_before);

    // The focus stays on the time; the cancelled booking's slot is free.
    c.retype("11:30").key(KeyCode::Enter);
    assert!(c.showing_preview(), "{}", c.text());
}

#[test]
fn a_time_already_past_is_refused_in_the_form() {
    let mut c = console();
    c.fill_booking(&bianchi_cf(), "Bianchi Anna", "09:30")
        .key(KeyCode::Enter);
    let error = c.form_error().expect("a refusal");
    assert!(error.contains("deve essere nel futuro"), "{error}");
}

#[test]
fn every_field_is_checked_as_it_is_typed() {
    let mut c = console();
    c.char('n').typing("RSSMRA80");
    assert_eq!(c.field_errors().len(), 1, "{:?}", c.field_errors());
    c.key(KeyCode::Tab).key(KeyCode::Tab).key(KeyCode::Tab);
    // The place defaults to the counter's address.
    c.key(KeyCode::Tab).retype("01/12/2024");
    c.key(KeyCode::Tab).typing("25:00");
    let errors = c.field_errors();
    let labels: Vec<_> = errors.iter().map(|(label, _)| *label).collect();
    assert_eq!(
        labels,
        ["Codice fiscale", "Data (gg/mm/aaaa)", "Ora (hh:mm)"],
        "{errors:?}"
    );
    assert_eq!(errors[1].1, "la data è già passata");
    assert_eq!(errors[2].1, "un'ora come 09:30");
    let audit_before = c.store().audit_len();
    c.press(KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(c.showing_form());
    assert!(c.form_error().is_some());
    // The empty name is required too.
    assert!(
        c.field_errors()
            .iter()
            .any(|(label, e)| *label == "Cognome e nome" && e == "obbligatorio"),
        "{:?}",
        c.field_errors()
    );
    assert_eq!(c.store().audit_len(), audit_before);
}

#[test]
fn rescheduling_moves_the_booking_and_queues_a_new_confirmation() {
    let mut c = console();
    let rossi = c.day(today())[0].clone();
    let audit_before = c.store().audit_len();
    c.char('r');
    assert!(c.showing_form());
    // Day, time and place come from the booking.
    c.retype("03/12/2024")
        .key(KeyCode::Enter)
        .retype("09:15")
        .key(KeyCode::Enter)
        .key(KeyCode::Enter);
    assert!(c.showing_preview(), "{}", c.text());
    assert!(c.text().contains("03/12/2024"), "{}", c.text());
    c.key(KeyCode::Enter);

    let moved = c
        .store()
        .appointment(rossi.id)
        .expect("read")
        .expect("kept");
    assert_eq!(moved.slot.at, rome(date(2024, 12, 3), 9, 15));
    assert_eq!(moved.slot.place, COUNTER);
    assert_eq!(moved.booking_number, rossi.booking_number);
    assert_eq!(c.day(today()).len(), 2);
    assert_eq!(c.day(date(2024, 12, 3)).len(), 1);
    let queued = c.queued();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].template, "appuntamento_domanda");
    assert_eq!(queued[0].application, Some(A1));
    assert!(queued[0].message.content.markdown.contains("03/12/2024"));
    assert_eq!(
        c.kinds_since(audit_before),
        ["appuntamento_spostato", "messaggio_accodato"]
    );
    // The agenda stays on today, without the booking moved away.
    assert_eq!(c.app.screens.agenda.day, Some(today()));
    assert_eq!(c.app.screens.agenda.appointments.len(), 2);
}

#[test]
fn a_cancelled_booking_cannot_be_moved_or_cancelled_again() {
    let mut c = console();
    c.key(KeyCode::Down);
    c.char('r');
    assert!(!c.showing_form());
    c.char('x');
    assert!(!c.showing_form());
    let (message, error) = c.app.status.clone().expect("a reason");
    assert!(error);
    assert!(message.contains("è annullato"), "{message}");
}

#[test]
fn cancelling_needs_a_reason_and_frees_the_slot() {
    let mut c = console();
    let rossi = c.day(today())[0].clone();
    let audit_before = c.store().audit_len();
    c.char('x');
    assert!(c.showing_form());
    // The form names the booking it cancels.
    let text = c.text();
    assert!(
        text.contains("2024-000001 · 02/12/2024 11:00 · Rossi Mario"),
        "{text}"
    );
    c.key(KeyCode::Enter);
    assert!(c.showing_form(), "no reason, no cancellation");
    assert!(c.form_error().is_some());
    assert_eq!(c.store().audit_len(), audit_before);

    c.typing("ha rinunciato alla domanda").key(KeyCode::Enter);
    assert!(c.app.overlay.is_none(), "{}", c.text());
    let cancelled = c
        .store()
        .appointment(rossi.id)
        .expect("read")
        .expect("kept");
    assert!(matches!(
        cancelled.state,
        AppointmentState::Annullato { ref reason, .. } if reason == "ha rinunciato alla domanda"
    ));
    assert_eq!(c.kinds_since(audit_before), ["appuntamento_annullato"]);
    assert!(c.queued().is_empty(), "a cancellation fires no message");
    assert!(c.store().appointments_of(A1).expect("read").is_empty());
    assert!(c.text().contains("2 annullati"), "{}", c.text());

    // 11:00 at the counter is free again.
    c.fill_booking(&bianchi_cf(), "Bianchi Anna", "11:00")
        .key(KeyCode::Enter);
    assert!(c.showing_preview(), "{}", c.text());
    c.key(KeyCode::Enter);
    assert_eq!(c.day(today()).len(), 4);
}

#[test]
fn left_and_right_change_day_and_t_returns_to_today() {
    let mut c = console();
    assert_eq!(c.app.screens.agenda.day, Some(today()));
    c.key(KeyCode::Right);
    assert_eq!(c.app.screens.agenda.day, Some(date(2024, 12, 3)));
    assert!(c.app.screens.agenda.appointments.is_empty());
    let text = c.text();
    assert!(
        text.contains("Agenda · martedì 03/12/2024 · domani"),
        "{text}"
    );
    assert!(
        text.contains("Nessun appuntamento in questo giorno"),
        "{text}"
    );
    c.key(KeyCode::Left).key(KeyCode::Left);
    assert_eq!(c.app.screens.agenda.day, Some(date(2024, 12, 1)));
    assert!(c.text().contains("domenica 01/12/2024 · ieri"));
    c.char('t');
    assert_eq!(c.app.screens.agenda.day, Some(today()));
    assert_eq!(c.app.screens.agenda.appointments.len(), 3);
}

#[test]
fn a_booking_made_for_another_day_is_shown_on_its_day() {
    let mut c = console();
    c.char('n')
        .typing(&bianchi_cf())
        .key(KeyCode::Tab)
        .typing("Bianchi Anna")
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .retype("04/12/2024")
        .key(KeyCode::Tab)
        .typing("9.30")
        .key(KeyCode::Enter)
        .key(KeyCode::Enter);
    let day = c.day(date(2024, 12, 4));
    assert_eq!(day.len(), 1);
    assert_eq!(day[0].slot.at, rome(date(2024, 12, 4), 9, 30));
    assert_eq!(c.app.screens.agenda.day, Some(date(2024, 12, 4)));
    assert_eq!(
        c.app.screens.agenda.current().map(|a| a.id),
        Some(day[0].id)
    );
}

#[test]
fn enter_on_a_linked_booking_opens_its_case_and_back_returns_to_the_agenda() {
    let mut c = console();
    c.key(KeyCode::Enter);
    assert_eq!(c.app.screen, ScreenId::Case);
    assert_eq!(
        c.app
            .screens
            .case
            .current
            .as_ref()
            .map(|case| case.data.application.id),
        Some(A1)
    );
    c.key(KeyCode::Esc);
    assert_eq!(c.app.screen, ScreenId::Agenda);

    // Neri's booking has no application: Enter says so.
    c.key(KeyCode::Down).key(KeyCode::Down).key(KeyCode::Enter);
    assert_eq!(c.app.screen, ScreenId::Agenda);
    let (message, error) = c.app.status.clone().expect("a reason");
    assert!(error);
    assert!(message.contains("non è collegato"), "{message}");
}

#[test]
fn b_in_a_case_books_for_its_applicant_linked_to_the_application() {
    let mut c = console();
    // Verdi Giulia's case, from the inbox.
    c.char('2');
    for _ in 0..2 {
        if c.app.screens.inbox.current(&c.app.rows).map(|r| r.id) != Some(A2) {
            c.key(KeyCode::Down);
        }
    }
    c.key(KeyCode::Enter);
    assert_eq!(
        c.app
            .screens
            .case
            .current
            .as_ref()
            .map(|case| case.data.application.id),
        Some(A2)
    );
    c.char('b');
    assert!(c.showing_form());
    let text = c.text();
    assert!(
        text.contains(other_applicant().fiscal_code.as_str()),
        "{text}"
    );
    assert!(text.contains("Verdi Giulia"), "{text}");
    // Fiscal code, name, subject and place are given: straight to the day and time.
    c.key(KeyCode::Enter)
        .key(KeyCode::Enter)
        .key(KeyCode::Enter)
        .key(KeyCode::Enter)
        .key(KeyCode::Enter)
        .typing("15:00")
        .key(KeyCode::Enter);
    assert!(c.showing_preview(), "{}", c.text());
    c.key(KeyCode::Enter);

    let linked = c.store().appointments_of(A2).expect("read");
    assert_eq!(linked.len(), 1);
    assert_eq!(linked[0].citizen.name, "Verdi Giulia");
    assert_eq!(linked[0].slot.at, rome(today(), 15, 0));
    let queued = c.queued();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].application, Some(A2));

    // Opened from the agenda, the case returns to it with the booking listed.
    c.char('5');
    let listed = c
        .app
        .screens
        .agenda
        .appointments
        .iter()
        .any(|a| a.id == linked[0].id);
    assert!(listed);
}

#[test]
fn a_booking_from_a_case_opened_in_the_agenda_is_listed_on_return() {
    let mut c = console();
    c.key(KeyCode::Enter);
    assert_eq!(c.app.screen, ScreenId::Case);
    c.char('b')
        .key(KeyCode::Enter)
        .key(KeyCode::Enter)
        .key(KeyCode::Enter)
        .key(KeyCode::Enter)
        .key(KeyCode::Enter)
        .typing("17:00")
        .key(KeyCode::Enter)
        .key(KeyCode::Enter);
    assert_eq!(c.store().appointments_of(A1).expect("read").len(), 2);
    c.key(KeyCode::Esc);
    assert_eq!(c.app.screen, ScreenId::Agenda);
    assert_eq!(c.app.screens.agenda.appointments.len(), 4);
}

#[test]
fn without_the_comune_values_a_booking_needs_its_place_and_commits_alone() {
    let mut c = console();
    c.app.set_messaging(Messaging::default());
    c.char('n')
        .typing(&bianchi_cf())
        .key(KeyCode::Tab)
        .typing("Bianchi Anna")
        .key(KeyCode::Tab)
        .key(KeyCode::Tab);
    // No counter address to offer: the place is typed.
    let place = match &c.app.overlay {
        Some(Overlay::Form { form, .. }) => form.fields[3].input.value().to_string(),
        _ => panic!("the booking form"),
    };
    assert_eq!(place, "");
    c.typing("Sportello 2, Via Roma 1")
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .typing("16:00")
        .key(KeyCode::Enter);
    assert!(c.app.overlay.is_none(), "{}", c.text());
    let day = c.day(today());
    assert_eq!(day.len(), 4);
    assert_eq!(day[3].slot.place, "Sportello 2, Via Roma 1");
    assert!(c.queued().is_empty());
    let (message, error) = c.app.status.clone().expect("what happened");
    assert!(error);
    assert!(message.contains("messaggio IO non accodato"), "{message}");
}

/// A status message longer than the line is cut with the key that opens it, and that key shows
/// it whole over the lines it needs; the next key closes it.
#[test]
fn a_long_status_message_can_be_opened_whole() {
    let mut c = console();
    c.app.set_messaging(Messaging::default());
    c.char('n')
        .typing(&bianchi_cf())
        .key(KeyCode::Tab)
        .typing("Bianchi Anna")
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .typing("Sportello 2, Via Roma 1")
        .key(KeyCode::Tab)
        .key(KeyCode::Tab)
        .typing("16:00")
        .key(KeyCode::Enter);
    let (message, _) = c.app.status.clone().expect("what happened");
    let text = c.text();
    assert!(text.contains("Ctrl+o messaggio intero"), "{text}");
    insta::assert_snapshot!("stato_lungo_tagliato_80x24", text);

    c.press(KeyCode::Char('o'), KeyModifiers::CONTROL);
    let text = c.text();
    let shown: String = text
        .lines()
        .map(|l| l.trim().trim_start_matches('✗').trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(shown.contains(&message), "{message}\n{text}");
    insta::assert_snapshot!("stato_lungo_intero_80x24", text);

    c.key(KeyCode::Down);
    assert!(c.app.status.is_none());
    assert!(!c.text().contains("Ctrl+o"), "{}", c.text());
}
