//! The Bandi screen's forms: a call's fields, a document, interested citizens.

use super::{Form, Outcome};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallsPurpose {}

/// What a form of this screen produces besides a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallsOutcome {}

impl CallsPurpose {
    pub(super) fn build(&self, _form: &Form) -> Result<Outcome, String> {
        match *self {}
    }
}
