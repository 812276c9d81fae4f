//! The import proper: the checked applications received into the active call in one
//! transaction, or none.

use std::io::Read;

use crate::domain::command::{Command, Context};
use crate::domain::error::DomainError;
use crate::store::{Store, StoreError};

use super::columns::column_of;
use super::{RowError, parse_applications};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportSummary {
    pub imported: usize,
    pub already_present: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file has errors: nothing was imported.
    #[error(
        "{} nel file: nessuna domanda importata",
        crate::domain::number::plural(.0.len(), "errore", "errori")
    )]
    Rows(Vec<RowError>),
    #[error("nessun bando attivo: caricare o attivare un bando prima di importare le domande")]
    NoActiveCall,
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("errore di lettura del file: {}", crate::files::reasons::io_reason(.0))]
    Io(#[from] std::io::Error),
}

/// Imports the portal's export into the active call: all the new applications, or none.
pub fn import_applications(
    store: &Store,
    mut reader: impl Read,
    ctx: &Context,
) -> Result<ImportSummary, ImportError> {
    let call = store.active_call()?.ok_or(ImportError::NoActiveCall)?;
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes)?;
    let parsed = parse_applications(bytes.as_slice(), &call).map_err(ImportError::Rows)?;

    let mut summary = ImportSummary::default();
    let mut commands = Vec::new();
    let mut lines = Vec::new();
    for app in parsed {
        let known = match &app.new.external_id {
            Some(external) => store.application_by_external_id(external)?.is_some(),
            None => false,
        };
        if known {
            summary.already_present += 1;
            continue;
        }
        lines.push(app.line);
        commands.push((Command::ReceiveApplication(Box::new(app.new)), ctx.clone()));
    }
    if commands.is_empty() {
        return Ok(summary);
    }
    match store.execute_all(&commands) {
        Ok(_) => {
            summary.imported = commands.len();
            Ok(summary)
        }
        Err(StoreError::Batch {
            error: DomainError::NoActiveCall,
            ..
        }) => Err(ImportError::NoActiveCall),
        Err(StoreError::Batch { index, error }) => {
            let line = lines.get(index).copied().unwrap_or(1);
            Err(ImportError::Rows(vec![refusal(line, &error)]))
        }
        Err(other) => Err(other.into()),
    }
}

/// A command the store refused, told at the line of its applicant.
fn refusal(line: usize, error: &DomainError) -> RowError {
    let (field, reason) = match error {
        DomainError::Invalid { field, reason } => (column_of(field).to_string(), reason.clone()),
        DomainError::DuplicateExternalId(_) => ("id_domanda".to_string(), error.to_string()),
        DomainError::FiscalCode(e) => ("codice_fiscale".to_string(), e.to_string()),
        DomainError::OutsideWindowNeedsOverride => ("data_invio".to_string(), error.to_string()),
        other => ("domanda".to_string(), other.to_string()),
    };
    RowError {
        line,
        field,
        reason,
    }
}
