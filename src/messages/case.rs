//! What is known about a case without asking anyone: the Comune's values, the call's dates,
//! the applicant and the application's registration and integration request.

use super::config::ComuneConfig;
use super::values::{Value, Values};
use crate::domain::appointment::{Appointment, Citizen};
use crate::domain::rent::RentNotice;
use crate::domain::stock::{Dwelling, Placement, Round, Standing};
use crate::domain::time::{rome_date, to_rome};
use crate::domain::{Application, Call};

/// Who receives a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub fiscal_code: String,
    /// For the console only; IO knows the citizen by the fiscal code.
    pub name: String,
}

impl Recipient {
    /// A citizen known by fiscal code, with the name given when known.
    pub fn citizen(citizen: &Citizen) -> Recipient {
        Recipient {
            fiscal_code: citizen.fiscal_code.as_str().to_string(),
            name: citizen.name.clone(),
        }
    }

    /// The applicant of an application.
    pub fn applicant(application: &Application) -> Recipient {
        Recipient {
            fiscal_code: application.applicant_fiscal_code().to_string(),
            name: application.applicant_name(),
        }
    }
}

/// Values of the Comune, the call and the application; the caseworker adds the rest.
pub fn case_values(
    config: &ComuneConfig,
    call: Option<&Call>,
    application: Option<&Application>,
) -> Values {
    let mut values = config.values();
    if let Some(call) = call {
        values.insert("data_apertura", Value::Date(rome_date(call.opens_at)));
        values.insert("data_chiusura", Value::Date(call.closing_date()));
        if let Some(published_at) = call.published_at {
            values.insert("data_pubblicazione", Value::Date(rome_date(published_at)));
        }
    }
    if let Some(application) = application {
        let applicant = application.household.applicant();
        values.insert("nome", Value::Text(applicant.name.trim().to_string()));
        values.insert("cognome", Value::Text(applicant.surname.trim().to_string()));
        if let Some(protocol) = &application.protocol {
            values.insert("protocollo", Value::Text(protocol.to_string()));
        }
        if let Some(registered_at) = application.registered_at {
            values.insert("data_protocollo", Value::Date(rome_date(registered_at)));
        }
        if let Some(integration) = &application.integration {
            values.insert("scadenza_integrazione", Value::Date(integration.deadline));
            values.insert(
                "documenti_integrazione",
                Value::Text(document_titles(call, &integration.documents)),
            );
        }
        if let Some(notice) = &application.refusal_notice {
            let grounds = format!("{} ({})", notice.reason.label(), notice.note.trim());
            values.insert("motivo_rigetto", Value::Text(grounds));
            values.insert("scadenza_osservazioni", Value::Date(notice.deadline));
        }
        if let Some(fee) = &application.fee {
            values.insert("causale", Value::Text(fee.reason.clone()));
            values.insert("importo", Value::Amount(fee.amount));
            values.insert("scadenza", Value::Date(fee.due));
            values.insert("numero_avviso", Value::Notice(fee.notice.clone()));
        }
    }
    values
}

/// The documents named by their titles in the call, in the order requested; a code the call
/// does not know (the call read without its documents) is named as it is.
fn document_titles(call: Option<&Call>, codes: &[String]) -> String {
    codes
        .iter()
        .map(|code| {
            call.and_then(|c| c.documents.iter().find(|d| &d.code == code))
                .map_or(code.as_str(), |d| d.title.trim())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// What an assignment says: the round's dates (over the call's application window), the
/// dwelling's address and code, the decree's date.
pub fn assignment_values(
    round: Option<&Round>,
    placement: Option<&Placement>,
    dwelling: Option<&Dwelling>,
) -> Values {
    let mut values = Values::new();
    if let Some(round) = round {
        values.insert("data_apertura", Value::Date(round.opens_on));
        values.insert("data_chiusura", Value::Date(round.closes_on));
    }
    if let Some(dwelling) = dwelling {
        values.insert("indirizzo_alloggio", Value::Text(dwelling.address.clone()));
        let reference = match &dwelling.staircase {
            Some(staircase) => format!("{} (scala {staircase})", dwelling.code),
            None => dwelling.code.to_string(),
        };
        values.insert("riferimento_alloggio", Value::Text(reference));
    }
    if let Some(Standing::Assegnato { decree_on, .. }) = placement.map(|p| &p.standing) {
        values.insert("data_assegnazione", Value::Date(*decree_on));
    }
    values
}

/// What a rent notice says: its reason, amount, last day and number (the payment data).
pub fn rent_values(notice: &RentNotice) -> Values {
    let mut values = Values::new();
    values.insert("causale", Value::Text(notice.description.clone()));
    values.insert("importo", Value::Amount(notice.amount));
    values.insert("scadenza", Value::Date(notice.due));
    values.insert("numero_avviso", Value::Notice(notice.notice.clone()));
    values
}

/// What a booking says: its subject, number, place, day and time (Rome).
pub fn appointment_values(appointment: &Appointment) -> Values {
    let mut values = Values::new();
    let local = to_rome(appointment.slot.at);
    values.insert(
        "oggetto_appuntamento",
        Value::Text(appointment.subject.clone()),
    );
    values.insert(
        "numero_prenotazione",
        Value::Text(appointment.booking_number.clone()),
    );
    values.insert("data_appuntamento", Value::Date(local.date_naive()));
    values.insert("ora_appuntamento", Value::Time(local.time()));
    values.insert(
        "indirizzo_sportello",
        Value::Text(appointment.slot.place.clone()),
    );
    // The signature may be held elsewhere than at the counter: the place booked either way.
    values.insert("luogo_firma", Value::Text(appointment.slot.place.clone()));
    values
}
