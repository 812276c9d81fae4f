//! Applies the review workflow's events to the application in the snapshot.

use crate::domain::application::{Decision, DocumentStatus, Observations, RefusalNotice, State};
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::snapshot::Snapshot;
use crate::domain::verification::Verification;
use crate::domain::workflows::{application_mut, misrouted_event};

pub(super) fn evolve(snapshot: &mut Snapshot, event: &Event) -> Result<(), DomainError> {
    let app = application_mut(snapshot, event)?;
    match &event.kind {
        EventKind::ReviewStarted { .. } => {
            app.state = app.state.transition(State::InIstruttoria)?
        }
        EventKind::IntegrationRequested { request, .. } => {
            app.state = app.state.transition(State::IntegrazioneRichiesta)?;
            for code in &request.documents {
                app.documents.insert(code.clone(), DocumentStatus::Mancante);
            }
            app.integration = Some(request.clone());
        }
        EventKind::IntegrationReceived { documents, .. } => {
            app.state = app.state.transition(State::InIstruttoria)?;
            for code in documents {
                app.documents
                    .insert(code.clone(), DocumentStatus::Ricevuto { at: event.at });
            }
            app.integration = None;
        }
        EventKind::DocumentRecorded { code, status, .. } => {
            app.documents.insert(code.clone(), status.clone());
        }
        EventKind::Admitted { .. } => {
            app.state = app.state.transition(State::Ammessa)?;
            app.decision = Some(Decision {
                admitted: true,
                reason: None,
                note: event.reason.clone().unwrap_or_default(),
                at: event.at,
                by: event.actor.clone(),
            });
        }
        EventKind::Excluded { reason, .. } => {
            app.state = app.state.transition(State::Esclusa)?;
            app.integration = None;
            app.decision = Some(Decision {
                admitted: false,
                reason: Some(*reason),
                note: event.reason.clone().unwrap_or_default(),
                at: event.at,
                by: event.actor.clone(),
            });
        }
        EventKind::RefusalNoticeSent {
            reason, deadline, ..
        } => {
            app.refusal_notice = Some(RefusalNotice {
                reason: *reason,
                note: event.reason.clone().unwrap_or_default(),
                sent_at: event.at,
                deadline: *deadline,
                observations: None,
            });
        }
        EventKind::ObservationsReceived {
            received_on, text, ..
        } => {
            let notice = app.refusal_notice.as_mut().ok_or_else(|| {
                DomainError::Internal("osservazioni senza preavviso aperto".into())
            })?;
            notice.observations = Some(Observations {
                received_on: *received_on,
                text: text.clone(),
            });
        }
        EventKind::ExclusionConfirmed { reason, .. } => {
            app.state = app.state.transition(State::Esclusa)?;
            app.integration = None;
            app.refusal_notice = None;
            app.decision = Some(Decision {
                admitted: false,
                reason: Some(*reason),
                note: event.reason.clone().unwrap_or_default(),
                at: event.at,
                by: event.actor.clone(),
            });
        }
        EventKind::RefusalNoticeWithdrawn { .. } => app.refusal_notice = None,
        EventKind::AdmissionRevoked { .. } => {
            app.state = app.state.transition(State::InIstruttoria)?;
            app.decision = None;
        }
        EventKind::Reinstated { .. } => {
            app.state = app.state.transition(State::InIstruttoria)?;
            app.decision = None;
        }
        EventKind::ContactUpdated { contact, .. } => app.contact = contact.clone(),
        EventKind::MemberAdded { member, .. } => {
            app.household = app.household.with_member((**member).clone())?;
        }
        EventKind::MemberRemoved { fiscal_code, .. } => {
            app.household = app.household.without_member(fiscal_code)?;
        }
        EventKind::ItemVerified { item, verified, .. } => {
            app.verifications.insert(
                *item,
                Verification {
                    verified: *verified,
                    note: event.reason.clone().unwrap_or_default(),
                    by: event.actor.clone(),
                    at: event.at,
                },
            );
        }
        _ => return Err(misrouted_event(event)),
    }
    Ok(())
}
