//! Applies the fees workflow's events to the application in the snapshot.

use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::fee::Payment;
use crate::domain::snapshot::Snapshot;
use crate::domain::workflows::{application_mut, misrouted_event};

pub(super) fn evolve(snapshot: &mut Snapshot, event: &Event) -> Result<(), DomainError> {
    let app = application_mut(snapshot, event)?;
    match &event.kind {
        EventKind::FeeIssued { fee, .. } => app.fee = Some((**fee).clone()),
        EventKind::FeePaid { paid_on, .. } => {
            let fee = app
                .fee
                .as_mut()
                .ok_or_else(|| DomainError::Internal("pagamento senza avviso".into()))?;
            fee.payment = Some(Payment {
                paid_on: *paid_on,
                recorded_at: event.at,
                recorded_by: event.actor.clone(),
            });
        }
        EventKind::FeeReminded { .. } => {
            let fee = app
                .fee
                .as_mut()
                .ok_or_else(|| DomainError::Internal("promemoria senza avviso".into()))?;
            fee.reminders.push(event.at);
        }
        _ => return Err(misrouted_event(event)),
    }
    Ok(())
}
