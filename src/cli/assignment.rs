//! `alloggi assignment …`: the round on a call's definitive ranking — its opening with the
//! message to every applicant, the next applicant for a dwelling, offers, replies, the formal
//! warning, exclusions and the decree with its message.

use chrono::NaiveDate;

use super::AssignmentCommand;
use super::args::{by_protocol, date};
use super::commands::context;
use crate::domain::command::OfferReply;
use crate::domain::number::plural;
use crate::domain::stock::{DwellingCode, ExclusionCause, Placement};
use crate::domain::time::{format_date, rome_date};
use crate::domain::{Command, EventKind};
use crate::messages::Values;
use crate::office::{Caller, ON_DECREE, Office, Step};

pub fn run(office: &Office, command: AssignmentCommand, actor: &Caller) -> Result<(), String> {
    let ctx = context(actor);
    let today = rome_date(ctx.now);
    match command {
        AssignmentCommand::Open {
            bando,
            dal,
            al,
            anteprima,
        } => {
            office.comune()?;
            let opens_on = date("--dal", &dal)?;
            let closes_on = match al {
                Some(text) => date("--al", &text)?,
                None => opens_on
                    .checked_add_days(chrono::Days::new(30))
                    .unwrap_or(opens_on),
            };
            if anteprima {
                let preview =
                    office.preview_opening(&ctx, bando.as_deref(), opens_on, closes_on)?;
                println!(
                    "Assegnazione del bando {} dal {} al {}: {} da avvisare.",
                    preview.round.call,
                    format_date(opens_on),
                    format_date(closes_on),
                    plural(
                        preview.round.candidates as usize,
                        "richiedente",
                        "richiedenti"
                    )
                );
                if let Some(first) = preview.first {
                    println!(
                        "\nMessaggio al primo ({}): «{}»\n\n{}",
                        first.addressee.fiscal_code,
                        first.message.content.subject,
                        first.message.content.markdown
                    );
                }
                println!("\nAnteprima: nulla è stato scritto.");
                return Ok(());
            }
            let opened = office.open_assignment(&ctx, bando.as_deref(), opens_on, closes_on)?;
            println!(
                "Assegnazione aperta per il bando {} dal {} al {}: {} in ordine di graduatoria.",
                opened.round.call,
                format_date(opened.round.opens_on),
                format_date(opened.round.closes_on),
                plural(
                    opened.round.candidates as usize,
                    "richiedente",
                    "richiedenti"
                )
            );
            println!(
                "{} «Apertura assegnazione alloggi».",
                plural(
                    opened.queued.len(),
                    "messaggio accodato",
                    "messaggi accodati"
                )
            );
        }
        AssignmentCommand::List { bando, scadute } => {
            let view = office.round_view(bando.as_deref())?;
            let mut shown = 0;
            for placement in &view.placements {
                if scadute && !(placement.is_overdue(today) || placement.occupation_lapsed(today)) {
                    continue;
                }
                shown += 1;
                println!("{}", line(placement, today));
            }
            println!(
                "{} del bando {}; {}.",
                plural(shown, "richiedente", "richiedenti"),
                view.round.call,
                plural(view.free.len(), "alloggio libero", "alloggi liberi")
            );
        }
        AssignmentCommand::Next { bando, alloggio } => {
            let code = dwelling(&alloggio)?;
            let next = office.next_offer(bando.as_deref(), &code)?;
            let d = &next.dwelling;
            println!(
                "Alloggio {}: {}, piano {}, {}, {} vani.",
                d.code, d.address, d.floor, d.net_area, d.rooms
            );
            if let Some(why) = next.not_free {
                println!("Non proponibile: {why}.");
                return Ok(());
            }
            for (placement, why) in &next.skipped {
                println!(
                    "  saltato {:>5}. {} — {why}",
                    placement.position, placement.protocol
                );
            }
            if next.more_skipped > 0 {
                println!(
                    "  … e {} prima del primo adatto",
                    plural(next.more_skipped, "altro saltato", "altri saltati")
                );
            }
            match next.chosen {
                None => {
                    println!("Nessun richiedente in graduatoria per cui l'alloggio sia adeguato.")
                }
                Some((placement, recheck)) => {
                    println!(
                        "Primo adatto: posizione {}, {} ({}), nucleo di {}.",
                        placement.position,
                        placement.applicant,
                        placement.protocol,
                        plural(placement.needs.size, "persona", "persone")
                    );
                    println!("Da verificare di nuovo oggi, con i limiti in vigore:");
                    println!(
                        "  ISEE dichiarato {} — limite {}",
                        recheck.isee, recheck.isee_limit
                    );
                    println!("  nucleo di {} come dichiarato", recheck.household);
                    println!("  {}", recheck.tie);
                    println!(
                        "Poi: alloggi assignment offer --alloggio {} --protocollo {} --requisiti-confermati",
                        d.code, placement.protocol
                    );
                }
            }
        }
        AssignmentCommand::Offer {
            alloggio,
            protocollo,
            scadenza,
            requisiti_confermati,
            fuori_ordine,
        } => {
            let app = by_protocol(office, &protocollo)?;
            let code = dwelling(&alloggio)?;
            let deadline = scadenza
                .as_deref()
                .map(|d| date("--scadenza", d))
                .transpose()?;
            let events = office.make_offer(
                &ctx,
                app.id,
                &code,
                deadline,
                fuori_ordine,
                requisiti_confermati,
            )?;
            let deadline = events.iter().find_map(|e| match &e.kind {
                EventKind::OfferMade { offer, .. } => Some(offer.deadline),
                _ => None,
            });
            println!(
                "Alloggio {code} proposto alla domanda {protocollo}: risposta entro il {}.",
                deadline.map(format_date).unwrap_or_default()
            );
        }
        AssignmentCommand::Reply {
            protocollo,
            accetta,
            rifiuta,
            giustificato,
            ingiustificato,
            motivo,
        } => {
            let app = by_protocol(office, &protocollo)?;
            let reply = match (accetta, rifiuta, giustificato, ingiustificato) {
                (true, false, false, false) => OfferReply::Accept,
                (false, true, true, false) => OfferReply::RefuseJustified,
                (false, true, false, true) => OfferReply::RefuseUnjustified,
                _ => {
                    return Err(
                        "indicare --accetta, oppure --rifiuta con --giustificato o --ingiustificato"
                            .into(),
                    );
                }
            };
            office.execute(
                &ctx,
                &Command::ReplyToOffer {
                    id: app.id,
                    reply,
                    reason: motivo.unwrap_or_default(),
                },
            )?;
            println!(
                "{}",
                match reply {
                    OfferReply::Accept => format!(
                        "Proposta accettata dalla domanda {protocollo}: segue il provvedimento di assegnazione."
                    ),
                    OfferReply::RefuseJustified => format!(
                        "Rifiuto giustificato della domanda {protocollo}: mantiene la posizione, l'alloggio è di nuovo libero."
                    ),
                    OfferReply::RefuseUnjustified => format!(
                        "Rifiuto ingiustificato della domanda {protocollo}: esclusa dalla graduatoria, l'alloggio è di nuovo libero."
                    ),
                }
            );
        }
        AssignmentCommand::Warn {
            protocollo,
            scadenza,
        } => {
            let app = by_protocol(office, &protocollo)?;
            let deadline = scadenza
                .as_deref()
                .map(|d| date("--scadenza", d))
                .transpose()?;
            let events = office.execute(
                &ctx,
                &Command::WarnCandidate {
                    id: app.id,
                    deadline,
                },
            )?;
            let deadline = events.iter().find_map(|e| match &e.kind {
                EventKind::CandidateWarned { deadline, .. } => Some(*deadline),
                _ => None,
            });
            println!(
                "Diffida per la domanda {protocollo}: risposta entro il {}.",
                deadline.map(format_date).unwrap_or_default()
            );
        }
        AssignmentCommand::Exclude {
            protocollo,
            causa,
            motivo,
        } => {
            let app = by_protocol(office, &protocollo)?;
            let cause = ExclusionCause::parse(&causa).ok_or_else(|| {
                format!(
                    "causa «{}» sconosciuta: {}",
                    causa.trim(),
                    ExclusionCause::ALL
                        .iter()
                        .filter(|c| **c != ExclusionCause::RifiutoIngiustificato)
                        .map(|c| c.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            let events = office.execute(
                &ctx,
                &Command::ExcludeCandidate {
                    id: app.id,
                    cause,
                    reason: motivo,
                },
            )?;
            let freed = events.iter().find_map(|e| match &e.kind {
                EventKind::CandidateExcluded { freed, .. } => freed.clone(),
                _ => None,
            });
            println!(
                "Domanda {protocollo} esclusa dall'assegnazione: {}.",
                cause.label()
            );
            if let Some(code) = freed {
                println!("L'alloggio {code} è di nuovo libero.");
            }
        }
        AssignmentCommand::Decree {
            protocollo,
            dal,
            anteprima,
        } => {
            office.comune()?;
            let app = by_protocol(office, &protocollo)?;
            let step = Step {
                command: Some(Command::DecreeAssignment {
                    id: app.id,
                    decree_on: date("--dal", &dal)?,
                }),
                application: Some(app.id),
                template: ON_DECREE.to_string(),
                typed: Values::new(),
            };
            if anteprima {
                let preview = office.preview_step(&ctx, &step)?;
                println!(
                    "Messaggio a {}: «{}»\n\n{}\n\nAnteprima: nulla è stato scritto.",
                    preview.addressee.fiscal_code,
                    preview.message.content.subject,
                    preview.message.content.markdown
                );
                return Ok(());
            }
            let done = office.step(&ctx, &step)?;
            let occupy_by = done.events.iter().find_map(|e| match &e.kind {
                EventKind::AssignmentDecreed {
                    dwelling,
                    occupy_by,
                    ..
                } => Some((dwelling.clone(), *occupy_by)),
                _ => None,
            });
            if let Some((code, occupy_by)) = occupy_by {
                println!(
                    "Alloggio {code} assegnato alla domanda {protocollo}: contratto e occupazione entro il {}.",
                    format_date(occupy_by)
                );
            }
            println!("Messaggio IO {} accodato: «{}».", done.queued, done.title);
        }
    }
    Ok(())
}

/// One place of the round on one line, its position first.
fn line(placement: &Placement, today: NaiveDate) -> String {
    format!(
        "{:>5}  {:<14} {:<28} {}",
        placement.position,
        placement.protocol,
        placement.applicant,
        placement.status_text(today)
    )
}

fn dwelling(text: &str) -> Result<DwellingCode, String> {
    DwellingCode::parse(text).map_err(|e| format!("--alloggio: {e}"))
}
