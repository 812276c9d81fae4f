//! The hash-chained audit log and its index by application. Entries are appended by every
//! transaction (`Tx::append_audit`); the index is derived from them.

use std::io::Write;

use serde_json::value::RawValue;

use super::{Lines, Part, Record, Role, Tree, export_records};
use crate::domain::ApplicationId;
use crate::store::audit::StoredEntry;
use crate::store::audit_index::{audit_seq, decode_entry};
use crate::store::backup::BackupCounts;
use crate::store::check::IntegrityReport;
use crate::store::{Store, StoreError, keys};

pub(crate) const AUDIT: &str = "audit";
/// Audit entries by application: application id then sequence number, empty value.
/// Derived from the audit log (schema 2), never exported.
pub(crate) const IDX_AUDIT_APPLICATION: &str = "idx_audit_application";

pub(super) struct Log;

impl Part for Log {
    fn trees(&self) -> &'static [Tree] {
        &[
            Tree {
                name: AUDIT,
                role: Role::Records,
            },
            Tree {
                name: IDX_AUDIT_APPLICATION,
                role: Role::Derived,
            },
        ]
    }

    fn lines(&self) -> &'static [Lines] {
        &[Lines {
            label: "audit",
            order: 40,
            keyed: false,
            export: Some(export),
            restore,
        }]
    }

    fn rebuild(&self, store: &Store) -> Result<(), StoreError> {
        store.rebuild_audit_index().map(|_| ())
    }

    fn check(&self, store: &Store, report: &mut IntegrityReport) -> Result<(), StoreError> {
        check_audit_index(store, report)
    }
}

fn export(store: &Store, out: &mut dyn Write, counts: &mut BackupCounts) -> Result<(), StoreError> {
    counts.audit_entries += export_records(store, out, AUDIT, "audit")?;
    Ok(())
}

fn restore(
    _key: Option<String>,
    value: &RawValue,
    counts: &mut BackupCounts,
) -> Result<Record, String> {
    let entry: StoredEntry = serde_json::from_str(value.get())
        .map_err(|e| format!("voce del registro non valida: {e}"))?;
    counts.audit_entries += 1;
    Ok(Record::raw(AUDIT, keys::audit(entry.seq).to_vec(), value))
}

const AUDIT_INDEX: &str = "registro per domanda";

fn describe_audit_key(id: ApplicationId, seq: u64) -> String {
    format!("voce {seq} del registro (domanda {id})")
}

/// Every audit entry about an application has its index key, and every index key points
/// at an entry about that application. One pass over the log with a lookup per entry;
/// the index is walked only when it holds more keys than the log accounts for.
fn check_audit_index(store: &Store, report: &mut IntegrityReport) -> Result<(), StoreError> {
    let index = store.tree(IDX_AUDIT_APPLICATION);
    let mut found = 0usize;
    for item in store.tree(AUDIT).iter() {
        let (key, value) = item?;
        let Some(seq) = audit_seq(&key) else {
            report.problems.push(format!(
                "registro: chiave {} illeggibile, {AUDIT_INDEX} non verificabile",
                keys::hex(&key)
            ));
            continue;
        };
        let event = match decode_entry(&key, &value) {
            Ok((_, event)) => event,
            Err(e) => {
                report.problems.push(format!(
                    "registro: voce {seq} illeggibile, {AUDIT_INDEX} non verificabile ({e})"
                ));
                continue;
            }
        };
        let Some(id) = event.application_id() else {
            continue;
        };
        if index.contains_key(keys::audit_application(id, seq))? {
            found += 1;
        } else {
            report.problems.push(format!(
                "indice {AUDIT_INDEX}: manca la {}",
                describe_audit_key(id, seq)
            ));
        }
    }
    if index.len() == found {
        return Ok(());
    }
    for key in index.iter().keys() {
        let key = key?;
        let Some((id, seq)) = keys::decode_audit_application(&key) else {
            report.problems.push(format!(
                "indice {AUDIT_INDEX}: voce {} illeggibile",
                keys::hex(&key)
            ));
            continue;
        };
        let concerns = match store.tree(AUDIT).get(keys::audit(seq))? {
            None => None,
            Some(value) => match decode_entry(&keys::audit(seq), &value) {
                Ok((_, event)) => event.application_id(),
                // Already reported by the pass over the log.
                Err(_) => continue,
            },
        };
        if concerns != Some(id) {
            report.problems.push(format!(
                "indice {AUDIT_INDEX}: {} senza evento corrispondente",
                describe_audit_key(id, seq)
            ));
        }
    }
    Ok(())
}
