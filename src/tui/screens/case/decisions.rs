//! Decisions weighed before they commit: an exclusion whose cause the case's data contradict
//! opens a check window saying which data, with the note that explains it; and the forms of the
//! notice of the grounds for refusal (art. 10-bis L. 241/1990) that precedes an exclusion.

use super::CaseScreen;
use super::texts;
use crate::domain::application::ExclusionReason;
use crate::domain::workflows::review::exclusion_contradiction;
use crate::domain::{ApplicationId, Command};
use crate::tui::app::{CheckState, Overlay};
use crate::tui::context::{Ctx, Report};
use crate::domain::time::{format_date, parse_date};
use crate::office::ON_REFUSAL_NOTICE;
use crate::tui::form::{Field, Form, Outcome, Purpose, date};
use crate::tui::strings as s;

/// What the exclusion form produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    pub id: ApplicationId,
    pub reason: ExclusionReason,
    pub note: String,
}

impl CaseScreen {
    /// Commits the exclusion at once when the data agree with its cause; else shows what
    /// they say, and the note, before Yes commits it (No returns to the form).
    pub(super) fn check_exclusion(&mut self, exclusion: Exclusion, ctx: &mut Ctx) {
        let Exclusion { id, reason, note } = exclusion;
        let contradiction = self
            .current
            .as_ref()
            .filter(|case| case.data.application.id == id)
            .and_then(|case| {
                let call = case.data.call.as_ref()?;
                exclusion_contradiction(&case.data.application, call, reason)
            });
        let command = Command::Exclude {
            id,
            reason,
            note: note.clone(),
        };
        let done = s::saved(texts::FORM_EXCLUDE);
        let Some(contradiction) = contradiction else {
            return ctx.execute(command, Report::form(done));
        };
        let Some(form) = ctx.take_form() else {
            return;
        };
        let note_line = if note.trim().is_empty() {
            (texts::EXCLUSION_NOTE_NEEDED.to_string(), true)
        } else {
            (texts::exclusion_note(note.trim()), false)
        };
        ctx.show(Overlay::Check(Box::new(CheckState {
            title: texts::BOX_CHECK_EXCLUDE,
            lines: vec![
                (texts::exclusion_cause(reason.label()), false),
                (texts::exclusion_contradicts(&contradiction), true),
                note_line,
            ],
            command,
            commit: texts::EXCLUDE_ANYWAY,
            done,
            warning: false,
            form: Some(form),
        })));
    }
}

/// The forms of the notice of the grounds for refusal (art. 10-bis).
#[derive(Debug, Clone, PartialEq, Eq)]
enum NoticePurpose {
    Notify(ApplicationId),
    Observations(ApplicationId),
    Confirm(ApplicationId),
    Withdraw(ApplicationId),
}

pub fn refusal_notice(id: ApplicationId) -> Form {
    Form::new(
        texts::FORM_NOTIFY_REFUSAL,
        NoticePurpose::Notify(id),
        vec![
            super::forms::cause_field(),
            Field::text(texts::FIELD_GROUNDS, "").required(),
        ],
    )
}

pub fn observations(id: ApplicationId, today: chrono::NaiveDate) -> Form {
    Form::new(
        texts::FORM_OBSERVATIONS,
        NoticePurpose::Observations(id),
        vec![
            Field::text(texts::FIELD_OBSERVATIONS_ON, &format_date(today))
                .required()
                .check(date),
            Field::text(texts::FIELD_OBSERVATIONS, "").required(),
        ],
    )
}

pub fn confirm_exclusion(id: ApplicationId) -> Form {
    Form::new(
        texts::FORM_CONFIRM_EXCLUSION,
        NoticePurpose::Confirm(id),
        vec![Field::text(s::FIELD_NOTE, "")],
    )
}

pub fn withdraw_notice(id: ApplicationId) -> Form {
    Form::new(
        texts::FORM_WITHDRAW_NOTICE,
        NoticePurpose::Withdraw(id),
        vec![Field::text(s::FIELD_REASON, "").required()],
    )
}

impl Purpose for NoticePurpose {
    fn build(&self, form: &Form) -> Result<Outcome, String> {
        let command = match *self {
            // The notice fires the Comune's message: previewed before it commits.
            NoticePurpose::Notify(id) => {
                return Ok(Outcome::Step {
                    command: Command::NotifyRefusalGrounds {
                        id,
                        reason: super::forms::chosen_cause(form),
                        note: form.value(1).to_string(),
                    },
                    fires: Some(ON_REFUSAL_NOTICE),
                });
            }
            NoticePurpose::Observations(id) => Command::RecordObservations {
                id,
                received_on: parse_date(form.value(0)).map_err(|e| e.to_string())?,
                text: form.value(1).to_string(),
            },
            NoticePurpose::Confirm(id) => Command::ConfirmExclusion {
                id,
                note: form.value(0).to_string(),
            },
            NoticePurpose::Withdraw(id) => Command::WithdrawRefusalNotice {
                id,
                reason: form.value(0).to_string(),
            },
        };
        Ok(Outcome::Command(command))
    }
}
