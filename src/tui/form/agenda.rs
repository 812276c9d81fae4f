//! The Agenda screen's forms: book, move and cancel an appointment.

use super::{Form, Outcome};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgendaPurpose {}

/// What a form of this screen produces besides a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgendaOutcome {}

impl AgendaPurpose {
    pub(super) fn build(&self, _form: &Form) -> Result<Outcome, String> {
        match *self {}
    }
}
