//! The Agenda screen's forms: book, move and cancel an appointment.

use chrono::NaiveDate;

use crate::domain::calendar::next_working_day;
use crate::domain::appointment::{Appointment, AppointmentId, Citizen, Slot};
use crate::domain::command::NewAppointment;
use crate::domain::fiscal_code::PersonFiscalCode;
use crate::domain::time::{Timestamp, format_date, format_ts, parse_date, parse_datetime_rome};
use crate::domain::{ApplicationId, Command};
use crate::tui::form::{Field, Form, Outcome, Purpose, fiscal_code};
use crate::tui::rows::Rows;
use crate::tui::strings as s;
use super::texts;

/// The longest subject, place or name the domain takes.
const MAX_TEXT: usize = 120;

#[derive(Debug, Clone, PartialEq, Eq)]
enum AgendaPurpose {
    /// A new booking, about an application when made from its case.
    Book {
        application: Option<ApplicationId>,
        /// Typed elsewhere: the application whose applicant has the codice fiscale typed, and
        /// the name filled from it (replaced when the code changes, kept once edited).
        found: Option<ApplicationId>,
        filled: Option<String>,
    },
    Reschedule(AppointmentId),
    Cancel(AppointmentId),
}

/// What a form of this screen produces besides a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgendaOutcome {
    /// A booking or a move: the citizen is told the new date, so the confirmation message is
    /// previewed; the office is asked first, so that a refusal shows in the still open form.
    Slot(Command),
}

/// What the booking form starts with.
pub struct Booking<'a> {
    pub application: Option<ApplicationId>,
    pub fiscal_code: &'a str,
    pub name: &'a str,
    /// The counter's address from the Comune's configuration, or empty.
    pub place: &'a str,
    pub day: NaiveDate,
    /// Rome's today: an earlier day is refused as it is typed.
    pub today: NaiveDate,
}

/// Words a citizen reads in the message, on one line, as the domain accepts them.
fn text(value: &str) -> Result<(), String> {
    if value.chars().count() > MAX_TEXT {
        Err(texts::too_long(MAX_TEXT))
    } else if value.chars().any(char::is_control) {
        Err(texts::CONTROL_CHARACTERS.to_string())
    } else {
        Ok(())
    }
}

fn day_from(today: NaiveDate) -> impl Fn(&str) -> Result<(), String> {
    move |value| match parse_date(value) {
        Ok(day) if day < today => Err(texts::DAY_PAST.to_string()),
        Ok(_) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

/// "9:30", "09:30" or "9.30": hours and minutes.
fn parse_time(value: &str) -> Option<(u32, u32)> {
    let (hours, minutes) = value.trim().split_once([':', '.'])?;
    let digits = |t: &str| !t.is_empty() && t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(hours) || minutes.len() != 2 || !digits(minutes) {
        return None;
    }
    let (hours, minutes) = (hours.parse().ok()?, minutes.parse().ok()?);
    (hours < 24 && minutes < 60).then_some((hours, minutes))
}

fn time(value: &str) -> Result<(), String> {
    parse_time(value)
        .map(|_| ())
        .ok_or_else(|| texts::TIME_FORMAT.to_string())
}

/// The instant of a day and a time typed in Rome's time.
fn instant(day: &str, time: &str) -> Result<Timestamp, String> {
    let day = parse_date(day).map_err(|e| s::field_error(texts::FIELD_DAY, &e.to_string()))?;
    let (hours, minutes) =
        parse_time(time).ok_or_else(|| s::field_error(texts::FIELD_TIME, texts::TIME_FORMAT))?;
    parse_datetime_rome(&format!("{} {hours:02}:{minutes:02}", format_date(day)))
        .map_err(|e| e.to_string())
}

/// An appointment as the forms that change it name it, read-only: a choice of one.
fn which(appointment: &Appointment) -> Field {
    let label = format!(
        "{} · {} · {}",
        appointment.booking_number,
        format_ts(appointment.slot.at),
        crate::tui::view::clean(&appointment.citizen.name)
    );
    Field::choice(texts::FIELD_APPOINTMENT, vec![label], 0)
}

pub fn book_appointment(booking: Booking<'_>) -> Form {
    Form::new(
        texts::FORM_BOOK_APPOINTMENT,
        AgendaPurpose::Book {
            application: booking.application,
            found: None,
            filled: None,
        },
        vec![
            Field::text(s::FIELD_FISCAL_CODE, booking.fiscal_code)
                .required()
                .check(fiscal_code),
            Field::text(texts::FIELD_CITIZEN_NAME, booking.name)
                .required()
                .check(text),
            Field::text(texts::FIELD_SUBJECT, texts::DEFAULT_APPOINTMENT_SUBJECT)
                .required()
                .check(text),
            Field::text(texts::FIELD_PLACE, booking.place)
                .required()
                .check(text),
            Field::text(texts::FIELD_DAY, &format_date(next_working_day(booking.day)))
                .required()
                .check(day_from(booking.today)),
            Field::text(texts::FIELD_TIME, "").required().check(time),
        ],
    )
}

pub fn reschedule_appointment(appointment: &Appointment, today: NaiveDate) -> Form {
    let at = crate::domain::time::to_rome(appointment.slot.at);
    let mut form = Form::new(
        texts::FORM_RESCHEDULE_APPOINTMENT,
        AgendaPurpose::Reschedule(appointment.id),
        vec![
            which(appointment),
            Field::text(texts::FIELD_DAY, &at.format("%d/%m/%Y").to_string())
                .required()
                .check(day_from(today)),
            Field::text(texts::FIELD_TIME, &at.format("%H:%M").to_string())
                .required()
                .check(time),
            Field::text(texts::FIELD_PLACE, &appointment.slot.place)
                .required()
                .check(text),
        ],
    );
    form.focus = 1;
    form
}

pub fn cancel_appointment(appointment: &Appointment) -> Form {
    let mut form = Form::new(
        texts::FORM_CANCEL_APPOINTMENT,
        AgendaPurpose::Cancel(appointment.id),
        vec![
            which(appointment),
            Field::text(s::FIELD_REASON, "").required().check(text),
        ],
    );
    form.focus = 1;
    form
}

impl Purpose for AgendaPurpose {
    fn complete(&mut self, fields: &mut [Field], rows: &Rows) {
        if let AgendaPurpose::Book {
            application: None,
            found,
            filled,
        } = self
        {
            complete_booking(fields, rows, found, filled);
        }
    }

    fn build(&self, form: &Form) -> Result<Outcome, String> {
        match *self {
            AgendaPurpose::Book {
                application, found, ..
            } => {
                let fiscal_code = PersonFiscalCode::parse(form.value(0))
                    .map_err(|e| s::field_error(s::FIELD_FISCAL_CODE, &e.to_string()))?;
                let new = NewAppointment {
                    citizen: Citizen {
                        fiscal_code,
                        name: form.value(1).to_string(),
                    },
                    application: application.or(found),
                    subject: form.value(2).to_string(),
                    slot: Slot {
                        at: instant(form.value(4), form.value(5))?,
                        place: form.value(3).to_string(),
                    },
                };
                Ok(Outcome::Screen(Box::new(AgendaOutcome::Slot(
                    Command::BookAppointment(Box::new(new)),
                ))))
            }
            AgendaPurpose::Reschedule(id) => {
                let slot = Slot {
                    at: instant(form.value(1), form.value(2))?,
                    place: form.value(3).to_string(),
                };
                Ok(Outcome::Screen(Box::new(AgendaOutcome::Slot(
                    Command::RescheduleAppointment { id, slot },
                ))))
            }
            AgendaPurpose::Cancel(id) => Ok(Outcome::Step {
                command: Command::CancelAppointment {
                    id,
                    reason: form.value(1).to_string(),
                },
                fires: None,
            }),
        }
    }
}

/// The application of the applicant with `code`, from the rows in memory.
fn application_of(rows: &Rows, code: &str) -> Option<(ApplicationId, String, String)> {
    let code = PersonFiscalCode::parse(code).ok()?;
    rows.iter()
        .find(|row| row.fiscal_code == code.as_str())
        .map(|row| (row.id, row.protocol.clone(), row.name.clone()))
}

/// Fields of the booking form by position.
const FISCAL_CODE_FIELD: usize = 0;
const NAME_FIELD: usize = 1;

fn complete_booking(
    fields: &mut [Field],
    rows: &Rows,
    found: &mut Option<ApplicationId>,
    filled: &mut Option<String>,
) {
    let Some(code) = fields.get(FISCAL_CODE_FIELD).map(|f| f.value().to_string()) else {
        return;
    };
    let application = application_of(rows, &code);
    let Some(name_field) = fields.get_mut(NAME_FIELD) else {
        return;
    };
    // A name typed by hand stays; one filled from a code no longer typed goes.
    let untouched = name_field.value().is_empty() || filled.as_deref() == Some(name_field.value());
    let name = application.as_ref().map(|(_, _, name)| name.clone());
    if untouched && name_field.value() != name.as_deref().unwrap_or("") {
        name_field.input = name_field.input.clone().with_value(name.clone().unwrap_or_default());
        name_field.error = None;
    }
    *filled = if untouched { name } else { filled.take() };
    *found = application.as_ref().map(|(id, _, _)| *id);
    if let Some(field) = fields.get_mut(FISCAL_CODE_FIELD) {
        field.hint = application.map(|(_, protocol, _)| texts::linked_application(&protocol));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_hours_and_minutes() {
        assert_eq!(parse_time("9:30"), Some((9, 30)));
        assert_eq!(parse_time("09.05"), Some((9, 5)));
        assert_eq!(parse_time(" 23:59 "), Some((23, 59)));
        for wrong in [
            "24:00", "9:60", "9:5", "930", "", ":30", "9:30:00", "a9:30", "+9:30",
        ] {
            assert_eq!(parse_time(wrong), None, "{wrong}");
        }
    }
}
