//! A queued message withdrawn with a reason, audited, and never sent: by `outbox send`, in a
//! bundle, or after a requeue. From the command line and from the console.

use crate::common;
use crate::support::io_stand_in::{StandIn, StandInConfig};

use super::outbox_cli::{Office, assert_fails, list, listed};
use alloggi::messages::outbox::{OutboxState, OutboxTab};
use alloggi::store::{Outcome, Store};

#[test]
fn a_withdrawn_message_is_audited_listed_and_never_sent() {
    let office = Office::new();
    let entries = office.prepare(3);
    let (withdrawn, withdrawn_fc) = entries[0].clone();

    let out = office.run(
        &["outbox", "ritira", &withdrawn.to_string(), "--motivo", "  "],
        &[],
    );
    assert_fails(&out);
    let out = office.run(
        &[
            "outbox",
            "withdraw",
            &withdrawn.to_string(),
            "--motivo",
            "graduatoria annullata in autotutela",
        ],
        &[],
    );
    common::assert_ok(&out);
    assert!(
        common::stdout(&out).contains(&format!("Messaggio {withdrawn} ritirato")),
        "{}",
        common::stdout(&out)
    );
    let (_, lines) = list(&office, "ritirati");
    assert!(listed(&lines, withdrawn), "{lines:?}");

    // Twice is refused, and says why.
    let out = office.run(
        &["outbox", "ritira", &withdrawn.to_string(), "--motivo", "x"],
        &[],
    );
    assert_fails(&out);
    assert!(
        common::stderr(&out).contains("è già stato ritirato"),
        "{}",
        common::stderr(&out)
    );

    let stand_in = StandIn::start(StandInConfig::default());
    let out = office.run(
        &["outbox", "send"],
        &[
            ("ALLOGGI_IO_API_KEY", super::outbox_cli::KEY),
            ("ALLOGGI_IO_BASE_URL", &stand_in.base_url()),
        ],
    );
    common::assert_ok(&out);
    assert_eq!(stand_in.posts_for(&withdrawn_fc), 0);
    assert_eq!(stand_in.created().len(), 2);

    // A sent one can no longer be withdrawn.
    let (sent, _) = entries[1].clone();
    let out = office.run(
        &["outbox", "ritira", &sent.to_string(), "--motivo", "x"],
        &[],
    );
    assert_fails(&out);
    assert!(
        common::stderr(&out).contains("non si può ritirare il messaggio")
            && common::stderr(&out).contains("già stato inviato"),
        "{}",
        common::stderr(&out)
    );

    common::assert_ok(&office.run(&["check"], &[]));
}

/// A demo database with its queue: one message per catalogue template.
fn demo_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    alloggi::demo::populate(
        &store,
        &alloggi::demo::DemoOptions {
            applications: 30,
            seed: 2024,
        },
        &mut |_, _| {},
    )
    .unwrap();
    (dir, store)
}

fn queued(store: &Store, n: usize) -> Vec<alloggi::messages::outbox::OutboxEntry> {
    let entries = store.outbox_page(OutboxTab::Queued, None, n).unwrap();
    assert_eq!(entries.len(), n);
    entries
}

#[test]
fn a_withdrawn_message_leaves_the_due_queue_and_nothing_brings_it_back() {
    let (_dir, store) = demo_store();
    let ctx = common::ctx();
    let entry = queued(&store, 1).remove(0);
    let withdrawn = store
        .outbox_withdraw(entry.id, "inviato per errore", &ctx)
        .unwrap();
    assert!(matches!(withdrawn.state, OutboxState::Withdrawn { .. }));
    let last = store.audit_events(store.audit_len() as u64, 1).unwrap();
    assert_eq!(last[0].1.kind_name(), "messaggio_ritirato");
    assert_eq!(last[0].1.reason.as_deref(), Some("inviato per errore"));
    assert_eq!(last[0].1.application_id(), entry.application);

    // Neither the sender, nor a bundle (both take `outbox_due`), nor a requeue.
    let due = store.outbox_due(ctx.now, usize::MAX).unwrap();
    assert!(due.iter().all(|e| e.id != entry.id));
    assert!(
        store
            .outbox_mark_sending(&[entry.id], &ctx)
            .unwrap()
            .is_empty()
    );
    assert!(store.outbox_requeue(entry.id, "di nuovo", &ctx).is_err());
    assert_eq!(store.outbox_counts().unwrap()[&OutboxTab::Withdrawn], 1);
    let report = store.check().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[test]
fn a_message_in_flight_or_uncertain_is_not_withdrawn_one_waiting_to_retry_is() {
    let (_dir, store) = demo_store();
    let ctx = common::ctx();
    let entries = queued(&store, 3);
    let (in_flight, uncertain, retry) = (entries[0].id, entries[1].id, entries[2].id);
    store
        .outbox_mark_sending(&[in_flight, uncertain, retry], &ctx)
        .unwrap();
    store
        .outbox_record(
            &[
                (
                    uncertain,
                    Outcome::Uncertain {
                        detail: "tempo scaduto".into(),
                    },
                ),
                (
                    retry,
                    Outcome::Retry {
                        at: ctx.now,
                        reason: "429".into(),
                    },
                ),
            ],
            &ctx,
        )
        .unwrap();
    let len = store.audit_len();
    for (id, why) in [(in_flight, "in invio"), (uncertain, "incerto")] {
        let error = store.outbox_withdraw(id, "motivo", &ctx).unwrap_err();
        assert!(error.to_string().contains(why), "{error}");
    }
    assert_eq!(store.audit_len(), len, "a refusal writes nothing");
    store.outbox_withdraw(retry, "motivo", &ctx).unwrap();
    assert!(
        store
            .outbox_due(ctx.now, usize::MAX)
            .unwrap()
            .iter()
            .all(|e| e.id != retry)
    );
}

#[test]
fn the_console_withdraws_the_selected_queued_message_with_a_reason() {
    use crossterm::event::{KeyCode, KeyModifiers};
    let (dir, store) = demo_store();
    let now = common::ctx().now;
    let mut c = common::console::Console::new(
        store.clone(),
        dir,
        alloggi::tui::keymap::Keymap::default_keymap().unwrap(),
        true,
        (80, 24),
        Box::new(move || now),
    );
    c.char('4');
    assert_eq!(c.app.screens.outbox.tab, OutboxTab::Queued);
    let first = c.app.screens.outbox.entries[0].id;
    c.char('X');
    // An empty reason is refused inside the form.
    c.press(KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(c.app.overlay.is_some(), "{}", c.text());
    c.typing("indirizzato alla persona sbagliata")
        .key(KeyCode::Enter);
    assert!(c.app.overlay.is_none(), "{}", c.text());
    let entry = store.outbox_entry(first).unwrap().unwrap();
    assert!(
        matches!(entry.state, OutboxState::Withdrawn { .. }),
        "{:?}",
        entry.state
    );
    assert!(
        c.text().contains(&format!("messaggio {first} ritirato")),
        "{}",
        c.text()
    );

    // Picked by the sender after the list was read: the office refuses, under the form.
    let next = c.app.screens.outbox.entries[0].id;
    assert_ne!(next, first);
    store.outbox_mark_sending(&[next], &common::ctx()).unwrap();
    c.char('X').typing("troppo tardi").key(KeyCode::Enter);
    assert!(c.app.overlay.is_some());
    assert!(c.text().contains("non si può ritirare"), "{}", c.text());
    assert!(matches!(
        store.outbox_entry(next).unwrap().unwrap().state,
        OutboxState::Sending { .. }
    ));
}
