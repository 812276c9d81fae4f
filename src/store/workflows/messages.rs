//! The IO outbox: its entries, their indexes by state and by content, and the cache of the
//! citizens IO said may be written to. Entries are written by the outbox's own transactions
//! (`store::outbox`), not by a command's snapshot.

use std::io::Write;

use serde_json::value::RawValue;

use super::{Lines, Part, Record, Role, Tree, export_records};
use crate::messages::outbox::OutboxEntry;
use crate::store::backup::BackupCounts;
use crate::store::check::{IntegrityReport, KeyMap, KeySet, compare_maps, compare_sets};
use crate::store::{Store, StoreError, keys};

/// The IO outbox: key `outbox(id)`, value the `OutboxEntry` as JSON. Primary data: exported.
pub(crate) const OUTBOX: &str = "outbox";
/// Outbox entries by state: the state's tag then the id, empty value. Derived from `outbox`.
pub(crate) const IDX_OUTBOX_STATE: &str = "idx_outbox_state";
/// Outbox entries by content hash (hex), value the id: a second identical message to the same
/// citizen is refused. Derived from `outbox`.
pub(crate) const IDX_OUTBOX_HASH: &str = "idx_outbox_hash";
/// Citizens IO said may receive the service's messages: key the fiscal code, value the time of
/// the check. A cache: never exported, safe to empty.
pub(crate) const IO_PROFILES: &str = "io_profiles";
/// Entries per state tag: key the tag, value the count as JSON. Derived from
/// `idx_outbox_state` (see `store::outbox_counts`).
pub(crate) const COUNT_OUTBOX: &str = "count_outbox";

pub(super) struct Messages;

impl Part for Messages {
    fn trees(&self) -> &'static [Tree] {
        &[
            Tree {
                name: OUTBOX,
                role: Role::Records,
            },
            Tree {
                name: IDX_OUTBOX_STATE,
                role: Role::Derived,
            },
            Tree {
                name: IDX_OUTBOX_HASH,
                role: Role::Derived,
            },
            Tree {
                name: IO_PROFILES,
                role: Role::Cache,
            },
            Tree {
                name: COUNT_OUTBOX,
                role: Role::Preset,
            },
        ]
    }

    fn lines(&self) -> &'static [Lines] {
        &[Lines {
            label: "outbox",
            order: 50,
            keyed: false,
            export: Some(export),
            restore,
        }]
    }

    /// The outbox's state and content indexes from its entries.
    fn rebuild(&self, store: &Store) -> Result<(), StoreError> {
        for item in store.tree(OUTBOX).iter() {
            let (key, value) = item?;
            let entry: OutboxEntry =
                serde_json::from_slice(&value).map_err(|e| StoreError::corrupt(OUTBOX, &key, e))?;
            store.tree(IDX_OUTBOX_STATE).insert(
                keys::outbox_state(entry.state.tag(), entry.id),
                &[] as &[u8],
            )?;
            store
                .tree(IDX_OUTBOX_HASH)
                .insert(entry.content_hash.as_bytes(), &keys::outbox(entry.id))?;
        }
        store.rebuild_outbox_counts()
    }

    fn check(&self, store: &Store, report: &mut IntegrityReport) -> Result<(), StoreError> {
        check_outbox(store, report)?;
        let (kept, counted) = (store.outbox_tag_counts()?, store.scan_outbox_tag_counts()?);
        if kept != counted {
            report.problems.push(format!(
                "contatori dei messaggi per stato {kept:?} diversi dall'indice {counted:?}"
            ));
        }
        Ok(())
    }
}

fn export(store: &Store, out: &mut dyn Write, counts: &mut BackupCounts) -> Result<(), StoreError> {
    counts.messages += export_records(store, out, OUTBOX, "outbox")?;
    Ok(())
}

fn restore(
    _key: Option<String>,
    value: &RawValue,
    counts: &mut BackupCounts,
) -> Result<Record, String> {
    let entry: OutboxEntry =
        serde_json::from_str(value.get()).map_err(|e| format!("messaggio non valido: {e}"))?;
    counts.messages += 1;
    Ok(Record::raw(OUTBOX, keys::outbox(entry.id).to_vec(), value))
}

/// The outbox's state and content indexes against its entries, and its counter.
fn check_outbox(store: &Store, report: &mut IntegrityReport) -> Result<(), StoreError> {
    let mut states = KeySet::new();
    let mut hashes = KeyMap::new();
    let mut max_id = 0;
    for item in store.tree(OUTBOX).iter() {
        let (key, value) = item?;
        let entry: OutboxEntry = match serde_json::from_slice(&value) {
            Ok(entry) => entry,
            Err(e) => {
                report.problems.push(format!(
                    "messaggio con chiave {} illeggibile: {e}",
                    keys::hex(&key)
                ));
                continue;
            }
        };
        if entry.message.content_hash() != entry.content_hash {
            report.problems.push(format!(
                "messaggio {}: il contenuto non corrisponde alla sua impronta",
                entry.id
            ));
        }
        max_id = max_id.max(entry.id.0);
        states.insert(keys::outbox_state(entry.state.tag(), entry.id).to_vec());
        hashes.insert(
            entry.content_hash.into_bytes(),
            keys::outbox(entry.id).to_vec(),
        );
    }
    compare_sets(
        report,
        "stato dei messaggi",
        store.tree(IDX_OUTBOX_STATE),
        &states,
    )?;
    compare_maps(
        report,
        "impronta dei messaggi",
        store.tree(IDX_OUTBOX_HASH),
        &hashes,
    )?;
    let next: u64 = store
        .get_json(keys::META, keys::META_NEXT_OUTBOX)?
        .unwrap_or(1);
    if next <= max_id {
        report.problems.push(format!(
            "contatore dei messaggi a {next}, ma esiste già il messaggio M{max_id}"
        ));
    }
    Ok(())
}
