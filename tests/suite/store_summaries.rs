//! The application summaries behind `Store::application_summaries`, the console's inbox: written
//! with every application by the same transaction, untouched by refused commands and aborted
//! batches, recomputed after a change of call, rebuilt at open when missing (older databases)
//! or when a rebuild was cut short, rebuilt by restore, left out of exports, and checked by
//! `check`. Every database lives in its own temporary directory.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use alloggi::demo::{DemoOptions, populate};
use alloggi::domain::application::DocumentStatus;
use alloggi::domain::call::DocumentTrigger;
use alloggi::domain::household::{Condition, Relation};
use alloggi::domain::summary::ApplicationSummary;
use alloggi::domain::{ApplicationId, Call, Command, DomainError, State};
use alloggi::store::{SCHEMA_VERSION, Store, StoreError};
use alloggi::tui::data::{Row, load_rows};
use common::*;

// Tree names and key layout (src/store/keys.rs), repeated on purpose: a change to the on-disk
// layout must be a conscious one.

const A1: ApplicationId = ApplicationId(1);
const A2: ApplicationId = ApplicationId(2);
const A3: ApplicationId = ApplicationId(3);

/// The document the 2024 call asks of a declared precarious lodging.
const PRECARIOUS: &str = "sistemazione_precaria";

fn key(id: ApplicationId) -> [u8; 8] {
    id.0.to_be_bytes()
}

fn receive(surname: &str, name: &str, conditions: &[Condition]) -> Command {
    let mut new = new_application(household(vec![member(
        surname,
        name,
        date(1975, 11, 30),
        true,
        Relation::Richiedente,
    )]));
    new.declaration = declaration(conditions);
    Command::ReceiveApplication(Box::new(new))
}

fn received(id: ApplicationId, code: &str) -> Command {
    Command::RecordDocument {
        id,
        code: code.to_string(),
        status: DocumentStatus::Ricevuto { at: ctx().now },
    }
}

/// The 2024 call, no longer asking a document of a precarious lodging.
fn call_without_precarious_document() -> Call {
    let mut call = call();
    let document = call
        .documents
        .iter_mut()
        .find(|d| d.code == PRECARIOUS)
        .expect("the 2024 call has the document");
    assert_eq!(
        document.needed_for,
        vec![DocumentTrigger::SistemazionePrecaria]
    );
    document.needed_for.clear();
    call
}

/// What every summary must be: computed from the records and their calls.
fn computed(store: &Store) -> Vec<ApplicationSummary> {
    let mut calls: BTreeMap<String, Option<Call>> = BTreeMap::new();
    let mut summaries = Vec::new();
    let mut after = None;
    loop {
        let page = store.applications_page(after, 500).expect("page");
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for app in &page {
            let call = calls
                .entry(app.call.clone())
                .or_insert_with(|| store.call(&app.call).expect("call"));
            summaries.push(ApplicationSummary::of(app, call.as_ref()));
        }
    }
    summaries
}

/// The summaries as the store gives them, checked against the records.
fn summaries(store: &Store) -> Vec<ApplicationSummary> {
    let stored = store
        .application_summaries(&mut |_, _| {})
        .expect("application_summaries");
    assert_eq!(stored, computed(store), "summaries and records disagree");
    stored
}

fn summary(store: &Store, id: ApplicationId) -> ApplicationSummary {
    summaries(store)
        .into_iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no summary of {id}"))
}

/// The raw summaries tree of a store, by key, read through a clone of its handle's database.
fn raw_tree(dir: &Path, tree: &str) -> BTreeMap<Vec<u8>, Vec<u8>> {
    raw(dir)
        .open_tree(tree)
        .unwrap()
        .iter()
        .map(|item| {
            let (k, v) = item.unwrap();
            (k.to_vec(), v.to_vec())
        })
        .collect()
}

fn problems(store: &Store) -> Vec<String> {
    store.check().expect("check").problems
}

fn assert_consistent(store: &Store) {
    summaries(store);
    let problems = problems(store);
    assert!(problems.is_empty(), "{problems:?}");
}

/// Applications 1 and 2 received and registered, 1 in review; application 3 received, with a
/// precarious lodging declared and its document missing.
fn seed(store: &Store) {
    run(store, Command::SaveCall(Box::new(call())));
    run(store, receive("Rossi", "Maria", &[]));
    run(store, receive("Verdi", "Giulia", &[]));
    run(
        store,
        receive("Neri", "Paola", &[Condition::SistemazionePrecaria]),
    );
    run(store, register(A1));
    run(store, register(A2));
    run(store, Command::StartReview { id: A1 });
    assert_consistent(store);
}

fn seeded() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store);
    (dir, store)
}

/// Tampers with a closed, seeded database, then reopens it.
fn reopened_after(tamper: impl FnOnce(&sled::Db)) -> (tempfile::TempDir, Store) {
    let (dir, store) = seeded();
    drop(store);
    {
        let db = raw(dir.path());
        tamper(&db);
        db.flush().unwrap();
    }
    let store = open(dir.path());
    (dir, store)
}

/// As if the process had died between the commit of a change of call and the recomputation:
/// the new call, its audit entry and its marker are stored, the summaries are the old ones.
/// `tamper` then acts on the closed database, which is reopened.
fn reopened_after_call_change(tamper: impl FnOnce(&sled::Db)) -> (tempfile::TempDir, Store) {
    let (dir, store) = seeded();
    drop(store);
    let old = raw_tree(dir.path(), SUMMARIES);
    let store = open(dir.path());
    run(
        &store,
        Command::SaveCall(Box::new(call_without_precarious_document())),
    );
    drop(store);
    {
        let db = raw(dir.path());
        let summaries = db.open_tree(SUMMARIES).unwrap();
        summaries.clear().unwrap();
        for (key, value) in old {
            summaries.insert(key, value).unwrap();
        }
        db.open_tree(SUMMARIES_PENDING)
            .unwrap()
            .insert("erp-2024", &b"99"[..])
            .unwrap();
        tamper(&db);
        db.flush().unwrap();
    }
    let store = open(dir.path());
    (dir, store)
}

// ---- written by commands ------------------------------------------------------------------------

#[test]
fn a_new_database_has_no_summary_and_is_still_empty() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut reports = Vec::new();
    assert!(
        store
            .application_summaries(&mut |done, total| reports.push((done, total)))
            .unwrap()
            .is_empty()
    );
    assert!(reports.is_empty(), "{reports:?}");
    assert!(store.is_empty());
    run(&store, Command::SaveCall(Box::new(call())));
    assert!(summaries(&store).is_empty());
    drop(store);
    assert!(raw_tree(dir.path(), SUMMARIES).is_empty());
    assert!(raw_tree(dir.path(), SUMMARIES_PENDING).is_empty());
}

#[test]
fn the_summary_is_written_on_receipt_and_follows_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    run(&store, Command::SaveCall(Box::new(call())));
    run(&store, receive("Rossi", "Maria", &[]));
    let first = summary(&store, A1);
    assert_eq!(first.state, State::Ricevuta);
    assert_eq!(first.protocol, None);
    assert_eq!(first.applicant_name, "Rossi Maria");
    assert_eq!(first.household, 1);
    assert!(!first.flagged);
    assert_eq!(first.received_at, in_window());

    run(
        &store,
        receive("Neri", "Paola", &[Condition::SistemazionePrecaria]),
    );
    assert!(
        summary(&store, A2).flagged,
        "condition without its document"
    );

    let steps: Vec<(Command, ApplicationId)> = vec![
        (register(A1), A1),
        (Command::StartReview { id: A1 }, A1),
        (
            Command::RequestIntegration {
                id: A1,
                documents: vec!["documento_identita".to_string()],
                deadline: Some(date(2024, 12, 20)),
            },
            A1,
        ),
        (
            Command::ReceiveIntegration {
                id: A1,
                documents: None,
            },
            A1,
        ),
        (
            Command::AddMember {
                id: A1,
                member: Box::new(child()),
            },
            A1,
        ),
        (register(A2), A2),
        (received(A2, PRECARIOUS), A2),
        (exclude(A2), A2),
        (
            Command::Reinstate {
                id: A2,
                reason: "ricorso accolto".to_string(),
            },
            A2,
        ),
        (
            Command::UpdateContact {
                id: A1,
                contact: contact(),
            },
            A1,
        ),
    ];
    let mut previous = summaries(&store);
    for (command, id) in steps {
        run(&store, command.clone());
        let now = summaries(&store);
        assert_eq!(now.len(), 2);
        // Only the application the command acted on may have changed.
        for (before, after) in previous.iter().zip(&now) {
            if before.id != id {
                assert_eq!(before, after, "after {command:?}");
            }
        }
        match &command {
            Command::RegisterApplication { .. } => {
                let protocol = &now.iter().find(|s| s.id == id).unwrap().protocol;
                assert!(protocol.is_some(), "after {command:?}");
            }
            Command::RequestIntegration { .. } => {
                let s = now.iter().find(|s| s.id == id).unwrap();
                assert_eq!(s.state, State::IntegrazioneRichiesta);
                assert_eq!(s.integration_deadline, Some(date(2024, 12, 20)));
            }
            Command::ReceiveIntegration { .. } => {
                let s = now.iter().find(|s| s.id == id).unwrap();
                assert_eq!(s.state, State::InIstruttoria);
                assert_eq!(s.integration_deadline, None);
            }
            Command::AddMember { .. } => {
                assert_eq!(now.iter().find(|s| s.id == id).unwrap().household, 2);
            }
            Command::RecordDocument { .. } => {
                assert!(!now.iter().find(|s| s.id == id).unwrap().flagged);
            }
            _ => {}
        }
        previous = now;
    }
    assert_consistent(&store);
    drop(store);
    let stored = raw_tree(dir.path(), SUMMARIES);
    assert_eq!(
        stored.keys().cloned().collect::<Vec<_>>(),
        vec![key(A1).to_vec(), key(A2).to_vec()]
    );
    let json = String::from_utf8(stored[&key(A1).to_vec()].clone()).unwrap();
    assert!(json.len() < 200, "compact: {json}");
}

#[test]
fn a_refused_command_leaves_the_summaries_unchanged() {
    let (dir, store) = seeded();
    let before = summaries(&store);
    assert!(matches!(
        store.execute(
            &Command::Admit {
                waiver: None,
                id: A2,
                note: String::new()
            },
            &ctx()
        ),
        Err(StoreError::Domain(DomainError::IllegalTransition { .. }))
    ));
    assert!(matches!(
        store.execute(&exclude(ApplicationId(9)), &ctx()),
        Err(StoreError::Domain(DomainError::UnknownApplication(_)))
    ));
    assert_eq!(summaries(&store), before);
    drop(store);
    assert_eq!(raw_tree(dir.path(), SUMMARIES).len(), 3);
}

#[test]
fn an_aborted_batch_leaves_the_summaries_unchanged() {
    let (dir, store) = seeded();
    let before = summaries(&store);
    drop(store);
    let raw_before = raw_tree(dir.path(), SUMMARIES);
    let store = open(dir.path());
    let fourth = ApplicationId(4);
    let batch = vec![
        (receive("Gialli", "Ugo", &[]), ctx()),
        (register(fourth), ctx()),
        (exclude(A2), ctx()),
        // A change of the call's documents, then a refused command: no marker either.
        (
            Command::SaveCall(Box::new(call_without_precarious_document())),
            ctx(),
        ),
        (
            Command::Admit {
                waiver: None,
                id: fourth,
                note: String::new(),
            },
            ctx(),
        ),
    ];
    match store.execute_all(&batch) {
        Err(StoreError::Batch { index, .. }) => assert_eq!(index, 4),
        other => panic!("expected a Batch error, got {other:?}"),
    }
    assert_eq!(summaries(&store), before);
    drop(store);
    assert_eq!(raw_tree(dir.path(), SUMMARIES), raw_before);
    assert!(raw_tree(dir.path(), SUMMARIES_PENDING).is_empty());

    // The batch without the refused command: every summary as the records say.
    let store = open(dir.path());
    store.execute_all(&batch[..4]).expect("batch");
    let after = summaries(&store);
    assert_eq!(after.len(), 4);
    assert!(!after[2].flagged, "the call no longer asks the document");
    assert_eq!(after[1].state, State::Esclusa);
    assert_consistent(&store);
}

#[test]
fn summaries_survive_reopening_untouched() {
    let (dir, store) = seeded();
    run(&store, exclude(A2));
    let before = summaries(&store);
    drop(store);
    let stored = raw_tree(dir.path(), SUMMARIES);
    let store = open(dir.path());
    assert_eq!(summaries(&store), before);
    drop(store);
    assert_eq!(
        raw_tree(dir.path(), SUMMARIES),
        stored,
        "reopening rewrote nothing"
    );
}

#[test]
fn progress_is_reported_up_to_the_total() {
    let (_dir, store) = seeded();
    let mut reports = Vec::new();
    let read = store
        .application_summaries(&mut |done, total| reports.push((done, total)))
        .unwrap();
    assert_eq!(read.len(), 3);
    assert_eq!(reports, vec![(3, 3)]);
}

#[test]
fn the_console_rows_are_the_summaries() {
    let (_dir, store) = seeded();
    let rows = load_rows(&store, &mut |_, _| {}).expect("rows");
    let expected: Vec<Row> = store
        .applications_page(None, 10)
        .unwrap()
        .iter()
        .map(|app| Row::of(app, store.call(&app.call).unwrap().as_ref()))
        .collect();
    assert_eq!(rows, expected);
    assert_eq!(rows[0].protocol, "2024/000001");
    assert_eq!(rows[2].protocol, "");
    assert!(rows[2].flagged);
}

// ---- a change of call -----------------------------------------------------------------------------

#[test]
fn changing_the_documents_of_a_call_recomputes_its_summaries() {
    let (dir, store) = seeded();
    assert!(summary(&store, A3).flagged);
    run(
        &store,
        Command::SaveCall(Box::new(call_without_precarious_document())),
    );
    assert!(!summary(&store, A3).flagged, "recomputed after the commit");
    assert_consistent(&store);
    // And back.
    run(&store, Command::SaveCall(Box::new(call())));
    assert!(summary(&store, A3).flagged);
    assert_consistent(&store);
    drop(store);
    assert!(
        raw_tree(dir.path(), SUMMARIES_PENDING).is_empty(),
        "no marker left"
    );
}

#[test]
fn a_change_of_call_that_leaves_the_documents_alone_marks_nothing() {
    let (dir, store) = seeded();
    drop(store);
    let before = raw_tree(dir.path(), SUMMARIES);
    let store = open(dir.path());
    let mut call = call();
    call.title = "Bando ERP 2024 (rettifica del titolo)".to_string();
    run(&store, Command::SaveCall(Box::new(call)));
    assert_consistent(&store);
    drop(store);
    assert_eq!(raw_tree(dir.path(), SUMMARIES), before);
}

#[test]
fn a_recomputation_cut_short_is_finished_at_the_next_open() {
    let (dir, store) = reopened_after_call_change(|_| {});
    assert!(!summary(&store, A3).flagged);
    assert_consistent(&store);
    drop(store);
    assert!(raw_tree(dir.path(), SUMMARIES_PENDING).is_empty());
}

#[test]
fn a_recomputation_that_fails_at_open_leaves_its_marker_and_the_database_usable() {
    // The marker names a call that cannot be read: the recomputation fails, the open does not.
    let (dir, store) = reopened_after_call_change(|db| {
        db.open_tree("calls")
            .unwrap()
            .insert("erp-2024", &b"{\"code\":"[..])
            .unwrap();
    });
    assert_eq!(
        store.application_summaries(&mut |_, _| {}).unwrap().len(),
        3
    );
    assert!(matches!(store.check(), Err(StoreError::Corrupt { .. })));
    drop(store);
    assert_eq!(raw_tree(dir.path(), SUMMARIES_PENDING).len(), 1);
    // Once the call is readable again, the next open finishes the work.
    {
        let db = raw(dir.path());
        db.open_tree("calls")
            .unwrap()
            .insert(
                "erp-2024",
                serde_json::to_vec(&call_without_precarious_document()).unwrap(),
            )
            .unwrap();
        db.flush().unwrap();
    }
    let store = open(dir.path());
    assert!(!summary(&store, A3).flagged);
    assert_consistent(&store);
    drop(store);
    assert!(raw_tree(dir.path(), SUMMARIES_PENDING).is_empty());
}

fn summary_of_closed(db: &sled::Db, id: ApplicationId) -> ApplicationSummary {
    let bytes = db
        .open_tree(SUMMARIES)
        .unwrap()
        .get(key(id))
        .unwrap()
        .expect("stored summary");
    serde_json::from_slice(&bytes).expect("readable summary")
}

#[test]
fn a_change_of_call_while_another_handle_runs_commands_leaves_every_summary_right() {
    let (_dir, store) = seeded();
    for i in 0..40 {
        run(
            &store,
            receive(
                "Bruni",
                &format!("Anna{}", char::from(b'a' + (i % 26) as u8)),
                &[Condition::SistemazionePrecaria],
            ),
        );
    }
    let worker = store.clone();
    let commands = std::thread::spawn(move || {
        for id in 4..44 {
            worker
                .execute(&register(ApplicationId(id)), &ctx())
                .expect("register");
        }
    });
    for _ in 0..5 {
        run(
            &store,
            Command::SaveCall(Box::new(call_without_precarious_document())),
        );
        run(&store, Command::SaveCall(Box::new(call())));
    }
    commands.join().expect("worker");
    let all = summaries(&store);
    assert_eq!(all.len(), 43);
    assert!(all[3..].iter().all(|s| s.flagged && s.protocol.is_some()));
    assert_consistent(&store);
}

// ---- rebuilt at open ------------------------------------------------------------------------------

#[test]
fn a_database_written_before_the_summaries_gets_them_at_open() {
    let (_dir, reference) = seeded();
    let expected = summaries(&reference);
    drop(reference);
    let (dir, store) = reopened_after(|db| {
        assert!(db.drop_tree(SUMMARIES).unwrap(), "the tree existed");
        assert!(db.drop_tree(SUMMARIES_PENDING).unwrap(), "the tree existed");
    });
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(summaries(&store), expected);
    assert_consistent(&store);
    run(&store, exclude(A2));
    assert_eq!(summary(&store, A2).state, State::Esclusa);
    drop(store);
    assert_eq!(raw_tree(dir.path(), SUMMARIES).len(), 3);
    assert!(raw_tree(dir.path(), SUMMARIES_PENDING).is_empty());
}

#[test]
fn a_first_layout_database_gets_its_summaries_with_the_migration() {
    let (dir, store) = seeded();
    run(&store, exclude(A2));
    let expected = summaries(&store);
    drop(store);
    {
        let db = raw(dir.path());
        db.drop_tree(SUMMARIES).unwrap();
        db.drop_tree(SUMMARIES_PENDING).unwrap();
        db.drop_tree(COUNT_STATE).unwrap();
        db.drop_tree(IDX_AUDIT_APPLICATION).unwrap();
        db.open_tree(META)
            .unwrap()
            .insert("schema_version", &b"1"[..])
            .unwrap();
        db.flush().unwrap();
    }
    let store = open(dir.path());
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(summaries(&store), expected);
    assert_consistent(&store);
}

#[test]
fn a_rebuild_cut_short_starts_again_at_the_next_open() {
    // The marker of the whole tree is still there, and only one summary was written.
    let (dir, store) = reopened_after(|db| {
        let tree = db.open_tree(SUMMARIES).unwrap();
        tree.remove(key(A2)).unwrap();
        tree.remove(key(A3)).unwrap();
        // A leftover that no application accounts for: the rebuild clears it too.
        tree.insert(key(ApplicationId(77)), &b"{}"[..]).unwrap();
        db.open_tree(SUMMARIES_PENDING)
            .unwrap()
            .insert("", &b"0"[..])
            .unwrap();
    });
    assert_eq!(summaries(&store).len(), 3);
    assert_consistent(&store);
    drop(store);
    assert!(raw_tree(dir.path(), SUMMARIES_PENDING).is_empty());
}

// ---- check ------------------------------------------------------------------------------------------

#[test]
fn check_reports_a_tampered_summary_which_open_does_not_repair() {
    let (_dir, store) = reopened_after(|db| {
        let mut tampered = summary_of_closed(db, A1);
        tampered.applicant_name = "Bianchi Carla".to_string();
        db.open_tree(SUMMARIES)
            .unwrap()
            .insert(key(A1), serde_json::to_vec(&tampered).unwrap())
            .unwrap();
    });
    // Present and readable: trusted at open, no scan.
    let read = store.application_summaries(&mut |_, _| {}).unwrap();
    assert_eq!(read[0].applicant_name, "Bianchi Carla");
    assert_eq!(
        problems(&store),
        vec!["riepilogo della domanda #1 diverso dalla domanda".to_string()]
    );
}

#[test]
fn check_reports_a_missing_an_unreadable_and_an_extra_summary() {
    let (_dir, store) = reopened_after(|db| {
        let tree = db.open_tree(SUMMARIES).unwrap();
        tree.remove(key(A2)).unwrap();
        tree.insert(key(A3), &b"{\"id\":"[..]).unwrap();
        tree.insert(key(ApplicationId(9)), &b"{}"[..]).unwrap();
        tree.insert(&b"xyz"[..], &b"{}"[..]).unwrap();
    });
    let problems = problems(&store);
    assert_eq!(problems.len(), 4, "{problems:?}");
    assert_eq!(problems[0], "riepilogo della domanda #2 mancante");
    assert!(
        problems[1].starts_with("riepilogo della domanda #3 illeggibile"),
        "{problems:?}"
    );
    assert!(
        problems.contains(&"riepilogo della domanda #9 senza domanda corrispondente".to_string())
    );
    assert!(problems.contains(&"riepiloghi: chiave 78797a illeggibile".to_string()));
    // An unreadable summary fails the inbox rather than dropping a case from it.
    assert!(matches!(
        store.application_summaries(&mut |_, _| {}),
        Err(StoreError::Corrupt { .. })
    ));
}

// ---- backup and restore -----------------------------------------------------------------------------

fn export(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    store.export(&mut out).expect("export");
    out
}

#[test]
fn restore_rebuilds_the_summaries_and_export_leaves_them_out() {
    let (_source_dir, source) = seeded();
    run(&source, exclude(A2));
    let expected = summaries(&source);
    let bytes = export(&source);
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(
        !text.contains("\"cf\":"),
        "summaries are derived, not exported"
    );
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("{\"application\":"))
            .count(),
        3
    );

    let target = tempfile::tempdir().unwrap();
    let store = open(target.path());
    store
        .restore(|| Ok::<_, std::io::Error>(bytes.as_slice()))
        .expect("restore");
    assert_eq!(summaries(&store), expected);
    assert_consistent(&store);
    assert_eq!(export(&store), bytes);
    drop(store);
    assert!(raw_tree(target.path(), SUMMARIES_PENDING).is_empty());
    let store = open(target.path());
    assert_eq!(summaries(&store), expected);
}

#[test]
fn a_failed_restore_leaves_no_summary() {
    let (_source_dir, source) = seeded();
    let tampered = with_broken_last_audit_entry(&String::from_utf8(export(&source)).unwrap());

    let target = tempfile::tempdir().unwrap();
    let store = open(target.path());
    assert!(matches!(
        store.restore(|| Ok::<_, std::io::Error>(tampered.as_bytes())),
        Err(StoreError::Backup { .. })
    ));
    assert!(store.is_empty());
    assert!(summaries(&store).is_empty());
    drop(store);
    assert!(raw_tree(target.path(), SUMMARIES).is_empty());
}

// ---- a demo database ----------------------------------------------------------------------------------

#[test]
fn the_summaries_of_a_demo_database_are_those_of_its_records() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let options = DemoOptions {
        applications: 300,
        seed: 7,
    };
    populate(&store, &options, &mut |_, _| {}).expect("demo");
    let all = summaries(&store);
    assert_eq!(all.len(), 300);
    assert!(all.windows(2).all(|w| w[0].id < w[1].id), "id order");
    assert!(all.iter().any(|s| s.flagged), "the demo has flagged cases");
    assert!(all.iter().any(|s| s.integration_deadline.is_some()));
    let by_state: BTreeMap<State, usize> = all.iter().fold(BTreeMap::new(), |mut m, s| {
        *m.entry(s.state).or_default() += 1;
        m
    });
    let counted = store.count_by_state().unwrap();
    for (state, n) in &by_state {
        assert_eq!(counted[state], *n, "{state}");
    }
    assert!(store.check().unwrap().is_ok(), "{:?}", store.check());

    // Rebuilt from scratch, the tree is byte for byte what the commands wrote.
    drop(store);
    let written = raw_tree(dir.path(), SUMMARIES);
    {
        let db = raw(dir.path());
        db.drop_tree(SUMMARIES).unwrap();
        db.flush().unwrap();
    }
    let store = open(dir.path());
    assert_eq!(summaries(&store), all);
    drop(store);
    assert_eq!(raw_tree(dir.path(), SUMMARIES), written);
}
