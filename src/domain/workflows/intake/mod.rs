//! Applications arriving (from the portal's export or typed in at the counter) and their
//! registration with a protocol number.

mod decide;
mod evolve;
mod text;

pub(crate) use text::EVENT_NAMES;

use serde::{Deserialize, Serialize};

use super::{Given, Rules};
use crate::domain::ApplicationId;
use crate::domain::application::Channel;
use crate::domain::command::{Command, Needs};
use crate::domain::contact::Contact;
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::household::{Declaration, Household};
use crate::domain::snapshot::Snapshot;
use crate::domain::time::Timestamp;

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

pub(crate) struct Intake;

impl Rules for Intake {
    fn needs<'a>(&self, command: &'a Command) -> Needs<'a> {
        match command {
            Command::ReceiveApplication(new) => Needs {
                external_id: new.external_id.as_deref(),
                ..Needs::default()
            },
            Command::RegisterApplication { id, .. } => Needs {
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
            EventKind::ApplicationReceived { application } => Some(application.id),
            EventKind::ApplicationRegistered { id, .. } => Some(*id),
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
