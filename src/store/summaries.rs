//! The inbox's read model: one `ApplicationSummary` per application in the `summaries` tree,
//! key `keys::application(id)`, value the summary as JSON: about 150 bytes where the record
//! takes 1.300, so that the console lists 100.000 applications without reading the records.
//!
//! The summaries are derived from the records and their calls, like the indexes. A command
//! writes the summary of each application it writes, in the same transaction, computed with
//! the call of its snapshot: `Tx::write_summary` is the one place a command writes one. They
//! are never exported: restore rebuilds them.
//!
//! A summary also depends on its call: `flagged` reads the call's documents. A command that
//! changes the documents of an existing call (`SaveCall`) does not rewrite the summaries of the
//! call's applications, which would put all of them in one transaction. It leaves a marker
//! instead, in `summaries_pending` and in the same transaction: key the call's code, value a
//! token unique to that change. Once the command has committed, `Store::execute` recomputes
//! the call's summaries in transactions of `RECOMPUTE_BATCH` applications, each reading the
//! call and the records afresh, so that a command committed meanwhile through another handle
//! is never overwritten by an older summary; then it removes the marker, unless a newer change
//! has replaced its token meanwhile (one handle of a process does this at a time, see
//! `settle_summaries`). A crash or an error in between leaves the marker, and the next `open`
//! finishes the work; until then some summaries of that call may show an outdated flag, and
//! `check` reports the marker and those summaries. A call saved for the first time leaves no
//! marker: in a consistent database no application names a call that does not exist (`check`
//! reports one that does).
//!
//! Once a database has been opened by this version, every application has its summary. `open`
//! rebuilds the whole tree when it is empty while applications exist: a database written
//! before the summaries existed (schema 1, and schema 2 before they were added) or one whose
//! tree was deleted. The rebuild first leaves a marker under the empty key, then clears the
//! tree and writes it again in batches of `REBUILD_BATCH`, so that memory stays flat whatever
//! the number of applications, and removes the marker last: an open interrupted part-way starts
//! the rebuild again at the next one. A summary that is present but wrong is not detected at
//! open, which would cost the scan the summaries exist to avoid: `check` reports it. (A build
//! from before the summaries that writes to a database after a newer one has summarised it
//! leaves them stale; `check` reports them, and deleting the `summaries` tree makes the next
//! open rebuild it.)

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::TryLockError;

use serde::Deserialize;
use sled::Transactional;
use sled::transaction::ConflictableTransactionError;

use super::{Store, StoreError, flatten, keys};
use crate::domain::summary::ApplicationSummary;
use crate::domain::{Application, Call};

/// Summaries written per batch while rebuilding the tree, and read between two progress reports.
const REBUILD_BATCH: usize = 10_000;

/// Applications per transaction when a call's summaries are recomputed after it changed.
const RECOMPUTE_BATCH: usize = 1_000;

/// The key of the marker that asks for the whole tree. Call codes are never empty.
const EVERY_SUMMARY: &[u8] = b"";

/// Summaries reserved in advance at most, whatever the counters say.
const MAX_PREALLOCATED: usize = 1 << 20;

/// The part of a stored application that names its call, read without decoding the rest.
#[derive(Deserialize)]
struct CallOf<'a> {
    #[serde(borrow)]
    call: Cow<'a, str>,
}

impl Store {
    /// Every application's summary, in id order, read from the read model: no record is read.
    /// `progress` gets (read, expected) every `REBUILD_BATCH` summaries and at the end; the
    /// expected number comes from the state counters.
    pub fn application_summaries(
        &self,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Vec<ApplicationSummary>, StoreError> {
        let expected: usize = self.count_by_state()?.values().sum();
        let mut summaries = Vec::with_capacity(expected.min(MAX_PREALLOCATED));
        for item in self.tree(keys::SUMMARIES).iter() {
            let (key, value) = item?;
            let summary: ApplicationSummary = serde_json::from_slice(&value)
                .map_err(|e| StoreError::corrupt(keys::SUMMARIES, &key, e))?;
            summaries.push(summary);
            if summaries.len() % REBUILD_BATCH == 0 {
                progress(summaries.len(), expected.max(summaries.len()));
            }
        }
        if summaries.len() % REBUILD_BATCH != 0 {
            progress(summaries.len(), expected.max(summaries.len()));
        }
        Ok(summaries)
    }

    /// Rebuilds the whole tree when it is missing or a rebuild was cut short, then finishes any
    /// recomputation a change of call left pending. Called by `open`, before any command can run.
    pub(super) fn ensure_summaries(&self) -> Result<(), StoreError> {
        let pending = self.tree(keys::SUMMARIES_PENDING);
        if self.tree(keys::SUMMARIES).is_empty() && !self.tree(keys::APPLICATIONS).is_empty() {
            pending.insert(EVERY_SUMMARY, b"0".as_slice())?;
            self.db.flush()?;
        }
        if pending.contains_key(EVERY_SUMMARY)? {
            let written = self.rebuild_summaries()?;
            self.db.flush()?;
            // Every summary was computed from the calls as they are now: the markers of
            // changed calls are settled too.
            pending.clear()?;
            self.db.flush()?;
            tracing::info!("riepiloghi delle domande ricostruiti ({written} domande)");
        }
        // A failure here leaves the marker, as after a command: the database stays usable
        // (for an export, say), and the next open tries again.
        self.settle_summaries();
        Ok(())
    }

    /// Empties the tree and writes every summary again from the records, in batches. Records
    /// that cannot be read are left out, and a call that cannot be read counts as missing:
    /// `check` reports both. Not transactional: for `open` and restore, before any command can
    /// run. Returns the number of summaries written.
    pub(super) fn rebuild_summaries(&self) -> Result<u64, StoreError> {
        let tree = self.tree(keys::SUMMARIES);
        tree.clear()?;
        let mut calls: BTreeMap<String, Option<Call>> = BTreeMap::new();
        let mut batch = sled::Batch::default();
        let mut pending = 0usize;
        let mut written = 0u64;
        let mut unreadable = 0u64;
        for item in self.tree(keys::APPLICATIONS).iter() {
            let (_, value) = item?;
            let Ok(app) = serde_json::from_slice::<Application>(&value) else {
                unreadable += 1;
                continue;
            };
            if !calls.contains_key(&app.call) {
                let call = self.call(&app.call).unwrap_or_else(|e| {
                    tracing::warn!("riepiloghi: bando '{}' illeggibile ({e})", app.call);
                    None
                });
                calls.insert(app.call.clone(), call);
            }
            let call = calls.get(&app.call).and_then(Option::as_ref);
            let key = keys::application(app.id);
            let summary = serde_json::to_vec(&ApplicationSummary::of(&app, call))
                .map_err(|e| StoreError::corrupt(keys::SUMMARIES, &key, e))?;
            batch.insert(&key[..], summary);
            pending += 1;
            written += 1;
            if pending == REBUILD_BATCH {
                tree.apply_batch(std::mem::take(&mut batch))?;
                pending = 0;
            }
        }
        if pending > 0 {
            tree.apply_batch(batch)?;
        }
        if unreadable > 0 {
            tracing::warn!(
                "riepiloghi delle domande: {unreadable} domande illeggibili escluse (eseguire alloggi check)"
            );
        }
        Ok(written)
    }

    /// After a commit: recomputes the summaries a change of call has left stale, if any. The
    /// command has committed whatever happens here, so a failure is logged, not returned; its
    /// marker stays for the next open.
    ///
    /// One handle of a process does the work at a time: a command that finds another at it
    /// returns at once, and the one at work looks for markers again each time it has let go,
    /// so that a marker committed while it was busy is not left behind.
    pub(super) fn settle_summaries(&self) {
        loop {
            match self.calls_pending() {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => {
                    tracing::error!("riepiloghi delle domande: {e}");
                    return;
                }
            }
            let _settling = match self.settling.try_lock() {
                Ok(guard) => guard,
                Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                Err(TryLockError::WouldBlock) => return,
            };
            if let Err(e) = self.recompute_pending_summaries() {
                tracing::error!(
                    "riepiloghi delle domande non ricalcolati dopo la modifica di un bando: {e} (saranno ricalcolati alla prossima apertura)"
                );
                return;
            }
        }
    }

    /// Whether a marker names a call.
    fn calls_pending(&self) -> Result<bool, StoreError> {
        for key in self.tree(keys::SUMMARIES_PENDING).iter().keys() {
            if *key? != *EVERY_SUMMARY {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Recomputes the summaries of each call a marker names, then removes the marker unless
    /// its token has changed meanwhile (a newer change, whose own recomputation removes it).
    /// Safe while other handles run commands. The marker of the whole tree is left to `open`.
    fn recompute_pending_summaries(&self) -> Result<(), StoreError> {
        let pending = self.tree(keys::SUMMARIES_PENDING);
        let markers = pending
            .iter()
            .collect::<Result<Vec<(sled::IVec, sled::IVec)>, _>>()?;
        for (code, token) in markers {
            if *code == *EVERY_SUMMARY {
                continue;
            }
            let written = self.recompute_call_summaries(&code)?;
            self.db.flush()?;
            // A token that changed belongs to a newer change: its marker stays.
            let _ = pending.compare_and_swap(&code, Some(&token), None::<&[u8]>)?;
            self.db.flush()?;
            tracing::info!(
                "riepiloghi del bando '{}' ricalcolati ({written} cambiati)",
                String::from_utf8_lossy(&code)
            );
        }
        Ok(())
    }

    /// Recomputes the summaries of the applications of call `code`: one pass over the records
    /// decoding only their call, then one transaction per `RECOMPUTE_BATCH` of them. Returns
    /// the number of summaries that changed.
    fn recompute_call_summaries(&self, code: &[u8]) -> Result<usize, StoreError> {
        let mut batch: Vec<sled::IVec> = Vec::with_capacity(RECOMPUTE_BATCH);
        let mut changed = 0;
        for item in self.tree(keys::APPLICATIONS).iter() {
            let (key, value) = item?;
            // Another call's record, or an unreadable one (`check` reports it), is skipped.
            if let Ok(of) = serde_json::from_slice::<CallOf>(&value)
                && of.call.as_bytes() == code
            {
                batch.push(key);
            }
            if batch.len() == RECOMPUTE_BATCH {
                changed += self.recompute_summaries_of(code, &batch)?;
                batch.clear();
            }
        }
        if !batch.is_empty() {
            changed += self.recompute_summaries_of(code, &batch)?;
        }
        Ok(changed)
    }

    /// In one transaction: reads call `code` and the records under `records`, and writes the
    /// summary of each that still belongs to that call, where it differs from the stored one.
    fn recompute_summaries_of(
        &self,
        code: &[u8],
        records: &[sled::IVec],
    ) -> Result<usize, StoreError> {
        let trees = (
            self.tree(keys::APPLICATIONS),
            self.tree(keys::CALLS),
            self.tree(keys::SUMMARIES),
        );
        trees
            .transaction(|(applications, calls, summaries)| {
                let abort = ConflictableTransactionError::Abort;
                let call: Option<Call> = match calls.get(code)? {
                    None => None,
                    Some(bytes) => Some(
                        serde_json::from_slice(&bytes)
                            .map_err(|e| abort(StoreError::corrupt(keys::CALLS, code, e)))?,
                    ),
                };
                let mut changed = 0;
                for record in records {
                    let Some(value) = applications.get(record)? else {
                        continue;
                    };
                    let Ok(app) = serde_json::from_slice::<Application>(&value) else {
                        continue;
                    };
                    if app.call.as_bytes() != code {
                        continue;
                    }
                    let key = keys::application(app.id);
                    let summary = serde_json::to_vec(&ApplicationSummary::of(&app, call.as_ref()))
                        .map_err(|e| abort(StoreError::corrupt(keys::SUMMARIES, &key, e)))?;
                    if summaries.get(key)?.as_deref() != Some(summary.as_slice()) {
                        summaries.insert(&key[..], summary)?;
                        changed += 1;
                    }
                }
                Ok(changed)
            })
            .map_err(flatten)
    }

    /// The markers left, as `check` describes them: each a reason the summaries are known stale.
    pub(super) fn pending_summaries(&self) -> Result<Vec<String>, StoreError> {
        self.tree(keys::SUMMARIES_PENDING)
            .iter()
            .keys()
            .map(|key| {
                let key = key?;
                Ok(if *key == *EVERY_SUMMARY {
                    "riepiloghi delle domande da ricostruire: riaprire il database".to_string()
                } else {
                    format!(
                        "riepiloghi delle domande del bando '{}' da ricalcolare dopo la sua modifica: riaprire il database",
                        String::from_utf8_lossy(&key)
                    )
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Command, Context};
    use crate::files::call_toml::bando_2024;

    #[test]
    fn check_reports_the_markers_left() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let store = Store::open(dir.path())?;
        let ctx = Context {
            actor: "mrossi".to_string(),
            on_behalf_of: None,
            now: chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2024, 9, 10, 9, 0, 0)
                .single()
                .ok_or("valid instant")?,
        };
        store.execute(&Command::SaveCall(Box::new(bando_2024()?)), &ctx)?;
        assert!(store.check()?.is_ok());
        let pending = store.tree(keys::SUMMARIES_PENDING);
        pending.insert("erp-2024", b"7".as_slice())?;
        pending.insert(EVERY_SUMMARY, b"0".as_slice())?;
        assert_eq!(
            store.check()?.problems,
            vec![
                "riepiloghi delle domande da ricostruire: riaprire il database".to_string(),
                "riepiloghi delle domande del bando 'erp-2024' da ricalcolare dopo la sua modifica: riaprire il database".to_string(),
            ]
        );
        // The next command settles the call's marker; the whole tree's is left to `open`.
        store.execute(
            &Command::ActivateCall {
                code: "erp-2024".to_string(),
            },
            &ctx,
        )?;
        assert_eq!(store.check()?.problems.len(), 1);
        drop(store);
        let store = Store::open(dir.path())?;
        assert!(store.check()?.is_ok());
        Ok(())
    }
}
