//! Domain errors: what the caseworker is told when a command is refused.

use super::application::{ApplicationId, State};
use super::{
    fiscal_code::FiscalCodeError, money::MoneyError, notice::NoticeError, time::DateError,
};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("codice fiscale non valido: {0}")]
    FiscalCode(#[from] FiscalCodeError),
    #[error("importo non valido: {0}")]
    Money(#[from] MoneyError),
    #[error("numero avviso non valido: {0}")]
    Notice(#[from] NoticeError),
    #[error("{0}")]
    Date(#[from] DateError),
    #[error("domanda {0} inesistente")]
    UnknownApplication(ApplicationId),
    #[error("bando '{0}' inesistente")]
    UnknownCall(String),
    #[error("nessun bando attivo: caricare o attivare un bando")]
    NoActiveCall,
    #[error("operazione non consentita: la domanda è «{from}», non si può passare a «{to}»")]
    IllegalTransition { from: State, to: State },
    #[error("operazione non consentita nello stato «{state}»: {action}")]
    NotAllowedInState { state: State, action: &'static str },
    #[error("la domanda è arrivata fuori dalla finestra del bando: serve una deroga motivata")]
    OutsideWindowNeedsOverride,
    #[error("la motivazione è obbligatoria")]
    MissingReason,
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("domanda già presente con identificativo {0}")]
    DuplicateExternalId(String),
    #[error("errore interno di coerenza: {0}")]
    Internal(String),
}

impl DomainError {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        DomainError::Invalid {
            field,
            reason: reason.into(),
        }
    }
}

/// What was typed, as a refusal may quote it: without control characters, at most 40
/// characters.
pub(crate) fn shown(input: &str) -> String {
    input
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(40)
        .collect()
}
