//! The case's own forms: contact details, a household member, an integration request, the
//! decisions on the application, a late registration.

use chrono::NaiveDate;

use crate::domain::application::ExclusionReason;
use crate::domain::contact::{Address, Contact, validate_email, validate_phone};
use crate::domain::fiscal_code::PersonFiscalCode;
use crate::domain::household::{Member, Relation};
use crate::domain::time::{format_date, parse_date};
use crate::domain::workflows::review::unverified_requirements;
use crate::domain::{Application, ApplicationId, Call, Command};
use crate::office::ON_REGISTER;
use crate::tui::context::ON_INTEGRATION;
use crate::tui::form::{CheckRow, Field, Form, Outcome, Purpose, date, fiscal_code};
use crate::tui::strings as s;
use super::texts;

/// Columns a checklist row gets in the form window: 78 less borders, cursor and mark.
const FIELD_ROOM: usize = 68;

#[derive(Debug, Clone, PartialEq, Eq)]
enum CasePurpose {
    Contact(ApplicationId),
    Member(ApplicationId),
    /// `codes` are the call's documents in the order the checklist shows them.
    Integration {
        id: ApplicationId,
        codes: Vec<String>,
    },
    /// `codes` are the documents requested, in the order shown.
    ReceiveIntegration {
        id: ApplicationId,
        codes: Vec<String>,
    },
    Admit(ApplicationId),
    Exclude(ApplicationId),
    Reinstate(ApplicationId),
    Revoke(ApplicationId),
    LateRegister(ApplicationId),
}

fn email(value: &str) -> Result<(), String> {
    validate_email(value).map_err(|e| e.to_string())
}

fn phone(value: &str) -> Result<(), String> {
    validate_phone(value).map_err(|e| e.to_string())
}

fn postcode(value: &str) -> Result<(), String> {
    if value.len() == 5 && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err("il CAP ha 5 cifre".to_string())
    }
}

fn province(value: &str) -> Result<(), String> {
    if value.len() == 2 && value.chars().all(|c| c.is_ascii_alphabetic()) {
        Ok(())
    } else {
        Err("la sigla della provincia ha 2 lettere".to_string())
    }
}

fn percent(value: &str) -> Result<(), String> {
    match value.parse::<u8>() {
        Ok(n) if n <= 100 => Ok(()),
        _ => Err("un numero da 0 a 100".to_string()),
    }
}

pub fn contact(id: ApplicationId, contact: &Contact) -> Form {
    let a = &contact.address;
    Form::new(
        texts::FORM_CONTACT,
        CasePurpose::Contact(id),
        vec![
            Field::text(texts::FIELD_EMAIL, contact.email.as_deref().unwrap_or("")).check(email),
            Field::text(texts::FIELD_PHONE, contact.phone.as_deref().unwrap_or("")).check(phone),
            Field::text(texts::FIELD_STREET, &a.street).required(),
            Field::text(texts::FIELD_POSTCODE, &a.postcode)
                .required()
                .check(postcode),
            Field::text(texts::FIELD_MUNICIPALITY, &a.municipality).required(),
            Field::text(texts::FIELD_PROVINCE, &a.province).check(province),
        ],
    )
}

pub fn member(id: ApplicationId) -> Form {
    let relations = Relation::ALL
        .iter()
        .filter(|r| **r != Relation::Richiedente)
        .map(|r| r.label().to_string())
        .collect();
    Form::new(
        texts::FORM_MEMBER,
        CasePurpose::Member(id),
        vec![
            Field::text(s::FIELD_FISCAL_CODE, "")
                .required()
                .check(fiscal_code),
            Field::text(texts::FIELD_SURNAME, "").required(),
            Field::text(texts::FIELD_NAME, "").required(),
            Field::choice(texts::FIELD_RELATION, relations, 0),
            Field::text(texts::FIELD_BIRTH_DATE, "").required().check(date),
            Field::text(texts::FIELD_DISABILITY, "0").check(percent),
            Field::choice(
                texts::FIELD_MOTOR_DISABILITY,
                vec![s::NO.to_string(), s::YES.to_string()],
                0,
            ),
        ],
    )
}

/// The call's documents to tick, each with why the application needs it and where it stands;
/// the needed ones not received come ticked.
pub fn integration(application: &Application, call: &Call, deadline: NaiveDate) -> Form {
    let missing = application.missing_documents(call);
    let mut codes = Vec::new();
    let rows = super::review::document_rows(application, call, FIELD_ROOM)
        .into_iter()
        .map(|(code, text)| {
            let ticked = missing.contains(&code);
            codes.push(code);
            CheckRow::new(text, Some(ticked), "")
        })
        .collect();
    Form::new(
        texts::FORM_INTEGRATION,
        CasePurpose::Integration {
            id: application.id,
            codes,
        },
        vec![
            Field::checklist(texts::FIELD_DOCUMENTS, rows, false).required(),
            Field::text(texts::FIELD_DEADLINE, &format_date(deadline))
                .required()
                .check(date),
        ],
    )
}

/// The documents the pending request asked for, to tick those that arrived.
pub fn receive_integration(application: &Application, call: Option<&Call>) -> Option<Form> {
    let requested = &application.integration.as_ref()?.documents;
    let rows = requested
        .iter()
        .map(|code| {
            let title = call
                .and_then(|c| c.documents.iter().find(|d| &d.code == code))
                .map_or(code.as_str(), |d| d.title.as_str());
            CheckRow::new(crate::tui::view::fit(title, FIELD_ROOM), Some(false), "")
        })
        .collect();
    Some(Form::new(
        texts::FORM_RECEIVE_INTEGRATION,
        CasePurpose::ReceiveIntegration {
            id: application.id,
            codes: requested.clone(),
        },
        vec![Field::checklist(texts::FIELD_RECEIVED_DOCUMENTS, rows, false).required()],
    ))
}

/// The codes of the rows ticked in field `i`'s checklist.
fn ticked_codes(form: &Form, i: usize, codes: &[String]) -> Vec<String> {
    form.checklist(i)
        .map(|c| c.ticked().filter_map(|r| codes.get(r).cloned()).collect())
        .unwrap_or_default()
}

/// With access requirements not verified, the form asks for the waiver's reason and names them:
/// without a reason the office refuses the admission, saying which they are.
pub fn admit(app: &Application) -> Form {
    let mut fields = vec![Field::text(s::FIELD_NOTE, "")];
    let unverified = unverified_requirements(app);
    if !unverified.is_empty() {
        let mut waiver = Field::text(texts::FIELD_WAIVER, "");
        waiver.hint = Some(texts::waiver_hint(&unverified));
        fields.push(waiver);
    }
    Form::new(texts::FORM_ADMIT, CasePurpose::Admit(app.id), fields)
}

/// The choice of an exclusion cause, the first field of the forms that name one.
pub(super) fn cause_field() -> Field {
    let causes = ExclusionReason::ALL
        .iter()
        .map(|r| r.label().to_string())
        .collect();
    Field::choice(s::FIELD_EXCLUSION, causes, 0)
}

/// The cause chosen in a form's [`cause_field`].
pub(super) fn chosen_cause(form: &Form) -> ExclusionReason {
    ExclusionReason::ALL
        .get(form.fields.first().map(|f| f.choice).unwrap_or(0))
        .copied()
        .unwrap_or(ExclusionReason::Altro)
}

pub fn exclude(id: ApplicationId) -> Form {
    Form::new(
        texts::FORM_EXCLUDE,
        CasePurpose::Exclude(id),
        vec![
            cause_field(),
            Field::text(s::FIELD_NOTE, "").required(),
        ],
    )
}

pub fn reinstate(id: ApplicationId) -> Form {
    Form::new(
        texts::FORM_REINSTATE,
        CasePurpose::Reinstate(id),
        vec![Field::text(s::FIELD_REASON, "").required()],
    )
}

pub fn revoke(id: ApplicationId) -> Form {
    Form::new(
        texts::FORM_REVOKE,
        CasePurpose::Revoke(id),
        vec![Field::text(s::FIELD_REASON, "").required()],
    )
}

pub fn late_register(id: ApplicationId) -> Form {
    Form::new(
        texts::FORM_LATE,
        CasePurpose::LateRegister(id),
        vec![Field::text(s::FIELD_REASON, "").required()],
    )
}

impl Purpose for CasePurpose {
    fn build(&self, form: &Form) -> Result<Outcome, String> {
        let command = match self {
            &CasePurpose::Contact(id) => {
                let contact = Contact {
                    email: form.optional(0),
                    phone: form.optional(1),
                    address: Address {
                        street: form.value(2).to_string(),
                        postcode: form.value(3).to_string(),
                        municipality: form.value(4).to_string(),
                        province: form.value(5).to_uppercase(),
                    },
                }
                .normalized()
                .map_err(|e| e.to_string())?;
                Command::UpdateContact { id, contact }
            }
            &CasePurpose::Member(id) => {
                let relation = Relation::ALL
                    .into_iter()
                    .find(|r| r.label() == form.value(3))
                    .ok_or_else(|| s::field_error(texts::FIELD_RELATION, s::REQUIRED))?;
                let member = Member {
                    fiscal_code: PersonFiscalCode::parse(form.value(0))
                        .map_err(|e| e.to_string())?,
                    surname: form.value(1).to_string(),
                    name: form.value(2).to_string(),
                    relation,
                    birth_date: parse_date(form.value(4)).map_err(|e| e.to_string())?,
                    disability_pct: form.value(5).parse().unwrap_or(0),
                    accompaniment: false,
                    motor_disability: form.value(6) == s::YES,
                    income: None,
                };
                member.validate().map_err(|e| e.to_string())?;
                Command::AddMember {
                    id,
                    member: Box::new(member),
                }
            }
            // The request fires its message: previewed before it commits.
            CasePurpose::Integration { id, codes } => {
                return Ok(Outcome::Step {
                    command: Command::RequestIntegration {
                        id: *id,
                        documents: ticked_codes(form, 0, codes),
                        deadline: Some(parse_date(form.value(1)).map_err(|e| e.to_string())?),
                    },
                    fires: Some(ON_INTEGRATION),
                });
            }
            CasePurpose::ReceiveIntegration { id, codes } => Command::ReceiveIntegration {
                id: *id,
                documents: Some(ticked_codes(form, 0, codes)),
            },
            &CasePurpose::Admit(id) => Command::Admit {
                id,
                note: form.value(0).to_string(),
                waiver: form.optional(1),
            },
            // Checked against the case's data before it commits.
            &CasePurpose::Exclude(id) => {
                return Ok(Outcome::Screen(Box::new(super::decisions::Exclusion {
                    id,
                    reason: chosen_cause(form),
                    note: form.value(1).to_string(),
                })));
            }
            &CasePurpose::Reinstate(id) => Command::Reinstate {
                id,
                reason: form.value(0).to_string(),
            },
            &CasePurpose::Revoke(id) => Command::RevokeAdmission {
                id,
                reason: form.value(0).to_string(),
            },
            // Registering fires the acknowledgement: previewed before it commits.
            &CasePurpose::LateRegister(id) => {
                return Ok(Outcome::Step {
                    command: Command::RegisterApplication {
                        id,
                        override_reason: Some(form.value(0).to_string()),
                    },
                    fires: Some(ON_REGISTER),
                });
            }
        };
        Ok(Outcome::Command(command))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_with_a_motor_disability_is_added_with_it() {
        let mut form = member(ApplicationId(7));
        let birth = NaiveDate::from_ymd_opt(2015, 4, 3).unwrap_or_default();
        let code = PersonFiscalCode::build("Munteanu", "Andrei", birth, false, "D542")
            .map(|c| c.as_str().to_string())
            .unwrap_or_default();
        for (i, text) in [(0, code.as_str()), (1, "Munteanu"), (2, "Andrei"), (4, "03/04/2015")] {
            form.fields[i].input = form.fields[i].input.clone().with_value(text.into());
        }
        let motor = |form: &mut Form| match form.submit() {
            Ok(Outcome::Command(Command::AddMember { member, .. })) => member.motor_disability,
            other => panic!("{:?}", other.err()),
        };
        assert!(!motor(&mut form));
        form.fields[6].choice = 1;
        assert!(motor(&mut form));
    }
}
