//! The lease after the assignment decree: the contract announced ready, the appointment for
//! the signature booked on the agenda, the lease signed with its rent; then the tenant's ISEE
//! on file and the rent's yearly changes.

mod decide;
mod evolve;
mod rent;
mod text;

pub(crate) use text::EVENT_NAMES;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Given, Rules};
use crate::domain::ApplicationId;
use crate::domain::command::{Command, Needs};
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::lease::{LeaseTerms, RentFigures};
use crate::domain::snapshot::Snapshot;

/// A lease as the caseworker records its signature; the rent is computed by the office from
/// the rules in force on the signing day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewLease {
    /// As the agency gives it.
    pub number: String,
    pub signed_on: NaiveDate,
    /// The signing day when absent.
    pub starts_on: Option<NaiveDate>,
    /// Who signed for the agency; the caseworker when absent.
    pub signatory: Option<String>,
    pub terms: LeaseTerms,
    pub rent: RentFigures,
}

pub(crate) struct LeaseRules;

impl Rules for LeaseRules {
    fn needs<'a>(&self, command: &'a Command) -> Needs<'a> {
        let contract = |id| Needs {
            application: Some(id),
            placement: true,
            contract: true,
            ..Needs::default()
        };
        match command {
            Command::ContractReady { id } | Command::SignLease { id, .. } => contract(*id),
            Command::RecordTenantIsee { id, .. } | Command::ChangeRent { id, .. } => Needs {
                application: Some(*id),
                contract: true,
                ..Needs::default()
            },
            Command::BookSigning { id, slot } => Needs {
                slot: Some(slot),
                ..contract(*id)
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
            EventKind::ContractReadied { id, .. }
            | EventKind::SigningBooked { id, .. }
            | EventKind::LeaseSigned { id, .. }
            | EventKind::TenantIseeRecorded { id, .. }
            | EventKind::RentChanged { id, .. } => Some(*id),
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
