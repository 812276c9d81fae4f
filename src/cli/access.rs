//! The role each subcommand needs, for those that call the office directly rather than
//! through `Office::handle`. One match over every subcommand, with no catch-all arm: a new
//! subcommand cannot be added without deciding who may run it. The roles follow the office's
//! (`office::required_role`): what changes a call or restores the database is the
//! administrator's, ranking decisions the responsabile's, intake and messages the operatore's.

use super::{
    AssignmentCommand, AuditCommand, CallCommand, Command, ContractCommand, ImportCommand,
    InterestedCommand, OutboxCommand, RankingCommand, RentCommand, ReviewCommand, UnitsCommand,
};
use crate::domain::roles::Role;

/// The least role that may run `command`; the console (no subcommand) checks each request.
pub fn needed(command: Option<&Command>) -> Role {
    let Some(command) = command else {
        return Role::Consultazione;
    };
    match command {
        Command::Demo { .. } | Command::Restore { .. } | Command::Export { .. } => {
            Role::Amministratore
        }
        Command::Import(ImportCommand::Applications { .. }) => Role::Operatore,
        Command::Call(call) => match call {
            CallCommand::Load { .. } | CallCommand::Publish { .. } => Role::Amministratore,
            CallCommand::List => Role::Consultazione,
            CallCommand::Interested(interested) => match interested {
                InterestedCommand::Import { .. } | InterestedCommand::Remove { .. } => {
                    Role::Operatore
                }
                InterestedCommand::List { .. } => Role::Consultazione,
            },
        },
        Command::Audit(audit) => match audit {
            AuditCommand::Verify { .. } => Role::Consultazione,
            AuditCommand::Keygen { .. } | AuditCommand::Sign { .. } => Role::Amministratore,
        },
        // Each console connected is then checked for its own user's role.
        Command::Serve { .. } => Role::Consultazione,
        // The stock is kept by the office that runs the round.
        Command::Units(units) => match units {
            UnitsCommand::Import { .. } | UnitsCommand::State { .. } => Role::Operatore,
            UnitsCommand::List { .. } | UnitsCommand::Show { .. } => Role::Consultazione,
        },
        Command::Check | Command::Appointments { .. } | Command::Show { .. } => Role::Consultazione,
        // Who read which case is for those who answer for the office's privacy.
        Command::Access { .. } => Role::Responsabile,
        Command::Outbox(outbox) => match outbox {
            OutboxCommand::List { .. } => Role::Consultazione,
            OutboxCommand::Send { .. }
            | OutboxCommand::Requeue { .. }
            | OutboxCommand::MarkSent { .. }
            | OutboxCommand::Export { .. }
            | OutboxCommand::ImportReceipts { .. }
            | OutboxCommand::SendBundle { .. }
            | OutboxCommand::Withdraw { .. } => Role::Operatore,
            // The bundle key lets a machine send as the Comune: a sender setting.
            OutboxCommand::Keygen { .. } => Role::Amministratore,
        },
        // Decisions on who stays in the call are the responsabile's; recording what the citizen
        // answered is intake.
        Command::Review(review) => match review {
            ReviewCommand::Observations { .. } => Role::Operatore,
            ReviewCommand::Admit { .. }
            | ReviewCommand::RevokeAdmission { .. }
            | ReviewCommand::Notice { .. }
            | ReviewCommand::ConfirmExclusion { .. }
            | ReviewCommand::WithdrawNotice { .. } => Role::Responsabile,
        },
        Command::Ranking(ranking) => match ranking {
            RankingCommand::Rules { .. } => Role::Amministratore,
            RankingCommand::Show { .. }
            | RankingCommand::Versions { .. }
            | RankingCommand::Export { .. }
            | RankingCommand::Draw { .. } => Role::Consultazione,
            RankingCommand::Objection { .. } => Role::Operatore,
            RankingCommand::Publish { .. }
            | RankingCommand::Decide { .. }
            | RankingCommand::Adjust { .. } => Role::Responsabile,
        },
        // Opening the round, exclusions, decrees and offers out of ranking order are the
        // responsabile's; offers in order and the citizen's replies are the office's.
        Command::Assignment(assignment) => match assignment {
            AssignmentCommand::List { .. } | AssignmentCommand::Next { .. } => Role::Consultazione,
            AssignmentCommand::Offer { fuori_ordine, .. } => {
                crate::office::offer_role(fuori_ordine.as_deref())
            }
            AssignmentCommand::Reply { ingiustificato, .. } => {
                if *ingiustificato {
                    Role::Responsabile
                } else {
                    Role::Operatore
                }
            }
            AssignmentCommand::Warn { .. } => Role::Operatore,
            AssignmentCommand::Open { .. }
            | AssignmentCommand::Exclude { .. }
            | AssignmentCommand::Decree { .. } => Role::Responsabile,
        },
        // The lease follows the decree, by whoever decrees; reading it is anyone's.
        Command::Contract(contract) => match contract {
            ContractCommand::Show { .. } | ContractCommand::List => Role::Consultazione,
            ContractCommand::Ready { .. }
            | ContractCommand::Appointment { .. }
            | ContractCommand::Sign { .. } => Role::Responsabile,
        },
        // The month's notices and payments are the office's; what stops or suspends the
        // decadenza procedure is the responsabile's.
        Command::Rent(rent) => match rent {
            RentCommand::Rules {
                controlla: true, ..
            }
            | RentCommand::Show { .. }
            | RentCommand::Recompute {
                conferma: false, ..
            }
            | RentCommand::Arrears => Role::Consultazione,
            RentCommand::Rules { .. } => Role::Amministratore,
            RentCommand::Issue { .. }
            | RentCommand::Sync { .. }
            | RentCommand::Remind { .. }
            | RentCommand::Paid { .. }
            | RentCommand::Requeue { .. }
            | RentCommand::Isee { .. } => Role::Operatore,
            RentCommand::Overdue
            | RentCommand::Innocent { .. }
            | RentCommand::Plan { .. }
            | RentCommand::Recompute { .. } => Role::Responsabile,
        },
    }
}
