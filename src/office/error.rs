//! What the office answers when a request does not go through: a plain value, with the Italian
//! text the caseworker reads, so that it can cross a thread or a socket unchanged.

use serde::{Deserialize, Serialize};

use crate::messages::outbox::OutboxId;
use crate::store::StoreError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum OfficeError {
    /// The rules refuse the request as the records stand; nothing changed.
    #[error("{0}")]
    Refused(String),
    /// An identical message for the same citizen is already in the outbox; nothing changed.
    #[error("{message}")]
    Duplicate { of: OutboxId, message: String },
    /// A file with rows that cannot be taken: nothing was taken from it. `summary` says so in
    /// one line, `rows` names each problem.
    #[error("{summary}")]
    Rows { summary: String, rows: Vec<String> },
    /// No message can be composed without the Comune's values; the text says why they are
    /// missing.
    #[error("{0}")]
    NoComune(String),
    /// The database or a file failed.
    #[error("{0}")]
    Failed(String),
    /// A form's step refused because its application changed since the form opened; `seq` is
    /// the audit entry that changed it, the version a second save may take.
    #[error("{message}")]
    Stale { message: String, seq: u64 },
}

impl From<StoreError> for OfficeError {
    fn from(error: StoreError) -> Self {
        let message = error.to_string();
        match error {
            StoreError::DuplicateMessage(of) => OfficeError::Duplicate { of, message },
            StoreError::Domain(_)
            | StoreError::Batch { .. }
            | StoreError::MessageState { .. }
            | StoreError::UnknownMessage(_)
            | StoreError::Message(_)
            | StoreError::Receipt(_)
            | StoreError::Changed
            | StoreError::NotComposed(_)
            | StoreError::NotEmpty => OfficeError::Refused(message),
            _ => OfficeError::Failed(message),
        }
    }
}

impl From<OfficeError> for String {
    fn from(error: OfficeError) -> Self {
        error.to_string()
    }
}
