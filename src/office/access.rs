//! The role each request needs: one match over every request and every command, with no
//! catch-all arm, so that a new one cannot be added without deciding who may ask it.

use crate::domain::Command;
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
        | Request::Dwelling { .. } => Role::Consultazione,
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
        | Command::SaveRuleset { .. } => Role::Amministratore,
        // Decisions that change who is ranked, and where.
        Command::Admit { .. }
        | Command::Exclude { .. }
        | Command::Reinstate { .. }
        | Command::RevokeAdmission { .. }
        | Command::NotifyRefusalGrounds { .. }
        | Command::ConfirmExclusion { .. }
        | Command::WithdrawRefusalNotice { .. }
        | Command::AdjustScore { .. }
        | Command::DecideObjection { .. } => Role::Responsabile,
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
        | Command::ChangeDwellingState { .. } => Role::Operatore,
    }
}
