//! What the screens and the reports read: records, calls, the agenda of a day, the audit log,
//! rankings. Plain values; nothing is written.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::reads::{Case, RankingData, Row, Summary};
use super::{Office, OfficeError};
use crate::domain::appointment::Appointment;
use crate::domain::interested::Interested;
use crate::domain::publication::RankingHeader;
use crate::domain::ranking::{Entry, Lot, RankRow, entries};
use crate::domain::{Application, ApplicationId, Call, Event, State};

/// The newest history entries the case screen reads.
pub const CASE_TIMELINE: usize = 200;
use crate::store::{AuditFilter, LiveRanking};

/// The calls of the database, each with how many citizens are interested in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallsOverview {
    pub calls: Vec<Call>,
    /// Interested citizens, call by call in the order of `calls`.
    pub interested: Vec<usize>,
    /// The active call's code.
    pub active: Option<String>,
}

/// The counter's bookings of a day, cancelled ones included, with the protocol of the
/// applications they are about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaDay {
    pub day: NaiveDate,
    pub appointments: Vec<Appointment>,
    /// Protocol by application; empty when unregistered or unreadable.
    pub protocols: BTreeMap<ApplicationId, String>,
}

/// A published version of a call's ranking as an export writes it: the call's title (its code
/// when the call cannot be found), the version's header and its rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankingExport {
    pub title: String,
    pub header: RankingHeader,
    pub rows: Vec<RankRow>,
}

impl Office {
    // ---- the screens' read models ------------------------------------------------------

    /// The cruscotto's figures, with the active bookings of `day`.
    pub fn summary(&self, day: NaiveDate) -> Result<Summary, OfficeError> {
        Ok(Summary::load(&self.store, day)?)
    }

    /// Every application as an inbox row, in id order; `progress` gets (done, total).
    pub fn rows(&self, progress: &mut dyn FnMut(usize, usize)) -> Result<Vec<Row>, OfficeError> {
        Ok(super::reads::load_rows(&self.store, progress)?)
    }

    /// Application `id`'s row as it is now, for a case just changed.
    pub fn row(&self, id: ApplicationId) -> Result<Option<Row>, OfficeError> {
        let Some(application) = self.store.application(id)? else {
            return Ok(None);
        };
        let call = self.store.call(&application.call)?;
        Ok(Some(Row::of(&application, call.as_ref())))
    }

    /// The rows of applications `ids` as they are now, for cases just changed; an id without
    /// an application has no row.
    pub fn rows_of(&self, ids: &[ApplicationId]) -> Result<Vec<Row>, OfficeError> {
        let mut rows = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(row) = self.row(*id)? {
                rows.push(row);
            }
        }
        Ok(rows)
    }

    /// Everything of application `id`, its whole history included.
    pub fn case(&self, id: ApplicationId) -> Result<Option<Case>, OfficeError> {
        Ok(Case::load(&self.store, id)?)
    }

    /// What the case screen shows of application `id`: its history from the newest
    /// `CASE_TIMELINE` entries (the Registro di controllo holds them all). A tenancy of many
    /// years gathers entries every month, and the case is read again after every change.
    pub fn case_recent(&self, id: ApplicationId) -> Result<Option<Case>, OfficeError> {
        Ok(Case::load_recent(&self.store, id, CASE_TIMELINE)?)
    }

    /// What the Graduatoria screen shows of the active call.
    pub fn ranking_data(&self) -> Result<RankingData, OfficeError> {
        Ok(RankingData::load(&self.store)?)
    }

    // ---- records -------------------------------------------------------------------------

    pub fn application(&self, id: ApplicationId) -> Result<Option<Application>, OfficeError> {
        Ok(self.store.application(id)?)
    }

    /// The application with protocol `text` (`2024/000123`).
    pub fn application_by_protocol(&self, text: &str) -> Result<Option<Application>, OfficeError> {
        Ok(self.store.application_by_protocol(text)?)
    }

    /// How many applications are in each state.
    pub fn count_by_state(&self) -> Result<BTreeMap<State, usize>, OfficeError> {
        Ok(self.store.count_by_state()?)
    }

    /// The newest `limit` audit entries older than `before` that `filter` matches.
    pub fn audit_page(
        &self,
        before: Option<u64>,
        limit: usize,
        filter: &AuditFilter,
    ) -> Result<Vec<(u64, Event)>, OfficeError> {
        Ok(self.store.audit_page(before, limit, filter)?)
    }

    // ---- calls and the counter -----------------------------------------------------------

    pub fn call(&self, code: &str) -> Result<Option<Call>, OfficeError> {
        Ok(self.store.call(code)?)
    }

    pub fn active_call(&self) -> Result<Option<Call>, OfficeError> {
        Ok(self.store.active_call()?)
    }

    pub fn calls(&self) -> Result<Vec<Call>, OfficeError> {
        Ok(self.store.calls()?)
    }

    /// Every call with its count of interested citizens, and which one is active.
    pub fn calls_overview(&self) -> Result<CallsOverview, OfficeError> {
        let calls = self.store.calls()?;
        let active = self.store.active_call()?.map(|c| c.code);
        let mut interested = Vec::with_capacity(calls.len());
        for call in &calls {
            interested.push(self.store.interested(&call.code)?.len());
        }
        Ok(CallsOverview {
            calls,
            interested,
            active,
        })
    }

    /// The citizens interested in call `code`, by fiscal code.
    pub fn interested(&self, code: &str) -> Result<BTreeMap<String, Interested>, OfficeError> {
        Ok(self.store.interested(code)?)
    }

    /// The bookings of `day`, cancelled ones included, in time order.
    pub fn appointments_on(&self, day: NaiveDate) -> Result<Vec<Appointment>, OfficeError> {
        Ok(self.store.appointments_on(day)?)
    }

    /// The bookings of `day` with the protocols of their applications: a protocol that cannot
    /// be read shows as missing, so that the day still shows.
    pub fn agenda_day(&self, day: NaiveDate) -> Result<AgendaDay, OfficeError> {
        let appointments = self.store.appointments_on(day)?;
        let mut protocols = BTreeMap::new();
        for id in appointments.iter().filter_map(|a| a.application) {
            if protocols.contains_key(&id) {
                continue;
            }
            let protocol = match self.store.application(id) {
                Ok(Some(app)) => app.protocol.map(|p| p.to_string()).unwrap_or_default(),
                _ => String::new(),
            };
            protocols.insert(id, protocol);
        }
        Ok(AgendaDay {
            day,
            appointments,
            protocols,
        })
    }

    // ---- rankings ------------------------------------------------------------------------

    /// Call `code`'s published versions, oldest first.
    pub fn ranking_versions(&self, code: &str) -> Result<Vec<RankingHeader>, OfficeError> {
        Ok(self.store.ranking_versions(code)?)
    }

    /// Version `number` of call `code`'s ranking, with its rows.
    pub fn ranking_version(
        &self,
        code: &str,
        number: u32,
    ) -> Result<Option<(RankingHeader, Vec<RankRow>)>, OfficeError> {
        Ok(self.store.ranking_version(code, number)?)
    }

    /// Version `number` of call `code`'s ranking with the call's title, for an export; None
    /// when there is no such version.
    pub fn ranking_export(
        &self,
        code: &str,
        number: u32,
    ) -> Result<Option<RankingExport>, OfficeError> {
        let Some((header, rows)) = self.store.ranking_version(code, number)? else {
            return Ok(None);
        };
        let title = match self.store.call(code)? {
            Some(call) => call.title,
            None => code.to_string(),
        };
        Ok(Some(RankingExport {
            title,
            header,
            rows,
        }))
    }

    /// The order of call `code` as its records stand now, ties left to the draw.
    pub fn live_ranking(&self, code: &str) -> Result<LiveRanking, OfficeError> {
        Ok(self.store.live_ranking(code, Lot::Pending)?)
    }

    /// The admitted applications of call `code` as the order sees them, for the position an
    /// adjustment leads to; empty without the call or its point table.
    pub fn ranking_entries(&self, code: &str) -> Result<Vec<Entry>, OfficeError> {
        let (Some(call), Some(ruleset)) = (self.store.call(code)?, self.store.ruleset(code)?)
        else {
            return Ok(Vec::new());
        };
        let applications = self.store.call_applications(code)?;
        Ok(entries(&applications, &call, &ruleset))
    }
}
