//! What the Messaggi keys do: switch tab, read a message, decide on one, export the queue,
//! wake the sender.

use std::any::Any;
use std::path::Path;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::forms::{self, OutboxOutcome};
use super::{
    EXPORT_BUNDLE, MARK_SENT, OUTBOX_CHROME, OUTBOX_PAGE, OutboxScreen, REQUEUE, SEND_NOW,
};
use crate::domain::ApplicationId;
use crate::messages::outbox::{OutboxEntry, OutboxId, OutboxState};
use crate::tui::actions::{Action, NEXT_FILTER, PREVIOUS_FILTER};
use crate::tui::context::{Change, Ctx};
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
                ctx.open_form(forms::export_bundle(&name));
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
        match *outcome {
            OutboxOutcome::Requeue { id, reason } => requeue(id, &reason, ctx),
            OutboxOutcome::MarkSent { id, reason, io_id } => mark_sent(id, &reason, io_id, ctx),
            OutboxOutcome::ExportBundle(path) => export_bundle(&path, ctx),
        }
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
    /// Rereads the tab shown, when something changed: its counts and newest entries, a page.
    pub fn refresh(&mut self, ctx: &mut Ctx) {
        if !self.stale {
            return;
        }
        let counts = ctx.store().outbox_counts();
        let page = ctx.store().outbox_page(self.tab, None, OUTBOX_PAGE);
        match (counts, page) {
            (Ok(counts), Ok(entries)) => {
                self.counts = counts;
                self.entries = entries;
                self.list.clamp(self.entries.len());
                self.stale = false;
            }
            (Err(e), _) | (_, Err(e)) => ctx.error(e.to_string()),
        }
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

fn requeue(id: OutboxId, reason: &str, ctx: &mut Ctx) {
    let command_ctx = ctx.command_context();
    match ctx.store().outbox_requeue(id, reason, &command_ctx) {
        Ok(entry) => {
            ctx.close_overlay();
            ctx.ok(texts::requeued(&entry.id.to_string()));
            after_decision(entry.application, ctx);
        }
        Err(e) => ctx.form_error(e.to_string()),
    }
}

fn mark_sent(id: OutboxId, reason: &str, io_id: Option<String>, ctx: &mut Ctx) {
    let command_ctx = ctx.command_context();
    match ctx.store().outbox_mark_sent(id, reason, io_id, &command_ctx) {
        Ok(entry) => {
            ctx.close_overlay();
            ctx.ok(texts::marked_sent(&entry.id.to_string()));
            after_decision(entry.application, ctx);
        }
        Err(e) => ctx.form_error(e.to_string()),
    }
}

fn after_decision(application: Option<ApplicationId>, ctx: &mut Ctx) {
    if let Some(id) = application {
        ctx.refresh_application(id);
    }
    ctx.outbox_changed();
}

fn export_bundle(path: &Path, ctx: &mut Ctx) {
    let command_ctx = ctx.command_context();
    match crate::io::bundle::export_queue(ctx.store(), path, &command_ctx) {
        Ok((count, bundle)) => {
            ctx.close_overlay();
            ctx.ok(texts::exported(count, &bundle, &path.display().to_string()));
            ctx.outbox_changed();
        }
        Err(e) => ctx.form_error(e),
    }
}
