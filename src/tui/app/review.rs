//! The case's review steps: documents, verifications, household, fee, appointment; and the inbox's batch steps.

use super::App;
use crate::tui::keymap::Action;

impl App {
    pub(super) fn on_review(&mut self, _action: Action) {}
}
