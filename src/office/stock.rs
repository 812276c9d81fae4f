//! The housing stock as the screens and the command line read it.

use chrono::NaiveDate;

use super::{Office, OfficeError};
use crate::domain::command::{Command, Context};
use crate::domain::event::EventKind;
use crate::domain::stock::{AreaBands, Dwelling, DwellingCode, DwellingFilter};
use crate::files::dwellings_csv::{self, ParsedDwelling};
use crate::store::StoreError;

/// What an import of the register did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DwellingsImported {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
}

impl Office {
    pub fn dwelling(&self, code: &DwellingCode) -> Result<Option<Dwelling>, OfficeError> {
        Ok(self.store.dwelling(code)?)
    }

    /// The dwellings `filter` keeps on `today`, in code order; the size band is the active
    /// call's.
    pub fn dwellings(
        &self,
        filter: &DwellingFilter,
        today: NaiveDate,
    ) -> Result<Vec<Dwelling>, OfficeError> {
        let bands = self.area_bands()?;
        let mut dwellings = self.store.dwellings(filter.state)?;
        dwellings.retain(|d| filter.matches(d, today, &bands));
        Ok(dwellings)
    }

    /// The area bands of the active call, the default ones without an active call.
    pub fn area_bands(&self) -> Result<AreaBands, OfficeError> {
        Ok(self
            .store
            .active_call()?
            .map(|call| call.params.area_bands)
            .unwrap_or_default())
    }

    /// Imports the register `bytes` of the file called `file`: every dwelling, added or
    /// changed by code, in one command and one transaction, or none. A row that cannot be
    /// read, or that the stored dwellings refuse, comes back in `OfficeError::Rows` as
    /// `file:line: campo: motivo`.
    pub fn import_dwellings(
        &self,
        ctx: &Context,
        file: &str,
        bytes: &[u8],
    ) -> Result<DwellingsImported, OfficeError> {
        let parsed = dwellings_csv::parse(file, bytes, ctx).map_err(|rows| {
            let mut lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
            lines.dedup();
            OfficeError::Rows {
                summary: format!(
                    "{} in {file}: nessun alloggio importato",
                    crate::domain::number::plural(lines.len(), "riga errata", "righe errate")
                ),
                rows: rows.iter().map(ToString::to_string).collect(),
            }
        })?;
        let total = parsed.len();
        let command = Command::SaveDwellings {
            dwellings: parsed.iter().map(|p| p.dwelling.clone()).collect(),
        };
        let events = match self.store.execute(&command, ctx) {
            Ok(events) => events,
            Err(StoreError::Domain(error)) => return Err(refused(file, &parsed, &error)),
            Err(other) => return Err(other.into()),
        };
        let added = events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::DwellingAdded { .. }))
            .count();
        let changed = events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::DwellingChanged { .. }))
            .count();
        Ok(DwellingsImported {
            added,
            changed,
            unchanged: total - added - changed,
        })
    }
}

/// The stored dwellings' refusal of the file, told at the line of the dwelling it names.
fn refused(
    file: &str,
    parsed: &[ParsedDwelling],
    error: &crate::domain::DomainError,
) -> OfficeError {
    let (field, reason) = match error {
        crate::domain::DomainError::Invalid { field, reason } => (*field, reason.clone()),
        other => ("alloggi", other.to_string()),
    };
    let line = parsed
        .iter()
        .find(|p| reason.contains(&format!("alloggio {}:", p.dwelling.code)))
        .map_or(1, |p| p.line);
    OfficeError::Rows {
        summary: format!("{file}: nessun alloggio importato"),
        rows: vec![format!("{file}:{line}: {field}: {reason}")],
    }
}
