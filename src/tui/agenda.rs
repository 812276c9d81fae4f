//! The Agenda screen's state: one day of counter appointments.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::domain::ApplicationId;
use crate::domain::appointment::{Appointment, AppointmentId};

/// Lines around the agenda's table: header, tabs, day line, rule, column titles, status, keys.
pub const AGENDA_CHROME: u16 = 7;

#[derive(Debug, Default)]
pub struct AgendaScreen {
    /// The day shown; None until the screen is first opened (then today).
    pub day: Option<NaiveDate>,
    /// The day `appointments` were read for: a reread of the same day keeps the cursor.
    pub loaded: Option<NaiveDate>,
    pub appointments: Vec<Appointment>,
    pub cursor: usize,
    /// First row shown; the view keeps the cursor inside the rows drawn.
    pub offset: usize,
    /// The protocol of each linked application, empty while it has none: read with the day,
    /// so that drawing never reaches the store.
    pub protocols: BTreeMap<ApplicationId, String>,
}

impl AgendaScreen {
    pub fn current(&self) -> Option<&Appointment> {
        self.appointments.get(self.cursor)
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
        let last = self.appointments.len().saturating_sub(1) as isize;
        self.cursor = (self.cursor as isize).saturating_add(delta).clamp(0, last) as usize;
        self.scroll_into_view(height);
    }

    pub fn scroll_into_view(&mut self, height: usize) {
        self.offset = super::offset_showing(self.cursor, self.offset, height);
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
        self.cursor = if !same_day {
            self.offset = 0;
            0
        } else if let Some(at) = position(new).or_else(|| position(current)) {
            at
        } else {
            self.cursor.min(appointments.len().saturating_sub(1))
        };
        self.day = Some(day);
        self.loaded = Some(day);
        self.appointments = appointments;
        self.protocols = protocols;
    }
}
