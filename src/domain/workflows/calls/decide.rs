//! Checks the calls workflow's commands.

use crate::domain::command::Command;
use crate::domain::error::DomainError;
use crate::domain::event::{Event, EventKind};
use crate::domain::time::format_ts_date;
use crate::domain::workflows::Given;

pub(super) fn decide(given: &Given<'_>) -> Result<Vec<Event>, DomainError> {
    let snapshot = given.snapshot;
    Ok(match given.command {
        Command::SaveCall(new_call) => {
            new_call.validate()?;
            let mut saved = new_call.clone();
            // A call once published stays published: a new version of its file does not undo it.
            if let Some(old) = &snapshot.call
                && old.code == saved.code
            {
                saved.published_at = old.published_at;
            }
            let mut events = vec![given.event(EventKind::CallSaved { call: saved }, None)];
            if snapshot.active_call.is_none() {
                events.push(given.event(
                    EventKind::CallActivated {
                        code: new_call.code.clone(),
                    },
                    None,
                ));
            }
            events
        }
        Command::ActivateCall { code } => {
            if snapshot.call.as_ref().map(|c| &c.code) != Some(code) {
                return Err(DomainError::UnknownCall(code.clone()));
            }
            vec![given.event(EventKind::CallActivated { code: code.clone() }, None)]
        }
        Command::PublishCall { code } => {
            let call = given.named_call(code)?;
            if let Some(at) = call.published_at {
                return Err(DomainError::invalid(
                    "bando",
                    format!("già pubblicato il {}", format_ts_date(at)),
                ));
            }
            vec![given.event(EventKind::CallPublished { code: code.clone() }, None)]
        }
        Command::AddInterested {
            call: code,
            fiscal_codes,
        } => {
            given.named_call(code)?;
            let mut new = Vec::new();
            for fiscal_code in fiscal_codes {
                let text = fiscal_code.as_str().to_string();
                if !snapshot.interested.contains_key(&text) && !new.contains(&text) {
                    new.push(text);
                }
            }
            if new.is_empty() {
                return Err(DomainError::invalid(
                    "interessati",
                    "nessun codice fiscale nuovo: sono già tutti nell'elenco",
                ));
            }
            vec![given.event(
                EventKind::InterestedAdded {
                    call: code.clone(),
                    fiscal_codes: new,
                },
                None,
            )]
        }
        Command::RemoveInterested {
            call: code,
            fiscal_code,
        } => {
            given.named_call(code)?;
            if !snapshot.interested.contains_key(fiscal_code.as_str()) {
                return Err(DomainError::invalid(
                    "interessati",
                    format!("{} non è nell'elenco", fiscal_code.as_str()),
                ));
            }
            vec![given.event(
                EventKind::InterestedRemoved {
                    call: code.clone(),
                    fiscal_code: fiscal_code.as_str().to_string(),
                },
                None,
            )]
        }
        _ => return Err(given.misrouted()),
    })
}
