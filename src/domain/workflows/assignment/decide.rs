//! Checks the round's commands.

use chrono::{Days, NaiveDate};

use crate::domain::command::{Command, OfferReply};
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::ranking::RankingKind;
use crate::domain::stock::{
    Dwelling, DwellingCode, DwellingState, ExclusionCause, Offer, Placement, Round, Standing,
    assess,
};
use crate::domain::time::{format_date, rome_date};
use crate::domain::workflows::{Given, non_empty};

pub(super) fn decide(given: &Given<'_>) -> Result<Vec<Event>, DomainError> {
    let snapshot = given.snapshot;
    let today = rome_date(given.ctx.now);
    Ok(match given.command {
        Command::OpenAssignment {
            call,
            opens_on,
            closes_on,
        } => {
            let call = given.named_call(call)?;
            let ranking = snapshot
                .ranking
                .as_ref()
                .filter(|r| r.kind == RankingKind::Definitiva)
                .ok_or_else(|| {
                    DomainError::invalid(
                        "bando",
                        format!(
                            "il bando {} non ha una graduatoria definitiva pubblicata",
                            call.code
                        ),
                    )
                })?;
            if let Some(round) = &snapshot.round {
                return Err(DomainError::invalid(
                    "assegnazione",
                    format!(
                        "già aperta per il bando {} dal {}",
                        round.call,
                        format_date(round.opens_on)
                    ),
                ));
            }
            if closes_on < opens_on {
                return Err(DomainError::invalid(
                    "al",
                    "la chiusura viene prima dell'apertura",
                ));
            }
            if *closes_on < today {
                return Err(DomainError::invalid("al", "data già passata"));
            }
            if snapshot.round_order.is_empty() {
                return Err(DomainError::invalid(
                    "bando",
                    "nessun ammesso nella graduatoria definitiva",
                ));
            }
            vec![given.event(
                EventKind::AssignmentOpened {
                    round: Box::new(Round {
                        call: call.code.clone(),
                        ranking: ranking.number,
                        opens_on: *opens_on,
                        closes_on: *closes_on,
                        opened_at: given.ctx.now,
                        opened_by: given.ctx.actor.clone(),
                        candidates: u32::try_from(snapshot.round_order.len()).unwrap_or(u32::MAX),
                    }),
                    placed: snapshot.round_order.clone(),
                },
                None,
            )]
        }
        Command::ConfirmRequirements { id } => {
            let placement = placement(given)?;
            waiting(placement)?;
            vec![given.event(EventKind::RequirementsConfirmed { id: *id }, None)]
        }
        Command::MakeOffer {
            id,
            dwelling,
            deadline,
            out_of_order,
        } => {
            let placement = placement(given)?;
            waiting(placement)?;
            if placement.rechecked_on != Some(today) {
                return Err(DomainError::invalid(
                    "requisiti",
                    "prima della proposta vanno verificati di nuovo oggi ISEE, nucleo e \
                     residenza con i limiti in vigore",
                ));
            }
            let dwelling = stored_dwelling(given, dwelling)?;
            if placement.refusals.iter().any(|r| r.dwelling == dwelling.code) {
                return Err(DomainError::invalid(
                    "alloggio",
                    format!("il richiedente ha già rifiutato l'alloggio {}", dwelling.code),
                ));
            }
            let bands = &given.call()?.params.area_bands;
            let assessment = assess(dwelling, placement.needs, bands);
            if !assessment.is_adequate() {
                return Err(DomainError::invalid(
                    "alloggio",
                    format!("{}: {}", dwelling.code, assessment.reason()),
                ));
            }
            let days = given.call()?.params.assignment_days.reply;
            let deadline = deadline.unwrap_or_else(|| add_days(today, days));
            if deadline <= today {
                return Err(DomainError::invalid(
                    "scadenza",
                    "la risposta va chiesta per un giorno futuro",
                ));
            }
            let out_of_order = non_empty(out_of_order);
            vec![given.event(
                EventKind::OfferMade {
                    id: *id,
                    offer: Offer {
                        dwelling: dwelling.code.clone(),
                        made_on: today,
                        deadline,
                        out_of_order: out_of_order.clone(),
                    },
                },
                out_of_order,
            )]
        }
        Command::ReplyToOffer { id, reply, reason } => {
            let placement = placement(given)?;
            let offer = match &placement.standing {
                Standing::Proposta { offer } | Standing::Diffidato { offer, .. } => offer,
                _ => return Err(no_open_offer(placement)),
            };
            held(given, &offer.dwelling)?;
            match reply {
                OfferReply::Accept => vec![given.event(
                    EventKind::OfferAccepted {
                        id: *id,
                        dwelling: offer.dwelling.clone(),
                    },
                    non_empty(&Some(reason.clone())),
                )],
                OfferReply::RefuseJustified | OfferReply::RefuseUnjustified => {
                    let reason =
                        non_empty(&Some(reason.clone())).ok_or(DomainError::MissingReason)?;
                    vec![given.event(
                        EventKind::OfferRefused {
                            id: *id,
                            dwelling: offer.dwelling.clone(),
                            justified: *reply == OfferReply::RefuseJustified,
                        },
                        Some(reason),
                    )]
                }
            }
        }
        Command::WarnCandidate { id, deadline } => {
            let placement = placement(given)?;
            let Standing::Proposta { offer } = &placement.standing else {
                return Err(match &placement.standing {
                    Standing::Diffidato { deadline, .. } => DomainError::invalid(
                        "diffida",
                        format!("già diffidato, a rispondere entro il {}", format_date(*deadline)),
                    ),
                    _ => no_open_offer(placement),
                });
            };
            if offer.deadline >= today {
                return Err(DomainError::invalid(
                    "diffida",
                    format!(
                        "la proposta scade il {}: la diffida viene dopo",
                        format_date(offer.deadline)
                    ),
                ));
            }
            let days = given.call()?.params.assignment_days.warning;
            let deadline = deadline.unwrap_or_else(|| add_days(today, days));
            if deadline <= today {
                return Err(DomainError::invalid(
                    "scadenza",
                    "la diffida va data per un giorno futuro",
                ));
            }
            vec![given.event(EventKind::CandidateWarned { id: *id, deadline }, None)]
        }
        Command::ExcludeCandidate { id, cause, reason } => {
            let placement = placement(given)?;
            if let Some(lease) = snapshot.contract.as_ref().and_then(|c| c.lease.as_ref()) {
                return Err(DomainError::invalid(
                    "esclusione",
                    format!(
                        "contratto n. {} firmato il {}: l'alloggio {} è locato e l'assegnazione \
                         è conclusa",
                        lease.number,
                        format_date(lease.signed_on),
                        lease.dwelling
                    ),
                ));
            }
            let reason = non_empty(&Some(reason.clone())).ok_or(DomainError::MissingReason)?;
            let freed = excludable(placement, *cause, today)?;
            if let Some(code) = &freed {
                held(given, code)?;
            }
            vec![given.event(
                EventKind::CandidateExcluded {
                    id: *id,
                    cause: *cause,
                    freed,
                },
                Some(reason),
            )]
        }
        Command::DecreeAssignment { id, decree_on } => {
            let placement = placement(given)?;
            let Standing::Accettato { offer, on } = &placement.standing else {
                return Err(DomainError::invalid(
                    "provvedimento",
                    format!(
                        "il richiedente è {}: il provvedimento segue l'accettazione",
                        placement.status_text(today)
                    ),
                ));
            };
            if decree_on < on {
                return Err(DomainError::invalid(
                    "dal",
                    format!("prima dell'accettazione del {}", format_date(*on)),
                ));
            }
            held(given, &offer.dwelling)?;
            let days = given.call()?.params.assignment_days.occupation;
            vec![given.event(
                EventKind::AssignmentDecreed {
                    id: *id,
                    dwelling: offer.dwelling.clone(),
                    decree_on: *decree_on,
                    occupy_by: add_days(*decree_on, days),
                },
                None,
            )]
        }
        _ => return Err(given.misrouted()),
    })
}

fn add_days(day: NaiveDate, days: u32) -> NaiveDate {
    day.checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}

/// The application's place in an open round.
fn placement<'a>(given: &Given<'a>) -> Result<&'a Placement, DomainError> {
    let app = given.application()?;
    given.snapshot.placement.as_ref().ok_or_else(|| {
        DomainError::invalid(
            "assegnazione",
            format!(
                "la domanda {} non è in un'assegnazione aperta",
                app.protocol
                    .as_ref()
                    .map_or_else(|| app.id.to_string(), ToString::to_string)
            ),
        )
    })
}

fn waiting(placement: &Placement) -> Result<(), DomainError> {
    match placement.standing {
        Standing::InAttesa => Ok(()),
        _ => Err(DomainError::invalid(
            "assegnazione",
            format!(
                "il richiedente è già {}",
                placement.status_text(NaiveDate::MIN)
            ),
        )),
    }
}

fn no_open_offer(placement: &Placement) -> DomainError {
    DomainError::invalid(
        "proposta",
        format!(
            "nessuna proposta aperta: il richiedente è {}",
            placement.status_text(NaiveDate::MIN)
        ),
    )
}

fn stored_dwelling<'a>(
    given: &Given<'a>,
    code: &DwellingCode,
) -> Result<&'a Dwelling, DomainError> {
    given.snapshot.dwellings.get(code).ok_or_else(|| {
        DomainError::invalid("alloggio", format!("{code} non è nell'elenco degli alloggi"))
    })
}

/// The dwelling the applicant holds, in the state holding gives it.
fn held(given: &Given<'_>, code: &DwellingCode) -> Result<(), DomainError> {
    let dwelling = stored_dwelling(given, code)?;
    if matches!(dwelling.state, DwellingState::Proposto | DwellingState::Locato) {
        Ok(())
    } else {
        Err(DomainError::Internal(format!(
            "l'alloggio {code} risulta {} ma è tenuto da una proposta: eseguire alloggi check",
            dwelling.state.label()
        )))
    }
}

/// Whether `cause` excludes the applicant as they stand, and the dwelling it frees.
fn excludable(
    placement: &Placement,
    cause: ExclusionCause,
    today: NaiveDate,
) -> Result<Option<DwellingCode>, DomainError> {
    let refuse = |why: String| Err(DomainError::invalid("esclusione", why));
    match (&placement.standing, cause) {
        (Standing::Escluso { cause, .. }, _) => {
            refuse(format!("già escluso: {}", cause.label()))
        }
        (_, ExclusionCause::RifiutoIngiustificato) => refuse(
            "il rifiuto ingiustificato si registra come risposta alla proposta".into(),
        ),
        (Standing::Assegnato { .. }, ExclusionCause::RequisitiPersi) => refuse(
            "l'alloggio è già assegnato: la decadenza è per mancata occupazione".into(),
        ),
        (Standing::Accettato { .. } | Standing::Proposta { .. } | Standing::InAttesa, ExclusionCause::RequisitiPersi) => {
            Ok(placement.offer().map(|offer| offer.dwelling.clone()))
        }
        (Standing::Diffidato { offer, deadline }, ExclusionCause::MancataRisposta | ExclusionCause::RequisitiPersi) => {
            if cause == ExclusionCause::MancataRisposta && *deadline >= today {
                return refuse(format!(
                    "la diffida scade il {}: l'esclusione viene dopo",
                    format_date(*deadline)
                ));
            }
            Ok(Some(offer.dwelling.clone()))
        }
        (_, ExclusionCause::MancataRisposta) => refuse(
            "l'esclusione per mancata risposta segue una diffida scaduta".into(),
        ),
        (
            Standing::Assegnato {
                dwelling,
                occupy_by,
                ..
            },
            ExclusionCause::MancataOccupazione,
        ) => {
            if *occupy_by >= today {
                return refuse(format!(
                    "il termine per occupare l'alloggio scade il {}",
                    format_date(*occupy_by)
                ));
            }
            Ok(Some(dwelling.clone()))
        }
        (_, ExclusionCause::MancataOccupazione) => {
            refuse("la mancata occupazione riguarda un alloggio assegnato".into())
        }
    }
}
