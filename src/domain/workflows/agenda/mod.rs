//! Counter appointments: booking, moving and cancelling them.

mod decide;
mod evolve;
mod text;

pub(crate) use decide::bookable;
pub(crate) use text::EVENT_NAMES;

use serde::{Deserialize, Serialize};

use super::{Given, Rules};
use crate::domain::ApplicationId;
use crate::domain::appointment::{Citizen, Slot};
use crate::domain::command::{Command, Needs};
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::snapshot::Snapshot;

/// A booking as the caseworker types it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAppointment {
    pub citizen: Citizen,
    pub application: Option<ApplicationId>,
    pub subject: String,
    pub slot: Slot,
}

pub(crate) struct Agenda;

impl Rules for Agenda {
    fn needs<'a>(&self, command: &'a Command) -> Needs<'a> {
        match command {
            Command::BookAppointment(new) => Needs {
                application: new.application,
                slot: Some(&new.slot),
                ..Needs::default()
            },
            Command::RescheduleAppointment { id, slot } => Needs {
                appointment: Some(*id),
                slot: Some(slot),
                ..Needs::default()
            },
            Command::CancelAppointment { id, .. } => Needs {
                appointment: Some(*id),
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
            EventKind::AppointmentBooked { appointment } => appointment.application,
            EventKind::AppointmentRescheduled { application, .. }
            | EventKind::AppointmentCancelled { application, .. } => *application,
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
