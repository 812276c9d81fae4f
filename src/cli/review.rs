//! `alloggi review …`: the decisions on an application under review that the command line
//! takes, each with its reason for the audit log.

use super::ReviewCommand;
use super::commands::context;
use crate::domain::Command;
use crate::office::Office;

pub fn run(office: &Office, command: ReviewCommand, actor: &str) -> Result<(), String> {
    let ctx = context(actor);
    match command {
        ReviewCommand::RevokeAdmission { protocollo, motivo } => {
            let id = by_protocol(office, &protocollo)?.id;
            office.execute(&ctx, &Command::RevokeAdmission { id, reason: motivo })?;
            println!(
                "Ammissione della domanda {protocollo} revocata: la domanda è di nuovo in istruttoria."
            );
            Ok(())
        }
    }
}

fn by_protocol(office: &Office, text: &str) -> Result<crate::domain::Application, String> {
    office
        .application_by_protocol(text.trim())?
        .ok_or_else(|| format!("nessuna domanda con protocollo «{}»", text.trim()))
}
