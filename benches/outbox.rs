//! Outbox throughput and pacing against the local IO stand-in.
//!
//! `cargo bench --bench outbox`: queues messages for the demo's applications, then drains the
//! outbox with the real worker and client.
//! - throughput: no rate limit at the stand-in nor in the client; messages per second over a
//!   whole drain (each first message to a citizen costs a profile check and a send), median
//!   of 5 runs on fresh databases;
//! - pacing: the stand-in limits 150 requests per 5 s like IO's APIM, the client is paced for
//!   the same limit; the requests per second the stand-in admitted over the run against the
//!   30/s allowed, and how many 429s it answered.

#[path = "../tests/support/io_stand_in.rs"]
mod io_stand_in;

use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use alloggi::demo::{DemoOptions, populate};
use alloggi::domain::{ApplicationId, Context, State};
use alloggi::io::worker::{Worker, WorkerConfig};
use alloggi::io::{ApiKey, ClientConfig, IoClient, Pace};
use alloggi::messages::{Catalogue, ComuneConfig, Order, Values};
use alloggi::store::Store;
use io_stand_in::{StandIn, StandInConfig};

const KEY: &str = "chiave-di-prova";

fn queued_store(dir: &std::path::Path, applications: usize) -> Store {
    let store = Store::open(dir).expect("store");
    populate(
        &store,
        &DemoOptions {
            applications,
            seed: 2024,
        },
        &mut |_, _| {},
    )
    .expect("demo");
    let mut ids: Vec<ApplicationId> = Vec::new();
    for state in State::ALL {
        ids.extend(store.ids_in_state(state).expect("ids"));
    }
    let config = ComuneConfig::example();
    let template = Catalogue::builtin()
        .get("graduatoria_provvisoria")
        .expect("template");
    let order = Order {
        template,
        config: &config,
        typed: Values::new(),
        recipient: None,
    };
    let ctx = Context {
        actor: "bench".into(),
        on_behalf_of: None,
        now: chrono::Utc::now(),
    };
    for chunk in ids.chunks(500) {
        store.queue_batch(chunk, &ctx, &order).expect("queue");
    }
    store
}

fn due(store: &Store) -> usize {
    store
        .outbox_due(chrono::Utc::now(), usize::MAX)
        .expect("due")
        .len()
}

fn drain(store: &Store, client: IoClient) -> (usize, Duration) {
    let worker = Worker::new(
        store.clone(),
        client,
        "bench".into(),
        WorkerConfig::default(),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    let report = runtime
        .block_on(worker.drain(&stop, &|_, _| {}))
        .expect("drain");
    (report.sent, started.elapsed())
}

fn client(stand_in: &StandIn, pace: Option<Pace>) -> IoClient {
    let mut config = ClientConfig::new(ApiKey::new(KEY).expect("key"));
    config.base_url = stand_in.base_url();
    config.pace = pace;
    IoClient::new(config).expect("client")
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn throughput() {
    let applications = 2_000;
    let mut rates = Vec::new();
    for _ in 0..5 {
        let dir = tempfile::tempdir().expect("dir");
        let store = queued_store(dir.path(), applications);
        let queued = due(&store);
        let stand_in = StandIn::start(StandInConfig::default());
        let (sent, took) = drain(&store, client(&stand_in, None));
        assert_eq!(sent, queued, "every queued message sent");
        rates.push(sent as f64 / took.as_secs_f64());
    }
    println!(
        "throughput: {applications} messages (profile check + send each), median {:.0} msg/s over 5 runs (runs: {})",
        median(rates.clone()),
        rates
            .iter()
            .map(|r| format!("{r:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

fn pacing() {
    let applications = 300;
    let dir = tempfile::tempdir().expect("dir");
    let store = queued_store(dir.path(), applications);
    let window = Duration::from_secs(5);
    let stand_in = StandIn::start(StandInConfig {
        rate: Some((150, window)),
        ..StandInConfig::default()
    });
    let (sent, took) = drain(&store, client(&stand_in, Some(Pace { limit: 150, window })));
    let requests = stand_in.requests();
    let admitted = requests.iter().filter(|r| r.status != 429).count();
    let refused = requests.iter().filter(|r| r.status == 429).count();
    let first = requests.iter().map(|r| r.at).min().expect("requests");
    let last = requests.iter().map(|r| r.at).max().expect("requests");
    // The rate over whole windows from the first request: the last, partial window would
    // understate it, an interval cut between two bursts would overstate it.
    let whole = (last.duration_since(first).as_secs_f64() / window.as_secs_f64()).floor();
    let end = first + window.mul_f64(whole);
    let in_whole = requests
        .iter()
        .filter(|r| r.status != 429 && r.at < end)
        .count();
    let rate = in_whole as f64 / (whole * window.as_secs_f64()).max(1e-9);
    println!(
        "pacing: {sent} messages, {admitted} requests in {:.1} s; over {whole} whole windows {rate:.2} req/s against 30 allowed ({:.1} %); most in any 5 s window {} of 150 ({:.1} %); 429 answered: {refused}",
        last.duration_since(first).as_secs_f64(),
        rate / 30.0 * 100.0,
        stand_in.max_requests_in_any_window(window),
        stand_in.max_requests_in_any_window(window) as f64 / 150.0 * 100.0,
    );
    let _ = took;
}

fn main() {
    let which = std::env::args().nth(1).unwrap_or_default();
    if which.is_empty() || which.contains("throughput") || which == "--bench" {
        throughput();
    }
    if which.is_empty() || which.contains("pacing") || which == "--bench" {
        pacing();
    }
}
