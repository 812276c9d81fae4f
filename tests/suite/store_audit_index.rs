//! The audit log indexed by application (schema 2): the key written with each entry, a case's
//! timeline, filtered pages, the migration from schema 1, the integrity check, restore and
//! handles shared between threads. Every database lives in its own temporary directory.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;

use alloggi::domain::application::ExclusionReason;
use alloggi::domain::household::Relation;
use alloggi::domain::{ApplicationId, Command, Context, DomainError, Event, State};
use alloggi::store::{AuditFilter, SCHEMA_VERSION, Store, StoreError};
use chrono::Duration;
use common::*;

// Tree names and key layout (src/store/keys.rs), repeated on purpose: a change to the on-disk
// layout must be a conscious one.

const A1: ApplicationId = ApplicationId(1);
const A2: ApplicationId = ApplicationId(2);
const OTHER: &str = "lbianchi";

fn index_key(id: ApplicationId, seq: u64) -> Vec<u8> {
    let mut key = id.0.to_be_bytes().to_vec();
    key.extend_from_slice(&seq.to_be_bytes());
    key
}

/// The index keys of a closed store, decoded.
fn index_keys(dir: &Path) -> Vec<(u64, u64)> {
    let db = raw(dir);
    db.open_tree(IDX_AUDIT_APPLICATION)
        .unwrap()
        .iter()
        .map(|item| {
            let (key, value) = item.unwrap();
            assert!(value.is_empty(), "index values are empty");
            assert_eq!(key.len(), 16, "application id ++ sequence number");
            let id = u64::from_be_bytes(key[..8].try_into().unwrap());
            let seq = u64::from_be_bytes(key[8..].try_into().unwrap());
            (id, seq)
        })
        .collect()
}

fn as_actor(actor: &str, minute: i64) -> Context {
    Context {
        actor: actor.to_string(),
        on_behalf_of: None,
        now: office_time() + Duration::minutes(minute),
    }
}

fn run_as(store: &Store, actor: &str, minute: i64, command: Command) -> Vec<Event> {
    store
        .execute(&command, &as_actor(actor, minute))
        .unwrap_or_else(|e| panic!("{command:?} refused: {e}"))
}

fn receive_single(surname: &str, name: &str) -> Command {
    Command::ReceiveApplication(Box::new(new_application(household(vec![member(
        surname,
        name,
        date(1975, 11, 30),
        true,
        Relation::Richiedente,
    )]))))
}

/// Twelve audit entries by two operators:
///
/// | seq | application | actor    | kind                   |
/// |-----|-------------|----------|------------------------|
/// | 1   | –           | mrossi   | bando_salvato          |
/// | 2   | –           | mrossi   | bando_attivato         |
/// | 3   | 1           | mrossi   | domanda_ricevuta       |
/// | 4   | 2           | mrossi   | domanda_ricevuta       |
/// | 5   | 1           | mrossi   | domanda_protocollata   |
/// | 6   | 1           | lbianchi | istruttoria_avviata    |
/// | 7   | 2           | lbianchi | domanda_protocollata   |
/// | 8   | 1           | lbianchi | integrazione_richiesta |
/// | 9   | 1           | mrossi   | integrazione_ricevuta  |
/// | 10  | 2           | mrossi   | istruttoria_avviata    |
/// | 11  | 2           | lbianchi | domanda_esclusa        |
/// | 12  | 1           | lbianchi | recapiti_modificati    |
fn seed(store: &Store) {
    run_as(store, ACTOR, 0, Command::SaveCall(Box::new(call())));
    run_as(store, ACTOR, 1, receive_single("Rossi", "Maria"));
    run_as(store, ACTOR, 2, receive_single("Verdi", "Giulia"));
    let register = |id| Command::RegisterApplication {
        id,
        override_reason: None,
    };
    run_as(store, ACTOR, 3, register(A1));
    run_as(store, OTHER, 4, Command::StartReview { id: A1 });
    run_as(store, OTHER, 5, register(A2));
    run_as(
        store,
        OTHER,
        6,
        Command::RequestIntegration {
            id: A1,
            documents: vec!["invalidita".to_string()],
            deadline: None,
        },
    );
    run_as(
        store,
        ACTOR,
        7,
        Command::ReceiveIntegration {
            id: A1,
            documents: None,
        },
    );
    run_as(store, ACTOR, 8, Command::StartReview { id: A2 });
    run_as(
        store,
        OTHER,
        9,
        Command::Exclude {
            id: A2,
            reason: ExclusionReason::Altro,
            note: "rinuncia".to_string(),
        },
    );
    run_as(
        store,
        OTHER,
        10,
        Command::UpdateContact {
            id: A1,
            contact: contact(),
        },
    );
    assert_eq!(store.audit_len(), 12);
}

const A1_SEQS: [u64; 6] = [3, 5, 6, 8, 9, 12];
const A2_SEQS: [u64; 4] = [4, 7, 10, 11];

fn expected_index() -> Vec<(u64, u64)> {
    A1_SEQS
        .iter()
        .map(|seq| (1, *seq))
        .chain(A2_SEQS.iter().map(|seq| (2, *seq)))
        .collect()
}

fn seeded() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store);
    (dir, store)
}

fn seqs(events: &[(u64, Event)]) -> Vec<u64> {
    events.iter().map(|(seq, _)| *seq).collect()
}

fn page(store: &Store, before: Option<u64>, limit: usize, filter: &AuditFilter) -> Vec<u64> {
    seqs(
        &store
            .audit_page(before, limit, filter)
            .unwrap_or_else(|e| panic!("audit_page({before:?}, {limit}, {filter:?}): {e}")),
    )
}

fn filter(case: Option<ApplicationId>, actor: Option<&str>, kind: Option<&str>) -> AuditFilter {
    AuditFilter {
        case,
        actor: actor.map(str::to_string),
        kind: kind.map(str::to_string),
    }
}

/// Every page of a filter, `limit` at a time, following `before`.
fn all_pages(store: &Store, limit: usize, filter: &AuditFilter) -> Vec<Vec<u64>> {
    let mut pages = Vec::new();
    let mut before = None;
    loop {
        let next = page(store, before, limit, filter);
        assert!(next.len() <= limit);
        match next.last() {
            None => return pages,
            Some(last) => before = Some(*last),
        }
        pages.push(next);
    }
}

// ---- the key written with each entry -------------------------------------------------------

#[test]
fn each_entry_about_an_application_gets_its_index_key() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open(dir.path());
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        seed(&store);
        // The index is derived: the export has no line for it.
        let mut out = Vec::new();
        let counts = store.export(&mut out).unwrap();
        assert_eq!((counts.applications, counts.audit_entries), (2, 12));
        let text = String::from_utf8(out).unwrap();
        for line in text.lines().skip(1) {
            assert!(
                [
                    "{\"meta\":",
                    "{\"call\":",
                    "{\"application\":",
                    "{\"audit\":"
                ]
                .iter()
                .any(|prefix| line.starts_with(prefix)),
                "{line}"
            );
        }
    }
    assert_eq!(index_keys(dir.path()), expected_index());
}

#[test]
fn a_case_timeline_lists_its_events_oldest_first() {
    let (_dir, store) = seeded();
    let timeline = store.application_events(A1).unwrap();
    assert_eq!(seqs(&timeline), A1_SEQS);
    let kinds: Vec<_> = timeline.iter().map(|(_, e)| e.kind_name()).collect();
    assert_eq!(
        kinds,
        [
            "domanda_ricevuta",
            "domanda_protocollata",
            "istruttoria_avviata",
            "integrazione_richiesta",
            "integrazione_ricevuta",
            "recapiti_modificati",
        ]
    );
    // The same events as the log holds at those sequence numbers.
    for (seq, event) in &timeline {
        assert_eq!(event.application_id(), Some(A1));
        assert_eq!(
            &store.audit_events(*seq, 1).unwrap()[0],
            &(*seq, event.clone())
        );
    }
    assert_eq!(seqs(&store.application_events(A2).unwrap()), A2_SEQS);
    assert!(
        store
            .application_events(ApplicationId(3))
            .unwrap()
            .is_empty()
    );

    // A new command extends the timeline at the end.
    run_as(
        &store,
        ACTOR,
        20,
        Command::Reinstate {
            id: A2,
            reason: "rinuncia ritirata".to_string(),
        },
    );
    let timeline = store.application_events(A2).unwrap();
    assert_eq!(seqs(&timeline), [4, 7, 10, 11, 13]);
    assert_eq!(timeline[4].1.kind_name(), "domanda_riammessa");
}

#[test]
fn a_batch_indexes_every_event_of_every_command() {
    let (dir, store) = seeded();
    let third = ApplicationId(3);
    // A2 is excluded: the third command, and so the batch, is refused.
    assert!(matches!(
        store.execute_all(&[
            (receive_single("Neri", "Paola"), ctx()),
            (
                Command::RegisterApplication {
                    id: third,
                    override_reason: None,
                },
                ctx(),
            ),
            (Command::StartReview { id: A2 }, ctx()),
        ]),
        Err(StoreError::Batch { index: 2, .. })
    ));
    assert!(store.application_events(third).unwrap().is_empty());
    store
        .execute_all(&[
            (receive_single("Neri", "Paola"), ctx()),
            (
                Command::RegisterApplication {
                    id: third,
                    override_reason: None,
                },
                ctx(),
            ),
        ])
        .expect("batch");
    assert_eq!(seqs(&store.application_events(third).unwrap()), [13, 14]);
    drop(store);
    let keys = index_keys(dir.path());
    assert_eq!(keys.len(), expected_index().len() + 2);
    assert!(keys.contains(&(3, 13)) && keys.contains(&(3, 14)));
}

#[test]
fn a_refused_command_adds_no_index_key() {
    let (dir, store) = seeded();
    // An excluded application cannot be admitted; A1 is already in review.
    for command in [
        Command::Admit {
            waiver: None,
            id: A2,
            note: String::new(),
        },
        Command::StartReview { id: A1 },
    ] {
        assert!(matches!(
            store.execute(&command, &ctx()),
            Err(StoreError::Domain(DomainError::IllegalTransition { .. }))
        ));
    }
    // A batch whose first command would index an entry, refused by its second.
    assert!(matches!(
        store.execute_all(&[
            (
                Command::UpdateContact {
                    id: A1,
                    contact: contact(),
                },
                ctx(),
            ),
            (
                Command::RegisterApplication {
                    id: A2,
                    override_reason: None,
                },
                ctx(),
            ),
        ]),
        Err(StoreError::Batch {
            index: 1,
            error: DomainError::IllegalTransition { .. }
        })
    ));
    assert_eq!(store.audit_len(), 12);
    assert_eq!(seqs(&store.application_events(A1).unwrap()), A1_SEQS);
    drop(store);
    assert_eq!(index_keys(dir.path()), expected_index());
}

#[test]
fn the_index_survives_reopening() {
    let (dir, store) = seeded();
    let before = store.application_events(A1).unwrap();
    drop(store);
    let store = open(dir.path());
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.application_events(A1).unwrap(), before);
    assert_eq!(
        page(&store, None, 3, &filter(Some(A2), None, None)),
        [11, 10, 7]
    );
    assert!(store.check().unwrap().is_ok());
    drop(store);
    assert_eq!(index_keys(dir.path()), expected_index());
}

// ---- pages and filters ---------------------------------------------------------------------

#[test]
fn audit_page_goes_newest_first_and_pages_with_before() {
    let (_dir, store) = seeded();
    let all = AuditFilter::default();
    assert_eq!(page(&store, None, 5, &all), [12, 11, 10, 9, 8]);
    assert_eq!(page(&store, Some(8), 5, &all), [7, 6, 5, 4, 3]);
    assert_eq!(page(&store, Some(3), 5, &all), [2, 1]);
    assert!(page(&store, Some(1), 5, &all).is_empty());
    assert!(page(&store, None, 0, &all).is_empty());
    // `before` beyond the end starts from the newest.
    assert_eq!(page(&store, Some(1000), 2, &all), [12, 11]);
    assert_eq!(page(&store, Some(u64::MAX), 1, &all), [12]);
    assert_eq!(
        all_pages(&store, 5, &all),
        [vec![12, 11, 10, 9, 8], vec![7, 6, 5, 4, 3], vec![2, 1]]
    );
    // The events are the stored ones.
    let full = store.audit_page(None, 100, &all).unwrap();
    let mut oldest_first = full.clone();
    oldest_first.reverse();
    assert_eq!(oldest_first, store.audit_events(1, 100).unwrap());
}

#[test]
fn audit_page_filters_by_case() {
    let (_dir, store) = seeded();
    let a1 = filter(Some(A1), None, None);
    assert_eq!(page(&store, None, 100, &a1), [12, 9, 8, 6, 5, 3]);
    assert_eq!(all_pages(&store, 4, &a1), [vec![12, 9, 8, 6], vec![5, 3]]);
    // `before` need not be one of the case's own sequence numbers.
    assert_eq!(page(&store, Some(7), 2, &a1), [6, 5]);
    assert_eq!(page(&store, Some(4), 10, &a1), [3]);
    assert!(page(&store, Some(3), 10, &a1).is_empty());
    assert_eq!(
        page(&store, None, 100, &filter(Some(A2), None, None)),
        [11, 10, 7, 4]
    );
    assert!(
        page(
            &store,
            None,
            100,
            &filter(Some(ApplicationId(3)), None, None)
        )
        .is_empty()
    );
    let events = store.audit_page(None, 100, &a1).unwrap();
    assert!(events.iter().all(|(_, e)| e.application_id() == Some(A1)));
}

#[test]
fn audit_page_filters_by_actor_exactly() {
    let (_dir, store) = seeded();
    let other = filter(None, Some(OTHER), None);
    assert_eq!(page(&store, None, 100, &other), [12, 11, 8, 7, 6]);
    assert_eq!(
        all_pages(&store, 2, &other),
        [vec![12, 11], vec![8, 7], vec![6]]
    );
    assert_eq!(
        page(&store, None, 100, &filter(None, Some(ACTOR), None)),
        [10, 9, 5, 4, 3, 2, 1]
    );
    let events = store.audit_page(None, 100, &other).unwrap();
    assert!(events.iter().all(|(_, e)| e.actor == OTHER));
    // Exact comparison: case and spaces count.
    for near_miss in ["LBianchi", " lbianchi", "lbianch", ""] {
        assert!(
            page(&store, None, 100, &filter(None, Some(near_miss), None)).is_empty(),
            "{near_miss:?}"
        );
    }
}

#[test]
fn audit_page_filters_by_kind_name() {
    let (_dir, store) = seeded();
    let review = filter(None, None, Some("istruttoria_avviata"));
    assert_eq!(page(&store, None, 100, &review), [10, 6]);
    assert_eq!(page(&store, None, 1, &review), [10]);
    assert_eq!(page(&store, Some(10), 1, &review), [6]);
    assert_eq!(
        page(
            &store,
            None,
            100,
            &filter(None, None, Some("bando_salvato"))
        ),
        [1]
    );
    // The stored tag is not the kind's name.
    for unknown in ["review_started", "ISTRUTTORIA_AVVIATA", "sconosciuto"] {
        assert!(
            page(&store, None, 100, &filter(None, None, Some(unknown))).is_empty(),
            "{unknown}"
        );
    }
    // Every kind in the log finds exactly its events.
    let all = store.audit_events(1, 100).unwrap();
    let names: BTreeSet<&str> = all.iter().map(|(_, e)| e.kind_name()).collect();
    assert_eq!(names.len(), 9);
    for name in names {
        let mut expected: Vec<u64> = all
            .iter()
            .filter(|(_, e)| e.kind_name() == name)
            .map(|(seq, _)| *seq)
            .collect();
        expected.reverse();
        assert_eq!(
            page(&store, None, 100, &filter(None, None, Some(name))),
            expected,
            "{name}"
        );
        // One at a time, so that the kind is met again after it was first learnt.
        assert_eq!(
            all_pages(&store, 1, &filter(None, None, Some(name))).concat(),
            expected,
            "{name}"
        );
    }
}

#[test]
fn audit_page_combines_filters() {
    let (_dir, store) = seeded();
    assert_eq!(
        page(&store, None, 100, &filter(Some(A1), Some(OTHER), None)),
        [12, 8, 6]
    );
    assert_eq!(
        all_pages(&store, 2, &filter(Some(A1), Some(OTHER), None)),
        [vec![12, 8], vec![6]]
    );
    assert_eq!(
        page(
            &store,
            None,
            100,
            &filter(Some(A1), None, Some("domanda_protocollata"))
        ),
        [5]
    );
    assert_eq!(
        page(
            &store,
            None,
            100,
            &filter(None, Some(OTHER), Some("domanda_protocollata"))
        ),
        [7]
    );
    assert_eq!(
        page(
            &store,
            None,
            100,
            &filter(Some(A2), Some(ACTOR), Some("istruttoria_avviata"))
        ),
        [10]
    );
    assert!(
        page(
            &store,
            None,
            100,
            &filter(Some(A1), Some(ACTOR), Some("istruttoria_avviata"))
        )
        .is_empty()
    );
    assert!(
        page(
            &store,
            None,
            100,
            &filter(Some(A1), None, Some("bando_salvato"))
        )
        .is_empty()
    );
}

// ---- migration from schema 1 ----------------------------------------------------------------

/// Turns a closed database into what schema 1 wrote: the same trees without the index.
fn downgrade_to_first_layout(dir: &Path, leftover_keys: &[(ApplicationId, u64)]) {
    let db = raw(dir);
    let index = db.open_tree(IDX_AUDIT_APPLICATION).unwrap();
    index.clear().unwrap();
    // What an upgrade cut short, or anything else, may have left behind.
    for (id, seq) in leftover_keys {
        index.insert(index_key(*id, *seq), &[] as &[u8]).unwrap();
    }
    db.open_tree(META)
        .unwrap()
        .insert("schema_version", &b"1"[..])
        .unwrap();
    db.flush().unwrap();
}

#[test]
fn opening_a_first_layout_database_builds_the_index() {
    let (dir, store) = seeded();
    let timeline = store.application_events(A1).unwrap();
    let mut export_before = Vec::new();
    store.export(&mut export_before).unwrap();
    drop(store);
    downgrade_to_first_layout(dir.path(), &[]);
    assert!(index_keys(dir.path()).is_empty());

    let store = open(dir.path());
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.application_events(A1).unwrap(), timeline);
    assert_eq!(seqs(&store.application_events(A2).unwrap()), A2_SEQS);
    assert_eq!(
        page(&store, None, 100, &filter(Some(A1), Some(OTHER), None)),
        [12, 8, 6]
    );
    assert!(store.check().unwrap().is_ok(), "{:?}", store.check());
    assert_eq!(store.verify_audit().unwrap().first_broken, None);
    // Only the header's schema changed in the export.
    let mut export_after = Vec::new();
    store.export(&mut export_after).unwrap();
    let before = String::from_utf8(export_before).unwrap();
    let after = String::from_utf8(export_after).unwrap();
    assert_eq!(before, after);
    // New commands keep indexing.
    run_as(
        &store,
        ACTOR,
        30,
        Command::UpdateContact {
            id: A1,
            contact: contact(),
        },
    );
    drop(store);
    let mut expected = expected_index();
    expected.insert(A1_SEQS.len(), (1, 13));
    assert_eq!(index_keys(dir.path()), expected);
    // Reopening does not migrate again.
    let store = open(dir.path());
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
}

#[test]
fn an_upgrade_cut_short_starts_again_from_an_empty_index() {
    let (dir, store) = seeded();
    drop(store);
    // Some keys of a first attempt, and one the log does not account for.
    downgrade_to_first_layout(dir.path(), &[(A1, 3), (A1, 5), (A2, 99)]);
    let store = open(dir.path());
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert!(store.check().unwrap().is_ok(), "{:?}", store.check());
    drop(store);
    assert_eq!(index_keys(dir.path()), expected_index());
}

#[test]
fn a_first_layout_database_without_audit_entries_migrates_to_an_empty_index() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = raw(dir.path());
        db.open_tree(META)
            .unwrap()
            .insert("schema_version", &b"1"[..])
            .unwrap();
        db.flush().unwrap();
    }
    let store = open(dir.path());
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert!(store.is_empty());
    assert!(store.application_events(A1).unwrap().is_empty());
    assert!(
        store
            .audit_page(None, 10, &AuditFilter::default())
            .unwrap()
            .is_empty()
    );
}

// ---- integrity check -------------------------------------------------------------------------

fn problems_after(tamper: impl FnOnce(&sled::Tree)) -> (tempfile::TempDir, Vec<String>) {
    let (dir, store) = seeded();
    assert!(store.check().unwrap().is_ok());
    drop(store);
    {
        let db = raw(dir.path());
        tamper(&db.open_tree(IDX_AUDIT_APPLICATION).unwrap());
        db.flush().unwrap();
    }
    let problems = open(dir.path()).check().unwrap().problems;
    (dir, problems)
}

#[test]
fn check_reports_a_missing_audit_index_key() {
    let (dir, problems) = problems_after(|index| {
        let removed = index.remove(index_key(A1, 6)).unwrap();
        assert!(removed.is_some(), "the index key layout changed");
    });
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("indice registro per domanda"),
        "{problems:?}"
    );
    assert!(problems[0].contains("manca"), "{problems:?}");
    assert!(
        problems[0].contains("#1") && problems[0].contains("voce 6"),
        "{problems:?}"
    );
    // The timeline simply lacks that event.
    let store = open(dir.path());
    assert_eq!(
        seqs(&store.application_events(A1).unwrap()),
        [3, 5, 8, 9, 12]
    );
}

#[test]
fn check_reports_dangling_audit_index_keys() {
    // Past the end of the log, and at an entry about the other application.
    let (dir, problems) = problems_after(|index| {
        index.insert(index_key(A2, 99), &[] as &[u8]).unwrap();
        index.insert(index_key(A2, 5), &[] as &[u8]).unwrap();
    });
    assert_eq!(problems.len(), 2, "{problems:?}");
    for (problem, seq) in problems.iter().zip(["voce 5", "voce 99"]) {
        assert!(
            problem.contains("indice registro per domanda"),
            "{problems:?}"
        );
        assert!(problem.contains("senza evento"), "{problems:?}");
        assert!(
            problem.contains("#2") && problem.contains(seq),
            "{problems:?}"
        );
    }
    // Reading through a dangling key is an error, not a wrong timeline.
    let store = open(dir.path());
    for result in [
        store.application_events(A2),
        store.audit_page(None, 100, &filter(Some(A2), None, None)),
    ] {
        match result {
            Err(StoreError::Corrupt { tree, detail, .. }) => {
                assert_eq!(tree, IDX_AUDIT_APPLICATION);
                assert!(detail.contains("alloggi check"), "{detail}");
            }
            other => panic!("expected Corrupt, got {other:?}"),
        }
    }
    // Pages that stop before the bad keys are unaffected.
    assert_eq!(
        page(&store, Some(5), 10, &filter(Some(A2), None, None)),
        [4]
    );
}

#[test]
fn check_reports_a_missing_and_a_dangling_key_together() {
    // As many keys as expected, but not the right ones.
    let (_dir, problems) = problems_after(|index| {
        index.remove(index_key(A1, 12)).unwrap();
        index.insert(index_key(A1, 11), &[] as &[u8]).unwrap();
    });
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("manca") && p.contains("voce 12")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("senza evento") && p.contains("voce 11")),
        "{problems:?}"
    );
}

// ---- backup and restore ------------------------------------------------------------------------

fn export(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    store.export(&mut out).expect("export");
    out
}

fn restore_into(bytes: &[u8]) -> (tempfile::TempDir, Result<Store, StoreError>) {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let outcome = store
        .restore(|| Ok::<_, std::io::Error>(bytes))
        .map(|_| store);
    (dir, outcome)
}

#[test]
fn restore_rebuilds_the_audit_index() {
    let (_source, store) = seeded();
    let bytes = export(&store);
    let (target, restored) = restore_into(&bytes);
    let restored = restored.expect("restore");
    for id in [A1, A2] {
        assert_eq!(
            restored.application_events(id).unwrap(),
            store.application_events(id).unwrap()
        );
    }
    assert_eq!(
        page(&restored, None, 100, &filter(Some(A1), Some(OTHER), None)),
        [12, 8, 6]
    );
    assert!(restored.check().unwrap().is_ok());
    assert_eq!(export(&restored), bytes);
    drop(restored);
    assert_eq!(index_keys(target.path()), expected_index());
}

#[test]
fn a_backup_taken_with_schema_1_is_restored_with_the_index() {
    let (_source, store) = seeded();
    let bytes = String::from_utf8(export(&store)).unwrap();
    let header = format!("{{\"formato\":\"alloggi-backup\",\"schema\":{SCHEMA_VERSION}}}\n");
    assert!(bytes.starts_with(&header));
    let old = bytes.replacen(
        &header,
        "{\"formato\":\"alloggi-backup\",\"schema\":1}\n",
        1,
    );
    let (target, restored) = restore_into(old.as_bytes());
    let restored = restored.expect("a schema-1 backup restores");
    assert_eq!(restored.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(
        restored.application_events(A1).unwrap(),
        store.application_events(A1).unwrap()
    );
    // Exported again, it is a backup of this schema.
    assert_eq!(String::from_utf8(export(&restored)).unwrap(), bytes);
    drop(restored);
    assert_eq!(index_keys(target.path()), expected_index());

    // Schema 0 never existed; a newer one is refused as before.
    for schema in [0, SCHEMA_VERSION + 1] {
        let other = bytes.replacen(
            &header,
            &format!("{{\"formato\":\"alloggi-backup\",\"schema\":{schema}}}\n"),
            1,
        );
        match restore_into(other.as_bytes()).1 {
            Err(StoreError::Backup { line: 1, detail }) => {
                assert!(detail.contains(&format!("schema {schema}")), "{detail}")
            }
            Err(other) => panic!("schema {schema}: expected Backup at line 1, got {other}"),
            Ok(_) => panic!("schema {schema}: restored"),
        }
    }
}

// ---- shared handles ----------------------------------------------------------------------------

#[test]
fn a_clone_sees_writes_made_through_the_original() {
    let (_dir, store) = seeded();
    let clone = store.clone();
    assert_eq!(clone.path(), store.path());
    run_as(
        &store,
        ACTOR,
        40,
        Command::UpdateContact {
            id: A1,
            contact: contact(),
        },
    );
    assert_eq!(clone.audit_len(), 13);
    assert_eq!(
        clone.application(A1).unwrap().map(|a| a.state),
        Some(State::InIstruttoria)
    );
    assert_eq!(
        clone.application_events(A1).unwrap().len(),
        A1_SEQS.len() + 1
    );

    // On another thread, while the original keeps writing.
    let reader = std::thread::spawn(move || {
        let mut sizes = Vec::new();
        for _ in 0..50 {
            let timeline = clone.application_events(A2).unwrap();
            assert!(timeline.iter().all(|(_, e)| e.application_id() == Some(A2)));
            sizes.push(timeline.len());
        }
        sizes
    });
    run_as(
        &store,
        ACTOR,
        41,
        Command::Reinstate {
            id: A2,
            reason: "rinuncia ritirata".to_string(),
        },
    );
    let sizes = reader.join().expect("reader thread");
    assert!(sizes.windows(2).all(|w| w[0] <= w[1]), "{sizes:?}");
    assert!(sizes.iter().all(|n| *n == 4 || *n == 5), "{sizes:?}");
    assert_eq!(store.application_events(A2).unwrap().len(), 5);
}
