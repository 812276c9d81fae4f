//! What the caseworker checks on each application: the access requirements (DOMAIN.md §2) and
//! every declared condition, each marked verified or not, by whom and when.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::DomainError;
use super::household::Condition;
use super::time::Timestamp;

/// The access requirements of DOMAIN.md §2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    Cittadinanza,
    ResidenzaOLavoro,
    NessunaProprietaAdeguata,
    Isee,
    NessunAlloggioPubblico,
    NessunaCondanna,
}

impl Requirement {
    pub const ALL: [Requirement; 6] = [
        Requirement::Cittadinanza,
        Requirement::ResidenzaOLavoro,
        Requirement::NessunaProprietaAdeguata,
        Requirement::Isee,
        Requirement::NessunAlloggioPubblico,
        Requirement::NessunaCondanna,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Requirement::Cittadinanza => "cittadinanza",
            Requirement::ResidenzaOLavoro => "residenza_o_lavoro",
            Requirement::NessunaProprietaAdeguata => "nessuna_proprieta_adeguata",
            Requirement::Isee => "isee",
            Requirement::NessunAlloggioPubblico => "nessun_alloggio_pubblico",
            Requirement::NessunaCondanna => "nessuna_condanna",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Requirement::Cittadinanza => "cittadinanza o permesso",
            Requirement::ResidenzaOLavoro => "residenza o lavoro nel Comune",
            Requirement::NessunaProprietaAdeguata => "nessuna quota di alloggio adeguato",
            Requirement::Isee => "ISEE entro il limite",
            Requirement::NessunAlloggioPubblico => "nessun alloggio pubblico già avuto",
            Requirement::NessunaCondanna => "nessuna condanna definitiva",
        }
    }
}

/// One thing to verify: a requirement, or a condition the applicant declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "tipo", content = "voce")]
pub enum CheckItem {
    Requisito(Requirement),
    Condizione(Condition),
}

impl CheckItem {
    pub fn code(self) -> &'static str {
        match self {
            CheckItem::Requisito(r) => r.code(),
            CheckItem::Condizione(c) => c.code(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CheckItem::Requisito(r) => r.label(),
            CheckItem::Condizione(c) => c.label(),
        }
    }

    /// A requirement or condition by its code.
    pub fn parse(input: &str) -> Result<CheckItem, DomainError> {
        let wanted = input.trim().to_lowercase();
        if let Some(r) = Requirement::ALL.into_iter().find(|r| r.code() == wanted) {
            return Ok(CheckItem::Requisito(r));
        }
        Condition::parse(&wanted)
            .map(CheckItem::Condizione)
            .map_err(|_| {
                DomainError::invalid(
                    "voce",
                    format!("'{}' non è un requisito né una condizione", input.trim()),
                )
            })
    }
}

impl fmt::Display for CheckItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The caseworker's finding on one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    pub verified: bool,
    #[serde(default)]
    pub note: String,
    pub by: String,
    pub at: Timestamp,
}
