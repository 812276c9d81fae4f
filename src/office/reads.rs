//! The read models of the console's screens: the inbox's rows, the cruscotto's figures, a
//! case, the Graduatoria screen's data; each read from the store in one go, off the screen's
//! thread. The office's read requests return them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::lease::{ContractRow, contract_row};
use crate::domain::appointment::Appointment;
use crate::domain::publication::{RankingHeader, under_review, with_open_objection};
use crate::domain::ranking::{Lot, RankRow};
use crate::domain::ruleset::Ruleset;
use crate::domain::scoring::{Score, score};
use crate::domain::summary::ApplicationSummary;
use crate::domain::time::Timestamp;
use crate::domain::{Application, ApplicationId, Call, Event, State};
use crate::store::{SharedMember, Store, StoreError};

/// One inbox line: what the table shows, sorts and searches on, kept small for 100.000 rows.
/// The store's `ApplicationSummary`, shaped for the screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub id: ApplicationId,
    /// `2024/000123`, empty until registered.
    pub protocol: String,
    /// The applicant's name, control characters removed.
    pub name: String,
    pub fiscal_code: String,
    pub state: State,
    pub received_at: Timestamp,
    /// Received outside the window, or a declared condition whose document is not in.
    pub flagged: bool,
    pub household: u8,
    pub integration_deadline: Option<NaiveDate>,
    /// Last day of the unpaid secretarial fee.
    pub fee_due: Option<NaiveDate>,
}

impl Row {
    /// The row of one application, computed from its record: for a case just changed.
    pub fn of(application: &Application, call: Option<&Call>) -> Row {
        Row::from(ApplicationSummary::of(application, call))
    }

    /// An integration request whose deadline passed without an answer.
    pub fn integration_overdue(&self, today: NaiveDate) -> bool {
        self.integration_deadline.is_some_and(|d| d < today)
    }

    /// An unpaid fee whose last day has not passed.
    pub fn fee_pending(&self, today: NaiveDate) -> bool {
        self.fee_due.is_some_and(|d| d >= today)
    }

    /// An unpaid fee past its last day.
    pub fn fee_late(&self, today: NaiveDate) -> bool {
        self.fee_due.is_some_and(|d| d < today)
    }
}

impl From<ApplicationSummary> for Row {
    fn from(summary: ApplicationSummary) -> Row {
        Row {
            id: summary.id,
            protocol: summary
                .protocol
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            name: clean(&summary.applicant_name),
            fiscal_code: summary.applicant_fiscal_code,
            state: summary.state,
            received_at: summary.received_at,
            flagged: summary.flagged,
            household: summary.household,
            integration_deadline: summary.integration_deadline,
            fee_due: summary.fee_due,
        }
    }
}

/// Every application as a row, in id order, from the store's summaries: no record is read.
/// `progress` gets (done, total) as the summaries are read.
pub fn load_rows(
    store: &Store,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<Row>, StoreError> {
    Ok(store
        .application_summaries(progress)?
        .into_iter()
        .map(Row::from)
        .collect())
}

/// The cruscotto's figures before the rows are in: the call, the counts per state and the
/// counter appointments of the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub call: Option<Call>,
    pub counts: BTreeMap<State, usize>,
    pub outbox: BTreeMap<crate::messages::outbox::OutboxTab, usize>,
    /// The day `today` was read for (Rome).
    pub day: NaiveDate,
    /// The day's active bookings, in time order.
    pub today: Vec<Appointment>,
}

impl Summary {
    pub fn load(store: &Store, day: NaiveDate) -> Result<Summary, StoreError> {
        let mut today = store.appointments_on(day)?;
        // A cancelled booking brings nobody to the counter.
        today.retain(Appointment::is_active);
        Ok(Summary {
            call: store.active_call()?,
            counts: store.count_by_state()?,
            outbox: store.outbox_counts()?,
            day,
            today,
        })
    }

    pub fn total(&self) -> usize {
        self.counts.values().sum()
    }
}

/// Everything the case screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub application: Application,
    pub call: Option<Call>,
    /// The history, oldest first: all of it, or its newest entries (see `events_total`).
    pub events: Vec<(u64, Event)>,
    /// How many audit entries the application has in all.
    #[serde(default)]
    pub events_total: usize,
    /// Members also in another application of the call.
    pub shared: Vec<SharedMember>,
    /// Active counter bookings about the application.
    pub appointments: Vec<Appointment>,
    /// The call's point table, when one is loaded.
    pub ruleset: Option<Ruleset>,
    /// The explained score, for an admitted application of a call with a point table.
    pub score: Option<Score>,
    /// The call's published rankings, oldest first: objections are filed against them.
    pub versions: Vec<RankingHeader>,
    /// The contract, once the application is assigned a dwelling by decree.
    pub contract: Option<ContractRow>,
}

/// Where an application stood when a form was opened on it: its newest audit entry. A step
/// sent with it is refused once another entry about the application follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CaseVersion {
    pub id: ApplicationId,
    /// The sequence number of the application's newest audit entry; 0 with none.
    pub seq: u64,
}

impl Case {
    /// The version of the application as read.
    pub fn version(&self) -> CaseVersion {
        CaseVersion {
            id: self.application.id,
            seq: self.events.iter().map(|(seq, _)| *seq).max().unwrap_or(0),
        }
    }

    /// The case with its whole history.
    pub fn load(store: &Store, id: ApplicationId) -> Result<Option<Case>, StoreError> {
        Case::load_recent(store, id, usize::MAX)
    }

    /// The case with the newest `timeline` entries of its history (`events_total` says how
    /// many there are).
    pub fn load_recent(
        store: &Store,
        id: ApplicationId,
        timeline: usize,
    ) -> Result<Option<Case>, StoreError> {
        let Some(application) = store.application(id)? else {
            return Ok(None);
        };
        let call = store.call(&application.call)?;
        let (events, events_total) = store.application_events_newest(id, timeline)?;
        let shared = store.shared_members(&application)?;
        let appointments = store.appointments_of(id)?;
        let ruleset = store.ruleset(&application.call)?;
        let versions = store.ranking_versions(&application.call)?;
        let score = match (&call, &ruleset) {
            (Some(call), Some(ruleset)) if application.state == State::Ammessa => {
                Some(score(&application, call, ruleset))
            }
            _ => None,
        };
        let contract = contract_row(store, id)?;
        Ok(Some(Case {
            application,
            call,
            events,
            events_total,
            shared,
            appointments,
            ruleset,
            score,
            versions,
            contract,
        }))
    }
}

/// What the Graduatoria screen shows of the active call: its published versions and the order
/// its records give now, read and scored off the UI thread.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RankingData {
    /// The active call; None when there is none.
    pub call: Option<Call>,
    pub ruleset: Option<Ruleset>,
    /// Published versions, oldest first.
    pub versions: Vec<RankingHeader>,
    /// The live order: admitted by place, then excluded; empty without a point table.
    pub live: Vec<RankRow>,
    /// Groups equal on the whole tie-break chain, waiting for the draw.
    pub unresolved: usize,
    /// Applications still under review, so not in the order.
    pub pending: u32,
    /// Applications with an objection still to decide.
    pub open_objections: BTreeSet<ApplicationId>,
}

impl RankingData {
    pub fn load(store: &Store) -> Result<RankingData, StoreError> {
        let Some(call) = store.active_call()? else {
            return Ok(RankingData::default());
        };
        let ruleset = store.ruleset(&call.code)?;
        let versions = store.ranking_versions(&call.code)?;
        // The records are read once: by the live order, or without a table for the counts.
        let (live, unresolved, pending, open_objections) = match &ruleset {
            Some(_) => {
                let live = store.live_ranking(&call.code, Lot::Pending)?;
                let unresolved = live.ranking.unresolved.len();
                (live.rows, unresolved, live.pending, live.open_objections)
            }
            None => {
                let applications = store.call_applications(&call.code)?;
                (
                    Vec::new(),
                    0,
                    under_review(&applications),
                    with_open_objection(&applications),
                )
            }
        };
        Ok(RankingData {
            call: Some(call),
            ruleset,
            versions,
            live,
            unresolved,
            pending,
            open_objections,
        })
    }
}

/// Control characters removed, so that text from imports cannot reach a terminal as escapes.
fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}
