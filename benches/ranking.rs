//! Ranking benchmarks at 100.000 admitted applications:
//! - score and rank: `Entry::of` (the scoring of every application under the example table)
//!   then `rank` with the default tie-break chain and a draw, on applications in memory;
//! - publish: `Store::publish_ranking` on a database holding them, from reading the records to
//!   the committed version with its 100.000 rows, audit entries and one message per applicant.
//!
//! cargo bench --bench ranking
//! ALLOGGI_BENCH_APPLICATIONS=10000 cargo bench --bench ranking
//!
//! The applications are the households of a demo of the same size, with new ids, protocols, ISEE,
//! years of residence and verified conditions drawn at random (seeded), all admitted.

use std::io::Write;
use std::time::{Duration, Instant};

use alloggi::demo::{DemoOptions, example_ruleset, populate};
use alloggi::domain::application::Decision;
use alloggi::domain::household::Condition;
use alloggi::domain::money::Money;
use alloggi::domain::ranking::{Lot, RankingKind, entries, rank};
use alloggi::domain::verification::{CheckItem, Requirement, Verification};
use alloggi::domain::{Application, ApplicationId, Context, Protocol, State};
use alloggi::messages::{Catalogue, ComuneConfig, Order, Values};
use alloggi::store::Store;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const SCORE_RUNS: usize = 21;
const PUBLISH_RUNS: usize = 3;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn verified(at: chrono::DateTime<chrono::Utc>) -> Verification {
    Verification {
        verified: true,
        note: String::new(),
        by: "bench".into(),
        at,
    }
}

/// `n` admitted applications built from the households of a demo of `n`: one applicant each, so
/// that every applicant gets a message of their own.
fn applications(
    n: usize,
) -> Result<(alloggi::domain::Call, Vec<Application>), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    populate(
        &store,
        &DemoOptions {
            applications: n,
            seed: 2024,
        },
        &mut |_, _| {},
    )?;
    let call = store.active_call()?.ok_or("nessun bando")?;
    let templates = store.call_applications(&call.code)?;
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let at = call.closes_at;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let mut app = templates[i % templates.len()].clone();
        let id = u64::try_from(i).unwrap_or(u64::MAX) + 1;
        app.id = ApplicationId(id);
        app.external_id = None;
        app.state = State::Ammessa;
        app.protocol = Some(Protocol::new(2024, u32::try_from(id).unwrap_or(u32::MAX)));
        app.registered_at = Some(at);
        app.integration = None;
        app.fee = None;
        app.decision = Some(Decision {
            admitted: true,
            reason: None,
            note: String::new(),
            at,
            by: "bench".into(),
        });
        app.declaration.isee = Money::from_cents(rng.random_range(0..1_300_000));
        app.declaration.residence_years = rng.random_range(0..30);
        app.declaration.conditions.clear();
        for condition in Condition::ALL {
            if rng.random_bool(0.12) {
                app.declaration.conditions.insert(condition);
            }
        }
        if app.declaration.has(Condition::CoabitazioneParenti) {
            app.declaration
                .conditions
                .remove(&Condition::CoabitazioneNonParenti);
        }
        if app.declaration.current_home_m2.is_none() {
            app.declaration
                .conditions
                .remove(&Condition::AlloggioInadeguato);
        }
        app.verifications.clear();
        for item in [Requirement::Isee, Requirement::ResidenzaOLavoro] {
            app.verifications
                .insert(CheckItem::Requisito(item), verified(at));
        }
        for condition in app.declaration.conditions.clone() {
            app.verifications
                .insert(CheckItem::Condizione(condition), verified(at));
        }
        out.push(app);
    }
    Ok((call, out))
}

/// A database holding `apps` and their call, through a backup: the commands would take minutes
/// and write an audit log the benchmark does not need.
fn database(
    call: &alloggi::domain::Call,
    apps: &[Application],
) -> Result<(tempfile::TempDir, Store), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let backup = dir.path().join("copia.jsonl");
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&backup)?);
        writeln!(out, "{{\"formato\":\"alloggi-backup\",\"schema\":5}}")?;
        writeln!(
            out,
            "{{\"meta\":\"active_call\",\"value\":{}}}",
            serde_json::to_string(&call.code)?
        )?;
        writeln!(
            out,
            "{{\"meta\":\"next_application_id\",\"value\":{}}}",
            apps.len() + 1
        )?;
        writeln!(
            out,
            "{{\"meta\":\"protocol_next/2024\",\"value\":{}}}",
            apps.len() + 1
        )?;
        writeln!(out, "{{\"call\":{}}}", serde_json::to_string(call)?)?;
        for app in apps {
            writeln!(out, "{{\"application\":{}}}", serde_json::to_string(app)?)?;
        }
        writeln!(
            out,
            "{{\"ruleset\":{},\"value\":{}}}",
            serde_json::to_string(&call.code)?,
            serde_json::to_string(&example_ruleset()?)?
        )?;
    }
    let store = Store::open(&dir.path().join("db"))?;
    store.restore(|| std::fs::File::open(&backup).map(std::io::BufReader::new))?;
    Ok((dir, store))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::var("ALLOGGI_BENCH_APPLICATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    println!("alloggi ranking bench: {n} domande ammesse");
    let (call, apps) = applications(n)?;
    let ruleset = example_ruleset()?;

    let mut scoring = Vec::new();
    let mut ranking = Vec::new();
    let mut both = Vec::new();
    let mut groups = 0;
    for run in 0..SCORE_RUNS {
        let started = Instant::now();
        let entries = entries(&apps, &call, &ruleset);
        let scored = started.elapsed();
        let ranked = rank(
            &entries,
            &ruleset.tie_breaks,
            Lot::Draw { seed: run as u64 },
        );
        let total = started.elapsed();
        groups = ranked.draw.map_or(0, |d| d.groups.len());
        assert_eq!(ranked.places.len(), n);
        scoring.push(scored);
        ranking.push(total - scored);
        both.push(total);
    }
    println!(
        "score {} + rank {} = score and rank {} (median of {SCORE_RUNS}; {groups} gruppi sorteggiati)",
        ms(median(scoring)),
        ms(median(ranking)),
        ms(median(both))
    );

    let config = ComuneConfig::example();
    let order = Order {
        template: Catalogue::builtin()
            .get("graduatoria_provvisoria")
            .ok_or("modello assente")?,
        config: &config,
        typed: Values::new(),
        recipient: None,
    };
    let mut loads = Vec::new();
    let mut publishes = Vec::new();
    for run in 0..PUBLISH_RUNS {
        let (_dir, store) = database(&call, &apps)?;
        let started = Instant::now();
        let read = store.call_applications(&call.code)?;
        loads.push(started.elapsed());
        drop(read);
        let ctx = Context {
            actor: "bench".into(),
            on_behalf_of: None,
            now: chrono::Utc::now(),
        };
        let started = Instant::now();
        let published = store.publish_ranking(
            &call.code,
            RankingKind::Provvisoria,
            run as u64,
            &ctx,
            &order,
        )?;
        publishes.push(started.elapsed());
        assert_eq!(published.header.admitted as usize, n);
        assert_eq!(published.queued.len() + published.duplicates, n);
        println!(
            "  run {run}: publish {} ({} messaggi, {} doppioni saltati)",
            ms(*publishes.last().unwrap_or(&Duration::ZERO)),
            published.queued.len(),
            published.duplicates
        );
    }
    println!(
        "read the {n} records {} · publish a version of {n} rows with {n} messages {} (median of {PUBLISH_RUNS})",
        ms(median(loads)),
        ms(median(publishes))
    );
    Ok(())
}
