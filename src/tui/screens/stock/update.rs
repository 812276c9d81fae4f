//! What the Alloggi keys do: move, open a dwelling's card, filter, and the forms that add and
//! change a dwelling and change its state; the list follows every commit, here or elsewhere.

use std::any::Any;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::forms::{self, StockOutcome};
use super::{
    CHANGE_STATE, EDIT_DWELLING, FILTER_ACCESSIBLE, FILTER_SIZE, FILTER_VACANCY, NEW_DWELLING,
    STOCK_CHROME, StockScreen, texts,
};
use crate::domain::Command;
use crate::domain::stock::{DwellingFilter, DwellingState};
use crate::office::{Reply, Request};
use crate::tui::actions::{Action, NEXT_FILTER, PREVIOUS_FILTER};
use crate::tui::context::{Change, Ctx, Report, Ticket};
use crate::tui::list::ListCursor;
use crate::tui::screens::{Back, Screen};
use crate::tui::view::View;

impl Screen for StockScreen {
    fn enter(&mut self, ctx: &mut Ctx) {
        self.read(ctx);
    }

    fn on_action(&mut self, action: Action, ctx: &mut Ctx) {
        let height = ctx.table_height(STOCK_CHROME);
        if self.card.is_none()
            && let Some(delta) = ListCursor::step(action, height)
        {
            self.move_cursor(delta, height);
            return;
        }
        match action {
            Action::Open => self.card = self.selected().map(|d| d.code.clone()),
            Action::Screen(NEXT_FILTER) => self.step_state(1),
            Action::Screen(PREVIOUS_FILTER) => self.step_state(-1),
            Action::Screen(FILTER_SIZE) => {
                self.step_size();
                self.read(ctx);
            }
            Action::Screen(FILTER_ACCESSIBLE) => {
                self.filter.accessible_only = !self.filter.accessible_only;
                self.read(ctx);
            }
            Action::Screen(FILTER_VACANCY) => {
                ctx.open_form(forms::min_vacancy(self.filter.min_vacancy_days));
            }
            Action::Screen(NEW_DWELLING) => ctx.open_form(forms::new_dwelling(ctx.today())),
            Action::Screen(EDIT_DWELLING) => {
                if let Some(dwelling) = self.current() {
                    ctx.open_form(forms::edit_dwelling(dwelling));
                }
            }
            Action::Screen(CHANGE_STATE) => {
                let Some(dwelling) = self.current() else {
                    return;
                };
                if dwelling.state == DwellingState::Proposto {
                    let why =
                        texts::cannot_change_state(dwelling.code.as_str(), dwelling.state.label());
                    return ctx.error(why);
                }
                ctx.open_form(forms::change_state(dwelling));
            }
            _ => {}
        }
    }

    /// Esc closes the card first.
    fn back(&mut self, _ctx: &mut Ctx) -> Back {
        if self.card.take().is_some() {
            Back::Stay
        } else {
            Back::Home
        }
    }

    /// Editing needs a dwelling under the cursor (or on the card).
    fn available(&self, action: Action, _view: &View) -> bool {
        match action {
            Action::Screen(EDIT_DWELLING | CHANGE_STATE) => self.current().is_some(),
            _ => true,
        }
    }

    fn key_bar(&self) -> Vec<Action> {
        vec![
            Action::Screen(NEW_DWELLING),
            Action::Screen(EDIT_DWELLING),
            Action::Screen(CHANGE_STATE),
            Action::Screen(FILTER_SIZE),
            Action::Screen(FILTER_ACCESSIBLE),
            Action::Screen(FILTER_VACANCY),
            Action::Open,
            Action::Screen(NEXT_FILTER),
            Action::Help,
        ]
    }

    fn on_form(&mut self, outcome: Box<dyn Any>, ctx: &mut Ctx) {
        let Ok(outcome) = outcome.downcast::<StockOutcome>() else {
            return;
        };
        match *outcome {
            StockOutcome::Save { dwelling, new } => {
                let code = dwelling.code.clone();
                let done = if new {
                    texts::added(code.as_str())
                } else {
                    texts::changed(code.as_str())
                };
                // The list is read again once it commits (a step's change): the cursor follows.
                self.follow = Some(code);
                let command = Command::SaveDwellings {
                    dwellings: vec![*dwelling],
                };
                ctx.execute(command, Report::form(done));
            }
            StockOutcome::ChangeState(command) => {
                let done = match &command {
                    Command::ChangeDwellingState { code, state, .. } => {
                        texts::state_changed(code.as_str(), state.label())
                    }
                    _ => String::new(),
                };
                ctx.execute(command, Report::form(done));
            }
            StockOutcome::MinVacancy(days) => {
                ctx.close_form();
                self.filter.min_vacancy_days = days;
                self.read(ctx);
            }
        }
    }

    fn on_reply(&mut self, ticket: Ticket, reply: Reply, ctx: &mut Ctx) -> bool {
        let Reply::Dwellings(result) = reply else {
            return false;
        };
        if self.reading.take(ticket).is_none() {
            return false;
        }
        match result {
            Ok(dwellings) => {
                self.load(dwellings);
                self.list.scroll_into_view(ctx.table_height(STOCK_CHROME));
            }
            Err(e) => ctx.error(e.to_string()),
        }
        true
    }

    /// A step committed, here or in another console: read again where it shows, else once
    /// it is shown.
    fn on_change(&mut self, change: &Change, ctx: &mut Ctx) -> bool {
        if *change == Change::Step && ctx.is_shown() {
            self.read(ctx);
        }
        false
    }

    fn on_resize(&mut self, ctx: &mut Ctx) {
        self.list.scroll_into_view(ctx.table_height(STOCK_CHROME));
    }

    fn draw(&self, frame: &mut Frame, area: Rect, view: &View) {
        super::view::draw(frame, area, self, view);
    }

    fn status(&self, view: &View, width: usize) -> Option<Line<'static>> {
        Some(super::view::status(self, view, width))
    }
}

impl StockScreen {
    /// The dwelling the keys act on: the card's, else the one under the cursor.
    fn current(&self) -> Option<&crate::domain::stock::Dwelling> {
        match &self.card {
            Some(_) => self.card_dwelling(),
            None => self.selected(),
        }
    }

    /// Asks for the stock the filters keep, every state: the state is chosen among them, so
    /// that each state's tab counts what the other filters keep.
    fn read(&mut self, ctx: &mut Ctx) {
        let filter = DwellingFilter {
            state: None,
            ..self.filter.clone()
        };
        let day = ctx.today();
        self.reading
            .set(ctx.ask(Request::Dwellings { filter, day }), ());
    }
}
