//! What the Agenda's keys do: change day, open the case of an appointment, and the forms that
//! book, move and cancel; booking from a case goes through here too.

use std::any::Any;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::forms::{self, AgendaOutcome, Booking};
use super::{AGENDA_CHROME, AgendaScreen, CANCEL, NEXT_DAY, PREVIOUS_DAY, RESCHEDULE, TODAY};
use crate::domain::time::rome_date;
use crate::domain::{ApplicationId, Command};
use crate::messages::{Catalogue, Order, Values};
use crate::tui::actions::{Action, BOOK_APPOINTMENT};
use crate::tui::context::{Change, Ctx};
use crate::tui::form::Form;
use crate::tui::list::ListCursor;
use crate::tui::screens::Screen;
use crate::tui::strings as s;
use crate::tui::view::View;
use super::texts;

/// The message booking or moving an appointment fires: the citizen learns where and when.
pub const ON_BOOKING: &str = "appuntamento_domanda";

impl Screen for AgendaScreen {
    /// The screen is opened: read its day again.
    fn enter(&mut self, ctx: &mut Ctx) {
        self.read_day(ctx);
    }

    fn on_action(&mut self, action: Action, ctx: &mut Ctx) {
        let height = ctx.table_height(AGENDA_CHROME);
        if let Some(delta) = ListCursor::step(action, height) {
            self.move_cursor(delta, height);
            return;
        }
        let today = ctx.today();
        let day = self.day.unwrap_or(today);
        match action {
            Action::Screen(PREVIOUS_DAY) => self.show_day(day.pred_opt(), ctx),
            Action::Screen(NEXT_DAY) => self.show_day(day.succ_opt(), ctx),
            Action::Screen(TODAY) => self.show_day(Some(today), ctx),
            Action::Open => match self.current().map(|a| a.application) {
                Some(Some(id)) => ctx.open_case(id),
                Some(None) => ctx.error(texts::APPOINTMENT_NOT_LINKED.to_string()),
                None => {}
            },
            Action::Screen(BOOK_APPOINTMENT) => {
                let place = counter_place(ctx);
                let form = forms::book_appointment(Booking {
                    application: None,
                    fiscal_code: "",
                    name: "",
                    place: &place,
                    day: day.max(today),
                    today,
                });
                ctx.open_form(form);
            }
            Action::Screen(own @ (RESCHEDULE | CANCEL)) => {
                let Some(appointment) = self.current() else {
                    return;
                };
                if !appointment.is_active() {
                    let number = appointment.booking_number.clone();
                    return ctx.error(texts::appointment_is_cancelled(&number));
                }
                let form = if own == CANCEL {
                    forms::cancel_appointment(appointment)
                } else {
                    forms::reschedule_appointment(appointment, today)
                };
                ctx.open_form(form);
            }
            _ => {}
        }
    }

    fn key_bar(&self) -> Vec<Action> {
        vec![
            Action::Screen(BOOK_APPOINTMENT),
            Action::Screen(RESCHEDULE),
            Action::Screen(CANCEL),
            Action::Screen(PREVIOUS_DAY),
            Action::Screen(NEXT_DAY),
            Action::Screen(TODAY),
            Action::Open,
            Action::Help,
        ]
    }

    fn on_form(&mut self, outcome: Box<dyn Any>, ctx: &mut Ctx) {
        let Ok(outcome) = outcome.downcast::<AgendaOutcome>() else {
            return;
        };
        let AgendaOutcome::Slot(command) = *outcome;
        // A booking made here is shown on its day, behind the preview and once committed.
        let follow = matches!(command, Command::BookAppointment(_))
            .then(|| command.slot().map(|slot| rome_date(slot.at)))
            .flatten();
        book_or_move(command, ctx, |ctx| {
            if let Some(day) = follow {
                self.show_day(Some(day), ctx);
            }
        });
    }

    /// A step committed while it shows: read the day again.
    fn on_change(&mut self, change: &Change, ctx: &mut Ctx) -> bool {
        if *change == Change::Step && ctx.is_shown() {
            self.read_day(ctx);
            return true;
        }
        false
    }

    fn draw(&self, frame: &mut Frame, area: Rect, view: &View) {
        super::view::draw(frame, area, self, view);
    }

    fn status(&self, view: &View, width: usize) -> Option<Line<'static>> {
        Some(super::view::status(self, view, width))
    }
}

impl AgendaScreen {
    /// Reads the day shown (today, the first time), with the protocol of each linked case.
    fn read_day(&mut self, ctx: &mut Ctx) {
        let day = *self.day.get_or_insert(ctx.today());
        let appointments = match ctx.store().appointments_on(day) {
            Ok(list) => list,
            Err(e) => return ctx.error(e.to_string()),
        };
        let mut protocols = BTreeMap::new();
        for id in appointments.iter().filter_map(|a| a.application) {
            if protocols.contains_key(&id) {
                continue;
            }
            // A protocol that cannot be read shows as missing: the day must still show.
            let protocol = match ctx.store().application(id) {
                Ok(Some(app)) => app.protocol.map(|p| p.to_string()).unwrap_or_default(),
                _ => String::new(),
            };
            protocols.insert(id, protocol);
        }
        self.load(day, appointments, protocols);
        let height = ctx.table_height(AGENDA_CHROME);
        self.list.scroll_into_view(height);
    }

    fn show_day(&mut self, day: Option<NaiveDate>, ctx: &mut Ctx) {
        if let Some(day) = day {
            self.day = Some(day);
            self.read_day(ctx);
        }
    }
}

/// `b` in a case: the booking form for its applicant, linked to the application.
pub fn book_for(id: ApplicationId, fiscal_code: &str, name: &str, ctx: &Ctx) -> Form {
    let place = counter_place(ctx);
    let today = ctx.today();
    forms::book_appointment(Booking {
        application: Some(id),
        fiscal_code,
        name,
        place: &place,
        day: today,
        today,
    })
}

/// The counter's address, the usual place of an appointment, when the Comune's values are
/// known.
fn counter_place(ctx: &Ctx) -> String {
    ctx.messaging()
        .config
        .as_ref()
        .map(|c| c.counter_address.clone())
        .unwrap_or_default()
}

/// A booking or a move, with the message telling the citizen. The store is asked with the
/// form still open, so a slot taken or a time past is corrected where it was typed; then the
/// message is previewed and Enter commits both. `accepted` runs once the slot is accepted,
/// before the preview or the step.
pub fn book_or_move(command: Command, ctx: &mut Ctx, accepted: impl FnOnce(&mut Ctx)) {
    let checked = match &ctx.messaging().config {
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
                let command_ctx = ctx.command_context();
                ctx.store()
                    .preview_message(
                        Some(&command),
                        command.application_id(),
                        &command_ctx,
                        &order,
                    )
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            })),
    };
    match checked {
        Ok(Ok(())) => {
            ctx.close_overlay();
            accepted(ctx);
            ctx.fire_step(command, ON_BOOKING);
        }
        Ok(Err(refusal)) => ctx.form_error(refusal),
        // Without the Comune's values no message can be composed: the step alone.
        Err(reason) => {
            accepted(ctx);
            match ctx.execute(&command) {
                Ok(()) => {
                    ctx.close_overlay();
                    ctx.warn(s::step_without_message(&reason));
                }
                Err(refusal) => ctx.form_error(refusal),
            }
        }
    }
}
