//! What the console does with the replies to the requests it sends itself: the cruscotto's
//! figures and the rows, the rows of cases just changed, and the steps any screen or window
//! runs the same way (a command from a form, a step with its message, previews, telling a
//! call's citizens, publishing a ranking, a batch).

use super::{Change, Ctx};
use crate::domain::{ApplicationId, Command};
use crate::office::Reply;
use crate::tui::form::Form;
use crate::tui::messaging::Firing;
use crate::tui::strings as s;

/// What the console does once a command it sent is answered.
pub struct Report {
    /// What the status line says once it went through.
    pub done: String,
    /// Said as a warning though it went through.
    pub warning: bool,
    /// The form it came from closes once it went through.
    pub close_form: bool,
    /// Where a refusal shows.
    pub refusal: Refusal,
}

/// Where a refused command's reason shows.
pub enum Refusal {
    /// On the status line.
    Status,
    /// Under the open form's fields, which keep what was typed; on the status line when no
    /// form is open any more.
    Form,
    /// The form given opens again with the reason under its fields (a check's step).
    Reopen(Box<Form>),
}

impl Report {
    /// Said on the status line; a refusal too.
    pub fn status(done: String) -> Report {
        Report {
            done,
            warning: false,
            close_form: false,
            refusal: Refusal::Status,
        }
    }

    /// From a form: it closes once the command went through, and a refusal shows under its
    /// fields.
    pub fn form(done: String) -> Report {
        Report {
            done,
            warning: false,
            close_form: true,
            refusal: Refusal::Form,
        }
    }

    /// What is said once it went through is a warning.
    pub fn warning(mut self) -> Report {
        self.warning = true;
        self
    }
}

/// The console's own continuation of a request it sent.
pub(in crate::tui) enum Then {
    /// The cruscotto's figures.
    Summary,
    /// Every application's row.
    Rows,
    /// The rows of applications just changed.
    Refreshed {
        ids: Vec<ApplicationId>,
        registered: bool,
        /// Changed in another console: the lists showing them are rebuilt as well.
        elsewhere: bool,
    },
    /// A batch of messages: its progress, then its end.
    Batch,
    /// A rent batch: its progress, then its end.
    RentBatch,
    /// A command, and what to say once answered.
    Execute {
        command: Box<Command>,
        report: Box<Report>,
    },
    /// A step and its message, committed together (Enter on its preview).
    Step {
        command: Option<Command>,
        application: Option<ApplicationId>,
        /// The form the message was previewed from: reopened, with what was typed, when the
        /// case changed since it opened.
        back: Option<Box<Form>>,
    },
    /// The message `firing` would queue, to show before Enter.
    Preview { firing: Firing, recipients: usize },
    /// The message a call's first interested citizen would get; with nobody to tell, the
    /// publication alone (with `publish`), said with `alone`.
    InterestedPreview {
        code: String,
        publish: bool,
        template: String,
        alone: String,
    },
    /// A call's interested citizens told.
    TellInterested,
    /// A version of call `code`'s ranking published.
    Published { code: String },
    /// A queued message withdrawn from its preview.
    Withdrawn,
    /// An assignment round opened; a refusal reopens the form it was previewed from.
    Opened { back: Option<Box<Form>> },
}

impl Then {
    /// Whether the status line says the console is waiting for it: the caseworker's own steps
    /// and previews, not the reads that follow them.
    pub(in crate::tui) fn shown(&self) -> bool {
        !matches!(
            self,
            Then::Summary | Then::Rows | Then::Refreshed { .. } | Then::Batch | Then::RentBatch
        )
    }
}

impl Ctx<'_> {
    /// The reply to a request the console sent; true when the screen may show something new.
    pub(in crate::tui) fn on_then(&mut self, then: Then, reply: Reply) -> bool {
        match (then, reply) {
            (
                Then::Refreshed {
                    ids,
                    registered,
                    elsewhere,
                },
                Reply::RowsOf(rows),
            ) => {
                self.rows_read(rows, &ids, registered);
                if elsewhere {
                    self.after_step();
                }
            }
            (Then::Batch, Reply::Batch(update)) => {
                self.on_batch(update);
            }
            (Then::RentBatch, Reply::RentBatch(result)) => self.rent_batch_done(result),
            (Then::Execute { command, report }, Reply::Execute(result)) => {
                self.on_executed(&command, *report, result.map(|_| ()));
            }
            (
                Then::Step {
                    command,
                    application,
                    back,
                },
                Reply::Step(result),
            ) => match result {
                Ok(done) => {
                    if let Some(application) = application {
                        let registered =
                            matches!(command, Some(Command::RegisterApplication { .. }));
                        self.refresh_applications(vec![application], registered);
                    }
                    self.after_step();
                    self.outbox_changed();
                    self.ok(s::message_queued(&done.title, &done.queued.to_string()));
                }
                Err(crate::office::OfficeError::Stale { message, seq }) if back.is_some() => {
                    // Told who changed the case, the caseworker may save again: the form takes
                    // the case as it is now.
                    if let Some(mut form) = back {
                        if let Some(version) = form.version.as_mut() {
                            version.seq = seq;
                        }
                        form.error = Some(message);
                        self.open_form(*form);
                    }
                }
                Err(e) => self.error(e.to_string()),
            },
            (Then::Withdrawn, Reply::Withdraw(result)) => match result {
                Ok(entry) => {
                    self.close_form();
                    self.ok(s::queued_withdrawn(&entry.id.to_string()));
                    if let Some(id) = entry.application {
                        self.refresh_applications(vec![id], false);
                    }
                    self.outbox_changed();
                }
                Err(e) => self.form_or_status_error(e.to_string()),
            },
            (Then::Preview { firing, recipients }, Reply::PreviewStep(result)) => match result {
                Ok(preview) => self.show_step_preview(firing, recipients, &preview),
                Err(e) => self.error(e.to_string()),
            },
            (
                Then::InterestedPreview {
                    code,
                    publish,
                    template,
                    alone,
                },
                Reply::PreviewInterested(result),
            ) => match result {
                Ok(Some(preview)) => {
                    self.show_interested_preview(code, publish, template, &preview);
                }
                // Nobody to tell: the publication alone, with its audit entry.
                Ok(None) if publish => {
                    self.execute(Command::PublishCall { code }, Report::status(alone));
                }
                Ok(None) => self.error(s::NO_INTERESTED.to_string()),
                Err(e) => self.error(e.to_string()),
            },
            (Then::TellInterested, Reply::TellInterested(result)) => match result {
                Ok(told) => {
                    self.ok(s::interested_queued(told.queued.len(), told.duplicates));
                    self.reload_summary();
                    self.after_step();
                    self.outbox_changed();
                }
                Err(e) => self.error(e.to_string()),
            },
            (Then::Published { code }, Reply::PublishRanking(result)) => match result {
                Ok(report) => {
                    let header = &report.header;
                    let text = s::ranking_published(
                        &header.title(),
                        report.queued.len(),
                        report.duplicates,
                    );
                    self.report(text, false);
                    self.changed(Change::Published {
                        call: code,
                        number: header.number,
                    });
                    self.reload_summary();
                    self.outbox_changed();
                }
                Err(e) => self.error(e.to_string()),
            },
            (Then::Opened { back }, Reply::OpenAssignment(result)) => match result {
                Ok(opened) => {
                    let round = &opened.round;
                    self.ok(s::assignment_opened(&round.call, opened.queued.len()));
                    self.after_step();
                    self.outbox_changed();
                }
                Err(e) => match back {
                    Some(mut form) => {
                        form.error = Some(e.to_string());
                        self.open_form(*form);
                    }
                    None => self.error(e.to_string()),
                },
            },
            // A reply of another kind than asked: nothing to do with it.
            _ => {
                tracing::warn!("risposta inattesa dell'ufficio");
                return false;
            }
        }
        true
    }

    /// A command answered: its follow-ups and `report`'s line, or its refusal where `report`
    /// says.
    pub fn on_executed(
        &mut self,
        command: &Command,
        report: Report,
        result: Result<(), crate::office::OfficeError>,
    ) {
        match result {
            Ok(()) => {
                self.executed(command);
                if report.close_form {
                    self.close_form();
                }
                if report.warning {
                    self.warn(report.done);
                } else {
                    self.ok(report.done);
                }
            }
            Err(e) => {
                // Told who changed the case, the caseworker may save again: the form takes
                // the case as it is now.
                let newer = match &e {
                    crate::office::OfficeError::Stale { seq, .. } => Some(*seq),
                    _ => None,
                };
                match report.refusal {
                    Refusal::Status => self.error(e.to_string()),
                    Refusal::Form => {
                        if let Some(seq) = newer
                            && let Some(version) = self.form_mut().and_then(|f| f.version.as_mut())
                        {
                            version.seq = seq;
                        }
                        self.form_or_status_error(e.to_string());
                    }
                    Refusal::Reopen(mut form) => {
                        if let (Some(seq), Some(version)) = (newer, form.version.as_mut()) {
                            version.seq = seq;
                        }
                        form.error = Some(e.to_string());
                        self.open_form(*form);
                    }
                }
            }
        }
    }
}
