//! What the Messaggi keys do: switch tab, read a message, decide on one, export the queue,
//! wake the sender.

use std::any::Any;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::forms::{self, OutboxOutcome};
use super::{
    Decision, EXPORT_BUNDLE, MARK_SENT, OUTBOX_CHROME, OUTBOX_PAGE, OutboxScreen, REQUEUE,
    SEND_NOW, WITHDRAW,
};
use crate::messages::outbox::{OutboxEntry, OutboxId, OutboxState};
use crate::office::{OfficeError, Reply, Request};
use crate::tui::actions::{Action, NEXT_FILTER, PREVIOUS_FILTER};
use crate::tui::context::{Change, Ctx, Ticket};
use crate::tui::form::Form;
use crate::tui::list::ListCursor;
use crate::tui::messaging::PreviewState;
use crate::tui::screens::Screen;
use crate::tui::view::View;
use super::texts;

impl Screen for OutboxScreen {
    fn enter(&mut self, ctx: &mut Ctx) {
        self.refresh(ctx);
    }

    fn on_action(&mut self, action: Action, ctx: &mut Ctx) {
        let height = ctx.table_height(OUTBOX_CHROME);
        if let Some(delta) = ListCursor::step(action, height) {
            self.move_cursor(delta, height);
            return;
        }
        let selected = self.selected().cloned();
        match action {
            Action::Screen(NEXT_FILTER) => {
                self.step_tab(1);
                self.refresh(ctx);
            }
            Action::Screen(PREVIOUS_FILTER) => {
                self.step_tab(-1);
                self.refresh(ctx);
            }
            Action::Open => {
                if let Some(entry) = selected {
                    ctx.show_message(PreviewState::of_entry(&entry));
                }
            }
            Action::Screen(REQUEUE) => decide(
                selected.as_ref(),
                OutboxState::can_requeue,
                forms::requeue,
                "rimettere in coda",
                ctx,
            ),
            Action::Screen(WITHDRAW) => {
                let Some(entry) = selected.as_ref() else {
                    return;
                };
                match entry.state.why_not_withdrawable() {
                    None => ctx.open_form(forms::withdraw(entry.id)),
                    Some(why) => ctx.error(texts::cannot_withdraw(&entry.id.to_string(), why)),
                }
            }
            Action::Screen(MARK_SENT) => decide(
                selected.as_ref(),
                OutboxState::can_mark_sent,
                forms::mark_sent,
                "segnare come inviato",
                ctx,
            ),
            Action::Screen(EXPORT_BUNDLE) => {
                let name = format!(
                    "pacchetto-io-{}.json",
                    crate::domain::time::to_rome(ctx.now()).format("%Y%m%d-%H%M")
                );
                let key_file = std::env::var(crate::io::BUNDLE_KEY_ENV).unwrap_or_default();
                ctx.open_form(forms::export_bundle(&name, &key_file));
            }
            Action::Screen(SEND_NOW) => {
                ctx.wake_sender();
                let off = ctx.messaging().sender_off.clone();
                let line = off
                    .clone()
                    .unwrap_or_else(|| texts::SENDING_REQUESTED.to_string());
                ctx.report(line, off.is_some());
            }
            _ => {}
        }
    }

    fn key_bar(&self) -> Vec<Action> {
        vec![
            Action::Open,
            Action::Screen(REQUEUE),
            Action::Screen(MARK_SENT),
            Action::Screen(EXPORT_BUNDLE),
            Action::Screen(NEXT_FILTER),
            Action::Screen(SEND_NOW),
            Action::Help,
        ]
    }

    fn on_form(&mut self, outcome: Box<dyn Any>, ctx: &mut Ctx) {
        let Ok(outcome) = outcome.downcast::<OutboxOutcome>() else {
            return;
        };
        let (request, decision) = match *outcome {
            OutboxOutcome::Requeue { id, reason } => {
                (Request::Requeue { id, reason }, Decision::Requeue)
            }
            OutboxOutcome::Withdraw { id, reason } => {
                (Request::Withdraw { id, reason }, Decision::Withdraw)
            }
            OutboxOutcome::MarkSent { id, reason, io_id } => {
                (Request::MarkSent { id, reason, io_id }, Decision::MarkSent)
            }
            OutboxOutcome::ExportBundle { path, key_file } => {
                let shown = path.display().to_string();
                (Request::ExportBundle { path, key_file }, Decision::Export(shown))
            }
        };
        // The form stays open until the office answers: a refusal shows under its fields.
        self.deciding.push(ctx.ask(request), decision);
    }

    fn on_reply(&mut self, ticket: Ticket, reply: Reply, ctx: &mut Ctx) -> bool {
        if let Reply::OutboxView(result) = reply {
            if self.reading.take(ticket).is_none() {
                return false;
            }
            match result {
                Ok(view) => {
                    self.counts = view.counts;
                    self.entries = view.entries;
                    self.list.clamp(self.entries.len());
                    self.stale = false;
                }
                Err(e) => ctx.error(e.to_string()),
            }
            return true;
        }
        let Some(decision) = self.deciding.take(ticket) else {
            return false;
        };
        match (decision, reply) {
            (Decision::Requeue, Reply::Requeue(result)) => decided(result, texts::requeued, ctx),
            (Decision::Withdraw, Reply::Withdraw(result)) => {
                decided(result, texts::withdrawn, ctx)
            }
            (Decision::MarkSent, Reply::MarkSent(result)) => {
                decided(result, texts::marked_sent, ctx)
            }
            (Decision::Export(path), Reply::ExportBundle(result)) => match result {
                Ok(exported) => {
                    ctx.close_overlay();
                    ctx.ok(texts::exported(&exported.what(), &exported.bundle, &path));
                    ctx.outbox_changed();
                }
                Err(e) => ctx.form_error(e.to_string()),
            },
            _ => return false,
        }
        true
    }

    fn on_change(&mut self, change: &Change, ctx: &mut Ctx) -> bool {
        match change {
            // Read again when shown, else when next shown.
            Change::Outbox => {
                self.stale = true;
                if ctx.is_shown() {
                    self.refresh(ctx);
                }
                ctx.is_shown()
            }
            Change::Sender { line, done } => {
                self.sender = Some(line.clone());
                // A drain ended: what shows the outbox is read again, once.
                if *done {
                    self.stale = true;
                    if ctx.is_shown() {
                        self.refresh(ctx);
                    }
                }
                ctx.is_shown()
            }
            _ => false,
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, view: &View) {
        super::view::draw(frame, area, self, view);
    }

    fn status(&self, view: &View, width: usize) -> Option<Line<'static>> {
        Some(super::view::status(self, view, width))
    }
}

impl OutboxScreen {
    /// Asks for the tab shown again, when something changed: its counts and newest entries, a
    /// page.
    pub fn refresh(&mut self, ctx: &mut Ctx) {
        if !self.stale {
            return;
        }
        let request = Request::OutboxView {
            tab: self.tab,
            limit: OUTBOX_PAGE,
        };
        self.reading.set(ctx.ask(request), ());
    }
}

/// Opens the form of a caseworker's decision on `entry`, or says why its state forbids it.
fn decide(
    entry: Option<&OutboxEntry>,
    allowed: fn(&OutboxState) -> bool,
    form: fn(OutboxId) -> Form,
    action: &str,
    ctx: &mut Ctx,
) {
    let Some(entry) = entry else {
        return;
    };
    if allowed(&entry.state) {
        ctx.open_form(form(entry.id));
    } else {
        ctx.error(texts::cannot(
            action,
            &entry.id.to_string(),
            &entry.state.label(),
        ));
    }
}

/// A decision on one message answered: the form closes and the status says `done` of it, and
/// the case it concerns and the outbox are read again; or the refusal shows under the form.
fn decided(
    result: Result<OutboxEntry, OfficeError>,
    done: fn(&str) -> String,
    ctx: &mut Ctx,
) {
    match result {
        Ok(entry) => {
            ctx.close_overlay();
            ctx.ok(done(&entry.id.to_string()));
            if let Some(id) = entry.application {
                ctx.refresh_applications(vec![id], false);
            }
            ctx.outbox_changed();
        }
        Err(e) => ctx.form_error(e.to_string()),
    }
}
