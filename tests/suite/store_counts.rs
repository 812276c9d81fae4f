//! The per-state counters behind `Store::count_by_state`: kept in step with the state index by
//! every command, untouched by refused commands and aborted batches, rebuilt at open when one is
//! missing or unreadable (older databases), rebuilt by restore, and checked by `check`.
//! Every database lives in its own temporary directory.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use alloggi::domain::application::DocumentStatus;
use alloggi::domain::household::Relation;
use alloggi::domain::{ApplicationId, Command, DomainError, State};
use alloggi::store::{SCHEMA_VERSION, Store, StoreError};
use common::*;

// Tree names and key layout (src/store/keys.rs), repeated on purpose: a change to the on-disk
// layout must be a conscious one.

const A1: ApplicationId = ApplicationId(1);
const A2: ApplicationId = ApplicationId(2);
const A3: ApplicationId = ApplicationId(3);

/// States in `State::ALL` order, which is the order of the arrays below.
const STATES: [State; 6] = [
    State::Ricevuta,
    State::Protocollata,
    State::InIstruttoria,
    State::IntegrazioneRichiesta,
    State::Ammessa,
    State::Esclusa,
];

fn counter_key(state: State) -> Vec<u8> {
    format!("state/{}", stored_state_tag(state)).into_bytes()
}

fn receive(surname: &str, name: &str) -> Command {
    Command::ReceiveApplication(Box::new(new_application(household(vec![member(
        surname,
        name,
        date(1975, 11, 30),
        true,
        Relation::Richiedente,
    )]))))
}

/// The counts, in `STATES` order, as `count_by_state` gives them. Each is also checked against
/// a scan of the state index, which is what `count_by_state` used to return.
fn counts(store: &Store) -> [usize; 6] {
    let by_state = store.count_by_state().expect("count_by_state");
    assert_eq!(
        by_state.keys().copied().collect::<Vec<_>>(),
        STATES.to_vec(),
        "every state, each once"
    );
    let counted = STATES.map(|s| by_state[&s]);
    let scanned = STATES.map(|s| store.ids_in_state(s).expect("ids_in_state").len());
    assert_eq!(counted, scanned, "counters and state index disagree");
    counted
}

/// Applications 1 and 2 received and registered, 1 in review; application 3 received.
fn seed(store: &Store) {
    run(store, Command::SaveCall(Box::new(call())));
    run(store, receive("Rossi", "Maria"));
    run(store, receive("Verdi", "Giulia"));
    run(store, receive("Neri", "Paola"));
    run(store, register(A1));
    run(store, register(A2));
    run(store, Command::StartReview { id: A1 });
    assert_eq!(counts(store), [1, 1, 1, 0, 0, 0]);
}

fn seeded() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store);
    (dir, store)
}

/// The raw counters of a closed store, by key.
fn raw_counters(dir: &Path) -> BTreeMap<Vec<u8>, Vec<u8>> {
    raw(dir)
        .open_tree(COUNT_STATE)
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

// ---- kept in step by commands -----------------------------------------------------------------

#[test]
fn a_new_database_has_every_counter_at_zero_and_is_still_empty() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    assert_eq!(counts(&store), [0; 6]);
    assert!(store.is_empty(), "the counters are not data");
    drop(store);
    let stored = raw_counters(dir.path());
    assert_eq!(
        stored,
        STATES
            .iter()
            .map(|s| (counter_key(*s), b"0".to_vec()))
            .collect::<BTreeMap<_, _>>()
    );
    let store = open(dir.path());
    assert!(store.is_empty());
    assert!(store.check().unwrap().is_ok());
}

#[test]
fn counters_follow_every_change_of_state() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    run(&store, Command::SaveCall(Box::new(call())));
    assert_eq!(counts(&store), [0, 0, 0, 0, 0, 0]);

    let steps: Vec<(Command, [usize; 6])> = vec![
        (receive("Rossi", "Maria"), [1, 0, 0, 0, 0, 0]),
        (receive("Verdi", "Giulia"), [2, 0, 0, 0, 0, 0]),
        (receive("Neri", "Paola"), [3, 0, 0, 0, 0, 0]),
        (register(A1), [2, 1, 0, 0, 0, 0]),
        (register(A2), [1, 2, 0, 0, 0, 0]),
        (Command::StartReview { id: A1 }, [1, 1, 1, 0, 0, 0]),
        (
            Command::RequestIntegration {
                id: A1,
                documents: vec!["documento_identita".to_string()],
                deadline: None,
            },
            [1, 1, 0, 1, 0, 0],
        ),
        (
            Command::ReceiveIntegration {
                id: A1,
                documents: None,
            },
            [1, 1, 1, 0, 0, 0],
        ),
        // Excluded straight from registration, then reinstated into review.
        (exclude(A2), [1, 0, 1, 0, 0, 1]),
        (
            Command::Reinstate {
                id: A2,
                reason: "ricorso accolto".to_string(),
            },
            [1, 0, 2, 0, 0, 0],
        ),
        // Commands that do not change the state leave the counters alone.
        (
            Command::UpdateContact {
                id: A1,
                contact: contact(),
            },
            [1, 0, 2, 0, 0, 0],
        ),
        (register(A3), [0, 1, 2, 0, 0, 0]),
        (exclude(A3), [0, 0, 2, 0, 0, 1]),
    ];
    for (command, expected) in steps {
        run(&store, command.clone());
        assert_eq!(counts(&store), expected, "after {command:?}");
    }

    // Admission, once every document is in.
    for document in call().documents {
        run(
            &store,
            Command::RecordDocument {
                id: A1,
                code: document.code,
                status: DocumentStatus::Ricevuto { at: ctx().now },
            },
        );
    }
    assert_eq!(counts(&store), [0, 0, 2, 0, 0, 1]);
    admit(&store, A1);
    assert_eq!(counts(&store), [0, 0, 1, 0, 1, 1]);
    assert!(store.check().unwrap().is_ok(), "{:?}", store.check());

    // As stored: every counter, as a JSON number.
    drop(store);
    let stored = raw_counters(dir.path());
    assert_eq!(stored.len(), 6, "{stored:?}");
    assert_eq!(
        stored
            .get(&counter_key(State::InIstruttoria))
            .map(Vec::as_slice),
        Some(&b"1"[..])
    );
    assert_eq!(
        stored.get(&counter_key(State::Ricevuta)).map(Vec::as_slice),
        Some(&b"0"[..])
    );
}

#[test]
fn a_refused_command_leaves_the_counters_unchanged() {
    let (_dir, store) = seeded();
    let before = counts(&store);
    // Protocollata cannot become Ammessa.
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
    // Unknown application.
    assert!(matches!(
        store.execute(&exclude(ApplicationId(9)), &ctx()),
        Err(StoreError::Domain(DomainError::UnknownApplication(_)))
    ));
    // A new application refused: the same portal id twice.
    let with_portal_id = || {
        let mut new = new_application(household(vec![other_applicant()]));
        new.external_id = Some("PORT-9".to_string());
        Command::ReceiveApplication(Box::new(new))
    };
    run(&store, with_portal_id());
    let after_first = counts(&store);
    assert_eq!(after_first[0], before[0] + 1);
    assert!(matches!(
        store.execute(&with_portal_id(), &ctx()),
        Err(StoreError::Domain(DomainError::DuplicateExternalId(_)))
    ));
    assert_eq!(counts(&store), after_first);
    assert!(store.check().unwrap().is_ok(), "{:?}", store.check());
}

#[test]
fn an_aborted_batch_leaves_the_counters_unchanged() {
    let (_dir, store) = seeded();
    let before = counts(&store);
    let fourth = ApplicationId(4);
    // Application 4 goes through four states in one transaction; then a command is refused.
    let batch = vec![
        (receive("Gialli", "Ugo"), ctx()),
        (register(fourth), ctx()),
        (Command::StartReview { id: fourth }, ctx()),
        (exclude(fourth), ctx()),
        (Command::StartReview { id: A2 }, ctx()),
        // Esclusa cannot become Ammessa.
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
        Err(StoreError::Batch { index, .. }) => assert_eq!(index, 5),
        other => panic!("expected a Batch error, got {other:?}"),
    }
    assert_eq!(counts(&store), before);
    assert!(store.check().unwrap().is_ok(), "{:?}", store.check());

    // The same batch without the refused command: each counter ends where the index does,
    // with application 4 counted once, as excluded.
    store.execute_all(&batch[..5]).expect("batch");
    assert_eq!(before, [1, 1, 1, 0, 0, 0]);
    assert_eq!(counts(&store), [1, 0, 2, 0, 0, 1]);
    assert!(store.check().unwrap().is_ok(), "{:?}", store.check());
}

#[test]
fn counters_survive_reopening() {
    let (dir, store) = seeded();
    run(&store, exclude(A2));
    let before = counts(&store);
    drop(store);
    let stored = raw_counters(dir.path());
    let store = open(dir.path());
    assert_eq!(counts(&store), before);
    assert!(store.check().unwrap().is_ok());
    drop(store);
    assert_eq!(
        raw_counters(dir.path()),
        stored,
        "reopening rewrote nothing"
    );
}

/// A deterministic walk of commands over a handful of applications, refused ones included:
/// after each, the counters match the state index.
#[test]
fn counters_match_the_index_after_any_sequence_of_commands() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    run(&store, Command::SaveCall(Box::new(call())));
    let documents: Vec<String> = call().documents.into_iter().map(|d| d.code).collect();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let surnames = ["Rossi", "Verdi", "Neri", "Gialli", "Bruni", "Conti"];
    let mut received = 0;
    let mut accepted = 0;
    for step in 0..240 {
        let id = ApplicationId(1 + next(6));
        let command = match next(9) {
            0 if received < surnames.len() => {
                received += 1;
                receive(surnames[received - 1], "Anna")
            }
            0 | 1 => register(id),
            2 => Command::StartReview { id },
            3 => Command::RequestIntegration {
                id,
                documents: vec![documents[0].clone()],
                deadline: None,
            },
            4 => Command::ReceiveIntegration {
                id,
                documents: None,
            },
            5 => exclude(id),
            6 => Command::Reinstate {
                id,
                reason: "riesame".to_string(),
            },
            7 => Command::RecordDocument {
                id,
                code: documents[usize::try_from(next(3)).unwrap()].clone(),
                status: DocumentStatus::Ricevuto { at: ctx().now },
            },
            _ => Command::Admit {
                waiver: None,
                id,
                note: String::new(),
            },
        };
        if store.execute(&command, &ctx()).is_ok() {
            accepted += 1;
        }
        let counted = counts(&store);
        assert_eq!(
            counted.iter().sum::<usize>(),
            store.application_count(),
            "step {step}: {command:?}"
        );
    }
    assert!(
        accepted > 40,
        "the walk should mostly do something: {accepted}"
    );
    assert!(store.check().unwrap().is_ok(), "{:?}", store.check());
}

// ---- rebuilt at open ----------------------------------------------------------------------------

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

#[test]
fn a_database_written_before_the_counters_gets_them_at_open() {
    // A schema-2 database written before the counters existed: no `count_state` tree.
    let (dir, store) = reopened_after(|db| {
        assert!(db.drop_tree(COUNT_STATE).unwrap(), "the tree existed");
    });
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(counts(&store), [1, 1, 1, 0, 0, 0]);
    assert!(store.check().unwrap().is_ok(), "{:?}", store.check());
    // Commands go on counting from there.
    run(&store, exclude(A1));
    assert_eq!(counts(&store), [1, 1, 0, 0, 0, 1]);
    drop(store);
    assert_eq!(raw_counters(dir.path()).len(), 6);
}

#[test]
fn one_missing_or_unreadable_counter_rebuilds_them_all() {
    for tamper in ["remove", "unreadable", "negative"] {
        let (_dir, store) = reopened_after(|db| {
            let tree = db.open_tree(COUNT_STATE).unwrap();
            let key = counter_key(State::Protocollata);
            assert_eq!(tree.get(&key).unwrap().as_deref(), Some(&b"1"[..]));
            // A wrong value alongside: the rebuild corrects it too.
            tree.insert(counter_key(State::Ricevuta), &b"5"[..])
                .unwrap();
            match tamper {
                "remove" => {
                    tree.remove(&key).unwrap();
                }
                "unreadable" => {
                    tree.insert(&key, &b"uno"[..]).unwrap();
                }
                _ => {
                    tree.insert(&key, &b"-1"[..]).unwrap();
                }
            }
        });
        assert_eq!(counts(&store), [1, 1, 1, 0, 0, 0], "{tamper}");
        assert!(
            store.check().unwrap().is_ok(),
            "{tamper}: {:?}",
            store.check()
        );
    }
}

#[test]
fn a_first_layout_database_gets_its_counters_with_the_migration() {
    let (dir, store) = seeded();
    run(&store, exclude(A2));
    let expected = counts(&store);
    drop(store);
    {
        let db = raw(dir.path());
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
    assert_eq!(counts(&store), expected);
    assert_eq!(store.application_events(A2).unwrap().len(), 3);
    assert!(store.check().unwrap().is_ok(), "{:?}", store.check());
}

#[test]
fn counters_are_rebuilt_from_the_state_index() {
    // The rebuild counts the index, whatever the records say; `check` then reports the index
    // and the counter, each against the records.
    let (_dir, store) = reopened_after(|db| {
        db.drop_tree(COUNT_STATE).unwrap();
        let mut key = vec![3u8];
        key.extend_from_slice(&A1.0.to_be_bytes());
        assert!(
            db.open_tree(IDX_STATE)
                .unwrap()
                .remove(key)
                .unwrap()
                .is_some(),
            "the state index key layout changed"
        );
    });
    let by_state = store.count_by_state().unwrap();
    assert_eq!(by_state[&State::InIstruttoria], 0);
    let problems = problems(&store);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("indice stato"), "{problems:?}");
    assert!(
        problems[1].contains(
            "contatore dello stato 'in istruttoria' a 0, ma le domande in quello stato sono 1"
        ),
        "{problems:?}"
    );
}

// ---- check ---------------------------------------------------------------------------------------

#[test]
fn check_reports_a_tampered_counter() {
    let (_dir, store) = reopened_after(|db| {
        db.open_tree(COUNT_STATE)
            .unwrap()
            .insert(counter_key(State::Ricevuta), &b"7"[..])
            .unwrap();
    });
    // A counter that is present and readable is trusted at open: no scan.
    assert_eq!(store.count_by_state().unwrap()[&State::Ricevuta], 7);
    let problems = problems(&store);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(
        problems[0],
        "contatore dello stato 'ricevuta' a 7, ma le domande in quello stato sono 1"
    );
}

#[test]
fn check_reports_an_unknown_key_among_the_counters() {
    let (_dir, store) = reopened_after(|db| {
        db.open_tree(COUNT_STATE)
            .unwrap()
            .insert("state/9", &b"0"[..])
            .unwrap();
    });
    let problems = problems(&store);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("sconosciuta"), "{problems:?}");
}

#[test]
fn a_counter_at_zero_does_not_block_a_command() {
    // The counter of 'in istruttoria' says 0 although application 1 is in review: moving it
    // on neither fails nor wraps the counter round.
    let (_dir, store) = reopened_after(|db| {
        db.open_tree(COUNT_STATE)
            .unwrap()
            .insert(counter_key(State::InIstruttoria), &b"0"[..])
            .unwrap();
    });
    run(&store, Command::StartReview { id: A2 });
    run(&store, exclude(A1));
    let by_state = store.count_by_state().unwrap();
    assert_eq!(by_state[&State::InIstruttoria], 0);
    assert_eq!(by_state[&State::Esclusa], 1);
    let problems = problems(&store);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("'in istruttoria' a 0"), "{problems:?}");
}

// ---- backup and restore --------------------------------------------------------------------------

fn export(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    store.export(&mut out).expect("export");
    out
}

#[test]
fn restore_rebuilds_the_counters_and_export_leaves_them_out() {
    let (_source_dir, source) = seeded();
    run(&source, exclude(A2));
    let expected = counts(&source);
    let bytes = export(&source);
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(
        !text.contains("state/"),
        "counters are derived, not exported"
    );

    let target = tempfile::tempdir().unwrap();
    let store = open(target.path());
    store
        .restore(|| Ok::<_, std::io::Error>(bytes.as_slice()))
        .expect("restore");
    assert_eq!(counts(&store), expected);
    assert!(store.check().unwrap().is_ok(), "{:?}", store.check());
    assert_eq!(export(&store), bytes);
    drop(store);
    let store = open(target.path());
    assert_eq!(counts(&store), expected);
}

#[test]
fn a_failed_restore_leaves_every_counter_at_zero() {
    let (_source_dir, source) = seeded();
    let text = String::from_utf8(export(&source)).unwrap();
    let tampered = with_broken_last_audit_entry(&text);

    let target = tempfile::tempdir().unwrap();
    let store = open(target.path());
    assert!(matches!(
        store.restore(|| Ok::<_, std::io::Error>(tampered.as_bytes())),
        Err(StoreError::Backup { .. })
    ));
    assert!(store.is_empty());
    assert_eq!(counts(&store), [0; 6]);
    // A good backup then restores into the same handle.
    store
        .restore(|| Ok::<_, std::io::Error>(text.as_bytes()))
        .expect("restore");
    assert_eq!(counts(&store), [1, 1, 1, 0, 0, 0]);
    drop(store);
    assert_eq!(raw_counters(target.path()).len(), 6);
}

// ---- shared handles ------------------------------------------------------------------------------

#[test]
fn a_clone_reads_the_counters_written_through_another() {
    let (_dir, store) = seeded();
    let reader = store.clone();
    let writer = std::thread::spawn(move || {
        run(&store, exclude(A1));
        run(&store, exclude(A2));
    });
    writer.join().expect("writer");
    assert_eq!(counts(&reader), [1, 0, 0, 0, 0, 2]);
}
