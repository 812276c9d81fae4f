//! What the inbox's keys do: move, search, select, filter and sort; and the steps on the
//! applications chosen (one by one, or as a batch of messages).

use std::any::Any;
use std::sync::Arc;

use tui_input::InputRequest;

use super::forms::{self, InboxOutcome};
use super::{INBOX_CHROME, InboxScreen, REVERSE_SORT, Running, SELECT, SELECT_ALL, SORT};
use crate::domain::{ApplicationId, Command};
use crate::messages::Values;
use crate::tui::actions::{
    ADMIT, Action, EXCLUDE, NEXT_FILTER, PREVIOUS_FILTER, REGISTER, REMIND_FEE, SEARCH,
    SEND_MESSAGE, START_REVIEW,
};
use crate::office::{Reply, Request, StepsReport};
use crate::tui::context::{Change, Ctx, ON_REMIND_FEE, Ticket};
use crate::tui::list::ListCursor;
use crate::office::BatchStep;
use crate::tui::messaging::{Firing, Target};
use crate::tui::search::SearchIndex;
use crate::tui::screens::{Back, Screen};
use crate::tui::strings as s;
use crate::tui::view::View;
use super::texts;

impl Screen for InboxScreen {
    fn enter(&mut self, ctx: &mut Ctx) {
        if self.stale {
            self.rebuild_shown(ctx);
        }
    }

    fn on_action(&mut self, action: Action, ctx: &mut Ctx) {
        self.today = ctx.today();
        let height = ctx.table_height(INBOX_CHROME);
        if let Some(delta) = ListCursor::step(action, height) {
            self.move_cursor(delta, height);
            return;
        }
        let Action::Screen(own) = action else {
            if action == Action::Open
                && let Some(id) = self.current(ctx.rows()).map(|r| r.id)
            {
                ctx.open_case(id);
            }
            return;
        };
        match own {
            SEARCH if ctx.rows().loaded => self.start_search(),
            SELECT => {
                self.toggle_selected(ctx.rows());
                self.move_cursor(1, height);
            }
            SELECT_ALL => self.select_all(ctx.rows()),
            NEXT_FILTER => self.next_filter(ctx.rows(), 1),
            PREVIOUS_FILTER => self.next_filter(ctx.rows(), -1),
            SORT => {
                self.cycle_sort(ctx.rows());
                self.list.scroll_into_view(height);
            }
            REVERSE_SORT => {
                self.reverse_sort(ctx.rows());
                self.list.scroll_into_view(height);
            }
            REGISTER | START_REVIEW => {
                let targets = self.targets(ctx.rows());
                let command = |id| match own {
                    REGISTER => Command::RegisterApplication {
                        id,
                        override_reason: None,
                    },
                    _ => Command::StartReview { id },
                };
                ask_steps(targets.into_iter().map(command).collect(), ctx);
            }
            SEND_MESSAGE => {
                let targets = self.targets(ctx.rows());
                if !targets.is_empty() {
                    let standings = ctx.rows().standings(&targets);
                    ctx.choose_template(Target::Batch(targets), &standings);
                }
            }
            ADMIT | EXCLUDE => {
                let targets = self.targets(ctx.rows());
                if targets.is_empty() {
                    return;
                }
                let form = if own == ADMIT {
                    forms::admit_many(targets)
                } else {
                    forms::exclude_many(targets)
                };
                ctx.open_form(form);
            }
            REMIND_FEE if self.selected.is_empty() => ctx.open_form(forms::remind_within()),
            REMIND_FEE => {
                let today = ctx.today();
                let rows = ctx.rows();
                let ids: Vec<ApplicationId> = self
                    .selected
                    .iter()
                    .filter(|id| {
                        rows.position_of(**id)
                            .and_then(|p| rows.get(p))
                            .is_some_and(|row| row.fee_pending(today))
                    })
                    .copied()
                    .collect();
                remind_fees(ids, texts::NO_FEE_TO_REMIND.to_string(), ctx);
            }
            _ => {}
        }
    }

    fn back(&mut self, _ctx: &mut Ctx) -> Back {
        if self.search.is_some() {
            self.cancel_search();
            Back::Stay
        } else {
            Back::Home
        }
    }

    fn typing(&self) -> bool {
        self.search.as_ref().is_some_and(|s| s.typing)
    }

    fn on_search(&mut self, action: Action, ctx: &mut Ctx) {
        let height = ctx.table_height(INBOX_CHROME);
        if let Some(delta) = ListCursor::step(action, height) {
            self.move_cursor(delta, height);
            return;
        }
        match action {
            Action::Cancel => self.cancel_search(),
            Action::Confirm => {
                let empty = self.search.as_ref().is_none_or(|s| s.query().is_empty());
                if empty {
                    self.cancel_search();
                } else if let Some(search) = &mut self.search {
                    search.typing = false;
                }
            }
            _ => {}
        }
    }

    fn type_text(&mut self, request: InputRequest, ctx: &mut Ctx) -> bool {
        if let Some(search) = &mut self.search {
            search.input.handle(request);
        }
        self.refresh_search(ctx.rows());
        true
    }

    fn key_bar(&self) -> Vec<Action> {
        vec![
            Action::Open,
            Action::Screen(SEARCH),
            Action::Screen(SELECT),
            Action::Screen(REGISTER),
            Action::Screen(NEXT_FILTER),
            Action::Screen(SORT),
            Action::Palette,
            Action::Help,
        ]
    }

    fn on_form(&mut self, outcome: Box<dyn Any>, ctx: &mut Ctx) {
        let Ok(outcome) = outcome.downcast::<InboxOutcome>() else {
            return;
        };
        match *outcome {
            InboxOutcome::Steps(commands) => {
                ctx.close_overlay();
                ask_steps(commands, ctx);
            }
            InboxOutcome::Confirmed(commands) => self.run_batch(commands, ctx),
            InboxOutcome::RemindWithin(days) => {
                ctx.close_overlay();
                let today = ctx.today();
                let last = today + chrono::Days::new(u64::from(days));
                let ids = ctx
                    .rows()
                    .iter()
                    .filter(|row| row.fee_pending(today) && row.fee_due.is_some_and(|d| d <= last))
                    .map(|row| row.id)
                    .collect();
                remind_fees(ids, texts::no_fee_due_within(days), ctx);
            }
        }
    }

    fn on_index(&mut self, index: Arc<SearchIndex>, ctx: &mut Ctx) -> bool {
        let searching = self.search.is_some();
        self.set_index(ctx.rows(), index);
        searching
    }

    fn on_reply(&mut self, ticket: Ticket, reply: Reply, ctx: &mut Ctx) -> bool {
        match (self.running.take(ticket), reply) {
            (Some(Running::Steps { registering }), Reply::RunSteps(report)) => {
                if report.done.is_empty() {
                    self.steps_done(report, registering, ctx);
                } else {
                    // The rows of the applications changed are read before the list is
                    // rebuilt, so that it is rebuilt from them.
                    let ids = report.done.clone();
                    let ticket = ctx.ask(Request::RowsOf { ids });
                    self.running.push(
                        ticket,
                        Running::Rows {
                            report,
                            registering,
                        },
                    );
                }
                true
            }
            (
                Some(Running::Rows {
                    report,
                    registering,
                }),
                Reply::RowsOf(rows),
            ) => {
                ctx.rows_read(rows, &report.done, registering);
                self.steps_done(report, registering, ctx);
                true
            }
            _ => false,
        }
    }

    fn on_change(&mut self, change: &Change, ctx: &mut Ctx) -> bool {
        match change {
            Change::RowsLoaded => {
                ctx.build_index();
                self.rebuild_view(ctx.rows());
                true
            }
            // Progress is shown only where rows are awaited.
            Change::RowsProgress => ctx.is_shown(),
            // A new protocol must become searchable: the index is rebuilt off the UI thread
            // from the rows as they are once the steps are done.
            Change::Registered => {
                ctx.build_index();
                false
            }
            Change::BatchDone => {
                self.selected.clear();
                ctx.is_shown()
            }
            // Rebuilt once shown again (or after the step, when shown), not on every
            // application of a batch.
            Change::Application(_) | Change::Told(..) => {
                self.stale = true;
                false
            }
            // Also pushed when Esc comes back from the case screen.
            Change::Step if self.stale && ctx.is_shown() => {
                self.rebuild_shown(ctx);
                true
            }
            _ => false,
        }
    }

    fn on_resize(&mut self, ctx: &mut Ctx) {
        self.list.scroll_into_view(ctx.table_height(INBOX_CHROME));
    }

    fn draw(&self, frame: &mut ratatui::Frame, area: ratatui::layout::Rect, view: &View) {
        super::view::draw(frame, area, self, view);
    }

    fn status(&self, view: &View, width: usize) -> Option<ratatui::text::Line<'static>> {
        Some(super::view::status(self, view, width))
    }
}

impl InboxScreen {
    /// Builds the list again and scrolls it so that the cursor, which follows its application,
    /// is on screen.
    fn rebuild_shown(&mut self, ctx: &Ctx) {
        self.rebuild_view(ctx.rows());
        self.list.scroll_into_view(ctx.table_height(INBOX_CHROME));
    }

    /// Each command commits on its own: one refusal does not hold back the others, and the
    /// report says how many went through and why the first refusal happened.
    fn run_batch(&mut self, commands: Vec<Command>, ctx: &mut Ctx) {
        let registering = commands
            .iter()
            .any(|c| matches!(c, Command::RegisterApplication { .. }));
        let ticket = ctx.ask(Request::RunSteps(commands));
        self.running.push(ticket, Running::Steps { registering });
    }

    /// The steps are done and their rows current: what went through leaves the selection, the
    /// list follows, and the status line says how it went.
    fn steps_done(&mut self, report: StepsReport, registering: bool, ctx: &mut Ctx) {
        let done = report.done_count();
        for id in &report.done {
            self.selected.remove(id);
        }
        if done > 0 {
            ctx.after_step();
            // A registration queues its message with it when the Comune's values are there.
            if registering && ctx.messaging().config.is_ok() {
                ctx.outbox_changed();
            }
            self.rebuild_shown(ctx);
        }
        let error = report.first_refusal.is_some();
        ctx.report(
            s::batch_done(done, report.refused, report.first_refusal.as_deref()),
            error,
        );
    }
}

/// Asks before the same step on the applications chosen, saying how many they are.
fn ask_steps(commands: Vec<Command>, ctx: &mut Ctx) {
    let Some(first) = commands.first() else {
        return;
    };
    let text = texts::steps_question(first, commands.len());
    ctx.show(crate::tui::app::Overlay::Question(Box::new(
        crate::tui::app::Question {
            text,
            yes: crate::tui::app::OnYes::Screen(Box::new(InboxOutcome::Confirmed(commands))),
        },
    )));
}

/// The reminder's preview for the first of `ids`; Enter records each reminder with its
/// message, and one already queued is not queued again.
fn remind_fees(ids: Vec<ApplicationId>, none: String, ctx: &mut Ctx) {
    if ids.is_empty() {
        return ctx.error(none);
    }
    ctx.show_preview(Firing::Batch {
        ids,
        template: ON_REMIND_FEE.into(),
        typed: Values::new(),
        step: Some(BatchStep::RemindFee),
    });
}
