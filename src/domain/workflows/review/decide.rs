//! Checks the review workflow's commands.

use crate::domain::application::{
    Application, DocumentStatus, ExclusionReason, IntegrationRequest, RefusalNotice, State,
};
use crate::domain::ApplicationId;
use crate::domain::time::format_date;
use crate::domain::call::Call;
use crate::domain::ranking::RankingKind;
use crate::domain::verification::{CheckItem, Requirement};
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
        Command::ReceiveIntegration { id, documents } => {
            let app = given.application()?;
            require_edge(app, State::IntegrazioneRichiesta, State::InIstruttoria)?;
            let requested = app
                .integration
                .as_ref()
                .map(|r| r.documents.clone())
                .unwrap_or_default();
            let documents = match documents {
                None => requested,
                Some(received) => received_of(received, &requested)?,
            };
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
        Command::Admit { id, note, waiver } => {
            let app = given.application()?;
            app.state.transition(State::Ammessa)?;
            no_open_notice(app, "ammettere")?;
            let unverified = unverified_requirements(app);
            let waiver = non_empty(waiver);
            if !unverified.is_empty() && waiver.is_none() {
                return Err(DomainError::invalid(
                    "requisiti",
                    format!(
                        "non si può ammettere: requisiti non verificati: {}; verificarli prima, o ammettere in deroga con il motivo",
                        unverified.join(", ")
                    ),
                ));
            }
            let missing = app.missing_documents(given.call()?);
            if !missing.is_empty() {
                return Err(DomainError::invalid(
                    "documenti",
                    format!("non si può ammettere: mancano {}", missing.join(", ")),
                ));
            }
            vec![given.event(
                EventKind::Admitted {
                    id: *id,
                    waiver: waiver.filter(|_| !unverified.is_empty()),
                    unverified: unverified.into_iter().map(String::from).collect(),
                },
                non_empty(&Some(note.clone())),
            )]
        }
        Command::Exclude { id, reason, note } => {
            let app = given.application()?;
            app.state.transition(State::Esclusa)?;
            no_open_notice(app, "escludere direttamente")?;
            if app.state == State::InIstruttoria && given.call()?.params.refusal_notice {
                // Short enough for a form's error line at 80 columns.
                return Err(DomainError::invalid(
                    "esclusione",
                    "serve prima il preavviso di rigetto (art. 10-bis)",
                ));
            }
            let note = non_empty(&Some(note.clone()));
            if *reason == ExclusionReason::Altro && note.is_none() {
                return Err(DomainError::MissingReason);
            }
            if note.is_none()
                && let Some(contradiction) = exclusion_contradiction(app, given.call()?, *reason)
            {
                return Err(DomainError::invalid(
                    "nota",
                    format!(
                        "la causa «{}» contrasta con i dati: {contradiction}; per escludere comunque scrivere nella nota perché",
                        reason.label()
                    ),
                ));
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
        Command::NotifyRefusalGrounds { id, reason, note } => {
            let app = given.application()?;
            let call = given.call()?;
            if !call.params.refusal_notice {
                return Err(DomainError::invalid(
                    "preavviso",
                    format!(
                        "il bando {} non prevede il preavviso di rigetto: escludere direttamente",
                        call.code
                    ),
                ));
            }
            if app.state != State::InIstruttoria {
                return Err(DomainError::NotAllowedInState {
                    state: app.state,
                    action: "comunicare i motivi ostativi",
                });
            }
            no_open_notice(app, "comunicare di nuovo i motivi ostativi")?;
            let note = non_empty(&Some(note.clone())).ok_or(DomainError::MissingReason)?;
            let deadline = rome_date(ctx.now)
                + chrono::Days::new(u64::from(call.params.refusal_notice_days));
            vec![given.event(
                EventKind::RefusalNoticeSent {
                    id: *id,
                    reason: *reason,
                    deadline,
                },
                Some(note),
            )]
        }
        Command::RecordObservations {
            id,
            received_on,
            text,
        } => {
            let notice = open_notice(given.application()?)?;
            if notice.observations.is_some() {
                return Err(DomainError::invalid(
                    "osservazioni",
                    "le osservazioni sono già registrate",
                ));
            }
            if *received_on > rome_date(ctx.now) {
                return Err(DomainError::invalid(
                    "data",
                    "la data di ricezione non può essere nel futuro",
                ));
            }
            if *received_on < rome_date(notice.sent_at) {
                return Err(DomainError::invalid(
                    "data",
                    "la data di ricezione precede il preavviso",
                ));
            }
            let text = non_empty(&Some(text.clone())).ok_or_else(|| {
                DomainError::invalid("testo", "riassumere le osservazioni ricevute")
            })?;
            vec![given.event(
                EventKind::ObservationsReceived {
                    id: *id,
                    received_on: *received_on,
                    text,
                },
                None,
            )]
        }
        Command::ConfirmExclusion { id, note } => {
            let notice = open_notice(given.application()?)?;
            let today = rome_date(ctx.now);
            if !notice.may_conclude(today) {
                return Err(DomainError::invalid(
                    "preavviso",
                    format!(
                        "il termine per le osservazioni scade il {}: attendere le osservazioni o la scadenza",
                        format_date(notice.deadline)
                    ),
                ));
            }
            let note = non_empty(&Some(note.clone()));
            // Art. 10-bis: the decision says why the observations do not change it.
            if notice.observations.is_some() && note.is_none() {
                return Err(DomainError::invalid(
                    "nota",
                    "scrivere nella nota perché le osservazioni ricevute non cambiano l'esito",
                ));
            }
            vec![given.event(
                EventKind::ExclusionConfirmed {
                    id: *id,
                    reason: notice.reason,
                },
                note,
            )]
        }
        Command::WithdrawRefusalNotice { id, reason } => {
            open_notice(given.application()?)?;
            let reason = non_empty(&Some(reason.clone())).ok_or(DomainError::MissingReason)?;
            vec![given.event(EventKind::RefusalNoticeWithdrawn { id: *id }, Some(reason))]
        }
        Command::RevokeAdmission { id, reason } => {
            let app = given.application()?;
            require_edge(app, State::Ammessa, State::InIstruttoria)?;
            let reason = non_empty(&Some(reason.clone())).ok_or(DomainError::MissingReason)?;
            if let Some(ranking) = given.snapshot.ranking.as_ref()
                && ranking.kind == RankingKind::Definitiva
            {
                return Err(DomainError::invalid(
                    "revoca",
                    format!(
                        "la graduatoria definitiva n. {} è già pubblicata: l'ammissione non si revoca più",
                        ranking.number
                    ),
                ));
            }
            vec![given.event(EventKind::AdmissionRevoked { id: *id }, Some(reason))]
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
        } => vec![verification(given, *id, *item, *verified, note)?],
        Command::VerifyItems { id, findings } => {
            if findings.is_empty() {
                return Err(DomainError::invalid(
                    "voci",
                    "nessuna verifica da registrare",
                ));
            }
            let mut events = Vec::with_capacity(findings.len());
            for (i, finding) in findings.iter().enumerate() {
                if findings[..i].iter().any(|f| f.item == finding.item) {
                    return Err(DomainError::invalid(
                        "voci",
                        format!("«{}» indicata due volte", finding.item.label()),
                    ));
                }
                events.push(verification(
                    given,
                    *id,
                    finding.item,
                    finding.verified,
                    &finding.note,
                )?);
            }
            events
        }
        _ => return Err(given.misrouted()),
    })
}

/// One finding on `item`, checked: the application is not excluded, declared the item, and a
/// finding of not verified says why.
fn verification(
    given: &Given<'_>,
    id: ApplicationId,
    item: CheckItem,
    verified: bool,
    note: &str,
) -> Result<Event, DomainError> {
    let app = given.application()?;
    if app.state == State::Esclusa {
        return Err(DomainError::NotAllowedInState {
            state: app.state,
            action: "verificare i requisiti",
        });
    }
    if !app.check_items().contains(&item) {
        return Err(DomainError::invalid(
            "voce",
            format!(
                "«{}» non è stata dichiarata in questa domanda",
                item.label()
            ),
        ));
    }
    let note = non_empty(&Some(note.to_string()));
    if !verified && note.is_none() {
        return Err(DomainError::MissingReason);
    }
    Ok(given.event(
        EventKind::ItemVerified {
            id,
            item,
            verified,
        },
        note,
    ))
}

/// The documents received, each one of those requested and named once.
fn received_of(received: &[String], requested: &[String]) -> Result<Vec<String>, DomainError> {
    if received.is_empty() {
        return Err(DomainError::invalid(
            "documenti",
            "indicare almeno un documento ricevuto",
        ));
    }
    let mut documents: Vec<String> = Vec::with_capacity(received.len());
    for code in received {
        if !requested.contains(code) {
            return Err(DomainError::invalid(
                "documenti",
                format!("«{code}» non è tra i documenti richiesti con l'integrazione"),
            ));
        }
        if !documents.contains(code) {
            documents.push(code.clone());
        }
    }
    Ok(documents)
}

/// The access requirements not marked verified, by label.
pub fn unverified_requirements(app: &Application) -> Vec<&'static str> {
    Requirement::ALL
        .into_iter()
        .filter(|r| {
            !app.verifications
                .get(&CheckItem::Requisito(*r))
                .is_some_and(|v| v.verified)
        })
        .map(Requirement::label)
        .collect()
}

/// Why an exclusion cause contradicts what the application records, if it does: such an
/// exclusion is still possible, but only with a note saying why.
pub fn exclusion_contradiction(
    app: &Application,
    call: &Call,
    reason: ExclusionReason,
) -> Option<String> {
    match reason {
        ExclusionReason::IseeSuperiore => {
            let limit = call.isee_limit_for(app.household.len());
            (app.declaration.isee <= limit).then(|| {
                format!(
                    "ISEE dichiarato {} entro il limite di {}",
                    app.declaration.isee, limit
                )
            })
        }
        ExclusionReason::DomandaTardiva => {
            (!app.late).then(|| "la domanda risulta arrivata nei termini".to_string())
        }
        ExclusionReason::DocumentiMancanti => app
            .missing_documents(call)
            .is_empty()
            .then(|| "nessun documento richiesto risulta mancante".to_string()),
        ExclusionReason::RequisitoMancante => unverified_requirements(app)
            .is_empty()
            .then(|| "tutti i requisiti di accesso risultano verificati".to_string()),
        ExclusionReason::FalsaDichiarazione | ExclusionReason::Altro => None,
    }
}

/// The open notice of the grounds for refusal, or why there is none.
fn open_notice(app: &Application) -> Result<&RefusalNotice, DomainError> {
    app.refusal_notice.as_ref().ok_or_else(|| {
        DomainError::invalid(
            "preavviso",
            "nessun preavviso di rigetto aperto per questa domanda",
        )
    })
}

/// While a notice is open the application awaits its outcome: confirm it or withdraw it.
fn no_open_notice(app: &Application, action: &str) -> Result<(), DomainError> {
    match &app.refusal_notice {
        Some(notice) => Err(DomainError::invalid(
            "preavviso",
            format!(
                "non si può {action}: è aperto il preavviso di rigetto (osservazioni entro il {}); confermare l'esclusione o ritirare il preavviso",
                format_date(notice.deadline)
            ),
        )),
        None => Ok(()),
    }
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
