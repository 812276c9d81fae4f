//! The point table of a call (DOMAIN.md §4): criteria of every kind, exclusive groups, caps per
//! block and the tie-break chain. Each Comune sets its own, so it is data, checked here.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::household::Condition;
use super::points::Points;

/// The two blocks of the table, each with its own cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Block {
    Soggettivo,
    Oggettivo,
}

impl Block {
    pub const ALL: [Block; 2] = [Block::Soggettivo, Block::Oggettivo];

    pub fn code(self) -> &'static str {
        match self {
            Block::Soggettivo => "soggettivo",
            Block::Oggettivo => "oggettivo",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Block::Soggettivo => "condizioni soggettive",
            Block::Oggettivo => "condizioni oggettive",
        }
    }
}

/// A number read off the application, in hundredths of its unit, at the reference date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// ISEE in euro (hundredths: cents).
    Isee,
    /// ISEE as a percentage of the call's limit for the household (hundredths of a point).
    IseePercentoLimite,
    /// Years of residence in the Comune.
    AnniResidenza,
    /// People in the household.
    Componenti,
    /// Members under 18.
    Minori,
    /// Members under 10.
    MinoriDi10,
}

impl Measure {
    pub const ALL: [Measure; 6] = [
        Measure::Isee,
        Measure::IseePercentoLimite,
        Measure::AnniResidenza,
        Measure::Componenti,
        Measure::Minori,
        Measure::MinoriDi10,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Measure::Isee => "isee",
            Measure::IseePercentoLimite => "isee_percento_limite",
            Measure::AnniResidenza => "anni_residenza",
            Measure::Componenti => "componenti",
            Measure::Minori => "minori",
            Measure::MinoriDi10 => "minori_di_10",
        }
    }

    pub fn parse(code: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.code() == code.trim())
    }
}

/// One band of a numeric criterion: inclusive at both ends, in hundredths of the measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    /// None: no lower bound.
    pub from: Option<i64>,
    /// None: no upper bound.
    pub to: Option<i64>,
    pub points: Points,
}

impl Band {
    pub fn contains(&self, value: i64) -> bool {
        self.from.is_none_or(|f| value >= f) && self.to.is_none_or(|t| value <= t)
    }
}

/// A fact about the household at the reference date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "predicato")]
pub enum HouseholdPredicate {
    /// Every member is at least `age`.
    TuttiAlmeno { age: u32 },
    /// At least one member is at least `age`.
    AlmenoUnoAlmeno { age: u32 },
    /// Every member is at most `age`.
    TuttiAlPiu { age: u32 },
    /// The applicant lives without spouse or partner with between `min` and `max` (None: no
    /// upper bound) dependent minors.
    GenitoreSolo { min: u32, max: Option<u32> },
    /// At least `members` people.
    ComponentiAlmeno { members: u32 },
}

/// How a criterion turns an application into points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "tipo")]
pub enum Rule {
    /// Declared and verified: any of the conditions scores `points`.
    Condizione {
        any_of: Vec<Condition>,
        points: Points,
    },
    /// The band the measure falls in; no band, no points.
    Fasce { measure: Measure, bands: Vec<Band> },
    /// `per_unit` for each whole unit of the measure, up to `cap`.
    PerUnita {
        measure: Measure,
        per_unit: Points,
        cap: Points,
    },
    Nucleo {
        predicate: HouseholdPredicate,
        points: Points,
    },
    /// A member whose invalidity is in `min_pct..=max_pct`, with the accompaniment allowance
    /// when `accompaniment` is true, without it when false, either way when None.
    Invalidita {
        min_pct: u8,
        max_pct: u8,
        accompaniment: Option<bool>,
        points: Points,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    /// Short stable code, used by overrides and exports.
    pub id: String,
    pub label: String,
    pub block: Block,
    /// Criteria of the same group are exclusive: only the highest counts.
    #[serde(default)]
    pub group: Option<String>,
    pub rule: Rule,
}

/// A link of the tie-break chain; a draw by lot always closes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TieBreak {
    /// Lower ISEE first.
    IseeMinore,
    /// More objective points first.
    PuntiOggettivi,
    /// More subjective points first.
    PuntiSoggettivi,
    /// Larger household first.
    PiuComponenti,
    /// Earlier protocol first: date, then number.
    Protocollo,
}

impl TieBreak {
    pub const ALL: [TieBreak; 5] = [
        TieBreak::IseeMinore,
        TieBreak::PuntiOggettivi,
        TieBreak::PuntiSoggettivi,
        TieBreak::PiuComponenti,
        TieBreak::Protocollo,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TieBreak::IseeMinore => "isee_minore",
            TieBreak::PuntiOggettivi => "punti_oggettivi",
            TieBreak::PuntiSoggettivi => "punti_soggettivi",
            TieBreak::PiuComponenti => "piu_componenti",
            TieBreak::Protocollo => "protocollo",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TieBreak::IseeMinore => "ISEE più basso",
            TieBreak::PuntiOggettivi => "più punti oggettivi",
            TieBreak::PuntiSoggettivi => "più punti soggettivi",
            TieBreak::PiuComponenti => "nucleo più numeroso",
            TieBreak::Protocollo => "protocollo anteriore",
        }
    }

    pub fn parse(code: &str) -> Option<TieBreak> {
        TieBreak::ALL.into_iter().find(|t| t.code() == code.trim())
    }

    /// DOMAIN.md §4: lower ISEE, more objective points, earlier protocol, then the lot.
    pub const DEFAULT_CHAIN: [TieBreak; 3] = [
        TieBreak::IseeMinore,
        TieBreak::PuntiOggettivi,
        TieBreak::Protocollo,
    ];
}

/// The whole table of a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ruleset {
    pub name: String,
    /// An example table, to be replaced by the Comune's own: the console says so.
    #[serde(default)]
    pub example: bool,
    /// Highest points a block can give; None: no cap.
    #[serde(default)]
    pub caps: BTreeMap<Block, Points>,
    pub criteria: Vec<Criterion>,
    pub tie_breaks: Vec<TieBreak>,
}

/// What is wrong with a ruleset, and where: the loader turns the place into `file:line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesetIssue {
    /// Index in `criteria`; None for the table as a whole.
    pub criterion: Option<usize>,
    /// Index of the band within the criterion, when the band is the fault.
    pub band: Option<usize>,
    pub reason: String,
}

impl fmt::Display for RulesetIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl Ruleset {
    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.id == id)
    }

    /// Every rule a table must keep; the first broken one is reported.
    pub fn validate(&self) -> Result<(), RulesetIssue> {
        let whole = |reason: String| RulesetIssue {
            criterion: None,
            band: None,
            reason,
        };
        if self.name.trim().is_empty() {
            return Err(whole("manca il nome della tabella".into()));
        }
        if self.criteria.is_empty() {
            return Err(whole("nessun criterio".into()));
        }
        for (block, cap) in &self.caps {
            if cap.0 <= 0 {
                return Err(whole(format!(
                    "il tetto del blocco {} deve essere positivo",
                    block.code()
                )));
            }
        }
        let mut seen_breaks = BTreeSet::new();
        for tie in &self.tie_breaks {
            if !seen_breaks.insert(*tie) {
                return Err(whole(format!(
                    "spareggio '{}' ripetuto nella catena",
                    tie.code()
                )));
            }
        }
        let mut ids = BTreeSet::new();
        let mut group_blocks: BTreeMap<&str, Block> = BTreeMap::new();
        for (index, criterion) in self.criteria.iter().enumerate() {
            let at = |reason: String| RulesetIssue {
                criterion: Some(index),
                band: None,
                reason,
            };
            let id = criterion.id.trim();
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                return Err(at(format!(
                    "codice '{}' non valido: lettere, cifre e _",
                    criterion.id
                )));
            }
            if !ids.insert(id) {
                return Err(at(format!("codice '{id}' ripetuto")));
            }
            if criterion.label.trim().is_empty() {
                return Err(at(format!("manca la descrizione di '{id}'")));
            }
            if let Some(group) = &criterion.group {
                match group_blocks.get(group.as_str()) {
                    Some(block) if *block != criterion.block => {
                        return Err(at(format!(
                            "il gruppo '{group}' unisce criteri di blocchi diversi"
                        )));
                    }
                    _ => {
                        group_blocks.insert(group.as_str(), criterion.block);
                    }
                }
            }
            validate_rule(&criterion.rule).map_err(|(band, reason)| RulesetIssue {
                criterion: Some(index),
                band,
                reason,
            })?;
        }
        Ok(())
    }
}

fn positive(points: Points, what: &str) -> Result<(), (Option<usize>, String)> {
    if points.0 < 0 {
        Err((None, format!("punti negativi ({points}) in {what}")))
    } else {
        Ok(())
    }
}

fn validate_rule(rule: &Rule) -> Result<(), (Option<usize>, String)> {
    match rule {
        Rule::Condizione { any_of, points } => {
            if any_of.is_empty() {
                return Err((None, "nessuna condizione indicata".into()));
            }
            positive(*points, "punti")
        }
        Rule::Fasce { bands, .. } => {
            if bands.is_empty() {
                return Err((None, "nessuna fascia".into()));
            }
            for (i, band) in bands.iter().enumerate() {
                if band.points.0 < 0 {
                    return Err((
                        Some(i),
                        format!("punti negativi ({}) nella fascia", band.points),
                    ));
                }
                if let (Some(from), Some(to)) = (band.from, band.to)
                    && from > to
                {
                    return Err((Some(i), "fascia vuota: 'da' supera 'a'".into()));
                }
                for (j, earlier) in bands[..i].iter().enumerate() {
                    let starts_before_end =
                        band.from.is_none_or(|f| earlier.to.is_none_or(|t| f <= t));
                    let ends_after_start =
                        band.to.is_none_or(|t| earlier.from.is_none_or(|f| t >= f));
                    if starts_before_end && ends_after_start {
                        return Err((Some(i), format!("fascia sovrapposta alla fascia {}", j + 1)));
                    }
                }
            }
            Ok(())
        }
        Rule::PerUnita { per_unit, cap, .. } => {
            positive(*per_unit, "punti per unità")?;
            if cap.0 <= 0 {
                return Err((None, "manca il tetto: indica il massimo (tetto > 0)".into()));
            }
            Ok(())
        }
        Rule::Nucleo { predicate, points } => {
            if let HouseholdPredicate::GenitoreSolo {
                min,
                max: Some(max),
            } = predicate
                && max < min
            {
                return Err((None, "minori: il massimo è sotto il minimo".into()));
            }
            positive(*points, "punti")
        }
        Rule::Invalidita {
            min_pct,
            max_pct,
            points,
            ..
        } => {
            if min_pct > max_pct || *max_pct > 100 || *min_pct == 0 {
                return Err((
                    None,
                    "invalidità: percentuali tra 1 e 100, la minima non sopra la massima".into(),
                ));
            }
            positive(*points, "punti")
        }
    }
}
