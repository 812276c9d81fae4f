//! Foundation benchmarks: open a database of N demo applications and read the first inbox page;
//! latency of one committed command with flush; size on disk.
//!
//! cargo bench --bench foundation                       (100.000 domande)
//! ALLOGGI_BENCH_APPLICATIONS=10000 cargo bench --bench foundation
//!
//! Reports medians (and p90) over repeated runs; figures go to BENCHMARKS.md.

use std::path::Path;
use std::time::{Duration, Instant};

use alloggi::demo::{DemoOptions, populate};
use alloggi::domain::contact::{Address, Contact};
use alloggi::domain::{ApplicationId, Command, Context};
use alloggi::store::Store;

const INBOX_PAGE: usize = 50;
const OPEN_RUNS: usize = 21;
const COMMAND_RUNS: usize = 201;

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() - 1) as f64 * p).round() as usize;
    samples[index]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(m) if m.is_dir() => dir_size(&entry.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` passes `--bench`; nothing else is accepted.
    let applications: usize = std::env::var("ALLOGGI_BENCH_APPLICATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    println!(
        "alloggi foundation bench: {applications} domande, cartella {}",
        dir.path().display()
    );

    let started = Instant::now();
    {
        let store = Store::open(dir.path())?;
        let summary = populate(
            &store,
            &DemoOptions {
                applications,
                seed: 7,
            },
            &mut |_, _| {},
        )?;
        println!(
            "demo: {} domande, {} eventi in {:.1} s",
            summary.applications,
            summary.events,
            started.elapsed().as_secs_f64()
        );
    }

    let mut open_read = Vec::with_capacity(OPEN_RUNS);
    for _ in 0..OPEN_RUNS {
        let t = Instant::now();
        let store = Store::open(dir.path())?;
        let page = store.applications_page(None, INBOX_PAGE)?;
        let elapsed = t.elapsed();
        assert_eq!(page.len(), INBOX_PAGE.min(applications));
        open_read.push(elapsed);
        drop(store);
    }
    println!(
        "open + prime {INBOX_PAGE} righe: mediana {}, p90 {}",
        ms(percentile(&mut open_read, 0.5)),
        ms(percentile(&mut open_read, 0.9))
    );

    let store = Store::open(dir.path())?;
    let mut command = Vec::with_capacity(COMMAND_RUNS);
    for i in 0..COMMAND_RUNS {
        let id = ApplicationId(1 + (i as u64 * 7919) % applications as u64);
        let contact = Contact {
            email: Some(format!("prova{i}@example.it")),
            phone: None,
            address: Address {
                street: format!("Via Roma {}", i + 1),
                postcode: "63900".into(),
                municipality: "Fermo".into(),
                province: "FM".into(),
            },
        };
        let ctx = Context {
            actor: "bench".into(),
            on_behalf_of: None,
            now: chrono::Utc::now(),
        };
        let t = Instant::now();
        store.execute(&Command::UpdateContact { id, contact }, &ctx)?;
        command.push(t.elapsed());
    }
    println!(
        "un comando con flush: mediana {}, p90 {}, p99 {}",
        ms(percentile(&mut command, 0.5)),
        ms(percentile(&mut command, 0.9)),
        ms(percentile(&mut command, 0.99))
    );
    store.flush()?;
    let logical = store.size_on_disk()?;
    drop(store);
    println!(
        "dimensione su disco: {:.1} MiB (file), {:.1} MiB (sled size_on_disk)",
        dir_size(dir.path()) as f64 / 1_048_576.0,
        logical as f64 / 1_048_576.0
    );
    Ok(())
}
