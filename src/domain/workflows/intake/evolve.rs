//! Applies the intake workflow's events to the snapshot.

use crate::domain::application::State;
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::snapshot::Snapshot;
use crate::domain::workflows::{application_mut, misrouted_event};

pub(super) fn evolve(snapshot: &mut Snapshot, event: &Event) -> Result<(), DomainError> {
    match &event.kind {
        EventKind::ApplicationReceived { application } => {
            snapshot.application = Some((**application).clone());
            snapshot.next_application_id = application.id.0.checked_add(1).ok_or_else(|| {
                DomainError::Internal("contatore delle domande al valore massimo".into())
            })?;
        }
        EventKind::ApplicationRegistered { protocol, .. } => {
            let app = application_mut(snapshot, event)?;
            app.state = app.state.transition(State::Protocollata)?;
            app.protocol = Some(protocol.clone());
            app.registered_at = Some(event.at);
            snapshot.next_protocol_number = protocol.number.checked_add(1).ok_or_else(|| {
                DomainError::Internal("contatore di protocollo al valore massimo".into())
            })?;
        }
        _ => return Err(misrouted_event(event)),
    }
    Ok(())
}
