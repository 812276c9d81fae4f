//! Checks the ranking workflow's commands.

use crate::domain::appointment::validate_text;
use crate::domain::command::Command;
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::objection::{check_adjustment, check_decision, check_filing};
use crate::domain::workflows::{Given, non_empty};

pub(super) fn decide(given: &Given<'_>) -> Result<Vec<Event>, DomainError> {
    let snapshot = given.snapshot;
    Ok(match given.command {
        Command::SaveRuleset {
            call: code,
            ruleset,
        } => {
            given.named_call(code)?;
            ruleset
                .validate()
                .map_err(|issue| DomainError::invalid("regole", issue.reason))?;
            if snapshot.ruleset.as_ref() == Some(ruleset.as_ref()) {
                return Err(DomainError::invalid(
                    "regole",
                    "la tabella è uguale a quella già in uso: nessuna modifica",
                ));
            }
            vec![given.event(
                EventKind::RulesetSaved {
                    call: code.clone(),
                    ruleset: ruleset.clone(),
                },
                None,
            )]
        }
        Command::AdjustScore {
            id,
            adjustment,
            reason,
        } => {
            let reason = non_empty(&Some(reason.clone())).ok_or(DomainError::MissingReason)?;
            check_adjustment(given.application()?, snapshot.ruleset.as_ref(), adjustment)?;
            vec![given.event(
                EventKind::ScoreAdjusted {
                    id: *id,
                    adjustment: adjustment.clone(),
                },
                Some(reason),
            )]
        }
        Command::FileObjection {
            id,
            received_on,
            text,
        } => {
            let text = validate_text("opposizione", text, 2000)?;
            let version = check_filing(
                given.application()?,
                snapshot.ranking.as_ref(),
                *received_on,
                given.ctx.now,
            )?;
            vec![given.event(
                EventKind::ObjectionFiled {
                    id: *id,
                    version,
                    received_on: *received_on,
                },
                Some(text),
            )]
        }
        Command::DecideObjection {
            id,
            index,
            accepted,
            reason,
        } => {
            let reason = non_empty(&Some(reason.clone())).ok_or(DomainError::MissingReason)?;
            check_decision(given.application()?, snapshot.ranking.as_ref(), *index)?;
            vec![given.event(
                EventKind::ObjectionDecided {
                    id: *id,
                    index: *index,
                    accepted: *accepted,
                },
                Some(reason),
            )]
        }
        _ => return Err(given.misrouted()),
    })
}
