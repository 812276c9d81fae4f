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

mod intake;
mod outbox;
mod ranking;
mod tables;

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, HashSet};

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::application::{Channel, DocumentStatus, ExclusionReason};
use crate::domain::call::Need;
use crate::domain::command::NewApplication;
use crate::domain::contact::{Address, Contact};
use crate::domain::fiscal_code::PersonFiscalCode;
use crate::domain::household::{
    Citizenship, ComuneTie, Condition, Declaration, Household, Member, Relation, StampDuty,
    adequate_area_m2,
};
use crate::domain::money::Money;
use crate::domain::time::{Timestamp, format_date, rome_date, start_of_day_rome};
use crate::domain::{Application, ApplicationId, Call, Command, Context, DomainError, State};
use crate::files::call_toml::{CallFileError, bando_2024};
use crate::store::{Store, StoreError};

pub use intake::IntakeSummary;
pub use ranking::{RankingSummary, example_ruleset};
pub use tables::TableError;

use tables::{Community, Tables};

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
    fill(store, options, None, progress)
}

/// As `populate`, with the appointments and fee deadlines arranged around `today` (the
/// caseworker's today, for a demo someone will look at), or later if `today` is less than two
/// months after the demo's last event.
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

pub fn populate_on(
    store: &Store,
    options: &DemoOptions,
    today: NaiveDate,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<DemoSummary, DemoError> {
    fill(store, options, Some(today), progress)
}

fn fill(
    store: &Store,
    options: &DemoOptions,
    today: Option<NaiveDate>,
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
            let call = bando_2024()?;
            // Saved on the day of the determina, a few days before the window opens.
            let day = add_days(rome_date(call.opens_at), -6);
            let ctx = Context {
                actor: ACTORS[0].to_string(),
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
    let intake = intake::add(store, &call, tables, options.seed, at, today)?;
    Ok(DemoSummary {
        applications: options.applications,
        events: events + demo.events + messages + intake.events,
        messages,
        per_state: store.count_by_state()?,
        intake,
    })
}

// ---- reference data -----------------------------------------------------------------------

const ACTORS: [&str; 5] = ["mrossi", "gbianchi", "lverdi", "acolombo", "fmarchetti"];

const HOUR: u32 = 3600;
const MINUTE: u32 = 60;

/// Belfiore code of Fermo, the Comune of the call: where most applicants were born.
const FERMO: &str = "D542";

const MOBILE_PREFIXES: [u32; 24] = [
    320, 328, 329, 331, 333, 334, 335, 338, 339, 340, 342, 345, 347, 348, 349, 351, 360, 366, 368,
    370, 380, 388, 389, 392,
];

// ---- simulated lifecycle ------------------------------------------------------------------

/// The steps after receipt; each maps to one or more commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Register,
    Review,
    Request,
    ReceiveIntegration,
    RecordDocuments,
    Admit,
    Exclude,
    Reinstate,
}

/// Which path through the state machine an application takes, decided at receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Received,
    Registered,
    Reviewed,
    ReviewedIntegrated,
    Integration,
    Admitted,
    AdmittedIntegrated,
    AdmittedDocuments,
    Excluded,
    ExcludedEarly,
    ExcludedIntegration,
    ReinstatedAdmitted,
    ReinstatedOpen,
}

impl Route {
    fn steps(self) -> &'static [Step] {
        use Step::*;
        match self {
            Route::Received => &[],
            Route::Registered => &[Register],
            Route::Reviewed => &[Register, Review],
            Route::ReviewedIntegrated => &[Register, Review, Request, ReceiveIntegration],
            Route::Integration => &[Register, Review, Request],
            Route::Admitted => &[Register, Review, Admit],
            Route::AdmittedIntegrated => &[Register, Review, Request, ReceiveIntegration, Admit],
            Route::AdmittedDocuments => &[Register, Review, RecordDocuments, Admit],
            Route::Excluded => &[Register, Review, Exclude],
            Route::ExcludedEarly => &[Register, Exclude],
            Route::ExcludedIntegration => &[Register, Review, Request, Exclude],
            Route::ReinstatedAdmitted => &[
                Register,
                Review,
                Request,
                Exclude,
                Reinstate,
                RecordDocuments,
                Admit,
            ],
            Route::ReinstatedOpen => &[Register, Review, Request, Exclude, Reinstate],
        }
    }

    /// Routes that ask for documents need at least one missing.
    fn needs_missing_documents(self) -> bool {
        matches!(
            self,
            Route::Integration
                | Route::ExcludedIntegration
                | Route::ReinstatedAdmitted
                | Route::ReinstatedOpen
        )
    }
}

const LATE: u8 = 1;
const DECLARED_OVER_LIMIT: u8 = 2;

/// An application of the current chunk waiting for its next step.
struct Pending {
    /// Simulated instant of the next step, seconds since the epoch.
    at: i64,
    id: u32,
    route: Route,
    /// Index of the next step in `route.steps()`.
    step: u8,
    /// Index in `ExclusionReason::ALL`.
    reason: u8,
    flags: u8,
    /// The caseworker the application is assigned to.
    actor: u8,
    /// Missing documents, as bits over the call's document list.
    missing: u32,
    requested_at: i64,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.id) == (other.at, other.id)
    }
}

impl Eq for Pending {}

impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pending {
    /// Reversed, so that the max-heap yields the earliest step; the id makes the order total.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.id).cmp(&(self.at, self.id))
    }
}

/// A person before they get a fiscal code.
struct Person {
    surname: String,
    name: String,
    female: bool,
    birth: NaiveDate,
    place: &'static str,
}

/// Where a household comes from: Italy, or one of `COMMUNITIES` and the country (Belfiore
/// code) its foreign-born members share.
#[derive(Clone, Copy)]
enum Origin {
    Italy,
    Abroad(&'static Community, &'static str),
}

struct Demo<'a> {
    store: &'a Store,
    call: &'a Call,
    tables: &'static Tables,
    rng: ChaCha8Rng,
    total: usize,
    /// Every fiscal code given in this run: the same person may not appear twice.
    codes: HashSet<[u8; 16]>,
    queue: BinaryHeap<Pending>,
    batch: Vec<(Command, Context)>,
    events: usize,
    received: usize,
    finished: usize,
    close_date: NaiveDate,
    /// Required document dropped when a route needs something missing.
    identity_document: Option<usize>,
}

impl<'a> Demo<'a> {
    fn new(
        store: &'a Store,
        call: &'a Call,
        tables: &'static Tables,
        options: &DemoOptions,
    ) -> Self {
        let required: Vec<usize> = call
            .documents
            .iter()
            .enumerate()
            .filter(|(i, d)| d.required && *i < 32)
            .map(|(i, _)| i)
            .collect();
        let identity_document = call
            .documents
            .iter()
            .position(|d| d.code == "documento_identita" && d.required)
            .filter(|i| *i < 32)
            .or_else(|| required.last().copied());
        Demo {
            store,
            call,
            tables,
            rng: ChaCha8Rng::seed_from_u64(options.seed),
            total: options.applications,
            codes: HashSet::with_capacity(options.applications.saturating_mul(3)),
            queue: BinaryHeap::with_capacity(CHUNK_APPLICATIONS),
            batch: Vec::with_capacity(CHUNK_APPLICATIONS * 4),
            events: 0,
            received: 0,
            finished: 0,
            close_date: rome_date(call.closes_at),
            identity_document,
        }
    }

    fn run(&mut self, progress: &mut dyn FnMut(usize, usize)) -> Result<(), DemoError> {
        progress(0, self.total);
        let late = (self.total + 50) / 100;
        let on_time = self.total - late;
        let open_date = rome_date(self.call.opens_at);
        let mut days = Vec::new();
        let mut day = open_date;
        while day <= self.close_date {
            days.push((day, window_day_weight(day, open_date, self.close_date)));
            day = add_days(day, 1);
        }
        self.receive_days(&days, on_time, false, progress)?;
        let late_days: Vec<(NaiveDate, u64)> = [8, 4, 2, 1]
            .iter()
            .enumerate()
            .map(|(i, w)| (add_days(self.close_date, i as i64 + 1), *w))
            .collect();
        self.receive_days(&late_days, late, true, progress)?;
        self.finish_chunk(progress)
    }

    /// Runs every remaining step of the chunk's applications and commits them together.
    fn finish_chunk(&mut self, progress: &mut dyn FnMut(usize, usize)) -> Result<(), DemoError> {
        if self.finished == self.received {
            return Ok(());
        }
        while let Some(pending) = self.queue.pop() {
            self.advance(pending)?;
        }
        if !self.batch.is_empty() {
            self.events += self.store.execute_all(&self.batch)?.len();
            self.batch.clear();
        }
        self.finished = self.received;
        progress(self.finished, self.total);
        Ok(())
    }

    /// Spreads `count` receipts over `days` in proportion to their weights, in time order.
    fn receive_days(
        &mut self,
        days: &[(NaiveDate, u64)],
        count: usize,
        late: bool,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<(), DemoError> {
        let total_weight: u64 = days.iter().map(|(_, w)| w).sum();
        if count == 0 || total_weight == 0 {
            return Ok(());
        }
        let mut cumulative = 0u64;
        let mut assigned = 0usize;
        for &(day, weight) in days {
            cumulative += weight;
            // Cumulative rounding in integers: exact total, same result on every platform.
            let upto = (count as u128 * u128::from(cumulative) / u128::from(total_weight)) as usize;
            let today = upto - assigned;
            assigned = upto;
            let mut arrivals: Vec<(u32, Channel)> =
                (0..today).map(|_| self.arrival_time(day)).collect();
            arrivals.sort_unstable_by_key(|(secs, channel)| (*secs, *channel == Channel::Portale));
            for (secs, channel) in arrivals {
                let mut at = rome_local(day, secs);
                if !late {
                    at = at.max(self.call.opens_at).min(self.call.closes_at);
                }
                // Steps due before this receipt happen first, keeping the log chronological.
                while self.queue.peek().is_some_and(|p| p.at <= at.timestamp()) {
                    if let Some(pending) = self.queue.pop() {
                        self.advance(pending)?;
                    }
                }
                self.receive(at, channel, late)?;
                if self.received - self.finished >= CHUNK_APPLICATIONS {
                    self.finish_chunk(progress)?;
                }
            }
        }
        Ok(())
    }

    /// Time of day of one submission: the counter keeps the seed's opening hours, the portal is
    /// open day and night but used mostly in the daytime.
    fn arrival_time(&mut self, day: NaiveDate) -> (u32, Channel) {
        let counter = if is_holiday(day) {
            None
        } else {
            match day.weekday() {
                Weekday::Mon | Weekday::Wed | Weekday::Thu => Some((10 * HOUR, 13 * HOUR)),
                Weekday::Tue => Some((15 * HOUR + 30 * MINUTE, 17 * HOUR + 30 * MINUTE)),
                _ => None,
            }
        };
        if let Some((from, to)) = counter
            && self.rng.random_bool(0.3)
        {
            return (self.rng.random_range(from..to), Channel::Sportello);
        }
        let roll = self.rng.random_range(0..100u32);
        let secs = if roll < 75 {
            self.rng.random_range(8 * HOUR..20 * HOUR)
        } else if roll < 93 {
            self.rng.random_range(20 * HOUR..24 * HOUR)
        } else {
            self.rng.random_range(0..8 * HOUR)
        };
        (secs, Channel::Portale)
    }

    fn actor(&mut self) -> u8 {
        self.rng.random_range(0..ACTORS.len() as u8)
    }

    fn context(actor: u8, at: i64) -> Context {
        Context {
            actor: ACTORS[usize::from(actor) % ACTORS.len()].to_string(),
            now: from_secs(at),
        }
    }

    fn push(&mut self, command: Command, context: Context) {
        self.batch.push((command, context));
    }

    // ---- one application ------------------------------------------------------------------

    fn receive(
        &mut self,
        received_at: Timestamp,
        channel: Channel,
        late: bool,
    ) -> Result<(), DemoError> {
        // The store numbers applications from 1 in order of receipt, and the database is empty.
        self.received += 1;
        let id = self.received as u64;
        let received_date = rome_date(received_at);
        let (household, origin) = self.household(received_date)?;
        let contact = self.contact(household.applicant());
        let declaration = self.declaration(&household, origin, received_date)?;
        let over_limit = declaration.isee > self.call.isee_limit_for(household.len());
        let mut app = Application {
            id: ApplicationId(id),
            call: self.call.code.clone(),
            external_id: (channel == Channel::Portale)
                .then(|| format!("{}/{:07}", self.call.code, id)),
            channel,
            received_at,
            state: State::Ricevuta,
            protocol: None,
            registered_at: None,
            late,
            household,
            contact,
            declaration,
            documents: BTreeMap::new(),
            integration: None,
            decision: None,
            verifications: BTreeMap::new(),
            fee: None,
            score_overrides: BTreeMap::new(),
            objections: Vec::new(),
        };
        let (mut route, mut reason) = self.choose_route(over_limit, late);

        let mut attached: Vec<usize> = Vec::new();
        for (index, (doc, need)) in self.call.checklist(&app).into_iter().enumerate() {
            let attach = match need {
                Need::Required => true,
                // Bits stop at 32 documents: anything beyond is always attached.
                Need::ForDeclaredCondition => index >= 32 || self.rng.random_bool(0.7),
                Need::Optional => match doc.code.as_str() {
                    "contratto_affitto" => self.rng.random_bool(0.3),
                    "altri_allegati" => self.rng.random_bool(0.08),
                    _ => false,
                },
            };
            if attach {
                attached.push(index);
            }
        }
        let mut missing = self.missing_mask(&mut app, &attached);
        if route.needs_missing_documents() && missing == 0 {
            // A copy of the identity document that was missing or unreadable.
            if let Some(identity) = self.identity_document {
                attached.retain(|i| *i != identity);
                missing = self.missing_mask(&mut app, &attached);
            }
            if missing == 0 {
                if route == Route::Integration {
                    route = Route::Reviewed;
                } else {
                    route = Route::Excluded;
                    reason = ExclusionReason::RequisitoMancante;
                }
            }
        }
        if missing != 0 {
            route = match route {
                Route::Admitted if self.rng.random_bool(0.8) => Route::AdmittedIntegrated,
                Route::Admitted => Route::AdmittedDocuments,
                Route::Reviewed if self.rng.random_bool(0.3) => Route::ReviewedIntegrated,
                other => other,
            };
        }

        let new = NewApplication {
            external_id: app.external_id,
            channel,
            received_at,
            household: app.household,
            contact: app.contact,
            declaration: app.declaration,
            documents: attached
                .iter()
                .map(|i| self.call.documents[*i].code.clone())
                .collect(),
        };
        let clerk = self.actor();
        let at = received_at.timestamp();
        self.push(
            Command::ReceiveApplication(Box::new(new)),
            Self::context(clerk, at),
        );
        let mut flags = 0;
        if late {
            flags |= LATE;
        }
        if over_limit {
            flags |= DECLARED_OVER_LIMIT;
        }
        let pending = Pending {
            at,
            id: u32::try_from(id).unwrap_or(u32::MAX),
            route,
            step: 0,
            reason: ExclusionReason::ALL
                .iter()
                .position(|r| *r == reason)
                .unwrap_or(0) as u8,
            flags,
            actor: self.actor(),
            missing,
            requested_at: 0,
        };
        self.schedule_next(pending);
        Ok(())
    }

    /// Sets the attached documents on the local copy and returns the missing ones as bits.
    fn missing_mask(&self, app: &mut Application, attached: &[usize]) -> u32 {
        app.documents = attached
            .iter()
            .map(|i| {
                (
                    self.call.documents[*i].code.clone(),
                    DocumentStatus::Ricevuto {
                        at: app.received_at,
                    },
                )
            })
            .collect();
        app.missing_documents(self.call)
            .iter()
            .filter_map(|code| self.call.documents.iter().position(|d| &d.code == code))
            .filter(|i| *i < 32)
            .fold(0, |mask, i| mask | (1 << i))
    }

    fn choose_route(&mut self, over_limit: bool, late: bool) -> (Route, ExclusionReason) {
        use ExclusionReason::*;
        // Per mille; exclusions forced below (late, ISEE over the limit) bring Esclusa to ~8 %.
        let roll = self.rng.random_range(0..1000u32);
        let target = match roll {
            0..80 => State::Ricevuta,
            80..180 => State::Protocollata,
            180..400 => State::InIstruttoria,
            400..500 => State::IntegrazioneRichiesta,
            500..936 => State::Ammessa,
            _ => State::Esclusa,
        };
        let decided = matches!(
            target,
            State::IntegrazioneRichiesta | State::Ammessa | State::Esclusa
        );
        let (target, reason) = if late && target != State::Ricevuta && self.rng.random_bool(0.5) {
            (State::Esclusa, DomandaTardiva)
        } else if over_limit && decided {
            (State::Esclusa, IseeSuperiore)
        } else if target == State::Esclusa {
            let reason = weighted(
                &mut self.rng,
                &[
                    (RequisitoMancante, 34),
                    (DocumentiMancanti, 32),
                    (IseeSuperiore, 12),
                    (FalsaDichiarazione, 10),
                    (Altro, 12),
                ],
            );
            (target, reason)
        } else {
            (target, Altro)
        };
        let route = match target {
            State::Ricevuta => Route::Received,
            State::Protocollata => Route::Registered,
            State::InIstruttoria => Route::Reviewed,
            State::IntegrazioneRichiesta => Route::Integration,
            State::Ammessa => Route::Admitted,
            State::Esclusa => match reason {
                DocumentiMancanti if self.rng.random_bool(0.15) => {
                    if self.rng.random_bool(0.6) {
                        Route::ReinstatedAdmitted
                    } else {
                        Route::ReinstatedOpen
                    }
                }
                DocumentiMancanti => Route::ExcludedIntegration,
                DomandaTardiva if self.rng.random_bool(0.5) => Route::ExcludedEarly,
                _ => Route::Excluded,
            },
        };
        (route, reason)
    }

    /// Computes when the next step happens and queues it; nothing to do after the last one.
    fn schedule_next(&mut self, mut pending: Pending) {
        let steps = pending.route.steps();
        let Some(&step) = steps.get(usize::from(pending.step)) else {
            return;
        };
        let previous = pending
            .step
            .checked_sub(1)
            .and_then(|i| steps.get(usize::from(i)))
            .copied();
        let prev = pending.at;
        let close = self.close_date;
        pending.at = match step {
            Step::Register => self.office_after(prev, 0, 5),
            // The review starts once the window has closed.
            Step::Review => self.office_between(prev, add_days(close, 1), add_days(close, 55)),
            Step::Request => self.office_after(prev, 1, 10),
            Step::ReceiveIntegration => self.within_deadline(prev),
            Step::RecordDocuments => self.office_after(prev, 0, 7),
            Step::Reinstate => self.office_after(prev, 7, 30),
            // A late application excluded straight after registration, without a review.
            Step::Exclude if previous == Some(Step::Register) => self.office_after(prev, 5, 25),
            Step::Admit | Step::Exclude => {
                // Decisions fall in the weeks after the review (Dec–Feb for the seed's call);
                // an exclusion for missing documents waits for the deadline to pass.
                let mut from = add_days(close, 18);
                if step == Step::Exclude && pending.requested_at != 0 {
                    from = from.max(add_days(self.deadline(pending.requested_at), 1));
                }
                self.office_between(prev, from, add_days(close, 105))
            }
        };
        self.queue.push(pending);
    }

    fn deadline(&self, requested_at: i64) -> NaiveDate {
        add_days(
            rome_date(from_secs(requested_at)),
            i64::from(self.call.params.integration_days),
        )
    }

    fn advance(&mut self, mut pending: Pending) -> Result<(), DemoError> {
        let Some(&step) = pending.route.steps().get(usize::from(pending.step)) else {
            return Ok(());
        };
        let id = ApplicationId(u64::from(pending.id));
        let ctx = Self::context(pending.actor, pending.at);
        let reason = ExclusionReason::ALL
            .get(usize::from(pending.reason))
            .copied()
            .unwrap_or(ExclusionReason::Altro);
        match step {
            Step::Register => {
                let override_reason = (pending.flags & LATE != 0)
                    .then(|| pick(&mut self.rng, &self.tables.late_overrides).to_string());
                // Registration is the protocol clerk's job, whoever reviews later.
                let clerk = self.actor();
                self.push(
                    Command::RegisterApplication {
                        id,
                        override_reason,
                    },
                    Self::context(clerk, pending.at),
                );
            }
            Step::Review => self.push(Command::StartReview { id }, ctx),
            Step::Request => {
                pending.requested_at = pending.at;
                let documents = self.codes_of(pending.missing);
                self.push(
                    Command::RequestIntegration {
                        id,
                        documents,
                        deadline: None,
                    },
                    ctx,
                );
            }
            Step::ReceiveIntegration => self.push(Command::ReceiveIntegration { id }, ctx),
            Step::RecordDocuments => {
                for code in self.codes_of(pending.missing) {
                    let status = DocumentStatus::Ricevuto { at: ctx.now };
                    let command = Command::RecordDocument { id, code, status };
                    self.push(command, ctx.clone());
                }
            }
            Step::Admit => {
                let note = if self.rng.random_bool(0.3) {
                    pick(&mut self.rng, &self.tables.admission_notes).to_string()
                } else {
                    String::new()
                };
                self.push(Command::Admit { id, note }, ctx);
            }
            Step::Exclude => {
                let note = self.exclusion_note(reason, &pending);
                self.push(Command::Exclude { id, reason, note }, ctx);
            }
            Step::Reinstate => {
                let reason = pick(&mut self.rng, &self.tables.reinstate_reasons).to_string();
                self.push(Command::Reinstate { id, reason }, ctx);
            }
        }
        pending.step += 1;
        self.schedule_next(pending);
        Ok(())
    }

    fn codes_of(&self, mask: u32) -> Vec<String> {
        self.call
            .documents
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < 32 && mask & (1 << i) != 0)
            .map(|(_, d)| d.code.clone())
            .collect()
    }

    fn exclusion_note(&mut self, reason: ExclusionReason, pending: &Pending) -> String {
        use ExclusionReason::*;
        match reason {
            RequisitoMancante => {
                pick(&mut self.rng, &self.tables.access_requirement_notes).to_string()
            }
            DocumentiMancanti if pending.requested_at != 0 => format!(
                "integrazione richiesta il {} non pervenuta entro il {}",
                format_date(rome_date(from_secs(pending.requested_at))),
                format_date(self.deadline(pending.requested_at))
            ),
            DocumentiMancanti => "documentazione obbligatoria non presentata".to_string(),
            IseeSuperiore if pending.flags & DECLARED_OVER_LIMIT != 0 => {
                "ISEE dichiarato superiore al limite del bando".to_string()
            }
            IseeSuperiore => {
                "ISEE dell'attestazione INPS superiore al limite del bando".to_string()
            }
            FalsaDichiarazione => {
                pick(&mut self.rng, &self.tables.false_declaration_notes).to_string()
            }
            DomandaTardiva => "domanda pervenuta dopo la chiusura del bando".to_string(),
            Altro => pick(&mut self.rng, &self.tables.other_exclusion_notes).to_string(),
        }
    }

    // ---- simulated office time ------------------------------------------------------------

    /// Office hours, weekdays except national holidays.
    fn office_secs(&mut self) -> u32 {
        if self.rng.random_bool(0.7) {
            self.rng
                .random_range(8 * HOUR + 30 * MINUTE..13 * HOUR + 30 * MINUTE)
        } else {
            self.rng
                .random_range(14 * HOUR + 30 * MINUTE..17 * HOUR + 30 * MINUTE)
        }
    }

    /// An office instant on `date` or the first working day after it, strictly after `prev`.
    fn office_on(&mut self, date: NaiveDate, prev: i64) -> i64 {
        let mut day = next_working_day(date);
        for _ in 0..4 {
            let at = rome_local(day, self.office_secs()).timestamp();
            if at > prev {
                return at;
            }
            day = next_working_day(add_days(day, 1));
        }
        prev + 600
    }

    fn office_after(&mut self, prev: i64, min_days: i64, max_days: i64) -> i64 {
        let days = self.rng.random_range(min_days..=max_days);
        let date = add_days(rome_date(from_secs(prev)), days);
        self.office_on(date, prev)
    }

    /// A working day between `from` and `to`, never before the day after `prev`.
    fn office_between(&mut self, prev: i64, from: NaiveDate, to: NaiveDate) -> i64 {
        let from = from.max(add_days(rome_date(from_secs(prev)), 1));
        let to = if to < from { add_days(from, 3) } else { to };
        let span = (to - from).num_days();
        let date = add_days(from, self.rng.random_range(0..=span));
        self.office_on(date, prev)
    }

    /// The answer to an integration request, by its deadline.
    fn within_deadline(&mut self, requested: i64) -> i64 {
        let requested_date = rome_date(from_secs(requested));
        let days = i64::from(self.call.params.integration_days.max(1));
        let mut day = add_days(requested_date, self.rng.random_range(1..=days));
        while !is_working_day(day) && day > requested_date {
            day = add_days(day, -1);
        }
        let at = rome_local(day, self.office_secs()).timestamp();
        if at > requested {
            at
        } else {
            requested + i64::from(self.rng.random_range(10 * MINUTE..90 * MINUTE))
        }
    }

    // ---- people ---------------------------------------------------------------------------

    fn household(&mut self, received: NaiveDate) -> Result<(Household, Origin), DemoError> {
        let rng = &mut self.rng;
        let size = weighted(
            rng,
            &[
                (1usize, 30),
                (2, 24),
                (3, 18),
                (4, 14),
                (5, 7),
                (6, 4),
                (7, 2),
                (8, 1),
            ],
        );
        let origin = if rng.random_range(0..100u32) < 80 {
            Origin::Italy
        } else {
            let community = weighted(
                rng,
                &self
                    .tables
                    .communities
                    .iter()
                    .map(|c| (c, c.weight))
                    .collect::<Vec<_>>(),
            );
            Origin::Abroad(community, pick(rng, &community.places).as_str())
        };

        let mut relations = vec![Relation::Richiedente];
        let partner = size >= 2 && rng.random_bool(if size == 2 { 0.55 } else { 0.72 });
        if partner {
            relations.push(if rng.random_bool(0.6) {
                Relation::Coniuge
            } else {
                Relation::Convivente
            });
        }
        let mut parents = 0;
        while relations.len() < size {
            let roll = rng.random_range(0..100u32);
            relations.push(if roll < 84 {
                Relation::Figlio
            } else if roll < 91 && parents < 2 {
                parents += 1;
                Relation::Genitore
            } else if roll < 95 {
                Relation::Fratello
            } else if roll < 99 {
                Relation::AltroParente
            } else {
                Relation::ACarico
            });
        }
        let has_children = relations.contains(&Relation::Figlio);
        let applicant_age = if parents > 0 {
            rng.random_range(19..=58)
        } else if has_children {
            rng.random_range(21..=62)
        } else if size == 1 {
            match rng.random_range(0..100u32) {
                0..10 => rng.random_range(18..=29),
                10..60 => rng.random_range(30..=64),
                _ => rng.random_range(65..=90),
            }
        } else {
            rng.random_range(20..=88)
        };
        let applicant_female = rng.random_bool(0.55);

        let applicant = self.new_person(origin, None, applicant_female, applicant_age, received);
        let mut people: Vec<(Person, Relation)> = Vec::with_capacity(size);
        let mut father_surname = (!applicant_female).then(|| applicant.surname.clone());
        let mut mother_birth = applicant_female.then_some(applicant.birth);
        let mut youngest_parent = applicant.birth;
        let applicant_surname = applicant.surname.clone();
        people.push((applicant, Relation::Richiedente));

        for relation in relations.iter().skip(1).copied() {
            let person = match relation {
                Relation::Coniuge | Relation::Convivente => {
                    let same_sex = self.rng.random_bool(0.03);
                    let female = if same_sex {
                        applicant_female
                    } else {
                        !applicant_female
                    };
                    let gap = if female {
                        self.rng.random_range(-7..=2)
                    } else {
                        self.rng.random_range(-2..=7)
                    };
                    let age = (i64::from(applicant_age) + gap).clamp(18, 95) as u32;
                    // A partner from the same community, sometimes an Italian one.
                    let partner_origin = if self.rng.random_bool(0.8) {
                        origin
                    } else {
                        Origin::Italy
                    };
                    let person = self.new_person(partner_origin, None, female, age, received);
                    if !female && father_surname.is_none() {
                        father_surname = Some(person.surname.clone());
                    }
                    if female && mother_birth.is_none() {
                        mother_birth = Some(person.birth);
                    }
                    youngest_parent = youngest_parent.max(person.birth);
                    let relation = if same_sex {
                        Relation::Convivente
                    } else {
                        relation
                    };
                    people.push((person, relation));
                    continue;
                }
                Relation::Figlio => {
                    // Both parents at least 16 at the birth, the mother at most 46, children up
                    // to 30 still in the household, none born in the last two months.
                    let earliest = add_years(youngest_parent, 16).max(add_years(received, -30));
                    let mut latest = add_days(received, -60);
                    if let Some(mother) = mother_birth {
                        latest = latest.min(add_years(mother, 46));
                    }
                    if earliest <= latest {
                        let span = (latest - earliest).num_days();
                        let birth = add_days(earliest, self.rng.random_range(0..=span));
                        let female = self.rng.random_bool(0.49);
                        let surname = father_surname
                            .clone()
                            .unwrap_or_else(|| applicant_surname.clone());
                        let place = self.child_place(origin);
                        let name = self.first_name(origin, female, birth.year());
                        Some(Person {
                            surname,
                            name,
                            female,
                            birth,
                            place,
                        })
                    } else {
                        None
                    }
                }
                Relation::Genitore => {
                    let age = (applicant_age + self.rng.random_range(20..=38)).min(97);
                    let female = self.rng.random_bool(0.6);
                    let surname = (!female).then(|| applicant_surname.clone());
                    Some(self.new_person(origin, surname, female, age, received))
                }
                Relation::Fratello => {
                    // At least two years apart, so that siblings are never born months apart.
                    let gap = self.rng.random_range(2..=12);
                    let age = if self.rng.random_bool(0.5) || applicant_age < gap + 1 {
                        applicant_age + gap
                    } else {
                        applicant_age - gap
                    };
                    let female = self.rng.random_bool(0.5);
                    let surname = Some(applicant_surname.clone());
                    Some(self.new_person(origin, surname, female, age.min(95), received))
                }
                _ => None,
            };
            let (person, relation) = match person {
                Some(person) => (person, relation),
                // No plausible child for these parents: a relative lives with them instead.
                None => {
                    let age = self.rng.random_range(1..=90);
                    let female = self.rng.random_bool(0.5);
                    let surname = self.rng.random_bool(0.5).then(|| applicant_surname.clone());
                    let age = if relation == Relation::ACarico {
                        self.rng.random_range(3..=24)
                    } else {
                        age
                    };
                    let relation = if relation == Relation::ACarico {
                        Relation::ACarico
                    } else {
                        Relation::AltroParente
                    };
                    let person = self.new_person(origin, surname, female, age, received);
                    (person, relation)
                }
            };
            people.push((person, relation));
        }

        let mut members = Vec::with_capacity(people.len());
        for (index, (person, relation)) in people.into_iter().enumerate() {
            members.push(self.member(person, relation, index == 0, received)?);
        }
        let household = Household::new(members).map_err(StoreError::Domain)?;
        Ok((household, origin))
    }

    /// A person of `age` on `on`, born where their origin suggests.
    fn new_person(
        &mut self,
        origin: Origin,
        surname: Option<String>,
        female: bool,
        age: u32,
        on: NaiveDate,
    ) -> Person {
        let back = add_years(on, -(age as i32));
        let birth = add_days(back, -self.rng.random_range(1..=364));
        let tables = self.tables;
        let (surname_pick, place): (&str, &'static str) = match origin {
            Origin::Italy => {
                let place = match self.rng.random_range(0..100u32) {
                    0..45 => FERMO,
                    45..65 => pick(&mut self.rng, &tables.marche).as_str(),
                    65..97 => pick(&mut self.rng, &tables.italy).as_str(),
                    _ => pick(&mut self.rng, &tables.italians_abroad).as_str(),
                };
                (pick(&mut self.rng, &tables.surnames).as_str(), place)
            }
            Origin::Abroad(community, country) => {
                (pick(&mut self.rng, &community.surnames).as_str(), country)
            }
        };
        Person {
            surname: surname.unwrap_or_else(|| surname_pick.to_string()),
            name: self.first_name(origin, female, birth.year()),
            female,
            birth,
            place,
        }
    }

    fn first_name(&mut self, origin: Origin, female: bool, born: i32) -> String {
        let t = self.tables;
        let names: &[String] = match origin {
            Origin::Italy => {
                let classic = (born < 1975) != self.rng.random_bool(0.15);
                match (female, classic) {
                    (false, true) => &t.male_classic,
                    (false, false) => &t.male_modern,
                    (true, true) => &t.female_classic,
                    (true, false) => &t.female_modern,
                }
            }
            Origin::Abroad(community, _) if female => &community.female,
            Origin::Abroad(community, _) => &community.male,
        };
        pick(&mut self.rng, names).to_string()
    }

    /// Children of immigrant families are mostly born in Italy, here.
    fn child_place(&mut self, origin: Origin) -> &'static str {
        match origin {
            Origin::Italy => match self.rng.random_range(0..100u32) {
                0..75 => FERMO,
                75..90 => pick(&mut self.rng, &self.tables.marche).as_str(),
                _ => pick(&mut self.rng, &self.tables.italy).as_str(),
            },
            Origin::Abroad(_, country) => {
                if self.rng.random_bool(0.6) {
                    FERMO
                } else {
                    country
                }
            }
        }
    }

    fn member(
        &mut self,
        mut person: Person,
        relation: Relation,
        applicant: bool,
        received: NaiveDate,
    ) -> Result<Member, DemoError> {
        // Children move later, adults earlier: ages and the parents' 16 years stay true.
        let shift = if relation == Relation::Figlio { 1 } else { -1 };
        let fiscal_code = self.unique_code(&mut person, shift)?;
        let age = age_on(person.birth, received);
        let disability_odds = if age >= 75 {
            0.18
        } else if age >= 65 {
            0.10
        } else {
            0.03
        };
        let (disability_pct, accompaniment) = if self.rng.random_bool(disability_odds) {
            let pct = weighted(
                &mut self.rng,
                &[
                    (67u8, 4),
                    (70, 2),
                    (74, 3),
                    (75, 2),
                    (80, 3),
                    (90, 2),
                    (100, 5),
                ],
            );
            (pct, pct == 100 && self.rng.random_bool(0.5))
        } else {
            (0, false)
        };
        let income = if age >= 18 && (applicant || self.rng.random_bool(0.6)) {
            let cents = if age >= 67 {
                self.rng.random_range(500_000..1_800_000u64)
            } else if self.rng.random_bool(0.25) {
                0
            } else {
                // Skewed low: the product of two uniforms.
                let a = self.rng.random_range(0..2_200_000u64);
                let b = self.rng.random_range(0..1_000u64);
                a * b / 1_000
            };
            Some(Money::from_cents(cents))
        } else {
            None
        };
        Ok(Member {
            fiscal_code,
            surname: person.surname,
            name: person.name,
            relation,
            birth_date: person.birth,
            disability_pct,
            accompaniment,
            income,
        })
    }

    /// The person's code, or an omocodia variant when it is already taken; if all eight are,
    /// the birth date moves by `shift` days and the search starts again.
    fn unique_code(
        &mut self,
        person: &mut Person,
        shift: i64,
    ) -> Result<PersonFiscalCode, DemoError> {
        for _ in 0..64 {
            let base = PersonFiscalCode::build(
                &person.surname,
                &person.name,
                person.birth,
                person.female,
                person.place,
            )
            .map_err(|e| StoreError::Domain(e.into()))?;
            for level in 0..=7u8 {
                let code = base.omocode_variant(level);
                let key: [u8; 16] = code.as_str().as_bytes().try_into().map_err(|_| {
                    StoreError::Domain(DomainError::Internal(format!(
                        "codice fiscale {} di lunghezza inattesa",
                        code.as_str()
                    )))
                })?;
                if self.codes.insert(key) {
                    return Ok(code);
                }
            }
            person.birth = add_days(person.birth, shift);
        }
        Err(StoreError::Domain(DomainError::Internal(
            "impossibile generare un codice fiscale non ancora usato".into(),
        ))
        .into())
    }

    fn contact(&mut self, applicant: &Member) -> Contact {
        let street = pick(&mut self.rng, &self.tables.streets);
        let number = self.rng.random_range(1..=140u32);
        let email = self.rng.random_bool(0.55).then(|| {
            let local = format!(
                "{}.{}",
                ascii_lower(&applicant.name),
                ascii_lower(&applicant.surname)
            );
            if self.rng.random_bool(0.4) {
                format!(
                    "{local}{:02}@example.it",
                    applicant.birth_date.year().rem_euclid(100)
                )
            } else {
                format!("{local}@example.it")
            }
        });
        let phone = self.rng.random_bool(0.7).then(|| {
            let prefix = pick(&mut self.rng, &MOBILE_PREFIXES);
            let number = self.rng.random_range(1_000_000..10_000_000u32);
            format!("+39 {prefix} {number}")
        });
        Contact {
            email,
            phone,
            address: Address {
                street: format!("{street} {number}"),
                postcode: "63900".into(),
                municipality: "Fermo".into(),
                province: "FM".into(),
            },
        }
    }

    fn declaration(
        &mut self,
        household: &Household,
        origin: Origin,
        received: NaiveDate,
    ) -> Result<Declaration, DemoError> {
        let applicant = household.applicant();
        let size = household.len();
        let age = age_on(applicant.birth_date, received);
        let born_abroad = applicant.fiscal_code.belfiore().starts_with('Z');
        let citizenship = match origin {
            Origin::Italy => Citizenship::Italiana,
            _ if !born_abroad || self.rng.random_bool(0.1) => Citizenship::Italiana,
            Origin::Abroad(community, _) if community.eu => Citizenship::Ue,
            Origin::Abroad(..) if self.rng.random_bool(0.65) => Citizenship::ExtraUeLungoPeriodo,
            Origin::Abroad(..) => Citizenship::ExtraUePermessoBiennale,
        };
        let tie = if self.rng.random_bool(0.08) {
            ComuneTie::Lavoro
        } else {
            ComuneTie::Residenza
        };
        let residence_years = match tie {
            ComuneTie::Lavoro => 0,
            ComuneTie::Residenza => {
                let cap = if born_abroad {
                    age.min(30)
                } else {
                    age.min(40)
                };
                if applicant.fiscal_code.belfiore() == FERMO && self.rng.random_bool(0.6) {
                    cap
                } else {
                    self.rng.random_range(0..=cap)
                }
            }
        };

        let limit = self.call.isee_limit_for(size).cents();
        let roll = self.rng.random_range(0..100u32);
        let isee = if roll < 5 {
            0
        } else if roll < 97 {
            // Half skewed low (product of two uniforms), half uniform below the limit.
            let limit = limit.max(1);
            let a = self.rng.random_range(0..limit);
            if self.rng.random_bool(0.5) {
                a * self.rng.random_range(0..limit) / limit
            } else {
                a
            }
        } else {
            limit + self.rng.random_range(100..150_000u64)
        };

        let adequate = adequate_area_m2(size);
        let mut conditions = std::collections::BTreeSet::new();
        for (condition, percent) in [
            (Condition::AlloggioImproprio, 4),
            (Condition::SistemazionePrecaria, 3),
            (Condition::OrdineRilascio, 8),
            (Condition::AlloggioAntigienico, 6),
            (Condition::AlloggioInadeguato, 12),
        ] {
            if self.rng.random_range(0..100u32) < percent {
                conditions.insert(condition);
            }
        }
        // The two kinds of sharing exclude each other.
        let sharing = self.rng.random_range(0..100u32);
        if sharing < 10 {
            conditions.insert(Condition::CoabitazioneParenti);
        } else if sharing < 15 {
            conditions.insert(Condition::CoabitazioneNonParenti);
        }
        let current_home_m2 = if conditions.contains(&Condition::AlloggioInadeguato) {
            let low = adequate.saturating_sub(25).max(14);
            Some(self.rng.random_range(low..adequate.max(low + 1)))
        } else if self.rng.random_bool(0.75) {
            Some(self.rng.random_range(adequate..=adequate + 50))
        } else {
            None
        };

        let stamp_duty = if self.rng.random_bool(0.95) {
            let bought = add_days(received, -self.rng.random_range(0..=20));
            let identifier = format!("01{:012}", self.rng.random_range(0..1_000_000_000_000u64));
            StampDuty::marca(&identifier, bought).map_err(StoreError::Domain)?
        } else {
            StampDuty::Esente {
                ground: pick(&mut self.rng, &self.tables.exemption_grounds).to_string(),
            }
        };
        Ok(Declaration {
            citizenship,
            tie,
            isee: Money::from_cents(isee),
            residence_years: u8::try_from(residence_years).unwrap_or(u8::MAX),
            current_home_m2,
            conditions,
            stamp_duty,
        })
    }
}

// ---- helpers ------------------------------------------------------------------------------

fn pick<'t, T>(rng: &mut ChaCha8Rng, items: &'t [T]) -> &'t T {
    &items[rng.random_range(0..items.len())]
}

fn weighted<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total.max(1));
    for (item, weight) in items {
        if roll < *weight {
            return *item;
        }
        roll -= weight;
    }
    items[items.len() - 1].0
}

/// Receipts per day of the window: fewer at weekends, rushes at the start and at the end.
fn window_day_weight(day: NaiveDate, open: NaiveDate, close: NaiveDate) -> u64 {
    let base = match day.weekday() {
        _ if is_holiday(day) => 5,
        Weekday::Sat => 7,
        Weekday::Sun => 4,
        _ => 20,
    };
    let to_close = (close - day).num_days();
    let from_open = (day - open).num_days();
    let rush = if to_close < 2 {
        30
    } else if to_close < 7 {
        20
    } else if from_open < 3 {
        15
    } else {
        10
    };
    base * rush
}

fn is_holiday(day: NaiveDate) -> bool {
    matches!(
        (day.month(), day.day()),
        (1, 1)
            | (1, 6)
            | (4, 25)
            | (5, 1)
            | (6, 2)
            | (8, 15)
            | (11, 1)
            | (12, 8)
            | (12, 25)
            | (12, 26)
    )
}

fn is_working_day(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !is_holiday(day)
}

fn next_working_day(mut day: NaiveDate) -> NaiveDate {
    for _ in 0..10 {
        if is_working_day(day) {
            break;
        }
        day = add_days(day, 1);
    }
    day
}

fn add_days(day: NaiveDate, days: i64) -> NaiveDate {
    let delta = Days::new(days.unsigned_abs());
    let moved = if days >= 0 {
        day.checked_add_days(delta)
    } else {
        day.checked_sub_days(delta)
    };
    moved.unwrap_or(day)
}

fn add_years(day: NaiveDate, years: i32) -> NaiveDate {
    let year = day.year() + years;
    NaiveDate::from_ymd_opt(year, day.month(), day.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, day.month(), 28))
        .unwrap_or(day)
}

fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    crate::domain::time::age_on(birth, on)
}

/// Rome wall-clock time to an instant; in the spring gap the hour that does not exist is skipped.
fn rome_local(day: NaiveDate, secs: u32) -> Timestamp {
    let time = NaiveTime::from_num_seconds_from_midnight_opt(secs.min(86_399), 0)
        .unwrap_or(NaiveTime::MIN);
    match chrono_tz::Europe::Rome
        .from_local_datetime(&day.and_time(time))
        .earliest()
    {
        Some(at) => at.with_timezone(&Utc),
        None => start_of_day_rome(day) + chrono::TimeDelta::seconds(i64::from(secs)),
    }
}

fn from_secs(secs: i64) -> Timestamp {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// Lowercase ASCII letters only, for e-mail addresses ("D'Angelo" → "dangelo").
fn ascii_lower(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            'a'..='z' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            'à' | 'á' => Some('a'),
            'è' | 'é' => Some('e'),
            'ì' | 'í' => Some('i'),
            'ò' | 'ó' => Some('o'),
            'ù' | 'ú' => Some('u'),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Event;

    fn populated(n: usize, seed: u64) -> (tempfile::TempDir, Store, DemoSummary) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let summary = populate(
            &store,
            &DemoOptions {
                applications: n,
                seed,
            },
            &mut |_, _| {},
        )
        .unwrap();
        (dir, store, summary)
    }

    fn export(store: &Store) -> Vec<u8> {
        let mut out = Vec::new();
        store.export(&mut out).unwrap();
        out
    }

    fn all_applications(store: &Store) -> Vec<Application> {
        let mut all = Vec::new();
        let mut after = None;
        loop {
            let page = store.applications_page(after, 500).unwrap();
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            all.extend(page);
        }
        all
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let (_a, first, _) = populated(40, 5);
        let (_b, second, _) = populated(40, 5);
        let (_c, other, _) = populated(40, 6);
        let bytes = export(&first);
        assert_eq!(bytes, export(&second));
        assert_ne!(bytes, export(&other));
    }

    #[test]
    fn every_state_present_and_store_consistent() {
        let mut calls = Vec::new();
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let summary = populate(
            &store,
            &DemoOptions {
                applications: 300,
                seed: 2024,
            },
            &mut |done, total| calls.push((done, total)),
        )
        .unwrap();
        assert_eq!(summary.applications, 300);
        for state in State::ALL {
            assert!(
                summary.per_state[&state] > 0,
                "{state} assente: {summary:?}"
            );
        }
        assert_eq!(summary.per_state.values().sum::<usize>(), 300);
        assert_eq!(summary.events, store.audit_len());
        let report = store.check().unwrap();
        assert!(report.is_ok(), "{:?}", report.problems);
        assert_eq!(report.applications, 300);
        let audit = store.verify_audit().unwrap();
        assert!(audit.first_broken.is_none(), "{audit:?}");
        assert_eq!(calls.last(), Some(&(300, 300)));
        assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));
    }

    #[test]
    fn timeline_is_plausible_and_chronological() {
        let (_dir, store, _) = populated(300, 11);
        let call = store.active_call().unwrap().unwrap();
        let events: Vec<(u64, Event)> = store.audit_events(1, usize::MAX).unwrap();
        assert!(
            events.windows(2).all(|w| w[0].1.at <= w[1].1.at),
            "registro non in ordine di tempo"
        );
        let mut late = 0;
        for app in all_applications(&store) {
            if app.late {
                late += 1;
                assert!(app.received_at > call.closes_at);
                assert!(app.received_at < call.closes_at + chrono::TimeDelta::days(5));
            } else {
                assert!(call.is_within_window(app.received_at));
            }
            if let Some(registered) = app.registered_at {
                assert!(registered > app.received_at);
                assert!(registered - app.received_at < chrono::TimeDelta::days(9));
            }
            if let Some(decision) = &app.decision {
                let date = rome_date(decision.at);
                assert!(date > call.closing_date(), "{app:?}");
                assert!(date < call.procedure_end(), "{app:?}");
                if decision.admitted {
                    assert!(app.missing_documents(&call).is_empty());
                }
            }
            if app.state == State::IntegrazioneRichiesta {
                let request = app.integration.as_ref().unwrap();
                assert!(!request.documents.is_empty());
                assert_eq!(request.documents, app.missing_documents(&call));
            }
        }
        assert_eq!(late, 3);
    }

    #[test]
    fn codes_parse_and_never_repeat() {
        let (_dir, store, _) = populated(300, 3);
        let mut seen = HashSet::new();
        let mut some_code = None;
        let mut members = 0;
        for app in all_applications(&store) {
            let applicant = app.household.applicant();
            assert!(age_on(applicant.birth_date, rome_date(app.received_at)) >= 18);
            for member in app.household.members() {
                members += 1;
                let code = member.fiscal_code.as_str();
                let parsed = PersonFiscalCode::parse(code).unwrap();
                assert_eq!(parsed.as_str(), code);
                assert!(seen.insert(code.to_string()), "{code} ripetuto");
                some_code = Some(member.fiscal_code.clone());
                assert!(member.birth_date < rome_date(app.received_at));
                if member.accompaniment {
                    assert_eq!(member.disability_pct, 100);
                }
                if member.relation == Relation::Figlio {
                    assert!(age_on(applicant.birth_date, member.birth_date) >= 16);
                }
            }
            app.declaration.validate(app.household.len()).unwrap();
        }
        assert!(members > 600, "{members} componenti per 300 domande");
        // The store's index agrees: each person is in exactly one application.
        let code = some_code.unwrap();
        assert_eq!(store.applications_with_person(&code).unwrap().len(), 1);
    }

    #[test]
    fn refuses_a_database_with_applications() {
        let (_dir, store, _) = populated(5, 1);
        let again = populate(
            &store,
            &DemoOptions {
                applications: 5,
                seed: 1,
            },
            &mut |_, _| {},
        );
        assert!(matches!(again, Err(DemoError::NotEmpty)));
        assert_eq!(store.application_count(), 5);
    }

    #[test]
    fn refuses_too_many_before_writing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let result = populate(
            &store,
            &DemoOptions {
                applications: MAX_APPLICATIONS + 1,
                seed: 1,
            },
            &mut |_, _| {},
        );
        assert!(matches!(result, Err(DemoError::TooMany)));
        assert_eq!(
            DemoError::TooMany.to_string(),
            "al massimo 1.000.000 di domande"
        );
        assert!(store.is_empty());
    }

    #[test]
    fn uses_the_active_call_when_there_is_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut call = bando_2024().unwrap();
        call.code = "erp-prova".into();
        let ctx = Context {
            actor: "mrossi".into(),
            now: call.opens_at,
        };
        store
            .execute(&Command::SaveCall(Box::new(call)), &ctx)
            .unwrap();
        let summary = populate(
            &store,
            &DemoOptions {
                applications: 20,
                seed: 9,
            },
            &mut |_, _| {},
        )
        .unwrap();
        assert_eq!(store.calls().unwrap().len(), 1);
        assert!(
            all_applications(&store)
                .iter()
                .all(|a| a.call == "erp-prova")
        );
        assert_eq!(summary.events + 2, store.audit_len());
    }
}
