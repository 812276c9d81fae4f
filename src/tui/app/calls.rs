//! The Bandi screen's forms: a call's fields, a document, interested citizens.

use super::App;
use crate::tui::form::calls::CallsOutcome;
use crate::tui::keymap::Action;

impl App {
    pub(super) fn on_calls(&mut self, _action: Action) {}

    /// The screen is opened: read what it shows.
    pub(super) fn enter_calls(&mut self) {}

    pub(super) fn on_calls_outcome(&mut self, outcome: CallsOutcome) {
        match outcome {}
    }
}
