//! Applies the stock's events to the snapshot.

use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::snapshot::Snapshot;
use crate::domain::stock::DwellingState;
use crate::domain::time::rome_date;
use crate::domain::workflows::misrouted_event;

pub(super) fn evolve(snapshot: &mut Snapshot, event: &Event) -> Result<(), DomainError> {
    match &event.kind {
        EventKind::DwellingAdded { dwelling } | EventKind::DwellingChanged { dwelling } => {
            snapshot
                .dwellings
                .insert(dwelling.code.clone(), (**dwelling).clone());
        }
        EventKind::DwellingStateChanged { code, from, to } => {
            let dwelling = snapshot.dwellings.get_mut(code).ok_or_else(|| {
                DomainError::Internal(format!("evento dell'alloggio {code} senza l'alloggio"))
            })?;
            // A dwelling left by its tenant is vacant from the day it is freed.
            if *from == DwellingState::Locato || dwelling.vacant_since.is_none() {
                dwelling.vacant_since = Some(rome_date(event.at));
            }
            dwelling.state = *to;
        }
        _ => return Err(misrouted_event(event)),
    }
    Ok(())
}
