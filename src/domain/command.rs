//! Commands a caseworker issues, the events they cause, and the two pure functions that
//! connect them: `decide` checks a command against a snapshot of the current state, `evolve`
//! applies the resulting events to that snapshot.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::application::{
    Application, ApplicationId, Channel, Decision, DocumentStatus, ExclusionReason,
    IntegrationRequest, Protocol, State,
};
use super::call::Call;
use super::contact::Contact;
use super::error::DomainError;
use super::fiscal_code::PersonFiscalCode;
use super::household::{Declaration, Household, Member};
use super::time::{Timestamp, rome_date};

/// Who acts and when; the clock is read by the caller, never here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub actor: String,
    pub now: Timestamp,
}

/// An application as it arrives, before the office gives it an identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApplication {
    pub external_id: Option<String>,
    pub channel: Channel,
    pub received_at: Timestamp,
    pub household: Household,
    pub contact: Contact,
    pub declaration: Declaration,
    /// Codes of the documents attached on submission.
    pub documents: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    SaveCall(Box<Call>),
    ActivateCall {
        code: String,
    },
    ReceiveApplication(Box<NewApplication>),
    RegisterApplication {
        id: ApplicationId,
        /// Required when the application arrived outside the window.
        override_reason: Option<String>,
    },
    StartReview {
        id: ApplicationId,
    },
    RequestIntegration {
        id: ApplicationId,
        documents: Vec<String>,
        /// Defaults to today plus the call's integration days.
        deadline: Option<NaiveDate>,
    },
    ReceiveIntegration {
        id: ApplicationId,
    },
    RecordDocument {
        id: ApplicationId,
        code: String,
        status: DocumentStatus,
    },
    Admit {
        id: ApplicationId,
        note: String,
    },
    Exclude {
        id: ApplicationId,
        reason: ExclusionReason,
        note: String,
    },
    Reinstate {
        id: ApplicationId,
        reason: String,
    },
    UpdateContact {
        id: ApplicationId,
        contact: Contact,
    },
    AddMember {
        id: ApplicationId,
        member: Box<Member>,
    },
    RemoveMember {
        id: ApplicationId,
        fiscal_code: PersonFiscalCode,
        reason: String,
    },
}

impl Command {
    /// The application the command acts on, which the store loads into the snapshot.
    pub fn application_id(&self) -> Option<ApplicationId> {
        use Command::*;
        match self {
            SaveCall(_) | ActivateCall { .. } | ReceiveApplication(_) => None,
            RegisterApplication { id, .. }
            | StartReview { id }
            | RequestIntegration { id, .. }
            | ReceiveIntegration { id }
            | RecordDocument { id, .. }
            | Admit { id, .. }
            | Exclude { id, .. }
            | Reinstate { id, .. }
            | UpdateContact { id, .. }
            | AddMember { id, .. }
            | RemoveMember { id, .. } => Some(*id),
        }
    }

    /// The call the command names directly (other commands use the application's or the active call).
    pub fn call_code(&self) -> Option<&str> {
        match self {
            Command::SaveCall(call) => Some(&call.code),
            Command::ActivateCall { code } => Some(code),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "tipo")]
pub enum EventKind {
    CallSaved {
        call: Box<Call>,
    },
    CallActivated {
        code: String,
    },
    ApplicationReceived {
        application: Box<Application>,
    },
    ApplicationRegistered {
        id: ApplicationId,
        protocol: Protocol,
        #[serde(default)]
        late_override: bool,
    },
    ReviewStarted {
        id: ApplicationId,
    },
    IntegrationRequested {
        id: ApplicationId,
        request: IntegrationRequest,
    },
    IntegrationReceived {
        id: ApplicationId,
        documents: Vec<String>,
    },
    DocumentRecorded {
        id: ApplicationId,
        code: String,
        status: DocumentStatus,
    },
    Admitted {
        id: ApplicationId,
    },
    Excluded {
        id: ApplicationId,
        reason: ExclusionReason,
    },
    Reinstated {
        id: ApplicationId,
    },
    ContactUpdated {
        id: ApplicationId,
        contact: Contact,
    },
    MemberAdded {
        id: ApplicationId,
        member: Box<Member>,
    },
    MemberRemoved {
        id: ApplicationId,
        fiscal_code: PersonFiscalCode,
    },
    /// An IO message entered the outbox (`outbox` is its number there).
    MessageQueued {
        outbox: u64,
        template: String,
        title: String,
        fiscal_code: String,
        #[serde(default)]
        application: Option<ApplicationId>,
    },
    /// IO accepted it (`io_id`), or a caseworker recorded it as sent (`io_id` None, with a reason).
    MessageSent {
        outbox: u64,
        #[serde(default)]
        io_id: Option<String>,
        #[serde(default)]
        application: Option<ApplicationId>,
    },
    MessageRejected {
        outbox: u64,
        status: u16,
        detail: String,
        #[serde(default)]
        application: Option<ApplicationId>,
    },
    MessageUnreachable {
        outbox: u64,
        detail: String,
        #[serde(default)]
        application: Option<ApplicationId>,
    },
    MessageUncertain {
        outbox: u64,
        detail: String,
        #[serde(default)]
        application: Option<ApplicationId>,
    },
    /// A caseworker put it back in the queue, with a reason.
    MessageRequeued {
        outbox: u64,
        #[serde(default)]
        application: Option<ApplicationId>,
    },
    /// Queued messages written into an offline bundle.
    MessagesExported {
        bundle: String,
        outbox: Vec<u64>,
    },
}

/// Every value `Event::kind_name` can return, in the order of the lifecycle, for filters.
pub const EVENT_KIND_NAMES: [&str; 21] = [
    "bando_salvato",
    "bando_attivato",
    "domanda_ricevuta",
    "domanda_protocollata",
    "istruttoria_avviata",
    "integrazione_richiesta",
    "integrazione_ricevuta",
    "documento_registrato",
    "domanda_ammessa",
    "domanda_esclusa",
    "domanda_riammessa",
    "recapiti_modificati",
    "componente_aggiunto",
    "componente_rimosso",
    "messaggio_accodato",
    "messaggio_inviato",
    "messaggio_respinto",
    "messaggio_non_recapitabile",
    "messaggio_incerto",
    "messaggio_riaccodato",
    "messaggi_esportati",
];

/// A fact: what happened, who did it, when and why. The audit log is a chain of these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub actor: String,
    pub at: Timestamp,
    #[serde(default)]
    pub reason: Option<String>,
    pub kind: EventKind,
}

impl Event {
    pub fn application_id(&self) -> Option<ApplicationId> {
        use EventKind::*;
        match &self.kind {
            CallSaved { .. } | CallActivated { .. } => None,
            ApplicationReceived { application } => Some(application.id),
            ApplicationRegistered { id, .. }
            | ReviewStarted { id }
            | IntegrationRequested { id, .. }
            | IntegrationReceived { id, .. }
            | DocumentRecorded { id, .. }
            | Admitted { id }
            | Excluded { id, .. }
            | Reinstated { id }
            | ContactUpdated { id, .. }
            | MemberAdded { id, .. }
            | MemberRemoved { id, .. } => Some(*id),
            MessageQueued { application, .. }
            | MessageSent { application, .. }
            | MessageRejected { application, .. }
            | MessageUnreachable { application, .. }
            | MessageUncertain { application, .. }
            | MessageRequeued { application, .. } => *application,
            MessagesExported { .. } => None,
        }
    }

    /// Stable machine name of the kind, for filters.
    pub fn kind_name(&self) -> &'static str {
        use EventKind::*;
        match &self.kind {
            CallSaved { .. } => "bando_salvato",
            CallActivated { .. } => "bando_attivato",
            ApplicationReceived { .. } => "domanda_ricevuta",
            ApplicationRegistered { .. } => "domanda_protocollata",
            ReviewStarted { .. } => "istruttoria_avviata",
            IntegrationRequested { .. } => "integrazione_richiesta",
            IntegrationReceived { .. } => "integrazione_ricevuta",
            DocumentRecorded { .. } => "documento_registrato",
            Admitted { .. } => "domanda_ammessa",
            Excluded { .. } => "domanda_esclusa",
            Reinstated { .. } => "domanda_riammessa",
            ContactUpdated { .. } => "recapiti_modificati",
            MemberAdded { .. } => "componente_aggiunto",
            MemberRemoved { .. } => "componente_rimosso",
            MessageQueued { .. } => "messaggio_accodato",
            MessageSent { .. } => "messaggio_inviato",
            MessageRejected { .. } => "messaggio_respinto",
            MessageUnreachable { .. } => "messaggio_non_recapitabile",
            MessageUncertain { .. } => "messaggio_incerto",
            MessageRequeued { .. } => "messaggio_riaccodato",
            MessagesExported { .. } => "messaggi_esportati",
        }
    }

    /// One Italian line for the audit log and the case timeline.
    pub fn summary(&self) -> String {
        use EventKind::*;
        let text = match &self.kind {
            CallSaved { call } => format!("bando salvato: {}", call.title),
            CallActivated { code } => format!("bando attivo: {code}"),
            ApplicationReceived { application } => format!(
                "domanda ricevuta da {}{}",
                application.applicant_name(),
                if application.late {
                    " (fuori termine)"
                } else {
                    ""
                }
            ),
            ApplicationRegistered {
                protocol,
                late_override,
                ..
            } => format!(
                "protocollata {protocol}{}",
                if *late_override { " in deroga" } else { "" }
            ),
            ReviewStarted { .. } => "istruttoria avviata".to_string(),
            IntegrationRequested { request, .. } => format!(
                "integrazione richiesta ({} documenti, entro il {})",
                request.documents.len(),
                super::time::format_date(request.deadline)
            ),
            IntegrationReceived { documents, .. } => {
                format!("integrazione ricevuta ({} documenti)", documents.len())
            }
            DocumentRecorded { code, status, .. } => match status {
                DocumentStatus::Ricevuto { .. } => format!("documento ricevuto: {code}"),
                DocumentStatus::Mancante => format!("documento mancante: {code}"),
                DocumentStatus::Respinto { note } => {
                    format!("documento respinto: {code} ({note})")
                }
            },
            Admitted { .. } => "domanda ammessa".to_string(),
            Excluded { reason, .. } => format!("domanda esclusa: {}", reason.label()),
            Reinstated { .. } => "domanda riammessa in istruttoria".to_string(),
            ContactUpdated { .. } => "recapiti modificati".to_string(),
            MemberAdded { member, .. } => format!(
                "componente aggiunto: {} ({})",
                member.full_name(),
                member.relation.label()
            ),
            MemberRemoved { fiscal_code, .. } => {
                format!("componente rimosso: {}", fiscal_code.as_str())
            }
            MessageQueued {
                outbox,
                title,
                fiscal_code,
                ..
            } => format!("→ IO: {title} accodato (M{outbox}, {fiscal_code})"),
            MessageSent {
                outbox,
                io_id: Some(io_id),
                ..
            } => format!("→ IO: M{outbox} inviato ✓ (id {io_id})"),
            MessageSent { outbox, .. } => format!("→ IO: M{outbox} segnato come inviato"),
            MessageRejected {
                outbox,
                status,
                detail,
                ..
            } => format!("→ IO: M{outbox} respinto ({status}: {detail})"),
            MessageUnreachable { outbox, detail, .. } => {
                format!("→ IO: M{outbox} non raggiungibile su IO ({detail})")
            }
            MessageUncertain { outbox, detail, .. } => {
                format!("→ IO: M{outbox} esito incerto ({detail})")
            }
            MessageRequeued { outbox, .. } => format!("→ IO: M{outbox} rimesso in coda"),
            MessagesExported { bundle, outbox } => format!(
                "→ IO: {} messaggi esportati nel pacchetto {bundle}",
                outbox.len()
            ),
        };
        match &self.reason {
            Some(reason) if !reason.is_empty() => format!("{text} — {reason}"),
            _ => text,
        }
    }
}

/// The part of the state a command needs, loaded by the store inside the command's transaction.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snapshot {
    pub application: Option<Application>,
    /// The call the command concerns: named by it, the application's, or the active one.
    pub call: Option<Call>,
    pub active_call: Option<String>,
    pub next_application_id: u64,
    /// Next free protocol number for the year of `Context::now` (Rome time).
    pub next_protocol_number: u32,
    /// An application with the same portal identifier already exists.
    pub external_id_taken: bool,
}

/// Checks `command` against `snapshot`; returns the events it causes or why it is refused.
pub fn decide(
    snapshot: &Snapshot,
    command: &Command,
    ctx: &Context,
) -> Result<Vec<Event>, DomainError> {
    if ctx.actor.trim().is_empty() {
        return Err(DomainError::invalid("operatore", "mancante"));
    }
    let event = |kind: EventKind, reason: Option<String>| Event {
        actor: ctx.actor.clone(),
        at: ctx.now,
        reason,
        kind,
    };
    let application = || -> Result<&Application, DomainError> {
        match (command.application_id(), &snapshot.application) {
            (Some(id), Some(app)) if app.id == id => Ok(app),
            (Some(id), _) => Err(DomainError::UnknownApplication(id)),
            (None, _) => Err(DomainError::Internal("comando senza domanda".into())),
        }
    };
    let call = || snapshot.call.as_ref().ok_or(DomainError::NoActiveCall);

    Ok(match command {
        Command::SaveCall(new_call) => {
            new_call.validate()?;
            let mut events = vec![event(
                EventKind::CallSaved {
                    call: new_call.clone(),
                },
                None,
            )];
            if snapshot.active_call.is_none() {
                events.push(event(
                    EventKind::CallActivated {
                        code: new_call.code.clone(),
                    },
                    None,
                ));
            }
            events
        }
        Command::ActivateCall { code } => {
            if snapshot.call.as_ref().map(|c| &c.code) != Some(code) {
                return Err(DomainError::UnknownCall(code.clone()));
            }
            vec![event(EventKind::CallActivated { code: code.clone() }, None)]
        }
        Command::ReceiveApplication(new) => {
            let call = call()?;
            vec![event(
                EventKind::ApplicationReceived {
                    application: Box::new(receive(snapshot, call, new, ctx)?),
                },
                None,
            )]
        }
        Command::RegisterApplication {
            id,
            override_reason,
        } => {
            let app = application()?;
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
            let protocol = Protocol {
                year: rome_date(ctx.now).year(),
                number: snapshot.next_protocol_number,
            };
            vec![event(
                EventKind::ApplicationRegistered {
                    id: *id,
                    protocol,
                    late_override: app.late,
                },
                reason,
            )]
        }
        Command::StartReview { id } => {
            require_edge(application()?, State::Protocollata, State::InIstruttoria)?;
            vec![event(EventKind::ReviewStarted { id: *id }, None)]
        }
        Command::RequestIntegration {
            id,
            documents,
            deadline,
        } => {
            let app = application()?;
            let call = call()?;
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
            vec![event(
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
            let app = application()?;
            require_edge(app, State::IntegrazioneRichiesta, State::InIstruttoria)?;
            let documents = app
                .integration
                .as_ref()
                .map(|r| r.documents.clone())
                .unwrap_or_default();
            vec![event(
                EventKind::IntegrationReceived { id: *id, documents },
                None,
            )]
        }
        Command::RecordDocument { id, code, status } => {
            let app = application()?;
            known_document(call()?, code)?;
            editable(app, "registrare un documento")?;
            if let DocumentStatus::Respinto { note } = status
                && note.trim().is_empty()
            {
                return Err(DomainError::MissingReason);
            }
            vec![event(
                EventKind::DocumentRecorded {
                    id: *id,
                    code: code.clone(),
                    status: status.clone(),
                },
                None,
            )]
        }
        Command::Admit { id, note } => {
            let app = application()?;
            app.state.transition(State::Ammessa)?;
            let missing = app.missing_documents(call()?);
            if !missing.is_empty() {
                return Err(DomainError::invalid(
                    "documenti",
                    format!("non si può ammettere: mancano {}", missing.join(", ")),
                ));
            }
            vec![event(
                EventKind::Admitted { id: *id },
                non_empty(&Some(note.clone())),
            )]
        }
        Command::Exclude { id, reason, note } => {
            application()?.state.transition(State::Esclusa)?;
            let note = non_empty(&Some(note.clone()));
            if *reason == ExclusionReason::Altro && note.is_none() {
                return Err(DomainError::MissingReason);
            }
            vec![event(
                EventKind::Excluded {
                    id: *id,
                    reason: *reason,
                },
                note,
            )]
        }
        Command::Reinstate { id, reason } => {
            let app = application()?;
            require_edge(app, State::Esclusa, State::InIstruttoria)?;
            let reason = non_empty(&Some(reason.clone())).ok_or(DomainError::MissingReason)?;
            vec![event(EventKind::Reinstated { id: *id }, Some(reason))]
        }
        Command::UpdateContact { id, contact } => {
            application()?;
            let contact = contact.clone().normalized()?;
            vec![event(EventKind::ContactUpdated { id: *id, contact }, None)]
        }
        Command::AddMember { id, member } => {
            let app = application()?;
            editable(app, "modificare il nucleo")?;
            app.household.with_member((**member).clone())?;
            vec![event(
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
            let app = application()?;
            editable(app, "modificare il nucleo")?;
            let reason = non_empty(&Some(reason.clone())).ok_or(DomainError::MissingReason)?;
            app.household.without_member(fiscal_code)?;
            vec![event(
                EventKind::MemberRemoved {
                    id: *id,
                    fiscal_code: fiscal_code.clone(),
                },
                Some(reason),
            )]
        }
    })
}

fn receive(
    snapshot: &Snapshot,
    call: &Call,
    new: &NewApplication,
    ctx: &Context,
) -> Result<Application, DomainError> {
    let external_id = non_empty(&new.external_id);
    if let Some(external) = &external_id
        && snapshot.external_id_taken
    {
        return Err(DomainError::DuplicateExternalId(external.clone()));
    }
    if new.received_at > ctx.now {
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

fn non_empty(text: &Option<String>) -> Option<String> {
    text.as_ref()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

fn known_document(call: &Call, code: &str) -> Result<(), DomainError> {
    call.document(code).map(|_| ()).ok_or_else(|| {
        DomainError::invalid(
            "documenti",
            format!("documento '{code}' non previsto dal bando {}", call.code),
        )
    })
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

/// Applies one event to the snapshot. Events are facts already checked by `decide`, so an error
/// here means the stored state and the event disagree.
pub fn evolve(snapshot: &mut Snapshot, event: &Event) -> Result<(), DomainError> {
    use EventKind::*;
    match &event.kind {
        CallSaved { call } => {
            snapshot.call = Some((**call).clone());
            return Ok(());
        }
        CallActivated { code } => {
            snapshot.active_call = Some(code.clone());
            return Ok(());
        }
        MessageQueued { .. }
        | MessageSent { .. }
        | MessageRejected { .. }
        | MessageUnreachable { .. }
        | MessageUncertain { .. }
        | MessageRequeued { .. }
        | MessagesExported { .. } => return Ok(()),
        ApplicationReceived { application } => {
            snapshot.application = Some((**application).clone());
            snapshot.next_application_id = application.id.0.checked_add(1).ok_or_else(|| {
                DomainError::Internal("contatore delle domande al valore massimo".into())
            })?;
            return Ok(());
        }
        _ => {}
    }
    let app = match (&mut snapshot.application, event.application_id()) {
        (Some(app), Some(id)) if app.id == id => app,
        _ => {
            return Err(DomainError::Internal(format!(
                "evento {} senza la sua domanda",
                event.kind_name()
            )));
        }
    };
    match &event.kind {
        ApplicationRegistered { protocol, .. } => {
            app.state = app.state.transition(State::Protocollata)?;
            app.protocol = Some(*protocol);
            app.registered_at = Some(event.at);
            snapshot.next_protocol_number = protocol.number.checked_add(1).ok_or_else(|| {
                DomainError::Internal("contatore di protocollo al valore massimo".into())
            })?;
        }
        ReviewStarted { .. } => app.state = app.state.transition(State::InIstruttoria)?,
        IntegrationRequested { request, .. } => {
            app.state = app.state.transition(State::IntegrazioneRichiesta)?;
            for code in &request.documents {
                app.documents.insert(code.clone(), DocumentStatus::Mancante);
            }
            app.integration = Some(request.clone());
        }
        IntegrationReceived { documents, .. } => {
            app.state = app.state.transition(State::InIstruttoria)?;
            for code in documents {
                app.documents
                    .insert(code.clone(), DocumentStatus::Ricevuto { at: event.at });
            }
            app.integration = None;
        }
        DocumentRecorded { code, status, .. } => {
            app.documents.insert(code.clone(), status.clone());
        }
        Admitted { .. } => {
            app.state = app.state.transition(State::Ammessa)?;
            app.decision = Some(Decision {
                admitted: true,
                reason: None,
                note: event.reason.clone().unwrap_or_default(),
                at: event.at,
                by: event.actor.clone(),
            });
        }
        Excluded { reason, .. } => {
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
        Reinstated { .. } => {
            app.state = app.state.transition(State::InIstruttoria)?;
            app.decision = None;
        }
        ContactUpdated { contact, .. } => app.contact = contact.clone(),
        MemberAdded { member, .. } => {
            app.household = app.household.with_member((**member).clone())?;
        }
        MemberRemoved { fiscal_code, .. } => {
            app.household = app.household.without_member(fiscal_code)?;
        }
        CallSaved { .. }
        | CallActivated { .. }
        | ApplicationReceived { .. }
        | MessageQueued { .. }
        | MessageSent { .. }
        | MessageRejected { .. }
        | MessageUnreachable { .. }
        | MessageUncertain { .. }
        | MessageRequeued { .. }
        | MessagesExported { .. } => {}
    }
    Ok(())
}
