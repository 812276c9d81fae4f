//! The Agenda screen: a day of counter appointments, and the forms that book, move and cancel
//! them.

use std::collections::BTreeMap;

use super::{App, Screen};
use crate::domain::time::rome_date;
use crate::domain::{ApplicationId, Command};
use crate::messages::{Catalogue, Order, Values};
use crate::tui::agenda::AGENDA_CHROME;
use crate::tui::form::Form;
use crate::tui::form::agenda::{AgendaOutcome, Booking};
use crate::tui::keymap::Action;
use crate::tui::strings as s;

/// The message booking or moving an appointment fires: the citizen learns where and when.
pub const ON_BOOKING: &str = "appuntamento_domanda";

impl App {
    pub(super) fn on_agenda(&mut self, action: Action) {
        let height = self.table_height(AGENDA_CHROME);
        if let Some(delta) = App::move_in_list(action, height) {
            self.agenda.move_cursor(delta, height);
            return;
        }
        let today = rome_date(self.now());
        let day = self.agenda.day.unwrap_or(today);
        match action {
            Action::PreviousDay => self.show_agenda_day(day.pred_opt()),
            Action::NextDay => self.show_agenda_day(day.succ_opt()),
            Action::Today => self.show_agenda_day(Some(today)),
            Action::Open => match self.agenda.current().map(|a| a.application) {
                Some(Some(id)) => self.open_case(id, Screen::Agenda),
                Some(None) => self.set_error(s::APPOINTMENT_NOT_LINKED.to_string()),
                None => {}
            },
            Action::BookAppointment => {
                let place = self.agenda_place();
                let form = Form::book_appointment(Booking {
                    application: None,
                    fiscal_code: "",
                    name: "",
                    place: &place,
                    day: day.max(today),
                    today,
                });
                self.open_form(form);
            }
            Action::RescheduleAppointment | Action::CancelAppointment => {
                let Some(appointment) = self.agenda.current() else {
                    return;
                };
                if !appointment.is_active() {
                    let number = appointment.booking_number.clone();
                    return self.set_error(s::appointment_is_cancelled(&number));
                }
                let form = if action == Action::CancelAppointment {
                    Form::cancel_appointment(appointment)
                } else {
                    Form::reschedule_appointment(appointment, today)
                };
                self.open_form(form);
            }
            _ => {}
        }
    }

    /// `b` in a case: book an appointment for its applicant, linked to the application.
    pub(super) fn book_from_case(&mut self, id: ApplicationId) {
        let Some(case) = self.case.as_ref().filter(|c| c.data.application.id == id) else {
            return;
        };
        let application = &case.data.application;
        let fiscal_code = application.applicant_fiscal_code().to_string();
        let name = crate::tui::view::clean(&application.applicant_name());
        let place = self.agenda_place();
        let today = rome_date(self.now());
        let form = Form::book_appointment(Booking {
            application: Some(id),
            fiscal_code: &fiscal_code,
            name: &name,
            place: &place,
            day: today,
            today,
        });
        self.open_form(form);
    }

    /// The screen is opened, or a step committed while it shows: read the day again.
    pub(super) fn enter_agenda(&mut self) {
        let day = *self.agenda.day.get_or_insert(rome_date(self.now()));
        let appointments = match self.store.appointments_on(day) {
            Ok(list) => list,
            Err(e) => return self.set_error(e.to_string()),
        };
        let mut protocols = BTreeMap::new();
        for id in appointments.iter().filter_map(|a| a.application) {
            if protocols.contains_key(&id) {
                continue;
            }
            // A protocol that cannot be read shows as missing: the day must still show.
            let protocol = match self.store.application(id) {
                Ok(Some(app)) => app.protocol.map(|p| p.to_string()).unwrap_or_default(),
                _ => String::new(),
            };
            protocols.insert(id, protocol);
        }
        self.agenda.load(day, appointments, protocols);
        let height = self.table_height(AGENDA_CHROME);
        self.agenda.scroll_into_view(height);
    }

    pub(super) fn on_agenda_outcome(&mut self, outcome: AgendaOutcome) {
        match outcome {
            AgendaOutcome::Slot(command) => self.agenda_book_or_move(command),
        }
    }

    fn show_agenda_day(&mut self, day: Option<chrono::NaiveDate>) {
        if let Some(day) = day {
            self.agenda.day = Some(day);
            self.enter_agenda();
        }
    }

    /// The counter's address, the usual place of an appointment, when the Comune's values are
    /// known.
    fn agenda_place(&self) -> String {
        self.messaging
            .config
            .as_ref()
            .map(|c| c.counter_address.clone())
            .unwrap_or_default()
    }

    /// A booking or a move, with the message telling the citizen. The store is asked with the
    /// form still open, so a slot taken or a time past is corrected where it was typed; then
    /// the message is previewed and Enter commits both.
    fn agenda_book_or_move(&mut self, command: Command) {
        // A booking made here is shown on its day, behind the preview and once committed.
        let follow = (self.screen == Screen::Agenda
            && matches!(command, Command::BookAppointment(_)))
        .then(|| command.slot().map(|slot| rome_date(slot.at)))
        .flatten();
        let checked = match &self.messaging.config {
            Err(reason) => Err(reason.clone()),
            Ok(config) => Ok(Catalogue::builtin()
                .get(ON_BOOKING)
                .ok_or_else(|| format!("messaggio «{ON_BOOKING}» sconosciuto nel catalogo"))
                .and_then(|template| {
                    let order = Order {
                        template,
                        config,
                        typed: Values::new(),
                        recipient: None,
                    };
                    let ctx = self.context_for_command();
                    self.store
                        .preview_message(Some(&command), command.application_id(), &ctx, &order)
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                })),
        };
        match checked {
            Ok(Ok(())) => {
                self.overlay = None;
                if let Some(day) = follow {
                    self.show_agenda_day(Some(day));
                }
                self.fire_step(command, ON_BOOKING);
            }
            Ok(Err(refusal)) => self.form_error(refusal),
            // Without the Comune's values no message can be composed: the step alone.
            Err(reason) => {
                if let Some(day) = follow {
                    self.show_agenda_day(Some(day));
                }
                match self.execute(&command) {
                    Ok(()) => {
                        self.overlay = None;
                        self.status = Some((s::step_without_message(&reason), true));
                    }
                    Err(refusal) => self.form_error(refusal),
                }
            }
        }
    }
}
