//! How many applications are in each state, without scanning: one counter per state in the
//! `count_state` tree, key `keys::state_count(state)`, value the count as JSON.
//!
//! The counters are derived from `idx_state`, like the indexes. They are kept in step by
//! `Tx::index_state`, the one place that writes the state index, in the same transaction. They
//! are never exported: restore rebuilds them.
//!
//! Once a database has been opened by this version, all six counters are present. `open` reads
//! them, and if any of them is missing or unreadable it rebuilds all six in one pass over the
//! state index. That covers databases written before the counters existed (schema 1, and schema
//! 2 before they were added), a new database, and one emptied by a failed restore. A counter
//! that is present but wrong is not detected at open, which would cost the scan the counters
//! exist to avoid: `check` reports it. (Builds of schema 2 from before the counters, never
//! released, write the state index without them; a database they have written to after a
//! newer build has counted it needs its `count_state` tree deleted, and the next open rebuilds
//! it.)

use std::collections::BTreeMap;

use super::{Store, StoreError, keys};
use crate::domain::State;

impl Store {
    /// Applications per state, every state included, read from the counters: six lookups,
    /// whatever the number of applications. Each counter is exact after every commit; read
    /// while another handle commits, the six can straddle that commit.
    pub fn count_by_state(&self) -> Result<BTreeMap<State, usize>, StoreError> {
        State::ALL
            .into_iter()
            .map(|state| {
                // `open` writes every counter; a missing one is reported by `check`.
                let n = self.stored_state_count(state)?.unwrap_or(0);
                Ok((state, usize::try_from(n).unwrap_or(usize::MAX)))
            })
            .collect()
    }

    /// The stored counter of `state`, if there is one.
    pub(super) fn stored_state_count(&self, state: State) -> Result<Option<u64>, StoreError> {
        self.get_json(keys::COUNT_STATE, &keys::state_count(state))
    }

    /// Applications per state, every state included, counted in one pass over the state index:
    /// what the counters must say. Keys whose first byte is no state's tag are not counted
    /// (`check` reports them as index entries without an application).
    pub(super) fn scan_state_counts(&self) -> Result<BTreeMap<State, u64>, StoreError> {
        let mut by_tag = [0u64; 256];
        for key in self.tree(keys::IDX_STATE).iter().keys() {
            if let Some(&tag) = key?.first() {
                by_tag[usize::from(tag)] += 1;
            }
        }
        Ok(State::ALL
            .into_iter()
            .map(|state| (state, by_tag[usize::from(state.tag())]))
            .collect())
    }

    /// Writes all six counters from the state index, at once (one sled batch), and removes
    /// any other key from the tree. Returns the counts written.
    pub(super) fn rebuild_state_counts(&self) -> Result<BTreeMap<State, u64>, StoreError> {
        let counts = self.scan_state_counts()?;
        let tree = self.tree(keys::COUNT_STATE);
        let mut batch = sled::Batch::default();
        for key in tree.iter().keys() {
            batch.remove(key?);
        }
        for (state, n) in &counts {
            let value = serde_json::to_vec(n).map_err(|e| {
                StoreError::corrupt(keys::COUNT_STATE, &keys::state_count(*state), e)
            })?;
            batch.insert(keys::state_count(*state), value);
        }
        tree.apply_batch(batch)?;
        Ok(counts)
    }

    /// Rebuilds the counters unless all six are present and readable. Called by `open`, before
    /// any command can run.
    pub(super) fn ensure_state_counts(&self) -> Result<(), StoreError> {
        let mut complete = true;
        for state in State::ALL {
            match self.stored_state_count(state) {
                Ok(Some(_)) => {}
                Ok(None) | Err(StoreError::Corrupt { .. }) => complete = false,
                Err(other) => return Err(other),
            }
        }
        if complete {
            return Ok(());
        }
        let counts = self.rebuild_state_counts()?;
        self.db.flush()?;
        let total: u64 = counts.values().sum();
        if total > 0 {
            tracing::info!("contatori per stato ricostruiti dall'indice ({total} domande)");
        }
        Ok(())
    }
}
