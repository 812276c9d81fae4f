//! The case's review steps: documents, verifications, household, fee, appointment; and the inbox's batch steps.

use super::{Form, Outcome};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewPurpose {}

impl ReviewPurpose {
    pub(super) fn build(&self, _form: &Form) -> Result<Outcome, String> {
        match *self {}
    }
}
