//! Applies the calls workflow's events to the snapshot.

use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::fiscal_code::PersonFiscalCode;
use crate::domain::interested::Interested;
use crate::domain::snapshot::Snapshot;
use crate::domain::workflows::misrouted_event;

pub(super) fn evolve(snapshot: &mut Snapshot, event: &Event) -> Result<(), DomainError> {
    match &event.kind {
        EventKind::CallSaved { call } => snapshot.call = Some((**call).clone()),
        EventKind::CallActivated { code } => snapshot.active_call = Some(code.clone()),
        EventKind::CallPublished { .. } => {
            let call = snapshot
                .call
                .as_mut()
                .ok_or_else(|| DomainError::Internal("bando pubblicato senza bando".into()))?;
            call.published_at = Some(event.at);
        }
        EventKind::InterestedAdded { fiscal_codes, .. } => {
            for code in fiscal_codes {
                let fiscal_code = PersonFiscalCode::parse(code)?;
                snapshot.interested.insert(
                    code.clone(),
                    Interested {
                        fiscal_code,
                        added_at: event.at,
                        added_by: event.actor.clone(),
                    },
                );
            }
        }
        EventKind::InterestedRemoved { fiscal_code, .. } => {
            snapshot.interested.remove(fiscal_code);
        }
        _ => return Err(misrouted_event(event)),
    }
    Ok(())
}
