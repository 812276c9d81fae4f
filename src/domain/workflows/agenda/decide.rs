//! Checks the agenda's commands.

use crate::domain::appointment::{
    Appointment, AppointmentId, AppointmentState, Citizen, Slot, validate_text,
};
use crate::domain::command::Command;
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::snapshot::Snapshot;
use crate::domain::time::{format_ts_date, format_ts_time};
use crate::domain::workflows::{Given, non_empty};

pub(super) fn decide(given: &Given<'_>) -> Result<Vec<Event>, DomainError> {
    let snapshot = given.snapshot;
    let ctx = given.ctx;
    Ok(match given.command {
        Command::BookAppointment(new) => {
            let call = given.call()?;
            if new.application.is_some() {
                given.application()?;
            }
            let subject = validate_text("oggetto", &new.subject, 120)?;
            let slot = bookable(given, &new.slot)?;
            if snapshot.next_appointment_id == 0 {
                return Err(DomainError::Internal(
                    "contatore degli appuntamenti a zero".into(),
                ));
            }
            let id = AppointmentId(snapshot.next_appointment_id);
            vec![given.event(
                EventKind::AppointmentBooked {
                    appointment: Box::new(Appointment {
                        id,
                        call: call.code.clone(),
                        citizen: Citizen {
                            fiscal_code: new.citizen.fiscal_code.clone(),
                            name: new.citizen.name.trim().to_string(),
                        },
                        application: new.application,
                        subject,
                        booking_number: Appointment::booking_number(id, ctx.now),
                        slot,
                        state: AppointmentState::Prenotato,
                        booked_at: ctx.now,
                        booked_by: ctx.actor.clone(),
                    }),
                },
                None,
            )]
        }
        Command::RescheduleAppointment { id, slot } => {
            let appointment = active_appointment(snapshot, *id)?;
            let slot = bookable(given, slot)?;
            if slot == appointment.slot {
                return Err(DomainError::invalid(
                    "quando",
                    "è già fissato a quell'ora in quel luogo",
                ));
            }
            vec![given.event(
                EventKind::AppointmentRescheduled {
                    id: *id,
                    slot,
                    application: appointment.application,
                },
                None,
            )]
        }
        Command::CancelAppointment { id, reason } => {
            let appointment = active_appointment(snapshot, *id)?;
            let reason = non_empty(&Some(reason.clone())).ok_or(DomainError::MissingReason)?;
            vec![given.event(
                EventKind::AppointmentCancelled {
                    id: *id,
                    application: appointment.application,
                },
                Some(reason),
            )]
        }
        _ => return Err(given.misrouted()),
    })
}

fn active_appointment(snapshot: &Snapshot, id: AppointmentId) -> Result<&Appointment, DomainError> {
    match &snapshot.appointment {
        Some(appointment) if appointment.id == id && appointment.is_active() => Ok(appointment),
        Some(appointment) if appointment.id == id => Err(DomainError::invalid(
            "appuntamento",
            format!("{id} è già annullato"),
        )),
        _ => Err(DomainError::invalid(
            "appuntamento",
            format!("{id} inesistente"),
        )),
    }
}

/// A slot a citizen can be given: in the future, at a named place, not already held.
pub(crate) fn bookable(given: &Given<'_>, slot: &Slot) -> Result<Slot, DomainError> {
    let place = validate_text("luogo", &slot.place, 120)?;
    if slot.at <= given.ctx.now {
        return Err(DomainError::invalid(
            "quando",
            "l'appuntamento deve essere nel futuro",
        ));
    }
    if let Some(other) = given.snapshot.slot_taken {
        return Err(DomainError::invalid(
            "quando",
            format!(
                "{place} è già occupato il {} alle {} (appuntamento {other})",
                format_ts_date(slot.at),
                format_ts_time(slot.at)
            ),
        ));
    }
    Ok(Slot { at: slot.at, place })
}
