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
use super::appointment::validate_text;
use super::appointment::{Appointment, AppointmentId, AppointmentState, Citizen, Slot};
use super::call::Call;
use super::contact::Contact;
use super::error::DomainError;
use super::fee::{FeeNotice, Payment};
use super::fiscal_code::PersonFiscalCode;
use super::household::{Declaration, Household, Member};
use super::interested::Interested;
use super::money::Money;
use super::notice::NoticeNumber;
use super::objection::{Adjustment, Objection, ObjectionDecision};
use super::publication::RankingHeader;
use super::ranking::RankingKind;
use super::ruleset::Ruleset;
use super::time::{Timestamp, rome_date};
use super::verification::{CheckItem, Verification};

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

/// A booking as the caseworker types it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAppointment {
    pub citizen: Citizen,
    pub application: Option<ApplicationId>,
    pub subject: String,
    pub slot: Slot,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    SaveCall(Box<Call>),
    ActivateCall {
        code: String,
    },
    /// Publishes the call; its interested citizens are told in the same transaction.
    PublishCall {
        code: String,
    },
    AddInterested {
        call: String,
        fiscal_codes: Vec<PersonFiscalCode>,
    },
    RemoveInterested {
        call: String,
        fiscal_code: PersonFiscalCode,
    },
    BookAppointment(Box<NewAppointment>),
    RescheduleAppointment {
        id: AppointmentId,
        slot: Slot,
    },
    CancelAppointment {
        id: AppointmentId,
        reason: String,
    },
    /// Marks a requirement or a declared condition verified, or not (then with a note).
    Verify {
        id: ApplicationId,
        item: CheckItem,
        verified: bool,
        note: String,
    },
    IssueFee {
        id: ApplicationId,
        notice: NoticeNumber,
        /// The call's secretarial fee when absent.
        amount: Option<Money>,
        due: NaiveDate,
    },
    RecordPayment {
        id: ApplicationId,
        paid_on: NaiveDate,
    },
    RemindFee {
        id: ApplicationId,
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
    /// Sets the point table of a call.
    SaveRuleset {
        call: String,
        ruleset: Box<Ruleset>,
    },
    /// Changes what an admitted application scores; the reason is required.
    AdjustScore {
        id: ApplicationId,
        adjustment: Adjustment,
        reason: String,
    },
    /// An objection to the provisional ranking, received on `received_on`.
    FileObjection {
        id: ApplicationId,
        received_on: NaiveDate,
        text: String,
    },
    DecideObjection {
        id: ApplicationId,
        /// Position in the application's objections.
        index: usize,
        accepted: bool,
        reason: String,
    },
}

impl Command {
    /// The application the command acts on, which the store loads into the snapshot.
    pub fn application_id(&self) -> Option<ApplicationId> {
        use Command::*;
        match self {
            SaveCall(_)
            | ActivateCall { .. }
            | PublishCall { .. }
            | AddInterested { .. }
            | RemoveInterested { .. }
            | RescheduleAppointment { .. }
            | CancelAppointment { .. }
            | ReceiveApplication(_) => None,
            BookAppointment(new) => new.application,
            RegisterApplication { id, .. }
            | Verify { id, .. }
            | IssueFee { id, .. }
            | RecordPayment { id, .. }
            | RemindFee { id }
            | StartReview { id }
            | RequestIntegration { id, .. }
            | ReceiveIntegration { id }
            | RecordDocument { id, .. }
            | Admit { id, .. }
            | Exclude { id, .. }
            | Reinstate { id, .. }
            | UpdateContact { id, .. }
            | AddMember { id, .. }
            | RemoveMember { id, .. }
            | AdjustScore { id, .. }
            | FileObjection { id, .. }
            | DecideObjection { id, .. } => Some(*id),
            SaveRuleset { .. } => None,
        }
    }

    /// The call the command names directly (other commands use the application's or the active call).
    pub fn call_code(&self) -> Option<&str> {
        match self {
            Command::SaveCall(call) => Some(&call.code),
            Command::ActivateCall { code } | Command::PublishCall { code } => Some(code),
            Command::AddInterested { call, .. }
            | Command::RemoveInterested { call, .. }
            | Command::SaveRuleset { call, .. } => Some(call),
            _ => None,
        }
    }

    /// The appointment the command acts on, which the store loads into the snapshot.
    pub fn appointment_id(&self) -> Option<AppointmentId> {
        match self {
            Command::RescheduleAppointment { id, .. } | Command::CancelAppointment { id, .. } => {
                Some(*id)
            }
            _ => None,
        }
    }

    /// The command needs the call's list of interested citizens.
    pub fn needs_interested(&self) -> bool {
        matches!(
            self,
            Command::PublishCall { .. }
                | Command::AddInterested { .. }
                | Command::RemoveInterested { .. }
        )
    }

    /// The command needs the call's point table.
    pub fn needs_ruleset(&self) -> bool {
        matches!(
            self,
            Command::SaveRuleset { .. } | Command::AdjustScore { .. }
        )
    }

    /// The command needs the call's latest published ranking.
    pub fn needs_ranking(&self) -> bool {
        matches!(
            self,
            Command::FileObjection { .. } | Command::DecideObjection { .. }
        )
    }

    /// The instant and place the command books, for the store to look for a clash.
    pub fn slot(&self) -> Option<&Slot> {
        match self {
            Command::BookAppointment(new) => Some(&new.slot),
            Command::RescheduleAppointment { slot, .. } => Some(slot),
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
    CallPublished {
        code: String,
    },
    InterestedAdded {
        call: String,
        fiscal_codes: Vec<String>,
    },
    InterestedRemoved {
        call: String,
        fiscal_code: String,
    },
    AppointmentBooked {
        appointment: Box<Appointment>,
    },
    AppointmentRescheduled {
        id: AppointmentId,
        slot: Slot,
        #[serde(default)]
        application: Option<ApplicationId>,
    },
    AppointmentCancelled {
        id: AppointmentId,
        #[serde(default)]
        application: Option<ApplicationId>,
    },
    ItemVerified {
        id: ApplicationId,
        item: CheckItem,
        verified: bool,
    },
    FeeIssued {
        id: ApplicationId,
        fee: Box<FeeNotice>,
    },
    FeePaid {
        id: ApplicationId,
        paid_on: NaiveDate,
    },
    FeeReminded {
        id: ApplicationId,
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
    RulesetSaved {
        call: String,
        ruleset: Box<Ruleset>,
    },
    ScoreAdjusted {
        id: ApplicationId,
        adjustment: Adjustment,
    },
    /// The objection's text is the event's reason.
    ObjectionFiled {
        id: ApplicationId,
        version: u32,
        received_on: NaiveDate,
    },
    ObjectionDecided {
        id: ApplicationId,
        index: usize,
        accepted: bool,
    },
    /// A ranking version written: its rows are stored beside it, `digest` is their SHA-256.
    RankingPublished {
        call: String,
        number: u32,
        kind: RankingKind,
        admitted: u32,
        excluded: u32,
        digest: String,
    },
    /// A draw by lot for the groups the tie-break chain left equal: seed and result.
    LotsDrawn {
        call: String,
        number: u32,
        seed: u64,
        groups: Vec<Vec<ApplicationId>>,
    },
}

/// Every value `Event::kind_name` can return, in the order of the lifecycle, for filters.
pub const EVENT_KIND_NAMES: [&str; 37] = [
    "bando_salvato",
    "bando_attivato",
    "bando_pubblicato",
    "interessati_aggiunti",
    "interessato_rimosso",
    "appuntamento_prenotato",
    "appuntamento_spostato",
    "appuntamento_annullato",
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
    "verifica_registrata",
    "avviso_segreteria_emesso",
    "pagamento_registrato",
    "promemoria_pagamento",
    "messaggio_accodato",
    "messaggio_inviato",
    "messaggio_respinto",
    "messaggio_non_recapitabile",
    "messaggio_incerto",
    "messaggio_riaccodato",
    "messaggi_esportati",
    "regole_punteggio_salvate",
    "punteggio_rettificato",
    "opposizione_ricevuta",
    "opposizione_decisa",
    "graduatoria_pubblicata",
    "sorteggio_effettuato",
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
            CallSaved { .. }
            | CallActivated { .. }
            | CallPublished { .. }
            | InterestedAdded { .. }
            | InterestedRemoved { .. } => None,
            AppointmentBooked { appointment } => appointment.application,
            AppointmentRescheduled { application, .. }
            | AppointmentCancelled { application, .. } => *application,
            ApplicationReceived { application } => Some(application.id),
            ItemVerified { id, .. }
            | FeeIssued { id, .. }
            | FeePaid { id, .. }
            | FeeReminded { id } => Some(*id),
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
            MessagesExported { .. }
            | RulesetSaved { .. }
            | RankingPublished { .. }
            | LotsDrawn { .. } => None,
            ScoreAdjusted { id, .. } | ObjectionFiled { id, .. } | ObjectionDecided { id, .. } => {
                Some(*id)
            }
        }
    }

    /// Stable machine name of the kind, for filters.
    pub fn kind_name(&self) -> &'static str {
        use EventKind::*;
        match &self.kind {
            CallSaved { .. } => "bando_salvato",
            CallActivated { .. } => "bando_attivato",
            CallPublished { .. } => "bando_pubblicato",
            InterestedAdded { .. } => "interessati_aggiunti",
            InterestedRemoved { .. } => "interessato_rimosso",
            AppointmentBooked { .. } => "appuntamento_prenotato",
            AppointmentRescheduled { .. } => "appuntamento_spostato",
            AppointmentCancelled { .. } => "appuntamento_annullato",
            ItemVerified { .. } => "verifica_registrata",
            FeeIssued { .. } => "avviso_segreteria_emesso",
            FeePaid { .. } => "pagamento_registrato",
            FeeReminded { .. } => "promemoria_pagamento",
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
            RulesetSaved { .. } => "regole_punteggio_salvate",
            ScoreAdjusted { .. } => "punteggio_rettificato",
            ObjectionFiled { .. } => "opposizione_ricevuta",
            ObjectionDecided { .. } => "opposizione_decisa",
            RankingPublished { .. } => "graduatoria_pubblicata",
            LotsDrawn { .. } => "sorteggio_effettuato",
        }
    }

    /// One Italian line for the audit log and the case timeline.
    pub fn summary(&self) -> String {
        use EventKind::*;
        let text = match &self.kind {
            CallSaved { call } => format!("bando salvato: {}", call.title),
            CallActivated { code } => format!("bando attivo: {code}"),
            CallPublished { code } => format!("bando pubblicato: {code}"),
            InterestedAdded { call, fiscal_codes } => format!(
                "{} interessati aggiunti al bando {call}",
                fiscal_codes.len()
            ),
            InterestedRemoved { call, fiscal_code } => {
                format!("interessato rimosso dal bando {call}: {fiscal_code}")
            }
            AppointmentBooked { appointment } => format!(
                "appuntamento {} prenotato per il {} alle {} ({})",
                appointment.booking_number,
                super::time::format_ts_date(appointment.slot.at),
                super::time::format_ts_time(appointment.slot.at),
                appointment.citizen.fiscal_code.as_str()
            ),
            AppointmentRescheduled { id, slot, .. } => format!(
                "appuntamento {id} spostato al {} alle {}",
                super::time::format_ts_date(slot.at),
                super::time::format_ts_time(slot.at)
            ),
            AppointmentCancelled { id, .. } => format!("appuntamento {id} annullato"),
            ItemVerified { item, verified, .. } => format!(
                "{}: {}",
                item.label(),
                if *verified {
                    "verificato"
                } else {
                    "non verificato"
                }
            ),
            FeeIssued { fee, .. } => format!(
                "avviso di pagamento {} di {} entro il {}",
                fee.notice.as_str(),
                fee.amount,
                super::time::format_date(fee.due)
            ),
            FeePaid { paid_on, .. } => format!(
                "spese di segreteria pagate il {}",
                super::time::format_date(*paid_on)
            ),
            FeeReminded { .. } => "promemoria di pagamento".to_string(),
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
            RulesetSaved { call, ruleset } => format!(
                "regole di punteggio del bando {call}: {} ({} criteri)",
                ruleset.name,
                ruleset.criteria.len()
            ),
            ScoreAdjusted { adjustment, .. } => match adjustment {
                Adjustment::Condition {
                    condition,
                    present: true,
                } => format!("punteggio rettificato: {} riconosciuta", condition.label()),
                Adjustment::Condition { condition, .. } => format!(
                    "punteggio rettificato: {} non riconosciuta",
                    condition.label()
                ),
                Adjustment::Override {
                    criterion,
                    points: Some(points),
                } => format!("punteggio rettificato: {criterion} = {points} punti"),
                Adjustment::Override { criterion, .. } => {
                    format!("punteggio rettificato: {criterion} torna al calcolo")
                }
            },
            ObjectionFiled {
                version,
                received_on,
                ..
            } => format!(
                "opposizione alla graduatoria n. {version} ricevuta il {}",
                super::time::format_date(*received_on)
            ),
            ObjectionDecided {
                index, accepted, ..
            } => format!(
                "opposizione {} {}",
                index + 1,
                if *accepted { "accolta" } else { "respinta" }
            ),
            RankingPublished {
                call,
                number,
                kind,
                admitted,
                excluded,
                ..
            } => format!(
                "graduatoria {} n. {number} del bando {call} pubblicata ({admitted} ammesse, {excluded} escluse)",
                kind.label()
            ),
            LotsDrawn {
                number,
                seed,
                groups,
                ..
            } => format!(
                "sorteggio per la graduatoria n. {number}: {} gruppi a pari merito, seme {seed}",
                groups.len()
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
    pub appointment: Option<Appointment>,
    pub next_appointment_id: u64,
    /// An active booking that already holds the command's place and instant.
    pub slot_taken: Option<AppointmentId>,
    /// The call's interested citizens by fiscal code, for the commands that need them.
    pub interested: BTreeMap<String, Interested>,
    /// The call the command concerns: named by it, the application's, or the active one.
    pub call: Option<Call>,
    pub active_call: Option<String>,
    pub next_application_id: u64,
    /// Next free protocol number for the year of `Context::now` (Rome time).
    pub next_protocol_number: u32,
    /// An application with the same portal identifier already exists.
    pub external_id_taken: bool,
    /// The call's point table, for the commands that need it.
    pub ruleset: Option<Ruleset>,
    /// The call's latest published ranking, for the commands that need it.
    pub ranking: Option<RankingHeader>,
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
            let mut saved = new_call.clone();
            // A call once published stays published: a new version of its file does not undo it.
            if let Some(old) = &snapshot.call
                && old.code == saved.code
            {
                saved.published_at = old.published_at;
            }
            let mut events = vec![event(EventKind::CallSaved { call: saved }, None)];
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
        Command::PublishCall { code } => {
            let call = named_call(snapshot, code)?;
            if let Some(at) = call.published_at {
                return Err(DomainError::invalid(
                    "bando",
                    format!("già pubblicato il {}", super::time::format_ts_date(at)),
                ));
            }
            vec![event(EventKind::CallPublished { code: code.clone() }, None)]
        }
        Command::AddInterested {
            call: code,
            fiscal_codes,
        } => {
            named_call(snapshot, code)?;
            let mut new = Vec::new();
            for fiscal_code in fiscal_codes {
                let text = fiscal_code.as_str().to_string();
                if !snapshot.interested.contains_key(&text) && !new.contains(&text) {
                    new.push(text);
                }
            }
            if new.is_empty() {
                return Err(DomainError::invalid(
                    "interessati",
                    "nessun codice fiscale nuovo: sono già tutti nell'elenco",
                ));
            }
            vec![event(
                EventKind::InterestedAdded {
                    call: code.clone(),
                    fiscal_codes: new,
                },
                None,
            )]
        }
        Command::RemoveInterested {
            call: code,
            fiscal_code,
        } => {
            named_call(snapshot, code)?;
            if !snapshot.interested.contains_key(fiscal_code.as_str()) {
                return Err(DomainError::invalid(
                    "interessati",
                    format!("{} non è nell'elenco", fiscal_code.as_str()),
                ));
            }
            vec![event(
                EventKind::InterestedRemoved {
                    call: code.clone(),
                    fiscal_code: fiscal_code.as_str().to_string(),
                },
                None,
            )]
        }
        Command::BookAppointment(new) => {
            let call = call()?;
            if new.application.is_some() {
                application()?;
            }
            let subject = validate_text("oggetto", &new.subject, 120)?;
            let slot = bookable(snapshot, &new.slot, ctx)?;
            if snapshot.next_appointment_id == 0 {
                return Err(DomainError::Internal(
                    "contatore degli appuntamenti a zero".into(),
                ));
            }
            let id = AppointmentId(snapshot.next_appointment_id);
            vec![event(
                EventKind::AppointmentBooked {
                    appointment: Box::new(Appointment {
                        id,
                        call: call.code.clone(),
                        citizen: Citizen {
                            fiscal_code: new.citizen.fiscal_code.clone(),
                            name: new.citizen.name.trim().to_string(),
                        },
                        application: new.application,
                        subject,
                        booking_number: Appointment::booking_number(id, ctx.now),
                        slot,
                        state: AppointmentState::Prenotato,
                        booked_at: ctx.now,
                        booked_by: ctx.actor.clone(),
                    }),
                },
                None,
            )]
        }
        Command::RescheduleAppointment { id, slot } => {
            let appointment = active_appointment(snapshot, *id)?;
            let slot = bookable(snapshot, slot, ctx)?;
            if slot == appointment.slot {
                return Err(DomainError::invalid(
                    "quando",
                    "è già fissato a quell'ora in quel luogo",
                ));
            }
            vec![event(
                EventKind::AppointmentRescheduled {
                    id: *id,
                    slot,
                    application: appointment.application,
                },
                None,
            )]
        }
        Command::CancelAppointment { id, reason } => {
            let appointment = active_appointment(snapshot, *id)?;
            let reason = non_empty(&Some(reason.clone())).ok_or(DomainError::MissingReason)?;
            vec![event(
                EventKind::AppointmentCancelled {
                    id: *id,
                    application: appointment.application,
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
            let app = application()?;
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
            vec![event(
                EventKind::ItemVerified {
                    id: *id,
                    item: *item,
                    verified: *verified,
                },
                note,
            )]
        }
        Command::IssueFee {
            id,
            notice,
            amount,
            due,
        } => {
            let app = application()?;
            let call = call()?;
            let Some(protocol) = &app.protocol else {
                return Err(DomainError::NotAllowedInState {
                    state: app.state,
                    action: "emettere l'avviso prima della protocollazione",
                });
            };
            if app.state == State::Esclusa {
                return Err(DomainError::NotAllowedInState {
                    state: app.state,
                    action: "emettere l'avviso di pagamento",
                });
            }
            if let Some(fee) = &app.fee {
                return Err(DomainError::invalid(
                    "avviso",
                    format!("già emesso l'avviso {}", fee.notice.as_str()),
                ));
            }
            let amount = amount.unwrap_or(call.secretarial_fee);
            if amount == Money::from_cents(0) {
                return Err(DomainError::invalid(
                    "importo",
                    "deve essere maggiore di zero (il bando non fissa spese di segreteria)",
                ));
            }
            if *due < rome_date(ctx.now) {
                return Err(DomainError::invalid(
                    "scadenza",
                    "la scadenza non può essere nel passato",
                ));
            }
            vec![event(
                EventKind::FeeIssued {
                    id: *id,
                    fee: Box::new(FeeNotice {
                        notice: notice.clone(),
                        amount,
                        due: *due,
                        reason: format!("spese di segreteria della domanda {protocol}"),
                        issued_at: ctx.now,
                        issued_by: ctx.actor.clone(),
                        payment: None,
                        reminders: Vec::new(),
                    }),
                },
                None,
            )]
        }
        Command::RecordPayment { id, paid_on } => {
            let fee = unpaid_fee(application()?)?;
            if *paid_on > rome_date(ctx.now) {
                return Err(DomainError::invalid(
                    "data_pagamento",
                    "la data del pagamento è nel futuro",
                ));
            }
            if *paid_on < rome_date(fee.issued_at) {
                return Err(DomainError::invalid(
                    "data_pagamento",
                    "precede l'emissione dell'avviso",
                ));
            }
            vec![event(
                EventKind::FeePaid {
                    id: *id,
                    paid_on: *paid_on,
                },
                None,
            )]
        }
        Command::RemindFee { id } => {
            let app = application()?;
            let fee = unpaid_fee(app)?;
            if fee.is_late(rome_date(ctx.now)) {
                return Err(DomainError::invalid(
                    "avviso",
                    format!(
                        "scaduto il {}: non è più in scadenza",
                        super::time::format_date(fee.due)
                    ),
                ));
            }
            if app.state == State::Esclusa {
                return Err(DomainError::NotAllowedInState {
                    state: app.state,
                    action: "sollecitare il pagamento",
                });
            }
            vec![event(EventKind::FeeReminded { id: *id }, None)]
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
            let year = rome_date(ctx.now).year();
            let number = snapshot.next_protocol_number;
            let text = match &snapshot.call {
                Some(call) => call.params.protocol_pattern.render(year, number),
                None => Protocol::new(year, number).text,
            };
            let protocol = Protocol { year, number, text };
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
        Command::SaveRuleset {
            call: code,
            ruleset,
        } => {
            named_call(snapshot, code)?;
            ruleset
                .validate()
                .map_err(|issue| DomainError::invalid("regole", issue.reason))?;
            if snapshot.ruleset.as_ref() == Some(ruleset.as_ref()) {
                return Err(DomainError::invalid(
                    "regole",
                    "la tabella è uguale a quella già in uso: nessuna modifica",
                ));
            }
            vec![event(
                EventKind::RulesetSaved {
                    call: code.clone(),
                    ruleset: ruleset.clone(),
                },
                None,
            )]
        }
        Command::AdjustScore {
            id,
            adjustment,
            reason,
        } => {
            let reason = non_empty(&Some(reason.clone())).ok_or(DomainError::MissingReason)?;
            super::objection::check_adjustment(
                application()?,
                snapshot.ruleset.as_ref(),
                adjustment,
            )?;
            vec![event(
                EventKind::ScoreAdjusted {
                    id: *id,
                    adjustment: adjustment.clone(),
                },
                Some(reason),
            )]
        }
        Command::FileObjection {
            id,
            received_on,
            text,
        } => {
            let text = validate_text("opposizione", text, 2000)?;
            let version = super::objection::check_filing(
                application()?,
                snapshot.ranking.as_ref(),
                *received_on,
                ctx.now,
            )?;
            vec![event(
                EventKind::ObjectionFiled {
                    id: *id,
                    version,
                    received_on: *received_on,
                },
                Some(text),
            )]
        }
        Command::DecideObjection {
            id,
            index,
            accepted,
            reason,
        } => {
            let reason = non_empty(&Some(reason.clone())).ok_or(DomainError::MissingReason)?;
            super::objection::check_decision(application()?, snapshot.ranking.as_ref(), *index)?;
            vec![event(
                EventKind::ObjectionDecided {
                    id: *id,
                    index: *index,
                    accepted: *accepted,
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
        verifications: BTreeMap::new(),
        fee: None,
        score_overrides: BTreeMap::new(),
        objections: Vec::new(),
    })
}

/// The call a command names, which the store loaded by that code.
fn named_call<'a>(snapshot: &'a Snapshot, code: &str) -> Result<&'a Call, DomainError> {
    snapshot
        .call
        .as_ref()
        .filter(|call| call.code == code)
        .ok_or_else(|| DomainError::UnknownCall(code.to_string()))
}

fn active_appointment(snapshot: &Snapshot, id: AppointmentId) -> Result<&Appointment, DomainError> {
    match &snapshot.appointment {
        Some(appointment) if appointment.id == id && appointment.is_active() => Ok(appointment),
        Some(appointment) if appointment.id == id => Err(DomainError::invalid(
            "appuntamento",
            format!("{id} è già annullato"),
        )),
        _ => Err(DomainError::invalid(
            "appuntamento",
            format!("{id} inesistente"),
        )),
    }
}

/// A slot a citizen can be given: in the future, at a named place, not already held.
fn bookable(snapshot: &Snapshot, slot: &Slot, ctx: &Context) -> Result<Slot, DomainError> {
    let place = validate_text("luogo", &slot.place, 120)?;
    if slot.at <= ctx.now {
        return Err(DomainError::invalid(
            "quando",
            "l'appuntamento deve essere nel futuro",
        ));
    }
    if let Some(other) = snapshot.slot_taken {
        return Err(DomainError::invalid(
            "quando",
            format!(
                "{place} è già occupato il {} alle {} (appuntamento {other})",
                super::time::format_ts_date(slot.at),
                super::time::format_ts_time(slot.at)
            ),
        ));
    }
    Ok(Slot { at: slot.at, place })
}

fn unpaid_fee(app: &Application) -> Result<&FeeNotice, DomainError> {
    match &app.fee {
        None => Err(DomainError::invalid(
            "avviso",
            "nessun avviso di pagamento emesso",
        )),
        Some(fee) if fee.is_paid() => Err(DomainError::invalid(
            "avviso",
            format!("l'avviso {} risulta già pagato", fee.notice.as_str()),
        )),
        Some(fee) => Ok(fee),
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

fn appointment_mut(
    snapshot: &mut Snapshot,
    id: AppointmentId,
) -> Result<&mut Appointment, DomainError> {
    match &mut snapshot.appointment {
        Some(appointment) if appointment.id == id => Ok(appointment),
        _ => Err(DomainError::Internal(format!(
            "evento dell'appuntamento {id} senza l'appuntamento"
        ))),
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
        CallPublished { .. } => {
            let call = snapshot
                .call
                .as_mut()
                .ok_or_else(|| DomainError::Internal("bando pubblicato senza bando".into()))?;
            call.published_at = Some(event.at);
            return Ok(());
        }
        InterestedAdded { fiscal_codes, .. } => {
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
            return Ok(());
        }
        InterestedRemoved { fiscal_code, .. } => {
            snapshot.interested.remove(fiscal_code);
            return Ok(());
        }
        AppointmentBooked { appointment } => {
            snapshot.next_appointment_id = appointment.id.0.checked_add(1).ok_or_else(|| {
                DomainError::Internal("contatore degli appuntamenti al valore massimo".into())
            })?;
            snapshot.appointment = Some((**appointment).clone());
            return Ok(());
        }
        AppointmentRescheduled { id, slot, .. } => {
            let appointment = appointment_mut(snapshot, *id)?;
            appointment.slot = slot.clone();
            return Ok(());
        }
        AppointmentCancelled { id, .. } => {
            let appointment = appointment_mut(snapshot, *id)?;
            appointment.state = AppointmentState::Annullato {
                at: event.at,
                reason: event.reason.clone().unwrap_or_default(),
            };
            return Ok(());
        }
        MessageQueued { .. }
        | MessageSent { .. }
        | MessageRejected { .. }
        | MessageUnreachable { .. }
        | MessageUncertain { .. }
        | MessageRequeued { .. }
        | MessagesExported { .. }
        | RankingPublished { .. }
        | LotsDrawn { .. } => return Ok(()),
        RulesetSaved { ruleset, .. } => {
            snapshot.ruleset = Some((**ruleset).clone());
            return Ok(());
        }
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
            app.protocol = Some(protocol.clone());
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
        ItemVerified { item, verified, .. } => {
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
        FeeIssued { fee, .. } => app.fee = Some((**fee).clone()),
        FeePaid { paid_on, .. } => {
            let fee = app
                .fee
                .as_mut()
                .ok_or_else(|| DomainError::Internal("pagamento senza avviso".into()))?;
            fee.payment = Some(Payment {
                paid_on: *paid_on,
                recorded_at: event.at,
                recorded_by: event.actor.clone(),
            });
        }
        FeeReminded { .. } => {
            let fee = app
                .fee
                .as_mut()
                .ok_or_else(|| DomainError::Internal("promemoria senza avviso".into()))?;
            fee.reminders.push(event.at);
        }
        ScoreAdjusted { adjustment, .. } => super::objection::apply_adjustment(
            app,
            adjustment,
            event.reason.clone().unwrap_or_default(),
            &event.actor,
            event.at,
        ),
        ObjectionFiled {
            version,
            received_on,
            ..
        } => app.objections.push(Objection {
            version: *version,
            received_on: *received_on,
            text: event.reason.clone().unwrap_or_default(),
            recorded_by: event.actor.clone(),
            recorded_at: event.at,
            decision: None,
        }),
        ObjectionDecided {
            index, accepted, ..
        } => {
            let objection = app
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
        CallSaved { .. }
        | CallActivated { .. }
        | CallPublished { .. }
        | InterestedAdded { .. }
        | InterestedRemoved { .. }
        | AppointmentBooked { .. }
        | AppointmentRescheduled { .. }
        | AppointmentCancelled { .. }
        | ApplicationReceived { .. }
        | MessageQueued { .. }
        | MessageSent { .. }
        | MessageRejected { .. }
        | MessageUnreachable { .. }
        | MessageUncertain { .. }
        | MessageRequeued { .. }
        | MessagesExported { .. }
        | RulesetSaved { .. }
        | RankingPublished { .. }
        | LotsDrawn { .. } => {}
    }
    Ok(())
}
