//! Objections to a provisional ranking (DOMAIN.md §5): received within the window, then
//! accepted (the application is re-scored) or rejected, always with a reason.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::application::{Application, State};
use super::error::DomainError;
use super::publication::RankingHeader;
use super::ranking::RankingKind;
use super::ranking::{Entry, Lot, rank};
use super::ruleset::Ruleset;
use super::scoring::{CapAbsorbed, ScoreOverride, Totals, caps_absorbing, score, totals};
use super::time::{Timestamp, format_date, format_ts_date, rome_date};
use super::verification::{CheckItem, Verification};

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

/// Highest points a caseworker may set on one criterion: far above any real table, low enough
/// to catch a typo.
const MAX_OVERRIDE: super::points::Points = super::points::Points::whole(100);

fn refuse(field: &'static str, why: impl Into<String>) -> DomainError {
    DomainError::invalid(field, why)
}

/// Whether `adjustment` can be made to `application` under `ruleset`.
pub fn check_adjustment(
    application: &Application,
    ruleset: Option<&Ruleset>,
    adjustment: &Adjustment,
) -> Result<(), DomainError> {
    if application.state != State::Ammessa {
        return Err(refuse(
            "punteggio",
            format!(
                "solo le domande ammesse hanno un punteggio (questa è {})",
                application.state
            ),
        ));
    }
    let ruleset = ruleset.ok_or_else(|| {
        refuse(
            "punteggio",
            "il bando non ha ancora una tabella dei punteggi: caricala con alloggi ranking rules",
        )
    })?;
    match adjustment {
        Adjustment::Condition { condition, present } => {
            let item = CheckItem::Condizione(*condition);
            let verified = application.verifications.get(&item).map(|v| v.verified);
            let declared = application.declaration.has(*condition);
            if *present {
                if declared && verified == Some(true) {
                    return Err(refuse(
                        "condizione",
                        format!("{} è già riconosciuta", condition.label()),
                    ));
                }
                let mut declaration = application.declaration.clone();
                declaration.conditions.insert(*condition);
                declaration.validate(application.household.len())?;
            } else {
                if !declared {
                    return Err(refuse(
                        "condizione",
                        format!("{} non è tra le condizioni dichiarate", condition.label()),
                    ));
                }
                if verified == Some(false) {
                    return Err(refuse(
                        "condizione",
                        format!("{} è già non riconosciuta", condition.label()),
                    ));
                }
            }
        }
        Adjustment::Override { criterion, points } => {
            if ruleset.criterion(criterion).is_none() {
                return Err(refuse(
                    "criterio",
                    format!("'{criterion}' non è nella tabella dei punteggi"),
                ));
            }
            let current = application.score_overrides.get(criterion).map(|o| o.points);
            match points {
                Some(p) if p.0 < 0 => return Err(refuse("punti", "non possono essere negativi")),
                Some(p) if *p > MAX_OVERRIDE => {
                    return Err(refuse("punti", format!("al massimo {MAX_OVERRIDE}")));
                }
                Some(p) if current == Some(*p) => {
                    return Err(refuse(
                        "punti",
                        format!(
                            "{criterion} vale già {} per rettifica",
                            crate::domain::number::points_text(p)
                        ),
                    ));
                }
                None if current.is_none() => {
                    return Err(refuse(
                        "criterio",
                        format!("{criterion} non ha una rettifica da togliere"),
                    ));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Whether an objection received on `received_on` can be recorded; the version it is against.
pub fn check_filing(
    application: &Application,
    ranking: Option<&RankingHeader>,
    received_on: NaiveDate,
    now: Timestamp,
) -> Result<u32, DomainError> {
    let ranking = ranking.ok_or_else(|| {
        refuse(
            "opposizione",
            "nessuna graduatoria pubblicata per questo bando",
        )
    })?;
    if ranking.kind != RankingKind::Provvisoria {
        return Err(refuse(
            "opposizione",
            "la graduatoria definitiva è già pubblicata",
        ));
    }
    if received_on > rome_date(now) {
        return Err(refuse("data", "la data di ricezione è nel futuro"));
    }
    if !ranking.objection_window_open(received_on) {
        return Err(refuse(
            "data",
            format!(
                "fuori termine: le opposizioni alla graduatoria n. {} si ricevono dal {} al {}",
                ranking.number,
                format_ts_date(ranking.published_at),
                ranking
                    .objection_deadline
                    .map(format_date)
                    .unwrap_or_default()
            ),
        ));
    }
    let in_ranking = matches!(application.state, State::Ammessa | State::Esclusa)
        && application
            .decision
            .as_ref()
            .is_some_and(|d| d.at <= ranking.published_at);
    if !in_ranking {
        return Err(refuse(
            "opposizione",
            format!("la domanda non è nella graduatoria n. {}", ranking.number),
        ));
    }
    if application.objections.iter().any(Objection::is_open) {
        return Err(refuse(
            "opposizione",
            "la domanda ha già un'opposizione da decidere",
        ));
    }
    Ok(ranking.number)
}

/// Whether objection `index` of `application` can be decided.
pub fn check_decision(
    application: &Application,
    ranking: Option<&RankingHeader>,
    index: usize,
) -> Result<(), DomainError> {
    let objection = application.objections.get(index).ok_or_else(|| {
        refuse(
            "opposizione",
            format!("la domanda non ha l'opposizione {}", index + 1),
        )
    })?;
    if !objection.is_open() {
        return Err(refuse("opposizione", "già decisa"));
    }
    if ranking.is_some_and(|r| r.kind == RankingKind::Definitiva) {
        return Err(refuse(
            "opposizione",
            "la graduatoria definitiva è già pubblicata",
        ));
    }
    Ok(())
}

/// Applies a checked adjustment to `application`: the one place that does, used by `evolve`
/// and by the console's preview of the change.
pub fn apply_adjustment(
    application: &mut Application,
    adjustment: &Adjustment,
    reason: String,
    by: &str,
    at: Timestamp,
) {
    match adjustment {
        Adjustment::Condition { condition, present } => {
            if *present && !application.declaration.has(*condition) {
                application.declaration.conditions.insert(*condition);
                application.conditions_recognised.insert(*condition);
            }
            application.verifications.insert(
                CheckItem::Condizione(*condition),
                Verification {
                    verified: *present,
                    note: reason,
                    by: by.to_string(),
                    at,
                },
            );
        }
        Adjustment::Override {
            criterion,
            points: Some(points),
        } => {
            application.score_overrides.insert(
                criterion.clone(),
                ScoreOverride {
                    points: *points,
                    reason,
                    by: by.to_string(),
                    at,
                },
            );
        }
        Adjustment::Override { criterion, .. } => {
            application.score_overrides.remove(criterion);
        }
    }
}

/// What an adjustment would do, shown before it is confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdjustmentEffect {
    pub before: Totals,
    pub after: Totals,
    /// The blocks whose cap took part of the change.
    pub absorbed: Vec<CapAbsorbed>,
    /// Position among the admitted applications, before and after.
    pub position_before: Option<u32>,
    pub position_after: Option<u32>,
}

impl AdjustmentEffect {
    pub fn delta(&self) -> super::points::Points {
        self.after.total() - self.before.total()
    }
}

/// The score and position `application` would have after `adjustment`, against `entries` (the
/// admitted applications of the call, as `ranking::Entry::of` builds them).
pub fn adjustment_effect(
    application: &Application,
    adjustment: &Adjustment,
    entries: &[Entry],
    call: &super::call::Call,
    ruleset: &Ruleset,
) -> AdjustmentEffect {
    let mut changed = application.clone();
    apply_adjustment(
        &mut changed,
        adjustment,
        String::new(),
        "",
        application.received_at,
    );
    let position = |app: &Application| {
        let mut all: Vec<Entry> = entries.iter().filter(|e| e.id != app.id).cloned().collect();
        all.push(Entry::of(app, call, ruleset));
        rank(&all, &ruleset.tie_breaks, Lot::Pending)
            .places
            .iter()
            .find(|p| p.id == app.id)
            .map(|p| p.position)
    };
    AdjustmentEffect {
        before: totals(application, call, ruleset),
        after: totals(&changed, call, ruleset),
        absorbed: caps_absorbing(
            &score(application, call, ruleset),
            &score(&changed, call, ruleset),
        ),
        position_before: position(application),
        position_after: position(&changed),
    }
}
