//! What the Contratti keys do: move, open the case or the signed lease, tell the assignee the
//! contract is ready, book the signature, record it; the list follows every commit.

use std::any::Any;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::steps;
use super::{APPOINTMENT, CONTRACTS_CHROME, ContractsScreen, READY, SIGN};
use crate::office::{ContractState, Reply, Request};
use crate::tui::actions::Action;
use crate::tui::context::{Change, Ctx, Ticket};
use crate::tui::list::ListCursor;
use crate::tui::screens::{Back, Screen};
use crate::tui::view::View;

impl Screen for ContractsScreen {
    fn enter(&mut self, ctx: &mut Ctx) {
        self.read(ctx);
    }

    fn on_action(&mut self, action: Action, ctx: &mut Ctx) {
        if self.lease.is_some() {
            match action {
                Action::Up => self.scroll = self.scroll.saturating_sub(1),
                Action::Down => self.scroll = self.scroll.saturating_add(1),
                Action::Top => self.scroll = 0,
                _ => {}
            }
            return;
        }
        let height = ctx.table_height(CONTRACTS_CHROME);
        if let Some(delta) = ListCursor::step(action, height) {
            self.list.move_by(delta, self.rows.len(), height);
            return;
        }
        let Some(row) = self.selected() else {
            return;
        };
        if action == Action::Open {
            match row.state {
                ContractState::Signed { .. } => {
                    self.lease = Some(row.id);
                    self.scroll = 0;
                }
                _ => ctx.open_case(row.id),
            }
            return;
        }
        let today = ctx.today();
        self.steps.act(action, row, today, ctx);
    }

    /// Esc closes the lease first.
    fn back(&mut self, _ctx: &mut Ctx) -> Back {
        if self.lease.take().is_some() {
            Back::Stay
        } else {
            Back::Home
        }
    }

    fn available(&self, action: Action, _view: &View) -> bool {
        if self.lease.is_some() {
            return !matches!(action, Action::Screen(_));
        }
        if !steps::is_step(action) {
            return true;
        }
        self.selected()
            .is_some_and(|row| steps::allows(action, &row.state))
    }

    fn key_bar(&self) -> Vec<Action> {
        if self.lease.is_some() {
            return vec![Action::Back, Action::Help];
        }
        vec![
            Action::Open,
            Action::Screen(READY),
            Action::Screen(APPOINTMENT),
            Action::Screen(SIGN),
            Action::Help,
        ]
    }

    fn on_form(&mut self, outcome: Box<dyn Any>, ctx: &mut Ctx) {
        // Whatever else comes back is not this screen's.
        let _ = self.steps.on_form(outcome, ctx);
    }

    fn on_reply(&mut self, ticket: Ticket, reply: Reply, ctx: &mut Ctx) -> bool {
        match reply {
            Reply::Contracts(result) => {
                if self.reading.take(ticket).is_none() {
                    return false;
                }
                match result {
                    Ok(rows) => {
                        self.load(rows);
                        self.list
                            .scroll_into_view(ctx.table_height(CONTRACTS_CHROME));
                    }
                    Err(e) => {
                        self.loaded = true;
                        ctx.error(e.to_string());
                    }
                }
                true
            }
            Reply::PreviewSigning(result) => self.steps.on_preview(ticket, result, ctx),
            _ => false,
        }
    }

    /// A step committed, here or in another console: read again where it shows.
    fn on_change(&mut self, change: &Change, ctx: &mut Ctx) -> bool {
        if *change == Change::Step && ctx.is_shown() {
            self.read(ctx);
        }
        false
    }

    fn on_resize(&mut self, ctx: &mut Ctx) {
        self.list
            .scroll_into_view(ctx.table_height(CONTRACTS_CHROME));
    }

    fn draw(&self, frame: &mut Frame, area: Rect, view: &View) {
        super::view::draw(frame, area, self, view);
    }

    fn status(&self, view: &View, width: usize) -> Option<Line<'static>> {
        Some(super::view::status(self, view, width))
    }
}

impl ContractsScreen {
    fn read(&mut self, ctx: &mut Ctx) {
        self.reading.set(ctx.ask(Request::Contracts), ());
    }
}
