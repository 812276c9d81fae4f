//! The call: saving and activating it, publishing it, and the citizens interested in it.

mod decide;
mod evolve;
mod text;

pub(crate) use text::EVENT_NAMES;

use super::{Given, Rules};
use crate::domain::ApplicationId;
use crate::domain::command::{Command, Needs};
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::snapshot::Snapshot;

pub(crate) struct Calls;

impl Rules for Calls {
    fn needs<'a>(&self, command: &'a Command) -> Needs<'a> {
        match command {
            Command::SaveCall(call) => Needs {
                call: Some(&call.code),
                ..Needs::default()
            },
            Command::ActivateCall { code } => Needs {
                call: Some(code),
                ..Needs::default()
            },
            // Publishing tells the interested citizens in the same transaction.
            Command::PublishCall { code: call }
            | Command::AddInterested { call, .. }
            | Command::RemoveInterested { call, .. } => Needs {
                call: Some(call),
                interested: true,
                ..Needs::default()
            },
            _ => Needs::default(),
        }
    }

    fn decide(&self, given: &Given<'_>) -> Result<Vec<Event>, DomainError> {
        decide::decide(given)
    }

    fn evolve(&self, snapshot: &mut Snapshot, event: &Event) -> Result<(), DomainError> {
        evolve::evolve(snapshot, event)
    }

    fn application_id(&self, _kind: &EventKind) -> Option<ApplicationId> {
        None
    }

    fn kind_name(&self, kind: &EventKind) -> Option<&'static str> {
        text::kind_name(kind)
    }

    fn summary(&self, kind: &EventKind) -> Option<String> {
        text::summary(kind)
    }
}
