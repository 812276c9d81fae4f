//! Steps that fire IO messages: a step's message previewed before it commits, any catalogue
//! message sent from a case or to many applications, the call's interested citizens, the
//! ranking's publication, and a batch queued off the UI thread. The office composes, previews
//! and commits; here is what the caseworker sees of it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::Ctx;
use super::then::Then;
use crate::domain::{ApplicationId, Command};
use crate::messages::fitting::Standing;
use crate::messages::{ComuneConfig, ValueSource, Values};
use crate::office::{
    Batch, BatchProgress, BatchStep, InterestedPreview, Request, Step, StepPreview, template_named,
};
use crate::tui::actions::Action;
use crate::tui::app::{CheckState, Overlay};
use crate::tui::form::Form;
use crate::tui::messaging::{BatchRun, Firing, PreviewState, Target};
use crate::tui::strings as s;

/// The message an integration request fires.
pub const ON_INTEGRATION: &str = "richiesta_integrazione";
/// The message issuing the secretarial fee fires.
pub const ON_ISSUE_FEE: &str = "avviso_segreteria";
/// The message a reminder of the fee fires.
pub const ON_REMIND_FEE: &str = "avviso_segreteria_scadenza";

impl Ctx<'_> {
    fn config(&self) -> Result<&ComuneConfig, String> {
        self.messaging.config.as_ref().map_err(Clone::clone)
    }

    /// Who a message goes to, and whether IO said they can be reached.
    pub fn addressee_line(&self, name: &str, fiscal_code: &str, reachable: bool) -> String {
        let reach = if reachable {
            s::REACHABLE
        } else {
            s::REACHABILITY_UNKNOWN
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
    /// the Comune's values the message cannot be composed: the window says so and why, and
    /// asks whether to run the step alone.
    pub fn fire_step(&mut self, command: Command, template: &str) {
        if let Err(reason) = self.config() {
            let title = template_named(template)
                .map(|t| t.title.clone())
                .unwrap_or_else(|_| template.to_string());
            return self.show(Overlay::Check(Box::new(CheckState {
                title: s::BOX_NO_MESSAGE,
                lines: vec![
                    (s::message_not_composed(&title), true),
                    (reason.clone(), true),
                    (s::GO_ON_WITHOUT_MESSAGE.to_string(), false),
                ],
                command,
                commit: s::GO_ON_ALONE,
                done: s::step_without_message(&reason),
                warning: true,
                form: None,
            })));
        }
        let application = command.application_id();
        self.show_preview(Firing::Case {
            command: Some(command),
            application,
            template: template.to_string(),
            typed: Values::new(),
        });
    }

    /// Asks what `firing` would queue, exactly, and shows it: for a batch, the message of its
    /// first application with the number of recipients.
    pub fn show_preview(&mut self, firing: Firing) {
        let (step, recipients) = match &firing {
            Firing::Case {
                command,
                application,
                template,
                typed,
            } => (
                Step {
                    command: command.clone(),
                    application: *application,
                    template: template.clone(),
                    typed: typed.clone(),
                },
                1,
            ),
            Firing::Batch {
                ids,
                template,
                typed,
                step,
            } => match ids.first() {
                Some(first) => (
                    Step {
                        command: step.map(|step| step.command(*first)),
                        application: Some(*first),
                        template: template.clone(),
                        typed: typed.clone(),
                    },
                    ids.len(),
                ),
                None => return,
            },
            Firing::Interested {
                code,
                publish,
                template,
            } => {
                let alone = s::batch_done(1, 0, None);
                return self.preview_interested(code.clone(), *publish, template.clone(), alone);
            }
            Firing::Ranking { .. } | Firing::Opening { .. } | Firing::InOutbox => return,
        };
        self.send(
            Request::PreviewStep(step),
            Then::Preview { firing, recipients },
        );
    }

    /// Shows a step's message as the office previewed it, in place of the form it came from
    /// when there is one: Esc on the message returns to that form.
    pub fn show_step_preview(&mut self, firing: Firing, recipients: usize, preview: &StepPreview) {
        let back = self.take_form();
        let addressee = &preview.addressee;
        let line = self.addressee_line(&addressee.name, &addressee.fiscal_code, preview.reachable);
        let note = if recipients > 1 {
            Some(s::batch_recipients(recipients, &addressee.name))
        } else {
            preview
                .duplicate_of
                .map(|id| s::duplicate_message(&id.to_string()))
        };
        // A text the Comune wrote, not one of the IO catalogue's: the caseworker is told.
        let own = template_named(&preview.template).is_ok_and(|t| t.comune);
        let note = match note {
            None if own => Some(s::COMUNE_TEXT.to_string()),
            note => note,
        };
        let mut state = PreviewState::of(&preview.title, line, &preview.message, firing, note);
        state.back = back;
        // One addressee: the identical message already queued may be withdrawn from here.
        if recipients <= 1 {
            state.queued = preview.duplicate_of;
        }
        self.show(Overlay::Preview(Box::new(state)));
    }

    /// Asks for the message the first interested citizen of call `code` would get, with how
    /// many get it, and shows it; with nobody to tell and `publish`, the call is published
    /// alone and the status line says `alone`.
    pub fn preview_interested(
        &mut self,
        code: String,
        publish: bool,
        template: String,
        alone: String,
    ) {
        self.send(
            Request::PreviewInterested {
                call: code.clone(),
                publish,
                template: template.clone(),
            },
            Then::InterestedPreview {
                code,
                publish,
                template,
                alone,
            },
        );
    }

    pub(super) fn show_interested_preview(
        &mut self,
        code: String,
        publish: bool,
        template: String,
        preview: &InterestedPreview,
    ) {
        let addressee = self.addressee_line("", &preview.fiscal_code, preview.reachable);
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
        self.show(Overlay::Preview(Box::new(state)));
    }

    /// The message picker for `target`, offering first what fits how its applications stand.
    pub fn choose_template(&mut self, target: Target, standings: &[Standing]) {
        if let Err(reason) = self.config() {
            return self.error(reason);
        }
        self.open_form(Form::choose_template(target, standings));
    }

    /// After the template is chosen: ask what only the caseworker knows, then preview.
    pub fn after_template(&mut self, target: Target, template: &str) {
        let template = match template_named(template) {
            Ok(t) => t,
            Err(e) => return self.error(e.to_string()),
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
            Action::Cancel => match preview.back.take() {
                Some(form) => self.show(Overlay::Form {
                    form,
                    confirming: false,
                }),
                None => self.close_overlay(),
            },
            Action::Confirm => {
                let firing = preview.firing.clone();
                let back = preview.back.take();
                self.close_overlay();
                self.confirm(firing, back);
            }
            Action::WithdrawQueued => {
                if let Some(id) = preview.queued {
                    self.open_form(crate::tui::messaging::withdraw_form(id));
                }
            }
            _ => {}
        }
    }

    /// Withdraws a queued message with the reason typed; a refusal shows under the form.
    pub fn withdraw_queued(&mut self, withdraw: crate::tui::messaging::WithdrawQueued) {
        let request = Request::Withdraw {
            id: withdraw.id,
            reason: withdraw.reason,
        };
        self.send(request, Then::Withdrawn);
    }

    /// Enter on a preview: what it shows is sent to the office to commit. A step previewed
    /// from a form opened on a case carries the case's version as the form saw it.
    fn confirm(&mut self, firing: Firing, back: Option<Form>) {
        match firing {
            Firing::InOutbox => {}
            // The step (if any) and its message commit together.
            Firing::Case {
                command,
                application,
                template,
                typed,
            } => {
                let step = Step {
                    command: command.clone(),
                    application,
                    template,
                    typed,
                };
                let seen = back
                    .as_ref()
                    .and_then(|form| form.version)
                    .filter(|seen| application == Some(seen.id));
                let request = match seen {
                    Some(seen) => Request::StepSeen { step, seen },
                    None => Request::Step(step),
                };
                self.send(
                    request,
                    Then::Step {
                        command,
                        application,
                        back: back.map(Box::new),
                    },
                );
            }
            Firing::Batch {
                ids,
                template,
                typed,
                step,
            } => self.start_batch(ids, template, typed, step),
            // One transaction, so a refusal leaves nothing behind.
            Firing::Interested {
                code,
                publish,
                template,
            } => {
                let request = Request::TellInterested {
                    call: code,
                    publish,
                    template,
                };
                self.send(request, Then::TellInterested);
            }
            // The round, its audit entry and one message per applicant, in one transaction; a
            // refusal returns to the form it came from, with what was typed.
            Firing::Opening {
                call,
                opens_on,
                closes_on,
            } => {
                if let Err(reason) = self.config() {
                    return self.error(reason);
                }
                let request = Request::OpenAssignment {
                    call: Some(call),
                    opens_on,
                    closes_on,
                };
                self.send(
                    request,
                    Then::Opened {
                        back: back.map(Box::new),
                    },
                );
            }
            // The version, its audit entries and one message per applicant, in one
            // transaction; then the new version is shown.
            Firing::Ranking { code, kind, seed } => {
                if let Err(reason) = self.config() {
                    return self.error(reason);
                }
                let request = Request::PublishRanking {
                    call: code.clone(),
                    kind,
                    seed,
                };
                self.send(request, Then::Published { code });
            }
        }
    }

    fn start_batch(
        &mut self,
        ids: Vec<ApplicationId>,
        template: String,
        typed: Values,
        step: Option<BatchStep>,
    ) {
        if let Err(reason) = self.config() {
            return self.error(reason);
        }
        let label = template_named(&template)
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
        // Every step is dated by the time the batch started, so a fee's lateness is judged on
        // the day the caseworker sees.
        let batch = Batch {
            ids,
            template,
            typed,
            step,
        };
        self.send_stoppable(Request::Batch(batch), Then::Batch, stop);
    }

    /// A rent batch run off the UI thread with the progress bar every batch has; `label`
    /// names it on the bar.
    pub fn start_rent_batch(&mut self, kind: crate::office::RentBatchKind, label: String) {
        let stop = Arc::new(AtomicBool::new(false));
        *self.batch = Some(BatchRun {
            label,
            done: 0,
            total: 0,
            queued: 0,
            duplicates: 0,
            failed: 0,
            first_failure: None,
            started: Instant::now(),
            stop: stop.clone(),
        });
        self.send_stoppable(Request::RentBatch(kind), Then::RentBatch, stop);
    }

    /// How far a rent batch got.
    pub fn on_rent_progress(&mut self, update: &crate::office::RentBatch) -> bool {
        let Some(batch) = self.batch.as_mut() else {
            return false;
        };
        batch.done = update.done;
        batch.total = update.total;
        batch.queued = update.committed;
        batch.duplicates = update.skipped;
        batch.first_failure = update.first_skip.clone();
        true
    }

    /// A rent batch ended: its report, and every screen reads what it changed.
    pub(super) fn rent_batch_done(
        &mut self,
        result: Result<crate::office::RentBatchDone, crate::office::OfficeError>,
    ) {
        *self.batch = None;
        match result {
            Ok(done) => {
                let report = s::rent_batch_report(
                    done.batch.committed,
                    done.batch.skipped,
                    done.flagged,
                    done.batch.interrupted,
                );
                *self.status = Some((report, false));
            }
            Err(e) => self.error(e.to_string()),
        }
        self.changed(super::Change::BatchDone);
        self.after_step();
        self.outbox_changed();
    }

    pub fn interrupt_batch(&mut self) {
        if let Some(batch) = self.batch.as_ref() {
            batch.stop.store(true, Ordering::Relaxed);
        }
    }

    /// How far a batch got; once it stopped, its report.
    pub fn on_batch(&mut self, update: BatchProgress) -> bool {
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
            self.changed(super::Change::BatchDone);
            self.outbox_changed();
        }
        true
    }
}
