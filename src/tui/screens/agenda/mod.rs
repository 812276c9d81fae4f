//! Agenda: one day of counter appointments, and the forms that book, move and cancel them.

mod forms;
mod texts;
mod update;
mod view;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::domain::{ApplicationId, Command};
use crate::domain::appointment::{Appointment, AppointmentId};
use crate::tui::actions::{Action, BOOK_APPOINTMENT, ScreenAction};
use crate::tui::context::Awaiting;
use crate::tui::list::ListCursor;
use crate::tui::strings as s;

use super::{ScreenInfo, Tab};

pub use forms::AgendaOutcome;
pub use update::{book_for, book_or_move, booking_checked};

pub const PREVIOUS_DAY: ScreenAction =
    ScreenAction::new("giorno_precedente", texts::PREVIOUS_DAY);
pub const NEXT_DAY: ScreenAction = ScreenAction::new("giorno_successivo", texts::NEXT_DAY);
pub const TODAY: ScreenAction = ScreenAction::new("oggi", texts::TODAY);
pub const RESCHEDULE: ScreenAction = ScreenAction::new("sposta_appuntamento", texts::RESCHEDULE);
pub const CANCEL: ScreenAction = ScreenAction::new("annulla_appuntamento", texts::CANCEL);

impl AgendaScreen {
    pub const INFO: ScreenInfo = ScreenInfo {
        title: s::SCREEN_AGENDA,
        context: "agenda",
        help_heading: texts::HELP_HEADING,
        tab: Tab::Own {
            goto: "vai_agenda",
            text: texts::GO_TO,
        },
        actions: &[
            Action::Screen(PREVIOUS_DAY),
            Action::Screen(NEXT_DAY),
            Action::Screen(TODAY),
            Action::Screen(BOOK_APPOINTMENT),
            Action::Screen(RESCHEDULE),
            Action::Screen(CANCEL),
        ],
        help_contexts: &[],
    };
}

/// Lines around the agenda's table: header, tabs, day line, rule, column titles, status, keys.
pub const AGENDA_CHROME: u16 = 7;

#[derive(Debug, Default)]
pub struct AgendaScreen {
    /// The day shown; None until the screen is first opened (then today).
    pub day: Option<NaiveDate>,
    /// The day `appointments` were read for: a reread of the same day keeps the cursor.
    pub loaded: Option<NaiveDate>,
    pub appointments: Vec<Appointment>,
    /// The view keeps the cursor inside the rows drawn.
    pub list: ListCursor,
    /// The protocol of each linked application, empty while it has none: read with the day,
    /// so that drawing never waits for the office.
    pub protocols: BTreeMap<ApplicationId, String>,
    /// The day being read.
    reading: Awaiting<()>,
    /// A booking checked before its message is previewed, with the day to follow once accepted.
    booking: Awaiting<(Command, Option<NaiveDate>)>,
}

impl AgendaScreen {
    pub fn current(&self) -> Option<&Appointment> {
        self.appointments.get(self.list.cursor)
    }

    pub fn cancelled(&self) -> usize {
        self.appointments.iter().filter(|a| !a.is_active()).count()
    }

    /// The protocol shown for an appointment: None when it concerns no application.
    pub fn protocol(&self, appointment: &Appointment) -> Option<&str> {
        appointment
            .application
            .map(|id| self.protocols.get(&id).map(String::as_str).unwrap_or(""))
    }

    pub fn move_cursor(&mut self, delta: isize, height: usize) {
        self.list.move_by(delta, self.appointments.len(), height);
    }

    /// The bookings of `day` as just read. On the same day the cursor stays on its booking, or
    /// goes to one that was not there before (the booking just made); elsewhere it starts at
    /// the top.
    pub fn load(
        &mut self,
        day: NaiveDate,
        appointments: Vec<Appointment>,
        protocols: BTreeMap<ApplicationId, String>,
    ) {
        let same_day = self.loaded == Some(day);
        let was: Vec<AppointmentId> = self.appointments.iter().map(|a| a.id).collect();
        let current = self.current().map(|a| a.id);
        let position = |id: Option<AppointmentId>| {
            id.and_then(|id| appointments.iter().position(|a| a.id == id))
        };
        let new = appointments
            .iter()
            .map(|a| a.id)
            .filter(|id| !was.contains(id))
            .max();
        self.list.cursor = if !same_day {
            self.list.offset = 0;
            0
        } else if let Some(at) = position(new).or_else(|| position(current)) {
            at
        } else {
            self.list.cursor.min(appointments.len().saturating_sub(1))
        };
        self.day = Some(day);
        self.loaded = Some(day);
        self.appointments = appointments;
        self.protocols = protocols;
    }
}
