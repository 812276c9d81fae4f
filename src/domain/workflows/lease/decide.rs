//! Checks the lease's commands.

use chrono::NaiveDate;

use crate::domain::appointment::{Appointment, AppointmentId, AppointmentState, validate_text};
use crate::domain::command::Command;
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::lease::{
    Assigned, Lease, LeaseNumber, SIGNING_SUBJECT, Tenant, deposit, lease_follows,
};
use crate::domain::stock::{DwellingCode, DwellingState};
use crate::domain::time::{format_date, rome_date};
use crate::domain::workflows::agenda::bookable;
use crate::domain::workflows::{Given, non_empty};

pub(super) fn decide(given: &Given<'_>) -> Result<Vec<Event>, DomainError> {
    let today = rome_date(given.ctx.now);
    Ok(match given.command {
        Command::ContractReady { id } => {
            let assigned = assigned(given)?;
            in_term(&assigned, today)?;
            vec![given.event(
                EventKind::ContractReadied {
                    id: *id,
                    dwelling: assigned.dwelling.clone(),
                    on: today,
                },
                None,
            )]
        }
        Command::BookSigning { id, slot } => {
            let assigned = assigned(given)?;
            in_term(&assigned, today)?;
            let slot = bookable(given, slot)?;
            if rome_date(slot.at) > assigned.occupy_by {
                return Err(DomainError::invalid(
                    "quando",
                    format!(
                        "oltre il termine per firmare e occupare l'alloggio, il {}",
                        format_date(assigned.occupy_by)
                    ),
                ));
            }
            if given.snapshot.next_appointment_id == 0 {
                return Err(DomainError::Internal(
                    "contatore degli appuntamenti a zero".into(),
                ));
            }
            let app = given.application()?;
            let number = AppointmentId(given.snapshot.next_appointment_id);
            let appointment = Appointment {
                id: number,
                call: assigned.call.to_string(),
                citizen: crate::domain::appointment::Citizen {
                    fiscal_code: app.household.applicant().fiscal_code.clone(),
                    name: app.applicant_name(),
                },
                application: Some(*id),
                subject: SIGNING_SUBJECT.to_string(),
                booking_number: Appointment::booking_number(number, given.ctx.now),
                slot,
                state: AppointmentState::Prenotato,
                booked_at: given.ctx.now,
                booked_by: given.ctx.actor.clone(),
            };
            vec![given.event(
                EventKind::SigningBooked {
                    id: *id,
                    dwelling: assigned.dwelling.clone(),
                    appointment: Box::new(appointment),
                },
                None,
            )]
        }
        Command::SignLease { id, lease } => {
            let assigned = assigned(given)?;
            let number = LeaseNumber::parse(&lease.number)?;
            if lease.signed_on > today {
                return Err(DomainError::invalid(
                    "data",
                    "la firma non può essere in un giorno futuro",
                ));
            }
            if lease.signed_on < assigned.decree_on {
                return Err(DomainError::invalid(
                    "data",
                    format!(
                        "prima del provvedimento di assegnazione del {}",
                        format_date(assigned.decree_on)
                    ),
                ));
            }
            in_term(&assigned, lease.signed_on)?;
            let starts_on = lease.starts_on.unwrap_or(lease.signed_on);
            if starts_on < assigned.decree_on {
                return Err(DomainError::invalid(
                    "decorrenza",
                    format!(
                        "prima del provvedimento di assegnazione del {}",
                        format_date(assigned.decree_on)
                    ),
                ));
            }
            let terms = lease.terms.validate()?;
            if lease.rent.monthly.is_zero() {
                return Err(DomainError::invalid("canone", "canone mensile a zero"));
            }
            let version = validate_text("tabella dei canoni", &lease.rent.version, 60)?;
            let deposit = deposit(lease.rent.monthly, terms.deposit_months)
                .ok_or_else(|| DomainError::invalid("deposito", "importo troppo grande"))?;
            let signatory = match non_empty(&lease.signatory) {
                Some(name) => validate_text("firmatario", &name, 120)?,
                None => given.ctx.actor.clone(),
            };
            let app = given.application()?;
            held(given, assigned.dwelling)?;
            vec![given.event(
                EventKind::LeaseSigned {
                    id: *id,
                    lease: Box::new(Lease {
                        number,
                        application: *id,
                        dwelling: assigned.dwelling.clone(),
                        tenant: Tenant {
                            name: app.applicant_name(),
                            fiscal_code: app.applicant_fiscal_code().to_string(),
                        },
                        household_size: app.household.members().len(),
                        signed_on: lease.signed_on,
                        starts_on,
                        terms,
                        rent: crate::domain::lease::RentFigures {
                            version,
                            ..lease.rent.clone()
                        },
                        deposit,
                        signatory,
                        history: Vec::new(),
                        isee: None,
                    }),
                },
                None,
            )]
        }
        Command::RecordTenantIsee { .. } | Command::ChangeRent { .. } => {
            return super::rent::decide(given);
        }
        _ => return Err(given.misrouted()),
    })
}

/// The application's assignment by decree, with no lease signed yet.
fn assigned<'a>(given: &Given<'a>) -> Result<Assigned<'a>, DomainError> {
    let app = given.application()?;
    let protocol = app
        .protocol
        .as_ref()
        .map_or_else(|| app.id.to_string(), ToString::to_string);
    lease_follows(
        &protocol,
        given.snapshot.placement.as_ref(),
        given.snapshot.contract.as_ref(),
        rome_date(given.ctx.now),
    )
}

/// `day` within the term to sign and occupy; past it the decadenza is to decide.
fn in_term(assigned: &Assigned<'_>, day: NaiveDate) -> Result<(), DomainError> {
    if day > assigned.occupy_by {
        return Err(DomainError::invalid(
            "contratto",
            format!(
                "il termine per firmare il contratto e occupare l'alloggio è scaduto il {}: va \
                 decisa la decadenza (alloggi assignment exclude --causa mancata-occupazione)",
                format_date(assigned.occupy_by)
            ),
        ));
    }
    Ok(())
}

/// The dwelling the decree let, in the state the decree gave it.
fn held(given: &Given<'_>, code: &DwellingCode) -> Result<(), DomainError> {
    match given.snapshot.dwellings.get(code) {
        Some(dwelling) if dwelling.state == DwellingState::Locato => Ok(()),
        Some(dwelling) => Err(DomainError::Internal(format!(
            "l'alloggio {code} risulta {} ma è assegnato con provvedimento: eseguire alloggi check",
            dwelling.state.label()
        ))),
        None => Err(DomainError::invalid(
            "alloggio",
            format!("{code} non è nell'elenco degli alloggi"),
        )),
    }
}
