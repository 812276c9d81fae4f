//! The role each request needs: one match over every request and every command, with no
//! catch-all arm, so that a new one cannot be added without deciding who may ask it.

use crate::domain::Command;
use crate::domain::command::OfferReply;
use crate::domain::roles::Role;

use super::{Batch, Request, Step};

/// The least role that may ask `request`.
pub fn required_role(request: &Request) -> Role {
    match request {
        Request::Summary { .. }
        | Request::Rows
        | Request::Row { .. }
        | Request::RowsOf { .. }
        | Request::Case { .. }
        | Request::RankingData
        | Request::RankingVersion { .. }
        | Request::RankingEntries { .. }
        | Request::RankingExport { .. }
        | Request::AuditPage { .. }
        | Request::ApplicationByProtocol { .. }
        | Request::CallsOverview
        | Request::Call { .. }
        | Request::Interested { .. }
        | Request::AgendaDay { .. }
        | Request::OutboxView { .. }
        | Request::IoProfileAllowed { .. }
        | Request::Dwellings { .. }
        | Request::Dwelling { .. }
        | Request::RoundView { .. }
        | Request::NextOffer { .. }
        | Request::PlacementView { .. }
        | Request::ContractFile { .. }
        | Request::Leases
        | Request::Contracts
        | Request::RentMonth { .. }
        | Request::Arrears { .. }
        | Request::TenantAccount { .. }
        | Request::LeaseAccount { .. }
        | Request::RentBatchCount { .. }
        | Request::RecomputePreview { .. } => Role::Consultazione,
        // Notices, reminders and payments are the office's; flagging arrears after the
        // overdue messages, and the rent's yearly update, are the responsabile's.
        Request::RentBatch(kind) => match kind {
            super::rent::RentBatchKind::Overdue | super::rent::RentBatchKind::Recompute { .. } => {
                Role::Responsabile
            }
            super::rent::RentBatchKind::Issue { .. }
            | super::rent::RentBatchKind::Remind { .. } => Role::Operatore,
        },
        Request::CounterPayment { .. } => Role::Operatore,
        Request::PreviewOpening { .. } | Request::OpenAssignment { .. } => Role::Responsabile,
        // The lease follows the decree, by whoever decrees.
        Request::PreviewSigning { .. } => Role::Responsabile,
        Request::MakeOffer { out_of_order, .. } => {
            if out_of_order
                .as_deref()
                .is_some_and(|r| !r.trim().is_empty())
            {
                Role::Responsabile
            } else {
                Role::Operatore
            }
        }
        // A preview needs the role of what it previews: a form its user could not send is
        // not worth filling.
        Request::PreviewStep(step) | Request::Step(step) | Request::StepSeen { step, .. } => {
            step_role(step)
        }
        // Publishing the call is the administrator's; telling its interested citizens of it
        // afterwards is a message like any other.
        Request::PreviewInterested { publish, .. } | Request::TellInterested { publish, .. } => {
            if *publish {
                Role::Amministratore
            } else {
                Role::Operatore
            }
        }
        Request::PreviewPublication { .. } | Request::PublishRanking { .. } => Role::Responsabile,
        Request::Execute(command) | Request::ExecuteSeen { command, .. } => command_role(command),
        Request::RunSteps(commands) => commands
            .iter()
            .map(command_role)
            .max()
            .unwrap_or(Role::Consultazione),
        Request::Batch(batch) => batch_role(batch),
        Request::AddInterested { .. } => Role::Operatore,
        Request::Requeue { .. }
        | Request::MarkSent { .. }
        | Request::Withdraw { .. }
        | Request::ExportBundle { .. } => Role::Operatore,
    }
}

/// A step sends a message, which is an operatore's work, after its command if it has one.
fn step_role(step: &Step) -> Role {
    step.command
        .as_ref()
        .map_or(Role::Operatore, command_role)
        .max(Role::Operatore)
}

fn batch_role(batch: &Batch) -> Role {
    batch
        .step
        .map(|step| command_role(&step.command(crate::domain::ApplicationId(0))))
        .unwrap_or(Role::Operatore)
        .max(Role::Operatore)
}

/// The least role that may run `command`.
pub fn command_role(command: &Command) -> Role {
    match command {
        // Calls and their point tables are the administrator's.
        Command::SaveCall(_)
        | Command::ActivateCall { .. }
        | Command::PublishCall { .. }
        | Command::SaveRuleset { .. }
        | Command::SaveRentRules { .. } => Role::Amministratore,
        // Decisions that change who is ranked, and where.
        Command::Admit { .. }
        | Command::Exclude { .. }
        | Command::Reinstate { .. }
        | Command::RevokeAdmission { .. }
        | Command::NotifyRefusalGrounds { .. }
        | Command::ConfirmExclusion { .. }
        | Command::WithdrawRefusalNotice { .. }
        | Command::AdjustScore { .. }
        | Command::DecideObjection { .. }
        // The round: its opening, exclusions and decrees.
        | Command::OpenAssignment { .. }
        | Command::ExcludeCandidate { .. }
        | Command::DecreeAssignment { .. }
        // The lease that follows the decree, by whoever decrees.
        | Command::ContractReady { .. }
        | Command::BookSigning { .. }
        | Command::SignLease { .. }
        // The rent's yearly update follows the rules, by whoever signs.
        | Command::ChangeRent { .. }
        // Arrears: the decadenza flag, what suspends it.
        | Command::FlagArrears { .. }
        | Command::RecordInnocentArrears { .. }
        | Command::AgreeRepaymentPlan { .. }
        | Command::ReplyToOffer {
            reply: OfferReply::RefuseUnjustified,
            ..
        } => Role::Responsabile,
        // An offer out of ranking order is the responsabile's; in order, the office's.
        Command::MakeOffer { out_of_order, .. } => offer_role(out_of_order.as_deref()),
        // Intake, review, appointments, fees, objections received.
        Command::AddInterested { .. }
        | Command::RemoveInterested { .. }
        | Command::BookAppointment(_)
        | Command::RescheduleAppointment { .. }
        | Command::CancelAppointment { .. }
        | Command::ReceiveApplication(_)
        | Command::RegisterApplication { .. }
        | Command::StartReview { .. }
        | Command::RequestIntegration { .. }
        | Command::ReceiveIntegration { .. }
        | Command::RecordDocument { .. }
        | Command::UpdateContact { .. }
        | Command::AddMember { .. }
        | Command::RemoveMember { .. }
        | Command::Verify { .. }
        | Command::VerifyItems { .. }
        | Command::IssueFee { .. }
        | Command::RecordPayment { .. }
        | Command::RemindFee { .. }
        | Command::FileObjection { .. }
        | Command::RecordObservations { .. }
        // The housing stock is kept by the office that runs the round.
        | Command::SaveDwellings { .. }
        | Command::ChangeDwellingState { .. }
        | Command::ConfirmRequirements { .. }
        | Command::ReplyToOffer { .. }
        | Command::WarnCandidate { .. }
        // The tenant's ISEE, the month's notices and what follows them.
        | Command::RecordTenantIsee { .. }
        | Command::IssueRent { .. }
        | Command::RecordGpdOutcome { .. }
        | Command::RecordRentPayment { .. }
        | Command::RemindRent { .. }
        | Command::TellRentOverdue { .. } => Role::Operatore,
    }
}

/// An offer out of ranking order is the responsabile's; in order, the office's.
pub fn offer_role(out_of_order: Option<&str>) -> Role {
    if out_of_order.is_some_and(|reason| !reason.trim().is_empty()) {
        Role::Responsabile
    } else {
        Role::Operatore
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::office::RentBatchKind;
    use chrono::NaiveDate;

    #[test]
    fn the_yearly_update_is_read_by_anyone_and_recorded_by_the_responsabile() {
        let from = NaiveDate::from_ymd_opt(2026, 1, 1).expect("day");
        assert_eq!(
            required_role(&Request::RecomputePreview { from }),
            Role::Consultazione
        );
        assert_eq!(
            required_role(&Request::RentBatch(RentBatchKind::Recompute { from })),
            Role::Responsabile
        );
        assert_eq!(
            required_role(&Request::RentBatchCount {
                kind: RentBatchKind::Recompute { from },
                day: from,
            }),
            Role::Consultazione
        );
    }
}
