//! The case's review steps (documents, verifications, household, fee) and the inbox's batches
//! (admit, exclude, remind the fee): which form opens, and what its outcome starts.

use super::{App, Screen};
use crate::domain::time::rome_date;
use crate::domain::{ApplicationId, Command};
use crate::messages::Values;
use crate::tui::form::Form;
use crate::tui::form::review::{ON_REMIND_FEE, ReviewOutcome};
use crate::tui::keymap::Action;
use crate::tui::messaging::{BatchStep, Firing};
use crate::tui::strings as s;

impl App {
    pub(super) fn on_review(&mut self, action: Action) {
        match self.screen {
            Screen::Case => self.review_case(action),
            Screen::Inbox => self.review_inbox(action),
            _ => {}
        }
    }

    fn review_case(&mut self, action: Action) {
        let Some(case) = &self.case else {
            return;
        };
        let application = &case.data.application;
        let id = application.id;
        let today = rome_date(self.now());
        let form = match action {
            Action::RecordDocument => match &case.data.call {
                Some(call) if !call.documents.is_empty() => {
                    Form::record_document(application, call, self.now())
                }
                _ => return self.set_error(s::NO_CALL_DOCUMENTS.to_string()),
            },
            Action::Verify => Form::verify(application),
            Action::RemoveMember => match Form::remove_member(application) {
                Some(form) => form,
                None => return self.set_error(s::NO_MEMBER_TO_REMOVE.to_string()),
            },
            Action::IssueFee => {
                let fee = case
                    .data
                    .call
                    .as_ref()
                    .map(|call| call.secretarial_fee)
                    .unwrap_or_default();
                Form::issue_fee(id, fee, today)
            }
            Action::RecordPayment => Form::record_payment(id, today),
            // Nothing to type: the preview shows the reminder, Enter records it and queues it.
            Action::RemindFee => return self.fire_step(Command::RemindFee { id }, ON_REMIND_FEE),
            _ => return,
        };
        self.open_form(form);
    }

    fn review_inbox(&mut self, action: Action) {
        match action {
            Action::Admit | Action::Exclude => {
                let targets = self.inbox.targets();
                if targets.is_empty() {
                    return;
                }
                let form = if action == Action::Admit {
                    Form::admit_many(targets)
                } else {
                    Form::exclude_many(targets)
                };
                self.open_form(form);
            }
            Action::RemindFee if self.inbox.selected.is_empty() => {
                self.open_form(Form::remind_within());
            }
            Action::RemindFee => {
                let today = rome_date(self.now());
                let ids: Vec<ApplicationId> = self
                    .inbox
                    .selected
                    .iter()
                    .filter(|id| {
                        self.inbox
                            .position_of(**id)
                            .and_then(|p| self.inbox.rows.get(p))
                            .is_some_and(|row| row.fee_pending(today))
                    })
                    .copied()
                    .collect();
                self.remind_fees(ids, s::NO_FEE_TO_REMIND.to_string());
            }
            _ => {}
        }
    }

    pub(super) fn on_review_outcome(&mut self, outcome: ReviewOutcome) {
        match outcome {
            ReviewOutcome::RemindWithin(days) => {
                self.overlay = None;
                let today = rome_date(self.now());
                let last = today + chrono::Days::new(u64::from(days));
                let ids = self
                    .inbox
                    .rows
                    .iter()
                    .filter(|row| row.fee_pending(today) && row.fee_due.is_some_and(|d| d <= last))
                    .map(|row| row.id)
                    .collect();
                self.remind_fees(ids, s::no_fee_due_within(days));
            }
        }
    }

    /// The reminder's preview for the first of `ids`; Enter records each reminder with its
    /// message, and one already queued is not queued again.
    fn remind_fees(&mut self, ids: Vec<ApplicationId>, none: String) {
        if ids.is_empty() {
            return self.set_error(none);
        }
        self.show_preview(Firing::Batch {
            ids,
            template: ON_REMIND_FEE.into(),
            typed: Values::new(),
            step: Some(BatchStep::RemindFee),
        });
    }
}
