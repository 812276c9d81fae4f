//! Objections to a provisional ranking (DOMAIN.md §5): received within the window, then
//! accepted (the application is re-scored) or rejected, always with a reason.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::time::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectionDecision {
    pub accepted: bool,
    pub reason: String,
    pub by: String,
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objection {
    /// The provisional version it is against.
    pub version: u32,
    pub received_on: NaiveDate,
    pub text: String,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
    #[serde(default)]
    pub decision: Option<ObjectionDecision>,
}

impl Objection {
    pub fn is_open(&self) -> bool {
        self.decision.is_none()
    }
}

/// What a score adjustment changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "tipo")]
pub enum Adjustment {
    /// A condition found (declared and verified) or not found (removed).
    Condition {
        condition: super::household::Condition,
        present: bool,
    },
    /// The points of one criterion replaced; None removes an earlier override.
    Override {
        criterion: String,
        points: Option<super::points::Points>,
    },
}
