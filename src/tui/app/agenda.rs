//! The Agenda screen's forms: book, move and cancel an appointment.

use super::App;
use crate::tui::form::agenda::AgendaOutcome;
use crate::tui::keymap::Action;

impl App {
    pub(super) fn on_agenda(&mut self, _action: Action) {}

    /// `b` in a case: book an appointment for its applicant, linked to the application.
    pub(super) fn book_from_case(&mut self, _id: crate::domain::ApplicationId) {}

    /// The screen is opened: read what it shows.
    pub(super) fn enter_agenda(&mut self) {}

    pub(super) fn on_agenda_outcome(&mut self, outcome: AgendaOutcome) {
        match outcome {}
    }
}
