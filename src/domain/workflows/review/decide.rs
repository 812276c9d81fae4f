//! Checks the review workflow's commands.

use crate::domain::application::{
    Application, DocumentStatus, ExclusionReason, IntegrationRequest, State,
};
use crate::domain::command::Command;
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::time::rome_date;
use crate::domain::workflows::{Given, known_document, non_empty};

pub(super) fn decide(given: &Given<'_>) -> Result<Vec<Event>, DomainError> {
    let ctx = given.ctx;
    Ok(match given.command {
        Command::StartReview { id } => {
            require_edge(
                given.application()?,
                State::Protocollata,
                State::InIstruttoria,
            )?;
            vec![given.event(EventKind::ReviewStarted { id: *id }, None)]
        }
        Command::RequestIntegration {
            id,
            documents,
            deadline,
        } => {
            let app = given.application()?;
            let call = given.call()?;
            app.state.transition(State::IntegrazioneRichiesta)?;
            if documents.is_empty() {
                return Err(DomainError::invalid(
                    "documenti",
                    "indicare almeno un documento da integrare",
                ));
            }
            for code in documents {
                known_document(call, code)?;
            }
            let today = rome_date(ctx.now);
            let deadline = deadline.unwrap_or_else(|| {
                today + chrono::Days::new(u64::from(call.params.integration_days))
            });
            if deadline < today {
                return Err(DomainError::invalid(
                    "scadenza",
                    "la scadenza non può essere nel passato",
                ));
            }
            vec![given.event(
                EventKind::IntegrationRequested {
                    id: *id,
                    request: IntegrationRequest {
                        documents: documents.clone(),
                        deadline,
                        requested_at: ctx.now,
                    },
                },
                None,
            )]
        }
        Command::ReceiveIntegration { id } => {
            let app = given.application()?;
            require_edge(app, State::IntegrazioneRichiesta, State::InIstruttoria)?;
            let documents = app
                .integration
                .as_ref()
                .map(|r| r.documents.clone())
                .unwrap_or_default();
            vec![given.event(EventKind::IntegrationReceived { id: *id, documents }, None)]
        }
        Command::RecordDocument { id, code, status } => {
            let app = given.application()?;
            known_document(given.call()?, code)?;
            editable(app, "registrare un documento")?;
            if let DocumentStatus::Respinto { note } = status
                && note.trim().is_empty()
            {
                return Err(DomainError::MissingReason);
            }
            vec![given.event(
                EventKind::DocumentRecorded {
                    id: *id,
                    code: code.clone(),
                    status: status.clone(),
                },
                None,
            )]
        }
        Command::Admit { id, note } => {
            let app = given.application()?;
            app.state.transition(State::Ammessa)?;
            let missing = app.missing_documents(given.call()?);
            if !missing.is_empty() {
                return Err(DomainError::invalid(
                    "documenti",
                    format!("non si può ammettere: mancano {}", missing.join(", ")),
                ));
            }
            vec![given.event(
                EventKind::Admitted { id: *id },
                non_empty(&Some(note.clone())),
            )]
        }
        Command::Exclude { id, reason, note } => {
            given.application()?.state.transition(State::Esclusa)?;
            let note = non_empty(&Some(note.clone()));
            if *reason == ExclusionReason::Altro && note.is_none() {
                return Err(DomainError::MissingReason);
            }
            vec![given.event(
                EventKind::Excluded {
                    id: *id,
                    reason: *reason,
                },
                note,
            )]
        }
        Command::Reinstate { id, reason } => {
            let app = given.application()?;
            require_edge(app, State::Esclusa, State::InIstruttoria)?;
            let reason = non_empty(&Some(reason.clone())).ok_or(DomainError::MissingReason)?;
            vec![given.event(EventKind::Reinstated { id: *id }, Some(reason))]
        }
        Command::UpdateContact { id, contact } => {
            given.application()?;
            let contact = contact.clone().normalized()?;
            vec![given.event(EventKind::ContactUpdated { id: *id, contact }, None)]
        }
        Command::AddMember { id, member } => {
            let app = given.application()?;
            editable(app, "modificare il nucleo")?;
            app.household.with_member((**member).clone())?;
            vec![given.event(
                EventKind::MemberAdded {
                    id: *id,
                    member: member.clone(),
                },
                None,
            )]
        }
        Command::RemoveMember {
            id,
            fiscal_code,
            reason,
        } => {
            let app = given.application()?;
            editable(app, "modificare il nucleo")?;
            let reason = non_empty(&Some(reason.clone())).ok_or(DomainError::MissingReason)?;
            app.household.without_member(fiscal_code)?;
            vec![given.event(
                EventKind::MemberRemoved {
                    id: *id,
                    fiscal_code: fiscal_code.clone(),
                },
                Some(reason),
            )]
        }
        Command::Verify {
            id,
            item,
            verified,
            note,
        } => {
            let app = given.application()?;
            if app.state == State::Esclusa {
                return Err(DomainError::NotAllowedInState {
                    state: app.state,
                    action: "verificare i requisiti",
                });
            }
            if !app.check_items().contains(item) {
                return Err(DomainError::invalid(
                    "voce",
                    format!(
                        "«{}» non è stata dichiarata in questa domanda",
                        item.label()
                    ),
                ));
            }
            let note = non_empty(&Some(note.clone()));
            if !verified && note.is_none() {
                return Err(DomainError::MissingReason);
            }
            vec![given.event(
                EventKind::ItemVerified {
                    id: *id,
                    item: *item,
                    verified: *verified,
                },
                note,
            )]
        }
        _ => return Err(given.misrouted()),
    })
}

/// Several commands lead to the same state; each may only take its own edge.
fn require_edge(app: &Application, from: State, to: State) -> Result<(), DomainError> {
    if app.state == from && from.can_become(to) {
        Ok(())
    } else {
        Err(DomainError::IllegalTransition {
            from: app.state,
            to,
        })
    }
}

/// Household and documents change only while the application is open.
fn editable(app: &Application, action: &'static str) -> Result<(), DomainError> {
    match app.state {
        State::Ammessa | State::Esclusa => Err(DomainError::NotAllowedInState {
            state: app.state,
            action,
        }),
        _ => Ok(()),
    }
}
