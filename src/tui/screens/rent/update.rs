//! What the Canoni keys do: move, change month and list, open a ledger, count and confirm a
//! batch then run it, record a counter payment; the month follows every commit.

use std::any::Any;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::forms::{self, RentOutcome};
use super::{
    ARREARS_PANE, COUNTER, ISSUE, NEXT_MONTH, OVERDUE, PREVIOUS_MONTH, Pane, REMIND, RENT_CHROME,
    RentScreen, texts,
};
use crate::domain::rent::Month;
use crate::office::{REMIND_WITHIN_DAYS, RentBatchKind, Reply, Request};
use crate::tui::actions::Action;
use crate::tui::app::{OnYes, Overlay, Question};
use crate::tui::context::{Change, Ctx, Ticket};
use crate::tui::list::ListCursor;
use crate::tui::screens::{Back, Screen};
use crate::tui::view::View;

impl Screen for RentScreen {
    fn enter(&mut self, ctx: &mut Ctx) {
        if self.month.is_none() {
            self.month = Some(Month::of(ctx.today()));
        }
        self.read(ctx);
    }

    fn on_action(&mut self, action: Action, ctx: &mut Ctx) {
        if self.ledger.is_some() {
            return;
        }
        let height = ctx.table_height(RENT_CHROME);
        if let Some(delta) = ListCursor::step(action, height) {
            match self.pane {
                Pane::Month => self.list.move_by(delta, self.rows().len(), height),
                Pane::Arrears => self
                    .arrears_list
                    .move_by(delta, self.arrears.len(), height),
            }
            return;
        }
        let today = ctx.today();
        match action {
            Action::Screen(NEXT_MONTH) => self.step_month(true, ctx),
            Action::Screen(PREVIOUS_MONTH) => self.step_month(false, ctx),
            Action::Screen(ARREARS_PANE) => {
                self.pane = match self.pane {
                    Pane::Month => Pane::Arrears,
                    Pane::Arrears => Pane::Month,
                };
            }
            Action::Open => {
                if let Some((id, tenant, protocol)) = self.selected_tenant() {
                    let ticket = ctx.ask(Request::TenantAccount { id, day: today });
                    self.opening.set(ticket, (tenant, protocol));
                }
            }
            Action::Screen(ISSUE) => {
                if let Some(month) = self.month {
                    self.count(RentBatchKind::Issue { month }, ctx);
                }
            }
            Action::Screen(REMIND) => ctx.open_form(forms::remind()),
            Action::Screen(OVERDUE) => self.count(RentBatchKind::Overdue, ctx),
            Action::Screen(COUNTER) => {
                if let Some(row) = self.selected().filter(|r| r.notice.is_open()) {
                    ctx.open_form(forms::counter(row, today));
                }
            }
            _ => {}
        }
    }

    /// Esc closes the ledger first.
    fn back(&mut self, _ctx: &mut Ctx) -> Back {
        if self.ledger.take().is_some() {
            Back::Stay
        } else {
            Back::Home
        }
    }

    fn available(&self, action: Action, _view: &View) -> bool {
        if self.ledger.is_some() {
            return !matches!(action, Action::Screen(_));
        }
        match action {
            Action::Screen(COUNTER) => self.selected().is_some_and(|r| r.notice.is_open()),
            _ => true,
        }
    }

    fn key_bar(&self) -> Vec<Action> {
        if self.ledger.is_some() {
            return vec![Action::Back, Action::Help];
        }
        vec![
            Action::Open,
            Action::Screen(ISSUE),
            Action::Screen(REMIND),
            Action::Screen(OVERDUE),
            Action::Screen(COUNTER),
            Action::Screen(ARREARS_PANE),
            Action::Screen(PREVIOUS_MONTH),
            Action::Screen(NEXT_MONTH),
            Action::Help,
        ]
    }

    fn on_form(&mut self, outcome: Box<dyn Any>, ctx: &mut Ctx) {
        let Ok(outcome) = outcome.downcast::<RentOutcome>() else {
            return;
        };
        match *outcome {
            RentOutcome::Remind { days } => {
                ctx.close_form();
                self.count(RentBatchKind::Remind { days }, ctx);
            }
            RentOutcome::Counter {
                nav,
                paid_on,
                month,
                tenant,
            } => {
                let ticket = ctx.ask(Request::CounterPayment { nav, paid_on });
                self.paying.set(ticket, (month, tenant));
            }
            RentOutcome::Run(kind) => {
                let label = match kind {
                    RentBatchKind::Issue { .. } => texts::LABEL_ISSUE,
                    RentBatchKind::Remind { .. } => texts::LABEL_REMIND,
                    RentBatchKind::Overdue => texts::LABEL_OVERDUE,
                };
                ctx.start_rent_batch(kind, texts::batch_label(label));
            }
        }
    }

    fn on_reply(&mut self, ticket: Ticket, reply: Reply, ctx: &mut Ctx) -> bool {
        match reply {
            Reply::RentMonth(result) => {
                if self.reading.take(ticket).is_none() {
                    return false;
                }
                match result {
                    Ok(view) => {
                        self.load(view);
                        self.list.scroll_into_view(ctx.table_height(RENT_CHROME));
                    }
                    Err(e) => {
                        self.loaded = true;
                        ctx.error(e.to_string());
                    }
                }
                true
            }
            Reply::Arrears(result) => {
                if self.reading_arrears.take(ticket).is_none() {
                    return false;
                }
                match result {
                    Ok(rows) => self.load_arrears(rows),
                    Err(e) => ctx.error(e.to_string()),
                }
                true
            }
            Reply::TenantAccount(result) => {
                let Some((tenant, protocol)) = self.opening.take(ticket) else {
                    return false;
                };
                match result {
                    Ok(account) => self.ledger = Some((account, tenant, protocol)),
                    Err(e) => ctx.error(e.to_string()),
                }
                true
            }
            Reply::RentBatchCount(result) => {
                let Some(kind) = self.counting.take(ticket) else {
                    return false;
                };
                match result {
                    Ok(0) => ctx.warn(match kind {
                        RentBatchKind::Issue { month } => texts::nothing_to_issue(&month.label()),
                        RentBatchKind::Remind { .. } => texts::NOTHING_TO_REMIND.to_string(),
                        RentBatchKind::Overdue => texts::NOTHING_OVERDUE.to_string(),
                    }),
                    Ok(n) => {
                        let text = match kind {
                            RentBatchKind::Issue { month } => texts::ask_issue(&month.label(), n),
                            RentBatchKind::Remind { days } => texts::ask_remind(n, days),
                            RentBatchKind::Overdue => texts::ask_overdue(n),
                        };
                        ctx.show(Overlay::Question(Box::new(Question {
                            text,
                            yes: OnYes::Screen(Box::new(RentOutcome::Run(kind))),
                        })));
                    }
                    Err(e) => ctx.error(e.to_string()),
                }
                true
            }
            Reply::CounterPayment(result) => {
                let Some((month, tenant)) = self.paying.take(ticket) else {
                    return false;
                };
                match result {
                    Ok(_) => {
                        ctx.close_form();
                        ctx.ok(texts::counter_done(&month, &tenant));
                        ctx.after_step();
                    }
                    Err(e) => ctx.form_or_status_error(e.to_string()),
                }
                true
            }
            _ => false,
        }
    }

    /// A step or a batch committed, here or in another console: read again where it shows.
    fn on_change(&mut self, change: &Change, ctx: &mut Ctx) -> bool {
        if matches!(change, Change::Step | Change::BatchDone) && ctx.is_shown() {
            self.read(ctx);
            if let Some((account, _, _)) = &self.ledger {
                let id = account.id;
                let (tenant, protocol) = self
                    .ledger
                    .as_ref()
                    .map(|(_, t, p)| (t.clone(), p.clone()))
                    .unwrap_or_default();
                let ticket = ctx.ask(Request::TenantAccount {
                    id,
                    day: ctx.today(),
                });
                self.opening.set(ticket, (tenant, protocol));
            }
        }
        false
    }

    fn on_resize(&mut self, ctx: &mut Ctx) {
        let height = ctx.table_height(RENT_CHROME);
        self.list.scroll_into_view(height);
        self.arrears_list.scroll_into_view(height);
    }

    fn draw(&self, frame: &mut Frame, area: Rect, view: &View) {
        super::view::draw(frame, area, self, view);
    }

    fn status(&self, view: &View, width: usize) -> Option<Line<'static>> {
        Some(super::view::status(self, view, width))
    }
}

impl RentScreen {
    fn step_month(&mut self, forward: bool, ctx: &mut Ctx) {
        let Some(month) = self.month else {
            return;
        };
        self.month = Some(if forward {
            month.next()
        } else {
            month.previous()
        });
        self.read(ctx);
    }

    /// Asks how many notices the batch would touch: the question follows.
    fn count(&mut self, kind: RentBatchKind, ctx: &mut Ctx) {
        let ticket = ctx.ask(Request::RentBatchCount {
            kind,
            day: ctx.today(),
        });
        self.counting.set(ticket, kind);
    }

    /// The month shown and the arrears, as they stand today.
    fn read(&mut self, ctx: &mut Ctx) {
        let Some(month) = self.month else {
            return;
        };
        let day = ctx.today();
        let ticket = ctx.ask(Request::RentMonth {
            month,
            day,
            within: REMIND_WITHIN_DAYS,
        });
        self.reading.set(ticket, ());
        let ticket = ctx.ask(Request::Arrears { day });
        self.reading_arrears.set(ticket, ());
    }
}
