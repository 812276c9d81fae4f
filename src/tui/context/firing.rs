//! Steps that fire IO messages: a step's message previewed before it commits, any catalogue
//! message sent from a case or to many applications, the call's interested citizens, the
//! ranking's publication, and a batch queued off the UI thread.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::{Change, Ctx};
use crate::domain::ranking::RankingKind;
use crate::domain::{ApplicationId, Command};
use crate::messages::outbox::OutboxId;
use crate::messages::{Catalogue, ComuneConfig, Order, Template, ValueSource, Values};
use crate::store::Store;
use crate::tui::actions::Action;
use crate::tui::app::{BatchUpdate, Effect, Overlay};
use crate::tui::form::Form;
use crate::tui::messaging::{BatchRun, BatchStep, Firing, PreviewState, Target};
use crate::tui::strings as s;

/// The message registering an application fires.
pub const ON_REGISTER: &str = "presa_in_carico";
/// The message an integration request fires.
pub const ON_INTEGRATION: &str = "richiesta_integrazione";
/// The message issuing the secretarial fee fires.
pub const ON_ISSUE_FEE: &str = "avviso_segreteria";
/// The message a reminder of the fee fires.
pub const ON_REMIND_FEE: &str = "avviso_segreteria_scadenza";

/// Applications queued per transaction in a batch: progress is reported after each chunk,
/// and an interruption takes effect between chunks.
const BATCH_CHUNK: usize = 200;

/// A batch for the blocking pool: everything it needs, owned.
pub struct BatchJob {
    pub ids: Vec<ApplicationId>,
    pub template: String,
    pub typed: Values,
    pub step: Option<BatchStep>,
    pub config: ComuneConfig,
    pub actor: String,
    /// The console's time when the batch started: every step is dated by it, so a fee's
    /// lateness is judged on the day the caseworker sees.
    pub started_at: crate::domain::time::Timestamp,
    pub stop: Arc<AtomicBool>,
}

impl BatchJob {
    /// Queues the batch chunk by chunk; `progress` gets the running totals. An identical
    /// message already queued is skipped, so running a batch again resumes it.
    pub fn run(self, store: &Store, progress: &mut dyn FnMut(BatchUpdate)) -> BatchUpdate {
        let mut update = BatchUpdate::default();
        let Some(template) = Catalogue::builtin().get(&self.template) else {
            update.error = Some(format!("messaggio «{}» sconosciuto", self.template));
            update.finished = true;
            return update;
        };
        let order = Order {
            template,
            config: &self.config,
            typed: self.typed.clone(),
            recipient: None,
        };
        for chunk in self.ids.chunks(BATCH_CHUNK) {
            if self.stop.load(Ordering::Relaxed) {
                update.interrupted = true;
                break;
            }
            let ctx = crate::domain::Context {
                actor: self.actor.clone(),
                now: self.started_at,
            };
            if let Some(step) = self.step {
                // Each application's step and its message commit together, one by one.
                for id in chunk {
                    let command = step.command(*id);
                    match store.execute_and_queue(Some(&command), Some(*id), &ctx, &order) {
                        Ok(_) => update.queued += 1,
                        Err(crate::store::StoreError::DuplicateMessage(_)) => {
                            update.duplicates += 1
                        }
                        Err(e) => {
                            update.failed += 1;
                            update
                                .first_failure
                                .get_or_insert_with(|| format!("{id}: {e}"));
                        }
                    }
                    update.done += 1;
                }
                progress(update.clone());
                continue;
            }
            match store.queue_batch(chunk, &ctx, &order) {
                Ok(report) => {
                    update.done += chunk.len();
                    update.queued += report.queued.len();
                    update.duplicates += report.duplicates.len();
                    update.failed += report.failed.len();
                    if update.first_failure.is_none()
                        && let Some((id, reason)) = report.failed.first()
                    {
                        update.first_failure = Some(format!("{id}: {reason}"));
                    }
                }
                Err(e) => {
                    update.error = Some(e.to_string());
                    break;
                }
            }
            progress(update.clone());
        }
        update.finished = true;
        update
    }
}

impl Ctx<'_> {
    fn config(&self) -> Result<&ComuneConfig, String> {
        self.messaging.config.as_ref().map_err(Clone::clone)
    }

    pub fn addressee_line(&self, name: &str, fiscal_code: &str) -> String {
        let reach = match self.store.io_profile_allowed(fiscal_code) {
            Ok(Some(_)) => s::REACHABLE,
            _ => s::REACHABILITY_UNKNOWN,
        };
        let name = crate::tui::view::clean(name);
        if name.trim().is_empty() {
            // A citizen known only by fiscal code, such as one interested in the call.
            return format!("{fiscal_code} · {reach}");
        }
        format!("{name} · {fiscal_code} · {reach}")
    }

    /// A step that fires a message: shows the message it will send, exactly, with the
    /// step's own effect in it (the protocol number just given); Enter commits both. Without
    /// the Comune's values the step runs alone and the status says why no message left.
    pub fn fire_step(&mut self, command: Command, template: &str) {
        if let Err(reason) = self.config() {
            match self.execute(&command) {
                Ok(()) => self.warn(s::step_without_message(&reason)),
                Err(e) => self.error(e),
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

    /// The order for `template` with the Comune's values and what the caseworker typed.
    fn order(&self, template: &str, typed: Values) -> Result<Order<'_>, String> {
        Ok(Order {
            template: find_template(template)?,
            config: self.config()?,
            typed,
            recipient: None,
        })
    }

    /// Shows what `firing` would queue, exactly: for a batch, the message of its first
    /// application with the number of recipients.
    pub fn show_preview(&mut self, firing: Firing) {
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
        let order = match self.order(template, typed.clone()) {
            Ok(order) => order,
            Err(e) => return self.error(e),
        };
        let ctx = self.command_context();
        let preview = match self
            .store
            .preview_message(command.as_ref(), first, &ctx, &order)
        {
            Ok(preview) => preview,
            Err(e) => return self.error(e.to_string()),
        };
        let draft = &preview.draft;
        let addressee = self.addressee_line(&draft.addressee.name, &draft.addressee.fiscal_code);
        let note = if recipients > 1 {
            Some(s::batch_recipients(recipients, &draft.addressee.name))
        } else {
            preview
                .duplicate_of
                .map(|id| s::duplicate_message(&id.to_string()))
        };
        let state = PreviewState::of(
            &order.template.title,
            addressee,
            &draft.message,
            firing,
            note,
        );
        self.show(Overlay::Preview(Box::new(state)));
    }

    /// The message the first interested citizen of call `code` would get, with how many get it.
    fn show_interested_preview(&mut self, code: String, publish: bool, template: String) {
        let interested = match self.store.interested(&code) {
            Ok(list) => list,
            Err(e) => return self.error(e.to_string()),
        };
        let Some(first) = interested.keys().next().cloned() else {
            if publish {
                // Nobody to tell: the publication alone, with its audit entry.
                return self.run_one(Command::PublishCall { code });
            }
            return self.error(s::NO_INTERESTED.to_string());
        };
        let order = match self.order(&template, Values::new()) {
            Ok(order) => order,
            Err(e) => return self.error(e),
        };
        let mut call = match self.store.call(&code) {
            Ok(Some(call)) => call,
            Ok(None) => return self.error(format!("bando '{code}' inesistente")),
            Err(e) => return self.error(e.to_string()),
        };
        if publish && call.published_at.is_none() {
            call.published_at = Some(self.now());
        }
        let citizen = crate::messages::Recipient {
            fiscal_code: first,
            name: String::new(),
        };
        let subject = crate::messages::outbox::Subject {
            call: Some(&call),
            citizen: Some(&citizen),
            ..Default::default()
        };
        let rendered = match order.render(&subject) {
            Ok(rendered) => rendered,
            Err(e) => return self.error(e),
        };
        let addressee = self.addressee_line("", &citizen.fiscal_code);
        let note = Some(s::interested_recipients(interested.len()));
        let title = order.template.title.clone();
        let state = PreviewState::of(
            &title,
            addressee,
            &rendered.message,
            Firing::Interested {
                code,
                publish,
                template,
            },
            note,
        );
        self.show(Overlay::Preview(Box::new(state)));
    }

    pub fn choose_template(&mut self, target: Target) {
        if let Err(reason) = self.config() {
            return self.error(reason);
        }
        self.open_form(Form::choose_template(target));
    }

    /// After the template is chosen: ask what only the caseworker knows, then preview.
    pub fn after_template(&mut self, target: Target, template: &str) {
        let template = match find_template(template) {
            Ok(t) => t,
            Err(e) => return self.error(e),
        };
        let asked: Vec<_> = template
            .placeholders()
            .into_iter()
            .filter(|spec| spec.source == ValueSource::Caseworker)
            .collect();
        if asked.is_empty() {
            self.close_overlay();
            self.open_preview(target, &template.id, Values::new());
        } else {
            self.open_form(Form::message_values(target, template.id.clone(), &asked));
        }
    }

    /// The preview of a message with no step before it: for one case, or for the first of a
    /// batch with the number of recipients.
    pub fn open_preview(&mut self, target: Target, template: &str, typed: Values) {
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

    /// A key in the preview: scroll, leave, or Enter to commit what it shows.
    pub fn on_preview(&mut self, action: Action) {
        let Some(Overlay::Preview(preview)) = &mut *self.overlay else {
            return;
        };
        match action {
            Action::Up => preview.scroll = preview.scroll.saturating_sub(1),
            Action::Down => preview.scroll = preview.scroll.saturating_add(1),
            Action::PageUp => preview.scroll = preview.scroll.saturating_sub(10),
            Action::PageDown => preview.scroll = preview.scroll.saturating_add(10),
            Action::Cancel => self.close_overlay(),
            Action::Confirm => {
                let firing = preview.firing.clone();
                self.close_overlay();
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
                        self.ok(s::message_queued(&title, &id.to_string()));
                    }
                    Err(e) => self.error(e),
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
        let order = self.order(template, typed)?;
        let title = order.template.title.clone();
        let ctx = self.command_context();
        let (_, entry) = self
            .store
            .execute_and_queue(command, application, &ctx, &order)
            .map_err(|e| e.to_string())?;
        if let Some(application) = application {
            self.refresh_application(application);
        }
        self.after_step();
        if matches!(command, Some(Command::RegisterApplication { .. })) && self.rows.loaded {
            self.changed(Change::Registered);
        }
        self.outbox_changed();
        Ok((title, entry.id))
    }

    /// Tells call `code`'s interested citizens (publishing it first, with `publish`): one
    /// transaction, so a refusal leaves nothing behind.
    fn queue_to_interested(&mut self, code: &str, publish: bool, template: &str) {
        let order = match self.order(template, Values::new()) {
            Ok(order) => order,
            Err(e) => return self.error(e),
        };
        let ctx = self.command_context();
        match self.store.queue_to_interested(code, publish, &ctx, &order) {
            Ok(report) => {
                self.ok(s::interested_queued(report.queued.len(), report.duplicates));
                self.reload_summary();
                self.after_step();
                self.outbox_changed();
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Enter on the publication's preview: the version, its audit entries and one message per
    /// applicant, in one transaction; then the new version is shown.
    fn publish_confirmed(&mut self, code: &str, kind: RankingKind, seed: u64) {
        let config = match self.config() {
            Ok(config) => config.clone(),
            Err(reason) => return self.error(reason),
        };
        let template = match ranking_template(kind) {
            Ok(template) => template,
            Err(e) => return self.error(e),
        };
        let order = Order {
            template,
            config: &config,
            typed: Values::new(),
            recipient: None,
        };
        let ctx = self.command_context();
        match self.store.publish_ranking(code, kind, seed, &ctx, &order) {
            Ok(report) => {
                let header = &report.header;
                let mut text = s::ranking_published(
                    &header.title(),
                    report.queued.len(),
                    report.duplicates,
                    report.failed.len(),
                );
                if let Some((id, reason)) = report.failed.first() {
                    text.push_str(&format!(" ({id}: {reason})"));
                }
                *self.status = Some((text, !report.failed.is_empty()));
                self.changed(Change::Published {
                    call: code.to_string(),
                    number: header.number,
                });
                self.reload_summary();
                self.outbox_changed();
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    /// A step run without a preview (a batch of registrations): its message is queued with it
    /// when the Comune's values are there.
    pub fn execute_step(&mut self, command: &Command) -> Result<(), String> {
        let template = match command {
            Command::RegisterApplication { .. } => ON_REGISTER,
            _ => return self.execute(command),
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
            Err(reason) => return self.error(reason),
        };
        let label = find_template(&template)
            .map(|t| t.title.clone())
            .unwrap_or_else(|_| template.clone());
        let stop = Arc::new(AtomicBool::new(false));
        *self.batch = Some(BatchRun {
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
            ids,
            template,
            typed,
            step,
            config,
            actor: self.actor.to_string(),
            started_at: self.now(),
            stop,
        })));
    }

    pub fn interrupt_batch(&mut self) {
        if let Some(batch) = self.batch.as_ref() {
            batch.stop.store(true, Ordering::Relaxed);
        }
    }

    /// How far a batch got; once it stopped, its report.
    pub fn on_batch(&mut self, update: BatchUpdate) -> bool {
        let Some(batch) = self.batch.as_mut() else {
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
            *self.batch = None;
            match update.error {
                Some(e) => self.error(format!("{report} · {e}")),
                None => *self.status = Some((report, update.failed > 0)),
            }
            self.changed(Change::BatchDone);
            self.outbox_changed();
        }
        true
    }
}

/// A catalogue message by id.
fn find_template(id: &str) -> Result<&'static Template, String> {
    Catalogue::builtin()
        .get(id)
        .ok_or_else(|| format!("messaggio «{id}» sconosciuto nel catalogo"))
}

/// The catalogue message a publication of `kind` sends to every applicant.
pub fn ranking_template(kind: RankingKind) -> Result<&'static Template, String> {
    let id = crate::messages::ranking_template(kind);
    Catalogue::builtin()
        .get(id)
        .ok_or_else(|| s::unknown_template(id))
}
