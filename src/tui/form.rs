//! Forms for the commands that need typed input: fields with inline validation on every edit,
//! and a command built only from values that all pass.

use std::path::PathBuf;

use chrono::NaiveDate;
use tui_input::{Input, InputRequest};

use crate::domain::application::ExclusionReason;
use crate::domain::contact::{Address, Contact, validate_email, validate_phone};
use crate::domain::fiscal_code::PersonFiscalCode;
use crate::domain::household::{Member, Relation};
use crate::domain::time::{format_date, parse_date};
use crate::domain::{ApplicationId, Command};
use crate::store::AuditFilter;

use super::messaging::Target;
use super::strings as s;
use crate::messages::outbox::OutboxId;
use crate::messages::{Catalogue, PlaceholderSpec, Values};

pub mod agenda;
pub mod calls;
pub mod ranking;
pub mod review;

type Validator = Box<dyn Fn(&str) -> Result<(), String>>;

pub struct Field {
    pub label: &'static str,
    pub input: Input,
    /// For a choice: the options (shown label) and the chosen one; typing is then ignored.
    pub options: Vec<String>,
    pub choice: usize,
    pub required: bool,
    pub error: Option<String>,
    validator: Validator,
}

impl Field {
    fn text(label: &'static str, value: &str) -> Field {
        Field {
            label,
            input: Input::new(value.to_string()),
            options: Vec::new(),
            choice: 0,
            required: false,
            error: None,
            validator: Box::new(|_| Ok(())),
        }
    }

    fn required(mut self) -> Field {
        self.required = true;
        self
    }

    fn check(mut self, validator: impl Fn(&str) -> Result<(), String> + 'static) -> Field {
        self.validator = Box::new(validator);
        self
    }

    fn choice(label: &'static str, options: Vec<String>, choice: usize) -> Field {
        Field {
            options,
            choice,
            ..Field::text(label, "")
        }
    }

    pub fn is_choice(&self) -> bool {
        !self.options.is_empty()
    }

    pub fn value(&self) -> &str {
        if self.is_choice() {
            self.options
                .get(self.choice)
                .map(String::as_str)
                .unwrap_or("")
        } else {
            self.input.value().trim()
        }
    }

    fn validate(&mut self) -> bool {
        let value = self.value();
        self.error = if value.is_empty() {
            self.required.then(|| s::REQUIRED.to_string())
        } else {
            (self.validator)(value).err()
        };
        self.error.is_none()
    }
}

/// What a form is for, and so what it produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    Contact(ApplicationId),
    Member(ApplicationId),
    Integration(ApplicationId),
    Admit(ApplicationId),
    Exclude(ApplicationId),
    Reinstate(ApplicationId),
    LateRegister(ApplicationId),
    AuditFilter,
    /// Which catalogue message to send; the options are the catalogue's templates in order.
    ChooseTemplate(Target),
    /// The values the caseworker types for a message: one field per placeholder named.
    MessageValues {
        target: Target,
        template: String,
        placeholders: Vec<&'static str>,
    },
    Requeue(OutboxId),
    MarkSent(OutboxId),
    ExportBundle,
    Review(review::ReviewPurpose),
    Calls(calls::CallsPurpose),
    Agenda(agenda::AgendaPurpose),
    Ranking(ranking::RankingPurpose),
}

/// A form's result once every field is valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Command(Command),
    AuditFilter {
        case: Option<String>,
        filter: AuditFilter,
    },
    Template {
        target: Target,
        template: String,
    },
    MessageValues {
        target: Target,
        template: String,
        typed: Values,
    },
    Requeue {
        id: OutboxId,
        reason: String,
    },
    MarkSent {
        id: OutboxId,
        reason: String,
        io_id: Option<String>,
    },
    ExportBundle(PathBuf),
    /// A step, and the catalogue message it fires (previewed before it commits).
    Step {
        command: Command,
        fires: Option<&'static str>,
    },
    /// The same step on several applications; each commits on its own.
    Steps(Vec<Command>),
    Review(review::ReviewOutcome),
    Calls(calls::CallsOutcome),
    Agenda(agenda::AgendaOutcome),
    Ranking(ranking::RankingOutcome),
}

pub struct Form {
    pub title: &'static str,
    pub purpose: Purpose,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub dirty: bool,
    /// A refusal of the whole form (for example from the domain), shown under the fields.
    pub error: Option<String>,
}

fn fiscal_code(value: &str) -> Result<(), String> {
    PersonFiscalCode::parse(value)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn date(value: &str) -> Result<(), String> {
    parse_date(value).map(|_| ()).map_err(|e| e.to_string())
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

fn protocol(value: &str) -> Result<(), String> {
    if value.chars().count() > 40 || value.chars().any(char::is_control) {
        return Err("un protocollo come 2024/000123".to_string());
    }
    Ok(())
}

impl Form {
    fn new(title: &'static str, purpose: Purpose, fields: Vec<Field>) -> Form {
        Form {
            title,
            purpose,
            fields,
            focus: 0,
            dirty: false,
            error: None,
        }
    }

    pub fn contact(id: ApplicationId, contact: &Contact) -> Form {
        let a = &contact.address;
        Form::new(
            s::FORM_CONTACT,
            Purpose::Contact(id),
            vec![
                Field::text(s::FIELD_EMAIL, contact.email.as_deref().unwrap_or("")).check(email),
                Field::text(s::FIELD_PHONE, contact.phone.as_deref().unwrap_or("")).check(phone),
                Field::text(s::FIELD_STREET, &a.street).required(),
                Field::text(s::FIELD_POSTCODE, &a.postcode)
                    .required()
                    .check(postcode),
                Field::text(s::FIELD_MUNICIPALITY, &a.municipality).required(),
                Field::text(s::FIELD_PROVINCE, &a.province).check(province),
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
            s::FORM_MEMBER,
            Purpose::Member(id),
            vec![
                Field::text(s::FIELD_FISCAL_CODE, "")
                    .required()
                    .check(fiscal_code),
                Field::text(s::FIELD_SURNAME, "").required(),
                Field::text(s::FIELD_NAME, "").required(),
                Field::choice(s::FIELD_RELATION, relations, 0),
                Field::text(s::FIELD_BIRTH_DATE, "").required().check(date),
                Field::text(s::FIELD_DISABILITY, "0").check(percent),
            ],
        )
    }

    /// `known` are the document codes of the call; `missing` prefill the list.
    pub fn integration(
        id: ApplicationId,
        missing: &[String],
        known: Vec<String>,
        deadline: NaiveDate,
    ) -> Form {
        let documents = move |value: &str| {
            for code in value.split([',', ' ']).filter(|c| !c.is_empty()) {
                if !known.iter().any(|k| k == code) {
                    return Err(s::unknown_document(code));
                }
            }
            Ok(())
        };
        Form::new(
            s::FORM_INTEGRATION,
            Purpose::Integration(id),
            vec![
                Field::text(s::FIELD_DOCUMENTS, &missing.join(", "))
                    .required()
                    .check(documents),
                Field::text(s::FIELD_DEADLINE, &format_date(deadline))
                    .required()
                    .check(date),
            ],
        )
    }

    pub fn admit(id: ApplicationId) -> Form {
        Form::new(
            s::FORM_ADMIT,
            Purpose::Admit(id),
            vec![Field::text(s::FIELD_NOTE, "")],
        )
    }

    pub fn exclude(id: ApplicationId) -> Form {
        let reasons = ExclusionReason::ALL
            .iter()
            .map(|r| r.label().to_string())
            .collect();
        Form::new(
            s::FORM_EXCLUDE,
            Purpose::Exclude(id),
            vec![
                Field::choice(s::FIELD_EXCLUSION, reasons, 0),
                Field::text(s::FIELD_NOTE, "").required(),
            ],
        )
    }

    pub fn reinstate(id: ApplicationId) -> Form {
        Form::new(
            s::FORM_REINSTATE,
            Purpose::Reinstate(id),
            vec![Field::text(s::FIELD_REASON, "").required()],
        )
    }

    pub fn late_register(id: ApplicationId) -> Form {
        Form::new(
            s::FORM_LATE,
            Purpose::LateRegister(id),
            vec![Field::text(s::FIELD_REASON, "").required()],
        )
    }

    pub fn audit_filter(case: &str, actor: &str, kind: &str, kinds: Vec<String>) -> Form {
        let mut options = vec![String::new()];
        options.extend(kinds);
        let choice = options.iter().position(|k| k == kind).unwrap_or(0);
        Form::new(
            s::FORM_AUDIT_FILTER,
            Purpose::AuditFilter,
            vec![
                Field::text(s::FIELD_CASE, case).check(protocol),
                Field::text(s::FIELD_ACTOR, actor),
                Field::choice(s::FIELD_KIND, options, choice),
            ],
        )
    }

    pub fn choose_template(target: Target) -> Form {
        let titles = Catalogue::builtin()
            .templates()
            .iter()
            .map(|t| t.title.clone())
            .collect();
        Form::new(
            s::FORM_CHOOSE_TEMPLATE,
            Purpose::ChooseTemplate(target),
            vec![Field::choice(s::FIELD_TEMPLATE, titles, 0)],
        )
    }

    /// A field per placeholder the caseworker must give, each checked by its kind.
    pub fn message_values(
        target: Target,
        template: String,
        specs: &[&'static PlaceholderSpec],
    ) -> Form {
        let fields = specs
            .iter()
            .map(|spec| {
                let kind = spec.kind;
                Field::text(spec.label, "")
                    .required()
                    .check(move |value| kind.parse(value).map(|_| ()))
            })
            .collect();
        Form::new(
            s::FORM_MESSAGE_VALUES,
            Purpose::MessageValues {
                target,
                template,
                placeholders: specs.iter().map(|spec| spec.name).collect(),
            },
            fields,
        )
    }

    pub fn requeue(id: OutboxId) -> Form {
        Form::new(
            s::FORM_REQUEUE,
            Purpose::Requeue(id),
            vec![Field::text(s::FIELD_REASON, "").required()],
        )
    }

    pub fn mark_sent(id: OutboxId) -> Form {
        Form::new(
            s::FORM_MARK_SENT,
            Purpose::MarkSent(id),
            vec![
                Field::text(s::FIELD_REASON, "").required(),
                Field::text(s::FIELD_IO_ID, ""),
            ],
        )
    }

    pub fn export_bundle(suggested: &str) -> Form {
        Form::new(
            s::FORM_EXPORT_BUNDLE,
            Purpose::ExportBundle,
            vec![Field::text(s::FIELD_BUNDLE_FILE, suggested).required()],
        )
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    pub fn next_field(&mut self, step: isize) {
        let len = self.fields.len() as isize;
        if len > 0 {
            self.focus = (self.focus as isize + step).rem_euclid(len) as usize;
        }
    }

    pub fn is_last_field(&self) -> bool {
        self.focus + 1 >= self.fields.len()
    }

    /// An edit to the focused field: text for text fields, ← → for choices. Validated at once.
    pub fn edit(&mut self, request: InputRequest) {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return;
        };
        if field.is_choice() {
            let len = field.options.len();
            match request {
                InputRequest::GoToNextChar => field.choice = (field.choice + 1) % len,
                InputRequest::GoToPrevChar => field.choice = (field.choice + len - 1) % len,
                _ => return,
            }
            self.dirty = true;
        } else {
            let before = field.input.value().to_string();
            field.input.handle(request);
            if field.input.value() == before {
                return;
            }
            self.dirty = true;
        }
        self.error = None;
        field.validate();
    }

    /// Checks every field; on success gives what the form produces.
    pub fn submit(&mut self) -> Result<Outcome, String> {
        let mut first_invalid = None;
        for (i, field) in self.fields.iter_mut().enumerate() {
            if !field.validate() && first_invalid.is_none() {
                first_invalid = Some(i);
            }
        }
        if let Some(i) = first_invalid {
            self.focus = i;
            let field = &self.fields[i];
            return Err(s::field_error(
                field.label,
                field.error.as_deref().unwrap_or(""),
            ));
        }
        self.build()
    }

    fn value(&self, i: usize) -> &str {
        self.fields.get(i).map(Field::value).unwrap_or("")
    }

    fn optional(&self, i: usize) -> Option<String> {
        Some(self.value(i).to_string()).filter(|v| !v.is_empty())
    }

    fn build(&self) -> Result<Outcome, String> {
        let command = match self.purpose.clone() {
            Purpose::Contact(id) => {
                let contact = Contact {
                    email: self.optional(0),
                    phone: self.optional(1),
                    address: Address {
                        street: self.value(2).to_string(),
                        postcode: self.value(3).to_string(),
                        municipality: self.value(4).to_string(),
                        province: self.value(5).to_uppercase(),
                    },
                }
                .normalized()
                .map_err(|e| e.to_string())?;
                Command::UpdateContact { id, contact }
            }
            Purpose::Member(id) => {
                let relation = Relation::ALL
                    .into_iter()
                    .find(|r| r.label() == self.value(3))
                    .ok_or_else(|| s::field_error(s::FIELD_RELATION, s::REQUIRED))?;
                let member = Member {
                    fiscal_code: PersonFiscalCode::parse(self.value(0))
                        .map_err(|e| e.to_string())?,
                    surname: self.value(1).to_string(),
                    name: self.value(2).to_string(),
                    relation,
                    birth_date: parse_date(self.value(4)).map_err(|e| e.to_string())?,
                    disability_pct: self.value(5).parse().unwrap_or(0),
                    accompaniment: false,
                    income: None,
                };
                member.validate().map_err(|e| e.to_string())?;
                Command::AddMember {
                    id,
                    member: Box::new(member),
                }
            }
            Purpose::Integration(id) => Command::RequestIntegration {
                id,
                documents: self
                    .value(0)
                    .split([',', ' '])
                    .filter(|c| !c.is_empty())
                    .map(str::to_string)
                    .collect(),
                deadline: Some(parse_date(self.value(1)).map_err(|e| e.to_string())?),
            },
            Purpose::Admit(id) => Command::Admit {
                id,
                note: self.value(0).to_string(),
            },
            Purpose::Exclude(id) => Command::Exclude {
                id,
                reason: ExclusionReason::ALL
                    .get(self.fields.first().map(|f| f.choice).unwrap_or(0))
                    .copied()
                    .unwrap_or(ExclusionReason::Altro),
                note: self.value(1).to_string(),
            },
            Purpose::Reinstate(id) => Command::Reinstate {
                id,
                reason: self.value(0).to_string(),
            },
            Purpose::LateRegister(id) => Command::RegisterApplication {
                id,
                override_reason: Some(self.value(0).to_string()),
            },
            Purpose::ChooseTemplate(target) => {
                let index = self.fields.first().map(|f| f.choice).unwrap_or(0);
                let template = Catalogue::builtin()
                    .templates()
                    .get(index)
                    .map(|t| t.id.clone())
                    .ok_or_else(|| s::field_error(s::FIELD_TEMPLATE, s::REQUIRED))?;
                return Ok(Outcome::Template { target, template });
            }
            Purpose::MessageValues {
                target,
                template,
                placeholders,
            } => {
                let mut typed = Values::new();
                for (i, name) in placeholders.iter().enumerate() {
                    let spec = crate::messages::placeholder(name)
                        .ok_or_else(|| format!("segnaposto sconosciuto: {name}"))?;
                    typed.insert_input(spec, self.value(i))?;
                }
                return Ok(Outcome::MessageValues {
                    target,
                    template,
                    typed,
                });
            }
            Purpose::Requeue(id) => {
                return Ok(Outcome::Requeue {
                    id,
                    reason: self.value(0).to_string(),
                });
            }
            Purpose::MarkSent(id) => {
                return Ok(Outcome::MarkSent {
                    id,
                    reason: self.value(0).to_string(),
                    io_id: self.optional(1),
                });
            }
            Purpose::ExportBundle => {
                return Ok(Outcome::ExportBundle(PathBuf::from(self.value(0))));
            }
            Purpose::Review(purpose) => return purpose.build(self),
            Purpose::Calls(purpose) => return purpose.build(self),
            Purpose::Agenda(purpose) => return purpose.build(self),
            Purpose::Ranking(purpose) => return purpose.build(self),
            Purpose::AuditFilter => {
                let case = self.optional(0);
                return Ok(Outcome::AuditFilter {
                    case,
                    filter: AuditFilter {
                        case: None,
                        actor: self.optional(1),
                        kind: self.optional(2),
                    },
                });
            }
        };
        Ok(Outcome::Command(command))
    }
}
