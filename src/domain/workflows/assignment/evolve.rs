//! Applies the round's events to the snapshot.

use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::snapshot::Snapshot;
use crate::domain::stock::{Dwelling, DwellingCode, DwellingState, Placement, Refusal, Standing};
use crate::domain::time::rome_date;
use crate::domain::workflows::misrouted_event;

pub(super) fn evolve(snapshot: &mut Snapshot, event: &Event) -> Result<(), DomainError> {
    let today = rome_date(event.at);
    match &event.kind {
        // The places are built from the applications, which the store and the audit's replay
        // hold: `Placement::first`.
        EventKind::AssignmentOpened { round, .. } => {
            snapshot.round = Some((**round).clone());
        }
        EventKind::RequirementsConfirmed { .. } => {
            placement_mut(snapshot, event)?.rechecked_on = Some(today);
        }
        EventKind::OfferMade { offer, .. } => {
            placement_mut(snapshot, event)?.standing = Standing::Proposta {
                offer: offer.clone(),
            };
            dwelling_mut(snapshot, &offer.dwelling)?.state = DwellingState::Proposto;
        }
        EventKind::OfferAccepted { .. } => {
            let placement = placement_mut(snapshot, event)?;
            let offer = placement.offer().cloned().ok_or_else(|| no_offer(event))?;
            placement.standing = Standing::Accettato { offer, on: today };
        }
        EventKind::OfferRefused {
            dwelling,
            justified,
            ..
        } => {
            let placement = placement_mut(snapshot, event)?;
            placement.refusals.push(Refusal {
                dwelling: dwelling.clone(),
                on: today,
                justified: *justified,
            });
            placement.standing = if *justified {
                Standing::InAttesa
            } else {
                Standing::Escluso {
                    cause: crate::domain::stock::ExclusionCause::RifiutoIngiustificato,
                    on: today,
                }
            };
            free(dwelling_mut(snapshot, dwelling)?, today);
        }
        EventKind::CandidateWarned { deadline, .. } => {
            let placement = placement_mut(snapshot, event)?;
            let offer = placement.offer().cloned().ok_or_else(|| no_offer(event))?;
            placement.standing = Standing::Diffidato {
                offer,
                deadline: *deadline,
            };
        }
        EventKind::CandidateExcluded { cause, freed, .. } => {
            placement_mut(snapshot, event)?.standing = Standing::Escluso {
                cause: *cause,
                on: today,
            };
            if let Some(code) = freed {
                free(dwelling_mut(snapshot, code)?, today);
            }
        }
        EventKind::AssignmentDecreed {
            dwelling,
            decree_on,
            occupy_by,
            ..
        } => {
            placement_mut(snapshot, event)?.standing = Standing::Assegnato {
                dwelling: dwelling.clone(),
                decree_on: *decree_on,
                occupy_by: *occupy_by,
            };
            let dwelling = dwelling_mut(snapshot, dwelling)?;
            dwelling.state = DwellingState::Locato;
            dwelling.vacant_since = None;
        }
        _ => return Err(misrouted_event(event)),
    }
    Ok(())
}

/// Free again; a dwelling that had been let is vacant from today.
fn free(dwelling: &mut Dwelling, today: chrono::NaiveDate) {
    if dwelling.state == DwellingState::Locato || dwelling.vacant_since.is_none() {
        dwelling.vacant_since = Some(today);
    }
    dwelling.state = DwellingState::Libero;
}

fn no_offer(event: &Event) -> DomainError {
    DomainError::Internal(format!("evento {} senza proposta aperta", event.kind_name()))
}

fn placement_mut<'s>(
    snapshot: &'s mut Snapshot,
    event: &Event,
) -> Result<&'s mut Placement, DomainError> {
    match (&mut snapshot.placement, event.application_id()) {
        (Some(placement), Some(id)) if placement.application == id => Ok(placement),
        _ => Err(DomainError::Internal(format!(
            "evento {} senza il richiedente nell'assegnazione",
            event.kind_name()
        ))),
    }
}

fn dwelling_mut<'s>(
    snapshot: &'s mut Snapshot,
    code: &DwellingCode,
) -> Result<&'s mut Dwelling, DomainError> {
    snapshot
        .dwellings
        .get_mut(code)
        .ok_or_else(|| DomainError::Internal(format!("evento dell'alloggio {code} senza l'alloggio")))
}
