//! The store's part of each workflow, and the registry that lists them. A part declares its
//! trees, loads and writes its fields of a command's snapshot, writes and reads its lines of a
//! backup, rebuilds its derived trees after a restore and says what `check` verifies. The
//! store's tree list, `export`, `restore`, `check` and a command's transaction iterate `PARTS`.
//!
//! The parts follow the domain's workflows (`domain::workflows`) where a workflow keeps records
//! of its own: calls, intake, agenda, messages, ranking. Review and fees change the application,
//! which the intake part loads and writes; `meta` and `log` are the store's own.
//!
//! A new workflow with records of its own is a new file here and one line in `PARTS`.

pub(super) mod access;
pub(super) mod agenda;
pub(crate) mod assignment;
pub(super) mod calls;
pub(super) mod intake;
pub(crate) mod lease;
pub(super) mod log;
pub(super) mod messages;
pub(super) mod meta;
pub(super) mod ranking;
pub(crate) mod rent;
pub(crate) mod stock;

use std::io::Write;
use std::sync::LazyLock;

use serde_json::value::RawValue;

use super::backup::BackupCounts;
use super::check::IntegrityReport;
use super::tx::{Tx, TxResult};
use super::{Store, StoreError};
use crate::domain::command::Needs;
use crate::domain::{Context, Snapshot};

/// Every part, in the order a command's snapshot is loaded and written (a part may read the
/// fields of the parts before it: the call is the application's) and `check` reports.
pub(crate) const PARTS: [&dyn Part; 12] = [
    &meta::Meta,
    &intake::Intake,
    &log::Log,
    &messages::Messages,
    &agenda::Agenda,
    &calls::Calls,
    &ranking::Ranking,
    &access::Access,
    // Before the stock: the stock loads the dwelling an applicant's place holds.
    &assignment::Assignment,
    &stock::Stock,
    &lease::Lease,
    &rent::Rent,
];

/// A part of the store: what one workflow keeps, or the store's own meta and audit log.
pub(crate) trait Part: Sync {
    /// The trees the part owns.
    fn trees(&self) -> &'static [Tree];

    /// The kinds of backup line the part writes and reads.
    fn lines(&self) -> &'static [Lines] {
        &[]
    }

    /// Loads the part's fields of `snapshot` for a command that needs `needs`.
    fn load(
        &self,
        _tx: &Tx,
        _needs: &Needs,
        _ctx: &Context,
        _snapshot: &mut Snapshot,
    ) -> TxResult<()> {
        Ok(())
    }

    /// Writes what a command changed in the part's fields, with their indexes.
    fn write(
        &self,
        _tx: &Tx,
        _before: &Snapshot,
        _after: &Snapshot,
        _ctx: &Context,
    ) -> TxResult<()> {
        Ok(())
    }

    /// Rebuilds the part's derived trees from its records, after a restore.
    fn rebuild(&self, _store: &Store) -> Result<(), StoreError> {
        Ok(())
    }

    /// Reports where the part's indexes, counters and records disagree.
    fn check(&self, _store: &Store, _report: &mut IntegrityReport) -> Result<(), StoreError> {
        Ok(())
    }
}

/// One tree and what it holds.
pub(crate) struct Tree {
    pub name: &'static str,
    pub role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Primary data, carried by a backup.
    Records,
    /// Derived from the records in the same transactions; rebuilt on restore, never exported.
    Derived,
    /// Derived, and written by `open` in a new database, so it does not make one non-empty.
    Preset,
    /// A cache: never exported, safe to empty.
    Cache,
}

/// One kind of backup line: `{"label":value}`, or `{"label":"key","value":value}` when keyed.
pub(crate) struct Lines {
    pub label: &'static str,
    /// Where the kind stands in a backup. The order of the file is a promise to every
    /// existing backup: a new kind takes a number after the others.
    pub order: u8,
    pub keyed: bool,
    /// Writes every line of the kind; `None` when another kind's export writes them beside
    /// its own.
    pub export: Option<Export>,
    /// Checks one line by decoding its value, counts it, and says where it goes. `key` is a
    /// keyed line's key.
    pub restore: Restore,
}

pub(crate) type Export = fn(&Store, &mut dyn Write, &mut BackupCounts) -> Result<(), StoreError>;
pub(crate) type Restore =
    fn(key: Option<String>, value: &RawValue, counts: &mut BackupCounts) -> Result<Record, String>;

/// Where one backup line goes: tree, key and the bytes to store.
pub(crate) struct Record {
    pub tree: &'static str,
    pub key: Vec<u8>,
    pub value: Vec<u8>,
}

impl Record {
    /// A record stored as the line's very bytes, so that the audit hashes survive the trip.
    pub fn raw(tree: &'static str, key: Vec<u8>, value: &RawValue) -> Record {
        Record {
            tree,
            key,
            value: value.get().as_bytes().to_vec(),
        }
    }
}

static TREE_NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    PARTS
        .iter()
        .flat_map(|part| part.trees())
        .map(|tree| tree.name)
        .collect()
});

static LINES: LazyLock<Vec<&'static Lines>> = LazyLock::new(|| {
    let mut lines: Vec<&'static Lines> = PARTS.iter().flat_map(|part| part.lines()).collect();
    lines.sort_by_key(|lines| lines.order);
    lines
});

/// Every tree's name, in the order of the store's handles and of `Tx`'s slice.
pub(crate) fn tree_names() -> &'static [&'static str] {
    &TREE_NAMES
}

/// Every tree with what it holds.
pub(crate) fn trees() -> impl Iterator<Item = &'static Tree> {
    PARTS.iter().flat_map(|part| part.trees())
}

/// Every kind of backup line, in the order of the file.
pub(crate) fn lines() -> &'static [&'static Lines] {
    &LINES
}

/// Writes `{"label":value}` for every record of `tree`; returns how many.
pub(crate) fn export_records(
    store: &Store,
    out: &mut dyn Write,
    tree: &'static str,
    label: &str,
) -> Result<usize, StoreError> {
    let mut count = 0;
    for item in store.tree(tree).iter() {
        let (_, value) = item?;
        write_raw(out, &format!("{{\"{label}\":"), &value)?;
        count += 1;
    }
    Ok(count)
}

/// Writes `{"label":"key","value":value}` for every record of `tree` whose key is not
/// `skip`; returns how many.
pub(crate) fn export_keyed(
    store: &Store,
    out: &mut dyn Write,
    tree: &'static str,
    label: &str,
    skip: Option<&[u8]>,
) -> Result<usize, StoreError> {
    let mut count = 0;
    for item in store.tree(tree).iter() {
        let (key, value) = item?;
        if Some(&*key) == skip {
            continue;
        }
        let name = std::str::from_utf8(&key).map_err(|e| StoreError::corrupt(tree, &key, e))?;
        write!(out, "{{\"{label}\":")?;
        serde_json::to_writer(&mut *out, name).map_err(|e| StoreError::corrupt(tree, &key, e))?;
        write_raw(out, ",\"value\":", &value)?;
        count += 1;
    }
    Ok(count)
}

/// Writes `prefix`, the stored bytes and the line's end.
pub(crate) fn write_raw(out: &mut dyn Write, prefix: &str, value: &[u8]) -> Result<(), StoreError> {
    out.write_all(prefix.as_bytes())?;
    out.write_all(value)?;
    out.write_all(b"}\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn the_registry_declares_the_trees_every_database_already_has() {
        let names: BTreeSet<&str> = tree_names().iter().copied().collect();
        assert_eq!(names.len(), tree_names().len(), "a tree declared twice");
        let historical: BTreeSet<&str> = [
            "meta",
            "calls",
            "applications",
            "idx_fiscal_code",
            "idx_protocol",
            "idx_state",
            "idx_external",
            "audit",
            "idx_audit_application",
            "count_state",
            "summaries",
            "summaries_pending",
            "outbox",
            "idx_outbox_state",
            "idx_outbox_hash",
            "io_profiles",
            "appointments",
            "idx_appointment_slot",
            "idx_appointment_held",
            "interested",
            "rulesets",
            "rankings",
            "ranking_rows",
            "access_log",
            "dwellings",
            "idx_dwelling_state",
            "rounds",
            "placements",
            "idx_placement_application",
            "idx_dwelling_holder",
            "idx_round_waiting",
            "count_outbox",
            "leases",
            "idx_lease_dwelling",
            "rent_rules",
            "rent_notices",
            "tenancies",
            "idx_rent_month",
            "idx_gpd_pending",
            "idx_rent_nav",
        ]
        .into_iter()
        .collect();
        assert_eq!(names, historical);
    }

    #[test]
    fn backup_lines_keep_the_order_of_the_file() {
        let labels: Vec<&str> = lines().iter().map(|l| l.label).collect();
        assert_eq!(
            labels,
            [
                "meta",
                "call",
                "application",
                "audit",
                "outbox",
                "appointment",
                "interested",
                "ruleset",
                "ranking",
                "ranking_rows",
                "access",
                "dwelling",
                "round",
                "placement",
                "rent_rules",
                "rent_notice",
                "tenancy",
                "lease"
            ]
        );
        let orders: BTreeSet<u8> = lines().iter().map(|l| l.order).collect();
        assert_eq!(orders.len(), lines().len(), "two kinds share a place");
    }
}
