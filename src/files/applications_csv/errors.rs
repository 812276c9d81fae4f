//! The errors of a file, gathered row by row so that all of them come out together.

use std::fmt;

use crate::domain::error::DomainError;

use super::columns::{Col, column_of};

/// One problem in the file, at a 1-based line of the file (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    /// The column concerned, or `intestazione`, `file`, `riga`, `nucleo`, `domanda` for wider
    /// problems.
    pub field: String,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "riga {}: {}: {}", self.line, self.field, self.reason)
    }
}

impl std::error::Error for RowError {}

pub(super) const NOT_UTF8: &str = "testo non in UTF-8: salvare il file come «CSV UTF-8»";
pub(super) const APPLICANT_ONLY: &str = "valorizzato solo sulla riga del richiedente";
pub(super) const MISSING: &str = "mancante";

#[derive(Default)]
pub(super) struct Errors(Vec<RowError>);

impl Errors {
    pub(super) fn len(&self) -> usize {
        self.0.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(super) fn push(
        &mut self,
        line: usize,
        field: impl Into<String>,
        reason: impl Into<String>,
    ) {
        self.0.push(RowError {
            line,
            field: field.into(),
            reason: reason.into(),
        });
    }

    /// A domain refusal: its own field when it names one, else `fallback`.
    pub(super) fn domain(&mut self, line: usize, fallback: &str, error: &DomainError) {
        match error {
            DomainError::Invalid { field, reason } => self.push(line, column_of(field), reason),
            other => self.push(line, fallback, other.to_string()),
        }
    }

    pub(super) fn take<T, E: fmt::Display>(
        &mut self,
        line: usize,
        col: Col,
        r: Result<T, E>,
    ) -> Option<T> {
        r.map_err(|e| self.push(line, col.name(), e.to_string()))
            .ok()
    }

    pub(super) fn take_domain<T>(
        &mut self,
        line: usize,
        col: Col,
        r: Result<T, DomainError>,
    ) -> Option<T> {
        r.map_err(|e| self.domain(line, col.name(), &e)).ok()
    }

    /// Sorted by line; errors of one line keep the order in which they were found.
    pub(super) fn finish(mut self) -> Vec<RowError> {
        self.0.sort_by_key(|e| e.line);
        self.0
    }
}
