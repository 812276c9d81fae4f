//! The score of one application under a call's ruleset (DOMAIN.md §4): every criterion with its
//! value, points, evidence and who verified it; exclusive groups; caps per block.

use serde::{Deserialize, Serialize};

use super::application::Application;
use super::call::Call;
use super::points::Points;
use super::ruleset::{Block, Ruleset};
use super::time::Timestamp;

/// A caseworker's replacement for the points a criterion gives one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreOverride {
    pub points: Points,
    pub reason: String,
    pub by: String,
    pub at: Timestamp,
}

/// Why a line counts what it counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "stato")]
pub enum LineStatus {
    /// The criterion applies and its points count.
    Counted,
    /// The criterion does not apply.
    NotMet,
    /// It would apply, but what proves it is not verified.
    NotVerified,
    /// Another criterion of the same exclusive group gives more.
    Beaten { by: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreLine {
    pub criterion: String,
    pub label: String,
    pub block: Block,
    /// What was read from the application, e.g. `ISEE 3.200,00 €`, `12 anni`, `dichiarata`.
    pub value: String,
    /// What the rule gives.
    pub computed: Points,
    /// The caseworker's override, which replaces `computed`.
    pub overridden: Option<Points>,
    /// What counts toward the block, after exclusive groups.
    pub points: Points,
    pub status: LineStatus,
    /// What proves it: the document, the verification, or the household record.
    pub evidence: String,
    pub verified_by: Option<String>,
    pub verified_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockScore {
    pub block: Block,
    /// Sum of the block's counted lines.
    pub sum: Points,
    pub cap: Option<Points>,
    /// `sum`, capped.
    pub total: Points,
}

impl BlockScore {
    pub fn capped(&self) -> bool {
        self.total < self.sum
    }
}

/// The points only, without the explanation: what ranking many applications needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Totals {
    pub subjective: Points,
    pub objective: Points,
}

impl Totals {
    pub fn total(&self) -> Points {
        self.subjective + self.objective
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub lines: Vec<ScoreLine>,
    pub subjective: BlockScore,
    pub objective: BlockScore,
}

impl Score {
    pub fn totals(&self) -> Totals {
        Totals {
            subjective: self.subjective.total,
            objective: self.objective.total,
        }
    }

    pub fn total(&self) -> Points {
        self.totals().total()
    }
}

/// The explained score of `application`, assessed at the call's reference date.
pub fn score(application: &Application, call: &Call, ruleset: &Ruleset) -> Score {
    let _ = (application, call, ruleset);
    todo!("scoring")
}

/// The same totals as `score`, without building the explanation.
pub fn totals(application: &Application, call: &Call, ruleset: &Ruleset) -> Totals {
    let _ = (application, call, ruleset);
    todo!("scoring totals")
}
