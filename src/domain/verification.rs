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

/// One thing to verify: a requirement, or a condition the applicant declared. Stored as its
/// code (the two lists of codes are disjoint), so that it can key a JSON map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
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

impl From<CheckItem> for String {
    fn from(item: CheckItem) -> String {
        item.code().to_string()
    }
}

impl TryFrom<String> for CheckItem {
    type Error = DomainError;
    fn try_from(code: String) -> Result<CheckItem, DomainError> {
        CheckItem::parse(&code)
    }
}

impl fmt::Display for CheckItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A finding to record on one item: verified, or not with a note saying why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub item: CheckItem,
    pub verified: bool,
    pub note: String,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_round_trips_through_its_code() {
        let items = Requirement::ALL
            .into_iter()
            .map(CheckItem::Requisito)
            .chain(Condition::ALL.into_iter().map(CheckItem::Condizione));
        for item in items {
            let json = serde_json::to_string(&item).expect("encode");
            assert_eq!(json, format!("\"{}\"", item.code()));
            let back: CheckItem = serde_json::from_str(&json).expect("decode");
            assert_eq!(back, item);
        }
    }

    #[test]
    fn a_map_keyed_by_item_is_valid_json() {
        let mut map = std::collections::BTreeMap::new();
        map.insert(CheckItem::Requisito(Requirement::Isee), 1);
        map.insert(CheckItem::Condizione(Condition::OrdineRilascio), 2);
        let json = serde_json::to_string(&map).expect("encode");
        let back: std::collections::BTreeMap<CheckItem, i32> =
            serde_json::from_str(&json).expect("decode");
        assert_eq!(back, map);
    }
}
