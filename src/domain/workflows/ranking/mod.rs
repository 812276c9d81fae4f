//! Rankings: a call's point table, score adjustments, objections to the provisional ranking,
//! and the audit's record of each published version and draw by lot. Publishing itself reads
//! every application of the call, so the store does it outside `decide`.

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

pub(crate) struct Ranking;

impl Rules for Ranking {
    fn needs<'a>(&self, command: &'a Command) -> Needs<'a> {
        match command {
            Command::SaveRuleset { call, .. } => Needs {
                call: Some(call),
                ruleset: true,
                ..Needs::default()
            },
            Command::AdjustScore { id, .. } => Needs {
                application: Some(*id),
                ruleset: true,
                ..Needs::default()
            },
            Command::FileObjection { id, .. } | Command::DecideObjection { id, .. } => Needs {
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
        match kind {
            EventKind::ScoreAdjusted { id, .. }
            | EventKind::ObjectionFiled { id, .. }
            | EventKind::ObjectionDecided { id, .. } => Some(*id),
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
