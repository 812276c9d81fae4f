//! The Contratti screen's forms: the signing appointment (its message previewed next) and the
//! signature.

use chrono::NaiveDate;

use super::texts;
use crate::domain::ApplicationId;
use crate::domain::appointment::Slot;
use crate::domain::command::Command;
use crate::domain::time::{format_date, parse_date, parse_datetime_rome};
use crate::office::{ContractRow, LeaseSigning, ON_SIGNING_BOOKED};
use crate::tui::form::{self, Field, Form, Outcome, Purpose};
use crate::tui::strings as s;

/// What the signature form produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signing {
    pub id: ApplicationId,
    pub protocol: String,
    pub signing: LeaseSigning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ContractPurpose {
    Appointment { id: ApplicationId },
    Sign { id: ApplicationId, protocol: String },
}

fn assignee(row: &ContractRow) -> Field {
    Field::choice(
        texts::FIELD_ASSIGNEE,
        vec![format!("{} ({})", row.assignee, row.protocol)],
        0,
    )
}

fn instant(value: &str) -> Result<(), String> {
    parse_datetime_rome(value).map(|_| ()).map_err(|e| e.to_string())
}

fn optional_date(value: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        return Ok(());
    }
    form::date(value)
}

/// When and where the assignee signs.
pub fn appointment(row: &ContractRow) -> Form {
    let mut when = Field::text(texts::FIELD_WHEN, "").required().check(instant);
    when.hint = Some(texts::WHEN_HINT.to_string());
    let mut form = Form::new(
        texts::FORM_APPOINTMENT,
        ContractPurpose::Appointment { id: row.id },
        vec![
            assignee(row),
            when,
            Field::text(texts::FIELD_WHERE, "").required(),
        ],
    );
    form.focus = 1;
    form
}

/// The signature on `today` unless changed: number, date, start, signatory.
pub fn sign(row: &ContractRow, today: NaiveDate) -> Form {
    let mut starts = Field::text(texts::FIELD_STARTS_ON, "").check(optional_date);
    starts.hint = Some(texts::STARTS_HINT.to_string());
    let mut signatory = Field::text(texts::FIELD_SIGNATORY, "");
    signatory.hint = Some(texts::SIGNATORY_HINT.to_string());
    let mut form = Form::new(
        texts::FORM_SIGN,
        ContractPurpose::Sign {
            id: row.id,
            protocol: row.protocol.clone(),
        },
        vec![
            assignee(row),
            Field::text(texts::FIELD_NUMBER, "").required(),
            Field::text(texts::FIELD_SIGNED_ON, &format_date(today))
                .required()
                .check(form::date),
            starts,
            signatory,
        ],
    );
    form.focus = 1;
    form
}

impl Purpose for ContractPurpose {
    fn build(&self, form: &Form) -> Result<Outcome, String> {
        let field = |label: &'static str| move |why: String| s::field_error(label, &why);
        match self {
            ContractPurpose::Appointment { id } => {
                let at = parse_datetime_rome(form.value(1))
                    .map_err(|e| s::field_error(texts::FIELD_WHEN, &e.to_string()))?;
                Ok(Outcome::Step {
                    command: Command::BookSigning {
                        id: *id,
                        slot: Slot {
                            at,
                            place: form.value(2).trim().to_string(),
                        },
                    },
                    fires: Some(ON_SIGNING_BOOKED),
                })
            }
            ContractPurpose::Sign { id, protocol } => {
                let date = |i: usize, label: &'static str| {
                    parse_date(form.value(i)).map_err(|e| field(label)(e.to_string()))
                };
                let signed_on = date(2, texts::FIELD_SIGNED_ON)?;
                let starts_on = match form.optional(3) {
                    Some(_) => Some(date(3, texts::FIELD_STARTS_ON)?),
                    None => None,
                };
                Ok(Outcome::Screen(Box::new(Signing {
                    id: *id,
                    protocol: protocol.clone(),
                    signing: LeaseSigning {
                        number: form.value(1).trim().to_string(),
                        signed_on,
                        starts_on,
                        signatory: form.optional(4),
                    },
                })))
            }
        }
    }
}
