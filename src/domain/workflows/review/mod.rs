//! The review of a registered application: requirements and declared conditions verified,
//! documents and integration requests, household and contact changes, and the decision
//! (admission, exclusion, reinstatement, revocation of an admission), and the notice of the
//! grounds for refusal that precedes an exclusion (L. 241/1990 art. 10-bis).

mod decide;
mod evolve;
mod text;

pub use decide::{exclusion_contradiction, unverified_requirements};
pub(crate) use text::EVENT_NAMES;

use super::{Given, Rules};
use crate::domain::ApplicationId;
use crate::domain::command::{Command, Needs};
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::snapshot::Snapshot;

pub(crate) struct Review;

impl Rules for Review {
    fn needs<'a>(&self, command: &'a Command) -> Needs<'a> {
        use Command::*;
        match command {
            StartReview { id }
            | RequestIntegration { id, .. }
            | ReceiveIntegration { id, .. }
            | RecordDocument { id, .. }
            | Admit { id, .. }
            | Exclude { id, .. }
            | Reinstate { id, .. }
            | NotifyRefusalGrounds { id, .. }
            | RecordObservations { id, .. }
            | ConfirmExclusion { id, .. }
            | WithdrawRefusalNotice { id, .. }
            | UpdateContact { id, .. }
            | AddMember { id, .. }
            | RemoveMember { id, .. }
            | Verify { id, .. }
            | VerifyItems { id, .. } => Needs {
                application: Some(*id),
                ..Needs::default()
            },
            // Revocation ends when the definitive ranking is published.
            RevokeAdmission { id, .. } => Needs {
                application: Some(*id),
                ranking: true,
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
        use EventKind::*;
        match kind {
            ReviewStarted { id }
            | IntegrationRequested { id, .. }
            | IntegrationReceived { id, .. }
            | DocumentRecorded { id, .. }
            | Admitted { id, .. }
            | Excluded { id, .. }
            | Reinstated { id }
            | AdmissionRevoked { id }
            | RefusalNoticeSent { id, .. }
            | ObservationsReceived { id, .. }
            | ExclusionConfirmed { id, .. }
            | RefusalNoticeWithdrawn { id }
            | ContactUpdated { id, .. }
            | MemberAdded { id, .. }
            | MemberRemoved { id, .. }
            | ItemVerified { id, .. } => Some(*id),
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
pub(crate) mod tests;
