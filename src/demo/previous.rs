//! The call before the current one, a year earlier, run to its end: every application decided,
//! the point table, the provisional ranking, its objections decided, the definitive ranking.
//! Its round of assignments (`round`) is what an office works on while the next call is
//! reviewed.
//!
//! It is written after the current call's applications, so that their ids, protocol numbers and
//! messages are those of a demo without it; its commands carry their own past dates.

use chrono::Duration;

use super::calendar::{HOUR, add_days, next_working_day, rome_local};
use super::lifecycle::Demo;
use super::tables::Tables;
use super::{ACTORS, DemoError, DemoOptions, dated_call, ranking, sent};
use crate::domain::ranking::RankingKind;
use crate::domain::time::{Timestamp, rome_date};
use crate::domain::{Call, Command, Context, State};
use crate::files::call_toml::bando_2024;
use crate::messages::{Catalogue, ComuneConfig, Order, Values};
use crate::store::{Store, StoreError};

/// Applications to the previous call.
pub const APPLICATIONS: usize = 60;
/// 52 weeks: the weekdays stay those of the current call.
const YEAR_BEFORE_DAYS: i64 = -364;
/// Its own streams: the same seed gives the same previous call.
const SEED_SALT: u64 = 0x2023_0000_0000_0023;
/// Days from the last decision to the provisional ranking.
const DAYS_TO_PROVISIONAL: i64 = 12;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousSummary {
    pub code: String,
    pub applications: usize,
    pub admitted: usize,
    pub excluded: usize,
    pub objections: usize,
    /// Number of the definitive ranking's version.
    pub definitive: u32,
    pub events: usize,
}

/// The previous call as the seed's call gives it, a year before `current`.
pub fn previous_call(current: &Call) -> Result<Call, DemoError> {
    let mut call = bando_2024()?;
    // The current call's dates, whatever day the demo was dated to.
    call.opens_at = current.opens_at;
    call.closes_at = current.closes_at;
    call.params.reference_date = current.params.reference_date;
    call.determina = "Determina n. 1327 del -".into();
    call.params.refusal_notice = false;
    let mut call = dated_call::moved(call, YEAR_BEFORE_DAYS);
    let year = rome_date(call.opens_at).format("%Y").to_string();
    call.code = format!("erp-{year}");
    if call.code == current.code {
        call.code = format!("erp-{year}-precedente");
    }
    call.title = format!("Bando ERP {year}");
    Ok(call)
}

fn ctx(actor: usize, now: Timestamp) -> Context {
    Context {
        actor: ACTORS[actor % ACTORS.len()].to_string(),
        on_behalf_of: None,
        now,
    }
}

fn last_event_at(store: &Store) -> Result<Option<Timestamp>, StoreError> {
    let last = store.audit_len() as u64;
    Ok(store.audit_events(last, 1)?.first().map(|(_, e)| e.at))
}

/// Adds the previous call of `current` (the active call) with its history to its definitive
/// ranking; `current` is active again at the end.
pub fn add(
    store: &Store,
    current: &Call,
    tables: &'static Tables,
    seed: u64,
) -> Result<PreviousSummary, DemoError> {
    let call = previous_call(current)?;
    let mut events = 0;
    // Saved and activated on the day of its determina, as the current one was.
    let determina = add_days(rome_date(call.opens_at), -dated_call::DETERMINA_DAYS_BEFORE);
    let saved = ctx(0, rome_local(determina, 10 * HOUR));
    events += store
        .execute(&Command::SaveCall(Box::new(call.clone())), &saved)?
        .len();
    let activate = Command::ActivateCall {
        code: call.code.clone(),
    };
    events += store.execute(&activate, &saved)?.len();

    let first_id = store.application_count() as u64 + 1;
    let options = DemoOptions {
        applications: APPLICATIONS,
        seed: seed ^ SEED_SALT,
    };
    let mut demo = Demo::new(store, &call, tables, &options).settled_after(first_id);
    demo.run(&mut |_, _| {})?;
    events += demo.events;

    let last = last_event_at(store)?.unwrap_or(call.closes_at);
    let day = next_working_day(add_days(rome_date(last), DAYS_TO_PROVISIONAL));
    let provisional_at = rome_local(day, 9 * HOUR).max(last + Duration::minutes(5));
    let provisional = ranking::add(store, &call, tables, options.seed, provisional_at)?
        .ok_or_else(|| StoreError::Message("nessuna domanda ammessa al bando precedente".into()))?;
    events += provisional.events;
    events += sent::send(store, &provisional.queued, provisional.header.published_at)?;

    // The objections decided after the days for them: the first was accepted, the rest not.
    let deadline = provisional
        .header
        .objection_deadline
        .unwrap_or_else(|| rome_date(provisional.header.published_at));
    let decided_on = next_working_day(add_days(deadline, 3));
    let mut clock = rome_local(decided_on, 9 * HOUR);
    let applications = store.call_applications(&call.code)?;
    for app in &applications {
        for (index, objection) in app.objections.iter().enumerate() {
            if objection.decision.is_some() {
                continue;
            }
            clock += Duration::minutes(20);
            let decide = Command::DecideObjection {
                id: app.id,
                index,
                accepted: false,
                reason: "le condizioni indicate non risultano dai documenti presentati".into(),
            };
            events += store.execute(&decide, &ctx(0, clock))?.len();
        }
    }
    let template = Catalogue::builtin()
        .get(crate::messages::ranking_template(RankingKind::Definitiva))
        .ok_or_else(|| StoreError::Message("modello della graduatoria assente".into()))?;
    let config = ComuneConfig::example();
    let order = Order {
        template,
        config: &config,
        typed: Values::new(),
        recipient: None,
    };
    clock += Duration::minutes(60);
    let definitive = store.publish_ranking(
        &call.code,
        RankingKind::Definitiva,
        options.seed,
        &ctx(1, clock),
        &order,
    )?;
    events += 1 + usize::from(definitive.header.draw.is_some()) + definitive.queued.len();
    events += sent::send(store, &definitive.queued, clock)?;

    // The current call back in front, as it has been since its own determina.
    let current_saved = add_days(
        rome_date(current.opens_at),
        -dated_call::DETERMINA_DAYS_BEFORE,
    );
    let back = Command::ActivateCall {
        code: current.code.clone(),
    };
    events += store
        .execute(&back, &ctx(0, rome_local(current_saved, 10 * HOUR + 60)))?
        .len();

    let applications = store.call_applications(&call.code)?;
    let count = |state| applications.iter().filter(|a| a.state == state).count();
    Ok(PreviousSummary {
        code: call.code,
        applications: applications.len(),
        admitted: count(State::Ammessa),
        excluded: count(State::Esclusa),
        objections: provisional.objections,
        definitive: definitive.header.number,
        events,
    })
}
