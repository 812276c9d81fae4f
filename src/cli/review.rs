//! `alloggi review …`: the decisions on an application under review that the command line
//! takes, each with its reason for the audit log: revoking an admission, and the notice of the
//! grounds for refusal (art. 10-bis L. 241/1990) with the citizen's observations, then the
//! exclusion confirmed or the notice withdrawn.

use super::ReviewCommand;
use super::args::by_protocol;
use super::commands::context;
use crate::domain::application::ExclusionReason;
use crate::domain::time::{format_date, parse_date};
use crate::domain::{Command, EventKind};
use crate::office::{Caller, Office};

pub fn run(office: &Office, command: ReviewCommand, actor: &Caller) -> Result<(), String> {
    let ctx = context(actor);
    match command {
        ReviewCommand::Admit {
            protocollo,
            nota,
            deroga,
        } => {
            let id = by_protocol(office, &protocollo)?.id;
            let command = Command::Admit {
                id,
                note: nota,
                waiver: deroga,
            };
            let events = office.execute(&ctx, &command)?;
            let waived = events.iter().find_map(|e| match &e.kind {
                EventKind::Admitted { unverified, .. } if !unverified.is_empty() => {
                    Some(unverified.join(", "))
                }
                _ => None,
            });
            match waived {
                Some(requirements) => println!(
                    "Domanda {protocollo} ammessa in deroga; requisiti non verificati: {requirements}."
                ),
                None => println!("Domanda {protocollo} ammessa."),
            }
        }
        ReviewCommand::RevokeAdmission { protocollo, motivo } => {
            let id = by_protocol(office, &protocollo)?.id;
            office.execute(&ctx, &Command::RevokeAdmission { id, reason: motivo })?;
            println!(
                "Ammissione della domanda {protocollo} revocata: la domanda è di nuovo in istruttoria."
            );
        }
        ReviewCommand::Notice {
            protocollo,
            causa,
            nota,
        } => {
            let id = by_protocol(office, &protocollo)?.id;
            let reason = cause(&causa)?;
            let command = Command::NotifyRefusalGrounds {
                id,
                reason,
                note: nota,
            };
            let queued = office.run_step(&ctx, &command)?;
            let app = by_protocol(office, &protocollo)?;
            let deadline = app
                .refusal_notice
                .as_ref()
                .map(|n| format_date(n.deadline))
                .unwrap_or_default();
            println!(
                "Preavviso di rigetto per la domanda {protocollo} ({}): osservazioni entro il {deadline}.",
                reason.label()
            );
            match (queued, office.comune()) {
                (Some(done), _) => println!(
                    "Messaggio IO {} accodato: «{}» (testo del Comune, non del catalogo IO).",
                    done.queued, done.title
                ),
                (None, Err(e)) => println!(
                    "Nessun messaggio IO accodato ({e}): comunicare i motivi al cittadino in altro modo."
                ),
                (None, Ok(_)) => {}
            }
        }
        ReviewCommand::Observations {
            protocollo,
            data,
            testo,
        } => {
            let id = by_protocol(office, &protocollo)?.id;
            let received_on = parse_date(&data).map_err(|e| e.to_string())?;
            let command = Command::RecordObservations {
                id,
                received_on,
                text: testo,
            };
            office.execute(&ctx, &command)?;
            println!(
                "Osservazioni al preavviso della domanda {protocollo} registrate: ora si può decidere."
            );
        }
        ReviewCommand::ConfirmExclusion { protocollo, nota } => {
            let id = by_protocol(office, &protocollo)?.id;
            office.execute(&ctx, &Command::ConfirmExclusion { id, note: nota })?;
            println!("Esclusione della domanda {protocollo} confermata.");
        }
        ReviewCommand::WithdrawNotice { protocollo, motivo } => {
            let id = by_protocol(office, &protocollo)?.id;
            office.execute(&ctx, &Command::WithdrawRefusalNotice { id, reason: motivo })?;
            println!(
                "Preavviso di rigetto della domanda {protocollo} ritirato: l'istruttoria prosegue."
            );
        }
    }
    Ok(())
}

/// An exclusion cause by its name, as `--causa` takes it: the label's words joined by `-`.
fn cause(text: &str) -> Result<ExclusionReason, String> {
    let name = |r: &ExclusionReason| cause_name(*r);
    let wanted = text.trim().to_lowercase().replace('_', "-");
    ExclusionReason::ALL
        .into_iter()
        .find(|r| name(r) == wanted)
        .ok_or_else(|| {
            let names: Vec<String> = ExclusionReason::ALL.iter().map(name).collect();
            format!(
                "causa «{}» sconosciuta: usare una tra {}",
                text.trim(),
                names.join(", ")
            )
        })
}

fn cause_name(reason: ExclusionReason) -> String {
    match reason {
        ExclusionReason::RequisitoMancante => "requisito-mancante",
        ExclusionReason::DocumentiMancanti => "documenti-mancanti",
        ExclusionReason::IseeSuperiore => "isee-superiore",
        ExclusionReason::FalsaDichiarazione => "falsa-dichiarazione",
        ExclusionReason::DomandaTardiva => "domanda-tardiva",
        ExclusionReason::Altro => "altro",
    }
    .to_string()
}
