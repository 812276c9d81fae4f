//! Applies the lease's events to the snapshot.

use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::lease::{ContractFile, Lease};
use crate::domain::snapshot::Snapshot;
use crate::domain::stock::DwellingCode;
use crate::domain::workflows::misrouted_event;
use crate::domain::ApplicationId;

pub(super) fn evolve(snapshot: &mut Snapshot, event: &Event) -> Result<(), DomainError> {
    match &event.kind {
        EventKind::ContractReadied { id, dwelling, on } => {
            file_mut(snapshot, *id, dwelling)?.ready_on = Some(*on);
        }
        EventKind::SigningBooked {
            id,
            dwelling,
            appointment,
        } => {
            snapshot.next_appointment_id = appointment.id.0.checked_add(1).ok_or_else(|| {
                DomainError::Internal("contatore degli appuntamenti al valore massimo".into())
            })?;
            snapshot.appointment = Some((**appointment).clone());
            file_mut(snapshot, *id, dwelling)?.signing = Some(appointment.id);
        }
        EventKind::LeaseSigned { id, lease } => {
            file_mut(snapshot, *id, &lease.dwelling)?.lease = Some((**lease).clone());
        }
        EventKind::TenantIseeRecorded { id, isee } => {
            signed_mut(snapshot, *id)?.isee = Some(isee.clone());
        }
        EventKind::RentChanged { id, change } => {
            signed_mut(snapshot, *id)?.history.push((**change).clone());
        }
        _ => return Err(misrouted_event(event)),
    }
    Ok(())
}

/// The application's contract file, opened by its first event.
fn file_mut<'s>(
    snapshot: &'s mut Snapshot,
    id: ApplicationId,
    dwelling: &DwellingCode,
) -> Result<&'s mut ContractFile, DomainError> {
    let file = snapshot
        .contract
        .get_or_insert_with(|| ContractFile::new(id, dwelling.clone()));
    if file.application != id || file.dwelling != *dwelling {
        return Err(DomainError::Internal(format!(
            "contratto della domanda {id} per l'alloggio {dwelling}, ma la pratica è della \
             domanda {} per l'alloggio {}",
            file.application, file.dwelling
        )));
    }
    Ok(file)
}

/// The application's signed lease, which the ISEE and the rent's changes follow.
fn signed_mut(snapshot: &mut Snapshot, id: ApplicationId) -> Result<&mut Lease, DomainError> {
    snapshot
        .contract
        .as_mut()
        .filter(|file| file.application == id)
        .and_then(|file| file.lease.as_mut())
        .ok_or_else(|| DomainError::Internal(format!("nessun contratto firmato per la domanda {id}")))
}
