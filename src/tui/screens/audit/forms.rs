//! The Registro's form: which events to list.

use crate::office::AuditFilter;
use crate::tui::form::{Field, Form, Outcome, Purpose};
use super::texts;

struct FilterPurpose;

/// The filter as typed: the protocol is looked up before the filter applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterOutcome {
    pub case: Option<String>,
    pub filter: AuditFilter,
}

fn protocol(value: &str) -> Result<(), String> {
    if value.chars().count() > 40 || value.chars().any(char::is_control) {
        return Err("un protocollo come 2024/000123".to_string());
    }
    Ok(())
}

pub fn audit_filter(case: &str, actor: &str, kind: &str, kinds: Vec<String>) -> Form {
    let mut options = vec![String::new()];
    options.extend(kinds);
    let choice = options.iter().position(|k| k == kind).unwrap_or(0);
    Form::new(
        texts::FORM_AUDIT_FILTER,
        FilterPurpose,
        vec![
            Field::text(texts::FIELD_CASE, case).check(protocol),
            Field::text(texts::FIELD_ACTOR, actor),
            Field::choice(texts::FIELD_KIND, options, choice),
        ],
    )
}

impl Purpose for FilterPurpose {
    fn build(&self, form: &Form) -> Result<Outcome, String> {
        Ok(Outcome::Screen(Box::new(FilterOutcome {
            case: form.optional(0),
            filter: AuditFilter {
                case: None,
                actor: form.optional(1),
                kind: form.optional(2),
            },
        })))
    }
}
