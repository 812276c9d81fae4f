//! The Agenda screen's state: one day of counter appointments.

use chrono::NaiveDate;

use crate::domain::appointment::Appointment;

#[derive(Debug, Default)]
pub struct AgendaScreen {
    /// The day shown; None until the screen is first opened (then today).
    pub day: Option<NaiveDate>,
    pub appointments: Vec<Appointment>,
    pub cursor: usize,
}
