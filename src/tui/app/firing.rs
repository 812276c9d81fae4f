//! IO messages in the console: a step's message previewed before it commits, any catalogue
//! message sent from a case or to many applications, the outbox screen and its decisions.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::{App, BatchUpdate, Effect, Overlay, Screen};
use crate::domain::{ApplicationId, Command};
use crate::messages::outbox::{OutboxEntry, OutboxId, OutboxState};
use crate::messages::{Catalogue, ComuneConfig, Template, ValueSource, Values};
use crate::office::{Batch, Office, Step};
use crate::store::Store;
use crate::tui::form::{Form, Purpose};
use crate::tui::keymap::Action;
use crate::tui::messaging::{BatchRun, BatchStep, Firing, OUTBOX_PAGE, PreviewState, Target};
use crate::tui::strings as s;

/// The message registering an application fires.
pub use crate::office::ON_REGISTER;
/// The message an integration request fires.
pub const ON_INTEGRATION: &str = "richiesta_integrazione";

/// The message a form's command fires, if it fires one.
pub fn fires(purpose: &Purpose) -> Option<&'static str> {
    match purpose {
        Purpose::LateRegister(_) => Some(ON_REGISTER),
        Purpose::Integration(_) => Some(ON_INTEGRATION),
        _ => None,
    }
}

/// A batch for the blocking pool: everything it needs, owned.
pub struct BatchJob {
    pub batch: Batch,
    pub config: ComuneConfig,
    pub actor: String,
    /// The console's time when the batch started: every step is dated by it, so a fee's
    /// lateness is judged on the day the caseworker sees.
    pub started_at: crate::domain::time::Timestamp,
    pub stop: Arc<AtomicBool>,
}

impl BatchJob {
    /// Queues the batch through the office; `progress` gets the running totals.
    pub fn run(self, store: &Store, progress: &mut dyn FnMut(BatchUpdate)) -> BatchUpdate {
        let office = Office::new(store.clone(), Ok(self.config));
        let ctx = crate::domain::Context {
            actor: self.actor,
            now: self.started_at,
        };
        office.queue_batch(&ctx, &self.batch, &self.stop, progress)
    }
}

impl App {
    fn config(&self) -> Result<&ComuneConfig, String> {
        self.messaging.config.as_ref().map_err(Clone::clone)
    }

    /// The office over the console's store, with the Comune's values as the console has them.
    pub(super) fn office(&self) -> Office {
        Office::new(self.store.clone(), self.messaging.config.clone())
    }

    fn template(id: &str) -> Result<&'static Template, String> {
        Catalogue::builtin()
            .get(id)
            .ok_or_else(|| format!("messaggio «{id}» sconosciuto nel catalogo"))
    }

    pub(super) fn addressee_line(&self, name: &str, fiscal_code: &str) -> String {
        let reach = match self.office().io_profile_allowed(fiscal_code) {
            Ok(Some(_)) => s::REACHABLE,
            _ => s::REACHABILITY_UNKNOWN,
        };
        let name = super::super::view::clean(name);
        if name.trim().is_empty() {
            // A citizen known only by fiscal code, such as one interested in the call.
            return format!("{fiscal_code} · {reach}");
        }
        format!("{name} · {fiscal_code} · {reach}")
    }

    /// A step that fires a message: shows the message it will send, exactly, with the
    /// step's own effect in it (the protocol number just given); Enter commits both. Without
    /// the Comune's values the step runs alone and the status says why no message left.
    pub(super) fn fire_step(&mut self, command: Command, template: &str) {
        if let Err(reason) = self.config() {
            match self.execute(&command) {
                Ok(()) => self.status = Some((s::step_without_message(&reason), true)),
                Err(e) => self.set_error(e),
            }
            return;
        }
        let application = command.application_id();
        self.show_preview(Firing::Case {
            command: Some(command),
            application,
            template: template.to_string(),
            typed: Values::new(),
        });
    }

    /// Shows what `firing` would queue, exactly: for a batch, the message of its first
    /// application with the number of recipients.
    pub(super) fn show_preview(&mut self, firing: Firing) {
        let (command, first, template, typed, recipients) = match &firing {
            Firing::Case {
                command,
                application,
                template,
                typed,
            } => (command.clone(), *application, template, typed, 1),
            Firing::Batch {
                ids,
                template,
                typed,
                step,
            } => match ids.first() {
                Some(first) => (
                    step.map(|step| step.command(*first)),
                    Some(*first),
                    template,
                    typed,
                    ids.len(),
                ),
                None => return,
            },
            Firing::Interested {
                code,
                publish,
                template,
            } => return self.show_interested_preview(code.clone(), *publish, template.clone()),
            Firing::Ranking { .. } | Firing::Stored => return,
        };
        let ctx = self.context_for_command();
        let step = Step {
            command,
            application: first,
            template: template.clone(),
            typed: typed.clone(),
        };
        let preview = match self.office().preview_step(&ctx, &step) {
            Ok(preview) => preview,
            Err(e) => return self.set_error(e.to_string()),
        };
        let addressee =
            self.addressee_line(&preview.addressee.name, &preview.addressee.fiscal_code);
        let note = if recipients > 1 {
            Some(s::batch_recipients(recipients, &preview.addressee.name))
        } else {
            preview
                .duplicate_of
                .map(|id| s::duplicate_message(&id.to_string()))
        };
        let state = PreviewState::of(&preview.title, addressee, &preview.message, firing, note);
        self.overlay = Some(Overlay::Preview(Box::new(state)));
    }

    /// The message the first interested citizen of call `code` would get, with how many get it.
    fn show_interested_preview(&mut self, code: String, publish: bool, template: String) {
        let ctx = self.context_for_command();
        let preview = match self
            .office()
            .preview_interested(&ctx, &code, publish, &template)
        {
            Ok(Some(preview)) => preview,
            Ok(None) if publish => {
                // Nobody to tell: the publication alone, with its audit entry.
                return self.run_one(Command::PublishCall { code });
            }
            Ok(None) => return self.set_error(s::NO_INTERESTED.to_string()),
            Err(e) => return self.set_error(e.to_string()),
        };
        let addressee = self.addressee_line("", &preview.fiscal_code);
        let note = Some(s::interested_recipients(preview.recipients));
        let state = PreviewState::of(
            &preview.title,
            addressee,
            &preview.message,
            Firing::Interested {
                code,
                publish,
                template,
            },
            note,
        );
        self.overlay = Some(Overlay::Preview(Box::new(state)));
    }

    pub(super) fn choose_template(&mut self, target: Target) {
        if let Err(reason) = self.config() {
            return self.set_error(reason);
        }
        self.open_form(Form::choose_template(target));
    }

    /// After the template is chosen: ask what only the caseworker knows, then preview.
    pub(super) fn after_template(&mut self, target: Target, template: &str) {
        let template = match App::template(template) {
            Ok(t) => t,
            Err(e) => return self.set_error(e),
        };
        let asked: Vec<_> = template
            .placeholders()
            .into_iter()
            .filter(|spec| spec.source == ValueSource::Caseworker)
            .collect();
        if asked.is_empty() {
            self.overlay = None;
            self.open_preview(target, &template.id, Values::new());
        } else {
            self.open_form(Form::message_values(target, template.id.clone(), &asked));
        }
    }

    /// The preview of a message with no step before it: for one case, or for the first of a
    /// batch with the number of recipients.
    pub(super) fn open_preview(&mut self, target: Target, template: &str, typed: Values) {
        let template = template.to_string();
        self.show_preview(match target {
            Target::Case(application) => Firing::Case {
                command: None,
                application: Some(application),
                template,
                typed,
            },
            Target::Batch(ids) => Firing::Batch {
                ids,
                template,
                typed,
                step: None,
            },
        });
    }

    pub(super) fn on_preview(&mut self, action: Action) {
        let Some(Overlay::Preview(preview)) = &mut self.overlay else {
            return;
        };
        match action {
            Action::Up => preview.scroll = preview.scroll.saturating_sub(1),
            Action::Down => preview.scroll = preview.scroll.saturating_add(1),
            Action::PageUp => preview.scroll = preview.scroll.saturating_sub(10),
            Action::PageDown => preview.scroll = preview.scroll.saturating_add(10),
            Action::Cancel => self.overlay = None,
            Action::Confirm => {
                let firing = preview.firing.clone();
                self.overlay = None;
                self.confirm(firing);
            }
            _ => {}
        }
    }

    fn confirm(&mut self, firing: Firing) {
        match firing {
            Firing::Stored => {}
            Firing::Case {
                command,
                application,
                template,
                typed,
            } => {
                let result = self.queue_one(command.as_ref(), application, &template, typed);
                match result {
                    Ok((title, id)) => {
                        self.status = Some((s::message_queued(&title, &id.to_string()), false));
                    }
                    Err(e) => self.set_error(e),
                }
            }
            Firing::Batch {
                ids,
                template,
                typed,
                step,
            } => self.start_batch(ids, template, typed, step),
            Firing::Interested {
                code,
                publish,
                template,
            } => self.queue_to_interested(&code, publish, &template),
            Firing::Ranking { code, kind, seed } => self.publish_confirmed(&code, kind, seed),
        }
    }

    /// Commits the step (if any) and its message together, then refreshes what shows them.
    fn queue_one(
        &mut self,
        command: Option<&Command>,
        application: Option<ApplicationId>,
        template: &str,
        typed: Values,
    ) -> Result<(String, OutboxId), String> {
        let ctx = self.context_for_command();
        let step = Step {
            command: command.cloned(),
            application,
            template: template.to_string(),
            typed,
        };
        let done = self.office().step(&ctx, &step)?;
        if let Some(application) = application {
            self.refresh_application(application);
        }
        self.after_step(command);
        if matches!(command, Some(Command::RegisterApplication { .. })) && self.inbox.loaded {
            self.index_stale = true;
        }
        self.outbox_changed();
        Ok((done.title, done.queued))
    }

    /// Tells call `code`'s interested citizens (publishing it first, with `publish`): one
    /// transaction, so a refusal leaves nothing behind.
    fn queue_to_interested(&mut self, code: &str, publish: bool, template: &str) {
        let ctx = self.context_for_command();
        match self.office().tell_interested(&ctx, code, publish, template) {
            Ok(report) => {
                self.status = Some((
                    s::interested_queued(report.queued.len(), report.duplicates),
                    false,
                ));
                self.load_summary();
                self.after_step(None);
                self.outbox_changed();
            }
            Err(e) => self.set_error(e.to_string()),
        }
    }

    /// What a committed step changes beyond its application: the screens listing calls and
    /// appointments reread.
    pub(super) fn after_step(&mut self, _command: Option<&Command>) {
        match self.screen {
            Screen::Agenda => self.enter_agenda(),
            Screen::Calls => self.enter_calls(),
            Screen::Ranking => self.enter_ranking(),
            _ => {}
        }
    }

    /// A step run without a preview (a batch of registrations): its message is queued with it
    /// when the Comune's values are there.
    pub(super) fn execute_step(&mut self, command: &Command) -> Result<(), String> {
        let Some(template) = crate::office::message_of(command) else {
            return self.execute(command);
        };
        if self.config().is_err() {
            return self.execute(command);
        }
        self.queue_one(
            Some(command),
            command.application_id(),
            template,
            Values::new(),
        )
        .map(|_| ())
    }

    fn start_batch(
        &mut self,
        ids: Vec<ApplicationId>,
        template: String,
        typed: Values,
        step: Option<BatchStep>,
    ) {
        let config = match self.config() {
            Ok(config) => config.clone(),
            Err(reason) => return self.set_error(reason),
        };
        let label = App::template(&template)
            .map(|t| t.title.clone())
            .unwrap_or_else(|_| template.clone());
        let stop = Arc::new(AtomicBool::new(false));
        self.batch = Some(BatchRun {
            label,
            done: 0,
            total: ids.len(),
            queued: 0,
            duplicates: 0,
            failed: 0,
            first_failure: None,
            started: Instant::now(),
            stop: stop.clone(),
        });
        self.effects.push(Effect::QueueBatch(Box::new(BatchJob {
            batch: Batch {
                ids,
                template,
                typed,
                step,
            },
            config,
            actor: self.actor.clone(),
            started_at: self.now(),
            stop,
        })));
    }

    pub(super) fn interrupt_batch(&mut self) {
        if let Some(batch) = &self.batch {
            batch.stop.store(true, Ordering::Relaxed);
        }
    }

    pub(super) fn on_batch(&mut self, update: BatchUpdate) -> bool {
        let Some(batch) = &mut self.batch else {
            return false;
        };
        batch.done = update.done;
        batch.queued = update.queued;
        batch.duplicates = update.duplicates;
        batch.failed = update.failed;
        batch.first_failure = update.first_failure.clone();
        if update.finished {
            let report = s::batch_report(
                update.queued,
                update.duplicates,
                update.failed,
                update.first_failure.as_deref(),
                update.interrupted,
            );
            self.batch = None;
            match update.error {
                Some(e) => self.set_error(format!("{report} · {e}")),
                None => self.status = Some((report, update.failed > 0)),
            }
            self.inbox.selected.clear();
            self.outbox_changed();
        }
        true
    }

    /// Something in the outbox changed: the sender may have work, the screen must reread.
    pub(super) fn outbox_changed(&mut self) {
        self.outbox.stale = true;
        self.effects.push(Effect::WakeSender);
        if self.screen == Screen::Outbox {
            self.refresh_outbox();
        }
    }

    /// A drain ended: reread what shows the outbox, once, not after every batch.
    pub(super) fn on_sender(&mut self, line: String) -> bool {
        self.outbox.sender = Some(line);
        self.outbox.stale = true;
        if self.screen == Screen::Outbox {
            self.refresh_outbox();
        }
        if self.case.is_some() {
            self.reload_case();
        }
        self.load_summary();
        matches!(
            self.screen,
            Screen::Outbox | Screen::Dashboard | Screen::Case
        )
    }

    /// Rereads the outbox tab shown: its counts and newest entries, a page of them.
    pub fn refresh_outbox(&mut self) {
        if !self.outbox.stale {
            return;
        }
        match self.office().outbox_view(self.outbox.tab, OUTBOX_PAGE) {
            Ok(view) => {
                self.outbox.counts = view.counts;
                self.outbox.entries = view.entries;
                let last = self.outbox.entries.len().saturating_sub(1);
                self.outbox.cursor = self.outbox.cursor.min(last);
                self.outbox.stale = false;
            }
            Err(e) => self.set_error(e.to_string()),
        }
    }

    pub(super) fn on_outbox(&mut self, action: Action) {
        let height = self.table_height(super::OUTBOX_CHROME);
        if let Some(delta) = App::move_in_list(action, height) {
            self.outbox.move_cursor(delta, height);
            return;
        }
        let selected = self.outbox.selected().cloned();
        match action {
            Action::NextFilter => {
                self.outbox.step_tab(1);
                self.refresh_outbox();
            }
            Action::PreviousFilter => {
                self.outbox.step_tab(-1);
                self.refresh_outbox();
            }
            Action::Open => {
                if let Some(entry) = selected {
                    self.overlay = Some(Overlay::Preview(Box::new(PreviewState::of_entry(&entry))));
                }
            }
            Action::Requeue => self.decide(
                selected.as_ref(),
                OutboxState::can_requeue,
                Form::requeue,
                "rimettere in coda",
            ),
            Action::MarkSent => self.decide(
                selected.as_ref(),
                OutboxState::can_mark_sent,
                Form::mark_sent,
                "segnare come inviato",
            ),
            Action::ExportBundle => {
                let name = format!(
                    "pacchetto-io-{}.json",
                    crate::domain::time::to_rome(self.now()).format("%Y%m%d-%H%M")
                );
                self.open_form(Form::export_bundle(&name));
            }
            Action::SendNow => {
                self.effects.push(Effect::WakeSender);
                let line = self
                    .messaging
                    .sender_off
                    .clone()
                    .unwrap_or_else(|| s::SENDING_REQUESTED.to_string());
                self.status = Some((line, self.messaging.sender_off.is_some()));
            }
            _ => {}
        }
    }

    /// Opens the form of a caseworker's decision on `entry`, or says why its state forbids it.
    fn decide(
        &mut self,
        entry: Option<&OutboxEntry>,
        allowed: fn(&OutboxState) -> bool,
        form: fn(OutboxId) -> Form,
        action: &str,
    ) {
        let Some(entry) = entry else {
            return;
        };
        if allowed(&entry.state) {
            self.open_form(form(entry.id));
        } else {
            self.set_error(s::cannot(
                action,
                &entry.id.to_string(),
                &entry.state.label(),
            ));
        }
    }

    pub(super) fn requeue(&mut self, id: OutboxId, reason: &str) {
        let ctx = self.context_for_command();
        match self.office().requeue(&ctx, id, reason) {
            Ok(entry) => {
                self.overlay = None;
                self.status = Some((s::requeued(&entry.id.to_string()), false));
                self.after_decision(entry.application);
            }
            Err(e) => self.form_error(e.to_string()),
        }
    }

    pub(super) fn mark_sent(&mut self, id: OutboxId, reason: &str, io_id: Option<String>) {
        let ctx = self.context_for_command();
        match self.office().mark_sent(&ctx, id, reason, io_id) {
            Ok(entry) => {
                self.overlay = None;
                self.status = Some((s::marked_sent(&entry.id.to_string()), false));
                self.after_decision(entry.application);
            }
            Err(e) => self.form_error(e.to_string()),
        }
    }

    fn after_decision(&mut self, application: Option<ApplicationId>) {
        if let Some(id) = application {
            self.refresh_application(id);
        }
        self.outbox_changed();
    }

    pub(super) fn export_bundle(&mut self, path: &Path) {
        let ctx = self.context_for_command();
        match self.office().export_bundle(&ctx, path) {
            Ok(exported) => {
                self.overlay = None;
                self.status = Some((
                    s::exported(
                        exported.messages,
                        &exported.bundle,
                        &path.display().to_string(),
                    ),
                    false,
                ));
                self.outbox_changed();
            }
            Err(e) => self.form_error(e.to_string()),
        }
    }
}
