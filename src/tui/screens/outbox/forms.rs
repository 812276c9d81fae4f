//! The outbox's forms: the caseworker's decisions on a message, and the export for sending
//! from another machine.

use std::path::PathBuf;

use crate::messages::outbox::OutboxId;
use crate::tui::form::{Field, Form, Outcome, Purpose};
use crate::tui::strings as s;
use super::texts;

#[derive(Debug, Clone, PartialEq, Eq)]
enum OutboxPurpose {
    Requeue(OutboxId),
    Withdraw(OutboxId),
    MarkSent(OutboxId),
    ExportBundle,
}

/// What a form of the outbox produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboxOutcome {
    Requeue {
        id: OutboxId,
        reason: String,
    },
    Withdraw {
        id: OutboxId,
        reason: String,
    },
    MarkSent {
        id: OutboxId,
        reason: String,
        io_id: Option<String>,
    },
    ExportBundle {
        path: PathBuf,
        key_file: Option<PathBuf>,
    },
}

pub fn requeue(id: OutboxId) -> Form {
    Form::new(
        texts::FORM_REQUEUE,
        OutboxPurpose::Requeue(id),
        vec![Field::text(s::FIELD_REASON, "").required()],
    )
}

pub fn withdraw(id: OutboxId) -> Form {
    Form::new(
        texts::FORM_WITHDRAW,
        OutboxPurpose::Withdraw(id),
        vec![Field::text(s::FIELD_REASON, "").required()],
    )
}

pub fn mark_sent(id: OutboxId) -> Form {
    Form::new(
        texts::FORM_MARK_SENT,
        OutboxPurpose::MarkSent(id),
        vec![
            Field::text(s::FIELD_REASON, "").required(),
            Field::text(texts::FIELD_IO_ID, ""),
        ],
    )
}

/// `key_file` is the key's file the environment names, if any: left empty, the office says
/// how to make one.
pub fn export_bundle(suggested: &str, key_file: &str) -> Form {
    Form::new(
        texts::FORM_EXPORT_BUNDLE,
        OutboxPurpose::ExportBundle,
        vec![
            Field::text(texts::FIELD_BUNDLE_FILE, suggested).required(),
            Field::text(texts::FIELD_BUNDLE_KEY_FILE, key_file),
        ],
    )
}

impl Purpose for OutboxPurpose {
    fn build(&self, form: &Form) -> Result<Outcome, String> {
        let outcome = match *self {
            OutboxPurpose::Requeue(id) => OutboxOutcome::Requeue {
                id,
                reason: form.value(0).to_string(),
            },
            OutboxPurpose::Withdraw(id) => OutboxOutcome::Withdraw {
                id,
                reason: form.value(0).to_string(),
            },
            OutboxPurpose::MarkSent(id) => OutboxOutcome::MarkSent {
                id,
                reason: form.value(0).to_string(),
                io_id: form.optional(1),
            },
            OutboxPurpose::ExportBundle => OutboxOutcome::ExportBundle {
                path: PathBuf::from(form.value(0)),
                key_file: form.optional(1).map(PathBuf::from),
            },
        };
        Ok(Outcome::Screen(Box::new(outcome)))
    }
}
