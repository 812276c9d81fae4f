//! The case's review steps: documents, verifications, household, fee; which form each opens,
//! and what the form produces.

use chrono::NaiveDate;
use unicode_width::UnicodeWidthStr;

use super::{
    CaseScreen, ISSUE_FEE, RECORD_DOCUMENT, RECORD_PAYMENT, REMOVE_MEMBER, VERIFY,
};
use crate::domain::application::DocumentStatus;
use crate::domain::call::{Call, Need};
use crate::domain::fiscal_code::PersonFiscalCode;
use crate::domain::household::Relation;
use crate::domain::money::Money;
use crate::domain::notice::NoticeNumber;
use crate::domain::time::{Timestamp, format_date, parse_date, to_rome};
use crate::domain::verification::{CheckItem, Finding};
use crate::domain::{Application, ApplicationId, Command};
use crate::tui::actions::{REMIND_FEE, ScreenAction};
use crate::tui::context::{Ctx, ON_ISSUE_FEE, ON_REMIND_FEE};
use crate::tui::form::{CheckRow, Field, Form, Outcome, Purpose, date};
use crate::tui::strings as s;
use crate::tui::view::fit;
use super::texts;

/// Columns a choice's text gets in the form window, less its longest label: the window is 78
/// wide, and borders, the label's margins, the focus mark and ‹ › take 11.
const CHOICE_ROOM: usize = 67;

/// The room for a choice's text in a form whose longest label is `label`.
fn choice_width(label: &str) -> usize {
    CHOICE_ROOM.saturating_sub(label.width())
}

/// Days a new notice leaves to pay.
pub const FEE_DAYS: u64 = 30;

#[derive(Debug, Clone, PartialEq, Eq)]
enum ReviewPurpose {
    /// `codes` are the call's documents in the order offered; `at` is when the form opened,
    /// the receipt time of a document marked received.
    RecordDocument {
        id: ApplicationId,
        codes: Vec<String>,
        at: Timestamp,
    },
    /// `before` is each item's finding (None: still to verify) and note when the form opened.
    Verify {
        id: ApplicationId,
        items: Vec<CheckItem>,
        before: Vec<(Option<bool>, String)>,
    },
    RemoveMember {
        id: ApplicationId,
        members: Vec<PersonFiscalCode>,
    },
    IssueFee(ApplicationId),
    RecordPayment(ApplicationId),
}

const DOCUMENT_STATUSES: [&str; 3] = [texts::DOC_RECEIVED, texts::DOC_MISSING, texts::DOC_REJECTED];

fn need_label(need: Need) -> &'static str {
    match need {
        Need::Required => texts::NEED_REQUIRED,
        Need::ForDeclaredCondition => texts::NEED_CONDITION,
        Need::Optional => texts::NEED_OPTIONAL,
    }
}

fn status_label(status: Option<&DocumentStatus>, need: Need) -> &'static str {
    match (status, need) {
        (Some(DocumentStatus::Ricevuto { .. }), _) => texts::DOC_RECEIVED,
        (Some(DocumentStatus::Respinto { .. }), _) => texts::DOC_REJECTED,
        (Some(DocumentStatus::Mancante), _) => texts::DOC_MISSING,
        (None, Need::Optional) => texts::DOC_NOT_GIVEN,
        (None, _) => texts::DOC_MISSING,
    }
}

/// `head · tail`, with `head` cut so that the whole fits `width` columns.
fn choice_text(head: &str, tail: &str, width: usize) -> String {
    let room = width.saturating_sub(tail.width() + 3);
    format!("{} · {tail}", fit(&crate::tui::view::clean(head), room))
}

/// The caseworker's current finding on `item`, as the Verify form lists it.
pub fn finding(application: &Application, item: CheckItem) -> String {
    match application.verifications.get(&item) {
        Some(v) if v.verified => texts::finding_verified(
            &crate::tui::view::clean(&v.by),
            &to_rome(v.at).format("%d/%m").to_string(),
        ),
        Some(_) => texts::FINDING_FAILED.to_string(),
        None => texts::FINDING_PENDING.to_string(),
    }
}

fn amount(value: &str) -> Result<(), String> {
    match Money::parse(value) {
        Ok(money) if money.is_zero() => Err(texts::AMOUNT_ZERO.to_string()),
        Ok(_) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

fn notice(value: &str) -> Result<(), String> {
    NoticeNumber::parse(value)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn review(title: &'static str, purpose: ReviewPurpose, fields: Vec<Field>) -> Form {
    Form::new(title, purpose, fields)
}

/// Each of the call's documents as a row of `width` columns: its code, and its title with why
/// the application needs it and where it stands.
pub(super) fn document_rows(
    application: &Application,
    call: &Call,
    width: usize,
) -> Vec<(String, String)> {
    call.checklist(application)
        .into_iter()
        .map(|(doc, need)| {
            let status = application.documents.get(&doc.code);
            let tail = format!("{} · {}", need_label(need), status_label(status, need));
            (doc.code.clone(), choice_text(&doc.title, &tail, width))
        })
        .collect()
}

/// The call's documents, each with why the application needs it and where it stands;
/// the first needed one not received is offered first.
pub fn record_document(application: &Application, call: &Call, now: Timestamp) -> Form {
    let checklist = call.checklist(application);
    let mut first = None;
    let mut codes = Vec::new();
    let mut options = Vec::new();
    for (i, (doc, need)) in checklist.iter().enumerate() {
        let status = application.documents.get(&doc.code);
        let received = matches!(status, Some(DocumentStatus::Ricevuto { .. }));
        if first.is_none() && !received && *need != Need::Optional {
            first = Some(i);
        }
        let tail = format!("{} · {}", need_label(*need), status_label(status, *need));
        options.push(choice_text(
            &doc.title,
            &tail,
            choice_width(texts::FIELD_RECORDED_DOCUMENT),
        ));
        codes.push(doc.code.clone());
    }
    review(
        texts::FORM_RECORD_DOCUMENT,
        ReviewPurpose::RecordDocument {
            id: application.id,
            codes,
            at: now,
        },
        vec![
            Field::choice(texts::FIELD_RECORDED_DOCUMENT, options, first.unwrap_or(0)),
            Field::choice(
                texts::FIELD_DOCUMENT_STATUS,
                DOCUMENT_STATUSES.map(str::to_string).to_vec(),
                0,
            ),
            Field::text(s::FIELD_NOTE, ""),
        ],
    )
}

/// Columns a checklist row gets in the form window: 78 less borders, cursor and mark.
const CHECK_ROOM: usize = 68;

/// Every requirement and declared condition with its current finding, as a checklist: Space
/// marks verified or not, a note under each one not verified; one save records every change.
pub fn verify(application: &Application) -> Form {
    let items = application.check_items();
    let mut before = Vec::with_capacity(items.len());
    let rows = items
        .iter()
        .map(|item| {
            let recorded = application.verifications.get(item);
            let ticked = recorded.map(|v| v.verified);
            let note = recorded.map(|v| v.note.clone()).unwrap_or_default();
            before.push((ticked, note.clone()));
            let text = choice_text(item.label(), &finding(application, *item), CHECK_ROOM);
            CheckRow::new(text, ticked, &note)
        })
        .collect();
    review(
        texts::FORM_VERIFY,
        ReviewPurpose::Verify {
            id: application.id,
            items,
            before,
        },
        vec![Field::checklist(texts::FIELD_CHECK_ITEMS, rows, true)],
    )
}

/// The members other than the applicant; None when there is none to remove.
pub fn remove_member(application: &Application) -> Option<Form> {
    let others: Vec<_> = application
        .household
        .members()
        .iter()
        .filter(|m| m.relation != Relation::Richiedente)
        .collect();
    if others.is_empty() {
        return None;
    }
    let options = others
        .iter()
        .map(|m| {
            choice_text(
                &m.full_name(),
                &format!("{} · {}", m.relation.label(), m.fiscal_code.as_str()),
                choice_width(texts::FIELD_MEMBER),
            )
        })
        .collect();
    Some(review(
        texts::FORM_REMOVE_MEMBER,
        ReviewPurpose::RemoveMember {
            id: application.id,
            members: others.iter().map(|m| m.fiscal_code.clone()).collect(),
        },
        vec![
            Field::choice(texts::FIELD_MEMBER, options, 0),
            Field::text(s::FIELD_REASON, "").required(),
        ],
    ))
}

/// The notice's number as pagoPA gave it, the call's fee and thirty days to pay.
pub fn issue_fee(id: ApplicationId, fee: Money, today: NaiveDate) -> Form {
    let amount_text = if fee.is_zero() {
        String::new()
    } else {
        fee.format_plain()
    };
    let due = today + chrono::Days::new(FEE_DAYS);
    review(
        texts::FORM_ISSUE_FEE,
        ReviewPurpose::IssueFee(id),
        vec![
            Field::text(texts::FIELD_FEE_NOTICE, "")
                .required()
                .check(notice),
            Field::text(texts::FIELD_FEE_AMOUNT, &amount_text)
                .required()
                .check(amount),
            Field::text(texts::FIELD_DEADLINE, &format_date(due))
                .required()
                .check(date),
        ],
    )
}

pub fn record_payment(id: ApplicationId, today: NaiveDate) -> Form {
    review(
        texts::FORM_RECORD_PAYMENT,
        ReviewPurpose::RecordPayment(id),
        vec![
            Field::text(texts::FIELD_PAID_ON, &format_date(today))
                .required()
                .check(date),
        ],
    )
}

impl Purpose for ReviewPurpose {
    fn build(&self, form: &Form) -> Result<Outcome, String> {
        let step = |command| Outcome::Step {
            command,
            fires: None,
        };
        let outcome = match self {
            ReviewPurpose::RecordDocument { id, codes, at } => {
                let code = codes
                    .get(form.chosen(0))
                    .ok_or_else(|| s::field_error(texts::FIELD_RECORDED_DOCUMENT, s::REQUIRED))?;
                let status = match form.chosen(1) {
                    0 => DocumentStatus::Ricevuto { at: *at },
                    1 => DocumentStatus::Mancante,
                    _ => DocumentStatus::Respinto {
                        note: form
                            .optional(2)
                            .ok_or_else(|| s::field_error(s::FIELD_NOTE, texts::NOTE_FOR_REJECTED))?,
                    },
                };
                step(Command::RecordDocument {
                    id: *id,
                    code: code.clone(),
                    status,
                })
            }
            ReviewPurpose::Verify { id, items, before } => {
                let checklist = form
                    .checklist(0)
                    .ok_or_else(|| s::field_error(texts::FIELD_CHECK_ITEMS, s::REQUIRED))?;
                let findings: Vec<Finding> = checklist
                    .rows
                    .iter()
                    .zip(items.iter().zip(before))
                    .filter_map(|(row, (item, (was, was_note)))| {
                        let verified = row.ticked?;
                        let note = row.note.value().trim().to_string();
                        let changed = row.ticked != *was || (!verified && note != *was_note);
                        changed.then(|| Finding {
                            item: *item,
                            verified,
                            note: if verified { String::new() } else { note },
                        })
                    })
                    .collect();
                if findings.is_empty() {
                    return Err(texts::NOTHING_VERIFIED.to_string());
                }
                step(Command::VerifyItems { id: *id, findings })
            }
            ReviewPurpose::RemoveMember { id, members } => {
                let fiscal_code = members
                    .get(form.chosen(0))
                    .cloned()
                    .ok_or_else(|| s::field_error(texts::FIELD_MEMBER, s::REQUIRED))?;
                step(Command::RemoveMember {
                    id: *id,
                    fiscal_code,
                    reason: form.value(1).to_string(),
                })
            }
            ReviewPurpose::IssueFee(id) => Outcome::Step {
                command: Command::IssueFee {
                    id: *id,
                    notice: NoticeNumber::parse(form.value(0)).map_err(|e| e.to_string())?,
                    amount: Some(Money::parse(form.value(1)).map_err(|e| e.to_string())?),
                    due: parse_date(form.value(2)).map_err(|e| e.to_string())?,
                },
                fires: Some(ON_ISSUE_FEE),
            },
            ReviewPurpose::RecordPayment(id) => step(Command::RecordPayment {
                id: *id,
                paid_on: parse_date(form.value(0)).map_err(|e| e.to_string())?,
            }),
        };
        Ok(outcome)
    }
}

impl CaseScreen {
    /// A review step on the open case: the form it opens, or the reminder's preview.
    pub(super) fn review(&mut self, own: ScreenAction, ctx: &mut Ctx) {
        let Some(case) = &self.current else {
            return;
        };
        let application = &case.data.application;
        let id = application.id;
        let today = ctx.today();
        let form = match own {
            RECORD_DOCUMENT => match &case.data.call {
                Some(call) if !call.documents.is_empty() => {
                    record_document(application, call, ctx.now())
                }
                _ => return ctx.error(texts::NO_CALL_DOCUMENTS.to_string()),
            },
            VERIFY => verify(application),
            REMOVE_MEMBER => match remove_member(application) {
                Some(form) => form,
                None => return ctx.error(texts::NO_MEMBER_TO_REMOVE.to_string()),
            },
            ISSUE_FEE => {
                let fee = case
                    .data
                    .call
                    .as_ref()
                    .map(|call| call.secretarial_fee)
                    .unwrap_or_default();
                issue_fee(id, fee, today)
            }
            RECORD_PAYMENT => record_payment(id, today),
            // Nothing to type: the preview shows the reminder, Enter records it and queues it.
            REMIND_FEE => return ctx.fire_step(Command::RemindFee { id }, ON_REMIND_FEE),
            _ => return,
        };
        ctx.open_form(form);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_keeps_its_tail_visible() {
        let width = choice_width(texts::FIELD_RECORDED_DOCUMENT);
        let text = choice_text(
            &"Documentazione attestante ".repeat(5),
            "obbligatorio · mancante",
            width,
        );
        assert!(text.ends_with("obbligatorio · mancante"), "{text}");
        assert!(text.width() <= width);
    }
}
