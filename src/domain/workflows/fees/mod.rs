//! Secretarial fees: the pagoPA notice issued for an application, its payment and reminders.

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

pub(crate) struct Fees;

impl Rules for Fees {
    fn needs<'a>(&self, command: &'a Command) -> Needs<'a> {
        match command {
            Command::IssueFee { id, .. }
            | Command::RecordPayment { id, .. }
            | Command::RemindFee { id } => Needs {
                application: Some(*id),
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

    fn application_id(&self, kind: &EventKind) -> Option<ApplicationId> {
        match kind {
            EventKind::FeeIssued { id, .. }
            | EventKind::FeePaid { id, .. }
            | EventKind::FeeReminded { id } => Some(*id),
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
