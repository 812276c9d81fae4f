//! IO messages: the audit's record of each message's fate in the outbox. The outbox itself is
//! written by the store; no command of the caseworker's belongs here, and the events change
//! nothing a command's snapshot holds.

mod text;

pub(crate) use text::EVENT_NAMES;

use super::{Given, Rules, misrouted_event};
use crate::domain::ApplicationId;
use crate::domain::command::{Command, Needs};
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::snapshot::Snapshot;

pub(crate) struct Messages;

impl Rules for Messages {
    fn needs<'a>(&self, _command: &'a Command) -> Needs<'a> {
        Needs::default()
    }

    fn decide(&self, given: &Given<'_>) -> Result<Vec<Event>, DomainError> {
        Err(given.misrouted())
    }

    fn evolve(&self, _snapshot: &mut Snapshot, event: &Event) -> Result<(), DomainError> {
        match event.kind.workflow() {
            super::Workflow::Messages => Ok(()),
            _ => Err(misrouted_event(event)),
        }
    }

    fn application_id(&self, kind: &EventKind) -> Option<ApplicationId> {
        use EventKind::*;
        match kind {
            MessageQueued { application, .. }
            | MessageSent { application, .. }
            | MessageRejected { application, .. }
            | MessageUnreachable { application, .. }
            | MessageUncertain { application, .. }
            | MessageRequeued { application, .. }
            | MessageWithdrawn { application, .. } => *application,
            _ => None,
        }
    }

    fn kind_name(&self, kind: &EventKind) -> Option<&'static str> {
        text::kind_name(kind)
    }

    fn summary(&self, kind: &EventKind) -> Option<String> {
        text::summary(kind)
    }
}
