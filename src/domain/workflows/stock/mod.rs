//! The housing stock: dwellings added and changed (an import of the agency's register or the
//! console's form, all or none) and their state changed by hand with a reason.

mod decide;
mod evolve;
mod text;

pub(crate) use text::EVENT_NAMES;

use super::{Given, Rules};
use crate::domain::ApplicationId;
use crate::domain::command::{Command, DwellingKeys, Needs};
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::snapshot::Snapshot;

pub(crate) struct Stock;

impl Rules for Stock {
    fn needs<'a>(&self, command: &'a Command) -> Needs<'a> {
        match command {
            Command::SaveDwellings { dwellings } => Needs {
                dwellings: DwellingKeys::Of(dwellings),
                ..Needs::default()
            },
            Command::ChangeDwellingState { code, .. } => Needs {
                dwellings: DwellingKeys::One(code),
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

#[cfg(test)]
mod tests;
