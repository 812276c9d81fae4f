//! What the console reads from the store, shaped for its screens. The console reaches the
//! database only through `Store`'s queries and commands, never through sled.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::domain::application::DocumentStatus;
use crate::domain::call::Need;
use crate::domain::time::Timestamp;
use crate::domain::{Application, ApplicationId, Call, Event, State};
use crate::store::{Store, StoreError};

/// One inbox line: what the table shows, sorts and searches on, kept small for 100.000 rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: ApplicationId,
    /// `2024/000123`, empty until registered.
    pub protocol: String,
    pub name: String,
    pub fiscal_code: String,
    pub state: State,
    pub received_at: Timestamp,
    /// Received outside the window, or a declared condition whose document is not in.
    pub flagged: bool,
    pub household: u8,
    pub integration_deadline: Option<NaiveDate>,
}

impl Row {
    pub fn of(application: &Application, call: Option<&Call>) -> Row {
        let condition_without_document = call.is_some_and(|call| {
            call.checklist(application).iter().any(|(doc, need)| {
                *need == Need::ForDeclaredCondition
                    && !matches!(
                        application.documents.get(&doc.code),
                        Some(DocumentStatus::Ricevuto { .. })
                    )
            })
        });
        Row {
            id: application.id,
            protocol: application
                .protocol
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            name: super::view::clean(&application.applicant_name()),
            fiscal_code: application.applicant_fiscal_code().to_string(),
            state: application.state,
            received_at: application.received_at,
            flagged: application.late || condition_without_document,
            household: u8::try_from(application.household.len()).unwrap_or(u8::MAX),
            integration_deadline: match application.state {
                State::IntegrazioneRichiesta => {
                    application.integration.as_ref().map(|i| i.deadline)
                }
                _ => None,
            },
        }
    }
}

/// Rows reported in chunks, so the screen can show progress on a large call.
pub const ROW_CHUNK: usize = 10_000;

/// Reads every application into rows, in id order; `progress` gets (done, total) per chunk.
pub fn load_rows(
    store: &Store,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<Row>, StoreError> {
    let total = store.application_count();
    let mut calls: BTreeMap<String, Option<Call>> = BTreeMap::new();
    let mut rows = Vec::with_capacity(total);
    let mut after = None;
    loop {
        let page = store.applications_page(after, ROW_CHUNK)?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for application in &page {
            if !calls.contains_key(&application.call) {
                calls.insert(application.call.clone(), store.call(&application.call)?);
            }
            let call = calls.get(&application.call).and_then(Option::as_ref);
            rows.push(Row::of(application, call));
        }
        progress(rows.len(), total.max(rows.len()));
    }
    Ok(rows)
}

/// The cruscotto's figures before the rows are in: the call and the counts per state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub call: Option<Call>,
    pub counts: BTreeMap<State, usize>,
}

impl Summary {
    pub fn load(store: &Store) -> Result<Summary, StoreError> {
        Ok(Summary {
            call: store.active_call()?,
            counts: store.count_by_state()?,
        })
    }

    pub fn total(&self) -> usize {
        self.counts.values().sum()
    }
}

/// Everything the case screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub application: Application,
    pub call: Option<Call>,
    pub events: Vec<(u64, Event)>,
}

impl Case {
    pub fn load(store: &Store, id: ApplicationId) -> Result<Option<Case>, StoreError> {
        let Some(application) = store.application(id)? else {
            return Ok(None);
        };
        let call = store.call(&application.call)?;
        let events = store.application_events(id)?;
        Ok(Some(Case {
            application,
            call,
            events,
        }))
    }
}
