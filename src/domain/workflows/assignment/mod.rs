//! The assignment round on a call's definitive ranking: its opening, the requirements checked
//! again before an offer, offers, replies, the formal warning, exclusions and the decree.

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

pub(crate) struct Assignment;

impl Rules for Assignment {
    fn needs<'a>(&self, command: &'a Command) -> Needs<'a> {
        let placement = |id| Needs {
            application: Some(id),
            placement: true,
            ..Needs::default()
        };
        match command {
            Command::OpenAssignment { call, .. } => Needs {
                call: Some(call),
                ranking: true,
                round: true,
                ..Needs::default()
            },
            Command::MakeOffer { id, dwelling, .. } => Needs {
                dwellings: DwellingKeys::One(dwelling),
                ..placement(*id)
            },
            // A signed lease keeps its tenant out of the round's exclusions.
            Command::ExcludeCandidate { id, .. } => Needs {
                contract: true,
                ..placement(*id)
            },
            Command::ConfirmRequirements { id }
            | Command::ReplyToOffer { id, .. }
            | Command::WarnCandidate { id, .. }
            | Command::DecreeAssignment { id, .. } => placement(*id),
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
        use EventKind::*;
        match kind {
            RequirementsConfirmed { id }
            | OfferMade { id, .. }
            | OfferAccepted { id, .. }
            | OfferRefused { id, .. }
            | CandidateWarned { id, .. }
            | CandidateExcluded { id, .. }
            | AssignmentDecreed { id, .. } => Some(*id),
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

#[cfg(test)]
mod tests;
