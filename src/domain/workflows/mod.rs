//! The office's workflows, one module each: what a workflow's commands need loaded, how it
//! decides them, how its events change the snapshot, and its Italian words for them. The root
//! `Command`, `EventKind`, `decide`, `evolve` and `Event::summary` only route each variant to the
//! workflow it belongs to (`Command::workflow`, `EventKind::workflow`, `Workflow::rules`).
//!
//! A new workflow is a new folder here, one line in `workflows!` below, and its commands and
//! events declared at the root, each routed by one arm of `Command::workflow` and
//! `EventKind::workflow` (they are the public and stored vocabulary).

use super::ApplicationId;
use super::application::Application;
use super::call::Call;
use super::command::{Command, Context, Needs};
use super::error::DomainError;
use super::event::{Event, EventKind};
use super::snapshot::Snapshot;

/// The workflows, one line each in lifecycle order (`EVENT_KIND_NAMES` follows it): the
/// module, the `Workflow` variant, and the value that answers for its rules. Each module
/// declares `EVENT_NAMES`, the names its events take in the audit log.
macro_rules! workflows {
    ($($(#[$doc:meta])* $module:ident => $variant:ident($rules:ident),)+) => {
        $(pub mod $module;)+

        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Workflow {
            $($(#[$doc])* $variant,)+
        }

        impl Workflow {
            /// In the order of the lifecycle.
            pub const ALL: [Workflow; [$(Workflow::$variant),+].len()] = [$(Workflow::$variant),+];

            /// The names `Event::kind_name` gives the workflow's events, in lifecycle order.
            pub const fn event_names(self) -> &'static [&'static str] {
                match self {
                    $(Workflow::$variant => &$module::EVENT_NAMES,)+
                }
            }

            pub(crate) fn rules(self) -> &'static dyn Rules {
                match self {
                    $(Workflow::$variant => &$module::$rules,)+
                }
            }
        }
    };
}

workflows! {
    /// The call, its publication and the citizens interested in it.
    calls => Calls(Calls),
    /// Counter appointments.
    agenda => Agenda(Agenda),
    /// Applications received and registered.
    intake => Intake(Intake),
    /// Verifications, documents, integration requests, household and contact changes,
    /// admission, exclusion and reinstatement.
    review => Review(Review),
    /// Secretarial-fee notices, payments and reminders.
    fees => Fees(Fees),
    /// The IO outbox: the audit's record of each message's fate.
    messages => Messages(Messages),
    /// Point tables, score adjustments, objections and published rankings.
    ranking => Ranking(Ranking),
    /// The housing stock: dwellings and their state.
    stock => Stock(Stock),
    /// The assignment round: offers in ranking order, replies, warnings, exclusions, decrees.
    assignment => Assignment(Assignment),
    /// The lease: the contract ready, the signing appointment, the signature.
    lease => Lease(LeaseRules),
    /// Rent rules, monthly notices on pagoPA, payments, reminders and arrears.
    rent => Rent(Rent),
}

/// What a workflow knows about its own commands and events. The root hands a workflow only
/// the variants `Command::workflow` and `EventKind::workflow` assign to it; the rest of the
/// vocabulary is answered with `None` or a misrouting error.
pub(crate) trait Rules: Sync {
    /// What the store must load into the snapshot for `command`.
    fn needs<'a>(&self, command: &'a Command) -> Needs<'a>;
    /// The events `command` causes, or why it is refused.
    fn decide(&self, given: &Given<'_>) -> Result<Vec<Event>, DomainError>;
    /// Applies one of the workflow's events to the snapshot.
    fn evolve(&self, snapshot: &mut Snapshot, event: &Event) -> Result<(), DomainError>;
    /// The application an event concerns.
    fn application_id(&self, kind: &EventKind) -> Option<ApplicationId>;
    /// The event's stable machine name, one of `event_names`.
    fn kind_name(&self, kind: &EventKind) -> Option<&'static str>;
    /// One Italian line for the audit log and the case timeline, without the reason.
    fn summary(&self, kind: &EventKind) -> Option<String>;
}

/// A command to decide, the snapshot the store loaded for it, and who acts when.
pub(crate) struct Given<'a> {
    pub snapshot: &'a Snapshot,
    pub command: &'a Command,
    pub ctx: &'a Context,
}

impl<'a> Given<'a> {
    /// An event by the acting caseworker, now.
    pub fn event(&self, kind: EventKind, reason: Option<String>) -> Event {
        Event {
            actor: self.ctx.actor.clone(),
            on_behalf_of: self.ctx.on_behalf_of.clone(),
            at: self.ctx.now,
            reason,
            kind,
        }
    }

    /// The application the command acts on.
    pub fn application(&self) -> Result<&'a Application, DomainError> {
        match (self.command.application_id(), &self.snapshot.application) {
            (Some(id), Some(app)) if app.id == id => Ok(app),
            (Some(id), _) => Err(DomainError::UnknownApplication(id)),
            (None, _) => Err(DomainError::Internal("comando senza domanda".into())),
        }
    }

    /// The call the command concerns: named by it, the application's, or the active one.
    pub fn call(&self) -> Result<&'a Call, DomainError> {
        self.snapshot.call.as_ref().ok_or(DomainError::NoActiveCall)
    }

    /// The call a command names, which the store loaded by that code.
    pub fn named_call(&self, code: &str) -> Result<&'a Call, DomainError> {
        self.snapshot
            .call
            .as_ref()
            .filter(|call| call.code == code)
            .ok_or_else(|| DomainError::UnknownCall(code.to_string()))
    }

    /// The refusal for a command the root routed to the wrong workflow.
    pub fn misrouted(&self) -> DomainError {
        DomainError::Internal(format!(
            "comando affidato al procedimento sbagliato: {:?}",
            self.command.workflow()
        ))
    }
}

/// The application an application event concerns, loaded into the snapshot. Events are facts
/// already checked by `decide`, so its absence means the stored state and the event disagree.
pub(crate) fn application_mut<'s>(
    snapshot: &'s mut Snapshot,
    event: &Event,
) -> Result<&'s mut Application, DomainError> {
    match (&mut snapshot.application, event.application_id()) {
        (Some(app), Some(id)) if app.id == id => Ok(app),
        _ => Err(DomainError::Internal(format!(
            "evento {} senza la sua domanda",
            event.kind_name()
        ))),
    }
}

/// The refusal for an event the root routed to the wrong workflow.
pub(crate) fn misrouted_event(event: &Event) -> DomainError {
    DomainError::Internal(format!(
        "evento {} affidato al procedimento sbagliato",
        event.kind_name()
    ))
}

/// A reason or note as given, trimmed; `None` when blank.
pub(crate) fn non_empty(text: &Option<String>) -> Option<String> {
    text.as_ref()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// A document code the call's checklist knows.
pub(crate) fn known_document(call: &Call, code: &str) -> Result<(), DomainError> {
    call.document(code).map(|_| ()).ok_or_else(|| {
        DomainError::invalid(
            "documenti",
            format!("documento '{code}' non previsto dal bando {}", call.code),
        )
    })
}

#[cfg(test)]
mod tests;
