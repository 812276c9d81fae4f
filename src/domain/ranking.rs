//! The order of the admitted applications: total score, then the call's tie-break chain, then a
//! draw by lot whose seed is recorded so that it can be replayed. Published versions are frozen.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::application::{Application, ApplicationId};
use super::call::Call;
use super::money::Money;
use super::points::Points;
use super::ruleset::{Ruleset, TieBreak};
use super::time::Timestamp;

/// What the order needs of one application: small, so that 100.000 sort fast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: ApplicationId,
    pub subjective: Points,
    pub objective: Points,
    pub isee: Money,
    pub members: u32,
    /// Registration day (Rome) and protocol; None sorts last.
    pub protocol: Option<(NaiveDate, i32, u32)>,
}

impl Entry {
    pub fn total(&self) -> Points {
        self.subjective + self.objective
    }

    /// The entry of an admitted application.
    pub fn of(application: &Application, call: &Call, ruleset: &Ruleset) -> Entry {
        let _ = (application, call, ruleset);
        todo!("entry")
    }
}

/// How a place among equal totals was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "da")]
pub enum Settled {
    Chain { by: TieBreak },
    Lot,
    /// Equal on everything and no draw held yet: listed in id order.
    Unresolved,
}

/// One place of the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub id: ApplicationId,
    /// 1-based.
    pub position: u32,
    /// Another entry has the same total: marked in the ranking.
    pub tied: bool,
    /// For a tied entry, what put it before the next one of the same total (or the last rule
    /// that separated it from the one before).
    pub settled: Option<Settled>,
}

/// The draw by lot: the seed, and the order it gave each group left equal by the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draw {
    pub seed: u64,
    /// Each group in its drawn order, groups in ranking order.
    pub groups: Vec<Vec<ApplicationId>>,
}

/// Whether to draw lots for the groups the chain leaves equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lot {
    /// Leave them in id order, marked `Unresolved`.
    Pending,
    Draw { seed: u64 },
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ranking {
    pub places: Vec<Place>,
    /// The draw held, when `Lot::Draw` met equal groups.
    pub draw: Option<Draw>,
    /// Groups still equal on everything (with `Lot::Pending`), in ranking order.
    pub unresolved: Vec<Vec<ApplicationId>>,
}

/// Orders `entries`: higher total first, then `chain`, then the lot.
pub fn rank(entries: &[Entry], chain: &[TieBreak], lot: Lot) -> Ranking {
    let _ = (entries, chain, lot);
    todo!("rank")
}

/// The order a draw with `seed` gives `groups` (each listed in any order): the same seed and
/// the same groups always give the same result, so a recorded draw can be checked.
pub fn draw_lots(seed: u64, groups: &[Vec<ApplicationId>]) -> Vec<Vec<ApplicationId>> {
    let _ = (seed, groups);
    todo!("draw")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RankingKind {
    Provvisoria,
    Definitiva,
}

impl RankingKind {
    pub fn label(self) -> &'static str {
        match self {
            RankingKind::Provvisoria => "provvisoria",
            RankingKind::Definitiva => "definitiva",
        }
    }
}

/// One line of a published ranking: admitted applications with their place, excluded ones
/// without.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankRow {
    pub position: Option<u32>,
    pub application: ApplicationId,
    pub protocol: String,
    pub applicant: String,
    pub fiscal_code: String,
    pub admitted: bool,
    pub total: Points,
    pub subjective: Points,
    pub objective: Points,
    pub isee: Money,
    pub members: u32,
    pub tied: bool,
    pub settled: Option<Settled>,
    /// Points of each criterion that counted, for the office's export.
    pub criteria: Vec<(String, Points)>,
}

/// A published ranking: numbered per call, frozen once written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankingVersion {
    pub call: String,
    pub number: u32,
    pub kind: RankingKind,
    pub published_at: Timestamp,
    pub by: String,
    /// Name of the ruleset it was scored with.
    pub ruleset: String,
    /// Last day for objections, for a provisional ranking.
    pub objection_deadline: Option<NaiveDate>,
    pub draw: Option<Draw>,
    /// Applications of the call still under review, so not in it.
    pub pending: u32,
    pub rows: Vec<RankRow>,
}

/// The rows of a ranking: the admitted in `ranking`'s order, then the excluded by protocol.
/// `applications` holds every admitted or excluded application of the call.
pub fn rows(
    applications: &[Application],
    call: &Call,
    ruleset: &Ruleset,
    ranking: &Ranking,
) -> Vec<RankRow> {
    let _ = (applications, call, ruleset, ranking);
    todo!("rows")
}
