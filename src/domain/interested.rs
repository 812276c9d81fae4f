//! Citizens who asked to hear when a call is published.

use serde::{Deserialize, Serialize};

use super::fiscal_code::PersonFiscalCode;
use super::time::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interested {
    pub fiscal_code: PersonFiscalCode,
    pub added_at: Timestamp,
    pub added_by: String,
}
