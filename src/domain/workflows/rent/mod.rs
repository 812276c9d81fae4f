//! Rent: the rules loaded, each tenancy's monthly notice on pagoPA, what pagoPA answered, the
//! payments, the reminder and the missed-payment message, and the office's decisions on
//! arrears (the decadenza flag, morosità incolpevole, a repayment plan).

mod decide;
mod evolve;
mod text;

pub(crate) use text::EVENT_NAMES;

use super::{Given, Rules};
use crate::domain::ApplicationId;
use crate::domain::command::{Command, Needs, RentNoticeKeys};
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::snapshot::Snapshot;

pub(crate) struct Rent;

impl Rules for Rent {
    fn needs<'a>(&self, command: &'a Command) -> Needs<'a> {
        let on = |id, notices| Needs {
            application: Some(id),
            rent_notices: notices,
            tenancy: true,
            without_call: true,
            ..Needs::default()
        };
        match command {
            Command::SaveRentRules { rules } => Needs {
                rent_rules: Some(&rules.version),
                without_call: true,
                ..Needs::default()
            },
            Command::IssueRent { id, month, .. } => Needs {
                rent_counter: true,
                ..on(*id, RentNoticeKeys::One(*month))
            },
            Command::RecordGpdOutcome { id, month, .. }
            | Command::RecordRentPayment { id, month, .. }
            | Command::RemindRent { id, month }
            | Command::TellRentOverdue { id, month } => on(*id, RentNoticeKeys::One(*month)),
            Command::FlagArrears { id, .. }
            | Command::RecordInnocentArrears { id, .. }
            | Command::AgreeRepaymentPlan { id, .. } => on(*id, RentNoticeKeys::All),
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
            RentIssued { id, .. }
            | RentGpdRecorded { id, .. }
            | RentPaid { id, .. }
            | RentReminded { id, .. }
            | RentOverdueTold { id, .. }
            | ArrearsFlagged { id, .. }
            | InnocentArrearsRecorded { id, .. }
            | RepaymentPlanAgreed { id, .. } => Some(*id),
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
