//! Decisions weighed before they commit: an exclusion whose cause the case's data contradict
//! opens a check window saying which data, with the note that explains it.

use super::CaseScreen;
use super::texts;
use crate::domain::application::ExclusionReason;
use crate::domain::workflows::review::exclusion_contradiction;
use crate::domain::{ApplicationId, Command};
use crate::tui::app::{CheckState, Overlay};
use crate::tui::context::{Ctx, Report};
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
