//! `alloggi call interested …`, `alloggi call publish` and `alloggi appointments`: the citizens
//! interested in a call, its publication with the message to each of them, and the counter's
//! bookings of a day.

use crate::office::Caller;
use std::path::Path;

use chrono::{Datelike, NaiveDate, Weekday};

use super::InterestedCommand;
use super::commands::context;
use crate::domain::appointment::{Appointment, AppointmentState};
use crate::domain::fiscal_code::PersonFiscalCode;
use crate::domain::number::{count, plural};
use crate::domain::time::{format_date, format_ts, format_ts_time, parse_date, rome_date};
use crate::domain::{Call, Command};
use crate::files::interested_csv::{self, InterestedFileError};
use crate::messages::text::clean_line;
use crate::office::Office;

pub fn interested(
    office: &Office,
    command: InterestedCommand,
    actor: &Caller,
) -> Result<(), String> {
    match command {
        InterestedCommand::Import { file, bando } => import(office, &file, bando.as_deref(), actor),
        InterestedCommand::List { bando } => list(office, bando.as_deref()),
        InterestedCommand::Remove { fiscal_code, bando } => {
            remove(office, &fiscal_code, bando.as_deref(), actor)
        }
    }
}

/// The call named, or the active one.
pub(super) fn resolve_call(office: &Office, given: Option<&str>) -> Result<Call, String> {
    match given.map(str::trim) {
        Some(code) => office.call(code)?.ok_or_else(|| {
                format!(
                    "bando «{}» inesistente: i bandi sono in «alloggi call list»",
                    clean_line(code)
                )
            }),
        None => office.active_call()?.ok_or_else(|| {
            "nessun bando attivo: indicare il codice del bando o caricarne uno con «alloggi call load FILE.toml»"
                .to_string()
        }),
    }
}

fn import(office: &Office, file: &Path, bando: Option<&str>, actor: &Caller) -> Result<(), String> {
    let name = file.display().to_string();
    let read = super::seam::read_text(file)
        .map_err(|reason| InterestedFileError::Read {
            file: name.clone(),
            reason,
        })
        .and_then(|text| interested_csv::parse(&name, &text));
    let codes = match read {
        Ok(codes) => codes,
        Err(InterestedFileError::Rows { file, rows }) => {
            eprintln!("{}", super::output::capped(&rows));
            return Err(format!(
                "importazione annullata, nessun interessato aggiunto: {} in {file}",
                plural(rows.len(), "riga errata", "righe errate")
            ));
        }
        Err(other) => return Err(other.to_string()),
    };
    let call = resolve_call(office, bando)?;
    let added = office.add_interested(&context(actor), &call.code, codes)?;
    println!(
        "{} {} al bando {}; {}.",
        if added.added == 1 {
            "Aggiunto"
        } else {
            "Aggiunti"
        },
        plural(
            added.added,
            "cittadino interessato",
            "cittadini interessati"
        ),
        call.code,
        plural(
            added.already,
            "già presente e lasciato invariato",
            "già presenti e lasciati invariati"
        )
    );
    Ok(())
}

fn list(office: &Office, bando: Option<&str>) -> Result<(), String> {
    let call = resolve_call(office, bando)?;
    let interested = office.interested(&call.code)?;
    println!(
        "Bando {}: {}.",
        call.code,
        plural(
            interested.len(),
            "cittadino interessato",
            "cittadini interessati"
        )
    );
    for (code, person) in &interested {
        println!(
            "{code}  aggiunto il {} da {}",
            format_ts(person.added_at),
            clean_line(&person.added_by)
        );
    }
    Ok(())
}

fn remove(
    office: &Office,
    fiscal_code: &str,
    bando: Option<&str>,
    actor: &Caller,
) -> Result<(), String> {
    let fiscal_code = PersonFiscalCode::parse(fiscal_code).map_err(|e| {
        format!(
            "«{}» non è un codice fiscale valido: {e}",
            clean_line(fiscal_code)
        )
    })?;
    let call = resolve_call(office, bando)?;
    let command = Command::RemoveInterested {
        call: call.code.clone(),
        fiscal_code: fiscal_code.clone(),
    };
    office.execute(&context(actor), &command)?;
    println!(
        "{} tolto dai cittadini interessati al bando {}.",
        fiscal_code.as_str(),
        call.code
    );
    Ok(())
}

/// Publishes the call and queues its message to every interested citizen, in one transaction.
/// Without the Comune's values nothing happens: a publication nobody is told about is refused.
pub fn publish(office: &Office, code: Option<&str>, actor: &Caller) -> Result<(), String> {
    let call = resolve_call(office, code)?;
    let ctx = context(actor);
    let progress = super::progress::Progress::spinner("Pubblicazione del bando");
    let report = office.publish_call(&ctx, &call.code)?;
    drop(progress);
    println!(
        "Bando {} pubblicato il {}: {} per i cittadini interessati.",
        call.code,
        format_date(rome_date(ctx.now)),
        plural(
            report.queued.len(),
            "messaggio accodato",
            "messaggi accodati"
        )
    );
    if report.duplicates > 0 {
        println!(
            "{} già lo stesso messaggio in coda: non accodato di nuovo.",
            plural(report.duplicates, "cittadino aveva", "cittadini avevano")
        );
    }
    if !report.queued.is_empty() {
        println!("Si inviano con «alloggi outbox send» (o dalla console).");
    }
    Ok(())
}

pub fn appointments(office: &Office, day: Option<&str>) -> Result<(), String> {
    let day = match day {
        Some(text) => parse_date(text).map_err(|e| e.to_string())?,
        None => rome_date(chrono::Utc::now()),
    };
    let found = office.appointments_on(day)?;
    let heading = format!("{} {}", weekday(day), format_date(day));
    if found.is_empty() {
        println!("Nessun appuntamento per {heading}.");
        return Ok(());
    }
    let cancelled = found.iter().filter(|a| !a.is_active()).count();
    println!(
        "Appuntamenti di {heading}: {}, {}.",
        plural(found.len() - cancelled, "prenotato", "prenotati"),
        plural(cancelled, "annullato", "annullati")
    );
    let rows: Vec<[String; 6]> = found.iter().map(appointment_row).collect();
    // Columns as wide as their longest value, so that the day reads as a table.
    let mut widths = [0usize; 6];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in &rows {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<width$}  "));
            }
        }
        println!("{line}");
    }
    Ok(())
}

/// Time, booking number, citizen, subject, place and state; text typed at the counter is
/// cleaned before it reaches the terminal.
fn appointment_row(appointment: &Appointment) -> [String; 6] {
    let name = clean_line(&appointment.citizen.name);
    let citizen = if name.is_empty() {
        appointment.citizen.fiscal_code.as_str().to_string()
    } else {
        format!("{name} ({})", appointment.citizen.fiscal_code.as_str())
    };
    let state = match &appointment.state {
        AppointmentState::Prenotato => "prenotato".to_string(),
        AppointmentState::Annullato { reason, .. } if !reason.trim().is_empty() => {
            format!("annullato: {}", clean_line(reason))
        }
        AppointmentState::Annullato { .. } => "annullato".to_string(),
    };
    [
        format_ts_time(appointment.slot.at),
        clean_line(&appointment.booking_number),
        citizen,
        clean_line(&appointment.subject),
        clean_line(&appointment.slot.place),
        state,
    ]
}

fn weekday(day: NaiveDate) -> &'static str {
    match day.weekday() {
        Weekday::Mon => "lunedì",
        Weekday::Tue => "martedì",
        Weekday::Wed => "mercoledì",
        Weekday::Thu => "giovedì",
        Weekday::Fri => "venerdì",
        Weekday::Sat => "sabato",
        Weekday::Sun => "domenica",
    }
}

/// What `call list` adds to a call's line: publication and interested citizens.
pub fn call_status(call: &Call, interested: usize) -> String {
    let published = match call.published_at {
        Some(at) => format!("pubblicato il {}", crate::domain::time::format_ts_date(at)),
        None => "non pubblicato".to_string(),
    };
    format!(
        "{published}, {}",
        plural(interested, "interessato", "interessati")
    )
}

/// The lines `alloggi demo` adds about the intake it generated.
pub fn print_demo_intake(intake: &crate::demo::IntakeSummary) {
    println!(
        "Cittadini interessati al bando: {} (da avvisare con «alloggi call publish»).",
        count(intake.interested)
    );
    println!(
        "Appuntamenti allo sportello: {} dal {} ({} quel giorno; annullati: {}); «alloggi appointments» li elenca.",
        count(intake.appointments),
        format_date(intake.today),
        count(intake.appointments_today),
        count(intake.cancelled)
    );
    println!(
        "Verifiche registrate: {} su {} in istruttoria.",
        count(intake.verifications),
        plural(intake.verified_applications, "domanda", "domande")
    );
    println!(
        "Avvisi di pagamento delle spese di segreteria: {} ({} pagati, {} in scadenza entro 5 giorni, {} scaduti).",
        count(intake.fees),
        count(intake.fees_paid),
        count(intake.fees_due_soon),
        count(intake.fees_late)
    );
}
