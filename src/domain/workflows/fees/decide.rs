//! Checks the fees workflow's commands.

use crate::domain::application::{Application, State};
use crate::domain::command::Command;
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::fee::FeeNotice;
use crate::domain::money::Money;
use crate::domain::time::{format_date, rome_date};
use crate::domain::workflows::Given;

pub(super) fn decide(given: &Given<'_>) -> Result<Vec<Event>, DomainError> {
    let ctx = given.ctx;
    Ok(match given.command {
        Command::IssueFee {
            id,
            notice,
            amount,
            due,
        } => {
            let app = given.application()?;
            let call = given.call()?;
            let Some(protocol) = &app.protocol else {
                return Err(DomainError::NotAllowedInState {
                    state: app.state,
                    action: "emettere l'avviso prima della protocollazione",
                });
            };
            if app.state == State::Esclusa {
                return Err(DomainError::NotAllowedInState {
                    state: app.state,
                    action: "emettere l'avviso di pagamento",
                });
            }
            if let Some(fee) = &app.fee {
                return Err(DomainError::invalid(
                    "avviso",
                    format!("già emesso l'avviso {}", fee.notice.as_str()),
                ));
            }
            let amount = amount.unwrap_or(call.secretarial_fee);
            if amount == Money::from_cents(0) {
                return Err(DomainError::invalid(
                    "importo",
                    "deve essere maggiore di zero (il bando non fissa spese di segreteria)",
                ));
            }
            if *due < rome_date(ctx.now) {
                return Err(DomainError::invalid(
                    "scadenza",
                    "la scadenza non può essere nel passato",
                ));
            }
            vec![given.event(
                EventKind::FeeIssued {
                    id: *id,
                    fee: Box::new(FeeNotice {
                        notice: notice.clone(),
                        amount,
                        due: *due,
                        reason: format!("spese di segreteria della domanda {protocol}"),
                        issued_at: ctx.now,
                        issued_by: ctx.actor.clone(),
                        payment: None,
                        reminders: Vec::new(),
                    }),
                },
                None,
            )]
        }
        Command::RecordPayment { id, paid_on } => {
            let fee = unpaid_fee(given.application()?)?;
            if *paid_on > rome_date(ctx.now) {
                return Err(DomainError::invalid(
                    "data_pagamento",
                    "la data del pagamento è nel futuro",
                ));
            }
            if *paid_on < rome_date(fee.issued_at) {
                return Err(DomainError::invalid(
                    "data_pagamento",
                    "precede l'emissione dell'avviso",
                ));
            }
            vec![given.event(
                EventKind::FeePaid {
                    id: *id,
                    paid_on: *paid_on,
                },
                None,
            )]
        }
        Command::RemindFee { id } => {
            let app = given.application()?;
            let fee = unpaid_fee(app)?;
            if fee.is_late(rome_date(ctx.now)) {
                return Err(DomainError::invalid(
                    "avviso",
                    format!("scaduto il {}: non è più in scadenza", format_date(fee.due)),
                ));
            }
            if app.state == State::Esclusa {
                return Err(DomainError::NotAllowedInState {
                    state: app.state,
                    action: "sollecitare il pagamento",
                });
            }
            vec![given.event(EventKind::FeeReminded { id: *id }, None)]
        }
        _ => return Err(given.misrouted()),
    })
}

fn unpaid_fee(app: &Application) -> Result<&FeeNotice, DomainError> {
    match &app.fee {
        None => Err(DomainError::invalid(
            "avviso",
            "nessun avviso di pagamento emesso",
        )),
        Some(fee) if fee.is_paid() => Err(DomainError::invalid(
            "avviso",
            format!("l'avviso {} risulta già pagato", fee.notice.as_str()),
        )),
        Some(fee) => Ok(fee),
    }
}
