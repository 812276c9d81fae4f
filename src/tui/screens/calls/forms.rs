//! The Bandi screen's forms: a call's fields, a document, interested citizens.
//!
//! A call has sixteen fields, more than a form shows at 80×24, so it is typed in two pages:
//! the general data, then the parameters; the second page carries the first one's call.

use std::path::PathBuf;

use crate::domain::call::{CallParameters, DocumentSpec, DocumentTrigger};
use crate::domain::fiscal_code::PersonFiscalCode;
use crate::domain::money::Money;
use crate::domain::protocol::ProtocolPattern;
use crate::domain::time::{Timestamp, format_date, format_ts, parse_date, parse_datetime_rome};
use crate::domain::{Call, Command};
use crate::tui::form::{Field, Form, Outcome, Purpose, fiscal_code};
use crate::tui::strings as s;
use super::texts;

#[derive(Debug, Clone, PartialEq, Eq)]
enum CallsPurpose {
    /// First page of a new call.
    NewCall,
    /// First page of an existing call: its code is fixed; documents and publication are kept.
    EditCall(Box<Call>),
    /// Second page: the call as the first page left it.
    Parameters {
        call: Box<Call>,
        new: bool,
    },
    /// Which document of `call` to add or change.
    DocumentCode(Box<Call>),
    /// The document's fields (its code fixed by the previous form).
    Document(Box<Call>),
    RemoveDocument(Box<Call>),
    AddInterested(String),
    RemoveInterested(String),
    ImportInterested(String),
}

/// What a form of this screen produces besides a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallsOutcome {
    /// The first page is valid: the second one opens with `call`.
    Parameters { call: Box<Call>, new: bool },
    /// The document form opens for `code`, filled in when the call has it.
    Document { call: Box<Call>, code: String },
    /// A command and what the status line says once it is committed.
    Step { command: Command, done: String },
    /// The file to read; the screen reads it, so that nothing is stored unless every row is good.
    Import { call: String, path: PathBuf },
}

/// Every trigger, for the hint and the check; `known_trigger` below fails to compile when a
/// variant is added, so this list cannot fall behind.
const TRIGGERS: [DocumentTrigger; 9] = [
    DocumentTrigger::ExtraUe,
    DocumentTrigger::LavoroNelComune,
    DocumentTrigger::IseeZero,
    DocumentTrigger::Invalidita,
    DocumentTrigger::AlloggioImproprio,
    DocumentTrigger::AlloggioAntigienico,
    DocumentTrigger::AlloggioInadeguato,
    DocumentTrigger::SistemazionePrecaria,
    DocumentTrigger::OrdineRilascio,
];

fn known_trigger(trigger: DocumentTrigger) -> bool {
    use DocumentTrigger::*;
    match trigger {
        ExtraUe | LavoroNelComune | IseeZero | Invalidita | AlloggioImproprio
        | AlloggioAntigienico | AlloggioInadeguato | SistemazionePrecaria | OrdineRilascio => {
            TRIGGERS.contains(&trigger)
        }
    }
}

/// A trigger's name as the call file writes it (serde's snake_case).
pub fn trigger_name(trigger: DocumentTrigger) -> String {
    match serde_json::to_value(trigger) {
        Ok(serde_json::Value::String(name)) => name,
        _ => format!("{trigger:?}"),
    }
}

fn trigger_names() -> String {
    TRIGGERS
        .iter()
        .map(|t| trigger_name(*t))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The error for an unknown trigger: the names it resembles (a field's error line has room for
/// a few, not for all nine), else every name.
fn unknown_trigger(name: &str) -> String {
    let plain = |text: &str| text.replace(['_', '-'], "");
    let typed = plain(name);
    let guesses: Vec<String> = TRIGGERS
        .iter()
        .map(|t| trigger_name(*t))
        .filter(|known| {
            let known = plain(known);
            let shared = known
                .chars()
                .zip(typed.chars())
                .take_while(|(a, b)| a == b)
                .count();
            shared >= 3 || (typed.len() >= 3 && known.contains(&typed))
        })
        .collect();
    if guesses.is_empty() {
        texts::call_unknown_trigger(name, &trigger_names())
    } else {
        texts::call_trigger_guess(name, &guesses.join(", "))
    }
}

fn parse_triggers(value: &str) -> Result<Vec<DocumentTrigger>, String> {
    let mut triggers = Vec::new();
    for name in value
        .split([',', ' '])
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        let trigger = TRIGGERS
            .iter()
            .copied()
            .find(|t| known_trigger(*t) && trigger_name(*t) == name)
            .ok_or_else(|| unknown_trigger(name))?;
        if !triggers.contains(&trigger) {
            triggers.push(trigger);
        }
    }
    Ok(triggers)
}

fn call_code(value: &str) -> Result<(), String> {
    let ok = value.len() <= 32
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(texts::CALL_CODE_RULE.to_string())
    }
}

/// Document codes travel in integration requests split on commas and spaces: neither may
/// appear in one.
fn valid_document_code(value: &str) -> Result<(), String> {
    let ok = value.len() <= 40
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(texts::DOCUMENT_CODE_RULE.to_string())
    }
}

fn datetime(value: &str) -> Result<(), String> {
    parse_datetime_rome(value)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn date(value: &str) -> Result<(), String> {
    parse_date(value).map(|_| ()).map_err(|e| e.to_string())
}

fn money(value: &str) -> Result<(), String> {
    Money::parse(value).map(|_| ()).map_err(|e| e.to_string())
}

fn whole_days(value: &str) -> Result<(), String> {
    match value.parse::<u32>() {
        Ok(n) if n >= 1 => Ok(()),
        _ => Err(texts::CALL_WHOLE_DAYS.to_string()),
    }
}

fn whole_years(value: &str) -> Result<(), String> {
    match value.parse::<u32>() {
        Ok(n) if n >= 1 => Ok(()),
        _ => Err(texts::CALL_WHOLE_YEARS.to_string()),
    }
}

fn percent(value: &str) -> Result<(), String> {
    match value.parse::<u32>() {
        Ok(n) if n <= 100 => Ok(()),
        _ => Err(texts::CALL_PERCENT.to_string()),
    }
}

fn pattern(value: &str) -> Result<(), String> {
    ProtocolPattern::parse(value)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The window's closing minute is typed; the call is open until its 59th second, as in the
/// call file.
fn closing_instant(value: &str) -> Result<Timestamp, String> {
    parse_datetime_rome(value)
        .map(|at| at + chrono::Duration::seconds(59))
        .map_err(|e| s::field_error(texts::FIELD_CALL_CLOSES, &e.to_string()))
}

fn opening_instant(value: &str) -> Result<Timestamp, String> {
    parse_datetime_rome(value).map_err(|e| s::field_error(texts::FIELD_CALL_OPENS, &e.to_string()))
}

fn number(form: &Form, i: usize, label: &str) -> Result<u32, String> {
    form.value(i)
        .parse()
        .map_err(|_| s::field_error(label, texts::CALL_WHOLE_DAYS))
}

fn amount(form: &Form, i: usize, label: &str) -> Result<Money, String> {
    Money::parse(form.value(i)).map_err(|e| s::field_error(label, &e.to_string()))
}

fn yes_no(yes: bool) -> Field {
    Field::choice(
        texts::FIELD_DOCUMENT_REQUIRED,
        vec![texts::CALL_NO.to_string(), texts::CALL_YES.to_string()],
        usize::from(yes),
    )
}

/// A field that shows a value but takes no typing: a choice of one.
fn fixed(label: &'static str, value: &str) -> Field {
    Field::choice(label, vec![value.to_string()], 0)
}

/// The first page of a new call: empty but for the stamp duty and fee the law sets.
pub fn new_call() -> Form {
    call_page(None)
}

/// The first page of `call`; its code cannot change.
pub fn edit_call(call: &Call) -> Form {
    let mut form = call_page(Some(call));
    form.focus = 1;
    form
}

fn call_page(call: Option<&Call>) -> Form {
    let (purpose, title, code) = match call {
        Some(call) => (
            CallsPurpose::EditCall(Box::new(call.clone())),
            texts::FORM_CALL_EDIT,
            fixed(texts::FIELD_CALL_CODE, &call.code),
        ),
        None => (
            CallsPurpose::NewCall,
            texts::FORM_CALL_NEW,
            Field::text(texts::FIELD_CALL_CODE, "")
                .required()
                .check(call_code),
        ),
    };
    let text = |f: fn(&Call) -> String| call.map(f).unwrap_or_default();
    Form::new(
        title,
        purpose,
        vec![
            code,
            Field::text(texts::FIELD_CALL_TITLE, &text(|c| c.title.clone())).required(),
            Field::text(texts::FIELD_CALL_DETERMINA, &text(|c| c.determina.clone())).required(),
            Field::text(texts::FIELD_CALL_OPENS, &text(|c| format_ts(c.opens_at)))
                .required()
                .check(datetime),
            Field::text(texts::FIELD_CALL_CLOSES, &text(|c| format_ts(c.closes_at)))
                .required()
                .check(datetime),
            Field::text(
                texts::FIELD_CALL_DURATION,
                &text(|c| c.max_duration_days.to_string()),
            )
            .required()
            .check(whole_days),
            Field::text(
                texts::FIELD_CALL_STAMP_DUTY,
                &call
                    .map(|c| c.stamp_duty.format_plain())
                    .unwrap_or_else(|| "16,00".to_string()),
            )
            .required()
            .check(money),
            Field::text(
                texts::FIELD_CALL_FEE,
                &call
                    .map(|c| c.secretarial_fee.format_plain())
                    .unwrap_or_else(|| "0,00".to_string()),
            )
            .required()
            .check(money),
        ],
    )
}

/// The second page: the parameters of `call`, as stored or (for a new call) the defaults.
pub fn call_parameters(call: Box<Call>, new: bool) -> Form {
    let p = &call.params;
    let fields = vec![
        Field::text(texts::FIELD_INTEGRATION_DAYS, &p.integration_days.to_string())
            .required()
            .check(whole_days),
        Field::text(texts::FIELD_OBJECTION_DAYS, &p.objection_days.to_string())
            .required()
            .check(whole_days),
        Field::text(texts::FIELD_ISEE_LIMIT, &p.isee_limit.format_plain())
            .required()
            .check(money),
        Field::text(
            texts::FIELD_SINGLE_PERSON,
            &p.single_person_isee_increase_pct.to_string(),
        )
        .required()
        .check(percent),
        Field::text(
            texts::FIELD_PROPERTY_SHARE,
            &p.max_property_share_pct.to_string(),
        )
        .required()
        .check(percent),
        Field::text(
            texts::FIELD_RANKING_VALIDITY,
            &p.ranking_validity_years.to_string(),
        )
        .required()
        .check(whole_years),
        Field::text(
            texts::FIELD_REFERENCE_DATE,
            &p.reference_date.map(format_date).unwrap_or_default(),
        )
        .check(date),
        Field::text(texts::FIELD_PROTOCOL_PATTERN, p.protocol_pattern.as_str())
            .required()
            .check(pattern),
    ];
    Form::new(
        texts::FORM_CALL_PARAMS,
        CallsPurpose::Parameters { call, new },
        fields,
    )
}

/// Asks which document of `call` to add or change.
pub fn document_code(call: &Call) -> Form {
    Form::new(
        texts::FORM_DOCUMENT_CODE,
        CallsPurpose::DocumentCode(Box::new(call.clone())),
        vec![
            Field::text(texts::FIELD_DOCUMENT_CODE, "")
                .required()
                .check(valid_document_code),
        ],
    )
}

/// Document `code` of `call`: its current values when the call has it.
pub fn document(call: &Call, code: &str) -> Form {
    let existing = call.document(code);
    let needed_for = existing
        .map(|d| {
            d.needed_for
                .iter()
                .map(|t| trigger_name(*t))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let mut form = Form::new(
        if existing.is_some() {
            texts::FORM_DOCUMENT_EDIT
        } else {
            texts::FORM_DOCUMENT_NEW
        },
        CallsPurpose::Document(Box::new(call.clone())),
        vec![
            fixed(texts::FIELD_CALL_CODE, code),
            Field::text(
                texts::FIELD_DOCUMENT_TITLE,
                existing.map(|d| d.title.as_str()).unwrap_or(""),
            )
            .required(),
            yes_no(existing.is_some_and(|d| d.required)),
            Field::text(texts::FIELD_DOCUMENT_NEEDED_FOR, &needed_for)
                .check(|value| parse_triggers(value).map(|_| ())),
        ],
    );
    form.focus = 1;
    form
}

pub fn remove_document(call: &Call) -> Form {
    let known: Vec<String> = call.documents.iter().map(|d| d.code.clone()).collect();
    Form::new(
        texts::FORM_DOCUMENT_REMOVE,
        CallsPurpose::RemoveDocument(Box::new(call.clone())),
        vec![
            Field::text(texts::FIELD_DOCUMENT_CODE_REMOVE, "")
                .required()
                .check(move |value| {
                    if known.iter().any(|k| k == value) {
                        Ok(())
                    } else {
                        Err(texts::call_document_not_in_call(value, &known.join(", ")))
                    }
                }),
        ],
    )
}

pub fn add_interested(call: &str) -> Form {
    Form::new(
        texts::FORM_INTERESTED_ADD,
        CallsPurpose::AddInterested(call.to_string()),
        vec![
            Field::text(s::FIELD_FISCAL_CODE, "")
                .required()
                .check(fiscal_code),
        ],
    )
}

pub fn remove_interested(call: &str) -> Form {
    Form::new(
        texts::FORM_INTERESTED_REMOVE,
        CallsPurpose::RemoveInterested(call.to_string()),
        vec![
            Field::text(s::FIELD_FISCAL_CODE, "")
                .required()
                .check(fiscal_code),
        ],
    )
}

/// `suggested`: the file imported last, offered again after a refusal.
pub fn import_interested(call: &str, suggested: &str) -> Form {
    Form::new(
        texts::FORM_INTERESTED_IMPORT,
        CallsPurpose::ImportInterested(call.to_string()),
        vec![Field::text(texts::FIELD_CSV_FILE, suggested).required()],
    )
}

impl Purpose for CallsPurpose {
    fn build(&self, form: &Form) -> Result<Outcome, String> {
        let outcome = match self {
            CallsPurpose::NewCall => CallsOutcome::Parameters {
                call: Box::new(general(form, None)?),
                new: true,
            },
            CallsPurpose::EditCall(call) => CallsOutcome::Parameters {
                call: Box::new(general(form, Some(call))?),
                new: false,
            },
            CallsPurpose::Parameters { call, new } => {
                let mut call = call.clone();
                call.params = parameters(form, &call.params)?;
                call.validate().map_err(|e| e.to_string())?;
                let done = if *new {
                    texts::call_created(&call.code)
                } else {
                    texts::call_saved(&call.code)
                };
                CallsOutcome::Step {
                    command: Command::SaveCall(call),
                    done,
                }
            }
            CallsPurpose::DocumentCode(call) => CallsOutcome::Document {
                call: call.clone(),
                code: form.value(0).to_string(),
            },
            CallsPurpose::Document(call) => {
                let code = form.value(0).to_string();
                let document = DocumentSpec {
                    code: code.clone(),
                    title: form.value(1).to_string(),
                    required: form.fields.get(2).is_some_and(|f| f.choice == 1),
                    needed_for: parse_triggers(form.value(3))
                        .map_err(|e| s::field_error(texts::FIELD_DOCUMENT_NEEDED_FOR, &e))?,
                };
                let mut call = call.clone();
                match call.documents.iter_mut().find(|d| d.code == code) {
                    Some(old) => *old = document,
                    None => call.documents.push(document),
                }
                call.validate().map_err(|e| e.to_string())?;
                CallsOutcome::Step {
                    done: texts::call_document_saved(&code, &call.code),
                    command: Command::SaveCall(call),
                }
            }
            CallsPurpose::RemoveDocument(call) => {
                let code = form.value(0).to_string();
                let mut call = call.clone();
                call.documents.retain(|d| d.code != code);
                CallsOutcome::Step {
                    done: texts::call_document_removed(&code, &call.code),
                    command: Command::SaveCall(call),
                }
            }
            CallsPurpose::AddInterested(call) => {
                let code = PersonFiscalCode::parse(form.value(0)).map_err(|e| e.to_string())?;
                CallsOutcome::Step {
                    done: texts::call_interested_added(code.as_str(), call),
                    command: Command::AddInterested {
                        call: call.clone(),
                        fiscal_codes: vec![code],
                    },
                }
            }
            CallsPurpose::RemoveInterested(call) => {
                let code = PersonFiscalCode::parse(form.value(0)).map_err(|e| e.to_string())?;
                CallsOutcome::Step {
                    done: texts::call_interested_removed(code.as_str(), call),
                    command: Command::RemoveInterested {
                        call: call.clone(),
                        fiscal_code: code,
                    },
                }
            }
            CallsPurpose::ImportInterested(call) => CallsOutcome::Import {
                call: call.clone(),
                path: PathBuf::from(form.value(0)),
            },
        };
        Ok(Outcome::Screen(Box::new(outcome)))
    }
}

/// The call the first page describes; an edited call keeps its code, documents, parameters
/// (the second page shows them) and publication.
fn general(form: &Form, base: Option<&Call>) -> Result<Call, String> {
    // An instant left as shown keeps its seconds, which the form does not show.
    let opens_at = match base {
        Some(call) if form.value(3) == format_ts(call.opens_at) => call.opens_at,
        _ => opening_instant(form.value(3))?,
    };
    let closes_at = match base {
        Some(call) if form.value(4) == format_ts(call.closes_at) => call.closes_at,
        _ => closing_instant(form.value(4))?,
    };
    if closes_at <= opens_at {
        return Err(s::field_error(texts::FIELD_CALL_CLOSES, texts::CLOSES_BEFORE_OPENS));
    }
    let call = Call {
        code: match base {
            Some(call) => call.code.clone(),
            None => form.value(0).to_string(),
        },
        title: form.value(1).to_string(),
        determina: form.value(2).to_string(),
        opens_at,
        closes_at,
        max_duration_days: number(form, 5, texts::FIELD_CALL_DURATION)?,
        stamp_duty: amount(form, 6, texts::FIELD_CALL_STAMP_DUTY)?,
        secretarial_fee: amount(form, 7, texts::FIELD_CALL_FEE)?,
        documents: base.map(|c| c.documents.clone()).unwrap_or_default(),
        params: base.map(|c| c.params.clone()).unwrap_or_default(),
        published_at: base.and_then(|c| c.published_at),
    };
    call.validate().map_err(|e| e.to_string())?;
    Ok(call)
}

/// The parameters the form shows, the others kept from `kept`.
fn parameters(form: &Form, kept: &CallParameters) -> Result<CallParameters, String> {
    let pct = |i: usize, label: &str| -> Result<u32, String> {
        form.value(i)
            .parse()
            .ok()
            .filter(|n| *n <= 100)
            .ok_or_else(|| s::field_error(label, texts::CALL_PERCENT))
    };
    Ok(CallParameters {
        integration_days: number(form, 0, texts::FIELD_INTEGRATION_DAYS)?,
        objection_days: number(form, 1, texts::FIELD_OBJECTION_DAYS)?,
        isee_limit: amount(form, 2, texts::FIELD_ISEE_LIMIT)?,
        single_person_isee_increase_pct: pct(3, texts::FIELD_SINGLE_PERSON)?,
        max_property_share_pct: pct(4, texts::FIELD_PROPERTY_SHARE)?,
        ranking_validity_years: form
            .value(5)
            .parse()
            .map_err(|_| s::field_error(texts::FIELD_RANKING_VALIDITY, texts::CALL_WHOLE_YEARS))?,
        reference_date: match form.optional(6) {
            Some(text) => Some(
                parse_date(&text)
                    .map_err(|e| s::field_error(texts::FIELD_REFERENCE_DATE, &e.to_string()))?,
            ),
            None => None,
        },
        protocol_pattern: ProtocolPattern::parse(form.value(7))
            .map_err(|e| s::field_error(texts::FIELD_PROTOCOL_PATTERN, &e.to_string()))?,
        refusal_notice: kept.refusal_notice,
        refusal_notice_days: kept.refusal_notice_days,
        area_bands: kept.area_bands.clone(),
        assignment_days: kept.assignment_days,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_trigger_has_its_file_name_and_parses_back() {
        for trigger in TRIGGERS {
            let name = trigger_name(trigger);
            assert_eq!(parse_triggers(&name), Ok(vec![trigger]), "{name}");
        }
        assert_eq!(trigger_name(DocumentTrigger::ExtraUe), "extra_ue");
        assert_eq!(
            parse_triggers("extra_ue, invalidita extra_ue"),
            Ok(vec![DocumentTrigger::ExtraUe, DocumentTrigger::Invalidita])
        );
        let error = parse_triggers("extraue").unwrap_err();
        assert_eq!(error, "'extraue' sconosciuto: forse extra_ue?");
        let error = parse_triggers("alloggio").unwrap_err();
        assert!(error.contains("alloggio_inadeguato"), "{error}");
        let error = parse_triggers("zz").unwrap_err();
        assert!(
            error.contains("extra_ue") && error.contains("ordine_rilascio"),
            "{error}"
        );
    }

    #[test]
    fn the_closing_minute_is_inclusive_to_its_last_second() {
        let at = closing_instant("14/11/2024 23:59").unwrap();
        assert_eq!(format_ts(at), "14/11/2024 23:59");
        assert_eq!(
            at,
            parse_datetime_rome("14/11/2024 23:59:59").unwrap(),
            "as the call file reads it"
        );
    }
}
