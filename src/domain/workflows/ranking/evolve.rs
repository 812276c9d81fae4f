//! Applies the ranking workflow's events to the snapshot.

use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::objection::{Objection, ObjectionDecision, apply_adjustment};
use crate::domain::snapshot::Snapshot;
use crate::domain::workflows::{application_mut, misrouted_event};

pub(super) fn evolve(snapshot: &mut Snapshot, event: &Event) -> Result<(), DomainError> {
    match &event.kind {
        EventKind::RulesetSaved { ruleset, .. } => {
            snapshot.ruleset = Some((**ruleset).clone());
        }
        // The published rows live beside the audit, written by the store's publication.
        EventKind::RankingPublished { .. } | EventKind::LotsDrawn { .. } => {}
        EventKind::ScoreAdjusted { adjustment, .. } => apply_adjustment(
            application_mut(snapshot, event)?,
            adjustment,
            event.reason.clone().unwrap_or_default(),
            &event.actor,
            event.at,
        ),
        EventKind::ObjectionFiled {
            version,
            received_on,
            ..
        } => application_mut(snapshot, event)?
            .objections
            .push(Objection {
                version: *version,
                received_on: *received_on,
                text: event.reason.clone().unwrap_or_default(),
                recorded_by: event.actor.clone(),
                recorded_at: event.at,
                decision: None,
            }),
        EventKind::ObjectionDecided {
            index, accepted, ..
        } => {
            let objection = application_mut(snapshot, event)?
                .objections
                .get_mut(*index)
                .ok_or_else(|| DomainError::Internal("decisione senza opposizione".into()))?;
            objection.decision = Some(ObjectionDecision {
                accepted: *accepted,
                reason: event.reason.clone().unwrap_or_default(),
                by: event.actor.clone(),
                at: event.at,
            });
        }
        _ => return Err(misrouted_event(event)),
    }
    Ok(())
}
