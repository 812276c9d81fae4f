//! `rent sync` end to end against the GPD stand-in, which checks every request with PagoPA's
//! own OpenAPI file: each test looks at what pagoPA holds AND at what the database recorded.
//! A month's notices become exactly one position each, however the run goes: a lost answer,
//! a position already there, 429s, and a SIGKILL half way through.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use alloggi::domain::rent::{GpdState, Month, PaymentChannel, RentNotice};
use alloggi::domain::time::rome_date;
use alloggi::domain::{ApplicationId, Context};
use alloggi::gpd::{GpdClient, GpdConfig, MonthlyNotice, PaymentPosition, SyncReport, Syncer};
use alloggi::io::ApiKey;
use alloggi::messages::ComuneConfig;
use alloggi::messages::config::Creditor;
use alloggi::store::{GpdRequest, Store};
use chrono::{Days, NaiveDate, Utc};

use crate::common::office_cli::{Office, fixture, fixture_arg};
use crate::common::{self, CLEARED};
use crate::support::gpd_stand_in::{GpdStandIn, GpdStandInConfig};

const BIN: &str = env!("CARGO_BIN_EXE_alloggi");

fn creditor() -> Creditor {
    ComuneConfig::load(&fixture("comune.toml"))
        .expect("fixtures/comune.toml")
        .creditor()
        .expect("the example creditor keys")
}

fn config(stand_in: &GpdStandIn, timeout: Duration) -> GpdConfig {
    GpdConfig {
        base_url: stand_in.base_url(),
        key: ApiKey::new(stand_in.key()).unwrap(),
        request_timeout: timeout,
        connect_timeout: Duration::from_secs(2),
        pace: None,
    }
}

fn syncer(store: &Store, stand_in: &GpdStandIn, timeout: Duration) -> Syncer {
    let client = GpdClient::new(config(stand_in, timeout)).unwrap();
    Syncer::new(store.clone(), client, creditor(), common::ACTOR)
}

async fn sync(store: &Store, stand_in: &GpdStandIn) -> SyncReport {
    sync_with(syncer(store, stand_in, Duration::from_secs(5))).await
}

async fn sync_with(syncer: Syncer) -> SyncReport {
    syncer
        .run(&AtomicBool::new(false), &|_, _| {})
        .await
        .expect("the sync records its outcomes")
}

fn today() -> NaiveDate {
    rome_date(Utc::now())
}

fn now_ctx() -> Context {
    Context::new(common::ACTOR.to_string(), Utc::now())
}

/// An office with `n` applications (the demo's), opened here.
pub(super) fn office_with_applications(n: usize) -> (Office, Store, Vec<ApplicationId>) {
    let office = Office::new();
    office.ok(&["demo", "--domande", &n.to_string()]);
    let store = common::open(&office.path("db"));
    let ids: Vec<ApplicationId> = store
        .applications_page(None, n)
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(ids.len(), n);
    (office, store, ids)
}

/// The notices of `month`, due on `due`, for `ids`, issued as of `ctx`.
fn issue(store: &Store, ids: &[ApplicationId], month: Month, due: NaiveDate, ctx: &Context) {
    let commands: Vec<alloggi::domain::Command> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| alloggi::domain::Command::IssueRent {
            id: *id,
            month,
            lease: format!("L-{}", i + 1),
            rent: alloggi::domain::money::Money::from_cents(12_000 + i as u64 * 10),
            due,
            segregation: 1,
            description: format!("canone di locazione dell'alloggio FM-{:04}", i + 1),
        })
        .collect();
    for chunk in commands.chunks(100) {
        let done = store.run_rent_steps(chunk, ctx, None).unwrap();
        assert!(done.refused.is_empty(), "{:?}", done.refused);
    }
}

/// Next month's notices, due on its 10th, for `ids`.
pub(super) fn issue_next_month(store: &Store, ids: &[ApplicationId]) -> Month {
    let month = Month::of(today()).next();
    issue(store, ids, month, month.day(10), &now_ctx());
    month
}

pub(super) fn notice(store: &Store, id: ApplicationId, month: Month) -> RentNotice {
    store.rent_notice(id, month).unwrap().expect("the notice")
}

pub(super) fn pending(store: &Store) -> usize {
    GpdRequest::ALL
        .into_iter()
        .map(|r| store.gpd_pending_count(r))
        .sum()
}

pub(super) fn assert_published(notice: &RentNotice) {
    assert!(
        matches!(notice.gpd, GpdState::Published { .. }),
        "{}: {:?}",
        notice.iupd,
        notice.gpd
    );
}

fn assert_clean(store: &Store) {
    let report = store.check().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

fn creations(stand_in: &GpdStandIn) -> usize {
    stand_in
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/debtpositions"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_month_issued_for_n_leases_becomes_n_positions_and_a_second_sync_sends_nothing() {
    let (office, store, ids) = office_with_applications(12);
    let month = issue_next_month(&store, &ids);
    assert_eq!(pending(&store), ids.len());
    let stand_in = GpdStandIn::start(GpdStandInConfig::default());

    let report = sync(&store, &stand_in).await;
    assert_eq!(report.created, ids.len(), "{report:?}");
    assert!(report.warnings.is_empty(), "{report:?}");
    assert_eq!(stand_in.position_count(), ids.len());
    for id in &ids {
        let notice = notice(&store, *id, month);
        assert_published(&notice);
        let held = stand_in.position(&notice.iupd).expect("its position");
        assert_eq!(held.status, "VALID");
        assert_eq!(held.iuv, notice.notice.iuv());
        assert_eq!(
            held.body["paymentOption"][0]["amount"].as_u64(),
            Some(notice.amount.cents())
        );
        assert_eq!(stand_in.create_attempts(&notice.iupd), 1);
    }
    assert_eq!(pending(&store), 0);
    assert_clean(&store);

    let sent = creations(&stand_in);
    let again = sync(&store, &stand_in).await;
    assert_eq!(again, SyncReport::default());
    assert_eq!(creations(&stand_in), sent);
    assert_eq!(stand_in.position_count(), ids.len());

    drop(store);
    common::wait_released(&office.path("db"));
    let checked = office.ok(&["check"]);
    assert!(
        checked.starts_with("Indici e contatori coerenti"),
        "{checked}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_leaves_the_notice_uncertain_and_the_next_sync_settles_it_on_one_position() {
    let (_office, store, ids) = office_with_applications(3);
    let month = issue_next_month(&store, &ids);
    let slow = notice(&store, ids[1], month).iupd;
    let stand_in = GpdStandIn::start(GpdStandInConfig {
        slow: vec![slow.clone()],
        slow_delay: Duration::from_secs(2),
        ..GpdStandInConfig::default()
    });

    let first = sync_with(syncer(&store, &stand_in, Duration::from_millis(400))).await;
    assert_eq!((first.created, first.uncertain), (2, 1), "{first:?}");
    assert!(matches!(
        notice(&store, ids[1], month).gpd,
        GpdState::Uncertain { .. }
    ));
    // The answer was lost, the position was made all the same.
    assert_eq!(stand_in.position_count(), 3);
    assert_eq!(pending(&store), 1);

    let second = sync_with(syncer(&store, &stand_in, Duration::from_millis(400))).await;
    assert_eq!((second.created, second.settled), (0, 1), "{second:?}");
    assert_eq!(stand_in.count(409), 1);
    assert_eq!(stand_in.create_attempts(&slow), 2);
    assert_eq!(stand_in.position_count(), 3);
    for id in &ids {
        assert_published(&notice(&store, *id, month));
    }
    assert_eq!(pending(&store), 0);
    assert_clean(&store);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_different_position_under_the_same_iupd_refuses_the_notice_naming_what_differs() {
    let (_office, store, ids) = office_with_applications(2);
    let month = issue_next_month(&store, &ids);
    let stand_in = GpdStandIn::start(GpdStandInConfig::default());
    let clash = notice(&store, ids[0], month);
    let payer = store.application(ids[0]).unwrap().unwrap();
    let creditor = creditor();
    let other = PaymentPosition::monthly(&MonthlyNotice {
        org_fiscal_code: &creditor.fiscal_code,
        iupd: &clash.iupd,
        iuv: clash.notice.iuv(),
        payer_fiscal_code: payer.applicant_fiscal_code(),
        payer_name: &payer.applicant_name(),
        creditor_name: &creditor.name,
        amount: alloggi::domain::money::Money::from_cents(clash.amount.cents() + 100),
        description: &clash.description,
        due_date: clash.due,
        iban: &creditor.iban,
        category: &creditor.taxonomy,
    })
    .unwrap();
    let seeding = GpdClient::new(config(&stand_in, Duration::from_secs(5))).unwrap();
    assert_eq!(
        seeding.create(&creditor.fiscal_code, &other).await,
        alloggi::gpd::CreateOutcome::Created
    );

    let report = sync(&store, &stand_in).await;
    assert_eq!((report.created, report.refused), (1, 1), "{report:?}");
    match notice(&store, ids[0], month).gpd {
        GpdState::Refused { reason, .. } => {
            assert!(reason.contains(&clash.iupd), "{reason}");
            assert!(reason.contains("importo"), "{reason}");
            assert!(!reason.contains("scadenza"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert_published(&notice(&store, ids[1], month));
    // The position found is left as it was.
    let held = stand_in.position(&clash.iupd).unwrap();
    assert_eq!(
        held.body["paymentOption"][0]["amount"].as_u64(),
        Some(clash.amount.cents() + 100)
    );
    assert_eq!(stand_in.position_count(), 2);
    assert_eq!(pending(&store), 0);
    assert_clean(&store);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pagopa_asking_to_wait_is_honoured_and_the_sync_still_finishes() {
    let (_office, store, ids) = office_with_applications(6);
    let month = issue_next_month(&store, &ids);
    let stand_in = GpdStandIn::start(GpdStandInConfig {
        rate: Some((3, Duration::from_secs(1))),
        retry_after_secs: Some(1),
        ..GpdStandInConfig::default()
    });

    let report = sync(&store, &stand_in).await;
    assert!(stand_in.count(429) > 0, "the stand-in never asked to wait");
    assert_eq!(report.created, ids.len(), "{report:?}");
    assert_eq!(report.left, 0, "{report:?}");
    assert!(report.warnings.is_empty(), "{report:?}");
    assert_eq!(stand_in.position_count(), ids.len());
    for id in &ids {
        let notice = notice(&store, *id, month);
        assert_published(&notice);
        assert_eq!(stand_in.create_attempts(&notice.iupd), 1);
    }
    assert!(stand_in.max_requests_in_any_window(Duration::from_secs(1)) <= 3 + stand_in.count(429));
    assert_eq!(pending(&store), 0);
    assert_clean(&store);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counter_payment_is_told_to_pagopa_and_a_payment_in_the_app_is_read_back() {
    let (_office, store, ids) = office_with_applications(3);
    let month = issue_next_month(&store, &ids);
    let stand_in = GpdStandIn::start(GpdStandInConfig::default());
    sync(&store, &stand_in).await;

    // At the counter, recorded as `rent paid` records it.
    let at_counter = notice(&store, ids[0], month);
    let done = store
        .run_rent_steps(
            &[alloggi::domain::Command::RecordRentPayment {
                id: ids[0],
                month,
                paid_on: today(),
                channel: PaymentChannel::Sportello,
            }],
            &now_ctx(),
            None,
        )
        .unwrap();
    assert!(done.refused.is_empty(), "{:?}", done.refused);
    assert_eq!(store.gpd_pending_count(GpdRequest::ReportPayment), 1);
    // In the app, on pagoPA.
    let in_app = notice(&store, ids[1], month);
    let paid_at = format!("{}T09:30:00Z", today().format("%Y-%m-%d"));
    stand_in.pay(&in_app.iupd, &paid_at);

    let report = sync(&store, &stand_in).await;
    assert_eq!((report.reported, report.paid), (1, 1), "{report:?}");
    assert!(report.warnings.is_empty(), "{report:?}");

    assert_eq!(stand_in.position(&at_counter.iupd).unwrap().status, "PAID");
    assert!(
        stand_in.requests().iter().any(|r| r.method == "POST"
            && r.path
                .ends_with(&format!("/paids/{}", at_counter.notice.as_str()))
            && (200..300).contains(&r.status)),
        "{:?}",
        stand_in.requests()
    );
    let counter = notice(&store, ids[0], month).payment.expect("paid");
    assert_eq!(counter.channel, PaymentChannel::Sportello);
    assert!(counter.reported);

    let app = notice(&store, ids[1], month).payment.expect("read back");
    assert_eq!(app.channel, PaymentChannel::PagoPa);
    assert_eq!(app.paid_on, today());
    assert!(notice(&store, ids[2], month).payment.is_none());

    assert_eq!(pending(&store), 0);
    assert_clean(&store);
    // Nothing twice: the payment read back is not recorded again.
    let again = sync(&store, &stand_in).await;
    assert_eq!(again, SyncReport::default());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repayment_plan_invalidates_the_positions_of_the_notices_it_folds() {
    let (_office, store, ids) = office_with_applications(2);
    // Issued five weeks ago, due a week later: late today.
    let issued_on = today() - Days::new(35);
    let month = Month::of(issued_on);
    let mut past = now_ctx();
    past.now -= chrono::Duration::days(35);
    issue(&store, &ids, month, issued_on + Days::new(7), &past);
    let stand_in = GpdStandIn::start(GpdStandInConfig::default());
    sync(&store, &stand_in).await;
    assert_eq!(stand_in.position_count(), 2);

    let folded = notice(&store, ids[0], month);
    let done = store
        .run_rent_steps(
            &[alloggi::domain::Command::AgreeRepaymentPlan {
                id: ids[0],
                instalments: 3,
                from: month.next().next(),
            }],
            &now_ctx(),
            None,
        )
        .unwrap();
    assert!(done.refused.is_empty(), "{:?}", done.refused);
    assert_eq!(store.gpd_pending_count(GpdRequest::Cancel), 1);

    let report = sync(&store, &stand_in).await;
    assert_eq!(report.cancelled, 1, "{report:?}");
    assert_eq!(stand_in.position(&folded.iupd).unwrap().status, "INVALID");
    let kept = notice(&store, ids[1], month);
    assert_eq!(stand_in.position(&kept.iupd).unwrap().status, "VALID");
    let rescheduled = notice(&store, ids[0], month)
        .rescheduled
        .expect("folded into the plan");
    assert!(rescheduled.cancelled_on_gpd);
    assert_eq!(pending(&store), 0);
    assert_clean(&store);
}

// ---- the real binary, killed half way -------------------------------------------------------

/// `alloggi rent sync` on the office's database against the stand-in, fast.
/// The binary as the office runs it: its database, the example Comune file.
pub(super) fn at_office(office: &Office, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .arg("--db")
        .arg(office.path("db"))
        .args(args)
        .env("XDG_STATE_HOME", office.path("state"))
        .env("XDG_CONFIG_HOME", office.path("config"))
        .env("XDG_DATA_HOME", office.path("data"))
        .stdin(Stdio::null());
    for name in CLEARED {
        command.env_remove(name);
    }
    command
        .env("ALLOGGI_OPERATORE", common::ACTOR)
        .env("ALLOGGI_COMUNE", fixture_arg("comune.toml"));
    command
}

fn rent_sync(office: &Office, stand_in: &GpdStandIn) -> Command {
    let mut command = at_office(office, &["rent", "sync"]);
    command
        .env("ALLOGGI_GPD_BASE_URL", stand_in.base_url())
        .env("ALLOGGI_GPD_API_KEY", stand_in.key())
        .env("ALLOGGI_GPD_RITMO", "1000/1");
    command
}

/// SIGKILL to `child` once the stand-in holds `positions` positions.
pub(super) fn kill_once_created(
    child: &mut std::process::Child,
    stand_in: &GpdStandIn,
    positions: usize,
) {
    let started = Instant::now();
    while stand_in.position_count() < positions {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no position was created"
        );
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the run ended before it was killed: {status}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
}

fn wait_unlocked(db: &Path) {
    common::wait_released(db);
}

#[test]
fn a_sync_killed_half_way_and_run_again_leaves_one_position_per_notice() {
    const NOTICES: usize = 200;
    let (office, store, ids) = office_with_applications(NOTICES);
    let month = issue_next_month(&store, &ids);
    let iupds: Vec<String> = ids
        .iter()
        .map(|id| notice(&store, *id, month).iupd)
        .collect();
    drop(store);
    wait_unlocked(&office.path("db"));
    // Eight requests in flight, 40 ms each: the run takes a second or more.
    let stand_in = GpdStandIn::start(GpdStandInConfig {
        latency: Duration::from_millis(40),
        ..GpdStandInConfig::default()
    });

    let mut child = rent_sync(&office, &stand_in)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("rent sync starts");
    kill_once_created(&mut child, &stand_in, 20);
    let before = stand_in.position_count();
    assert!(
        (20..NOTICES).contains(&before),
        "killed with {before} positions"
    );
    wait_unlocked(&office.path("db"));

    let out = rent_sync(&office, &stand_in).output().unwrap();
    common::assert_ok(&out);
    let said = common::stdout(&out);
    assert!(said.starts_with("pagoPA: "), "{said}");

    assert_eq!(stand_in.position_count(), NOTICES);
    let held: std::collections::BTreeSet<String> =
        stand_in.positions().into_iter().map(|p| p.iupd).collect();
    assert_eq!(held.len(), NOTICES, "an IUPD holds two positions");
    for iupd in &iupds {
        assert!(held.contains(iupd), "{iupd} missing");
        let attempts = stand_in.create_attempts(iupd);
        assert!((1..=2).contains(&attempts), "{iupd}: {attempts} attempts");
    }
    let checked = office.ok(&["check"]);
    assert!(
        checked.starts_with("Indici e contatori coerenti"),
        "{checked}"
    );
    let store = common::open(&office.path("db"));
    for id in &ids {
        assert_published(&notice(&store, *id, month));
    }
    assert_eq!(pending(&store), 0);
    assert_clean(&store);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_syncs_on_one_database_take_turns_and_send_each_creation_once() {
    let (_office, store, ids) = office_with_applications(10);
    let month = issue_next_month(&store, &ids);
    let stand_in = GpdStandIn::start(GpdStandInConfig {
        latency: Duration::from_millis(30),
        ..GpdStandInConfig::default()
    });

    let (one, two) = tokio::join!(sync(&store, &stand_in), sync(&store, &stand_in));
    assert_eq!(one.created + two.created, ids.len(), "{one:?} {two:?}");
    assert!(
        one.warnings.is_empty() && two.warnings.is_empty(),
        "{one:?} {two:?}"
    );
    for id in &ids {
        let notice = notice(&store, *id, month);
        assert_published(&notice);
        assert_eq!(stand_in.create_attempts(&notice.iupd), 1, "{}", notice.iupd);
    }
    assert_eq!(stand_in.count(409), 0);

    // A sync told to stop while another holds the turn gives up without sending anything.
    let turn = store.gpd_sync_turn();
    let held = turn.lock().await;
    let stop = AtomicBool::new(true);
    let waited = syncer(&store, &stand_in, Duration::from_secs(5))
        .run(&stop, &|_, _| {})
        .await
        .unwrap();
    assert!(waited.stopped.is_some(), "{waited:?}");
    drop(held);
}
