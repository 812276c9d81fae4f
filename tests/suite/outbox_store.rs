//! The IO outbox in the store: a message queued in the same transaction as the command that
//! fires it, previews that write nothing, duplicates refused, every state change of an entry
//! with its index and audit entry, offline bundles and their receipts, and backups. Every
//! database lives in its own temporary directory and is reopened where durability matters.

use crate::common;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use alloggi::domain::time::Timestamp;
use alloggi::domain::{ApplicationId, Command, DomainError, Event, EventKind, State};
use alloggi::messages::outbox::{OutboxEntry, OutboxId, OutboxState, OutboxTab};
use alloggi::messages::{Catalogue, ComuneConfig, Order, ValueKind, Values};
use alloggi::store::{Outcome, Receipt, ReceiptsApplied, Store, StoreError};
use chrono::Duration;
use common::*;

const A1: ApplicationId = ApplicationId(1);
const A5: ApplicationId = ApplicationId(5);

fn config() -> &'static ComuneConfig {
    static CONFIG: OnceLock<ComuneConfig> = OnceLock::new();
    CONFIG.get_or_init(ComuneConfig::example)
}

fn order(template_id: &str, typed: Values) -> Order<'static> {
    Order {
        template: Catalogue::builtin().get(template_id).expect("template"),
        config: config(),
        typed,
        recipient: None,
    }
}

/// A catalogue message with everything the caseworker has to type.
fn full_order(template_id: &str) -> Order<'static> {
    order(
        template_id,
        common::caseworker_values(template_id, "30/11/2026"),
    )
}

/// The 2024 call and `n` received applications, ids 1..=n.
fn seed(store: &Store, n: usize) -> Vec<ApplicationId> {
    run(store, Command::SaveCall(Box::new(call())));
    common::five_applicants()
        .into_iter()
        .take(n)
        .enumerate()
        .map(|(i, person)| {
            run(
                store,
                Command::ReceiveApplication(Box::new(new_application(household(vec![person])))),
            );
            ApplicationId(i as u64 + 1)
        })
        .collect()
}

fn backup(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    store.export(&mut out).expect("export");
    out
}

fn counts(store: &Store) -> BTreeMap<OutboxTab, usize> {
    store.outbox_counts().expect("counts")
}

fn expected_counts(pairs: &[(OutboxTab, usize)]) -> BTreeMap<OutboxTab, usize> {
    let mut map: BTreeMap<OutboxTab, usize> = OutboxTab::ALL.iter().map(|t| (*t, 0)).collect();
    map.extend(pairs.iter().copied());
    map
}

fn entry(store: &Store, id: OutboxId) -> OutboxEntry {
    store
        .outbox_entry(id)
        .expect("read")
        .unwrap_or_else(|| panic!("{id} missing"))
}

fn page_ids(store: &Store, tab: OutboxTab) -> Vec<OutboxId> {
    let mut ids: Vec<OutboxId> = store
        .outbox_page(tab, None, 100)
        .expect("page")
        .into_iter()
        .map(|e| e.id)
        .collect();
    ids.sort();
    ids
}

fn last_event(store: &Store) -> Event {
    let len = store.audit_len() as u64;
    store
        .audit_events(len, 1)
        .expect("audit")
        .pop()
        .expect("an audit entry")
        .1
}

fn assert_clean(store: &Store) {
    let report = store.check().expect("check");
    assert!(report.is_ok(), "{:?}", report.problems);
    assert!(store.verify_audit().unwrap().first_broken.is_none());
}

fn queue_batch(store: &Store, ids: &[ApplicationId], template_id: &str) -> Vec<OutboxId> {
    let report = store
        .queue_batch(ids, &ctx(), &full_order(template_id))
        .expect("batch");
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert!(report.duplicates.is_empty(), "{:?}", report.duplicates);
    report.queued
}

// ---- queueing with the command that fires the message ----------------------------------------

#[test]
fn registering_queues_the_message_in_the_same_transaction_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let (events, queued) = {
        let store = open(dir.path());
        seed(&store, 1);
        let audit_before = store.audit_len();
        let (events, queued) = store
            .execute_and_queue(
                Some(&register(A1)),
                None,
                &ctx(),
                &order("presa_in_carico", Values::new()),
            )
            .expect("registered and queued");

        assert_eq!(events.len(), 2, "{events:?}");
        assert!(
            matches!(
                events[0].kind,
                EventKind::ApplicationRegistered { id: A1, .. }
            ),
            "{events:?}"
        );
        match &events[1].kind {
            EventKind::MessageQueued {
                outbox,
                template,
                fiscal_code,
                application,
                ..
            } => {
                assert_eq!(*outbox, queued.id.0);
                assert_eq!(template, "presa_in_carico");
                assert_eq!(fiscal_code, applicant().fiscal_code.as_str());
                assert_eq!(*application, Some(A1));
            }
            other => panic!("expected MessageQueued, got {other:?}"),
        }
        assert_eq!(store.audit_len(), audit_before + 2);

        // The text was composed from the case as the command left it: the protocol number
        // given in this very transaction is in it.
        let protocol = store.application(A1).unwrap().unwrap().protocol.unwrap();
        assert_eq!(protocol.to_string(), "2024/000001");
        assert!(
            queued.message.content.markdown.contains("2024/000001"),
            "{}",
            queued.message.content.markdown
        );
        assert_eq!(queued.state, OutboxState::Queued);
        assert_eq!(queued.application, Some(A1));
        assert_eq!(
            queued.addressee.fiscal_code,
            applicant().fiscal_code.as_str()
        );
        assert_eq!(queued.message.fiscal_code, queued.addressee.fiscal_code);
        assert_eq!(queued.content_hash, queued.message.content_hash());
        assert_eq!(queued.queued_by, ACTOR);
        (events, queued)
    };

    let store = open(dir.path());
    let app = store.application(A1).unwrap().unwrap();
    assert_eq!(app.state, State::Protocollata);
    let len = store.audit_len() as u64;
    let stored: Vec<Event> = store
        .audit_events(len - 1, 2)
        .unwrap()
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    assert_eq!(stored, events);
    assert_eq!(entry(&store, queued.id), queued);
    assert_eq!(counts(&store), expected_counts(&[(OutboxTab::Queued, 1)]));
    let due = store.outbox_due(office_time(), 10).unwrap();
    assert_eq!(due, vec![queued]);
    assert_clean(&store);
}

#[test]
fn a_message_that_cannot_be_composed_leaves_the_command_unapplied() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store, 1);
    let before = backup(&store);
    let audit_before = store.audit_len();

    // Everything the caseworker must type but the time of the appointment.
    let mut typed = common::caseworker_values("appuntamento_domanda", "30/11/2026");
    assert!(typed.remove("ora_appuntamento").is_some());
    let error = store
        .execute_and_queue(
            Some(&register(A1)),
            None,
            &ctx(),
            &order("appuntamento_domanda", typed),
        )
        .expect_err("a message without the time cannot be queued");
    match &error {
        StoreError::Message(reason) => {
            assert!(reason.contains("«ora_appuntamento»"), "{reason}");
        }
        other => panic!("expected a message error, got {other:?}"),
    }

    let app = store.application(A1).unwrap().unwrap();
    assert_eq!(app.state, State::Ricevuta);
    assert_eq!(app.protocol, None);
    assert_eq!(store.audit_len(), audit_before);
    assert_eq!(counts(&store), expected_counts(&[]));
    assert_eq!(backup(&store), before);

    // Without a command: the protocol number is a case value an unregistered application
    // lacks, and the error says so.
    let error = store
        .execute_and_queue(
            None,
            Some(A1),
            &ctx(),
            &order("presa_in_carico", Values::new()),
        )
        .expect_err("no protocol number yet");
    assert!(error.to_string().contains("«protocollo»"), "{error}");
    assert_eq!(backup(&store), before);

    // Nothing of the refused attempt resurfaces after reopening.
    drop(store);
    let store = open(dir.path());
    assert_eq!(backup(&store), before);
    assert_clean(&store);
}

#[test]
fn the_preview_is_exactly_what_is_queued_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed(&store, 2);
    let before = backup(&store);
    let audit_before = store.audit_len();
    let order = order("presa_in_carico", Values::new());

    let preview = store
        .preview_message(Some(&register(A1)), None, &ctx(), &order)
        .expect("preview");
    assert_eq!(preview.duplicate_of, None);
    assert!(
        preview
            .draft
            .message
            .content
            .markdown
            .contains("2024/000001"),
        "the preview runs the command first: {}",
        preview.draft.message.content.markdown
    );
    assert_eq!(preview.draft.template, "presa_in_carico");
    assert_eq!(
        preview.draft.addressee.fiscal_code,
        applicant().fiscal_code.as_str()
    );

    // Nothing was written: no protocol taken, no audit entry, no outbox entry.
    assert_eq!(store.audit_len(), audit_before);
    assert_eq!(
        store.application(A1).unwrap().unwrap().state,
        State::Ricevuta
    );
    assert_eq!(counts(&store), expected_counts(&[]));
    assert_eq!(backup(&store), before);

    let (_, queued) = store
        .execute_and_queue(Some(&register(A1)), None, &ctx(), &order)
        .expect("queued");
    assert_eq!(queued.message, preview.draft.message);
    assert_eq!(queued.message.to_json(), preview.draft.message.to_json());
    assert_eq!(queued.title, preview.draft.title);
    assert_eq!(queued.addressee, preview.draft.addressee);

    // Asked again, the preview says the identical message is already in the outbox.
    let again = store
        .preview_message(None, Some(A1), &ctx(), &order)
        .expect("preview");
    assert_eq!(again.duplicate_of, Some(queued.id));
    assert_eq!(again.draft.message, queued.message);
}

// ---- duplicates and batches --------------------------------------------------------------------

#[test]
fn an_identical_message_is_refused_and_batches_resume_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let ids = seed(&store, 5);
    for id in &ids[..4] {
        run(&store, register(*id));
    }

    // One application of the five has no protocol number: it is reported, the others queued.
    let presa = order("presa_in_carico", Values::new());
    let first = store.queue_batch(&ids, &ctx(), &presa).expect("batch");
    assert_eq!(first.queued.len(), 4, "{first:?}");
    assert!(first.duplicates.is_empty());
    assert_eq!(first.failed.len(), 1, "{first:?}");
    assert_eq!(first.failed[0].0, A5);
    assert!(first.failed[0].1.contains("«protocollo»"), "{first:?}");
    for (id, app) in first.queued.iter().zip(&ids) {
        assert_eq!(entry(&store, *id).application, Some(*app));
    }

    // The same message again for the same citizen.
    let before = backup(&store);
    let audit_before = store.audit_len();
    let error = store
        .execute_and_queue(None, Some(A1), &ctx(), &presa)
        .expect_err("a second identical message");
    assert!(
        matches!(error, StoreError::DuplicateMessage(id) if id == first.queued[0]),
        "{error:?}"
    );
    assert_eq!(store.audit_len(), audit_before);
    assert_eq!(backup(&store), before);

    // The same catalogue message with other values is another message, and is queued.
    let mut typed = common::caseworker_values("appuntamento_domanda", "30/11/2026");
    let other_day = ValueKind::Date.parse("01/12/2026").unwrap();
    store
        .execute_and_queue(
            None,
            Some(A1),
            &ctx(),
            &order("appuntamento_domanda", typed.clone()),
        )
        .expect("first appointment");
    typed.insert("data_appuntamento", other_day);
    store
        .execute_and_queue(
            None,
            Some(A1),
            &ctx(),
            &order("appuntamento_domanda", typed),
        )
        .expect("an appointment on another day is another message");

    // A batch cut short is simply run again: the second run queues nothing.
    let rankings = full_order("graduatoria_provvisoria");
    let report = store.queue_batch(&ids, &ctx(), &rankings).expect("batch");
    assert_eq!(report.queued.len(), 5);
    assert!(report.duplicates.is_empty() && report.failed.is_empty());
    let before = backup(&store);
    let audit_before = store.audit_len();
    let again = store.queue_batch(&ids, &ctx(), &rankings).expect("batch");
    assert!(again.queued.is_empty(), "{again:?}");
    assert_eq!(again.duplicates, ids);
    assert!(again.failed.is_empty());
    assert_eq!(store.audit_len(), audit_before);
    assert_eq!(backup(&store), before);
    assert_eq!(
        counts(&store),
        expected_counts(&[(OutboxTab::Queued, 4 + 2 + 5)])
    );
    assert_clean(&store);
}

// ---- what becomes of an entry --------------------------------------------------------------------

#[test]
fn every_outcome_moves_the_entry_to_its_tab_with_its_audit_entry() {
    let dir = tempfile::tempdir().unwrap();
    let now = office_time();
    let ids = {
        let store = open(dir.path());
        let apps = seed(&store, 5);
        let ids = queue_batch(&store, &apps, "graduatoria_provvisoria");
        let [e1, e2, e3, e4, e5] = ids[..] else {
            panic!("{ids:?}")
        };

        let claimed = store.outbox_mark_sending(&ids, &ctx()).unwrap();
        assert_eq!(claimed.len(), 5);
        for c in &claimed {
            assert!(matches!(c.state, OutboxState::Sending { .. }), "{c:?}");
            assert_eq!(c.attempts, 1);
        }
        // Claimed entries are never handed out again, and a second claim takes nothing.
        assert!(store.outbox_due(now, 100).unwrap().is_empty());
        assert!(store.outbox_mark_sending(&ids, &ctx()).unwrap().is_empty());

        let audit_before = store.audit_len();
        let retry_at = now + Duration::hours(1);
        let changed = store
            .outbox_record(
                &[
                    (
                        e1,
                        Outcome::Sent {
                            io_id: "01J0000000000000000000SENT".into(),
                        },
                    ),
                    (
                        e2,
                        Outcome::Rejected {
                            status: 400,
                            detail: "Invalid message structure".into(),
                        },
                    ),
                    (
                        e3,
                        Outcome::Unreachable {
                            detail: "nessun profilo IO attivo".into(),
                        },
                    ),
                    (
                        e4,
                        Outcome::Uncertain {
                            detail: "nessuna risposta completa da IO".into(),
                        },
                    ),
                    (
                        e5,
                        Outcome::Retry {
                            at: retry_at,
                            reason: "429".into(),
                        },
                    ),
                ],
                &ctx(),
            )
            .unwrap();
        assert_eq!(changed, 5);

        match &entry(&store, e1).state {
            OutboxState::Sent { io_id, .. } => {
                assert_eq!(io_id.as_deref(), Some("01J0000000000000000000SENT"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            entry(&store, e2).state,
            OutboxState::Rejected { status: 400, .. }
        ));
        assert!(matches!(
            entry(&store, e3).state,
            OutboxState::Unreachable { .. }
        ));
        assert!(matches!(
            entry(&store, e4).state,
            OutboxState::Uncertain { .. }
        ));
        assert!(matches!(entry(&store, e5).state, OutboxState::Retry { at, .. } if at == retry_at));

        assert_eq!(page_ids(&store, OutboxTab::Sent), vec![e1]);
        assert_eq!(page_ids(&store, OutboxTab::Failed), vec![e2]);
        assert_eq!(page_ids(&store, OutboxTab::Unreachable), vec![e3]);
        assert_eq!(page_ids(&store, OutboxTab::Uncertain), vec![e4]);
        assert_eq!(page_ids(&store, OutboxTab::Queued), vec![e5]);

        // One audit entry for each change a citizen could notice; none for a retry.
        let events: Vec<EventKind> = store
            .audit_events(audit_before as u64 + 1, 10)
            .unwrap()
            .into_iter()
            .map(|(_, e)| e.kind)
            .collect();
        assert_eq!(events.len(), 4, "{events:?}");
        assert!(events.iter().any(|k| matches!(k,
            EventKind::MessageSent { outbox, io_id: Some(id), application: Some(_) }
                if *outbox == e1.0 && id == "01J0000000000000000000SENT")));
        assert!(events.iter().any(|k| matches!(k,
            EventKind::MessageRejected { outbox, status: 400, .. } if *outbox == e2.0)));
        assert!(events.iter().any(|k| matches!(k,
            EventKind::MessageUnreachable { outbox, .. } if *outbox == e3.0)));
        assert!(events.iter().any(|k| matches!(k,
            EventKind::MessageUncertain { outbox, .. } if *outbox == e4.0)));

        // A retry is due at its time and not before.
        assert!(store.outbox_due(now, 100).unwrap().is_empty());
        assert!(
            store
                .outbox_due(retry_at - Duration::seconds(1), 100)
                .unwrap()
                .is_empty()
        );
        let due: Vec<OutboxId> = store
            .outbox_due(retry_at, 100)
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(due, vec![e5]);

        // Only a request in flight can have been sent: a late "sent" for an entry waiting
        // to be retried is not applied.
        let late = store
            .outbox_record(&[(e5, Outcome::Sent { io_id: "X".into() })], &ctx())
            .unwrap();
        assert_eq!(late, 0);
        assert!(matches!(entry(&store, e5).state, OutboxState::Retry { .. }));

        // The retry is claimed, and the process stops before any answer is recorded.
        let later = ctx_at(retry_at + Duration::minutes(1));
        assert_eq!(store.outbox_mark_sending(&[e5], &later).unwrap().len(), 1);
        ids
    };

    // Reopened: the claim was durable, and an entry found `sending` becomes uncertain.
    let store = open(dir.path());
    let [e1, e2, e3, e4, e5] = ids[..] else {
        panic!("{ids:?}")
    };
    assert!(matches!(
        entry(&store, e5).state,
        OutboxState::Sending { .. }
    ));
    let far = now + Duration::days(30);
    assert!(store.outbox_due(far, 100).unwrap().is_empty());
    assert_eq!(store.outbox_recover(&ctx()).unwrap(), 1);
    match &entry(&store, e5).state {
        OutboxState::Uncertain { detail, .. } => {
            assert!(detail.contains("interrotto"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        last_event(&store).kind,
        EventKind::MessageUncertain { outbox, .. } if outbox == e5.0
    ));
    assert_eq!(store.outbox_recover(&ctx()).unwrap(), 0);
    assert!(
        store.outbox_due(far, 100).unwrap().is_empty(),
        "an uncertain entry is never sent again by the program"
    );

    // A caseworker's decisions need a reason.
    for blank in ["", "   "] {
        let error = store.outbox_requeue(e4, blank, &ctx()).unwrap_err();
        assert!(
            matches!(error, StoreError::Domain(DomainError::MissingReason)),
            "{error:?}"
        );
        let error = store.outbox_mark_sent(e5, blank, None, &ctx()).unwrap_err();
        assert!(
            matches!(error, StoreError::Domain(DomainError::MissingReason)),
            "{error:?}"
        );
    }
    let error = store
        .outbox_requeue(e1, "inviarlo di nuovo", &ctx())
        .unwrap_err();
    assert!(
        matches!(error, StoreError::MessageState { id, .. } if id == e1),
        "a sent message is not requeued: {error:?}"
    );
    assert!(matches!(entry(&store, e1).state, OutboxState::Sent { .. }));

    let audit_before = store.audit_len();
    let requeued = store
        .outbox_requeue(e4, "il cittadino dice di non averlo ricevuto", &ctx())
        .unwrap();
    assert_eq!(requeued.state, OutboxState::Queued);
    let event = last_event(&store);
    assert_eq!(
        event.reason.as_deref(),
        Some("il cittadino dice di non averlo ricevuto")
    );
    assert!(matches!(event.kind, EventKind::MessageRequeued { outbox, .. } if outbox == e4.0));
    let due: Vec<OutboxId> = store
        .outbox_due(now, 100)
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(due, vec![e4]);

    // Recording a message as sent is for what only a person can know: not for a queued one.
    let error = store
        .outbox_mark_sent(e4, "visto", None, &ctx())
        .unwrap_err();
    assert!(
        matches!(error, StoreError::MessageState { .. }),
        "{error:?}"
    );
    let marked = store
        .outbox_mark_sent(
            e5,
            "visto nell'app del cittadino allo sportello",
            None,
            &ctx(),
        )
        .unwrap();
    assert!(matches!(
        marked.state,
        OutboxState::Sent { io_id: None, .. }
    ));
    assert_eq!(marked.state.label(), "segnato inviato");
    let event = last_event(&store);
    assert_eq!(
        event.reason.as_deref(),
        Some("visto nell'app del cittadino allo sportello")
    );
    assert!(matches!(
        event.kind,
        EventKind::MessageSent { outbox, io_id: None, .. } if outbox == e5.0
    ));
    assert_eq!(store.audit_len(), audit_before + 2);

    let expected = expected_counts(&[
        (OutboxTab::Queued, 1),
        (OutboxTab::Sent, 2),
        (OutboxTab::Unreachable, 1),
        (OutboxTab::Failed, 1),
    ]);
    assert_eq!(counts(&store), expected);
    for tab in OutboxTab::ALL {
        assert_eq!(page_ids(&store, tab).len(), expected[&tab], "{tab:?}");
    }
    assert_eq!(page_ids(&store, OutboxTab::Sent), vec![e1, e5]);
    assert_eq!(page_ids(&store, OutboxTab::Failed), vec![e2]);
    assert_eq!(page_ids(&store, OutboxTab::Unreachable), vec![e3]);
    assert_clean(&store);
    drop(store);
    assert_eq!(counts(&open(dir.path())), expected);
}

// ---- offline bundles ------------------------------------------------------------------------------

fn sent_receipt(entry: &OutboxEntry, io_id: &str) -> Receipt {
    Receipt {
        id: entry.id,
        content_hash: entry.content_hash.clone(),
        outcome: Outcome::Sent {
            io_id: io_id.to_string(),
        },
    }
}

/// Digests of two signed bundles.
const D1: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const D2: &str = "2222222222222222222222222222222222222222222222222222222222222222";

/// The hash with its first digit changed.
fn altered_hash(hash: &str) -> String {
    let first = if hash.starts_with('0') { '1' } else { '0' };
    format!("{first}{}", &hash[1..])
}

#[test]
fn exported_entries_take_receipts_once_and_refuse_foreign_ones_whole() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let apps = seed(&store, 5);
    let ids = queue_batch(&store, &apps, "graduatoria_provvisoria");
    let [e1, e2, e3, e4, e5] = ids[..] else {
        panic!("{ids:?}")
    };
    let now = office_time();

    store
        .outbox_mark_exported(&[e1, e2, e3], "P1", D1, &ctx())
        .unwrap();
    assert!(matches!(
        last_event(&store).kind,
        EventKind::MessagesExported { ref bundle, ref outbox } if bundle == "P1" && outbox == &[e1.0, e2.0, e3.0]
    ));
    let due: Vec<OutboxId> = store
        .outbox_due(now + Duration::days(365), 100)
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(due, vec![e4, e5], "exported entries are not sent from here");
    assert_eq!(page_ids(&store, OutboxTab::Exported), vec![e1, e2, e3]);

    // An export is all or nothing: one entry no longer due refuses it whole.
    let before = backup(&store);
    let error = store
        .outbox_mark_exported(&[e4, e1], "P9", D2, &ctx())
        .unwrap_err();
    assert!(
        matches!(error, StoreError::MessageState { id, .. } if id == e1),
        "{error:?}"
    );
    assert_eq!(backup(&store), before);
    assert_eq!(entry(&store, e4).state, OutboxState::Queued);

    let (m1, m2, m3) = (entry(&store, e1), entry(&store, e2), entry(&store, e3));
    let receipts = vec![
        sent_receipt(&m1, "01J00000000000000000000001"),
        sent_receipt(&m2, "01J00000000000000000000002"),
        Receipt {
            id: e3,
            content_hash: m3.content_hash.clone(),
            outcome: Outcome::Rejected {
                status: 403,
                detail: "Recipient forbidden".into(),
            },
        },
    ];
    let applied = store
        .outbox_apply_receipts("P1", D1, &receipts, &ctx())
        .unwrap();
    assert_eq!(
        applied,
        ReceiptsApplied {
            applied: 3,
            unchanged: 0,
            ..ReceiptsApplied::default()
        }
    );
    assert!(matches!(
        &entry(&store, e1).state,
        OutboxState::Sent { io_id: Some(id), .. } if id == "01J00000000000000000000001"
    ));
    assert!(matches!(
        entry(&store, e3).state,
        OutboxState::Rejected { status: 403, .. }
    ));
    assert_eq!(page_ids(&store, OutboxTab::Sent), vec![e1, e2]);

    // The same receipts again: nothing applied, nothing written.
    let before = backup(&store);
    let again = store
        .outbox_apply_receipts("P1", D1, &receipts, &ctx())
        .unwrap();
    assert_eq!(
        again,
        ReceiptsApplied {
            applied: 0,
            unchanged: 3,
            ..ReceiptsApplied::default()
        }
    );
    assert_eq!(backup(&store), before);

    // A second bundle, and receipts that must be refused whole.
    store
        .outbox_mark_exported(&[e4, e5], "P2", D2, &ctx())
        .unwrap();
    let (m4, m5) = (entry(&store, e4), entry(&store, e5));
    let before = backup(&store);
    let altered = Receipt {
        content_hash: altered_hash(&m5.content_hash),
        ..sent_receipt(&m5, "01J00000000000000000000005")
    };
    assert_ne!(altered.content_hash, m5.content_hash);
    let unknown = Receipt {
        id: OutboxId(999),
        ..sent_receipt(&m5, "01J00000000000000000000005")
    };
    let valid_m4 = sent_receipt(&m4, "01J00000000000000000000004");
    // M1 is sent already, as this receipt says, but it was not in bundle P2.
    let of_another_bundle = sent_receipt(&entry(&store, e1), "01J00000000000000000000001");
    let refusals: Vec<(&str, &str, Vec<Receipt>, &str)> = vec![
        (
            "P2",
            D2,
            vec![valid_m4.clone(), altered],
            "contenuto diverso",
        ),
        ("P2", D2, vec![valid_m4.clone(), unknown], "M999"),
        (
            "P2",
            D2,
            vec![valid_m4.clone(), of_another_bundle],
            "M1 non è nel pacchetto P2",
        ),
        // Receipts of bundle P1 for entries exported in P2.
        ("P1", D1, vec![valid_m4.clone()], "P1"),
        // Receipts of another bundle that took P2's name.
        ("P2", D1, vec![valid_m4.clone()], "impronta diversa"),
        ("P7", D2, vec![valid_m4.clone()], "P7 non risulta esportato"),
    ];
    for (bundle, digest, receipts, says) in refusals {
        let error = store
            .outbox_apply_receipts(bundle, digest, &receipts, &ctx())
            .expect_err("refused");
        assert!(error.to_string().contains(says), "{error}");
        assert_eq!(backup(&store), before, "{error}");
        assert!(matches!(
            entry(&store, e4).state,
            OutboxState::Exported { .. }
        ));
    }

    let applied = store
        .outbox_apply_receipts(
            "P2",
            D2,
            &[valid_m4, sent_receipt(&m5, "01J00000000000000000000005")],
            &ctx(),
        )
        .unwrap();
    assert_eq!(applied.applied, 2);
    assert_eq!(
        counts(&store),
        expected_counts(&[(OutboxTab::Sent, 4), (OutboxTab::Failed, 1)])
    );
    assert_clean(&store);
}

// ---- backup ------------------------------------------------------------------------------------------

#[test]
fn a_backup_restores_the_outbox_byte_for_byte_with_its_indexes() {
    let root = tempfile::tempdir().unwrap();
    let original = open(&root.path().join("a"));
    let apps = seed(&original, 5);
    let ids = queue_batch(&original, &apps, "graduatoria_provvisoria");
    let (_, registered) = original
        .execute_and_queue(
            Some(&register(A1)),
            None,
            &ctx(),
            &order("presa_in_carico", Values::new()),
        )
        .unwrap();
    original.outbox_mark_sending(&ids[..3], &ctx()).unwrap();
    original
        .outbox_record(
            &[
                (
                    ids[0],
                    Outcome::Sent {
                        io_id: "01J00000000000000000000001".into(),
                    },
                ),
                (
                    ids[1],
                    Outcome::Uncertain {
                        detail: "timeout".into(),
                    },
                ),
                (
                    ids[2],
                    Outcome::Retry {
                        at: office_time() + Duration::hours(2),
                        reason: "429".into(),
                    },
                ),
            ],
            &ctx(),
        )
        .unwrap();
    original
        .outbox_mark_exported(&[ids[3]], "P1", D1, &ctx())
        .unwrap();
    let bytes = backup(&original);

    let restored = open(&root.path().join("b"));
    restored
        .restore(|| Ok(std::io::Cursor::new(bytes.clone())))
        .expect("restore");
    assert_eq!(backup(&restored), bytes);
    for id in ids.iter().chain([&registered.id]) {
        let a = original.outbox_entry(*id).unwrap().unwrap();
        let b = restored.outbox_entry(*id).unwrap().unwrap();
        assert_eq!(
            serde_json::to_vec(&a).unwrap(),
            serde_json::to_vec(&b).unwrap()
        );
    }
    assert_clean(&restored);

    // The indexes were rebuilt: tabs, due entries and duplicate detection agree.
    assert_eq!(counts(&restored), counts(&original));
    let later: Timestamp = office_time() + Duration::days(1);
    assert_eq!(
        restored.outbox_due(later, 100).unwrap(),
        original.outbox_due(later, 100).unwrap()
    );
    for tab in OutboxTab::ALL {
        assert_eq!(
            page_ids(&restored, tab),
            page_ids(&original, tab),
            "{tab:?}"
        );
    }
    let error = restored
        .execute_and_queue(
            None,
            Some(A1),
            &ctx(),
            &order("presa_in_carico", Values::new()),
        )
        .unwrap_err();
    assert!(
        matches!(error, StoreError::DuplicateMessage(id) if id == registered.id),
        "{error:?}"
    );
    // Numbering continues after the restored entries.
    let (_, next) = restored
        .execute_and_queue(
            None,
            Some(A1),
            &ctx(),
            &full_order("graduatoria_definitiva"),
        )
        .unwrap();
    assert_eq!(next.id, OutboxId(registered.id.0 + 1));
    assert_clean(&restored);
}

/// The cruscotto's counts come from counters kept with each state change: they agree with the
/// state index, `open` rebuilds them when they are missing, and `check` sees a wrong one.
#[test]
fn the_outbox_counters_agree_with_the_index_are_rebuilt_when_missing_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let expected = {
        let store = open(dir.path());
        alloggi::demo::populate(
            &store,
            &alloggi::demo::DemoOptions {
                applications: 20,
                seed: 3,
            },
            &mut |_, _| {},
        )
        .expect("demo");
        let counts = store.outbox_counts().expect("counts");
        assert!(counts[&OutboxTab::Queued] > 0, "{counts:?}");
        let queued = store
            .outbox_page(OutboxTab::Queued, None, 1_000)
            .expect("page")
            .len();
        assert_eq!(counts[&OutboxTab::Queued], queued);
        assert!(store.check().expect("check").is_ok());
        counts
    };
    {
        let db = raw(dir.path());
        db.drop_tree("count_outbox").expect("dropped");
        db.flush().expect("flushed");
    }
    wait_released(dir.path());
    {
        let store = open(dir.path());
        assert_eq!(store.outbox_counts().expect("counts"), expected);
        assert!(store.check().expect("check").is_ok());
    }
    {
        let db = raw(dir.path());
        db.open_tree("count_outbox")
            .expect("tree")
            .insert([1u8], b"99999".as_slice())
            .expect("written");
        db.flush().expect("flushed");
    }
    wait_released(dir.path());
    let store = open(dir.path());
    let problems = store.check().expect("check").problems;
    assert!(
        problems
            .iter()
            .any(|p| p.contains("contatori dei messaggi")),
        "{problems:?}"
    );
}
