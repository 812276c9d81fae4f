//! What changed in the database since a point of its audit log, told to every console of the
//! shared console's server after each commit so that each reads again what it shows. Every
//! change the office makes leaves audit entries, which name their application: the entries
//! since the last news say what to read again.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::reads::Row;
use super::{Office, OfficeError};
use crate::domain::time::Timestamp;
use crate::domain::{ApplicationId, EventKind};

/// Audit entries read per page while the news is gathered.
const PAGE: usize = 500;

/// The changes recorded after one audit entry, up to another.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct News {
    /// The newest entry told: the next news starts after it.
    pub upto: u64,
    /// Applications with a new entry, in id order.
    pub applications: Vec<ApplicationId>,
    /// Each of `applications` with its newest entry told: a console that has already read the
    /// application as of that entry (its own commit, told back) need not read it again.
    #[serde(default)]
    pub newest: BTreeMap<ApplicationId, u64>,
    /// An application arrived or was given its protocol number: the search must learn it.
    pub registered: bool,
    /// Who recorded the newest entry, and when.
    pub by: Option<(String, Timestamp)>,
    /// The rows of `applications` as they are now: read once for every console told.
    pub rows: Vec<Row>,
}

impl News {
    /// Nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.by.is_none()
    }
}

impl Office {
    /// The sequence number of the audit log's newest entry: where the news starts.
    pub fn audit_head_seq(&self) -> Result<u64, OfficeError> {
        Ok(self.store.audit_head_seq()?)
    }

    /// What the audit entries after entry `seq` changed.
    pub fn news_since(&self, seq: u64) -> Result<News, OfficeError> {
        let mut news = News {
            upto: seq,
            ..News::default()
        };
        let mut newest = BTreeMap::new();
        loop {
            let page = self.store.audit_events(news.upto + 1, PAGE)?;
            let Some((last, _)) = page.last() else { break };
            news.upto = *last;
            for (seq, event) in &page {
                if let Some(id) = event.application_id() {
                    newest.insert(id, *seq);
                }
                news.registered |= matches!(
                    event.kind,
                    EventKind::ApplicationReceived { .. } | EventKind::ApplicationRegistered { .. }
                );
                news.by = Some((event.who(), event.at));
            }
            if page.len() < PAGE {
                break;
            }
        }
        news.applications = newest.keys().copied().collect();
        news.newest = newest;
        news.rows = self.rows_of(&news.applications)?;
        Ok(news)
    }
}
