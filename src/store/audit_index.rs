//! The audit log read by case and by filter. `idx_audit_application` holds one empty-valued key
//! per audit entry that concerns an application: application id then sequence number, both
//! big-endian, so that a prefix scan yields a case's entries in log order. The key is written in
//! the transaction that appends the entry; the index is derived and never exported, and it is
//! rebuilt from the log by the schema-2 migration and by restore.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::audit::StoredEntry;
use super::{Store, StoreError, keys};
use crate::domain::{ApplicationId, Event};

/// Index keys written per batch while rebuilding: memory stays flat whatever the log's size.
const REBUILD_BATCH: usize = 10_000;

/// Which audit entries `Store::audit_page` returns. Every field left at `None` matches all.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Only this application's entries, read through the index.
    pub case: Option<ApplicationId>,
    /// Only entries by this operator. Compared exactly, case and spaces included, with
    /// `Event::actor`: pass the name as it was recorded.
    pub actor: Option<String>,
    /// Only entries of this kind, named as `Event::kind_name` names it (`domanda_ammessa`, …).
    /// A name no event has matches nothing.
    pub kind: Option<String>,
}

impl AuditFilter {
    fn tests_content(&self) -> bool {
        self.actor.is_some() || self.kind.is_some()
    }
}

/// The part of a stored entry a filter looks at, read without decoding the whole event.
#[derive(Deserialize)]
struct EntryHead<'a> {
    #[serde(borrow)]
    event: EventHead<'a>,
}

#[derive(Deserialize)]
struct EventHead<'a> {
    #[serde(borrow)]
    actor: Cow<'a, str>,
    #[serde(borrow)]
    kind: KindHead<'a>,
}

/// `EventKind` is tagged with `tipo`.
#[derive(Deserialize)]
struct KindHead<'a> {
    #[serde(borrow)]
    tipo: Cow<'a, str>,
}

/// Tests entries against a filter, decoding whole events only for the entries that match.
struct Matcher<'f> {
    filter: &'f AuditFilter,
    /// Stored `tipo` tag → `Event::kind_name`, learnt from the first full decode of each kind,
    /// so that the two names are never kept in step by hand.
    kind_names: HashMap<String, &'static str>,
}

impl<'f> Matcher<'f> {
    fn new(filter: &'f AuditFilter) -> Self {
        Matcher {
            filter,
            kind_names: HashMap::new(),
        }
    }

    /// The decoded entry when it matches the filter's actor and kind.
    fn matching(&mut self, key: &[u8], value: &[u8]) -> Result<Option<(u64, Event)>, StoreError> {
        if !self.filter.tests_content() {
            return decode_entry(key, value).map(Some);
        }
        let head: EntryHead =
            serde_json::from_slice(value).map_err(|e| StoreError::corrupt(keys::AUDIT, key, e))?;
        if let Some(actor) = &self.filter.actor
            && head.event.actor != actor.as_str()
        {
            return Ok(None);
        }
        let Some(kind) = &self.filter.kind else {
            return decode_entry(key, value).map(Some);
        };
        match self.kind_names.get(head.event.kind.tipo.as_ref()) {
            Some(name) if name != kind => Ok(None),
            Some(_) => decode_entry(key, value).map(Some),
            None => {
                let (seq, event) = decode_entry(key, value)?;
                let name = event.kind_name();
                self.kind_names
                    .insert(head.event.kind.tipo.into_owned(), name);
                Ok((name == kind).then_some((seq, event)))
            }
        }
    }
}

/// Sequence number and event of a stored audit entry.
pub(super) fn decode_entry(key: &[u8], value: &[u8]) -> Result<(u64, Event), StoreError> {
    let entry: StoredEntry =
        serde_json::from_slice(value).map_err(|e| StoreError::corrupt(keys::AUDIT, key, e))?;
    let event = entry
        .decode_event()
        .map_err(|e| StoreError::corrupt(keys::AUDIT, key, e))?;
    Ok((entry.seq, event))
}

/// The sequence number an audit key addresses.
pub(super) fn audit_seq(key: &[u8]) -> Option<u64> {
    keys::decode_application_id(key).map(|id| id.0)
}

impl Store {
    /// Every audit entry of one application, oldest first, read through the index.
    pub fn application_events(&self, id: ApplicationId) -> Result<Vec<(u64, Event)>, StoreError> {
        self.tree(keys::IDX_AUDIT_APPLICATION)
            .scan_prefix(keys::application(id))
            .map(|item| self.application_entry(id, item))
            .collect()
    }

    /// The audit entry an item of application `id`'s index names, checked to be about it.
    fn application_entry(
        &self,
        id: ApplicationId,
        item: sled::Result<(sled::IVec, sled::IVec)>,
    ) -> Result<(u64, Event), StoreError> {
        let (key, _) = item?;
        let (seq, value) = self.indexed_entry(id, &key)?;
        let (seq_stored, event) = decode_entry(&keys::audit(seq), &value)?;
        check_belongs(id, seq, &event)?;
        Ok((seq_stored, event))
    }

    /// The newest `limit` entries about application `id`, oldest first, and how many there
    /// are in all: a case of many years is shown from its recent entries without reading them
    /// all.
    pub fn application_events_newest(
        &self,
        id: ApplicationId,
        limit: usize,
    ) -> Result<(Vec<(u64, Event)>, usize), StoreError> {
        let tree = self.tree(keys::IDX_AUDIT_APPLICATION);
        let mut newest = tree
            .scan_prefix(keys::application(id))
            .rev()
            .take(limit)
            .map(|item| self.application_entry(id, item))
            .collect::<Result<Vec<_>, StoreError>>()?;
        // Counted again only when some were left out.
        let total = if newest.len() < limit {
            newest.len()
        } else {
            tree.scan_prefix(keys::application(id)).keys().count()
        };
        newest.reverse();
        Ok((newest, total))
    }

    /// A page of the audit log, newest first: the entries with a sequence number below
    /// `before` (from the newest when `None`) that match `filter`, at most `limit` of them.
    /// Pass the smallest sequence number of a page as `before` to get the next one.
    pub fn audit_page(
        &self,
        before: Option<u64>,
        limit: usize,
        filter: &AuditFilter,
    ) -> Result<Vec<(u64, Event)>, StoreError> {
        let mut page = Vec::new();
        if limit == 0 {
            return Ok(page);
        }
        let mut matcher = Matcher::new(filter);
        match filter.case {
            Some(id) => {
                let index = self.tree(keys::IDX_AUDIT_APPLICATION);
                let start = keys::audit_application(id, 0);
                let keys = match before {
                    Some(before) => index.range(start..keys::audit_application(id, before)),
                    None => index.range(start..=keys::audit_application(id, u64::MAX)),
                };
                for item in keys.rev() {
                    let (key, _) = item?;
                    let (seq, value) = self.indexed_entry(id, &key)?;
                    if let Some((seq_stored, event)) =
                        matcher.matching(&keys::audit(seq), &value)?
                    {
                        check_belongs(id, seq, &event)?;
                        page.push((seq_stored, event));
                        if page.len() == limit {
                            break;
                        }
                    }
                }
            }
            None => {
                let audit = self.tree(keys::AUDIT);
                let entries = match before {
                    Some(before) => audit.range(..keys::audit(before)),
                    None => audit.iter(),
                };
                for item in entries.rev() {
                    let (key, value) = item?;
                    if let Some(found) = matcher.matching(&key, &value)? {
                        page.push(found);
                        if page.len() == limit {
                            break;
                        }
                    }
                }
            }
        }
        Ok(page)
    }

    /// The sequence number an index key of `id` names, and the stored entry it points at.
    fn indexed_entry(
        &self,
        id: ApplicationId,
        key: &[u8],
    ) -> Result<(u64, sled::IVec), StoreError> {
        let seq = match keys::decode_audit_application(key) {
            Some((found, seq)) if found == id => seq,
            _ => {
                return Err(StoreError::corrupt(
                    keys::IDX_AUDIT_APPLICATION,
                    key,
                    "chiave illeggibile",
                ));
            }
        };
        match self.tree(keys::AUDIT).get(keys::audit(seq))? {
            Some(value) => Ok((seq, value)),
            None => Err(StoreError::corrupt(
                keys::IDX_AUDIT_APPLICATION,
                key,
                format!(
                    "rimanda alla voce {seq} del registro, che non esiste: eseguire alloggi check"
                ),
            )),
        }
    }

    /// Empties the index and writes it again from the audit log, in batches. Entries that
    /// cannot be read are left out: `verify_audit` and `check` report them.
    /// Returns the number of index keys written.
    pub(super) fn rebuild_audit_index(&self) -> Result<u64, StoreError> {
        let index = self.tree(keys::IDX_AUDIT_APPLICATION);
        index.clear()?;
        let mut batch = sled::Batch::default();
        let mut pending = 0usize;
        let mut written = 0u64;
        let mut unreadable = 0u64;
        for item in self.tree(keys::AUDIT).iter() {
            let (key, value) = item?;
            let (Some(seq), Ok((_, event))) = (audit_seq(&key), decode_entry(&key, &value)) else {
                unreadable += 1;
                continue;
            };
            if let Some(id) = event.application_id() {
                batch.insert(&keys::audit_application(id, seq)[..], &[] as &[u8]);
                pending += 1;
                written += 1;
                if pending == REBUILD_BATCH {
                    index.apply_batch(std::mem::take(&mut batch))?;
                    pending = 0;
                }
            }
        }
        if pending > 0 {
            index.apply_batch(batch)?;
        }
        if unreadable > 0 {
            tracing::warn!(
                "indice del registro per domanda: {unreadable} voci illeggibili escluse (eseguire alloggi audit verify)"
            );
        }
        Ok(written)
    }
}

/// An index key of `id` must lead to an event of `id`.
fn check_belongs(id: ApplicationId, seq: u64, event: &Event) -> Result<(), StoreError> {
    if event.application_id() == Some(id) {
        Ok(())
    } else {
        Err(StoreError::corrupt(
            keys::IDX_AUDIT_APPLICATION,
            &keys::audit_application(id, seq),
            format!(
                "la voce {seq} del registro non riguarda la domanda {id}: eseguire alloggi check"
            ),
        ))
    }
}
