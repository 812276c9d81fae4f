//! Applies the agenda's events to the snapshot.

use crate::domain::appointment::{Appointment, AppointmentId, AppointmentState};
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::snapshot::Snapshot;
use crate::domain::workflows::misrouted_event;

pub(super) fn evolve(snapshot: &mut Snapshot, event: &Event) -> Result<(), DomainError> {
    match &event.kind {
        EventKind::AppointmentBooked { appointment } => {
            snapshot.next_appointment_id = appointment.id.0.checked_add(1).ok_or_else(|| {
                DomainError::Internal("contatore degli appuntamenti al valore massimo".into())
            })?;
            snapshot.appointment = Some((**appointment).clone());
        }
        EventKind::AppointmentRescheduled { id, slot, .. } => {
            appointment_mut(snapshot, *id)?.slot = slot.clone();
        }
        EventKind::AppointmentCancelled { id, .. } => {
            appointment_mut(snapshot, *id)?.state = AppointmentState::Annullato {
                at: event.at,
                reason: event.reason.clone().unwrap_or_default(),
            };
        }
        _ => return Err(misrouted_event(event)),
    }
    Ok(())
}

fn appointment_mut(
    snapshot: &mut Snapshot,
    id: AppointmentId,
) -> Result<&mut Appointment, DomainError> {
    match &mut snapshot.appointment {
        Some(appointment) if appointment.id == id => Ok(appointment),
        _ => Err(DomainError::Internal(format!(
            "evento dell'appuntamento {id} senza l'appuntamento"
        ))),
    }
}
