//! The demo's ranking: the example point table, the findings that score (ISEE, residence and
//! most declared conditions verified), a published provisional ranking, and objections in
//! progress: one accepted with its adjustment, the others still to decide.

use chrono::Duration;

use super::ACTORS;
use super::calendar::{add_days, rome_local};
use super::tables::Tables;
use crate::domain::objection::Adjustment;
use crate::domain::points::Points;
use crate::domain::publication::RankingHeader;
use crate::domain::ranking::RankingKind;
use crate::domain::ruleset::Ruleset;
use crate::domain::time::{Timestamp, rome_date};
use crate::domain::verification::{CheckItem, Requirement};
use crate::domain::{Application, Call, Command, Context, DomainError, State};
use crate::messages::{Catalogue, ComuneConfig, Order, Values};
use crate::store::{Store, StoreError};

/// One declared condition in this many is left unverified, so the case view shows a `?`.
const UNVERIFIED_EVERY: usize = 8;
/// Objections received, of which the first is accepted.
const OBJECTIONS: usize = 3;
/// The draw's seed is derived from the demo's, so the same seed gives the same draw.
const DRAW_SEED_SALT: u64 = 0x6AAD_0A7E_0000_0006;
/// Minutes the steps after the verifications take: publication, objections, decision, rectification.
const MINUTES_AFTER_VERIFYING: i64 = 30 + 20 * OBJECTIONS as i64 + 15 + 5;

/// Time between two verifications that start at `from`: a minute, or less so that the last
/// step still falls on `from`'s day. A large demo (thousands of admitted applications) would
/// otherwise publish days later, after the day the demo is run.
fn verification_step(from: Timestamp, count: usize) -> Duration {
    let next_day = add_days(rome_date(from), 1);
    let left = rome_local(next_day, 0) - from - Duration::minutes(MINUTES_AFTER_VERIFYING + 1);
    let count = i32::try_from(count.max(1)).unwrap_or(i32::MAX);
    (left / count).clamp(Duration::zero(), Duration::minutes(1))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankingSummary {
    pub header: RankingHeader,
    pub verifications: usize,
    pub objections: usize,
    pub objections_open: usize,
    pub messages: usize,
    /// The publication's messages, in the outbox.
    pub queued: Vec<crate::messages::outbox::OutboxId>,
    pub events: usize,
}

/// The example ruleset, parsed: a fault in the shipped file is a fault of this build.
pub fn example_ruleset() -> Result<Ruleset, StoreError> {
    crate::files::ruleset_toml::esempio_marche().map_err(|e| StoreError::Message(e.to_string()))
}

/// Adds the ranking to a populated demo whose last event is at `after`; None when no
/// application is admitted (a very small demo). Everything happens on the day of `after` (the
/// day before the intake's today, README promises): the verifications share what is left of
/// that day, a minute each while they fit.
pub fn add(
    store: &Store,
    call: &Call,
    tables: &Tables,
    seed: u64,
    after: Timestamp,
) -> Result<Option<RankingSummary>, StoreError> {
    let applications = store.call_applications(&call.code)?;
    if !applications.iter().any(|a| a.state == State::Ammessa) {
        return Ok(None);
    }
    let mut clock = after;
    let tick = |clock: &mut Timestamp, minutes: i64| {
        *clock += Duration::minutes(minutes);
        *clock
    };
    let ctx = |actor: usize, now: Timestamp| Context {
        actor: ACTORS[actor % ACTORS.len()].to_string(),
        on_behalf_of: None,
        now,
    };
    let mut events = 0;
    let save = Command::SaveRuleset {
        call: call.code.clone(),
        ruleset: Box::new(example_ruleset()?),
    };
    events += store.execute(&save, &ctx(0, tick(&mut clock, 5)))?.len();

    let mut verifications = Vec::new();
    let mut conditions_seen = 0;
    for app in applications.iter().filter(|a| a.state == State::Ammessa) {
        let mut items = vec![
            CheckItem::Requisito(Requirement::Isee),
            CheckItem::Requisito(Requirement::ResidenzaOLavoro),
        ];
        for condition in &app.declaration.conditions {
            conditions_seen += 1;
            if conditions_seen % UNVERIFIED_EVERY != 0 {
                items.push(CheckItem::Condizione(*condition));
            }
        }
        for item in items {
            if app.verifications.get(&item).is_some_and(|v| v.verified) {
                continue;
            }
            let command = Command::Verify {
                id: app.id,
                item,
                verified: true,
                note: String::new(),
            };
            verifications.push((command, app.id.0 as usize));
        }
    }
    let step = verification_step(clock, verifications.len());
    let mut at = clock;
    let verifications: Vec<(Command, Context)> = verifications
        .into_iter()
        .map(|(command, actor)| {
            at += step;
            (command, ctx(actor, at))
        })
        .collect();
    clock = at;
    events += store.execute_all(&verifications)?.len();

    let template = Catalogue::builtin()
        .get(crate::messages::ranking_template(RankingKind::Provvisoria))
        .ok_or_else(|| StoreError::Message("modello della graduatoria assente".into()))?;
    let config = ComuneConfig::example();
    let order = Order {
        template,
        config: &config,
        typed: Values::new(),
        recipient: None,
    };
    let published = store.publish_ranking(
        &call.code,
        RankingKind::Provvisoria,
        seed ^ DRAW_SEED_SALT,
        &ctx(1, tick(&mut clock, 30)),
        &order,
    )?;
    events += 1 + usize::from(published.header.draw.is_some()) + published.queued.len();

    // Objections from the top of the ranking, received on the day of publication.
    let (_, rows) = store
        .ranking_version(&call.code, published.header.number)?
        .ok_or_else(|| StoreError::Message("graduatoria appena pubblicata non trovata".into()))?;
    let objectors: Vec<&Application> = rows
        .iter()
        .filter(|row| row.admitted)
        .filter_map(|row| applications.iter().find(|a| a.id == row.application))
        .skip(2)
        .step_by(3)
        .take(OBJECTIONS)
        .collect();
    for (n, app) in objectors.iter().enumerate() {
        let now = tick(&mut clock, 20);
        let command = Command::FileObjection {
            id: app.id,
            received_on: rome_date(now),
            text: tables.objection_texts[n % tables.objection_texts.len()].clone(),
        };
        events += store.execute(&command, &ctx(2, now))?.len();
    }
    if let Some(first) = objectors.first() {
        let decide = Command::DecideObjection {
            id: first.id,
            index: 0,
            accepted: true,
            reason: "residenza storica documentata dal certificato anagrafico".into(),
        };
        events += store.execute(&decide, &ctx(0, tick(&mut clock, 15)))?.len();
        let adjust = Command::AdjustScore {
            id: first.id,
            adjustment: Adjustment::Override {
                criterion: "residenza".into(),
                points: Some(Points::whole(8)),
            },
            reason: "opposizione accolta: residenza dal 2004, certificato anagrafico".into(),
        };
        match store.execute(&adjust, &ctx(0, tick(&mut clock, 5))) {
            Ok(e) => events += e.len(),
            // Already at the cap: the accepted objection changes nothing to rectify.
            Err(StoreError::Domain(DomainError::Invalid { .. })) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(Some(RankingSummary {
        verifications: verifications.len(),
        objections: objectors.len(),
        objections_open: objectors.len().saturating_sub(1),
        messages: published.queued.len(),
        queued: published.queued,
        header: published.header,
        events,
    }))
}
