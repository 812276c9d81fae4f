//! Who opened which application, and when: the case holds ISEE and disability data (GDPR
//! art. 9), so every reading is recorded. A log of its own, outside the audit chain: a reading
//! changes nothing, and the chain records changes.

use std::io::Write;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::{Lines, Part, Record, Role, Tree, export_records};
use crate::domain::ApplicationId;
use crate::domain::time::Timestamp;
use crate::store::backup::BackupCounts;
use crate::store::{Store, StoreError, keys};

/// Readings: key the application's id, the instant in microseconds and a number unique in
/// the database (all big-endian, so an application's readings are together, oldest first);
/// value the `AccessEntry` as JSON. Primary data.
pub(crate) const ACCESS_LOG: &str = "access_log";

/// Where a case was opened from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Console,
    CommandLine,
}

impl Channel {
    pub fn label(self) -> &'static str {
        match self {
            Channel::Console => "console",
            Channel::CommandLine => "riga di comando",
        }
    }
}

/// One reading of an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEntry {
    pub application: ApplicationId,
    /// The system user.
    pub actor: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<String>,
    pub at: Timestamp,
    pub channel: Channel,
    /// Tells apart two readings of one application in the same microsecond.
    pub n: u64,
}

impl AccessEntry {
    fn key(&self) -> Vec<u8> {
        let mut key = keys::application(self.application).to_vec();
        // Readings before 1970 do not happen; a negative instant sorts first.
        let micros = u64::try_from(self.at.timestamp_micros()).unwrap_or(0);
        key.extend_from_slice(&micros.to_be_bytes());
        key.extend_from_slice(&self.n.to_be_bytes());
        key
    }
}

pub(super) struct Access;

impl Part for Access {
    fn trees(&self) -> &'static [Tree] {
        &[Tree {
            name: ACCESS_LOG,
            role: Role::Records,
        }]
    }

    fn lines(&self) -> &'static [Lines] {
        &[Lines {
            label: "access",
            order: 100,
            keyed: false,
            export: Some(export),
            restore,
        }]
    }
}

fn export(store: &Store, out: &mut dyn Write, counts: &mut BackupCounts) -> Result<(), StoreError> {
    counts.access_entries += export_records(store, out, ACCESS_LOG, "access")?;
    Ok(())
}

fn restore(
    _key: Option<String>,
    value: &RawValue,
    counts: &mut BackupCounts,
) -> Result<Record, String> {
    let entry: AccessEntry = serde_json::from_str(value.get())
        .map_err(|e| format!("lettura di una domanda non valida: {e}"))?;
    counts.access_entries += 1;
    Ok(Record::raw(ACCESS_LOG, entry.key(), value))
}

/// An application's readings, newest first, and how many there are in all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessPage {
    pub entries: Vec<AccessEntry>,
    pub total: usize,
}

impl Store {
    /// Records a reading, durably before the case is shown.
    pub fn record_access(
        &self,
        application: ApplicationId,
        actor: &str,
        on_behalf_of: Option<&str>,
        at: Timestamp,
        channel: Channel,
    ) -> Result<(), StoreError> {
        let entry = AccessEntry {
            application,
            actor: actor.to_string(),
            on_behalf_of: on_behalf_of.map(str::to_string),
            at,
            channel,
            n: self.db.generate_id()?,
        };
        let value = serde_json::to_vec(&entry)
            .map_err(|e| StoreError::corrupt(ACCESS_LOG, &entry.key(), e))?;
        self.tree(ACCESS_LOG).insert(entry.key(), value)?;
        self.db.flush()?;
        Ok(())
    }

    /// The newest reading of `application`, if any.
    pub fn newest_access(
        &self,
        application: ApplicationId,
    ) -> Result<Option<AccessEntry>, StoreError> {
        match self
            .tree(ACCESS_LOG)
            .scan_prefix(keys::application(application))
            .next_back()
        {
            Some(item) => {
                let (key, value) = item?;
                serde_json::from_slice(&value)
                    .map(Some)
                    .map_err(|e| StoreError::corrupt(ACCESS_LOG, &key, e))
            }
            None => Ok(None),
        }
    }

    /// The newest `limit` readings of `application` and their total.
    pub fn accesses(
        &self,
        application: ApplicationId,
        limit: usize,
    ) -> Result<AccessPage, StoreError> {
        let mut page = AccessPage::default();
        for item in self
            .tree(ACCESS_LOG)
            .scan_prefix(keys::application(application))
            .rev()
        {
            let (key, value) = item?;
            page.total += 1;
            if page.entries.len() < limit {
                page.entries.push(
                    serde_json::from_slice(&value)
                        .map_err(|e| StoreError::corrupt(ACCESS_LOG, &key, e))?,
                );
            }
        }
        Ok(page)
    }
}
