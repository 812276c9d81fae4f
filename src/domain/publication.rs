//! Publishing rankings (DOMAIN.md §5): a provisional version opens the objection window; the
//! definitive one needs the window closed and every objection decided. Versions are numbered
//! per call and never change once written.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use std::collections::BTreeSet;

use super::application::{Application, ApplicationId, State};
use super::call::Call;
use super::error::DomainError;
use super::objection::Objection;
use super::ranking::{Draw, RankingKind};
use super::time::{Timestamp, format_date, rome_date};

/// A published version without its rows: what commands and lists need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankingHeader {
    pub call: String,
    pub number: u32,
    pub kind: RankingKind,
    pub published_at: Timestamp,
    pub by: String,
    pub ruleset: String,
    /// Last day for objections, for a provisional version.
    pub objection_deadline: Option<NaiveDate>,
    pub draw: Option<Draw>,
    /// Applications of the call still under review at publication, so not in it.
    pub pending: u32,
    pub admitted: u32,
    pub excluded: u32,
    /// SHA-256 of the rows as stored, so that `check` sees a changed version.
    pub digest: String,
}

impl RankingHeader {
    pub fn title(&self) -> String {
        format!("graduatoria {} n. {}", self.kind.label(), self.number)
    }

    /// Whether objections to this version can be received on `day`.
    pub fn objection_window_open(&self, day: NaiveDate) -> bool {
        self.kind == RankingKind::Provvisoria
            && self
                .objection_deadline
                .is_some_and(|deadline| day >= rome_date(self.published_at) && day <= deadline)
    }
}

/// Applications not yet admitted nor excluded: still under review, so in no ranking.
pub fn under_review(applications: &[Application]) -> u32 {
    let count = applications
        .iter()
        .filter(|a| !matches!(a.state, State::Ammessa | State::Esclusa))
        .count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// Applications with an objection still to decide.
pub fn with_open_objection(applications: &[Application]) -> BTreeSet<ApplicationId> {
    applications
        .iter()
        .filter(|a| a.objections.iter().any(Objection::is_open))
        .map(|a| a.id)
        .collect()
}

/// The last day for objections to a provisional ranking published at `at`.
pub fn objection_deadline(call: &Call, at: Timestamp) -> NaiveDate {
    rome_date(at)
        .checked_add_days(Days::new(u64::from(call.params.objection_days)))
        .unwrap_or(NaiveDate::MAX)
}

/// Whether a version of `kind` may be published now, given the call's versions so far (oldest
/// first) and its applications.
pub fn check_publication(
    kind: RankingKind,
    versions: &[RankingHeader],
    applications: &[Application],
    now: Timestamp,
) -> Result<(), DomainError> {
    let refuse = |why: String| Err(DomainError::invalid("graduatoria", why));
    if let Some(definitive) = versions.iter().find(|v| v.kind == RankingKind::Definitiva) {
        return refuse(format!(
            "la graduatoria definitiva è già pubblicata (n. {}, {})",
            definitive.number,
            super::time::format_ts_date(definitive.published_at)
        ));
    }
    if !applications.iter().any(|a| a.state == State::Ammessa) {
        return refuse("nessuna domanda ammessa da mettere in graduatoria".into());
    }
    if kind == RankingKind::Provvisoria {
        return Ok(());
    }
    let Some(provisional) = versions
        .iter()
        .rev()
        .find(|v| v.kind == RankingKind::Provvisoria)
    else {
        return refuse("prima va pubblicata la graduatoria provvisoria".into());
    };
    if let Some(deadline) = provisional.objection_deadline
        && rome_date(now) <= deadline
    {
        return refuse(format!(
            "il termine per le opposizioni scade il {}: la definitiva si pubblica dal giorno dopo",
            format_date(deadline)
        ));
    }
    let open = with_open_objection(applications).len();
    if open > 0 {
        return refuse(format!(
            "{open} domande hanno opposizioni ancora da decidere"
        ));
    }
    Ok(())
}
