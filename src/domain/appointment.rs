//! Counter appointments: a citizen books a time at the office to hand in an application.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::application::ApplicationId;
use super::error::DomainError;
use super::fiscal_code::PersonFiscalCode;
use super::time::{Timestamp, rome_date};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AppointmentId(pub u64);

impl fmt::Display for AppointmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "A{}", self.0)
    }
}

/// The person a message or a booking is for, who may have no application yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citizen {
    pub fiscal_code: PersonFiscalCode,
    /// Surname and name as given; empty when unknown.
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "stato")]
pub enum AppointmentState {
    Prenotato,
    Annullato { at: Timestamp, reason: String },
}

/// What the caseworker types to book or move an appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    /// The instant, entered in Europe/Rome time.
    pub at: Timestamp,
    pub place: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: AppointmentId,
    pub call: String,
    pub citizen: Citizen,
    /// The application it concerns, when there is one.
    #[serde(default)]
    pub application: Option<ApplicationId>,
    /// What it is for, e.g. "presentare la domanda".
    pub subject: String,
    /// Given by the office at booking: `2024-000123`.
    pub booking_number: String,
    pub slot: Slot,
    pub state: AppointmentState,
    pub booked_at: Timestamp,
    pub booked_by: String,
}

impl Appointment {
    pub fn booking_number(id: AppointmentId, at: Timestamp) -> String {
        use chrono::Datelike;
        format!("{}-{:06}", rome_date(at).year(), id.0)
    }

    pub fn is_active(&self) -> bool {
        self.state == AppointmentState::Prenotato
    }
}

/// A subject and a place must be words a citizen can read, on one line.
pub fn validate_text(field: &'static str, text: &str, max: usize) -> Result<String, DomainError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DomainError::invalid(field, "mancante"));
    }
    if text.chars().count() > max {
        return Err(DomainError::invalid(
            field,
            format!("al massimo {max} caratteri"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            field,
            "caratteri di controllo non ammessi",
        ));
    }
    Ok(text.to_string())
}
