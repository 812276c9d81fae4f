//! What the benches that drive the real binary share: its pseudo-terminal, reading its screen,
//! and the demo database they measure on.

// Each bench uses the part of it that it measures.
#![allow(dead_code)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use alloggi::domain::number::count;

pub mod session;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Opens the demo database `db`, refuses the open objections and publishes the definitive
/// ranking on the day after the objection deadline; the office, and the caseworker at 09:00 of
/// that day.
pub fn definitive_ranking(
    db: &Path,
) -> Result<(alloggi::office::Office, alloggi::domain::Context)> {
    use alloggi::domain::{Command, Context};
    let office = alloggi::office::Office::new(
        alloggi::store::Store::open(db)?,
        Ok(alloggi::messages::ComuneConfig::example()),
    );
    let call = office.active_call()?.ok_or("nessun bando attivo")?;
    let versions = office.ranking_versions(&call.code)?;
    let deadline = versions
        .iter()
        .rev()
        .find_map(|v| v.objection_deadline)
        .ok_or("nessuna graduatoria provvisoria nel database")?;
    let day = deadline + chrono::Days::new(1);
    let ctx = Context::new(
        "bench",
        alloggi::domain::time::parse_datetime_rome(&format!("{} 09:00", day.format("%d/%m/%Y")))?,
    );
    for app in office.store().call_applications(&call.code)? {
        for (index, objection) in app.objections.iter().enumerate() {
            if objection.is_open() {
                office.execute(
                    &ctx,
                    &Command::DecideObjection {
                        id: app.id,
                        index,
                        accepted: false,
                        reason: "respinta".into(),
                    },
                )?;
            }
        }
    }
    office.publish_ranking(
        &ctx,
        &call.code,
        alloggi::domain::ranking::RankingKind::Definitiva,
        1,
    )?;
    Ok((office, ctx))
}
pub type Result<T> = std::result::Result<T, Error>;

/// Bytes a console wrote, stamped with the time they were read.
pub struct Chunk {
    pub at: Instant,
    pub bytes: Vec<u8>,
}

/// A pseudo-terminal of `width`×`height`: (master, slave).
pub fn open_pty(width: u16, height: u16) -> Result<(File, File)> {
    use rustix::fs::{Mode, OFlags};
    use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC)?;
    grantpt(&master)?;
    unlockpt(&master)?;
    let name = ptsname(&master, Vec::new())?;
    let slave = rustix::fs::open(
        name.as_c_str(),
        OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let size = rustix::termios::Winsize {
        ws_row: height,
        ws_col: width,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    rustix::termios::tcsetwinsize(&master, size)?;
    Ok((File::from(master), File::from(slave)))
}

/// The list position the screen shows (`12/100.000`), as (row, total).
pub fn position(rows: &[String]) -> Option<(usize, usize)> {
    let number = |text: &str| text.replace('.', "").parse::<usize>().ok();
    rows.iter().rev().find_map(|row| {
        let last = row.trim_end().rsplit(' ').next()?;
        let (at, total) = last.split_once('/')?;
        Some((number(at)?, number(total)?))
    })
}

/// The cruscotto shows its figures, the total of `total` applications among them.
pub fn dashboard_complete(rows: &[String], total: usize) -> bool {
    let total = count(total);
    rows.iter()
        .any(|r| r.contains("Totale") && r.split_whitespace().any(|w| w == total))
}

/// The database to measure on: the one `ALLOGGI_BENCH_DB` names, or a demo of `applications`
/// made by `bin` in `work`. `bench` names the bench in what it prints.
pub fn database(bench: &str, bin: &str, work: &Path, applications: usize) -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("ALLOGGI_BENCH_DB") {
        println!(
            "alloggi {bench} bench: database esistente {} (dichiarate {} domande)",
            Path::new(&dir).display(),
            count(applications)
        );
        return Ok(PathBuf::from(dir));
    }
    let db = work.join("db");
    println!(
        "alloggi {bench} bench: {} domande, binario {bin}, cartella {}",
        count(applications),
        work.display()
    );
    let started = Instant::now();
    let out = Command::new(bin)
        .arg("--db")
        .arg(&db)
        .args(["demo", "--domande", &applications.to_string()])
        .output()?;
    if !out.status.success() {
        return Err(format!("alloggi demo: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    println!(
        "database dimostrativo creato in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(db)
}
