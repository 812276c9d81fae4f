//! `alloggi units …`: the housing stock from the command line — the agency's register
//! imported, the dwellings listed and shown, a dwelling's state changed with its reason.

use std::path::Path;

use super::UnitsCommand;
use super::commands::context;
use crate::domain::Command;
use crate::domain::event::{Event, EventKind};
use crate::domain::number::plural;
use crate::domain::stock::{Dwelling, DwellingCode, DwellingFilter, DwellingState};
use crate::domain::time::{format_date, format_ts, rome_date};
use crate::messages::text::clean_line;
use crate::office::{AuditFilter, Caller, Office, OfficeError};

pub fn run(office: &Office, command: UnitsCommand, actor: &Caller) -> Result<(), String> {
    match command {
        UnitsCommand::Import { file } => import(office, &file, actor),
        UnitsCommand::List {
            stato,
            nucleo,
            accessibili,
            vuoti_da,
        } => list(
            office,
            stato.as_deref(),
            nucleo.map(usize::from),
            accessibili,
            vuoti_da.map(i64::from),
        ),
        UnitsCommand::Show { code } => show(office, &code),
        UnitsCommand::State {
            code,
            stato,
            motivo,
        } => change_state(office, &code, &stato, &motivo, actor),
    }
}

/// The file is read here, on the caller's side (through the client when forwarded to the
/// console server); the office checks and saves it.
fn import(office: &Office, file: &Path, actor: &Caller) -> Result<(), String> {
    let name = file.display().to_string();
    let bytes = super::seam::read(file).map_err(|e| {
        format!(
            "impossibile aprire {}",
            crate::files::reasons::io_fault(file, &e)
        )
    })?;
    let progress = super::progress::Progress::spinner("Importazione degli alloggi");
    let imported = office.import_dwellings(&context(actor), &name, &bytes);
    drop(progress);
    match imported {
        Ok(done) => {
            println!(
                "Alloggi da {name}: {}, {}, {}.",
                plural(done.added, "aggiunto", "aggiunti"),
                plural(done.changed, "modificato", "modificati"),
                plural(done.unchanged, "invariato", "invariati")
            );
            Ok(())
        }
        Err(OfficeError::Rows { summary, rows }) => {
            eprintln!("{}", super::output::capped(&rows));
            Err(format!("importazione annullata: {summary}"))
        }
        Err(other) => Err(other.to_string()),
    }
}

fn list(
    office: &Office,
    state: Option<&str>,
    size: Option<usize>,
    accessible_only: bool,
    min_vacancy_days: Option<i64>,
) -> Result<(), String> {
    let filter = DwellingFilter {
        state: state.map(parse_state).transpose()?,
        size,
        accessible_only,
        min_vacancy_days,
    };
    let today = rome_date(chrono::Utc::now());
    let dwellings = office.dwellings(&filter, today)?;
    if dwellings.is_empty() {
        if filter.is_empty() {
            println!("Nessun alloggio. Si importano con «alloggi units import FILE.csv».");
        } else {
            println!("Nessun alloggio con questi criteri.");
        }
        return Ok(());
    }
    for dwelling in &dwellings {
        println!("{}", line(dwelling, today));
    }
    println!(
        "{}.",
        plural(dwellings.len(), "alloggio elencato", "alloggi elencati")
    );
    Ok(())
}

/// Code first, then state, address, floor, net area, rooms, accessibility and days empty.
fn line(dwelling: &Dwelling, today: chrono::NaiveDate) -> String {
    let vacancy = match dwelling.vacancy_days(today) {
        Some(days) => format!(
            "vuoto da {}",
            plural(usize::try_from(days).unwrap_or(0), "giorno", "giorni")
        ),
        None => String::new(),
    };
    format!(
        "{:<10} {:<15} {:<40} piano {:>2}  {:>11}  {:>2} vani  {:<15}  {vacancy}",
        dwelling.code,
        dwelling.state.label(),
        clean_line(&dwelling.address),
        dwelling.floor,
        dwelling.net_area.to_string(),
        dwelling.rooms,
        if dwelling.accessible {
            "accessibile"
        } else {
            "non accessibile"
        },
    )
}

fn show(office: &Office, code: &str) -> Result<(), String> {
    let code = parse_code(code)?;
    let dwelling = office.dwelling(&code)?.ok_or_else(|| {
        format!("alloggio {code} non trovato: gli alloggi sono in «alloggi units list»")
    })?;
    let today = rome_date(chrono::Utc::now());
    let yes_no = |b: bool| if b { "sì" } else { "no" };
    let or_dash = |text: Option<String>| text.unwrap_or_else(|| "-".to_string());
    println!("Alloggio {}", dwelling.code);
    println!("  proprietario:              {}", dwelling.owner.label());
    println!(
        "  indirizzo:                 {}",
        clean_line(&dwelling.address)
    );
    println!(
        "  scala:                     {}",
        or_dash(dwelling.staircase.as_deref().map(clean_line))
    );
    println!("  piano:                     {}", dwelling.floor);
    println!("  ascensore:                 {}", yes_no(dwelling.lift));
    println!("  superficie utile:          {}", dwelling.net_area);
    println!(
        "  superficie convenzionale:  {}",
        dwelling.conventional_area
    );
    println!("  vani:                      {}", dwelling.rooms);
    println!(
        "  accessibile:               {}",
        yes_no(dwelling.accessible)
    );
    println!(
        "  classe energetica:         {}",
        or_dash(dwelling.energy_class.map(|c| c.label().to_string()))
    );
    println!(
        "  anno di costruzione:       {}",
        or_dash(dwelling.year_built.map(|y| y.to_string()))
    );
    println!("  zona:                      {}", dwelling.zone.label());
    println!("  stato:                     {}", dwelling.state.label());
    println!(
        "  libero dal:                {}",
        or_dash(dwelling.vacant_since.map(format_date))
    );
    if let Some(days) = dwelling.vacancy_days(today) {
        println!(
            "  vuoto da:                  {}",
            plural(usize::try_from(days).unwrap_or(0), "giorno", "giorni")
        );
    }
    let changes = state_changes(office, &dwelling.code)?;
    if !changes.is_empty() {
        println!("Cambi di stato ({}):", changes.len());
        for event in &changes {
            // The summary carries the reason.
            println!(
                "  {}  {}  {}",
                format_ts(event.at),
                event.who(),
                event.summary()
            );
        }
    }
    Ok(())
}

/// The state changes of the dwelling `code` recorded in the audit log, oldest first.
fn state_changes(office: &Office, code: &DwellingCode) -> Result<Vec<Event>, String> {
    const PAGE: usize = 1_000;
    let filter = AuditFilter {
        kind: Some("stato_alloggio_cambiato".to_string()),
        ..AuditFilter::default()
    };
    let mut found = Vec::new();
    let mut before = None;
    loop {
        let page = office.audit_page(before, PAGE, &filter)?;
        let Some((oldest, _)) = page.last() else {
            break;
        };
        before = Some(*oldest);
        let full = page.len() == PAGE;
        found.extend(page.into_iter().map(|(_, event)| event).filter(|event| {
            matches!(&event.kind, EventKind::DwellingStateChanged { code: c, .. } if c == code)
        }));
        if !full {
            break;
        }
    }
    found.reverse();
    Ok(found)
}

fn change_state(
    office: &Office,
    code: &str,
    state: &str,
    reason: &str,
    actor: &Caller,
) -> Result<(), String> {
    let command = Command::ChangeDwellingState {
        code: parse_code(code)?,
        state: parse_state(state)?,
        reason: reason.to_string(),
    };
    office.execute(&context(actor), &command)?;
    if let Command::ChangeDwellingState { code, state, .. } = &command {
        println!("Alloggio {code} ora {}.", state.label());
    }
    Ok(())
}

fn parse_code(code: &str) -> Result<DwellingCode, String> {
    DwellingCode::parse(code).map_err(|e| e.to_string())
}

fn parse_state(state: &str) -> Result<DwellingState, String> {
    DwellingState::parse(state).map_err(|e| e.to_string())
}
