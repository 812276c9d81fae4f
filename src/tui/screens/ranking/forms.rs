//! The ranking screen's form: a published version written to a file.

use std::path::PathBuf;

use crate::tui::form::{Field, Form, Outcome, Purpose};
use super::texts;

/// Which list an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// For the albo: protocol, position, total, outcome; no name.
    Public,
    /// For the office: names and breakdown.
    Internal,
    /// The public list as text for the notice board.
    Notice,
}

impl ExportKind {
    pub const ALL: [ExportKind; 3] = [ExportKind::Public, ExportKind::Internal, ExportKind::Notice];

    pub fn label(self) -> &'static str {
        match self {
            ExportKind::Public => texts::EXPORT_PUBLIC,
            ExportKind::Internal => texts::EXPORT_INTERNAL,
            ExportKind::Notice => texts::EXPORT_NOTICE,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ExportPurpose {
    call: String,
    number: u32,
}

/// What the export form produces: the file and the list to write into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub call: String,
    pub number: u32,
    pub path: PathBuf,
    pub kind: ExportKind,
}

/// A published version written to a file; `suggested` is the file offered.
pub fn export_ranking(call: &str, number: u32, suggested: &str) -> Form {
    Form::new(
        texts::FORM_EXPORT_RANKING,
        ExportPurpose {
            call: call.to_string(),
            number,
        },
        vec![
            Field::text(texts::FIELD_EXPORT_FILE, suggested).required(),
            Field::choice(
                texts::FIELD_EXPORT_KIND,
                ExportKind::ALL
                    .iter()
                    .map(|k| k.label().to_string())
                    .collect(),
                0,
            ),
        ],
    )
}

impl Purpose for ExportPurpose {
    fn build(&self, form: &Form) -> Result<Outcome, String> {
        Ok(Outcome::Screen(Box::new(Export {
            call: self.call.clone(),
            number: self.number,
            path: PathBuf::from(form.value(0)),
            kind: ExportKind::ALL
                .get(form.fields.get(1).map_or(0, |f| f.choice))
                .copied()
                .unwrap_or(ExportKind::Public),
        })))
    }
}
