//! The console's side of IO messages: what a preview shows and what Enter on it does, a batch
//! in progress, and the state of the sender.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use crate::domain::time::format_date;
use crate::domain::{ApplicationId, Command};
use crate::messages::front_matter;
use crate::messages::outbox::{OutboxEntry, OutboxId};
use crate::messages::text::utf16_len;
use crate::messages::{ComuneConfig, NewMessage, Values};
use crate::office::BatchStep;

use super::form::{Field, Form, Outcome, Purpose};
use super::strings as s;

/// What the console knows about sending: the Comune's values for composing, and whether a
/// sender runs in the background.
pub struct Messaging {
    pub config: Result<ComuneConfig, String>,
    /// Why nothing is sent from this console, when nothing is (no key, say).
    pub sender_off: Option<String>,
}

impl Default for Messaging {
    fn default() -> Self {
        Messaging {
            config: Err(s::NO_COMUNE_CONFIG.to_string()),
            sender_off: Some(s::SENDER_OFF.to_string()),
        }
    }
}

/// Who a message goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Case(ApplicationId),
    Batch(Vec<ApplicationId>),
}

/// What Enter does on a preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Firing {
    /// One case: the step's command, when there is one, and its message, in one transaction.
    Case {
        command: Option<Command>,
        /// None for a step about no application, such as a booking at the counter.
        application: Option<ApplicationId>,
        template: String,
        typed: Values,
    },
    /// One message per application, queued in chunks with a progress bar; with a step, each
    /// application's step commits with its message.
    Batch {
        ids: Vec<ApplicationId>,
        template: String,
        typed: Values,
        step: Option<BatchStep>,
    },
    /// A call's interested citizens; with `publish`, the call is published in the same
    /// transaction.
    Interested {
        code: String,
        publish: bool,
        template: String,
    },
    /// A ranking published: the version and one message per applicant in one transaction;
    /// groups left equal are drawn with `seed`, shown before Enter.
    Ranking {
        code: String,
        kind: crate::domain::ranking::RankingKind,
        seed: u64,
    },
    /// A call's assignment round opened: the round and one message per applicant of its
    /// definitive ranking, in one transaction.
    Opening {
        call: String,
        opens_on: chrono::NaiveDate,
        closes_on: chrono::NaiveDate,
    },
    /// A message already in the outbox, shown for reading.
    InOutbox,
}

/// Everything the preview draws, exactly as IO will receive it.
pub struct PreviewState {
    pub title: String,
    pub addressee: String,
    pub subject: String,
    pub body: Vec<String>,
    /// Button text and where it leads.
    pub buttons: Vec<(String, String)>,
    pub payment: Option<String>,
    /// UTF-16 length of the markdown, front matter included, as IO counts it.
    pub length: usize,
    pub note: Option<String>,
    /// What Enter does besides queueing, to weigh before it: shown under the note.
    pub warnings: Vec<String>,
    pub firing: Firing,
    pub scroll: usize,
    /// The form whose values the message shows: Esc returns to it with what was typed.
    pub back: Option<crate::tui::form::Form>,
    /// An identical message already queued: the preview offers to withdraw it.
    pub queued: Option<OutboxId>,
}

impl PreviewState {
    pub fn of(
        title: &str,
        addressee: String,
        message: &NewMessage,
        firing: Firing,
        note: Option<String>,
    ) -> PreviewState {
        let markdown = &message.content.markdown;
        let (buttons, body) = match front_matter::parse(markdown) {
            Ok(Some((front, body))) => (
                front
                    .it
                    .iter()
                    .map(|cta| {
                        let target = cta
                            .action
                            .strip_prefix("iohandledlink://")
                            .unwrap_or(&cta.action);
                        (cta.text.clone(), target.to_string())
                    })
                    .collect(),
                body,
            ),
            _ => (Vec::new(), markdown.as_str()),
        };
        let payment = message.content.payment_data.as_ref().map(|p| {
            let amount = crate::domain::money::Money::from_cents(p.amount);
            let due = message
                .content
                .due_date
                .as_deref()
                .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok())
                .map(|d| format_date(crate::domain::time::rome_date(d.to_utc())));
            s::payment_box(
                p.notice_number.as_str(),
                &amount.to_string(),
                due.as_deref(),
            )
        });
        PreviewState {
            title: format!("{} · {}", s::BOX_MESSAGE, title),
            addressee,
            subject: message.content.subject.clone(),
            body: body.lines().map(readable_links).collect(),
            buttons,
            payment,
            length: utf16_len(markdown),
            note,
            warnings: Vec::new(),
            firing,
            scroll: 0,
            back: None,
            queued: None,
        }
    }

    pub fn of_entry(entry: &OutboxEntry) -> PreviewState {
        let addressee = format!(
            "{} · {} · {}",
            entry.addressee.name,
            entry.addressee.fiscal_code,
            entry.state.label()
        );
        let note = Some(s::entry_note(entry));
        let mut state = PreviewState::of(
            &entry.title,
            addressee,
            &entry.message,
            Firing::InOutbox,
            note,
        );
        // Marked as in the preview it was queued from: a text the Comune wrote, not the IO
        // catalogue's.
        if crate::office::template_named(&entry.template).is_ok_and(|t| t.comune) {
            state.warnings.push(s::COMUNE_TEXT.to_string());
        }
        state
    }
}

/// A queued message withdrawn from wherever it was shown, with the reason asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawQueued {
    pub id: OutboxId,
    pub reason: String,
}

struct WithdrawPurpose(OutboxId);

impl Purpose for WithdrawPurpose {
    fn build(&self, form: &Form) -> Result<Outcome, String> {
        Ok(Outcome::Screen(Box::new(WithdrawQueued {
            id: self.0,
            reason: form.value(0).to_string(),
        })))
    }
}

/// The reason for withdrawing queued message `id`, asked before the office withdraws it.
pub fn withdraw_form(id: OutboxId) -> Form {
    Form::new(
        s::FORM_WITHDRAW_QUEUED,
        WithdrawPurpose(id),
        vec![Field::text(s::FIELD_REASON, "").required()],
    )
}

/// A batch being queued off the UI thread.
pub struct BatchRun {
    pub label: String,
    pub done: usize,
    pub total: usize,
    pub queued: usize,
    pub duplicates: usize,
    pub failed: usize,
    pub first_failure: Option<String>,
    pub started: Instant,
    pub stop: Arc<AtomicBool>,
}

impl BatchRun {
    pub fn rate(&self) -> f64 {
        let secs = self.started.elapsed().as_secs_f64();
        if secs > 0.0 {
            self.done as f64 / secs
        } else {
            0.0
        }
    }
}

/// `[testo](https://…)` as `testo → https://…`: what the citizen reads and where it leads.
fn readable_links(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](").map(|i| open + i) else {
            break;
        };
        let Some(end) = rest[close..].find(')').map(|i| close + i) else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&rest[open + 1..close]);
        out.push_str(" → ");
        out.push_str(&rest[close + 2..end]);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}
