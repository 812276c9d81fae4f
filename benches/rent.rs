//! Rent benchmarks: issuing a month's notices for 10.000 leases (each chunk one transaction
//! with its commands, audit entries, queued pagoPA creations and IO messages), and syncing the
//! 10.000 notices with the GPD stand-in at its pace, counting duplicates.
//!
//! cargo bench --bench rent
//! ALLOGGI_BENCH_RENT_DB=DIR cargo bench --bench rent   (keeps the prepared database in DIR)
//!
//! The database: a demo of 25.000 applications, its ranking made definitive, the round opened
//! and, in ranking order, 10.000 applicants offered a dwelling of their size, decreed and
//! signed. Each measure runs on a fresh copy of it. Figures go to BENCHMARKS.md, «Canoni».

use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use alloggi::domain::command::OfferReply;
use alloggi::domain::rent::Month;
use alloggi::domain::stock::{Area, Dwelling, DwellingCode, DwellingState, Owner, Zone};
use alloggi::domain::time::rome_date;
use alloggi::domain::{Command, Context};
use alloggi::gpd::{GpdClient, GpdConfig};
use alloggi::messages::ComuneConfig;
use alloggi::office::{LeaseSigning, Office};
use alloggi::store::Store;

#[path = "../tests/support/gpd_stand_in.rs"]
mod gpd_stand_in;
mod support;
use support::Result;

const APPLICATIONS: usize = 25_000;
const LEASES: usize = 10_000;
const ISSUE_RUNS: usize = 5;
/// The stand-in's limit, and the client's pace to match it.
const STAND_IN_RATE: u32 = 500;

fn main() -> Result<()> {
    let work = tempfile::tempdir()?;
    let prepared = prepared_database(work.path())?;
    let month = Month::of(rome_date(chrono::Utc::now())).next();

    let mut issue = Vec::new();
    let mut last_copy = None;
    for run in 0..ISSUE_RUNS {
        let db = copy(&prepared, &work.path().join(format!("issue-{run}")))?;
        let office = Office::new(Store::open(&db)?, Ok(ComuneConfig::example()));
        let ctx = Context::new("bench", chrono::Utc::now());
        let stop = AtomicBool::new(false);
        let started = Instant::now();
        let batch = office.issue_rent_month(&ctx, month, &stop, &mut |_| {})?;
        issue.push(started.elapsed());
        if batch.committed != LEASES {
            return Err(format!("emessi {} avvisi invece di {LEASES}", batch.committed).into());
        }
        let again = office.issue_rent_month(&ctx, month, &stop, &mut |_| {})?;
        if again.committed != 0 {
            return Err("il secondo passaggio ha emesso di nuovo".into());
        }
        drop(office);
        if let Some(old) = last_copy.replace(db) {
            std::fs::remove_dir_all(old)?;
        }
    }
    println!(
        "emissione del mese per {LEASES} contratti: {} ({ISSUE_RUNS} copie)",
        summary(&mut issue)
    );

    let db = last_copy.ok_or("nessuna copia")?;
    // The Canoni screen's month: every notice with its tenant, lease and ledger.
    let office = Office::new(Store::open(&db)?, Ok(ComuneConfig::example()));
    let today = rome_date(chrono::Utc::now());
    let mut reads = Vec::new();
    for _ in 0..ISSUE_RUNS {
        let started = Instant::now();
        let view = office.rent_month(month, today, 7)?;
        reads.push(started.elapsed());
        if view.rows.len() != LEASES {
            return Err(format!(
                "il mese mostra {} avvisi invece di {LEASES}",
                view.rows.len()
            )
            .into());
        }
    }
    drop(office);
    println!(
        "il mese nella schermata Canoni, {LEASES} avvisi: {}",
        summary(&mut reads)
    );
    let stand_in = gpd_stand_in::GpdStandIn::start(gpd_stand_in::GpdStandInConfig {
        rate: Some((STAND_IN_RATE, Duration::from_secs(1))),
        ..gpd_stand_in::GpdStandInConfig::default()
    });
    let office = Office::new(Store::open(&db)?, Ok(ComuneConfig::example()));
    let creditor = ComuneConfig::example().creditor()?;
    let mut config = GpdConfig::new(alloggi::io::key::ApiKey::new(stand_in.key()).ok_or("chiave")?);
    config.base_url = stand_in.base_url();
    config.pace = alloggi::io::pace::Pace::parse(&format!("{STAND_IN_RATE}/1"))?;
    let client = GpdClient::new(config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let syncer = office.gpd_syncer(client, creditor, "bench");
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    let report = runtime.block_on(syncer.run(&stop, &|_, _| {}))?;
    let took = started.elapsed();
    let positions = stand_in.position_count();
    let duplicates = stand_in
        .positions()
        .iter()
        .filter(|p| stand_in.create_attempts(&p.iupd) > 1)
        .count();
    println!(
        "sincronizzazione di {LEASES} avvisi con il sostituto di GPD a {STAND_IN_RATE} richieste/s: {:.1} s ({:.0} avvisi/s); posizioni {positions}, IUPD inviati più volte {duplicates}, 429 ricevuti {}; {}",
        took.as_secs_f64(),
        LEASES as f64 / took.as_secs_f64(),
        stand_in.count(429),
        report.summary()
    );
    if positions != LEASES || report.created != LEASES {
        return Err(format!(
            "posizioni {positions}, create {} invece di {LEASES}",
            report.created
        )
        .into());
    }
    Ok(())
}

/// The prepared database, built once (kept in ALLOGGI_BENCH_RENT_DB when set).
fn prepared_database(work: &Path) -> Result<PathBuf> {
    let dir = std::env::var_os("ALLOGGI_BENCH_RENT_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|| work.join("prepared"));
    let db = dir.join("db");
    if db.join("conf").exists() {
        println!(
            "alloggi rent bench: database preparato esistente {}",
            db.display()
        );
        return Ok(db);
    }
    std::fs::create_dir_all(&dir)?;
    let started = Instant::now();
    let out = Process::new(env!("CARGO_BIN_EXE_alloggi"))
        .arg("--db")
        .arg(&db)
        .args([
            "demo",
            "--solo-bando-corrente",
            "--domande",
            &APPLICATIONS.to_string(),
        ])
        .output()?;
    if !out.status.success() {
        return Err(format!("alloggi demo: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    prepare(&db)?;
    println!(
        "database preparato in {:.0} s: {APPLICATIONS} domande, {LEASES} contratti",
        started.elapsed().as_secs_f64()
    );
    Ok(db)
}

/// Definitive ranking, round, one dwelling of their size for each of the first 10.000
/// applicants, offered, accepted, decreed and signed; the example rent rules in force.
fn prepare(db: &Path) -> Result<()> {
    let (office, _) = support::definitive_ranking(db)?;
    let now = Context::new("bench", chrono::Utc::now());
    let today = rome_date(now.now);
    office.open_assignment(&now, None, today, today + chrono::Days::new(60))?;
    let mut rules = alloggi::files::rent_toml::esempio()?;
    rules.effective_from = rules.effective_from.min(today);
    office.save_rent_rules(&now, rules)?;
    let placements: Vec<_> = office
        .round_view(None)?
        .placements
        .into_iter()
        .take(LEASES)
        .collect();
    if placements.len() < LEASES {
        return Err(format!("solo {} richiedenti in assegnazione", placements.len()).into());
    }
    let dwellings: Vec<Dwelling> = placements
        .iter()
        .enumerate()
        .map(|(n, p)| dwelling(n, p.needs.size, today))
        .collect();
    office.execute(
        &now,
        &Command::SaveDwellings {
            dwellings: dwellings.clone(),
        },
    )?;
    for (chunk, homes) in placements.chunks(500).zip(dwellings.chunks(500)) {
        let mut commands = Vec::new();
        for (placement, home) in chunk.iter().zip(homes) {
            let id = placement.application;
            commands.push(Command::ConfirmRequirements { id });
            commands.push(Command::MakeOffer {
                id,
                dwelling: home.code.clone(),
                deadline: None,
                out_of_order: None,
            });
            commands.push(Command::ReplyToOffer {
                id,
                reply: OfferReply::Accept,
                reason: String::new(),
            });
            commands.push(Command::DecreeAssignment {
                id,
                decree_on: today,
            });
        }
        office.execute_all(&now, commands)?;
    }
    for (n, placement) in placements.iter().enumerate() {
        office.sign_lease(
            &now,
            placement.application,
            &LeaseSigning {
                number: format!("L-{n:05}"),
                signed_on: today,
                starts_on: None,
                signatory: None,
            },
        )?;
    }
    Ok(())
}

/// A dwelling every household of `size` fits (the example bands), reached without stairs.
fn dwelling(n: usize, size: usize, day: chrono::NaiveDate) -> Dwelling {
    let m2 = match size {
        0 | 1 => 38,
        2 => 50,
        3 => 60,
        4 => 70,
        5 => 86,
        _ => 96,
    };
    Dwelling {
        code: DwellingCode::parse(&format!("RN-{n:05}")).unwrap_or_else(|_| unreachable!()),
        owner: Owner::Ente,
        address: format!("Via dei Canoni {n}, Fermo"),
        staircase: None,
        floor: 0,
        lift: false,
        net_area: Area::from_m2(m2),
        conventional_area: Area::from_m2(m2 + 8),
        rooms: (m2 / 16).clamp(1, 8) as u8,
        accessible: true,
        energy_class: None,
        year_built: Some(1990),
        zone: [Zone::Bassa, Zone::Media, Zone::Alta][n % 3],
        state: DwellingState::Libero,
        vacant_since: Some(day - chrono::Days::new(30)),
    }
}

fn copy(from: &Path, to: &Path) -> Result<PathBuf> {
    let copied = Process::new("cp").arg("-r").arg(from).arg(to).status()?;
    if !copied.success() {
        return Err("copia del database non riuscita".into());
    }
    Ok(to.to_path_buf())
}

fn summary(values: &mut [Duration]) -> String {
    values.sort();
    let at = |q: f64| values[((values.len() as f64 - 1.0) * q).round() as usize];
    format!(
        "mediana {:.2} s, minimo {:.2} s, massimo {:.2} s",
        at(0.5).as_secs_f64(),
        at(0.0).as_secs_f64(),
        at(1.0).as_secs_f64()
    )
}
