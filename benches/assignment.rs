//! Assignment benchmarks on a demo database of 100.000 applications (a copy: the bench writes)
//! with its ranking made definitive, the round opened, 5.000 dwellings and the first
//! candidates already served, so that the next applicant is found deep in the ranking.
//!
//! cargo bench --bench assignment
//! ALLOGGI_BENCH_DB=DIR cargo bench --bench assignment      (a demo database of 100.000, copied)
//!
//! Measures: «next adequate applicant» for a free dwelling (`Office::next_offer`, as the
//! console and `alloggi assignment next` ask it), and the *Alloggi* screen's first page:
//! key → first frame showing the stock, through the real binary in an 80×24 pseudo-terminal.
//! Figures go to BENCHMARKS.md, section "Assegnazione".

use std::path::Path;
use std::process::Command as Process;
use std::time::{Duration, Instant};

use alloggi::domain::Command;
use alloggi::domain::command::OfferReply;
use alloggi::domain::stock::{
    Area, Dwelling, DwellingCode, DwellingState, EnergyClass, Owner, Zone,
};
use alloggi::domain::time::rome_date;
use alloggi::messages::ComuneConfig;
use alloggi::office::Office;
use alloggi::store::Store;

mod support;
use support::session::Session;
use support::{Result, dashboard_complete};

const APPLICATIONS: usize = 100_000;
const DWELLINGS: usize = 5_000;
/// Candidates served before measuring: assigned, then offers left open.
const ASSIGNED: usize = 600;
const OFFERED: usize = 150;
const NEXT_RUNS: usize = 200;
const SCREEN_RUNS: usize = 7;

fn main() -> Result<()> {
    let work = tempfile::tempdir()?;
    let bin = env!("CARGO_BIN_EXE_alloggi");
    let source = support::database("assignment", bin, work.path(), APPLICATIONS)?;
    let db = work.path().join("copia");
    let copied = Process::new("cp")
        .arg("-r")
        .arg(&source)
        .arg(&db)
        .status()?;
    if !copied.success() {
        return Err("copia del database non riuscita".into());
    }
    let started = Instant::now();
    let (candidates, free) = prepare(&db)?;
    println!(
        "preparato in {:.1} s: {candidates} richiedenti in assegnazione, {DWELLINGS} alloggi",
        started.elapsed().as_secs_f64()
    );

    let office = Office::new(Store::open(&db)?, Ok(ComuneConfig::example()));
    let mut found = Vec::new();
    // A dwelling no household fits (78 or 79 m² fall between the bands of 4 and 5 people):
    // the answer lists the first passed over and counts the rest.
    let mut nobody = Vec::new();
    let mut deepest = 0;
    for run in 0..NEXT_RUNS {
        let code = &free[run % free.len()];
        let started = Instant::now();
        let next = office.next_offer(None, code)?;
        let took = started.elapsed();
        match next.chosen {
            Some((chosen, _)) => {
                deepest = deepest.max(chosen.position);
                found.push(took);
            }
            None => nobody.push(took),
        }
    }
    println!(
        "prossimo richiedente adatto: {} ({} alloggi liberi; il più profondo in posizione {deepest})",
        summary(&mut found),
        found.len()
    );
    if !nobody.is_empty() {
        println!(
            "nessun richiedente adatto: {} ({} alloggi)",
            summary(&mut nobody),
            nobody.len()
        );
    }
    drop(office);

    let mut screen = Vec::new();
    for run in 0..=SCREEN_RUNS {
        let dir = work.path().join(format!("console-{run}"));
        let mut session = Session::spawn(&db, &dir, &[("ALLOGGI_CONSOLE_CONDIVISA", "no")])?;
        session.wait_until("cruscotto", |rows| dashboard_complete(rows, APPLICATIONS))?;
        let sent = session.send(b"8")?;
        let shown = session.wait_until("prima pagina degli alloggi", |rows| {
            rows.iter().any(|r| r.contains("BN-00001"))
        })?;
        // The first start warms the page cache: discarded.
        if run > 0 {
            screen.push(shown.saturating_duration_since(sent));
        }
        session.quit()?;
    }
    println!(
        "schermata Alloggi, tasto → prima pagina con i dati: {} ({SCREEN_RUNS} avvii)",
        summary(&mut screen)
    );
    Ok(())
}

/// Makes the copy's ranking definitive, opens the round, adds the stock and serves the first
/// candidates; returns the round's size and the dwellings left free.
fn prepare(db: &Path) -> Result<(usize, Vec<DwellingCode>)> {
    let (office, ctx) = support::definitive_ranking(db)?;
    let day = rome_date(ctx.now);
    let opened = office.open_assignment(&ctx, None, day, day + chrono::Days::new(60))?;
    office.execute(
        &ctx,
        &Command::SaveDwellings {
            dwellings: (1..=DWELLINGS).map(|n| dwelling(n, day)).collect(),
        },
    )?;
    let today = rome_date(ctx.now);
    for served in 0..ASSIGNED + OFFERED {
        let Some(code) = office
            .dwellings(&Default::default(), today)?
            .into_iter()
            .find(|d| d.state == DwellingState::Libero && served % 7 == d.rooms as usize % 7)
            .or(office
                .dwellings(&Default::default(), today)?
                .into_iter()
                .find(|d| d.state == DwellingState::Libero))
            .map(|d| d.code)
        else {
            break;
        };
        let next = office.next_offer(None, &code)?;
        let Some((chosen, _)) = next.chosen else {
            continue;
        };
        office.make_offer(&ctx, chosen.application, &code, None, None, true)?;
        if served < ASSIGNED {
            office.execute(
                &ctx,
                &Command::ReplyToOffer {
                    id: chosen.application,
                    reply: OfferReply::Accept,
                    reason: String::new(),
                },
            )?;
            office.execute(
                &ctx,
                &Command::DecreeAssignment {
                    id: chosen.application,
                    decree_on: today,
                },
            )?;
        }
    }
    let free = office
        .store()
        .dwellings(Some(DwellingState::Libero))?
        .into_iter()
        .map(|d| d.code)
        .collect();
    Ok((opened.round.candidates as usize, free))
}

/// Dwelling `n` of the bench's stock: every household band, floors, lifts and zones in turn.
fn dwelling(n: usize, day: chrono::NaiveDate) -> Dwelling {
    let m2 = 30 + (n * 37 % 80) as u32;
    Dwelling {
        code: DwellingCode::parse(&format!("BN-{n:05}")).unwrap_or_else(|_| unreachable!()),
        owner: if n.is_multiple_of(3) {
            Owner::Comune
        } else {
            Owner::Ente
        },
        address: format!("Via delle Case {n}, Fermo"),
        staircase: Some(["A", "B", "C"][n % 3].into()),
        floor: (n % 6) as i8,
        lift: n.is_multiple_of(2),
        net_area: Area::from_m2(m2),
        conventional_area: Area::from_m2(m2 + 8),
        rooms: (m2 / 16).clamp(1, 8) as u8,
        accessible: n.is_multiple_of(5),
        energy_class: Some([EnergyClass::C, EnergyClass::E, EnergyClass::G][n % 3]),
        year_built: Some(1960 + (n % 60) as u16),
        zone: [Zone::Bassa, Zone::Media, Zone::Alta][n % 3],
        state: if n.is_multiple_of(4) {
            DwellingState::Locato
        } else {
            DwellingState::Libero
        },
        vacant_since: (!n.is_multiple_of(4)).then(|| day - chrono::Days::new((n % 400) as u64)),
    }
}

fn summary(values: &mut [Duration]) -> String {
    if values.is_empty() {
        return "nessuna misura".into();
    }
    values.sort();
    let at = |q: f64| values[((values.len() as f64 - 1.0) * q).round() as usize];
    format!(
        "mediana {:.2} ms, p99 {:.2} ms, massimo {:.2} ms",
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3
    )
}
