//! What the Agenda's keys do: change day, open the case of an appointment, and the forms that
//! book, move and cancel; booking from a case goes through here too.

use std::any::Any;

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::forms::{self, AgendaOutcome, Booking};
use super::{AGENDA_CHROME, AgendaScreen, CANCEL, NEXT_DAY, PREVIOUS_DAY, RESCHEDULE, TODAY};
use crate::domain::time::rome_date;
use crate::domain::{ApplicationId, Command};
use crate::messages::Values;
use crate::office::{OfficeError, Reply, Request, Step, StepPreview};
use crate::tui::actions::{Action, BOOK_APPOINTMENT};
use crate::tui::context::{Change, Ctx, Report, Ticket};
use crate::tui::messaging::Firing;
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
        let checking = book_or_move(command.clone(), ctx, |ctx| {
            if let Some(day) = follow {
                self.show_day(Some(day), ctx);
            }
        });
        if let Some(ticket) = checking {
            self.booking.set(ticket, (command, follow));
        }
    }

    fn on_reply(&mut self, ticket: Ticket, reply: Reply, ctx: &mut Ctx) -> bool {
        match reply {
            Reply::AgendaDay(result) if self.reading.take(ticket).is_some() => {
                match result {
                    Ok(day) => {
                        self.load(day.day, day.appointments, day.protocols);
                        let height = ctx.table_height(AGENDA_CHROME);
                        self.list.scroll_into_view(height);
                    }
                    Err(e) => ctx.error(e.to_string()),
                }
                true
            }
            Reply::PreviewStep(result) => {
                let Some((command, follow)) = self.booking.take(ticket) else {
                    return false;
                };
                if booking_checked(command, result, ctx)
                    && let Some(day) = follow
                {
                    self.show_day(Some(day), ctx);
                }
                true
            }
            _ => false,
        }
    }

    /// A step committed while it shows: read the day again.
    fn on_change(&mut self, change: &Change, ctx: &mut Ctx) -> bool {
        if *change == Change::Step && ctx.is_shown() {
            self.read_day(ctx);
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
    /// Asks for the day shown (today, the first time), with the protocol of each linked case.
    fn read_day(&mut self, ctx: &mut Ctx) {
        let day = *self.day.get_or_insert(ctx.today());
        self.reading.set(ctx.ask(Request::AgendaDay { day }), ());
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

/// A booking or a move, with the message telling the citizen. The office is asked for the
/// message with the form still open, so a slot taken or a time past is corrected where it was
/// typed: the ticket returned is that check's, whose reply goes to [`booking_checked`]; then the
/// message is previewed and Enter commits both. Without the Comune's values the step is sent
/// alone, after `accepted`, and None is returned.
pub fn book_or_move(
    command: Command,
    ctx: &mut Ctx,
    accepted: impl FnOnce(&mut Ctx),
) -> Option<Ticket> {
    if let Err(reason) = &ctx.messaging().config {
        // Without the Comune's values no message can be composed: the step alone.
        let done = s::step_without_message(reason);
        accepted(ctx);
        ctx.execute(command, Report::form(done).warning());
        return None;
    }
    let step = Step {
        application: command.application_id(),
        command: Some(command),
        template: ON_BOOKING.to_string(),
        typed: Values::new(),
    };
    Some(ctx.ask(Request::PreviewStep(step)))
}

/// The office's answer to a booking's check: the form closes and the message is shown for
/// Enter, or the refusal shows under the form's fields. True when the slot was accepted.
pub fn booking_checked(
    command: Command,
    result: Result<StepPreview, OfficeError>,
    ctx: &mut Ctx,
) -> bool {
    match result {
        Ok(preview) => {
            // The form gives way to the message, and comes back on Esc.
            let firing = Firing::Case {
                application: command.application_id(),
                command: Some(command),
                template: ON_BOOKING.to_string(),
                typed: Values::new(),
            };
            ctx.show_step_preview(firing, 1, &preview);
            true
        }
        Err(refusal) => {
            ctx.form_error(refusal.to_string());
            false
        }
    }
}
