//! Everything a command does inside its transaction: load the snapshot, decide, evolve,
//! write what changed and append the audit entries. Loading and writing are the store parts'
//! (`workflows`), one per workflow.

use serde::Serialize;
use serde::de::DeserializeOwned;
use sled::transaction::{ConflictableTransactionError, TransactionalTree};

use super::audit::{AuditHead, StoredEntry};
use super::error::StoreError;
use super::{keys, workflows};
use crate::domain::{Command, Context, Event, Snapshot, decide, evolve};

pub(crate) type TxResult<T> = Result<T, ConflictableTransactionError<StoreError>>;

/// The transactional views of every tree, in the order of `workflows::tree_names`.
pub(crate) struct Tx<'a>(pub &'a [TransactionalTree]);

pub(super) fn abort<T>(error: StoreError) -> TxResult<T> {
    Err(ConflictableTransactionError::Abort(error))
}

fn encode<T: Serialize>(value: &T) -> TxResult<Vec<u8>> {
    serde_json::to_vec(value).or_else(|e| {
        abort(StoreError::Corrupt {
            tree: "-",
            key: "-".into(),
            detail: e.to_string(),
        })
    })
}

impl Tx<'_> {
    /// The transactional view of tree `name`, one of `keys`' constants.
    pub(super) fn tree(&self, name: &str) -> &TransactionalTree {
        &self.0[keys::index_of(name)]
    }

    pub(super) fn get_json<T: DeserializeOwned>(
        &self,
        tree: &TransactionalTree,
        name: &'static str,
        key: &[u8],
    ) -> TxResult<Option<T>> {
        match tree.get(key)? {
            None => Ok(None),
            Some(bytes) => match serde_json::from_slice(&bytes) {
                Ok(value) => Ok(Some(value)),
                Err(e) => abort(StoreError::corrupt(name, key, e)),
            },
        }
    }

    pub(super) fn put_json<T: Serialize>(
        &self,
        tree: &TransactionalTree,
        key: &[u8],
        value: &T,
    ) -> TxResult<()> {
        tree.insert(key, encode(value)?)?;
        Ok(())
    }

    /// Runs one command: the whole of its effect, or an abort with the reason.
    pub fn run(&self, command: &Command, ctx: &Context) -> TxResult<Vec<Event>> {
        self.run_for_state(command, ctx).map(|(events, _)| events)
    }

    /// Like `run`, also returning the state the command left, which a message is composed from.
    pub fn run_for_state(
        &self,
        command: &Command,
        ctx: &Context,
    ) -> TxResult<(Vec<Event>, Snapshot)> {
        let before = self.snapshot(command, ctx)?;
        let events = match decide(&before, command, ctx) {
            Ok(events) => events,
            Err(e) => return abort(StoreError::Domain(e)),
        };
        let mut after = before.clone();
        for event in &events {
            if let Err(e) = evolve(&mut after, event) {
                return abort(StoreError::Domain(e));
            }
        }
        self.write_changes(&before, &after, ctx)?;
        self.append_audit(&events)?;
        Ok((events, after))
    }

    /// The snapshot the command needs: each part of the store loads its own fields, in the
    /// registry's order.
    pub(super) fn snapshot(&self, command: &Command, ctx: &Context) -> TxResult<Snapshot> {
        let needs = command.needs();
        let mut snapshot = Snapshot::default();
        for part in workflows::PARTS {
            part.load(self, &needs, ctx, &mut snapshot)?;
        }
        Ok(snapshot)
    }

    /// What the command changed: each part writes its own fields, records and indexes.
    fn write_changes(&self, before: &Snapshot, after: &Snapshot, ctx: &Context) -> TxResult<()> {
        for part in workflows::PARTS {
            part.write(self, before, after, ctx)?;
        }
        Ok(())
    }

    pub(super) fn append_audit(&self, events: &[Event]) -> TxResult<()> {
        let mut head: AuditHead = self
            .get_json(self.tree(keys::META), keys::META, keys::META_AUDIT_HEAD)?
            .unwrap_or_default();
        for event in events {
            let entry = match StoredEntry::new(&head, event) {
                Ok(entry) => entry,
                Err(e) => return abort(StoreError::corrupt(keys::AUDIT, b"-", e)),
            };
            self.put_json(self.tree(keys::AUDIT), &keys::audit(entry.seq), &entry)?;
            if let Some(id) = event.application_id() {
                self.tree(keys::IDX_AUDIT_APPLICATION)
                    .insert(&keys::audit_application(id, entry.seq), &[] as &[u8])?;
            }
            head = AuditHead {
                seq: entry.seq,
                hash: entry.hash,
            };
        }
        self.put_json(self.tree(keys::META), keys::META_AUDIT_HEAD, &head)
    }
}
