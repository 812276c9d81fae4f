//! What the Contratti keys do: move, open the case or the signed lease, tell the assignee the
//! contract is ready, book the signature, record it; the list follows every commit.

use std::any::Any;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::forms::{self, Signing};
use super::{APPOINTMENT, CONTRACTS_CHROME, ContractsScreen, READY, SIGN, texts};
use crate::domain::Command;
use crate::office::{
    ContractState, ON_CONTRACT_READY, OfficeError, Reply, Request, SigningPreview,
};
use crate::tui::app::{CheckState, Overlay};
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
        let today = ctx.today();
        match action {
            Action::Open => match row.state {
                ContractState::Signed { .. } => {
                    self.lease = Some(row.id);
                    self.scroll = 0;
                }
                _ => ctx.open_case(row.id),
            },
            Action::Screen(READY) if may_ready(&row.state) => {
                ctx.fire_step(Command::ContractReady { id: row.id }, ON_CONTRACT_READY);
            }
            Action::Screen(APPOINTMENT) if may_book(&row.state) => {
                ctx.open_form(forms::appointment(row));
            }
            Action::Screen(SIGN) if may_sign(&row.state) => {
                ctx.open_form(forms::sign(row, today));
            }
            _ => {}
        }
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
        let state = self.selected().map(|r| &r.state);
        match action {
            Action::Screen(READY) => state.is_some_and(may_ready),
            Action::Screen(APPOINTMENT) => state.is_some_and(may_book),
            Action::Screen(SIGN) => state.is_some_and(may_sign),
            _ => true,
        }
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
        let Ok(signing) = outcome.downcast::<Signing>() else {
            return;
        };
        let Signing {
            id,
            protocol,
            signing,
        } = *signing;
        // The lease is shown, with its rent computed, before the signature is recorded.
        let ticket = ctx.ask(Request::PreviewSigning { id, signing });
        self.signing.set(ticket, protocol);
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
            Reply::PreviewSigning(result) => {
                let Some(protocol) = self.signing.take(ticket) else {
                    return false;
                };
                match result {
                    Ok(SigningPreview { command, lease }) => {
                        let form = ctx.take_form();
                        ctx.show(Overlay::Check(Box::new(CheckState {
                            title: texts::CHECK_SIGN,
                            lines: super::view::lease_lines(&lease)
                                .into_iter()
                                .map(|line| (line, false))
                                .collect(),
                            command,
                            commit: texts::COMMIT_SIGN,
                            done: texts::signed_done(
                                lease.number.as_str(),
                                &protocol,
                                &lease.rent.monthly.format_plain(),
                            ),
                            warning: false,
                            form,
                        })));
                    }
                    Err(OfficeError::Refused(why)) => ctx.form_or_status_error(why),
                    Err(e) => ctx.form_or_status_error(e.to_string()),
                }
                true
            }
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

/// The contract is said ready once, before anything else.
fn may_ready(state: &ContractState) -> bool {
    matches!(state, ContractState::ToPrepare)
}

/// The signature is booked once the contract is ready; booked again to move it.
fn may_book(state: &ContractState) -> bool {
    matches!(
        state,
        ContractState::Ready { .. } | ContractState::Booked { .. }
    )
}

fn may_sign(state: &ContractState) -> bool {
    !matches!(state, ContractState::Signed { .. })
}
