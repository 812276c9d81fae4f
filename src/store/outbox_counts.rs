//! How many outbox entries are in each state, without scanning: one counter per state tag in
//! the `count_outbox` tree, key the tag, value the count as JSON. Every console's cruscotto and
//! the sender read them after every commit; with 50.000 messages queued a scan of the state
//! index cost each of them a pass over 50.000 keys.
//!
//! As with the application counters (`counts`), they are derived from `idx_outbox_state`, kept
//! in step by `Tx::write_entry`, the one place that writes that index, in the same transaction;
//! `open` rebuilds them when any is missing, restore rebuilds them, `check` compares them with
//! the index.

use std::collections::BTreeMap;

use super::tx::{Tx, TxResult};
use super::workflows::messages::{COUNT_OUTBOX, IDX_OUTBOX_STATE};
use super::{Store, StoreError};
use crate::messages::outbox::ALL_TAGS;

impl Store {
    /// Entries per state tag, every tag included, from the counters.
    pub(super) fn outbox_tag_counts(&self) -> Result<BTreeMap<u8, u64>, StoreError> {
        ALL_TAGS
            .into_iter()
            .map(|tag| Ok((tag, self.get_json(COUNT_OUTBOX, &[tag])?.unwrap_or(0))))
            .collect()
    }

    /// Entries per state tag, counted in one pass over the state index.
    pub(super) fn scan_outbox_tag_counts(&self) -> Result<BTreeMap<u8, u64>, StoreError> {
        let mut by_tag = [0u64; 256];
        for key in self.tree(IDX_OUTBOX_STATE).iter().keys() {
            if let Some(&tag) = key?.first() {
                by_tag[usize::from(tag)] += 1;
            }
        }
        Ok(ALL_TAGS
            .into_iter()
            .map(|tag| (tag, by_tag[usize::from(tag)]))
            .collect())
    }

    /// Writes every counter from the state index at once, removing any other key.
    pub(super) fn rebuild_outbox_counts(&self) -> Result<(), StoreError> {
        let counts = self.scan_outbox_tag_counts()?;
        let tree = self.tree(COUNT_OUTBOX);
        let mut batch = sled::Batch::default();
        for key in tree.iter().keys() {
            batch.remove(key?);
        }
        for (tag, n) in counts {
            let value =
                serde_json::to_vec(&n).map_err(|e| StoreError::corrupt(COUNT_OUTBOX, &[tag], e))?;
            batch.insert(&[tag], value);
        }
        tree.apply_batch(batch)?;
        Ok(())
    }

    /// Rebuilds the counters unless every one is present and readable. Called by `open`.
    pub(super) fn ensure_outbox_counts(&self) -> Result<(), StoreError> {
        for tag in ALL_TAGS {
            match self.get_json::<u64>(COUNT_OUTBOX, &[tag]) {
                Ok(Some(_)) => {}
                Ok(None) | Err(StoreError::Corrupt { .. }) => {
                    self.rebuild_outbox_counts()?;
                    self.db.flush()?;
                    return Ok(());
                }
                Err(other) => return Err(other),
            }
        }
        Ok(())
    }
}

/// Moves one entry's count from tag `from` (none for a new entry) to tag `to`.
pub(super) fn move_outbox_count(tx: &Tx, from: Option<u8>, to: u8) -> TxResult<()> {
    let counts = tx.tree(COUNT_OUTBOX);
    if let Some(from) = from {
        let n: u64 = tx.get_json(counts, COUNT_OUTBOX, &[from])?.unwrap_or(0);
        tx.put_json(counts, &[from], &n.saturating_sub(1))?;
    }
    let n: u64 = tx.get_json(counts, COUNT_OUTBOX, &[to])?.unwrap_or(0);
    tx.put_json(counts, &[to], &n.saturating_add(1))
}
