//! Texts only the Agenda uses: its own actions' descriptions, then the rest.

use crate::tui::strings::{SCREEN_AGENDA, weekday};

/// The help's heading over its keys.
pub const HELP_HEADING: &str = "Agenda degli appuntamenti";
/// The global action that shows it.
pub const GO_TO: &str = "agenda";

pub const PREVIOUS_DAY: &str = "giorno prec.";
pub const NEXT_DAY: &str = "giorno succ.";
pub const TODAY: &str = "oggi";
pub const RESCHEDULE: &str = "sposta";
pub const CANCEL: &str = "disdici";

pub const AGENDA_EMPTY: &str = "Nessun appuntamento in questo giorno";

pub const AGENDA_COLUMNS: [&str; 7] = [
    "Ora",
    "Numero",
    "Cittadino",
    "Codice fiscale",
    "Oggetto",
    "Luogo",
    "Domanda",
];

pub const FORM_BOOK_APPOINTMENT: &str = "Prenotazione di un appuntamento";
pub const FORM_RESCHEDULE_APPOINTMENT: &str = "Spostamento dell'appuntamento";
pub const FORM_CANCEL_APPOINTMENT: &str = "Disdetta dell'appuntamento";
pub const FIELD_APPOINTMENT: &str = "Appuntamento";
pub const FIELD_CITIZEN_NAME: &str = "Cognome e nome";
pub const FIELD_SUBJECT: &str = "Oggetto";
pub const FIELD_PLACE: &str = "Luogo";
pub const FIELD_DAY: &str = "Data (gg/mm/aaaa)";
pub const FIELD_TIME: &str = "Ora (hh:mm)";
pub const DEFAULT_APPOINTMENT_SUBJECT: &str = "presentare la domanda di assegnazione";
pub const TIME_FORMAT: &str = "un'ora come 09:30";
pub const DAY_PAST: &str = "la data è già passata";
pub const CONTROL_CHARACTERS: &str = "caratteri di controllo non ammessi";
pub const APPOINTMENT_NOT_LINKED: &str = "l'appuntamento non è collegato a una domanda";

/// "Agenda · lunedì 02/12/2024 · oggi"; `offset` is the day's distance from today.
pub fn agenda_title(day: chrono::NaiveDate, offset: i64) -> String {
    use chrono::Datelike;
    let relative = match offset {
        0 => " · oggi",
        1 => " · domani",
        -1 => " · ieri",
        _ => "",
    };
    format!(
        "{SCREEN_AGENDA} · {} {}{relative}",
        weekday(day.weekday()),
        crate::domain::time::format_date(day)
    )
}

/// "3 appuntamenti · 1 annullato".
pub fn agenda_count(total: usize, cancelled: usize) -> String {
    let mut text = match total {
        1 => "1 appuntamento".to_string(),
        n => format!("{} appuntamenti", crate::domain::number::count(n)),
    };
    match cancelled {
        0 => {}
        1 => text.push_str(" · 1 annullato"),
        n => text.push_str(&format!(" · {} annullati", crate::domain::number::count(n))),
    }
    text
}

pub fn appointment_cancelled_cell(reason: &str) -> String {
    format!("annullato — {reason}")
}

pub fn too_long(max: usize) -> String {
    format!("al massimo {max} caratteri")
}

pub fn appointment_is_cancelled(number: &str) -> String {
    format!("l'appuntamento {number} è annullato: non si può più cambiare")
}

/// The linked application in the detail line: `open` is the key that opens it.
pub fn appointment_case(protocol: &str, open: &str) -> String {
    if protocol.is_empty() {
        format!("domanda non ancora protocollata ({open} apre)")
    } else {
        format!("domanda {protocol} ({open} apre)")
    }
}

pub fn appointment_booked_by(actor: &str, on: &str) -> String {
    format!("prenotato da {actor} il {on}")
}

pub fn appointment_cancelled_on(on: &str, reason: &str) -> String {
    format!("annullato il {on}: {reason}")
}

/// Under the codice fiscale of a booking: the application the appointment will be linked to
/// (its applicant's name fills the next field).
pub fn linked_application(protocol: &str) -> String {
    if protocol.is_empty() {
        "sarà collegato alla sua domanda, non protocollata".to_string()
    } else {
        format!("sarà collegato alla domanda {protocol}")
    }
}
