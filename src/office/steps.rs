//! Steps: a command alone, or a command with the IO message it fires, committed together with
//! both audit entries or not at all; the same one by one over many applications (a batch), and
//! a list of commands each committed on its own.

use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

use super::reads::CaseVersion;
use super::{Office, OfficeError};
use crate::domain::{ApplicationId, Command, Context, Event};
use crate::messages::NewMessage;
use crate::messages::Values;
use crate::messages::outbox::{Addressee, OutboxId};
use crate::store::StoreError;

/// The message registering an application fires.
pub const ON_REGISTER: &str = "presa_in_carico";
/// The message the notice of the grounds for refusal fires: the Comune's own text.
pub const ON_REFUSAL_NOTICE: &str = "preavviso_rigetto";

/// Applications queued per transaction in a batch: progress is reported after each chunk,
/// and an interruption takes effect between chunks.
const BATCH_CHUNK: usize = 200;

/// A step and the message it fires: the command, when there is one, and the catalogue message
/// composed from the case the command leaves (so a protocol number just given is in its text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub command: Option<Command>,
    /// The application the message is about when no command names one; None for a message
    /// about no application, such as a booking at the counter.
    pub application: Option<ApplicationId>,
    pub template: String,
    /// What the caseworker typed for the message's placeholders.
    pub typed: Values,
}

/// What a step committed: the command's events and its queued message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepDone {
    pub events: Vec<Event>,
    pub queued: OutboxId,
    /// The message's title in the catalogue.
    pub title: String,
}

/// The message a step would queue, exactly, with nothing written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepPreview {
    pub template: String,
    pub title: String,
    pub addressee: Addressee,
    pub message: NewMessage,
    /// An identical message already in the outbox: the step would be refused.
    pub duplicate_of: Option<OutboxId>,
    /// IO said the addressee may receive the service's messages (else it is learnt on sending).
    pub reachable: bool,
}

/// How a list of commands went, each committed on its own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepsReport {
    /// The applications whose command went through, in order.
    pub done: Vec<ApplicationId>,
    /// Commands about no application that went through.
    pub done_without_application: usize,
    pub refused: usize,
    /// Why the first refused command was refused.
    pub first_refusal: Option<String>,
}

impl StepsReport {
    pub fn done_count(&self) -> usize {
        self.done.len() + self.done_without_application
    }
}

/// A step a batch runs on each application before queueing its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BatchStep {
    RemindFee,
}

impl BatchStep {
    pub fn command(self, id: ApplicationId) -> Command {
        match self {
            BatchStep::RemindFee => Command::RemindFee { id },
        }
    }
}

/// One catalogue message to many applications, each after its step when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    pub ids: Vec<ApplicationId>,
    pub template: String,
    pub typed: Values,
    pub step: Option<BatchStep>,
}

/// Progress of a batch, as running totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchProgress {
    pub done: usize,
    pub queued: usize,
    /// Applications whose identical message was already queued: skipped.
    pub duplicates: usize,
    /// Applications refused (by the step or the message), with the first reason.
    pub failed: usize,
    pub first_failure: Option<String>,
    pub finished: bool,
    pub interrupted: bool,
    /// What stopped the batch before its end.
    pub error: Option<String>,
}

/// The message a step run without a preview queues with it, when the Comune's values are there.
pub fn message_of(command: &Command) -> Option<&'static str> {
    match command {
        Command::RegisterApplication { .. } => Some(ON_REGISTER),
        Command::NotifyRefusalGrounds { .. } => Some(ON_REFUSAL_NOTICE),
        _ => None,
    }
}

impl Office {
    /// Runs one command in one transaction, durable on return.
    pub fn execute(&self, ctx: &Context, command: &Command) -> Result<Vec<Event>, OfficeError> {
        Ok(self.store.execute(command, ctx)?)
    }

    /// Runs one command from a form opened on application version `seen`, refused with who
    /// changed the application and when if anything was recorded about it since; the check is
    /// the store transaction's own (see `Store::execute_if_unchanged`).
    pub fn execute_seen(
        &self,
        ctx: &Context,
        command: &Command,
        seen: CaseVersion,
    ) -> Result<Vec<Event>, OfficeError> {
        let done = self
            .store
            .execute_if_unchanged(command, ctx, seen.id, seen.seq);
        unless_changed(done, ctx)
    }

    /// `step`, refused when the step's application changed since version `seen` (the form
    /// its message was previewed from was opened on it).
    pub fn step_seen(
        &self,
        ctx: &Context,
        step: &Step,
        seen: CaseVersion,
    ) -> Result<StepDone, OfficeError> {
        let order = self.order(&step.template, step.typed.clone())?;
        let title = order.template.title.clone();
        let done = self.store.execute_and_queue_if_unchanged(
            step.command.as_ref(),
            step.application,
            ctx,
            &order,
            (seen.id, seen.seq),
        );
        unless_changed(done, ctx).map(|(events, entry)| StepDone {
            events,
            queued: entry.id,
            title,
        })
    }

    /// Runs several commands as one transaction: all of them take effect, or none does.
    pub fn execute_all(
        &self,
        ctx: &Context,
        commands: Vec<Command>,
    ) -> Result<Vec<Event>, OfficeError> {
        let commands: Vec<(Command, Context)> =
            commands.into_iter().map(|c| (c, ctx.clone())).collect();
        Ok(self.store.execute_all(&commands)?)
    }

    /// Runs the step's command (when given) and queues its message, in one transaction with
    /// both audit entries: both happen or neither does. A message identical to one already in
    /// the outbox refuses the whole step.
    pub fn step(&self, ctx: &Context, step: &Step) -> Result<StepDone, OfficeError> {
        let order = self.order(&step.template, step.typed.clone())?;
        let title = order.template.title.clone();
        let (events, entry) =
            self.store
                .execute_and_queue(step.command.as_ref(), step.application, ctx, &order)?;
        Ok(StepDone {
            events,
            queued: entry.id,
            title,
        })
    }

    /// The message `step` would queue, exactly, with nothing written: a refusal of the command
    /// shows here, before anything is committed.
    pub fn preview_step(&self, ctx: &Context, step: &Step) -> Result<StepPreview, OfficeError> {
        let order = self.order(&step.template, step.typed.clone())?;
        let preview =
            self.store
                .preview_message(step.command.as_ref(), step.application, ctx, &order)?;
        let reachable = self.reachable(&preview.draft.addressee.fiscal_code);
        Ok(StepPreview {
            template: preview.draft.template,
            title: preview.draft.title,
            addressee: preview.draft.addressee,
            message: preview.draft.message,
            duplicate_of: preview.duplicate_of,
            reachable,
        })
    }

    /// Runs `command` with the message it fires (`message_of`) when the Comune's values are
    /// there, alone otherwise. Returns the queued message, if one was.
    pub fn run_step(
        &self,
        ctx: &Context,
        command: &Command,
    ) -> Result<Option<StepDone>, OfficeError> {
        match message_of(command) {
            Some(template) if self.comune().is_ok() => {
                let step = Step {
                    command: Some(command.clone()),
                    application: command.application_id(),
                    template: template.to_string(),
                    typed: Values::new(),
                };
                self.step(ctx, &step).map(Some)
            }
            _ => self.execute(ctx, command).map(|_| None),
        }
    }

    /// Runs each command on its own (with its message, as `run_step`): one refusal does not
    /// hold back the others, and the report says how many went through and why the first
    /// refusal happened.
    pub fn run_steps(&self, ctx: &Context, commands: &[Command]) -> StepsReport {
        let mut report = StepsReport::default();
        for command in commands {
            match self.run_step(ctx, command) {
                Ok(_) => match command.application_id() {
                    Some(id) => report.done.push(id),
                    None => report.done_without_application += 1,
                },
                Err(e) => {
                    report.refused += 1;
                    report.first_refusal.get_or_insert(e.to_string());
                }
            }
        }
        report
    }

    /// Queues the batch chunk by chunk, every step dated by `ctx` (the time the batch
    /// started, so a fee's lateness is judged on the day the caseworker sees); `progress` gets
    /// the running totals after each chunk, and `stop` ends the batch between chunks. An
    /// identical message already queued is skipped, so running a batch again resumes it.
    pub fn queue_batch(
        &self,
        ctx: &Context,
        batch: &Batch,
        stop: &AtomicBool,
        progress: &mut dyn FnMut(BatchProgress),
    ) -> BatchProgress {
        let mut update = BatchProgress::default();
        let order = match self.order(&batch.template, batch.typed.clone()) {
            Ok(order) => order,
            Err(e) => {
                update.error = Some(e.to_string());
                update.finished = true;
                return update;
            }
        };
        for chunk in batch.ids.chunks(BATCH_CHUNK) {
            if stop.load(Ordering::Relaxed) {
                update.interrupted = true;
                break;
            }
            if let Some(step) = batch.step {
                // Each application's step and its message commit together, one by one.
                for id in chunk {
                    let command = step.command(*id);
                    match self
                        .store
                        .execute_and_queue(Some(&command), Some(*id), ctx, &order)
                    {
                        Ok(_) => update.queued += 1,
                        Err(StoreError::DuplicateMessage(_)) => update.duplicates += 1,
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
            match self.store.queue_batch(chunk, ctx, &order) {
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

/// Who changed an application after a form was opened on it, and when (the day too, when not
/// today), and what to do.
fn changed_since_opened(event: &Event, now: crate::domain::time::Timestamp) -> String {
    use crate::domain::time::{format_ts_date, format_ts_time, rome_date};
    let when = if rome_date(event.at) == rome_date(now) {
        format!("alle {}", format_ts_time(event.at))
    } else {
        format!(
            "il {} alle {}",
            format_ts_date(event.at),
            format_ts_time(event.at)
        )
    };
    format!(
        "la domanda è stata modificata da {} {when} dopo l'apertura del modulo: controllare \
         la scheda aggiornata e salvare di nuovo per confermare quanto scritto",
        event.who()
    )
}

/// What a write refused for a change since the form opened says: who changed the
/// application and when, with the version a second save may take.
fn unless_changed<T>(
    done: Result<crate::store::Unchanged<T>, StoreError>,
    ctx: &Context,
) -> Result<T, OfficeError> {
    match done {
        Ok(Ok(value)) => Ok(value),
        Ok(Err((seq, event))) => Err(OfficeError::Stale {
            message: changed_since_opened(&event, ctx.now),
            seq,
        }),
        Err(StoreError::Changed) => Err(OfficeError::Refused(
            "l'archivio sta cambiando per altre modifiche: salvare di nuovo tra un momento".into(),
        )),
        Err(e) => Err(e.into()),
    }
}
