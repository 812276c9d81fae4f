//! The console's review screens and steps over a demo database: the case view with its
//! verifications, fee and appointments, the review forms, the deadline lists of the inbox and
//! the cruscotto; insta snapshots at 80×24, 120×40 and with NO_COLOR, and the behaviour behind
//! them (what each step writes to the store, the audit log and the outbox).

use crate::common;

use alloggi::demo::{DemoOptions, populate, populate_on};
use alloggi::domain::application::ExclusionReason;
use alloggi::domain::notice::NoticeNumber;
use alloggi::domain::time::{Timestamp, rome_date, start_of_day_rome};
use alloggi::domain::{ApplicationId, State};
use alloggi::messages::outbox::OutboxTab;
use alloggi::store::Store;
use alloggi::tui::app::Overlay;
use alloggi::tui::data::Summary;
use alloggi::tui::keymap::Keymap;
use alloggi::tui::rows::ReviewList;
use alloggi::tui::screens::ScreenId;
use alloggi::tui::screens::inbox::Filter;
use chrono::NaiveDate;
use common::console::Console;
use crossterm::event::{KeyCode, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::style::Color;

const APPLICATIONS: usize = 120;
const SEED: u64 = 2024;

/// 08:30 in Rome on `day`, before the counter opens: every booking of the day is still ahead.
fn morning(day: NaiveDate) -> Timestamp {
    start_of_day_rome(day) + chrono::Duration::minutes(8 * 60 + 30)
}

/// A console over the demo, its clock at the demo's today; with `on`, the demo is arranged
/// around that day instead.
fn console_on(color: bool, size: (u16, u16), on: Option<NaiveDate>) -> Console {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(dir.path()).expect("open store");
    let options = DemoOptions {
        applications: APPLICATIONS,
        seed: SEED,
    };
    let summary = match on {
        Some(day) => populate_on(&store, &options, day, &mut |_, _| {}),
        None => populate(&store, &options, &mut |_, _| {}),
    }
    .expect("demo data");
    let today = summary.intake.today;
    let now = morning(today);
    Console::new(
        store,
        dir,
        Keymap::default_keymap().expect("default keymap"),
        color,
        size,
        Box::new(move || now),
    )
}

fn console(color: bool, size: (u16, u16)) -> Console {
    console_on(color, size, None)
}

/// What the review tests read and do on the console beyond the shared harness.
trait ReviewConsole {
    fn today(&self) -> NaiveDate;
    fn summary_of_today(&mut self);
    fn open(&mut self, id: ApplicationId) -> &mut Self;
    fn inbox_on(&mut self, filter: Filter) -> &mut Self;
    fn queued(&self) -> usize;
}

impl ReviewConsole for Console {
    /// The demo's today: the day its appointments and fee deadlines are arranged around, and
    /// the day of the console's clock.
    fn today(&self) -> NaiveDate {
        rome_date(self.app.now())
    }

    /// The summary as of the console's own day: the runtime reads it for the wall clock's.
    fn summary_of_today(&mut self) {
        let summary = Summary::load(self.store(), self.today()).expect("summary");
        self.app.summary = Some(summary);
    }

    fn open(&mut self, id: ApplicationId) -> &mut Self {
        self.app.open_case(id, ScreenId::Inbox);
        self.settle();
        self
    }

    /// The inbox on `filter`, reached with the filter keys as a caseworker would.
    fn inbox_on(&mut self, filter: Filter) -> &mut Self {
        self.char('2');
        for _ in 0..20 {
            if self.app.screens.inbox.filter == filter {
                break;
            }
            self.key(KeyCode::Right);
        }
        assert_eq!(self.app.screens.inbox.filter, filter);
        self
    }

    fn queued(&self) -> usize {
        self.store()
            .outbox_counts()
            .expect("outbox counts")
            .get(&OutboxTab::Queued)
            .copied()
            .unwrap_or(0)
    }
}

/// The three renderings every screen is checked in.
const SIZES: [(&str, bool, (u16, u16)); 3] = [
    ("80x24", true, (80, 24)),
    ("120x40", true, (120, 40)),
    ("nocolor", false, (80, 24)),
];

fn assert_colours(buffer: &Buffer, color: bool) {
    for cell in &buffer.content {
        for c in [cell.fg, cell.bg] {
            if color {
                assert!(
                    !matches!(c, Color::Rgb(..) | Color::Indexed(..)),
                    "colour outside the 16 basic ones: {c:?}"
                );
            } else {
                assert!(matches!(c, Color::Reset), "a coloured cell with NO_COLOR");
            }
        }
    }
}

fn shoot(name: &str, steps: impl Fn(&mut Console)) {
    for (variant, color, size) in SIZES {
        let mut console = console(color, size);
        steps(&mut console);
        assert_colours(&console.buffer(), color);
        insta::assert_snapshot!(format!("{name}_{variant}"), console.text());
    }
}

/// The application the case view has most to say about: verifications, a fee, bookings, a
/// member shared with another application, the current home's area. Ties go to the lowest id.
fn richest_case(console: &Console) -> ApplicationId {
    let store = console.store();
    let mut best = (0, ApplicationId(0));
    for row in console.app.rows.iter() {
        let Ok(Some(app)) = store.application(row.id) else {
            continue;
        };
        // Decided applications carry their verifications too; this is a case to review.
        if matches!(app.state, State::Ammessa | State::Esclusa) {
            continue;
        }
        let shared = store.shared_members(&app).map(|s| s.len()).unwrap_or(0);
        let booked = store.appointments_of(app.id).map(|a| a.len()).unwrap_or(0);
        let score = 4 * usize::from(!app.verifications.is_empty())
            + 3 * usize::from(app.fee.is_some())
            + 3 * booked.min(1)
            + 3 * shared.min(1)
            + usize::from(app.declaration.current_home_m2.is_some())
            + app.declaration.conditions.len().min(1);
        if score > best.0 {
            best = (score, app.id);
        }
    }
    assert!(best.0 > 0, "the demo has applications to review");
    best.1
}

/// An application that may get a fee notice: registered, not excluded, none issued yet.
fn without_fee(console: &Console) -> ApplicationId {
    console.first_where(|app| {
        app.protocol.is_some() && app.fee.is_none() && app.state == State::InIstruttoria
    })
}

fn notice_number() -> String {
    NoticeNumber::aux3(1, 2_024_000_000_999)
        .expect("valid notice")
        .as_str()
        .to_string()
}

/// Opens the fee form on `id` and fills it: number, the demo's 16,00 €, the deadline offered.
fn fill_fee(console: &mut Console, id: ApplicationId) {
    console.open(id).char('f');
    assert!(matches!(console.app.overlay, Some(Overlay::Form { .. })));
    console
        .typing(&notice_number())
        .key(KeyCode::Tab)
        .press(KeyCode::Char('u'), KeyModifiers::CONTROL)
        .typing("16,00")
        .save();
}

// ---- screens --------------------------------------------------------------------------------

#[test]
fn case_under_review() {
    shoot("scheda_revisione", |c| {
        let id = richest_case(c);
        c.open(id);
    });
}

#[test]
fn verify_form() {
    shoot("modulo_verifica", |c| {
        let id = richest_case(c);
        c.open(id).char('v');
    });
}

#[test]
fn fee_notice_preview() {
    shoot("anteprima_avviso", |c| {
        let id = without_fee(c);
        fill_fee(c, id);
        assert!(matches!(c.app.overlay, Some(Overlay::Preview(_))));
    });
}

#[test]
fn overdue_integrations() {
    shoot("scadute", |c| {
        c.inbox_on(Filter::List(ReviewList::Overdue));
    });
}

#[test]
fn dashboard_with_deadlines_and_appointments() {
    shoot("cruscotto_revisione", |c| {
        c.summary_of_today();
    });
}

// ---- behaviour ------------------------------------------------------------------------------

#[test]
fn the_deadline_lists_hold_what_their_names_say() {
    let mut c = console(true, (80, 24));
    let today = c.today();
    for (list, holds) in [
        (
            ReviewList::Overdue,
            (|r: &alloggi::tui::data::Row, t| r.integration_deadline.is_some_and(|d| d < t))
                as fn(&alloggi::tui::data::Row, NaiveDate) -> bool,
        ),
        (ReviewList::FeeDue, |r, t| r.fee_due.is_some_and(|d| d >= t)),
        (ReviewList::FeeLate, |r, t| r.fee_due.is_some_and(|d| d < t)),
    ] {
        c.inbox_on(Filter::List(list));
        let expected = c.app.rows.iter().filter(|r| holds(r, today)).count();
        assert!(expected > 0, "the demo has rows for {list:?}");
        assert_eq!(c.app.screens.inbox.view.len(), expected, "{list:?}");
        assert_eq!(c.app.rows.count_list(list, today), expected, "{list:?}");
        let tab = format!("{} {expected}", list.label());
        assert!(c.text().contains(&tab), "{tab} in the tabs: {}", c.text());
        c.key(KeyCode::Esc);
    }
    // The overdue list says by how much the cursor row is late.
    c.inbox_on(Filter::List(ReviewList::Overdue));
    assert!(c.text().contains("integrazione scaduta da"), "{}", c.text());
}

#[test]
fn verifying_commits_one_audit_entry_with_the_actor() {
    let mut c = console(true, (80, 24));
    let id = c.first_where(|app| app.state == State::InIstruttoria && app.verifications.is_empty());
    let before = c.store().audit_len();
    // Space marks the first item verified; the others stay as they were.
    c.open(id).char('v').char(' ').save();
    assert!(c.app.overlay.is_none(), "{}", c.text());
    assert_eq!(c.store().audit_len(), before + 1);
    let last = c
        .store()
        .audit_events(c.store().audit_len() as u64, 1)
        .expect("audit log");
    assert_eq!(last[0].1.actor, "mrossi");
    assert_eq!(last[0].1.application_id(), Some(id));
    let app = c.store().application(id).expect("read").expect("exists");
    assert_eq!(app.verifications.len(), 1);
    assert!(
        app.verifications
            .values()
            .all(|v| v.verified && v.by == "mrossi")
    );
    assert!(c.text().contains("mrossi"), "the case shows who verified");
}

/// Keys to verify every item of an application: before, `v` and Ctrl+s once per item; now `v`,
/// Space once per item and one Ctrl+s.
#[test]
fn every_item_is_verified_in_one_form_and_one_save() {
    let mut c = console(true, (80, 24));
    let id = c.first_where(|app| {
        app.state == State::InIstruttoria
            && app.verifications.is_empty()
            && !app.declaration.conditions.is_empty()
    });
    let items = c
        .store()
        .application(id)
        .expect("read")
        .expect("exists")
        .check_items();
    assert!(items.len() > 6, "six requirements and a declared condition");
    let before = c.store().audit_len();
    c.open(id).char('v');
    for _ in &items {
        c.char(' ');
    }
    c.save();
    assert!(c.app.overlay.is_none(), "{}", c.text());
    let keys = 1 + items.len() + 1;
    assert!(
        keys < 2 * items.len(),
        "{keys} keys against {}",
        2 * items.len()
    );
    // One command: every finding with its audit entry, in one transaction.
    assert_eq!(c.store().audit_len(), before + items.len());
    let app = c.store().application(id).expect("read").expect("exists");
    assert_eq!(app.verifications.len(), items.len());
    assert!(app.verifications.values().all(|v| v.verified));
    let (status, error) = c.app.status.clone().expect("a report");
    assert!(!error, "{status}");
}

#[test]
fn a_failed_verification_needs_a_note() {
    let mut c = console(true, (80, 24));
    let id = c.first_where(|app| app.state == State::InIstruttoria && app.verifications.is_empty());
    let before = c.store().audit_len();
    // Verified, back up, then not verified: the cursor goes to its note, left empty.
    c.open(id)
        .char('v')
        .char(' ')
        .key(KeyCode::Up)
        .char(' ')
        .save();
    assert!(matches!(c.app.overlay, Some(Overlay::Form { .. })));
    assert!(c.text().contains("scrivere la nota"), "{}", c.text());
    assert_eq!(c.store().audit_len(), before);
    c.typing("ISEE scaduto").save();
    assert!(c.app.overlay.is_none(), "{}", c.text());
    let app = c.store().application(id).expect("read").expect("exists");
    assert_eq!(app.verifications.len(), 1);
    assert!(
        app.verifications
            .values()
            .all(|v| !v.verified && v.note == "ISEE scaduto")
    );
}

#[test]
fn a_refused_finding_records_none_of_the_others() {
    let mut c = console(true, (80, 24));
    let id = c.first_where(|app| app.state == State::InIstruttoria && app.verifications.is_empty());
    c.open(id).char('v').char(' ').char(' ');
    // The application is excluded meanwhile: the whole save is refused, nothing recorded.
    c.store()
        .execute(
            &alloggi::domain::Command::Exclude {
                id,
                reason: ExclusionReason::Altro,
                note: "rinuncia".into(),
            },
            &alloggi::domain::Context {
                actor: "altro".into(),
                now: c.app.now(),
                on_behalf_of: None,
            },
        )
        .expect("excluded");
    let before = c.store().audit_len();
    c.save();
    assert!(matches!(c.app.overlay, Some(Overlay::Form { .. })));
    assert_eq!(c.store().audit_len(), before);
    let app = c.store().application(id).expect("read").expect("exists");
    assert!(app.verifications.is_empty());
}

/// The integration's documents come from the call's checklist, the needed ones not received
/// ticked; Space changes one, and the request asks for exactly those ticked.
#[test]
fn an_integration_asks_for_the_documents_ticked() {
    let mut c = console(true, (80, 24));
    let id = c.first_where(|app| app.state == State::InIstruttoria);
    let app = c.store().application(id).expect("read").expect("exists");
    let call = c.store().call(&app.call).expect("read").expect("call");
    let mut expected = app.missing_documents(&call);
    let first = call.documents[0].code.clone();
    match expected.iter().position(|d| *d == first) {
        Some(i) => {
            expected.remove(i);
        }
        None => expected.insert(0, first),
    }
    assert!(!expected.is_empty());
    c.open(id).char('d').char(' ').save();
    assert!(
        matches!(c.app.overlay, Some(Overlay::Preview(_))),
        "{}",
        c.text()
    );
    assert!(c.text().contains("Documenti richiesti"), "{}", c.text());
    c.key(KeyCode::Enter);
    let app = c.store().application(id).expect("read").expect("exists");
    assert_eq!(app.state, State::IntegrazioneRichiesta);
    assert_eq!(app.integration.expect("request").documents, expected);
}

#[test]
fn integration_picker() {
    shoot("modulo_integrazione", |c| {
        let id = c.first_where(|app| app.state == State::InIstruttoria);
        c.open(id).char('d');
    });
}

/// `r` opens the documents requested; only those ticked are marked received.
#[test]
fn receiving_an_integration_marks_only_the_documents_ticked() {
    let mut c = console(true, (80, 24));
    let id = c.first_where(|app| app.state == State::InIstruttoria);
    let app = c.store().application(id).expect("read").expect("exists");
    let call = c.store().call(&app.call).expect("read").expect("call");
    let requested: Vec<String> = call.documents[..2].iter().map(|d| d.code.clone()).collect();
    c.store()
        .execute(
            &alloggi::domain::Command::RequestIntegration {
                id,
                documents: requested.clone(),
                deadline: None,
            },
            &alloggi::domain::Context {
                actor: "mrossi".into(),
                now: c.app.now(),
                on_behalf_of: None,
            },
        )
        .expect("integration requested");
    let before = c.store().audit_len();
    c.open(id).char('r');
    assert!(matches!(c.app.overlay, Some(Overlay::Form { .. })));
    assert_eq!(c.store().audit_len(), before, "nothing recorded yet");
    // Nothing ticked: refused.
    c.save();
    assert!(matches!(c.app.overlay, Some(Overlay::Form { .. })));
    assert_eq!(c.store().audit_len(), before);
    c.char(' ').save();
    assert!(c.app.overlay.is_none(), "{}", c.text());
    let app = c.store().application(id).expect("read").expect("exists");
    assert_eq!(app.state, State::InIstruttoria);
    assert!(matches!(
        app.documents.get(&requested[0]),
        Some(alloggi::domain::application::DocumentStatus::Ricevuto { .. })
    ));
    for code in &requested[1..] {
        assert!(
            !matches!(
                app.documents.get(code),
                Some(alloggi::domain::application::DocumentStatus::Ricevuto { .. })
            ),
            "{code} was not ticked"
        );
    }
}

#[test]
fn issuing_a_fee_previews_its_notice_and_enter_commits_both() {
    let mut c = console(true, (80, 24));
    let id = without_fee(&c);
    let audit = c.store().audit_len();
    let queued = c.queued();
    fill_fee(&mut c, id);
    assert!(matches!(c.app.overlay, Some(Overlay::Preview(_))));
    // Nothing is written while the preview is open.
    assert_eq!(c.store().audit_len(), audit);
    assert_eq!(c.queued(), queued);
    let shown = c.text();
    assert!(shown.contains("16,00"), "{shown}");
    c.key(KeyCode::Enter);
    assert!(c.app.overlay.is_none());
    assert_eq!(c.queued(), queued + 1);
    assert_eq!(c.store().audit_len(), audit + 2);
    let events = c
        .store()
        .audit_events(audit as u64 + 1, 2)
        .expect("audit log");
    let kinds: Vec<&str> = events.iter().map(|(_, e)| e.kind_name()).collect();
    assert_eq!(kinds, ["avviso_segreteria_emesso", "messaggio_accodato"]);
    let fee = c
        .store()
        .application(id)
        .expect("read")
        .and_then(|a| a.fee)
        .expect("fee issued");
    assert_eq!(fee.notice.as_str(), notice_number());
    assert!(c.text().contains("Spese di segreteria"), "{}", c.text());
}

#[test]
fn escaping_the_fee_preview_writes_nothing() {
    let mut c = console(true, (80, 24));
    let id = without_fee(&c);
    let audit = c.store().audit_len();
    let queued = c.queued();
    fill_fee(&mut c, id);
    // Esc on the message returns to the form, as it was filled; Esc again leaves it, once
    // the caseworker says to discard what was typed.
    c.key(KeyCode::Esc);
    assert!(
        matches!(c.app.overlay, Some(Overlay::Form { .. })),
        "{}",
        c.text()
    );
    assert!(c.text().contains(&notice_number()), "{}", c.text());
    c.key(KeyCode::Esc).char('s');
    assert!(c.app.overlay.is_none(), "{}", c.text());
    assert_eq!(c.store().audit_len(), audit);
    assert_eq!(c.queued(), queued);
    let app = c.store().application(id).expect("read").expect("exists");
    assert!(app.fee.is_none());
}

#[test]
fn a_batch_exclusion_excludes_every_marked_application_with_the_reason() {
    let mut c = console(true, (80, 24));
    c.inbox_on(Filter::State(State::InIstruttoria));
    let ids: Vec<ApplicationId> = c.app.screens.inbox.view[..2]
        .iter()
        .filter_map(|i| c.app.rows.row(*i).map(|r| r.id))
        .collect();
    c.char(' ').char(' ').char('x');
    assert!(matches!(c.app.overlay, Some(Overlay::Form { .. })));
    // The second reason: documents missing after the deadline.
    c.key(KeyCode::Right)
        .key(KeyCode::Tab)
        .typing("documenti non pervenuti")
        .save();
    assert!(c.text().contains("Escludere 2 domande?"), "{}", c.text());
    c.char('s');
    assert!(c.app.overlay.is_none(), "{}", c.text());
    for id in &ids {
        let app = c.store().application(*id).expect("read").expect("exists");
        assert_eq!(app.state, State::Esclusa);
        let decision = app.decision.expect("decision");
        assert_eq!(decision.reason, Some(ExclusionReason::DocumentiMancanti));
        assert_eq!(decision.note, "documenti non pervenuti");
        assert_eq!(decision.by, "mrossi");
    }
    assert!(c.app.screens.inbox.selected.is_empty());
    let (status, error) = c.app.status.clone().expect("a report");
    assert!(
        !error && status.contains("2 domande aggiornate"),
        "{status}"
    );
}

#[test]
fn reminding_fees_due_queues_one_message_each_and_never_twice() {
    // The batch runs on the wall clock: the demo's fees are arranged around today.
    let today = rome_date(chrono::Utc::now());
    let mut c = console_on(true, (80, 24), Some(today));
    c.char('2');
    let now = c.app.now();
    let day = rome_date(now);
    let eligible: Vec<ApplicationId> = c
        .app
        .rows
        .iter()
        .filter(|r| {
            r.fee_due
                .is_some_and(|d| d >= day && d <= day + chrono::Days::new(7))
        })
        .map(|r| r.id)
        .collect();
    assert!(!eligible.is_empty(), "the demo has fees falling due");
    let run = |c: &mut Console| {
        // Nothing marked: the form asks how far ahead, 7 days offered.
        c.char('s');
        assert!(matches!(c.app.overlay, Some(Overlay::Form { .. })));
        c.save();
        assert!(
            matches!(c.app.overlay, Some(Overlay::Preview(_))),
            "{}",
            c.text()
        );
        if eligible.len() > 1 {
            assert!(c.text().contains("destinatari"), "{}", c.text());
        }
        c.key(KeyCode::Enter);
        assert!(c.app.batch.is_none(), "the batch ran to its end");
    };
    let queued = c.queued();
    let audit = c.store().audit_len();
    run(&mut c);
    assert_eq!(c.queued(), queued + eligible.len());
    // Each reminder and its message: two entries per application.
    assert_eq!(c.store().audit_len(), audit + 2 * eligible.len());
    for id in &eligible {
        let fee = c
            .store()
            .application(*id)
            .expect("read")
            .and_then(|a| a.fee)
            .expect("fee");
        assert_eq!(fee.reminders.len(), 1, "{id}");
    }
    let status = c.app.status.clone().expect("a report").0;
    assert!(
        status.contains(&format!("accodati {}", eligible.len())),
        "{status}"
    );
    // A second run finds every message already queued: nothing new, no reminder recorded.
    run(&mut c);
    assert_eq!(c.queued(), queued + eligible.len());
    assert_eq!(c.store().audit_len(), audit + 2 * eligible.len());
    let status = c.app.status.clone().expect("a report").0;
    assert!(
        status.contains(&format!("già in coda {}", eligible.len())),
        "{status}"
    );
}

#[test]
fn reminding_marked_applications_skips_those_without_a_fee_due() {
    let mut c = console(true, (80, 24));
    c.inbox_on(Filter::List(ReviewList::FeeDue));
    let due = c
        .app
        .screens
        .inbox
        .current(&c.app.rows)
        .map(|r| r.id)
        .expect("a fee due");
    c.app.screens.inbox.selected.insert(due);
    let unpaid_late = c
        .app
        .rows
        .iter()
        .find(|r| r.fee_due.is_some_and(|d| d < c.today()))
        .map(|r| r.id)
        .expect("a late fee");
    c.app.screens.inbox.selected.insert(unpaid_late);
    c.char('s');
    match &c.app.overlay {
        Some(Overlay::Preview(preview)) => match &preview.firing {
            alloggi::tui::messaging::Firing::Batch { ids, step, .. } => {
                assert_eq!(ids, &[due], "the late fee is left out");
                assert!(step.is_some());
            }
            other => panic!("a batch preview, not {other:?}"),
        },
        _ => panic!("a preview: {}", c.text()),
    }
    // Only a late one marked: nothing to remind, and the caseworker is told.
    c.key(KeyCode::Esc);
    c.app.screens.inbox.selected.clear();
    c.app.screens.inbox.selected.insert(unpaid_late);
    c.char('s');
    assert!(c.app.overlay.is_none());
    let (message, error) = c.app.status.clone().expect("a refusal");
    assert!(error && message.contains("nessuna"), "{message}");
}

#[test]
fn recording_a_rejected_document_needs_a_note_and_shows_it() {
    let mut c = console(true, (120, 40));
    let id = c.first_where(|app| app.state == State::InIstruttoria);
    c.open(id).char('D');
    assert!(matches!(c.app.overlay, Some(Overlay::Form { .. })));
    // Rejected, no note: refused inside the form.
    c.key(KeyCode::Tab).key(KeyCode::Left).save();
    assert!(matches!(c.app.overlay, Some(Overlay::Form { .. })));
    c.key(KeyCode::Tab).typing("illeggibile").save();
    assert!(c.app.overlay.is_none(), "{}", c.text());
    assert!(c.text().contains("⊘"), "{}", c.text());
    assert!(c.text().contains("illeggibile"), "{}", c.text());
}

#[test]
fn removing_a_member_asks_a_reason() {
    let mut c = console(true, (80, 24));
    let id = c.first_where(|app| app.state == State::InIstruttoria && app.household.len() > 1);
    let before = c.store().application(id).expect("read").expect("exists");
    c.open(id).char('-').save();
    // Refused without a reason, with the cursor on the reason.
    assert!(matches!(c.app.overlay, Some(Overlay::Form { .. })));
    c.typing("trasferito altrove").save();
    assert!(c.app.overlay.is_none(), "{}", c.text());
    let after = c.store().application(id).expect("read").expect("exists");
    assert_eq!(after.household.len(), before.household.len() - 1);
}

#[test]
fn recording_the_payment_takes_the_day_offered() {
    let mut c = console(true, (80, 24));
    let id = c.first_where(|app| {
        app.fee.as_ref().is_some_and(|f| !f.is_paid()) && app.state != State::Esclusa
    });
    c.open(id).char('P').save();
    assert!(c.app.overlay.is_none(), "{}", c.text());
    let fee = c
        .store()
        .application(id)
        .expect("read")
        .and_then(|a| a.fee)
        .expect("fee");
    assert_eq!(fee.payment.map(|p| p.paid_on), Some(c.today()));
    assert!(c.text().contains("pagato il"), "{}", c.text());
}

#[test]
fn an_admission_is_revoked_from_the_case_with_a_reason() {
    let mut c = console(true, (80, 24));
    c.inbox_on(Filter::State(State::Ammessa));
    let id = c.app.screens.inbox.view[..1]
        .iter()
        .find_map(|i| c.app.rows.row(*i).map(|r| r.id))
        .expect("an admitted application in the demo");
    let audit = c.store().audit_len();
    c.open(id).char('T');
    assert!(matches!(c.app.overlay, Some(Overlay::Form { .. })));
    assert!(c.text().contains("Revoca dell'ammissione"), "{}", c.text());
    // The reason is required.
    c.save();
    assert!(matches!(c.app.overlay, Some(Overlay::Form { .. })));
    c.typing("residenza risultata fittizia").save();
    assert!(c.app.overlay.is_none(), "{}", c.text());
    let app = c.store().application(id).expect("read").expect("exists");
    assert_eq!(app.state, State::InIstruttoria);
    assert!(app.decision.is_none());
    assert_eq!(c.store().audit_len(), audit + 1);
    let events = c.store().application_events(id).expect("events");
    let (_, last) = events.last().expect("an event");
    assert_eq!(last.kind_name(), "ammissione_revocata");
    assert_eq!(last.reason.as_deref(), Some("residenza risultata fittizia"));
}
