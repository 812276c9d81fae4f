//! The inbox's forms: a step on every application chosen, and the reminders of fees falling
//! due.

use crate::domain::application::ExclusionReason;
use crate::domain::{ApplicationId, Command};
use crate::tui::form::{Field, Form, Outcome, Purpose};
use crate::tui::strings as s;
use super::texts;

/// Days suggested for the reminders of fees falling due.
pub const REMIND_WITHIN_DAYS: u32 = 7;

#[derive(Debug, Clone, PartialEq, Eq)]
enum InboxPurpose {
    AdmitMany(Vec<ApplicationId>),
    ExcludeMany(Vec<ApplicationId>),
    /// How far ahead the reminder of unpaid fees looks.
    RemindWithin,
}

/// What a form of the inbox produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboxOutcome {
    /// The same step on several applications, to confirm with their number.
    Steps(Vec<Command>),
    /// Steps confirmed: each commits on its own.
    Confirmed(Vec<Command>),
    /// Remind every unpaid fee falling due within this many days.
    RemindWithin(u32),
}

fn days(value: &str) -> Result<(), String> {
    match value.parse::<u32>() {
        Ok(n) if n <= 365 => Ok(()),
        _ => Err(texts::DAYS_RANGE.to_string()),
    }
}

pub fn admit_many(ids: Vec<ApplicationId>) -> Form {
    Form::new(
        texts::FORM_ADMIT_MANY,
        InboxPurpose::AdmitMany(ids),
        vec![Field::text(s::FIELD_NOTE, "")],
    )
}

pub fn exclude_many(ids: Vec<ApplicationId>) -> Form {
    let reasons = ExclusionReason::ALL
        .iter()
        .map(|r| r.label().to_string())
        .collect();
    Form::new(
        texts::FORM_EXCLUDE_MANY,
        InboxPurpose::ExcludeMany(ids),
        vec![
            Field::choice(s::FIELD_EXCLUSION, reasons, 0),
            Field::text(s::FIELD_NOTE, "").required(),
        ],
    )
}

pub fn remind_within() -> Form {
    Form::new(
        texts::FORM_REMIND_WITHIN,
        InboxPurpose::RemindWithin,
        vec![
            Field::text(texts::FIELD_WITHIN_DAYS, &REMIND_WITHIN_DAYS.to_string())
                .required()
                .check(days),
        ],
    )
}

impl Purpose for InboxPurpose {
    fn build(&self, form: &Form) -> Result<Outcome, String> {
        let outcome = match self {
            InboxPurpose::AdmitMany(ids) => InboxOutcome::Steps(
                ids.iter()
                    .map(|id| Command::Admit {
                        waiver: None,
                        id: *id,
                        note: form.value(0).to_string(),
                    })
                    .collect(),
            ),
            InboxPurpose::ExcludeMany(ids) => {
                let reason = ExclusionReason::ALL
                    .get(form.chosen(0))
                    .copied()
                    .unwrap_or(ExclusionReason::Altro);
                InboxOutcome::Steps(
                    ids.iter()
                        .map(|id| Command::Exclude {
                            id: *id,
                            reason,
                            note: form.value(1).to_string(),
                        })
                        .collect(),
                )
            }
            InboxPurpose::RemindWithin => {
                let days = form
                    .value(0)
                    .parse()
                    .map_err(|_| s::field_error(texts::FIELD_WITHIN_DAYS, texts::DAYS_RANGE))?;
                InboxOutcome::RemindWithin(days)
            }
        };
        Ok(Outcome::Screen(Box::new(outcome)))
    }
}
