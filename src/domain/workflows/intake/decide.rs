//! Checks the intake workflow's commands.

use std::collections::BTreeMap;

use chrono::Datelike;

use super::NewApplication;
use crate::domain::application::{Application, ApplicationId, DocumentStatus, Protocol, State};
use crate::domain::call::Call;
use crate::domain::command::Command;
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::time::rome_date;
use crate::domain::workflows::{Given, known_document, non_empty};

pub(super) fn decide(given: &Given<'_>) -> Result<Vec<Event>, DomainError> {
    let snapshot = given.snapshot;
    Ok(match given.command {
        Command::ReceiveApplication(new) => {
            let call = given.call()?;
            vec![given.event(
                EventKind::ApplicationReceived {
                    application: Box::new(receive(given, call, new)?),
                },
                None,
            )]
        }
        Command::RegisterApplication {
            id,
            override_reason,
        } => {
            let app = given.application()?;
            app.state.transition(State::Protocollata)?;
            let reason = non_empty(override_reason);
            if app.late && reason.is_none() {
                return Err(DomainError::OutsideWindowNeedsOverride);
            }
            if snapshot.next_protocol_number == 0 {
                return Err(DomainError::Internal(
                    "contatore di protocollo a zero".into(),
                ));
            }
            let year = rome_date(given.ctx.now).year();
            let number = snapshot.next_protocol_number;
            let text = match &snapshot.call {
                Some(call) => call.params.protocol_pattern.render(year, number),
                None => Protocol::new(year, number).text,
            };
            let protocol = Protocol { year, number, text };
            vec![given.event(
                EventKind::ApplicationRegistered {
                    id: *id,
                    protocol,
                    late_override: app.late,
                },
                reason,
            )]
        }
        _ => return Err(given.misrouted()),
    })
}

fn receive(
    given: &Given<'_>,
    call: &Call,
    new: &NewApplication,
) -> Result<Application, DomainError> {
    let snapshot = given.snapshot;
    let external_id = non_empty(&new.external_id);
    if let Some(external) = &external_id {
        crate::domain::limits::check_line(
            "id_domanda",
            external,
            crate::domain::limits::EXTERNAL_ID,
        )?;
    }
    if let Some(external) = &external_id
        && snapshot.external_id_taken
    {
        return Err(DomainError::DuplicateExternalId(external.clone()));
    }
    if new.received_at > given.ctx.now {
        return Err(DomainError::invalid(
            "data_invio",
            "la data di ricezione è nel futuro",
        ));
    }
    if snapshot.next_application_id == 0 {
        return Err(DomainError::Internal(
            "contatore delle domande a zero".into(),
        ));
    }
    new.declaration.validate(new.household.len())?;
    let contact = new.contact.clone().normalized()?;
    let mut documents = BTreeMap::new();
    for code in &new.documents {
        known_document(call, code)?;
        documents.insert(
            code.clone(),
            DocumentStatus::Ricevuto {
                at: new.received_at,
            },
        );
    }
    Ok(Application {
        id: ApplicationId(snapshot.next_application_id),
        call: call.code.clone(),
        external_id,
        channel: new.channel,
        received_at: new.received_at,
        state: State::Ricevuta,
        protocol: None,
        registered_at: None,
        late: !call.is_within_window(new.received_at),
        household: new.household.clone(),
        contact,
        declaration: new.declaration.clone(),
        documents,
        integration: None,
        decision: None,
        verifications: BTreeMap::new(),
        fee: None,
        score_overrides: BTreeMap::new(),
        objections: Vec::new(),
        conditions_recognised: Default::default(),
        refusal_notice: None,
    })
}
