//! The outbox worker against a local stand-in of IO that checks every request against the
//! contract with its own code: what each answer of IO makes of an entry, and above all that no
//! message is ever sent twice by the program.

use crate::common;
use crate::support::io_stand_in;

use std::sync::OnceLock;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use alloggi::domain::{ApplicationId, Command, EventKind};
use alloggi::io::worker::{DrainReport, Worker, WorkerConfig};
use alloggi::io::{ApiKey, ClientConfig, IoClient};
use alloggi::messages::outbox::{OutboxEntry, OutboxId, OutboxState, OutboxTab};
use alloggi::messages::{Catalogue, ComuneConfig, Order};
use alloggi::store::Store;
use chrono::Utc;
use common::*;
use io_stand_in::{StandIn, StandInConfig};
use serde_json::Value;

const KEY: &str = "chiave-di-prova";

fn config() -> &'static ComuneConfig {
    static CONFIG: OnceLock<ComuneConfig> = OnceLock::new();
    CONFIG.get_or_init(ComuneConfig::example)
}

fn order(template_id: &str, day: &str) -> Order<'static> {
    Order {
        template: Catalogue::builtin().get(template_id).expect("template"),
        config: config(),
        typed: common::caseworker_values(template_id, day),
        recipient: None,
    }
}

/// The 2024 call and `n` registered applications of different citizens; returns their ids
/// and fiscal codes.
fn seed(store: &Store, n: usize) -> Vec<(ApplicationId, String)> {
    run(store, Command::SaveCall(Box::new(call())));
    common::five_applicants()
        .into_iter()
        .take(n)
        .enumerate()
        .map(|(i, person)| {
            let fiscal_code = person.fiscal_code.as_str().to_string();
            run(
                store,
                Command::ReceiveApplication(Box::new(new_application(household(vec![person])))),
            );
            let id = ApplicationId(i as u64 + 1);
            run(store, register(id));
            (id, fiscal_code)
        })
        .collect()
}

fn queue(store: &Store, application: ApplicationId, template_id: &str, day: &str) -> OutboxId {
    store
        .execute_and_queue(None, Some(application), &ctx(), &order(template_id, day))
        .unwrap_or_else(|e| panic!("{template_id}: {e}"))
        .1
        .id
}

/// One message for each application.
fn queue_each(store: &Store, apps: &[(ApplicationId, String)], template_id: &str) -> Vec<OutboxId> {
    apps.iter()
        .map(|(id, _)| queue(store, *id, template_id, "30/11/2026"))
        .collect()
}

fn client(stand_in: &StandIn, key: &str, timeout: Duration) -> IoClient {
    IoClient::new(ClientConfig {
        base_url: stand_in.base_url(),
        key: ApiKey::new(key).expect("key"),
        request_timeout: timeout,
        connect_timeout: Duration::from_secs(2),
        pace: None,
    })
    .expect("client")
}

fn worker_with(store: &Store, client: IoClient) -> Worker {
    Worker::new(
        store.clone(),
        client,
        ACTOR.to_string(),
        WorkerConfig::default(),
    )
}

fn worker(store: &Store, stand_in: &StandIn) -> Worker {
    worker_with(store, client(stand_in, KEY, Duration::from_secs(5)))
}

async fn drain(worker: &Worker) -> DrainReport {
    worker
        .drain(&AtomicBool::new(false), &|_, _| {})
        .await
        .expect("drain")
}

fn entry(store: &Store, id: OutboxId) -> OutboxEntry {
    store.outbox_entry(id).unwrap().expect("entry")
}

/// Messages the stand-in created for `fiscal_code`.
fn created_for(stand_in: &StandIn, fiscal_code: &str) -> usize {
    stand_in
        .created()
        .iter()
        .filter(|(_, body)| body["fiscal_code"] == fiscal_code)
        .count()
}

fn profile_requests(stand_in: &StandIn) -> usize {
    stand_in
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/profiles"))
        .count()
}

fn message_posts(stand_in: &StandIn) -> usize {
    stand_in
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
        .count()
}

fn io_id(entry: &OutboxEntry) -> &str {
    match &entry.state {
        OutboxState::Sent {
            io_id: Some(id), ..
        } => id,
        other => panic!("{} not sent: {other:?}", entry.id),
    }
}

// ---- sending ------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn every_catalogue_message_is_accepted_and_each_citizen_is_checked_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let apps = seed(&store, 3);
    // The integration request gives the first application its deadline, a case value.
    run(&store, Command::StartReview { id: apps[0].0 });
    run(
        &store,
        Command::RequestIntegration {
            id: apps[0].0,
            documents: vec!["ordine_rilascio".to_string()],
            deadline: None,
        },
    );
    let templates = Catalogue::builtin().templates();
    assert_eq!(templates.len(), 15);
    let ids: Vec<OutboxId> = templates
        .iter()
        .enumerate()
        .map(|(i, template)| {
            let app = if template.id == "richiesta_integrazione" {
                apps[0].0
            } else {
                apps[i % apps.len()].0
            };
            queue(&store, app, &template.id, "30/11/2026")
        })
        .collect();

    let stand_in = StandIn::start(StandInConfig::default());
    let worker = worker(&store, &stand_in);
    let report = drain(&worker).await;
    assert_eq!(report.sent, 15, "{report:?}");
    assert_eq!(report.handled(), 15, "{report:?}");
    assert_eq!(report.stopped, None);

    // The stand-in checked each message on its own and created all of them.
    assert_eq!(stand_in.count("/messages", 201), 15);
    assert_eq!(message_posts(&stand_in), 15);
    let created = stand_in.created();
    assert_eq!(created.len(), 15);
    let posts: Vec<_> = stand_in
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
        .collect();
    for id in &ids {
        let entry = entry(&store, *id);
        let io_id = io_id(&entry);
        let sent: Value = serde_json::from_slice(&entry.message.to_json()).unwrap();
        let (_, body) = created
            .iter()
            .find(|(created_id, _)| created_id == io_id)
            .unwrap_or_else(|| panic!("{}: id {io_id} unknown to IO", entry.template));
        assert_eq!(body, &sent, "{}", entry.template);
        // The bytes that left are exactly those frozen when the message was queued.
        assert!(
            posts.iter().any(|r| r.raw_body == entry.message.to_json()),
            "{}",
            entry.template
        );
        assert_eq!(entry.attempts, 1);
    }
    assert_eq!(
        store.outbox_counts().unwrap()[&OutboxTab::Sent],
        15,
        "every message in the Sent tab"
    );
    // The payment messages carry their notice and due date, as the stand-in accepted them.
    let payments = ids
        .iter()
        .map(|id| entry(&store, *id))
        .filter(|e| e.message.content.payment_data.is_some());
    let mut checked = 0;
    for payment in payments {
        let (_, body) = created
            .iter()
            .find(|(id, _)| id == io_id(&payment))
            .unwrap();
        assert_eq!(body["content"]["payment_data"]["amount"], 1600, "{body}");
        assert!(body["content"]["due_date"].is_string(), "{body}");
        checked += 1;
    }
    assert_eq!(checked, 5);

    // One profile check per citizen, not one per message.
    assert_eq!(profile_requests(&stand_in), 3);
    for (_, fiscal_code) in &apps {
        assert!(store.io_profile_allowed(fiscal_code).unwrap().is_some());
    }

    // New messages to the same citizens: IO's answer about them is remembered.
    let more: Vec<OutboxId> = apps
        .iter()
        .map(|(id, _)| queue(&store, *id, "appuntamento_domanda", "01/12/2026"))
        .collect();
    let report = drain(&worker).await;
    assert_eq!(report.sent, 3, "{report:?}");
    assert_eq!(profile_requests(&stand_in), 3);
    assert_eq!(stand_in.created().len(), 18);
    for id in more {
        io_id(&entry(&store, id));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn citizens_without_io_or_who_turned_the_service_off_are_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let apps = seed(&store, 3);
    let ids = queue_each(&store, &apps, "graduatoria_provvisoria");
    let stand_in = StandIn::start(StandInConfig {
        not_found: vec![apps[0].1.clone()],
        not_allowed: vec![apps[1].1.clone()],
        ..StandInConfig::default()
    });
    let report = drain(&worker(&store, &stand_in)).await;
    assert_eq!(report.unreachable, 2, "{report:?}");
    assert_eq!(report.sent, 1, "{report:?}");

    match &entry(&store, ids[0]).state {
        OutboxState::Unreachable { detail, .. } => {
            assert!(detail.contains("nessun profilo IO"), "{detail}")
        }
        other => panic!("{other:?}"),
    }
    match &entry(&store, ids[1]).state {
        OutboxState::Unreachable { detail, .. } => {
            assert!(detail.contains("disattivato"), "{detail}")
        }
        other => panic!("{other:?}"),
    }
    io_id(&entry(&store, ids[2]));
    assert_eq!(stand_in.posts_for(&apps[0].1), 0);
    assert_eq!(stand_in.posts_for(&apps[1].1), 0);
    assert_eq!(stand_in.posts_for(&apps[2].1), 1);
    assert_eq!(entry(&store, ids[0]).attempts, 0);
    assert_eq!(store.outbox_counts().unwrap()[&OutboxTab::Unreachable], 2);
    // Neither is remembered as reachable, and the audit log says why each was not sent.
    assert!(store.io_profile_allowed(&apps[0].1).unwrap().is_none());
    let unreachable_events = store
        .audit_events(1, 1000)
        .unwrap()
        .into_iter()
        .filter(|(_, e)| matches!(e.kind, EventKind::MessageUnreachable { .. }))
        .count();
    assert_eq!(unreachable_events, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_key_stops_the_drain_and_leaves_the_queue_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let apps = seed(&store, 3);
    let ids = queue_each(&store, &apps, "graduatoria_provvisoria");
    // The third citizen's profile is already known; the others' checks are refused first,
    // and then nothing at all is submitted.
    store
        .record_io_profile_allowed(&apps[2].1, Utc::now())
        .unwrap();
    let stand_in = StandIn::start(StandInConfig::default());
    let wrong = worker_with(
        &store,
        client(&stand_in, "chiave-sbagliata", Duration::from_secs(5)),
    );
    let assert_untouched = |report: &DrainReport| {
        let reason = report.stopped.clone().expect("stopped");
        assert!(reason.contains("401"), "{reason}");
        assert_eq!(report.handled(), 0, "{report:?}");
        assert!(stand_in.created().is_empty());
        assert!(stand_in.requests().iter().all(|r| r.status == 401));
        for id in &ids {
            let entry = entry(&store, *id);
            assert_eq!(entry.state, OutboxState::Queued);
            assert_eq!(
                entry.attempts, 0,
                "a request refused for its key does not count"
            );
        }
        assert_eq!(store.outbox_counts().unwrap()[&OutboxTab::Queued], 3);
        assert_eq!(store.outbox_due(Utc::now(), 10).unwrap().len(), 3);
    };

    let report = drain(&wrong).await;
    assert_untouched(&report);
    assert_eq!(profile_requests(&stand_in), 2);
    assert_eq!(message_posts(&stand_in), 0);

    // Every profile known: the key is refused at the submission, and the claimed entries
    // go back to the queue as they were.
    for (_, fiscal_code) in &apps {
        store
            .record_io_profile_allowed(fiscal_code, Utc::now())
            .unwrap();
    }
    let report = drain(&wrong).await;
    assert_untouched(&report);
    // The first refusal halts the drain: the submissions already under way are refused too,
    // the others are not started (how many started depends on the machine's load).
    let refused = stand_in.count("/messages", 401);
    assert!((1..=3).contains(&refused), "{refused} submissions refused");
    assert!(stand_in.created().is_empty());

    // With the right key the same queue goes out.
    let report = drain(&worker(&store, &stand_in)).await;
    assert_eq!(report.sent, 3, "{report:?}");
    assert_eq!(stand_in.created().len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limited_messages_wait_their_turn_and_are_sent_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let apps = seed(&store, 4);
    let ids = queue_each(&store, &apps, "graduatoria_provvisoria");
    // Four profile checks and four submissions do not fit in five requests per window.
    let stand_in = StandIn::start(StandInConfig {
        rate: Some((5, Duration::from_secs(2))),
        retry_after_secs: Some(2),
        ..StandInConfig::default()
    });
    let worker = worker(&store, &stand_in);
    let started = Utc::now();

    let deadline = Instant::now() + Duration::from_secs(8);
    let mut latest_retry = started;
    while store.outbox_counts().unwrap()[&OutboxTab::Sent] < 4 {
        assert!(Instant::now() < deadline, "not all sent in time");
        let wait = (latest_retry - Utc::now())
            .to_std()
            .unwrap_or_default()
            .max(Duration::from_millis(50));
        tokio::time::sleep(wait).await;
        let report = drain(&worker).await;
        assert_eq!(
            report.uncertain, 0,
            "a 429 proves nothing was created: {report:?}"
        );
        assert_eq!(report.rejected + report.unreachable, 0, "{report:?}");
        for id in &ids {
            match entry(&store, *id).state {
                OutboxState::Retry { at, reason } => {
                    assert!(reason.contains("429"), "{reason}");
                    assert!(
                        at >= started + chrono::Duration::seconds(2),
                        "retry at {at}, before the 2 s IO asked for (from {started})"
                    );
                    latest_retry = latest_retry.max(at);
                }
                OutboxState::Sent { .. } => {}
                other => panic!("{id}: {other:?}"),
            }
        }
    }

    // Each message refused with a 429 was submitted again only after the delay IO named,
    // and created once.
    let posts: Vec<_> = stand_in
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
        .collect();
    let limited: Vec<_> = posts.iter().filter(|r| r.status == 429).collect();
    assert!(!limited.is_empty(), "the limit was never reached");
    for refused in limited {
        let code = &refused.body.as_ref().unwrap()["fiscal_code"];
        let next = posts
            .iter()
            .filter(|r| &r.body.as_ref().unwrap()["fiscal_code"] == code && r.at > refused.at)
            .map(|r| r.at)
            .min()
            .expect("submitted again");
        assert!(
            next >= refused.at + Duration::from_secs(2),
            "submitted again after {:?}",
            next - refused.at
        );
    }
    for (_, fiscal_code) in &apps {
        assert_eq!(created_for(&stand_in, fiscal_code), 1, "{fiscal_code}");
    }
    assert_eq!(stand_in.created().len(), 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_timeout_is_uncertain_and_only_a_caseworker_sends_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let apps = seed(&store, 2);
    let ids = queue_each(&store, &apps, "graduatoria_provvisoria");
    let slow = apps[0].1.clone();
    let stand_in = StandIn::start(StandInConfig {
        slow: vec![slow.clone()],
        slow_delay: Duration::from_millis(1500),
        ..StandInConfig::default()
    });
    let impatient = worker_with(&store, client(&stand_in, KEY, Duration::from_millis(300)));

    let report = drain(&impatient).await;
    assert_eq!(report.uncertain, 1, "{report:?}");
    assert_eq!(report.sent, 1, "{report:?}");
    match &entry(&store, ids[0]).state {
        OutboxState::Uncertain { detail, .. } => assert!(detail.contains("300 ms"), "{detail}"),
        other => panic!("{other:?}"),
    }
    io_id(&entry(&store, ids[1]));
    // IO did create it: a blind retry would reach the citizen twice.
    assert_eq!(created_for(&stand_in, &slow), 1);

    let report = drain(&impatient).await;
    assert_eq!(report.handled(), 0, "{report:?}");
    assert_eq!(stand_in.posts_for(&slow), 1);
    assert_eq!(created_for(&stand_in, &slow), 1);
    assert!(matches!(
        entry(&store, ids[0]).state,
        OutboxState::Uncertain { .. }
    ));

    store
        .outbox_requeue(ids[0], "il cittadino non ha ricevuto nulla", &ctx())
        .unwrap();
    let patient = worker_with(&store, client(&stand_in, KEY, Duration::from_secs(5)));
    let report = drain(&patient).await;
    assert_eq!(report.sent, 1, "{report:?}");
    let resent = entry(&store, ids[0]);
    io_id(&resent);
    assert_eq!(resent.attempts, 2);
    // The second message exists by the caseworker's decision, recorded with its reason.
    assert_eq!(created_for(&stand_in, &slow), 2);
    assert!(store.audit_events(1, 1000).unwrap().iter().any(|(_, e)| {
        e.reason.as_deref() == Some("il cittadino non ha ricevuto nulla")
            && matches!(e.kind, EventKind::MessageRequeued { outbox, .. } if outbox == ids[0].0)
    }));
}

#[tokio::test(flavor = "multi_thread")]
async fn server_errors_are_uncertain_and_client_errors_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let apps = seed(&store, 4);
    let ids = queue_each(&store, &apps, "graduatoria_provvisoria");
    let code = |i: usize| apps[i].1.clone();
    // The first three citizens' profiles are known, so their messages reach the submit; the
    // fourth's profile check itself fails.
    for i in 0..3 {
        store
            .record_io_profile_allowed(&code(i), Utc::now())
            .unwrap();
    }
    let stand_in = StandIn::start(StandInConfig {
        fail_with: vec![
            (code(0), 500),
            (code(1), 403),
            (code(2), 400),
            (code(3), 500),
        ],
        ..StandInConfig::default()
    });
    let worker = worker(&store, &stand_in);

    let report = drain(&worker).await;
    assert_eq!(report.uncertain, 1, "{report:?}");
    assert_eq!(report.rejected, 2, "{report:?}");
    assert_eq!(report.retry_later, 1, "{report:?}");
    assert!(stand_in.created().is_empty());

    match &entry(&store, ids[0]).state {
        OutboxState::Uncertain { detail, .. } => assert!(detail.contains("500"), "{detail}"),
        other => panic!("{other:?}"),
    }
    match &entry(&store, ids[1]).state {
        OutboxState::Rejected { status, detail, .. } => {
            assert_eq!(*status, 403);
            assert!(detail.contains("Recipient forbidden"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        entry(&store, ids[2]).state,
        OutboxState::Rejected { status: 400, .. }
    ));
    // A failed read is safe to repeat later; nothing was submitted for it.
    match &entry(&store, ids[3]).state {
        OutboxState::Retry { reason, .. } => assert!(reason.contains("500"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(stand_in.posts_for(&code(3)), 0);
    assert_eq!(message_posts(&stand_in), 3);

    // Nothing is sent again by the program: not the uncertain one, not the rejected ones.
    let report = drain(&worker).await;
    assert_eq!(report.handled(), 0, "{report:?}");
    assert_eq!(message_posts(&stand_in), 3);
    assert_eq!(store.outbox_counts().unwrap()[&OutboxTab::Failed], 2);
    assert_eq!(store.outbox_counts().unwrap()[&OutboxTab::Uncertain], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn delivery_is_asked_until_it_is_final() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let apps = seed(&store, 2);
    let ids = queue_each(&store, &apps, "graduatoria_provvisoria");
    let stand_in = StandIn::start(StandInConfig {
        rejected_status: vec![apps[1].1.clone()],
        accepted_polls: 1,
        ..StandInConfig::default()
    });
    let worker = worker(&store, &stand_in);

    let report = drain(&worker).await;
    assert_eq!(report.sent, 2, "{report:?}");
    assert_eq!(report.deliveries_checked, 2, "{report:?}");
    assert!(report.summary().contains("esiti di consegna aggiornati 2"));
    for id in &ids {
        let entry = entry(&store, *id);
        assert_eq!(entry.state.label(), "inviato · accettato", "{entry:?}");
    }
    assert_eq!(store.outbox_awaiting_delivery(10).unwrap().len(), 2);

    assert_eq!(worker.poll_deliveries().await.unwrap(), 2);
    assert_eq!(entry(&store, ids[0]).state.label(), "inviato · consegnato");
    assert_eq!(
        entry(&store, ids[1]).state.label(),
        "inviato · rifiutato da IO"
    );
    match &entry(&store, ids[0]).state {
        OutboxState::Sent {
            delivery: Some(delivery),
            ..
        } => assert_eq!(delivery.status, "PROCESSED"),
        other => panic!("{other:?}"),
    }
    assert!(store.outbox_awaiting_delivery(10).unwrap().is_empty());
    assert_eq!(store.outbox_counts().unwrap()[&OutboxTab::Sent], 2);
    let page = store.outbox_page(OutboxTab::Sent, None, 10).unwrap();
    assert_eq!(page.len(), 2);

    // A final status is not asked again.
    let requests = stand_in.requests().len();
    assert_eq!(worker.poll_deliveries().await.unwrap(), 0);
    assert_eq!(stand_in.requests().len(), requests);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stop_before_draining_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let apps = seed(&store, 2);
    let ids = queue_each(&store, &apps, "graduatoria_provvisoria");
    let stand_in = StandIn::start(StandInConfig::default());
    let stop = AtomicBool::new(true);
    let report = worker(&store, &stand_in)
        .drain(&stop, &|_, _| {})
        .await
        .unwrap();
    let mut nothing_done = DrainReport::default();
    nothing_done.waiting = 2;
    assert_eq!(report, nothing_done);
    assert!(stand_in.requests().is_empty());
    for id in ids {
        assert_eq!(entry(&store, id).state, OutboxState::Queued);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_entry_left_sending_is_made_uncertain_and_not_sent() {
    let dir = tempfile::tempdir().unwrap();
    let ids = {
        let store = open(dir.path());
        let apps = seed(&store, 2);
        let ids = queue_each(&store, &apps, "graduatoria_provvisoria");
        // A process claimed the first and stopped before recording any answer.
        store.outbox_mark_sending(&ids[..1], &ctx()).unwrap();
        ids
    };
    let store = open(dir.path());
    let stand_in = StandIn::start(StandInConfig::default());
    let report = drain(&worker(&store, &stand_in)).await;
    assert_eq!(report.recovered, 1, "{report:?}");
    assert_eq!(report.sent, 1, "{report:?}");
    assert!(report.summary().contains("1 invii interrotti resi incerti"));
    assert!(matches!(
        entry(&store, ids[0]).state,
        OutboxState::Uncertain { .. }
    ));
    io_id(&entry(&store, ids[1]));
    assert_eq!(message_posts(&stand_in), 1);
}

/// Entries marked `sending` right now.
fn sending_now(store: &Store) -> usize {
    store
        .outbox_page(OutboxTab::Queued, None, 10_000)
        .unwrap()
        .iter()
        .filter(|e| matches!(e.state, OutboxState::Sending { .. }))
        .count()
}

/// Fourteen messages of five citizens, one per template (the integration request aside,
/// which needs a case under review).
fn queue_many(store: &Store) -> Vec<OutboxId> {
    let apps = seed(store, 5);
    Catalogue::builtin()
        .templates()
        .iter()
        .filter(|t| t.id != "richiesta_integrazione")
        .enumerate()
        .map(|(i, t)| queue(store, apps[i % apps.len()].0, &t.id, "30/11/2026"))
        .collect()
}

fn worker_in_flight(store: &Store, stand_in: &StandIn, in_flight: usize) -> Worker {
    Worker::new(
        store.clone(),
        client(stand_in, KEY, Duration::from_secs(10)),
        ACTOR.to_string(),
        WorkerConfig {
            in_flight,
            ..WorkerConfig::default()
        },
    )
}

fn slow_for_everyone(delay: Duration) -> StandInConfig {
    StandInConfig {
        slow: common::five_applicants()
            .iter()
            .map(|p| p.fiscal_code.as_str().to_string())
            .collect(),
        slow_delay: delay,
        ..StandInConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_more_messages_are_sending_than_requests_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let ids = queue_many(&store);
    assert_eq!(ids.len(), 14);
    // Every answer held 300 ms: the store is looked at while requests are held.
    let stand_in = StandIn::start(slow_for_everyone(Duration::from_millis(300)));
    let worker = worker_in_flight(&store, &stand_in, 3);
    let draining = tokio::spawn(async move { drain(&worker).await });
    let mut most = 0;
    while !draining.is_finished() {
        // One scan of the tree is no snapshot: an answer recorded and the next request marked
        // while it runs are both seen. Two scans in a row agree on what is really held.
        let first = sending_now(&store);
        let now = if first > 3 {
            first.min(sending_now(&store))
        } else {
            first
        };
        most = most.max(now);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let report = draining.await.unwrap();
    assert_eq!(report.sent, 14, "{report:?}");
    assert!(most >= 1, "never saw a message being sent");
    assert!(
        most <= 3,
        "{most} messages sending at once, 3 requests allowed"
    );
    assert_eq!(stand_in.created().len(), 14);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_drain_killed_midway_leaves_at_most_the_requests_in_flight_uncertain() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let ids = queue_many(&store);
    let slow = StandIn::start(slow_for_everyone(Duration::from_secs(2)));
    let worker = worker_in_flight(&store, &slow, 3);
    let draining = tokio::spawn(async move { drain(&worker).await });
    let deadline = Instant::now() + Duration::from_secs(10);
    while message_posts(&slow) < 3 {
        assert!(Instant::now() < deadline, "no request reached IO");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Dropped while IO holds the answers, as a killed process would: nothing is recorded.
    draining.abort();
    let _ = draining.await;
    assert!(sending_now(&store) <= 3, "{} sending", sending_now(&store));

    let stand_in = StandIn::start(StandInConfig::default());
    let report = drain(&worker_in_flight(&store, &stand_in, 3)).await;
    assert!(report.recovered <= 3, "{report:?}");
    assert_eq!(report.recovered, report.recovered.min(message_posts(&slow)));
    // None lost, none sent twice: each message was created exactly once, except the ones
    // left uncertain, each created at most once.
    let uncertain: Vec<OutboxId> = ids
        .iter()
        .copied()
        .filter(|id| matches!(entry(&store, *id).state, OutboxState::Uncertain { .. }))
        .collect();
    assert_eq!(uncertain.len(), report.recovered);
    let body_of = |id: OutboxId| -> Value {
        serde_json::from_slice(&entry(&store, id).message.to_json()).unwrap()
    };
    let created: Vec<Value> = slow
        .created()
        .into_iter()
        .chain(stand_in.created())
        .map(|(_, body)| body)
        .collect();
    for id in &ids {
        let times = created.iter().filter(|b| **b == body_of(*id)).count();
        if uncertain.contains(id) {
            assert!(times <= 1, "{id} created {times} times");
        } else {
            assert_eq!(times, 1, "{id}: {:?}", entry(&store, *id).state);
        }
    }
}
