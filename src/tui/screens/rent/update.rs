//! What the Canoni keys do: move, change month and list, open a ledger, count and confirm a
//! batch then run it, record a counter payment, decide on a tenant's arrears from their
//! ledger, record their ISEE, list the yearly update then record it; the month follows every
//! commit.

use std::any::Any;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::forms::{self, RentOutcome};
use super::{
    ARREARS_PANE, COUNTER, INNOCENT, ISEE, ISSUE, LedgerForm, NEXT_MONTH, OVERDUE, PLAN,
    PREVIOUS_MONTH, Pane, RECOMPUTE, REMIND, RENT_CHROME, RecomputeView, RentScreen, texts,
};
use crate::domain::rent::Month;
use crate::domain::time::format_date;
use crate::office::{REMIND_WITHIN_DAYS, RentBatchKind, Reply, Request};
use crate::tui::actions::Action;
use crate::tui::app::{CheckState, OnYes, Overlay, Question};
use crate::tui::context::{Change, Ctx, Report, Ticket};
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
        if self.recompute.is_some() {
            return self.on_recompute_action(action, ctx);
        }
        if self.ledger.is_some() {
            if let Some(which) = ledger_form(action) {
                self.open_ledger_form(which, ctx);
            }
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
            Action::Open => self.open_ledger(None, ctx),
            Action::Screen(INNOCENT) => self.open_ledger(Some(LedgerForm::Innocent), ctx),
            Action::Screen(PLAN) => self.open_ledger(Some(LedgerForm::Plan), ctx),
            Action::Screen(ISEE) => self.open_ledger(Some(LedgerForm::Isee), ctx),
            Action::Screen(RECOMPUTE) => {
                let from = self
                    .recompute_from
                    .unwrap_or_else(|| self.month.map_or(today, Month::first_day));
                ctx.open_form(forms::recompute(from));
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

    /// Esc closes the yearly update's list, then the ledger.
    fn back(&mut self, _ctx: &mut Ctx) -> Back {
        if self.recompute.take().is_some() || self.ledger.take().is_some() {
            Back::Stay
        } else {
            Back::Home
        }
    }

    fn available(&self, action: Action, _view: &View) -> bool {
        if self.recompute.is_some() {
            return !matches!(action, Action::Screen(_)) || action == Action::Screen(RECOMPUTE);
        }
        if self.ledger.is_some() {
            return !matches!(action, Action::Screen(_)) || ledger_form(action).is_some();
        }
        match action {
            Action::Screen(COUNTER) => self.selected().is_some_and(|r| r.notice.is_open()),
            Action::Screen(INNOCENT | PLAN | ISEE) => self.selected_tenant().is_some(),
            _ => true,
        }
    }

    fn key_bar(&self) -> Vec<Action> {
        if self.recompute.is_some() {
            return vec![Action::Screen(RECOMPUTE), Action::Back, Action::Help];
        }
        if self.ledger.is_some() {
            return vec![
                Action::Back,
                Action::Screen(INNOCENT),
                Action::Screen(PLAN),
                Action::Screen(ISEE),
                Action::Help,
            ];
        }
        match self.pane {
            Pane::Month => vec![
                Action::Open,
                Action::Screen(ISSUE),
                Action::Screen(REMIND),
                Action::Screen(OVERDUE),
                Action::Screen(COUNTER),
                Action::Screen(ARREARS_PANE),
                Action::Screen(RECOMPUTE),
                Action::Screen(PREVIOUS_MONTH),
                Action::Screen(NEXT_MONTH),
                Action::Help,
            ],
            Pane::Arrears => vec![
                Action::Open,
                Action::Screen(INNOCENT),
                Action::Screen(PLAN),
                Action::Screen(ISEE),
                Action::Screen(OVERDUE),
                Action::Screen(ARREARS_PANE),
                Action::Help,
            ],
        }
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
                    RentBatchKind::Recompute { .. } => {
                        self.recompute = None;
                        texts::LABEL_RECOMPUTE
                    }
                };
                ctx.start_rent_batch(kind, texts::batch_label(label));
            }
            // The form comes back, as typed, when the check is declined or refused.
            RentOutcome::Check {
                title,
                lines,
                command,
                commit,
                done,
            } => {
                let form = ctx.take_form();
                ctx.show(Overlay::Check(Box::new(CheckState {
                    title,
                    lines,
                    command,
                    commit,
                    done,
                    warning: false,
                    form,
                })));
            }
            RentOutcome::Execute { command, done } => ctx.execute(command, Report::form(done)),
            RentOutcome::Preview { from } => {
                let ticket = ctx.ask(Request::RecomputePreview { from });
                self.previewing.set(ticket, ());
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
                let Some((tenant, protocol, then)) = self.opening.take(ticket) else {
                    return false;
                };
                match result {
                    Ok(account) => {
                        self.ledger = Some((account, tenant, protocol));
                        if let Some(which) = then {
                            self.open_ledger_form(which, ctx);
                        }
                    }
                    Err(e) => ctx.error(e.to_string()),
                }
                true
            }
            Reply::RecomputePreview(result) => {
                if self.previewing.take(ticket).is_none() {
                    return false;
                }
                match result {
                    Ok(preview) => {
                        ctx.close_form();
                        self.recompute_from = Some(preview.from);
                        self.recompute = Some(RecomputeView { preview, offset: 0 });
                    }
                    Err(e) => ctx.form_or_status_error(e.to_string()),
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
                        RentBatchKind::Recompute { .. } => texts::NOTHING_TO_RECORD.to_string(),
                    }),
                    Ok(n) => {
                        let text = match kind {
                            RentBatchKind::Issue { month } => texts::ask_issue(&month.label(), n),
                            RentBatchKind::Remind { days } => texts::ask_remind(n, days),
                            RentBatchKind::Overdue => texts::ask_overdue(n),
                            RentBatchKind::Recompute { from } => {
                                texts::ask_recompute(n, &format_date(from))
                            }
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
                self.opening.set(ticket, (tenant, protocol, None));
            }
        }
        false
    }

    fn on_resize(&mut self, ctx: &mut Ctx) {
        let height = ctx.table_height(RENT_CHROME);
        self.list.scroll_into_view(height);
        self.arrears_list.scroll_into_view(height);
        if let Some(recompute) = &mut self.recompute {
            recompute.offset = recompute
                .offset
                .min(super::recompute::last_offset(recompute, height));
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, view: &View) {
        super::view::draw(frame, area, self, view);
    }

    fn status(&self, view: &View, width: usize) -> Option<Line<'static>> {
        Some(super::view::status(self, view, width))
    }
}

/// The form a key opens over a tenant's ledger.
fn ledger_form(action: Action) -> Option<LedgerForm> {
    match action {
        Action::Screen(INNOCENT) => Some(LedgerForm::Innocent),
        Action::Screen(PLAN) => Some(LedgerForm::Plan),
        Action::Screen(ISEE) => Some(LedgerForm::Isee),
        _ => None,
    }
}

impl RentScreen {
    /// Asks for the ledger of the tenant under the cursor, then opens `then` over it.
    fn open_ledger(&mut self, then: Option<LedgerForm>, ctx: &mut Ctx) {
        if let Some((id, tenant, protocol)) = self.selected_tenant() {
            let ticket = ctx.ask(Request::TenantAccount {
                id,
                day: ctx.today(),
            });
            self.opening.set(ticket, (tenant, protocol, then));
        }
    }

    /// The form `which` over the ledger open.
    fn open_ledger_form(&self, which: LedgerForm, ctx: &mut Ctx) {
        let Some((account, tenant, protocol)) = &self.ledger else {
            return;
        };
        let today = ctx.today();
        ctx.open_form(match which {
            LedgerForm::Innocent => forms::innocent(account, tenant, protocol),
            LedgerForm::Plan => forms::plan(account, tenant, protocol, today),
            LedgerForm::Isee => forms::isee(account, tenant, protocol, today),
        });
    }

    /// On the yearly update's list: the arrows scroll it; its key or Enter asks to record it.
    fn on_recompute_action(&mut self, action: Action, ctx: &mut Ctx) {
        let height = ctx.table_height(RENT_CHROME);
        let Some(recompute) = &mut self.recompute else {
            return;
        };
        let page = super::recompute::rows_shown(height);
        if let Some(delta) = crate::tui::list::ListCursor::step(action, page) {
            let last = super::recompute::last_offset(recompute, height) as isize;
            recompute.offset = (recompute.offset as isize)
                .saturating_add(delta)
                .clamp(0, last) as usize;
            return;
        }
        if !matches!(action, Action::Open | Action::Screen(RECOMPUTE)) {
            return;
        }
        let changed = recompute.preview.changed().count();
        if changed == 0 {
            return ctx.warn(texts::NOTHING_TO_RECORD.to_string());
        }
        let from = recompute.preview.from;
        ctx.show(Overlay::Question(Box::new(Question {
            text: texts::ask_recompute(changed, &format_date(from)),
            yes: OnYes::Screen(Box::new(RentOutcome::Run(RentBatchKind::Recompute { from }))),
        })));
    }

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
