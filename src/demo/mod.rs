//! `alloggi demo`: fills an empty database with a realistic, reproducible history of one call.
//!
//! Every change goes through the same commands a caseworker issues (`Store::execute_all`), so the
//! demo data passes every domain check and leaves a genuine audit trail. Nothing reads the clock:
//! receipts are generated in time order inside the call's window, and each later step of an
//! application (registration, review, integration, decision) waits in a queue ordered by its
//! simulated instant. Applications are taken in chunks of `CHUNK_APPLICATIONS` in order of
//! receipt; a chunk's commands run in simulated time order, in one transaction. The audit log is
//! thus chronological within each chunk (throughout, for a small demo), and protocol numbers
//! follow the registration dates but for a little overlap between chunks. A fully chronological
//! run was measured 50 % slower, with twice the disk space: every command then met a cold
//! application and each application was rewritten in four transactions instead of one.
//! The same seed always gives byte-identical databases (with `populate_on`, on the same day).

mod calendar;
mod dated_call;
mod declaration;
mod intake;
mod lifecycle;
mod office_time;
mod outbox;
mod people;
mod previous;
mod random;
mod ranking;
mod round;
mod routes;
mod sent;
mod stock;
mod tables;
mod tenancies;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::domain::time::rome_date;
use crate::domain::{ApplicationId, State};
use crate::domain::{Command, Context};
use crate::files::call_toml::{CallFileError, bando_2024};
use crate::store::{Store, StoreError};

pub use intake::IntakeSummary;
pub use previous::PreviousSummary;
pub use ranking::{RankingSummary, example_ruleset};
pub use round::RoundSummary;
pub use tables::TableError;
pub use tenancies::RentSummary;

use calendar::{HOUR, add_days, rome_local};
use lifecycle::Demo;
use tables::Tables;

pub const MAX_APPLICATIONS: usize = 1_000_000;

/// Applications per transaction (about 3.600 commands). Measured on 30.000 applications:
/// 250 → 10,6 s, 500 → 8,7 s, 1.000 → 8,6 s, 2.000 → 8,8 s.
const CHUNK_APPLICATIONS: usize = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    pub applications: usize,
    pub seed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub applications: usize,
    /// Events written to the audit log by this run (the call's included when it was saved).
    pub events: usize,
    pub per_state: BTreeMap<State, usize>,
    /// IO messages left queued, one per catalogue template.
    pub messages: usize,
    /// Interested citizens, appointments, verifications and fee notices added last.
    pub intake: IntakeSummary,
    /// The previous call, run to its definitive ranking, and its assignment round: only in
    /// `populate_with_history`.
    pub previous: Option<(PreviousSummary, RoundSummary)>,
    /// The leases of the round's first assignees and a year of their rent: only in
    /// `populate_with_history`.
    pub rent: Option<RentSummary>,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error(
        "il database contiene già delle domande: usare un database vuoto per i dati dimostrativi"
    )]
    NotEmpty,
    #[error("al massimo 1.000.000 di domande")]
    TooMany,
    #[error("bando dimostrativo non valido: {0}")]
    Call(#[from] CallFileError),
    #[error("dati dimostrativi non validi: {0}")]
    Tables(#[from] TableError),
    #[error("{0}")]
    Office(#[from] crate::office::OfficeError),
}

/// Fills `store`, which must hold no application, with `options.applications` applications of
/// the active call (the seed's 2024 call is saved and activated when there is none).
/// `progress` receives (completed applications, total) after each transaction, last (total, total).
/// The intake (appointments, fee deadlines) is arranged around a day fixed by the demo itself,
/// two months after its last event: the result never depends on the clock.
pub fn populate(
    store: &Store,
    options: &DemoOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<DemoSummary, DemoError> {
    fill(store, options, None, false, progress)
}

/// Adds the ranking of the active call to a populated demo, after its last event: the example
/// point table, a published provisional ranking and objections in progress. None when no
/// application is admitted.
pub fn add_ranking(store: &Store, seed: u64) -> Result<Option<RankingSummary>, DemoError> {
    let Some(call) = store.active_call()? else {
        return Ok(None);
    };
    let last = store.audit_len() as u64;
    let after = store
        .audit_events(last, 1)?
        .first()
        .map(|(_, event)| event.at)
        .unwrap_or(call.opens_at);
    Ok(ranking::add(store, &call, Tables::get()?, seed, after)?)
}

/// As `populate`, dated for `today` (the caseworker's today, for a demo someone will look at):
/// the seed's call is moved by whole weeks so that `today` falls inside its procedure (see
/// `dated_call`), and the appointments and fee deadlines are arranged around `today`, or later
/// if `today` is less than two months after the demo's last event. The same seed and day
/// always give the same database.
pub fn populate_on(
    store: &Store,
    options: &DemoOptions,
    today: NaiveDate,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<DemoSummary, DemoError> {
    fill(store, options, Some(today), false, progress)
}

/// As `populate_on`, with the call before the current one, a year earlier, run to its
/// definitive ranking, 40 dwellings and its assignment round under way on `today` (see
/// `previous` and `round`): what `alloggi demo` makes. The current call's applications,
/// protocol numbers and messages are those `populate_on` gives. The same seed and day always
/// give the same database.
pub fn populate_with_history(
    store: &Store,
    options: &DemoOptions,
    today: NaiveDate,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<DemoSummary, DemoError> {
    fill(store, options, Some(today), true, progress)
}

fn fill(
    store: &Store,
    options: &DemoOptions,
    today: Option<NaiveDate>,
    history: bool,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<DemoSummary, DemoError> {
    if options.applications > MAX_APPLICATIONS {
        return Err(DemoError::TooMany);
    }
    if store.application_count() > 0 {
        return Err(DemoError::NotEmpty);
    }
    let tables = Tables::get()?;
    let mut events = 0;
    let call = match store.active_call()? {
        Some(call) => call,
        None => {
            let mut call = match today {
                Some(today) => dated_call::dated(bando_2024()?, today),
                None => bando_2024()?,
            };
            // The demo's exclusions are decided at once, as a call treated as a competitive
            // procedure decides them (art. 10-bis L. 241/1990 exempts those): the notice of
            // the grounds for refusal is off here, and a caseworker may turn it on.
            call.params.refusal_notice = false;
            // Saved on the day of the determina, a few days before the window opens.
            let day = add_days(rome_date(call.opens_at), -dated_call::DETERMINA_DAYS_BEFORE);
            let ctx = Context {
                actor: ACTORS[0].to_string(),
                on_behalf_of: None,
                now: rome_local(day, 10 * HOUR),
            };
            events += store
                .execute(&Command::SaveCall(Box::new(call.clone())), &ctx)?
                .len();
            // SaveCall activates only when no code is active; a dangling one must be replaced.
            if store.active_call()?.map(|c| c.code) != Some(call.code.clone()) {
                let activate = Command::ActivateCall {
                    code: call.code.clone(),
                };
                events += store.execute(&activate, &ctx)?.len();
            }
            call
        }
    };
    let mut demo = Demo::new(store, &call, tables, options);
    demo.run(progress)?;
    let last = store.audit_len() as u64;
    let at = store
        .audit_events(last, 1)?
        .first()
        .map(|(_, event)| event.at)
        .unwrap_or(call.opens_at)
        + chrono::Duration::minutes(5);
    let messages = outbox::queue_catalogue(store, &call, at)?;
    // The current call's alone: the previous call's applications come after them.
    let per_state = store.count_by_state()?;
    let last_current = ApplicationId(store.application_count() as u64);
    let mut rent = None;
    let previous = match today.filter(|_| history) {
        Some(today) => {
            let earlier = previous::add(store, &call, tables, options.seed)?;
            let previous_call = store
                .call(&earlier.code)?
                .ok_or_else(|| StoreError::Message("bando precedente non salvato".into()))?;
            let (definitive, _) = store
                .ranking_version(&earlier.code, earlier.definitive)?
                .ok_or_else(|| StoreError::Message("graduatoria definitiva assente".into()))?;
            let round_day = intake::today_for(at, Some(today));
            let round = round::add(
                store,
                &previous_call,
                rome_date(definitive.published_at),
                round_day,
            )?;
            events += earlier.events + round.events;
            rent = tenancies::add(store, &round.leased, round_day, options.seed)?;
            events += rent.as_ref().map_or(0, |r| r.events);
            Some((earlier, round))
        }
        None => None,
    };
    let intake = intake::add(store, &call, tables, options.seed, at, today, last_current)?;
    Ok(DemoSummary {
        applications: options.applications,
        events: events + demo.events + messages + intake.events,
        messages,
        per_state,
        intake,
        previous,
        rent,
    })
}

/// The caseworkers who act in the demo, by their operator names.
const ACTORS: [&str; 5] = ["mrossi", "gbianchi", "lverdi", "acolombo", "fmarchetti"];

/// Belfiore code of Fermo, the Comune of the call: where most applicants were born.
const FERMO: &str = "D542";
